"""A whole stack for workflow tests: a seeded database, a broker, real `celery worker` processes, the
app (GraphQL over ASGI) publishing to that broker, and local simulators of the NTS and the
notification gateway on real ports.

Real stack: PostgreSQL + RabbitMQ (from scripts/services.sh). Embedded stack: SQLite + kombu's
SQLAlchemy transport on a SQLite file. Both run the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa

from m24.app import create_app
from m24.integrations.notify.simulator import SimulatorServer as NotifyServer
from m24.integrations.nts.client import BusinessState
from m24.integrations.nts.simulator import SimulatedBusiness
from m24.integrations.nts.simulator import SimulatorServer as NtsServer
from m24.kit import jobs
from m24.kit.db import Database
from m24.portal.companies.models import Company
from m24.workflows import publisher
from m24.workflows.celery_app import make_celery
from m24.workflows.queues import QUEUES
from tests.helpers import NTS_TEST_KEY, Api, settings_for

NOTIFY_TEST_KEY = "notify-test-key"
T = TypeVar("T")


@dataclass
class Stack:
    database_url: str
    broker_url: str
    data_dir: Path
    nts: NtsServer
    notify: NotifyServer
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "M24_ENV": "development",
            "M24_DATABASE_URL": self.database_url,
            "M24_BROKER_URL": self.broker_url,
            "M24_DATA_DIR": str(self.data_dir),
            "M24_NTS_URL": self.nts.url,
            "M24_NTS_SERVICE_KEY": NTS_TEST_KEY,
            "M24_NOTIFY_URL": self.notify.url,
            "M24_NOTIFY_API_KEY": NOTIFY_TEST_KEY,
            "M24_LOG_JSON": "false",
            **self.search_env,
        }

    @property
    def search_env(self) -> dict[str, str]:
        """The full stack searches Elasticsearch (indices of its own); the embedded one its database."""
        settings = self.settings()
        if not settings.elasticsearch_url:
            return {}
        return {
            "M24_ELASTICSEARCH_URL": settings.elasticsearch_url,
            "M24_SEARCH_INDEX_PREFIX": settings.search_index_prefix,
        }

    def settings(self) -> Any:
        return settings_for(
            self.database_url,
            broker_url=self.broker_url,
            data_dir=self.data_dir,
            nts_url=self.nts.url,
            nts_service_key=NTS_TEST_KEY,
            notify_url=self.notify.url,
            notify_api_key=NOTIFY_TEST_KEY,
        )

    def start_worker(
        self, concurrency: int = 2, queues: str | None = None, *, beat: bool = False
    ) -> subprocess.Popen[bytes]:
        argv = [sys.executable, "-m", "celery", "-A", "m24.workflows.worker:celery_app", "worker"]
        argv += ["--queues", queues or ",".join(QUEUES), "--concurrency", str(concurrency)]
        if beat:  # embedded beat: the periodic sweeps (search relay every 10 s, SLA, outbox)
            argv += ["--beat", "--schedule", str(self.data_dir / f"beat-{len(self.workers)}")]
        argv += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        log = (self.data_dir / f"worker-{len(self.workers)}.log").open("wb")
        worker = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool children at once (no warm shutdown, no acks)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill_worker(worker)

    def worker_logs(self, tail: int = 4000) -> str:
        return "\n".join(p.read_text(errors="replace")[-tail:] for p in sorted(self.data_dir.glob("worker-*.log")))

    def purge_broker(self) -> None:
        """Drop messages other tests left in the shared broker's queues."""
        app = make_celery(self.settings())
        with app.connection_for_write() as conn:
            for name in QUEUES:
                try:
                    conn.default_channel.queue_purge(name)
                except Exception:  # a queue not declared yet has nothing to purge
                    conn.default_channel  # noqa: B018 (reopen the channel the failure closed)

    async def register_companies(self) -> None:
        """Every company in the database is a registered, active business at the simulated NTS."""
        db = Database(self.database_url)
        try:
            async with db.read() as session:
                numbers = (await session.scalars(sa.select(Company.business_number))).all()
        finally:
            await db.dispose()
        for number in numbers:
            self.nts.register(number, SimulatedBusiness(BusinessState.ACTIVE, date(2012, 3, 5), "대표자"))


async def open_api(stack: Stack) -> tuple[Api, Callable[[], Awaitable[None]]]:
    """The app over the stack's database, publishing jobs to the stack's broker."""
    settings = stack.settings()
    publisher.install(make_celery(settings))
    db = Database(stack.database_url)
    app = create_app(settings, database=db)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    async def close() -> None:
        await client.aclose()
        await db.dispose()
        jobs.set_publisher(None)

    return Api(app=app, client=client, db=db), close


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, timeout: float, what: str, logs: Callable[[], str]
) -> T:
    """Poll until ``probe`` returns something truthy; fail with the workers' logs otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n--- worker logs ---\n{logs()}")
        await asyncio.sleep(0.2)
