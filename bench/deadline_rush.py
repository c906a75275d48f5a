"""A deadline rush: many concurrent submissions through GraphQL on PostgreSQL with workers running.

    .venv/bin/python -m bench.deadline_rush --url postgresql://m24:m24@127.0.0.1:55432/m24 \
        --broker amqp://m24:m24@127.0.0.1:56720/m24

A fresh database is seeded (``--scale`` companies) and a real `celery worker` (prefork, ``--worker-concurrency``
processes, every queue) runs on the broker; the NTS and the notification gateway are simulators in a
separate process. The open call the most seeded companies are eligible for is chosen, and a draft is
created for each of ``--applications`` companies through GraphQL as its representative (which also links
each representative's login, so no first login is measured). Then, with ``--concurrency`` requests in
flight over the ASGI transport:

1. baseline: the same number of cheap authenticated queries (``{ me { name } }``), one per representative,
   with the workers idle;
2. the rush: every ``submitFundingApplication`` at once, each as its company's representative with its own
   idempotency key (the NTS is asked, the receipt is issued, the eligibility job is published), while the
   workers already drain the first submissions on the same cores;
3. the drain: until the workers have moved every application on to ``under_review`` (checked, routed to
   the 테크노파크 of its 시·도, reviewers assigned) or ``rejected``.

``--warmup`` extra applications are submitted one at a time first (not measured, checked like the rest).
Reports submit latency (p50/p95/max), submissions per second, the submit/baseline latency ratios, and the
drain time from the first submit. Zero loss is checked, and the run exits non-zero when anything is off:
every submit answered with a receipt; every application has its receipt, exactly one ``submitted`` event,
at most one of each workflow event (exactly one for the steps it went through), gapless event sequences,
reached a post-routing state, has reviewers, no recorded workflow failure; every notification the
workflow wrote was delivered, and the gateway received exactly one receipt and one routing message per
application. Results are appended to bench/results/deadline_rush.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._workflow_stack import (
    SUBMIT,
    Api,
    WorkflowStack,
    create_drafts,
    eligible_applicants,
    percentile,
    revision,
    wait_quiet,
)
from bench.seed_scale import drop, fresh_database, record
from m24.kit.db import utcnow
from m24.migrations import runner
from m24.portal.funding.models import (
    ApplicationEvent,
    ApplicationStatus,
    FundingApplication,
    ReviewAssignment,
    WorkflowFailure,
)
from m24.portal.notifications.models import DeliveryStatus, Notification
from m24.portal.seed import seed

RESULTS = Path(__file__).resolve().parent / "results" / "deadline_rush.jsonl"
BASELINE = "{ me { name } }"
POST_ROUTING = {ApplicationStatus.UNDER_REVIEW, ApplicationStatus.REJECTED}
ONCE = ("submitted", "eligibility_checked", "routed", "review_started", "ineligible")


async def fire(
    api: Api, requests: list[tuple[str, dict[str, Any], str]], concurrency: int
) -> tuple[list[float], list[dict[str, Any]], float]:
    """Send every (query, variables, token) with ``concurrency`` in flight; latencies, bodies, wall time."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = [0.0] * len(requests)
    bodies: list[dict[str, Any]] = [{}] * len(requests)

    async def one(i: int, query: str, variables: dict[str, Any], token: str) -> None:
        async with gate:
            started = time.perf_counter()
            bodies[i] = await api.gql(query, variables, token=token)
            latencies[i] = time.perf_counter() - started

    started = time.perf_counter()
    await asyncio.gather(*(one(i, *r) for i, r in enumerate(requests)))
    return latencies, bodies, time.perf_counter() - started


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


async def statuses(api: Api, ids: list[uuid.UUID]) -> dict[ApplicationStatus, int]:
    async with api.db.read() as session:
        rows = await session.execute(
            sa.select(FundingApplication.status, sa.func.count())
            .where(FundingApplication.id.in_(ids))
            .group_by(FundingApplication.status)
        )
        return {status: count for status, count in rows.all()}


async def drain(api: Api, ids: list[uuid.UUID], started: float, timeout: float) -> tuple[float | None, float | None]:
    """Seconds from ``started`` until none is ``submitted`` any more, and until all are post-routing."""
    left_submitted: float | None = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = await statuses(api, ids)
        now = time.perf_counter() - started
        if left_submitted is None and not counts.get(ApplicationStatus.SUBMITTED):
            left_submitted = now
        if sum(c for s, c in counts.items() if s in POST_ROUTING) == len(ids):
            return left_submitted, now
        await asyncio.sleep(0.1)
    return left_submitted, None


async def wait_delivered(api: Api, since: datetime, timeout: float) -> int:
    """Until no notification written since ``since`` is pending; returns how many are still pending."""
    deadline = time.monotonic() + timeout
    while True:
        async with api.db.read() as session:
            pending = (
                await session.execute(
                    sa.select(sa.func.count())
                    .select_from(Notification)
                    .where(Notification.created_at >= since, Notification.status == DeliveryStatus.PENDING)
                )
            ).scalar_one()
        if not pending or time.monotonic() > deadline:
            return int(pending)
        await asyncio.sleep(0.2)


async def audit(api: Api, ids: list[uuid.UUID], since: datetime) -> dict[str, Any]:
    """Zero-loss and no-duplicate checks over the database; every figure should be 0 (or as named)."""
    async with api.db.read() as session:
        apps = (await session.execute(sa.select(FundingApplication).where(FundingApplication.id.in_(ids)))).scalars()
        by_id = {a.id: a for a in apps}
        events = (
            await session.execute(
                sa.select(ApplicationEvent.application_id, ApplicationEvent.kind, ApplicationEvent.sequence).where(
                    ApplicationEvent.application_id.in_(ids)
                )
            )
        ).all()
        reviewers = dict(
            (
                await session.execute(
                    sa.select(ReviewAssignment.application_id, sa.func.count())
                    .where(ReviewAssignment.application_id.in_(ids))
                    .group_by(ReviewAssignment.application_id)
                )
            ).all()
        )
        failures = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(WorkflowFailure)
                .where(sa.or_(WorkflowFailure.application_id.in_(ids), WorkflowFailure.failed_at >= since))
            )
        ).scalar_one()
        notifications = dict(
            (
                await session.execute(
                    sa.select(Notification.status, sa.func.count())
                    .where(Notification.created_at >= since)
                    .group_by(Notification.status)
                )
            ).all()
        )
    kinds: dict[uuid.UUID, dict[str, int]] = {i: {} for i in ids}
    sequences: dict[uuid.UUID, list[int]] = {i: [] for i in ids}
    for application_id, kind, sequence in events:
        kinds[application_id][kind] = kinds[application_id].get(kind, 0) + 1
        sequences[application_id].append(sequence)
    under_review = [i for i in ids if i in by_id and by_id[i].status is ApplicationStatus.UNDER_REVIEW]
    rejected = [i for i in ids if i in by_id and by_id[i].status is ApplicationStatus.REJECTED]
    expected_path = ("submitted", "eligibility_checked", "routed", "review_started")
    return {
        "missing_rows": len(ids) - len(by_id),
        "without_receipt": sum(1 for a in by_id.values() if not a.receipt_number),
        "not_post_routing": len(ids) - len(under_review) - len(rejected),
        "submitted_events_not_one": sum(1 for i in ids if kinds[i].get("submitted", 0) != 1),
        "duplicate_events": sum(1 for i in ids for k in ONCE if kinds[i].get(k, 0) > 1),
        "missing_step_events": sum(1 for i in under_review for k in expected_path if kinds[i].get(k, 0) != 1)
        + sum(1 for i in rejected if kinds[i].get("ineligible", 0) != 1),
        "sequence_gaps": sum(1 for i in ids if sorted(sequences[i]) != list(range(1, len(sequences[i]) + 1))),
        "under_review_without_reviewers": sum(1 for i in under_review if not reviewers.get(i)),
        "workflow_failures": int(failures),
        "notifications_not_sent": sum(c for s, c in notifications.items() if s is not DeliveryStatus.SENT),
        "under_review": len(under_review),
        "rejected": len(rejected),
        "notifications_sent": int(notifications.get(DeliveryStatus.SENT, 0)),
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
        async with stack.api() as api:
            program, applicants = await eligible_applicants(api.db, args.applications + args.warmup)
            await asyncio.to_thread(stack.start_worker, args.worker_concurrency)
            since = utcnow()
            ids = [uuid.UUID(i) for i in await create_drafts(api, program, applicants, args.concurrency)]
            await wait_quiet(stack, timeout=120)  # the drafts' counter refreshes
            tokens = [api.token(a.email, a.name) for a in applicants]

            # Warm-up: a few submits one at a time (not measured; checked like the rest) and queries.
            for i in range(args.warmup):
                body = await api.gql(SUBMIT, {"id": str(ids[i]), "key": f"warmup-{uuid.uuid4()}"}, token=tokens[i])
                assert body["data"]["submitFundingApplication"]["receiptNumber"], body
            for token in tokens[: args.concurrency]:
                await api.gql(BASELINE, token=token)
            await wait_quiet(stack, timeout=120)

            measured = list(range(args.warmup, len(ids)))
            base_lat, base_bodies, base_wall = await fire(
                api, [(BASELINE, {}, tokens[i]) for i in measured], args.concurrency
            )
            bad_baseline = [b for b in base_bodies if b.get("errors") or not b["data"]["me"]]
            if bad_baseline:
                raise RuntimeError(f"baseline query failed: {bad_baseline[0]}")

            started = time.perf_counter()
            submit_lat, bodies, submit_wall = await fire(
                api,
                [(SUBMIT, {"id": str(ids[i]), "key": f"rush-{uuid.uuid4()}"}, tokens[i]) for i in measured],
                args.concurrency,
            )
            out_of_submitted, all_routed = await drain(api, ids, started, args.timeout)
            answers = [b.get("data", {}).get("submitFundingApplication") or {} for b in bodies]
            refused = [b for b, a in zip(bodies, answers, strict=True) if b.get("errors") or a.get("errors")]
            no_receipt = sum(1 for a in answers if not a.get("receiptNumber") or a.get("replayed"))

            pending = await wait_delivered(api, since, args.timeout)
            await wait_quiet(stack, timeout=args.timeout)
            checks = await audit(api, ids, since)
            counts = await statuses(api, ids)
    finally:
        gateway = await asyncio.to_thread(stack.stop)

    checks["submit_errors"] = len(refused)
    checks["submit_without_receipt"] = no_receipt
    checks["notifications_pending"] = pending
    checks["gateway_receipts_off"] = abs(gateway.get("application.submitted", 0) - len(ids))
    checks["gateway_routed_off"] = abs(gateway.get("application.routed", 0) - checks["under_review"])
    if all_routed is None:
        checks["drain_timed_out"] = 1
    informational = {"under_review", "rejected", "notifications_sent"}
    lost = {k: v for k, v in checks.items() if k not in informational and v}
    n = len(measured)
    return {
        "bench": "deadline_rush",
        "revision": code if revision() == code else f"{code} (changed during the run to {revision()})",
        "backend": "postgresql+rabbitmq",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "program": program.title,
        "program_kind": program.kind.value,
        "scale": args.scale,
        "applications": n,
        "concurrency": args.concurrency,
        "worker_concurrency": args.worker_concurrency,
        "baseline": {**summary(base_lat), "per_second": round(n / base_wall, 1)},
        "submit": {**summary(submit_lat), "per_second": round(n / submit_wall, 1), "wall_s": round(submit_wall, 2)},
        "ratio_submit_over_baseline_p50": round(statistics.median(submit_lat) / statistics.median(base_lat), 2),
        "ratio_submit_over_baseline_p95": round(percentile(submit_lat, 95) / percentile(base_lat, 95), 2),
        "drain_s_out_of_submitted": round(out_of_submitted, 2) if out_of_submitted is not None else None,
        "drain_s_all_under_review": round(all_routed, 2) if all_routed is not None else None,
        "drain_per_second": round(n / all_routed, 1) if all_routed else None,
        "final_statuses": {s.value: c for s, c in counts.items()},
        "gateway_messages": gateway,
        "checks": checks,
        "zero_loss": not lost,
        "lost": lost,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # before, after: other work skews
        "command": "python -m bench.deadline_rush --url <postgresql-url> --broker <amqp-url> "
        f"--scale {args.scale} --applications {args.applications} --concurrency {args.concurrency} "
        f"--worker-concurrency {args.worker_concurrency}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--url", default=os.environ.get("M24_TEST_DATABASE_URL"), help="PostgreSQL server URL")
    parser.add_argument("--broker", default=os.environ.get("M24_TEST_BROKER_URL"), help="RabbitMQ URL")
    parser.add_argument("--scale", type=int, default=1000, help="seeded companies")
    parser.add_argument("--applications", type=int, default=200, help="concurrent submissions")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--warmup", type=int, default=3, help="submits before the rush (not measured)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the drain")
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
