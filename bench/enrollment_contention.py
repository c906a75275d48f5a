"""Enrollment throughput when everyone enrolls in the same course session, against the same number of
enrollments spread over as many sessions, in one run.

    .venv/bin/python -m bench.enrollment_contention --url postgresql://m24:m24@127.0.0.1:55432/m24

Preparation: a fresh, migrated PostgreSQL database seeded with ``--scale`` companies (the seed's people are
the enrollees), one bench course (provided by an agency, no agency approval, so an individual enrollment is
``enrolled`` at once) and, per phase, new sessions inserted directly: deadlines a week ahead,
``waitlist_enabled``, ``seats_taken = 0``, ``waitlist_next = 1``. The principals of ``--enrollments`` seed
people are loaded beforehand, outside the timing. The database is dropped at the end, also on failure.

Each enrollment is what the GraphQL mutation does below the resolver: ``async with db.write()`` (one
transaction, committed at the end) around ``m24.portal.training.service.enroll`` for an individual
(``company_id=None``, the caller enrolls themselves). ``--concurrency`` of them run at a time (coroutines
behind a semaphore, on one engine whose pool has a connection for each).

* uncontended: N enrollments, each person into their own session (capacity 4), so no two transactions touch
  the same ``course_sessions`` row;
* contended: the same N people into ONE session with capacity N/4. The first N/4 to reach the row take a
  seat with the conditional ``UPDATE … SET seats_taken = seats_taken + 1 WHERE … AND seats_taken <
  capacity``; the other 3N/4 find it full and take a waitlist position with a second ``UPDATE … SET
  waitlist_next = waitlist_next + 1 RETURNING``, so most contended enrollments run two statements on the hot
  row (the uncontended ones one). Either way the row lock is held from the first UPDATE to the commit
  (the enrollment and audit inserts, COMMIT), so enrollments in one session run one at a time.

The phases alternate (uncontended, contended, uncontended, contended, … ``--pairs`` pairs, fresh sessions
each time) at ``--concurrency``, then again at ``--low-concurrency`` (0 skips it). Reported per phase:
enrollments/s (N over the wall time of the phase), p50/p95 latency of one enrollment (from taking a slot of
the semaphore to the commit returning, so the wait for the row lock is included and the wait for a slot is
not), and the time inside the seat/waitlist UPDATE statement(s) (the lock wait, in the contended phase); per
pair the ratio contended / uncontended enrollments/s, and their mean.

Checked after every phase, warm-ups included (the run exits non-zero if anything is off, after recording the result): no
enrollment failed; uncontended: one enrolled row and ``seats_taken = 1`` per session; contended:
``seats_taken = capacity``, exactly ``capacity`` enrolled rows without a position, waitlist positions
1..N−capacity each exactly once, ``waitlist_next = N−capacity+1``; one audit entry per enrollment. Deadlocks
(pg_stat_database, before and after) and exceptions (by type) are counted and recorded, not retried.

Results are appended to bench/results/enrollment_contention.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._workflow_stack import revision
from bench.seed_scale import drop, fresh_database, record
from m24.auth.principal import Principal
from m24.kit.db import Database
from m24.migrations import runner
from m24.portal.agencies.models import Agency
from m24.portal.audit.models import AuditEntry
from m24.portal.audit.service import RequestMeta
from m24.portal.people.identity import principal_for_person_id
from m24.portal.people.models import Person
from m24.portal.seed import seed
from m24.portal.training import service
from m24.portal.training.models import Audience, Course, CourseFormat, CourseLevel, CourseSession, Enrollment
from m24.portal.training.models import EnrollmentStatus as Status

RESULTS = Path(__file__).resolve().parent / "results" / "enrollment_contention.jsonl"
BASELINE_CAPACITY = 4

# Time spent inside the seat and waitlist UPDATE statements by the enrollment running in this task.
_in_update: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar("in_update", default=None)


def _timed(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            spent = _in_update.get()
            if spent is not None:
                spent[0] += time.perf_counter() - started

    return wrapper


@dataclass
class Phase:
    kind: str  # "uncontended" or "contended"
    concurrency: int
    seconds: float
    latencies: list[float]
    in_update: list[float]
    errors: Counter[str] = field(default_factory=Counter)
    checks: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 3),
            "enrollments_per_s": round(self.rate, 1),
            "latency_ms": {"p50": ms(pct(self.latencies, 50)), "p95": ms(pct(self.latencies, 95))},
            "in_seat_updates_ms": {"p50": ms(pct(self.in_update, 50)), "p95": ms(pct(self.in_update, 95))},
            "errors": dict(self.errors),
            "checks_failed": {k: v for k, v in self.checks.items() if v},
        }


def pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if p == 50:
        return statistics.median(values)
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# --- preparation -----------------------------------------------------------------------------------------


async def prepare(db: Database, count: int) -> tuple[uuid.UUID, list[Principal]]:
    """The bench course and the principals of ``count`` seed people."""
    async with db.write() as session:
        agency_id = (await session.scalars(sa.select(Agency.id).order_by(Agency.name).limit(1))).one()
        course = Course(
            code=f"BENCH-{uuid.uuid4().hex[:8]}",
            title="벤치마크 동시 신청 과정",
            summary="enrollment_contention bench",
            audience=Audience.PRE_EMPLOYMENT,
            level=CourseLevel.INTRO,
            format=CourseFormat.OFFLINE,
            provider_agency_id=agency_id,
            hours=8,
            requires_agency_approval=False,
            completion_rule={"min_attendance_pct": 80, "assessment_required": False},
        )
        session.add(course)
        await session.flush()
        course_id = course.id
    async with db.read() as session:
        ids = list(
            await session.scalars(
                sa.select(Person.id).where(Person.is_platform_admin.is_(False)).order_by(Person.email).limit(count)
            )
        )
        if len(ids) < count:
            raise SystemExit(f"the seed has only {len(ids)} people; use a larger --scale or fewer --enrollments")
        principals = []
        for person_id in ids:
            principal = await principal_for_person_id(session, person_id)
            assert principal is not None
            principals.append(principal)
    return course_id, principals


async def new_sessions(db: Database, course_id: uuid.UUID, count: int, capacity: int) -> list[uuid.UUID]:
    now = datetime.now(UTC)
    starts = now + timedelta(days=14)
    rows = [
        {
            "id": uuid.uuid4(),
            "course_id": course_id,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=8),
            "venue": "벤치마크 교육장",
            "region": "SEOUL",
            "capacity": capacity,
            "waitlist_enabled": True,
            "enrollment_deadline": now + timedelta(days=7),
            "cancellation_deadline": now + timedelta(days=7),
            "seats_taken": 0,
            "waitlist_next": 1,
        }
        for _ in range(count)
    ]
    async with db.write() as session:
        await session.execute(sa.insert(CourseSession), rows)
    return [r["id"] for r in rows]


# --- phases ----------------------------------------------------------------------------------------------


async def run_phase(
    db: Database,
    kind: str,
    course_id: uuid.UUID,
    principals: list[Principal],
    concurrency: int,
    label: str,
) -> Phase:
    n = len(principals)
    if kind == "uncontended":
        targets = await new_sessions(db, course_id, n, BASELINE_CAPACITY)
    else:
        targets = await new_sessions(db, course_id, 1, n // 4) * n
    meta = RequestMeta(request_id=f"bench-{label}")
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    in_update: list[float] = []
    errors: Counter[str] = Counter()

    async def one(principal: Principal, session_id: uuid.UUID) -> None:
        async with gate:
            spent = [0.0]
            _in_update.set(spent)
            started = time.perf_counter()
            try:
                async with db.write() as session:
                    await service.enroll(session, principal, service.EnrollRequest(session_id), meta)
            except Exception as exc:  # counted and reported, not retried
                cause = getattr(exc, "orig", None) or exc.__cause__
                where = f" ({type(cause).__name__})" if cause is not None else ""
                errors[f"{type(exc).__name__}{where}: {(str(exc).splitlines() or [''])[0]}"] += 1
                return
            latencies.append(time.perf_counter() - started)
            in_update.append(spent[0])

    started = time.perf_counter()
    await asyncio.gather(*(one(p, s) for p, s in zip(principals, targets, strict=True)))
    seconds = time.perf_counter() - started
    phase = Phase(kind, concurrency, seconds, latencies, in_update, errors)
    phase.checks = await check(db, kind, targets, n, meta)
    return phase


async def check(db: Database, kind: str, targets: list[uuid.UUID], n: int, meta: RequestMeta) -> dict[str, Any]:
    """What must hold after a phase; every value is 0 / empty when all is well."""
    sessions = list(dict.fromkeys(targets))
    async with db.read() as session:
        rows = (
            await session.execute(
                sa.select(
                    CourseSession.id, CourseSession.capacity, CourseSession.seats_taken, CourseSession.waitlist_next
                ).where(CourseSession.id.in_(sessions))
            )
        ).all()
        enrollments = (
            await session.execute(
                sa.select(Enrollment.session_id, Enrollment.status, Enrollment.waitlist_position).where(
                    Enrollment.session_id.in_(sessions)
                )
            )
        ).all()
        audited = await session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.request_id == meta.request_id)
        )
    enrolled = [e for e in enrollments if e.status is Status.ENROLLED]
    waiting = sorted(e.waitlist_position for e in enrollments if e.status is Status.WAITLISTED)
    checks: dict[str, Any] = {
        "enrollment_rows_off": len(enrollments) - n,
        "audit_entries_off": int(audited or 0) - n,
        "other_statuses": len(enrollments) - len(enrolled) - len(waiting),
        "enrolled_with_position": sum(1 for e in enrolled if e.waitlist_position is not None),
    }
    if kind == "uncontended":
        checks["sessions_not_one_seat"] = sum(1 for r in rows if r.seats_taken != 1)
        checks["waitlisted"] = len(waiting)
    else:
        (row,) = rows
        checks["seats_taken_off"] = row.seats_taken - row.capacity
        checks["enrolled_off"] = len(enrolled) - row.capacity
        checks["waitlist_positions_wrong"] = waiting != list(range(1, n - row.capacity + 1))
        checks["waitlist_next_off"] = row.waitlist_next - (n - row.capacity + 1)
    return checks


async def server_facts(db: Database) -> dict[str, Any]:
    async with db.read() as session:
        facts = {
            name: await session.scalar(sa.text(f"SHOW {name}"))
            for name in ("server_version", "synchronous_commit", "fsync", "default_transaction_isolation")
        }
    return facts


async def deadlocks(url: str) -> int:
    """pg_stat_database.deadlocks of the bench database (read on a new engine: backends report their
    statistics when they go idle or exit, so the bench's own connections are closed first)."""
    db = Database(url, pool_size=1, max_overflow=0)
    try:
        async with db.read() as session:
            return int(
                await session.scalar(
                    sa.text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
                )
                or 0
            )
    finally:
        await db.dispose()


async def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    code = revision()
    load_before = os.getloadavg()[0]
    levels = [args.concurrency] + ([args.low_concurrency] if args.low_concurrency else [])
    db = Database(url, pool_size=max(levels) + 2, max_overflow=0)
    service._claim_seat = _timed(service._claim_seat)  # type: ignore[attr-defined]
    service._next_waitlist_position = _timed(service._next_waitlist_position)  # type: ignore[attr-defined]
    try:
        facts = await server_facts(db)
        deadlocks_before = await deadlocks(url)
        course_id, principals = await prepare(db, args.enrollments)
        # Warm-up (not measured, but checked): every pool connection opened, both statement paths compiled.
        warm = principals[: 4 * max(levels)]
        warmups = [
            await run_phase(db, kind, course_id, warm, max(levels), f"warm-{kind}")
            for kind in ("uncontended", "contended")
        ]
        started = time.perf_counter()
        phases: list[Phase] = []
        for level in levels:
            for pair in range(args.pairs):
                for kind in ("uncontended", "contended"):
                    phase = await run_phase(db, kind, course_id, principals, level, f"c{level}-{pair}-{kind}")
                    phases.append(phase)
                    s = phase.summary()
                    print(
                        f"c={level} {kind:>11}: {s['enrollments_per_s']:7.1f}/s  p50 {s['latency_ms']['p50']:7.2f} ms"
                        f"  p95 {s['latency_ms']['p95']:7.2f} ms  in seat UPDATEs p50 {s['in_seat_updates_ms']['p50']}"
                        f" ms  errors {dict(phase.errors)}  failed checks {s['checks_failed']}",
                        file=sys.stderr,
                    )
        measured_s = time.perf_counter() - started
    finally:
        await db.dispose()
    await asyncio.sleep(1.5)
    deadlocks_after = await deadlocks(url)

    by_level: dict[str, Any] = {}
    for level in levels:
        mine = [p for p in phases if p.concurrency == level]
        base = [p for p in mine if p.kind == "uncontended"]
        hot = [p for p in mine if p.kind == "contended"]
        ratios = [h.rate / b.rate for b, h in zip(base, hot, strict=True)]
        by_level[str(level)] = {
            "uncontended_per_s": [round(p.rate, 1) for p in base],
            "contended_per_s": [round(p.rate, 1) for p in hot],
            "ratio_per_pair": [round(r, 3) for r in ratios],
            "ratio_contended_over_uncontended": round(statistics.fmean(ratios), 3),
            "uncontended_latency_ms": {
                "p50": ms(pct([x for p in base for x in p.latencies], 50)),
                "p95": ms(pct([x for p in base for x in p.latencies], 95)),
            },
            "contended_latency_ms": {
                "p50": ms(pct([x for p in hot for x in p.latencies], 50)),
                "p95": ms(pct([x for p in hot for x in p.latencies], 95)),
            },
        }
    problems = {
        f"{name}/{p.concurrency}/{p.kind}": {"errors": dict(p.errors), **{k: v for k, v in p.checks.items() if v}}
        for name, p in [*((f"warm-up {i}", p) for i, p in enumerate(warmups)), *enumerate(phases)]
        if p.errors or any(p.checks.values())
    }
    return {
        "bench": "enrollment_contention",
        "revision": code if revision() == code else f"{code} (changed during the run to {revision()})",
        "backend": "postgresql",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "server": facts,
        "scale": args.scale,
        "enrollments_per_phase": args.enrollments,
        "contended_capacity": args.enrollments // 4,
        "contended_waitlisted": args.enrollments - args.enrollments // 4,
        "uncontended_sessions_capacity": BASELINE_CAPACITY,
        "pairs": args.pairs,
        "by_concurrency": by_level,
        "phases": [p.summary() for p in phases],
        "pg_deadlocks": deadlocks_after - deadlocks_before,
        "measured_s": round(measured_s, 1),
        "correct": not problems,
        "problems": problems,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # before, after: other work skews
        "command": "python -m bench.enrollment_contention --url <postgresql-url> "
        f"--scale {args.scale} --enrollments {args.enrollments} --concurrency {args.concurrency} "
        f"--low-concurrency {args.low_concurrency} --pairs {args.pairs}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--url", default=os.environ.get("M24_TEST_DATABASE_URL"), help="PostgreSQL server URL")
    parser.add_argument("--scale", type=int, default=500, help="seeded companies (their people enroll)")
    parser.add_argument("--enrollments", type=int, default=400, help="enrollments per phase (distinct people)")
    parser.add_argument("--concurrency", type=int, default=16, help="enrollments in flight")
    parser.add_argument("--low-concurrency", type=int, default=4, help="a second level (0: skip)")
    parser.add_argument("--pairs", type=int, default=5, help="(uncontended, contended) pairs per level")
    args = parser.parse_args()
    if not args.url or not args.url.startswith("postgresql"):
        parser.error("--url (a PostgreSQL server URL) is required (or M24_TEST_DATABASE_URL)")
    if args.enrollments < 8:
        parser.error("--enrollments must be at least 8")
    with tempfile.TemporaryDirectory() as tmp:
        url, handle = fresh_database(args.url, Path(tmp))
        try:
            runner.upgrade(url)
            seed(url, scale=args.scale)
            result = asyncio.run(run(args, url))
        finally:
            drop(handle)
    record(RESULTS, result)
    if not result["correct"]:
        raise SystemExit(f"ENROLLMENT ERRORS OR WRONG STATE: {result['problems']}")


if __name__ == "__main__":
    main()
