"""Jobs are published only after commit and run by a real Celery worker process.

Two stacks: the real one (PostgreSQL + RabbitMQ from scripts/services.sh) and the embedded one
(SQLite + kombu's SQLAlchemy transport on a SQLite file), both with a real `celery worker`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from m24.kit import jobs
from m24.kit.db import Database
from m24.portal.funding.models import FundingProgram
from m24.portal.funding.service import REFRESH_COUNTERS_JOB
from m24.workflows import publisher
from m24.workflows.celery_app import make_celery
from tests import builders
from tests.helpers import BROKER_URL, settings_for


@pytest.fixture(autouse=True)
def _restore_publisher() -> Iterator[None]:
    previous = jobs.get_publisher()
    yield
    jobs.set_publisher(previous)


async def test_jobs_are_dropped_on_rollback_and_published_after_commit(migrated_db_url: str) -> None:
    published: list[jobs.Job] = []
    jobs.set_publisher(published.append)
    db = Database(migrated_db_url)
    try:
        with pytest.raises(RuntimeError):
            async with db.write() as session:
                owner = await builders.agency(session)
                jobs.enqueue_job(session, "m24.test.never", program_id=owner.id)
                raise RuntimeError("boom")
        assert published == []
        async with db.write() as session:
            owner = await builders.agency(session)
            jobs.enqueue_job(session, "m24.test.after", agency_id=owner.id)
            assert published == [], "nothing is published before the commit"
        assert published == [jobs.Job("m24.test.after", {"agency_id": str(owner.id)})]
        async with db.read() as session:
            assert await session.scalar(sa.select(sa.func.count()).select_from(FundingProgram)) == 0
    finally:
        await db.dispose()


def test_job_arguments_must_be_ids() -> None:
    from sqlalchemy.orm import Session

    with pytest.raises(TypeError, match="must be an id"):
        jobs.enqueue_job(Session(), "x", obj=object())  # type: ignore[arg-type]


def _start_worker(database_url: str, broker_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "M24_ENV": "development",
        "M24_DATABASE_URL": database_url,
        "M24_BROKER_URL": broker_url,
        "M24_DATA_DIR": str(data_dir),
    }
    argv = [sys.executable, "-m", "celery", "-A", "m24.workflows.worker:celery_app", "worker"]
    argv += ["--queues", "default", "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    log = (data_dir / "worker.log").open("wb")
    return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)


async def _wait_for_count(db: Database, program_id: object, expected: int, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    value = -1
    while time.monotonic() < deadline:
        async with db.read() as session:
            value = await session.scalar(
                sa.select(FundingProgram.application_count).where(FundingProgram.id == program_id)
            )
        if value == expected:
            return value
        await asyncio.sleep(0.2)
    return value


async def _worker_round_trip(database_url: str, broker_url: str, data_dir: Path) -> None:
    settings = settings_for(database_url, broker_url=broker_url, data_dir=data_dir)
    publisher.install(make_celery(settings))
    db = Database(database_url)
    worker = _start_worker(database_url, broker_url, data_dir)
    try:
        async with db.write() as session:
            owner = await builders.agency(session)
            program = await builders.program(session, owner)
            applicant = await builders.person(session)
            for _ in range(3):
                await builders.application(session, program, await builders.company(session), applicant)
            jobs.enqueue_job(session, REFRESH_COUNTERS_JOB, program_id=program.id)
            # Delivered twice (at-least-once): the task is idempotent.
            jobs.enqueue_job(session, REFRESH_COUNTERS_JOB, program_id=program.id)
        assert await _wait_for_count(db, program.id, 3) == 3, (data_dir / "worker.log").read_text()[-3000:]

        async with db.write() as session:
            await builders.application(session, program, await builders.company(session), applicant)
            jobs.enqueue_job(session, REFRESH_COUNTERS_JOB, program_id=program.id)
        assert await _wait_for_count(db, program.id, 4) == 4, (data_dir / "worker.log").read_text()[-3000:]
        assert worker.poll() is None, "the worker process is alive"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        await db.dispose()


async def test_real_worker_on_postgres_and_rabbitmq(pg_databases, tmp_path: Path) -> None:
    if not BROKER_URL:
        pytest.skip("broker not configured (run through scripts/test.sh)")
    await _worker_round_trip(pg_databases.fresh(), BROKER_URL, tmp_path)


async def test_embedded_worker_on_sqlite_broker(sqlite_migrated_url: str, tmp_path: Path) -> None:
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    await _worker_round_trip(sqlite_migrated_url, broker, tmp_path)
