"""Routing throughput as a ratio to no-op Celery tasks on the same broker and worker, in the same run.

    .venv/bin/python -m bench.routing_throughput --url postgresql://m24:m24@127.0.0.1:55432/m24 \
        --broker amqp://m24:m24@127.0.0.1:56720/m24

Preparation: a fresh database seeded with ``--scale`` companies; ``--applications`` (N) companies eligible
for the open call most companies qualify for get a draft and submit it through GraphQL (receipt and all),
with job publishing switched off so no eligibility job runs; their status is then set to
``eligibility_check`` in SQL: exactly where the eligibility task leaves an eligible application (the
``eligibility_checked`` event itself is not written; routing does not read it).

One real `celery worker` (prefork, ``--worker-concurrency`` processes) consumes the ``default`` queue only,
the same worker for every kind of phase. After a warm-up, the N applications are split into ``--rounds``
batches, and each round runs:

1. routing: one ``m24.funding.route`` job per application of the batch is published (``send_task`` on
   ``default``) and timed until the worker has logged ``route <id>: routed`` for all of them. "Done" is
   *routed* (status past ``eligibility_check``: route steps, the ``routed`` event, the applicant's
   notification and the follow-up jobs written in one transaction, then the follow-ups published). The
   follow-up ``assign_reviewers`` jobs go to the agencies' ``regional.*`` queues, which this worker does not
   consume, and the notification deliveries go to the ``notifications`` queue: neither is in the routing
   figure. Between phases a short-lived worker on ``notifications`` delivers them.
2. no-op: one ``m24.funding.route`` job per application of the same, now routed, batch. The task takes
   the same path through Celery, RabbitMQ (late ack), the worker's event loop, the connection pool and a
   write transaction, locks the application row and returns ``"skipped"`` on the status check: the task
   machinery minus the routing work. (A truly empty task would have to be registered in the worker,
   which has only the application's tasks.)
3. bare no-op: one ``m24.programs.refresh_counters`` job per application, each for a program id that does
   not exist: the same Celery, broker, event-loop and write-transaction path with a single
   ``SELECT … FOR UPDATE`` that finds nothing. Unlike the skip path of phase 2 it does not change when
   the routing code changes (the route task's locked read is shared by its skip path), so it keeps the
   ratio honest: ``ratio_routing_over_bare_noop``.

Tasks ignore their results, so completion is read from the worker's log: a phase lasts from the first
publish to the timestamp of the last ``route <id>: <outcome>`` line (routing completion is also checked
in the database). Interleaving the phases in rounds makes drift on a shared machine hit both alike.

ratio = routing rate / no-op rate (= no-op time / routing time), against the skip no-op (the headline,
``ratio_routing_over_noop``) and against the bare no-op; 1.0 would mean routing costs nothing beyond the
task machinery. The medians of the run times the worker itself logs per task are reported
too (``task_median_ms``: without broker and prefork hand-over time).

Afterwards the worker is replaced by one on every queue, which assigns the reviewers and delivers their
notifications (timed, for information: ``assign_drain_s``, which includes the worker's start), and zero
loss is checked: every application routed once, reviewers assigned once, no recorded failure, no
notification left unsent. Results are appended to bench/results/routing_throughput.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._workflow_stack import (
    SUBMIT,
    Api,
    Worker,
    WorkflowStack,
    create_drafts,
    eligible_applicants,
    revision,
    wait_quiet,
)
from bench.seed_scale import drop, fresh_database, record
from m24.kit.db import utcnow
from m24.migrations import runner
from m24.portal.funding.models import ApplicationEvent, ApplicationStatus, FundingApplication, WorkflowFailure
from m24.portal.funding.service import REFRESH_COUNTERS_JOB, ROUTE_JOB
from m24.portal.notifications.models import DeliveryStatus, Notification
from m24.portal.seed import seed

RESULTS = Path(__file__).resolve().parent / "results" / "routing_throughput.jsonl"
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
FAILED = re.compile(r"route [0-9a-f-]{36}: failed|Task m24\.[a-z_.]+\[[^\]]+\] (?:raised|retry)")


@dataclass(frozen=True)
class Kind:
    """A kind of phase: the task published per id, and the log line that says one is done."""

    task: str
    argument: str
    done: str  # regex of the message part of the worker's log line
    outcome: str  # the return value Celery logs ("succeeded in …s: <outcome>")


ROUTE = Kind(ROUTE_JOB, "application_id", rf"route {UUID_RE}: routed", "'routed'")
SKIP = Kind(ROUTE_JOB, "application_id", rf"route {UUID_RE}: skipped", "'skipped'")
MISSING = Kind(ROUTE_JOB, "application_id", rf"route {UUID_RE}: missing", "'missing'")
BARE = Kind(REFRESH_COUNTERS_JOB, "program_id", rf"program {UUID_RE} application_count=None", "None")


async def prepare(api: Api, count: int) -> list[uuid.UUID]:
    """Submitted applications (no job published), then moved to ``eligibility_check``."""
    program, applicants = await eligible_applicants(api.db, count)
    ids = await create_drafts(api, program, applicants, 20)
    gate = asyncio.Semaphore(20)

    async def submit(application_id: str, email: str, name: str) -> None:
        async with gate:
            body = await api.gql(
                SUBMIT, {"id": application_id, "key": f"prep-{uuid.uuid4()}"}, token=api.token(email, name)
            )
        if not ((body.get("data") or {}).get("submitFundingApplication") or {}).get("receiptNumber"):
            raise RuntimeError(f"submit failed: {body}")

    await asyncio.gather(*(submit(i, a.email, a.name) for i, a in zip(ids, applicants, strict=True)))
    uuids = [uuid.UUID(i) for i in ids]
    async with api.db.write() as session:
        await session.execute(
            sa.update(FundingApplication)
            .where(FundingApplication.id.in_(uuids))
            .values(status=ApplicationStatus.ELIGIBILITY_CHECK),
            execution_options={"synchronize_session": False},
        )
    print(f"prepared {len(uuids)} applications to {program.title}", file=sys.stderr)
    return uuids


def publish(stack: WorkflowStack, kind: Kind, ids: list[uuid.UUID]) -> None:
    app = stack.celery()
    with app.producer_or_acquire() as producer:
        for one in ids:
            app.send_task(kind.task, kwargs={kind.argument: str(one)}, queue="default", producer=producer)


@dataclass
class Phase:
    seconds: float  # from the first publish to the last completion the worker logged
    publish_s: float
    task_s: list[float]  # run times the worker logged per task (no broker or hand-over time)


async def timed_phase(stack: WorkflowStack, worker: Worker, kind: Kind, ids: list[uuid.UUID], timeout: float) -> Phase:
    """Publish one ``kind`` task per id and wait until the worker logged completion for all of them.

    The end is the timestamp of the last such log line (millisecond resolution, same clock), so the
    polling interval does not enter the figure.
    """
    done = re.compile(rf"^\[([0-9-]+ [0-9:]+,[0-9]+): INFO/[^\]]+\] {kind.done}$", re.M)
    offset = worker.size()
    wall_start = time.time()
    started = time.perf_counter()
    await asyncio.to_thread(publish, stack, kind, ids)
    published = time.perf_counter() - started
    deadline = time.monotonic() + timeout
    while len(stamps := done.findall(log := worker.text(offset))) < len(ids):
        if FAILED.search(log):
            raise RuntimeError(f"a task failed\n{stack.worker_logs()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out: {len(stamps)}/{len(ids)}\n{stack.worker_logs()}")
        await asyncio.sleep(0.05)
    last = max(datetime.strptime(t, "%Y-%m-%d %H:%M:%S,%f").timestamp() for t in stamps)
    ran = re.compile(
        rf"Task {re.escape(kind.task)}\[[^\]]+\] succeeded in ([0-9.e-]+)s: {re.escape(kind.outcome)}$", re.M
    )
    return Phase(last - wall_start, published, [float(x) for x in ran.findall(worker.text(offset))])


async def count_status(api: Api, ids: list[uuid.UUID], status: ApplicationStatus) -> int:
    async with api.db.read() as session:
        return int(
            (
                await session.execute(
                    sa.select(sa.func.count())
                    .select_from(FundingApplication)
                    .where(FundingApplication.id.in_(ids), FundingApplication.status == status)
                )
            ).scalar_one()
        )


async def pending_notifications(api: Api, since: datetime) -> int:
    async with api.db.read() as session:
        return int(
            (
                await session.execute(
                    sa.select(sa.func.count())
                    .select_from(Notification)
                    .where(Notification.created_at >= since, Notification.status != DeliveryStatus.SENT)
                )
            ).scalar_one()
        )


async def until(probe: Any, timeout: float, what: str, stack: WorkflowStack) -> None:
    deadline = time.monotonic() + timeout
    while not await probe():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}\n{stack.worker_logs()}")
        await asyncio.sleep(0.1)


async def audit(api: Api, ids: list[uuid.UUID], since: datetime) -> dict[str, int]:
    async with api.db.read() as session:
        rows = (
            await session.execute(
                sa.select(ApplicationEvent.application_id, ApplicationEvent.kind, sa.func.count())
                .where(ApplicationEvent.application_id.in_(ids))
                .group_by(ApplicationEvent.application_id, ApplicationEvent.kind)
            )
        ).all()
        failures = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(WorkflowFailure)
                .where(sa.or_(WorkflowFailure.application_id.in_(ids), WorkflowFailure.failed_at >= since))
            )
        ).scalar_one()
    kinds = {(a, k): c for a, k, c in rows}
    return {
        "not_under_review": len(ids) - await count_status(api, ids, ApplicationStatus.UNDER_REVIEW),
        "routed_events_not_one": sum(1 for i in ids if kinds.get((i, "routed"), 0) != 1),
        "review_started_events_not_one": sum(1 for i in ids if kinds.get((i, "review_started"), 0) != 1),
        "submitted_events_not_one": sum(1 for i in ids if kinds.get((i, "submitted"), 0) != 1),
        "workflow_failures": int(failures),
        "notifications_not_sent": await pending_notifications(api, since),
    }


async def run(args: argparse.Namespace, database_url: str, data_dir: Path) -> dict[str, Any]:
    code = revision()
    load_before = os.getloadavg()[0]
    stack = WorkflowStack.start(database_url, args.broker, data_dir)
    gateway: dict[str, int] = {}
    try:
        stale = await asyncio.to_thread(stack.queue_depths)
        if any(stale.values()):
            print(f"warning: the broker already holds messages: {stale}", file=sys.stderr)
        warm = 4 * args.worker_concurrency
        async with stack.api(publish=False) as api:
            ids = await prepare(api, args.applications + warm)
        async with stack.api() as api:
            worker = await asyncio.to_thread(stack.start_worker, args.worker_concurrency, "default")
            since = utcnow()

            async def quiet() -> bool:
                return not await pending_notifications(api, since)

            async def settle() -> None:  # notifications delivered; the assign jobs wait on regional.*
                # Deliveries have their own queue; a short-lived worker drains it between timed phases
                # so it never competes with the measured one.
                courier = await asyncio.to_thread(stack.start_worker, 1, "notifications")
                try:
                    await until(quiet, args.timeout, "the routing notifications", stack)
                finally:
                    await asyncio.to_thread(stack.stop_worker, courier)
                await wait_quiet(stack, timeout=args.timeout, queues=("default",))

            # Warm-up (not measured): each pool process opens its event loop, engine, connections and
            # its producer connection.
            await timed_phase(stack, worker, MISSING, [uuid.uuid4() for _ in range(warm)], 60)
            await timed_phase(stack, worker, BARE, [uuid.uuid4() for _ in range(warm)], 60)
            await timed_phase(stack, worker, ROUTE, ids[:warm], 60)
            await settle()

            # Rounds of (route a batch, let its follow-ups finish, the no-ops): drift on a shared
            # machine affects every kind alike.
            measured = ids[warm:]
            size = -(-len(measured) // args.rounds)
            phases: dict[str, list[Phase]] = {"route": [], "skip": [], "bare": []}
            for start in range(0, len(measured), size):
                batch = measured[start : start + size]
                phases["route"].append(await timed_phase(stack, worker, ROUTE, batch, args.timeout))
                routed = await count_status(api, batch, ApplicationStatus.ROUTED)
                if routed != len(batch):
                    raise RuntimeError(f"the log says {len(batch)} routed, the database {routed}")
                await settle()
                phases["skip"].append(await timed_phase(stack, worker, SKIP, batch, args.timeout))
                await settle()
                bare_ids = [uuid.uuid4() for _ in batch]
                phases["bare"].append(await timed_phase(stack, worker, BARE, bare_ids, args.timeout))
                await settle()

            # Let a worker on every queue assign the reviewers and deliver the rest; then check.
            await asyncio.to_thread(stack.stop_worker, worker)
            started = time.perf_counter()
            await asyncio.to_thread(stack.start_worker, args.worker_concurrency)

            async def assigned() -> bool:
                return await count_status(api, ids, ApplicationStatus.UNDER_REVIEW) == len(ids)

            await until(assigned, args.timeout, "reviewer assignment", stack)
            assign_s = time.perf_counter() - started
            await until(quiet, args.timeout, "the review notifications", stack)
            await wait_quiet(stack, timeout=args.timeout)
            checks = await audit(api, ids, since)
    finally:
        gateway = await asyncio.to_thread(stack.stop)
        if args.keep_logs:
            stack.keep_logs(Path(args.keep_logs))

    n = len(measured)
    seconds = {k: sum(p.seconds for p in v) for k, v in phases.items()}
    checks["gateway_routed_off"] = abs(gateway.get("application.routed", 0) - len(ids))
    lost = {k: v for k, v in checks.items() if v}
    return {
        "bench": "routing_throughput",
        "revision": code if revision() == code else f"{code} (changed during the run to {revision()})",
        "backend": "postgresql+rabbitmq",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "done_means": "routed (route task committed; assign_reviewers not included)",
        "noop": "m24.funding.route on an already routed application (locked read + status check -> skipped)",
        "bare_noop": "m24.programs.refresh_counters on a nonexistent program (one SELECT ... FOR UPDATE -> None)",
        "scale": args.scale,
        "applications": n,
        "rounds": len(phases["route"]),
        "worker_concurrency": args.worker_concurrency,
        "route_s": round(seconds["route"], 2),
        "routes_per_s": round(n / seconds["route"], 1),
        "noop_s": round(seconds["skip"], 2),
        "noops_per_s": round(n / seconds["skip"], 1),
        "ratio_routing_over_noop": round(seconds["skip"] / seconds["route"], 2),
        "ratio_per_round": [
            round(b.seconds / a.seconds, 2) for a, b in zip(phases["route"], phases["skip"], strict=True)
        ],
        "bare_noops_per_s": round(n / seconds["bare"], 1),
        "ratio_routing_over_bare_noop": round(seconds["bare"] / seconds["route"], 2),
        "publish_s": {k: round(sum(p.publish_s for p in v), 2) for k, v in phases.items()},
        "task_median_ms": {
            k: round(statistics.median([t for p in v for t in p.task_s]) * 1000, 1) for k, v in phases.items()
        },
        "assign_drain_s": round(assign_s, 2),
        "gateway_messages": gateway,
        "checks": checks,
        "zero_loss": not lost,
        "lost": lost,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # before, after: other work skews
        "command": "python -m bench.routing_throughput --url <postgresql-url> --broker <amqp-url> "
        f"--scale {args.scale} --applications {args.applications} --rounds {args.rounds} "
        f"--worker-concurrency {args.worker_concurrency}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--url", default=os.environ.get("M24_TEST_DATABASE_URL"), help="PostgreSQL server URL")
    parser.add_argument("--broker", default=os.environ.get("M24_TEST_BROKER_URL"), help="RabbitMQ URL")
    parser.add_argument("--scale", type=int, default=1000, help="seeded companies")
    parser.add_argument("--applications", type=int, default=300, help="route jobs (and no-op jobs)")
    parser.add_argument("--rounds", type=int, default=3, help="route/no-op rounds the applications are split into")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for each phase")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the worker logs to DIR")
    args = parser.parse_args()
    if not args.url or not args.url.startswith("postgresql") or not args.broker:
        parser.error("--url (PostgreSQL) and --broker are required (or M24_TEST_DATABASE_URL/M24_TEST_BROKER_URL)")
    with tempfile.TemporaryDirectory() as tmp:
        url, handle = fresh_database(args.url, Path(tmp))
        try:
            runner.upgrade(url)
            seed(url, scale=args.scale)
            result = asyncio.run(run(args, url, Path(tmp)))
        finally:
            drop(handle)
    record(RESULTS, result)
    if not result["zero_loss"]:
        raise SystemExit(f"LOST OR DUPLICATED WORK: {result['lost']}")


if __name__ == "__main__":
    main()
