"""At-least-once delivery without doubled or lost work, on the real broker with real worker processes.

* A worker SIGKILLed in the middle of eligibility checks and routing, then restarted: every application
  ends under review exactly once — the same event log, route and reviewers as an undisturbed run.
* RabbitMQ restarted mid-run: jobs whose publish failed while it was down are re-sent by the SLA sweep
  (the beat task), and the same invariants hold.
* Every job published twice, and every pipeline step run twice in a row: the same state.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import sqlalchemy as sa

from m24.auth.principal import CompanyMembershipRef, Principal
from m24.kit import jobs
from m24.kit.db import Database, utcnow
from m24.portal.audit.service import RequestMeta
from m24.portal.companies.models import Company
from m24.portal.funding import pipeline, repository, service
from m24.portal.funding.models import (
    ApplicationEvent,
    FundingApplication,
    FundingProgram,
    ReviewAssignment,
    RouteStep,
)
from m24.portal.notifications.models import Notification
from m24.portal.people.models import CompanyMembership, CompanyRole
from m24.workflows import publisher
from m24.workflows.celery_app import make_celery
from tests.workflows.stack import Stack, eventually

SERVICES = Path(__file__).resolve().parents[2] / "scripts" / "services.sh"
EXPECTED_KINDS = ["created", "submitted", "eligibility_checked", "routed", "review_started"]
FORM = {
    "project_title": "AI 공정 모니터링 구축",
    "project_months": 6,
    "total_project_cost_krw": 50_000_000,
    "contact_phone": "02-123-4567",
    "subscription_plan": "MES 베이직",
    "robot_units": 1,
}


async def _submit_many(db: Database, wanted: int, *, twice: bool = False) -> list[uuid.UUID]:
    """Drafts and submissions for up to ``wanted`` eligible seeded companies across the open calls."""
    submitted: list[uuid.UUID] = []
    async with db.read() as session:
        programs = (
            await session.scalars(sa.select(FundingProgram).where(FundingProgram.published_at.is_not(None)))
        ).all()
        open_calls = [p for p in programs if repository.call_status(p).value == "open" and p.kind.value != "win_win"]
        reps = (
            await session.execute(
                sa.select(Company, CompanyMembership.person_id)
                .join(CompanyMembership, CompanyMembership.company_id == Company.id)
                .where(CompanyMembership.role == CompanyRole.REPRESENTATIVE, Company.is_specialist.is_(False))
                .order_by(Company.name)
            )
        ).all()
    for program in open_calls:
        for company, person_id in reps:
            if len(submitted) >= wanted:
                return submitted
            principal = Principal(
                person_id=person_id,
                name="대표자",
                companies=(CompanyMembershipRef(company.id, company.name, "representative"),),
            )
            async with db.read() as session:
                verdict = await service.check(session, program, company.id, "active")
                taken = await session.scalar(
                    sa.select(FundingApplication.id).where(
                        FundingApplication.program_id == program.id, FundingApplication.company_id == company.id
                    )
                )
            if not verdict.eligible or taken is not None:
                continue
            schema = service.form_schema_of(program)
            form = {k: v for k, v in FORM.items() if k in schema["properties"]}
            async with db.write() as session:
                application = await service.create_application(
                    session,
                    principal,
                    RequestMeta(),
                    program_id=program.id,
                    company_id=company.id,
                    requested_amount_krw=min(10_000_000, program.max_award_krw),
                    form_data=form,
                )
                await service.submit_application(
                    session,
                    principal,
                    RequestMeta(),
                    application.id,
                    idempotency_key=f"fault-{application.id}",
                    business_state="active",
                )
                if twice:  # the same job delivered twice
                    jobs.enqueue_job(session, service.CHECK_ELIGIBILITY_JOB, application_id=application.id)
            submitted.append(application.id)
    return submitted


async def _statuses(db: Database, ids: list[uuid.UUID]) -> Counter[str]:
    async with db.read() as session:
        rows = await session.scalars(sa.select(FundingApplication.status).where(FundingApplication.id.in_(ids)))
        return Counter(s.value for s in rows)


async def _all_under_review(db: Database, ids: list[uuid.UUID]) -> Counter[str] | None:
    counts = await _statuses(db, ids)
    return counts if counts.get("under_review") == len(ids) else None


async def _assert_exactly_once(db: Database, ids: list[uuid.UUID]) -> None:
    async with db.read() as session:
        for application_id in ids:
            events = (
                await session.scalars(
                    sa.select(ApplicationEvent)
                    .where(ApplicationEvent.application_id == application_id)
                    .order_by(ApplicationEvent.sequence)
                )
            ).all()
            assert [e.kind for e in events] == EXPECTED_KINDS, (application_id, [e.kind for e in events])
            assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
            steps = (
                await session.scalars(sa.select(RouteStep.position).where(RouteStep.application_id == application_id))
            ).all()
            assert sorted(steps) == [1, 2]
            reviewers = (
                await session.scalars(
                    sa.select(ReviewAssignment.reviewer_person_id).where(
                        ReviewAssignment.application_id == application_id
                    )
                )
            ).all()
            assert 1 <= len(reviewers) <= 2 and len(set(reviewers)) == len(reviewers)
            receipts = await session.scalar(
                sa.select(sa.func.count())
                .select_from(Notification)
                .where(Notification.dedupe_key.startswith(f"submitted:{application_id}:"))
            )
            assert receipts == 1, "one receipt notification per application"


async def test_sigkilled_worker_mid_routing_loses_and_doubles_nothing(real_stack: Stack) -> None:
    stack = real_stack
    publisher.install(make_celery(stack.settings()))
    db = Database(stack.database_url)
    try:
        # Slow NTS answers keep eligibility checks in flight when the worker dies.
        stack.nts.delay_next(40, 0.25)
        worker = stack.start_worker(concurrency=2)
        ids = await _submit_many(db, 16, twice=True)
        assert len(ids) >= 10, "enough eligible seeded companies for the run"

        async def some_progress() -> bool:
            counts = await _statuses(db, ids)
            return counts.get("submitted", 0) < len(ids)

        await eventually(some_progress, timeout=60, what="first progress", logs=stack.worker_logs)
        stack.kill_worker(worker)
        interrupted = await _statuses(db, ids)
        assert interrupted.get("under_review", 0) < len(ids), f"the kill landed mid-run: {interrupted}"

        stack.start_worker(concurrency=2)
        await eventually(
            lambda: _all_under_review(db, ids), timeout=120, what="all under review", logs=stack.worker_logs
        )
        await _assert_exactly_once(db, ids)
    finally:
        await db.dispose()


def _beat(db: Database, every: float = 3.0) -> Callable[[], Awaitable[None]]:
    """The beat sweep as it would run later (everything waiting counts as stalled), at most every few
    seconds: re-sending on every poll would flood the queue with jobs that are then skipped."""
    last = [0.0]

    async def sweep() -> None:
        if time.monotonic() - last[0] < every:
            return
        last[0] = time.monotonic()
        async with db.write() as session:
            await pipeline.sla_sweep(session, now=utcnow() + pipeline.STALL_AFTER + pipeline.STALL_AFTER)

    return sweep


def _broker(command: str) -> None:
    subprocess.run(["bash", str(SERVICES), command], check=True, capture_output=True, timeout=120)


async def test_broker_restart_mid_run_loses_and_doubles_nothing(real_stack: Stack) -> None:
    stack = real_stack
    publisher.install(make_celery(stack.settings()))
    db = Database(stack.database_url)
    try:
        stack.nts.delay_next(40, 0.2)
        stack.start_worker(concurrency=2)
        ids = await _submit_many(db, 8)
        _broker("broker-stop")
        try:
            # Submissions while the broker is down: committed, their publish fails (logged).
            ids += await _submit_many(db, 6)
            await asyncio.sleep(1)
        finally:
            _broker("broker-start")
        assert len(ids) >= 10

        sweep = _beat(db)

        async def settled() -> bool:
            # Jobs lost with the broker leave applications waiting; the beat sweep re-sends them.
            await sweep()
            return await _all_under_review(db, ids) is not None

        await eventually(settled, timeout=180, what="all under review after restart", logs=stack.worker_logs)
        await _assert_exactly_once(db, ids)
    finally:
        await db.dispose()


async def test_each_pipeline_step_twice_in_a_row_changes_nothing(real_stack: Stack) -> None:
    db = Database(real_stack.database_url)
    jobs.set_publisher(lambda job: None)  # steps run by hand here; no worker
    try:
        ids = await _submit_many(db, 3)
        for step in (
            lambda s, i: pipeline.check_eligibility(s, i, "active"),
            pipeline.route,
            pipeline.assign_reviewers,
        ):
            for application_id in ids:
                async with db.write() as session:
                    first = await step(session, application_id)
                snapshot = await _snapshot(db, application_id)
                async with db.write() as session:
                    second = await step(session, application_id)
                assert first != "skipped" and second == "skipped"
                assert await _snapshot(db, application_id) == snapshot
        await _assert_exactly_once(db, ids)
    finally:
        await db.dispose()


async def _snapshot(db: Database, application_id: uuid.UUID) -> tuple[object, ...]:
    async with db.read() as session:
        application = await session.get(FundingApplication, application_id)
        assert application is not None
        events = (
            await session.scalars(
                sa.select(ApplicationEvent.kind).where(ApplicationEvent.application_id == application_id)
            )
        ).all()
        steps = (
            await session.scalars(sa.select(RouteStep.agency_id).where(RouteStep.application_id == application_id))
        ).all()
        assigned = (
            await session.scalars(
                sa.select(ReviewAssignment.reviewer_person_id).where(ReviewAssignment.application_id == application_id)
            )
        ).all()
        outbox = await session.scalar(sa.select(sa.func.count()).select_from(Notification))
        return (application.status, application.row_version, tuple(events), tuple(steps), tuple(assigned), outbox)


async def test_jobs_lost_before_the_broker_are_resent_by_the_sweep(stack: Stack) -> None:
    """Both stacks: submissions whose jobs never reached the broker (a crash between commit and publish,
    or a message lost with a killed worker on the embedded SQLite broker) are picked up by the beat
    sweep and finish exactly once."""
    db = Database(stack.database_url)
    try:
        jobs.set_publisher(lambda job: None)  # every publish is lost
        ids = await _submit_many(db, 6)
        assert len(ids) >= 3
        assert (await _statuses(db, ids)) == {"submitted": len(ids)}
        publisher.install(make_celery(stack.settings()))
        stack.start_worker(concurrency=2)

        sweep = _beat(db)

        async def resent() -> bool:
            await sweep()
            return await _all_under_review(db, ids) is not None

        await eventually(resent, timeout=120, what="the sweep to finish the lost work", logs=stack.worker_logs)
        await _assert_exactly_once(db, ids)
    finally:
        await db.dispose()
