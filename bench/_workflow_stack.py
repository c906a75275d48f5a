"""A whole workflow stack for the funding benchmarks (a trimmed copy of tests/workflows/stack.py, which
bench must not import): a seeded database, a broker, real `celery worker` processes, the app (GraphQL
over ASGI) publishing to that broker, and the NTS and notification-gateway simulators.

The simulators run in a separate (spawned) process, not in threads of the benchmark process, so their
request handling does not share the GIL and the event loop of the app being measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from celery import Celery

from m24.app import create_app
from m24.auth.personas import Persona, Role
from m24.config import Settings
from m24.integrations.notify.simulator import SimulatorServer as NotifyServer
from m24.integrations.nts.client import BusinessState
from m24.integrations.nts.simulator import SimulatedBusiness
from m24.integrations.nts.simulator import SimulatorServer as NtsServer
from m24.kit import jobs
from m24.kit.db import Database, make_sync_engine
from m24.portal.companies.models import Company
from m24.portal.funding import repository, service
from m24.portal.funding.models import FundingApplication, FundingProgram
from m24.portal.people.models import CompanyMembership, CompanyRole, MembershipStatus, Person
from m24.workflows import publisher
from m24.workflows.celery_app import make_celery
from m24.workflows.queues import QUEUES

NTS_KEY = "bench-nts-key"
NOTIFY_KEY = "bench-notify-key"


def _serve_simulators(numbers: list[str], conn: Connection) -> None:
    """Child process: both simulators until told to stop; then answers with the gateway's message
    counts per template."""
    registry = {n: SimulatedBusiness(BusinessState.ACTIVE, date(2012, 3, 5), "대표자") for n in numbers}
    with NtsServer(service_key=NTS_KEY, registry=registry) as nts, NotifyServer(api_key=NOTIFY_KEY) as notify:
        conn.send((nts.url, notify.url))
        conn.recv()
        conn.send(dict(Counter(m["template"] for m in notify.messages)))


class Simulators:
    """The NTS (every given business number registered as active) and the notification gateway."""

    def __init__(self, business_numbers: list[str]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve_simulators, args=(business_numbers, child), daemon=True)
        self.process.start()
        if not self._conn.poll(60):
            self.process.terminate()
            raise RuntimeError("the simulators did not start")
        self.nts_url, self.notify_url = self._conn.recv()

    def stop(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        if self.process.is_alive():
            with contextlib.suppress(OSError, EOFError):
                self._conn.send("stop")
                if self._conn.poll(20):
                    counts = self._conn.recv()
            self.process.join(timeout=20)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join(timeout=5)
        return counts


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    name: str

    def text(self, start: int = 0) -> str:
        """The log from byte ``start`` on."""
        with self.log.open("rb") as fh:
            fh.seek(start)
            return fh.read().decode(errors="replace")

    def size(self) -> int:
        return self.log.stat().st_size


@dataclass
class WorkflowStack:
    database_url: str
    broker_url: str
    data_dir: Path
    simulators: Simulators
    workers: list[Worker] = field(default_factory=list)
    _celery: Celery | None = field(default=None, init=False)

    @classmethod
    def start(cls, database_url: str, broker_url: str, data_dir: Path) -> WorkflowStack:
        """Simulators with every company of the (seeded) database registered as an active business."""
        engine = make_sync_engine(database_url)
        try:
            with engine.connect() as conn:
                numbers = list(conn.execute(sa.text("SELECT business_number FROM companies")).scalars())
        finally:
            engine.dispose()
        return cls(database_url, broker_url, data_dir, Simulators(numbers))

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "M24_ENV": "development",
            "M24_DATABASE_URL": self.database_url,
            "M24_BROKER_URL": self.broker_url,
            "M24_DATA_DIR": str(self.data_dir),
            "M24_NTS_URL": self.simulators.nts_url,
            "M24_NTS_SERVICE_KEY": NTS_KEY,
            "M24_NOTIFY_URL": self.simulators.notify_url,
            "M24_NOTIFY_API_KEY": NOTIFY_KEY,
            "M24_LOG_JSON": "false",
        }

    def settings(self) -> Settings:
        values: dict[str, Any] = {
            "env": "development",
            "database_url": self.database_url,
            "broker_url": self.broker_url,
            "data_dir": self.data_dir,
            "nts_url": self.simulators.nts_url,
            "nts_service_key": NTS_KEY,
            "notify_url": self.simulators.notify_url,
            "notify_api_key": NOTIFY_KEY,
            "log_json": False,
        }
        return Settings(**values)

    def celery(self) -> Celery:
        """The stack's Celery app for publishing (one, so its broker connection is reused)."""
        if self._celery is None:
            self._celery = make_celery(self.settings())
        return self._celery

    # -- workers -----------------------------------------------------------------------------------

    def start_worker(self, concurrency: int = 2, queues: str | None = None, *, ready_timeout: float = 60) -> Worker:
        """A real `celery worker` (prefork pool); returns once it logged that it is ready."""
        name = f"bench-{uuid.uuid4().hex[:6]}"
        argv = [sys.executable, "-m", "celery", "-A", "m24.workflows.worker:celery_app", "worker"]
        argv += ["--queues", queues or ",".join(QUEUES), "--concurrency", str(concurrency), "-n", f"{name}@%h"]
        argv += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        log = self.data_dir / f"worker-{len(self.workers)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        worker = Worker(process, log, name)
        self.workers.append(worker)
        deadline = time.monotonic() + ready_timeout
        while " ready." not in worker.text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start\n{worker.text()[-4000:]}")
            time.sleep(0.1)
        return worker

    def stop_worker(self, worker: Worker) -> None:
        """Warm shutdown (SIGTERM: finish the running tasks), SIGKILL of its process group if it hangs."""
        if worker.process.poll() is None:
            worker.process.terminate()
            try:
                worker.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait(timeout=20)

    def stop(self) -> dict[str, int]:
        """Stop the workers, then the simulators; returns the gateway's per-template message counts."""
        for worker in self.workers:
            self.stop_worker(worker)
        if self._celery is not None:
            self._celery.close()
        return self.simulators.stop()

    def keep_logs(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for worker in self.workers:
            shutil.copy(worker.log, directory / f"{worker.name}.log")

    def worker_logs(self, tail: int = 4000) -> str:
        return "\n".join(w.text()[-tail:] for w in self.workers)

    def queue_depths(self) -> dict[str, int]:
        """Ready messages per queue (messages a worker holds unacknowledged are not counted)."""
        depths: dict[str, int] = {}
        app = self.celery()
        with app.connection_for_write() as conn:
            for name in QUEUES:
                channel: Any = conn.channel()
                try:
                    depths[name] = channel.queue_declare(queue=name, passive=True).message_count
                except Exception:  # a queue nobody declared yet holds nothing
                    depths[name] = 0
                finally:
                    with contextlib.suppress(Exception):
                        channel.close()
        return depths

    # -- the app -----------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def api(self, *, publish: bool = True) -> AsyncIterator[Api]:
        """The app over the stack's database, publishing jobs to the stack's broker (or dropping them)."""
        previous = jobs.get_publisher()
        if publish:
            publisher.install(self.celery())
        else:
            jobs.set_publisher(lambda job: None)
        db = Database(self.database_url)
        app = create_app(self.settings(), database=db)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120)
        try:
            yield Api(app, client, db)
        finally:
            await client.aclose()
            await db.dispose()
            jobs.set_publisher(previous)


@dataclass
class Api:
    app: Any
    client: httpx.AsyncClient
    db: Database

    def token(self, email: str, name: str = "벤치사용자") -> str:
        """A development-issuer access token for any e-mail (an SME representative here)."""
        persona = Persona(key=email, email=email, name=name, roles=frozenset({Role.SME_REPRESENTATIVE}), description="")
        token: str = self.app.state.identity.dev_issuer.tokens_for(persona, client_id="m24-cli")["access_token"]
        return token

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *, token: str) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:500]}")
        body: dict[str, Any] = response.json()
        return body


def form_for(schema: dict[str, Any]) -> dict[str, Any]:
    """Form data that satisfies a program's application form (the standard fields of every kind)."""
    values: dict[str, Any] = {
        "project_title": "AI 비전 외관검사 라인 구축",
        "project_months": 8,
        "total_project_cost_krw": 120_000_000,
        "employees": 34,
        "current_maturity": "basic",
        "contact_phone": "031-355-1234",
        "goals": "불량률 30% 감소",
        "safety_plan": "협착 사고 예방 센서 연동",
        "environment_plan": "공정 에너지 사용량 모니터링",
        "subscription_plan": "MES 스탠다드",
        "robot_units": 2,
        "sponsor_mentoring": True,
    }
    return {k: v for k, v in values.items() if k in schema["properties"]}


def revision() -> str:
    """The commit the measured code is at, ``-dirty`` when src/ has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Applicant:
    company_id: uuid.UUID
    email: str
    name: str


async def eligible_applicants(db: Database, wanted: int) -> tuple[FundingProgram, list[Applicant]]:
    """The open call most seeded companies may apply to, and ``wanted`` of them (by business number).

    Each is a demand company with an active representative, no application to that call yet, and an
    eligible verdict from the call's published rule set with the NTS saying "active".
    """
    best: tuple[FundingProgram, list[Applicant]] | None = None
    async with db.read() as session:
        reps = (
            await session.execute(
                sa.select(Company.id, Person.email, Person.name)
                .join(CompanyMembership, CompanyMembership.company_id == Company.id)
                .join(Person, Person.id == CompanyMembership.person_id)
                .where(
                    Company.is_specialist.is_(False),
                    Company.deleted_at.is_(None),
                    CompanyMembership.role == CompanyRole.REPRESENTATIVE,
                    CompanyMembership.status == MembershipStatus.ACTIVE,
                )
                .order_by(Company.business_number, Person.email)
            )
        ).all()
        programs = (await session.scalars(sa.select(FundingProgram).order_by(FundingProgram.code))).all()
        for program in programs:
            if program.deleted_at is not None or repository.call_status(program).value != "open":
                continue
            applied = set(
                (
                    await session.scalars(
                        sa.select(FundingApplication.company_id).where(FundingApplication.program_id == program.id)
                    )
                ).all()
            )
            found: list[Applicant] = []
            seen: set[uuid.UUID] = set()
            for company_id, email, name in reps:
                if company_id in applied or company_id in seen:
                    continue
                seen.add(company_id)
                if (await service.check(session, program, company_id, "active")).eligible:
                    found.append(Applicant(company_id, email, name))
            if best is None or len(found) > len(best[1]):
                best = (program, found)
    if best is None or len(best[1]) < wanted:
        have = 0 if best is None else len(best[1])
        raise SystemExit(f"no open call with {wanted} eligible companies (best: {have}); seed a larger --scale")
    return best[0], best[1][:wanted]


CREATE = """
mutation($input: CreateFundingApplicationInput!) { createFundingApplication(input: $input) {
  application { id status } errors { field code message } } }
"""
SUBMIT = """
mutation($id: ID!, $key: String!) { submitFundingApplication(id: $id, idempotencyKey: $key) {
  receiptNumber replayed application { status } errors { field code message } } }
"""


async def create_drafts(api: Api, program: FundingProgram, applicants: list[Applicant], concurrency: int) -> list[str]:
    """One draft per applicant through GraphQL, as its representative (this also links each person's
    login, so the measured requests later do not pay for first logins)."""
    form = form_for(service.form_schema_of(program))
    amount = min(20_000_000, program.max_award_krw)
    gate = asyncio.Semaphore(concurrency)

    async def one(applicant: Applicant) -> str:
        variables = {
            "input": {
                "programId": str(program.id),
                "companyId": str(applicant.company_id),
                "requestedAmountKrw": amount,
                "formData": form,
            }
        }
        async with gate:
            body = await api.gql(CREATE, variables, token=api.token(applicant.email, applicant.name))
        payload = (body.get("data") or {}).get("createFundingApplication")
        if not payload or payload["errors"] or body.get("errors"):
            raise RuntimeError(f"creating a draft for {applicant.email} failed: {body}")
        application_id: str = payload["application"]["id"]
        return application_id

    return list(await asyncio.gather(*(one(a) for a in applicants)))


async def wait_quiet(
    stack: WorkflowStack, *, timeout: float, settle: int = 3, queues: tuple[str, ...] = QUEUES
) -> None:
    """Until the queues have been empty for ``settle`` polls in a row (0.3 s apart)."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < settle:
        depths = await asyncio.to_thread(stack.queue_depths)
        quiet = quiet + 1 if not any(depths[q] for q in queues) else 0
        if time.monotonic() > deadline:
            raise RuntimeError(f"queues not drained: {depths}\n{stack.worker_logs()}")
        await asyncio.sleep(0.3)
