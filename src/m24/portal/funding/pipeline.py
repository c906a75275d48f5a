"""The system steps of the application workflow, run by Celery tasks (``m24.workflows.tasks.funding``).

Each step is idempotent under at-least-once delivery: it locks the application row, checks the status
it expects, and returns ``"skipped"`` when the work was already done (a redelivered or repeated task).
Because the status change, the event, the follow-up job and the outbox rows are written in one
transaction, a worker killed half-way leaves nothing behind: the redelivered task starts over.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.db import utcnow
from m24.kit.jobs import enqueue_job
from m24.portal.agencies.models import Agency
from m24.portal.funding import repository, service
from m24.portal.funding.models import (
    ApplicationStatus,
    AssignmentStatus,
    FundingApplication,
    ReviewAssignment,
    ReviewerConflict,
    RouteStep,
    StepKind,
    StepStatus,
    WorkflowFailure,
)
from m24.portal.funding.routing import RoutingFailed, plan_route, queue_for
from m24.portal.notifications.service import notify
from m24.portal.people.models import AgencyRole, CompanyMembership, MembershipStatus

S = ApplicationStatus

#: Applications waiting this long in a system state are re-kicked by the sweep and listed as stuck.
STALL_AFTER = timedelta(minutes=15)


async def record_failure(
    session: AsyncSession, task_name: str, application_id: uuid.UUID | None, arguments: dict[str, Any], error: str
) -> None:
    session.add(WorkflowFailure(task_name=task_name, application_id=application_id, arguments=arguments, error=error))


async def check_eligibility(session: AsyncSession, application_id: uuid.UUID, business_state: str | None) -> str:
    """SUBMITTED → ELIGIBILITY_CHECK (then routing), or → REJECTED with every failed rule's reason."""
    locked = await repository.lock_application(session, application_id)
    if locked is None:
        return "missing"
    application, program = locked.application, locked.program
    if application.status is not S.SUBMITTED:
        return "skipped"
    verdict = await service.check(session, program, application.company_id, business_state)
    verdicts = [{"rule": v.rule, "passed": v.passed, "message": v.message} for v in verdict.verdicts]
    if verdict.eligible:
        application.status = S.ELIGIBILITY_CHECK
        await service.append_event(
            session,
            application,
            "eligibility_checked",
            from_status=S.SUBMITTED,
            to_status=S.ELIGIBILITY_CHECK,
            payload={"verdicts": verdicts},
        )
        enqueue_job(session, service.ROUTE_JOB, application_id=application.id)
        return "eligible"
    application.status = S.REJECTED
    application.decided_at = utcnow()
    await service.append_event(
        session,
        application,
        "ineligible",
        from_status=S.SUBMITTED,
        to_status=S.REJECTED,
        payload={"verdicts": verdicts},
    )
    await notify(
        session,
        [application.applicant_person_id],
        "application.ineligible",
        {"program": program.title, "reasons": " / ".join(v.message for v in verdict.failures())},
        f"ineligible:{application.id}",
    )
    return "ineligible"


async def route(session: AsyncSession, application_id: uuid.UUID) -> str:
    """ELIGIBILITY_CHECK → ROUTED: create the route from the matching rule, open its first step."""
    locked = await repository.lock_application(session, application_id)
    if locked is None:
        return "missing"
    application, program, company = locked.application, locked.program, locked.company
    if application.status is not S.ELIGIBILITY_CHECK:
        return "skipped"
    try:
        rule, planned = await plan_route(session, application, program, company, locked.industries)
    except RoutingFailed as failure:
        await record_failure(session, service.ROUTE_JOB, application.id, {}, failure.message)
        return "failed"
    now = utcnow()
    for step in planned:
        session.add(
            RouteStep(
                application_id=application.id,
                position=step.position,
                kind=step.kind,
                agency_id=step.agency.id,
                rule_id=rule.id,
                status=StepStatus.ACTIVE if step.position == 1 else StepStatus.PENDING,
                started_at=now if step.position == 1 else None,
            )
        )
    first = planned[0].agency
    application.status = S.ROUTED
    application.current_step = 1
    application.due_at = now + timedelta(days=program.review_sla_days)
    await service.append_event(
        session,
        application,
        "routed",
        from_status=S.ELIGIBILITY_CHECK,
        to_status=S.ROUTED,
        agency_id=first.id,
        payload={
            "agency_code": first.code,
            "rule": rule.name,
            "steps": [{"kind": s.kind.value, "agency_code": s.agency.code} for s in planned],
        },
    )
    enqueue_job(
        session, service.ASSIGN_REVIEWERS_JOB, queue=queue_for(first.tier, first.region), application_id=application.id
    )
    await notify(
        session,
        [application.applicant_person_id],
        "application.routed",
        {"agency": first.name, "receipt_number": application.receipt_number or ""},
        f"routed:{application.id}",
    )
    return "routed"


async def _excluded_reviewers(session: AsyncSession, application: FundingApplication) -> set[uuid.UUID]:
    """Reviewers with a conflict of interest: declared, or members of the applicant or its supplier."""
    parties = [c for c in (application.company_id, application.supplier_company_id) if c is not None]
    declared = await session.scalars(
        sa.select(ReviewerConflict.person_id).where(ReviewerConflict.company_id.in_(parties))
    )
    members = await session.scalars(
        sa.select(CompanyMembership.person_id).where(
            CompanyMembership.company_id.in_(parties), CompanyMembership.status != MembershipStatus.REVOKED
        )
    )
    return set(declared) | set(members)


async def reviewer_loads(session: AsyncSession, candidates: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        sa.select(ReviewAssignment.reviewer_person_id, sa.func.count())
        .where(
            ReviewAssignment.reviewer_person_id.in_(list(candidates)),
            ReviewAssignment.status == AssignmentStatus.ASSIGNED,
        )
        .group_by(ReviewAssignment.reviewer_person_id)
    )
    loads = {pid: 0 for pid in candidates}
    loads.update({pid: count for pid, count in rows.all()})
    return loads


async def assign_reviewers(session: AsyncSession, application_id: uuid.UUID) -> str:
    """ROUTED → UNDER_REVIEW: assign the least-loaded reviewers of the step's agency, minus conflicts."""
    locked = await repository.lock_application(session, application_id)
    if locked is None:
        return "missing"
    application, program = locked.application, locked.program
    if application.status is not S.ROUTED:
        return "skipped"
    step = await service.active_step(session, application)
    if step is None:
        await record_failure(session, service.ASSIGN_REVIEWERS_JOB, application.id, {}, "활성 단계가 없습니다.")
        return "failed"
    chosen: list[uuid.UUID] = []
    if step.kind is StepKind.SCREENING:
        excluded = await _excluded_reviewers(session, application)
        candidates = [
            p for p in await service.agency_people(session, step.agency_id, AgencyRole.REVIEWER) if p not in excluded
        ]
        if not candidates:
            agency = await session.get(Agency, step.agency_id)
            await record_failure(
                session,
                service.ASSIGN_REVIEWERS_JOB,
                application.id,
                {},
                f"{agency.name if agency else step.agency_id}에 이해충돌 없는 평가위원이 없습니다.",
            )
            return "failed"
        # Lock the candidates' load rows' owner (the agency) so parallel assignments see each other.
        await session.execute(sa.select(Agency.id).where(Agency.id == step.agency_id).with_for_update())
        loads = await reviewer_loads(session, candidates)
        ranked = sorted(candidates, key=lambda p: (loads[p], str(p)))
        chosen = ranked[: max(1, program.reviewers_per_application)]
        for person_id in chosen:
            session.add(
                ReviewAssignment(
                    application_id=application.id,
                    step_position=step.position,
                    agency_id=step.agency_id,
                    reviewer_person_id=person_id,
                )
            )
    application.status = S.UNDER_REVIEW
    await service.append_event(
        session,
        application,
        "review_started",
        from_status=S.ROUTED,
        to_status=S.UNDER_REVIEW,
        agency_id=step.agency_id,
        payload={"reviewers": len(chosen), "step": step.position},
    )
    await notify(
        session,
        chosen,
        "review.assigned",
        {"program": program.title, "receipt_number": application.receipt_number or ""},
        f"assigned:{application.id}:{step.position}",
    )
    return "assigned"


@dataclass(frozen=True)
class SweepResult:
    escalated: int
    expired: int
    rekicked: int


async def sla_sweep(session: AsyncSession, *, now: datetime | None = None) -> SweepResult:
    """Beat: escalate agency steps past their SLA, expire unanswered supplement requests, and re-send
    the job of any application stalled in a system state (a publish lost between commit and broker)."""
    now = now or utcnow()
    overdue = (
        await session.scalars(
            sa.select(FundingApplication.id).where(
                FundingApplication.due_at < now,
                FundingApplication.status.in_([S.ROUTED, S.UNDER_REVIEW, S.SUPPLEMENT_REQUESTED]),
            )
        )
    ).all()
    escalated = expired = 0
    for application_id in overdue:
        locked = await repository.lock_application(session, application_id)
        due = locked.application.due_at if locked is not None else None
        if locked is None or due is None or due >= now:
            continue
        application = locked.application
        if application.status is S.SUPPLEMENT_REQUESTED:
            application.status = S.REJECTED
            application.decided_at = now
            application.due_at = None
            await service.append_event(
                session,
                application,
                "supplement_expired",
                from_status=S.SUPPLEMENT_REQUESTED,
                to_status=S.REJECTED,
                payload={"reason": "보완 기한이 지나 미선정 처리되었습니다."},
            )
            expired += 1
        elif application.escalated_at is None and application.status in (S.ROUTED, S.UNDER_REVIEW):
            application.escalated_at = now
            step = await service.active_step(session, application)
            await service.append_event(
                session,
                application,
                "sla_escalated",
                from_status=application.status,
                to_status=application.status,
                agency_id=step.agency_id if step else None,
                payload={"due_at": due.isoformat()},
            )
            if step is not None:
                people = await service.agency_people(session, step.agency_id, AgencyRole.ADMIN)
                people += await service.agency_people(session, step.agency_id, AgencyRole.APPROVER)
                await notify(
                    session,
                    people,
                    "sla.escalated",
                    {"receipt_number": application.receipt_number or ""},
                    f"sla:{application.id}:{application.current_step}:{due.isoformat()}",
                )
            escalated += 1
    rekicked = 0
    for application_id, status in await stalled(session, now=now):
        enqueue_job(session, NEXT_JOB[status], application_id=application_id)
        rekicked += 1
    return SweepResult(escalated, expired, rekicked)


#: The job that moves an application on from each system state.
NEXT_JOB = {
    S.SUBMITTED: service.CHECK_ELIGIBILITY_JOB,
    S.ELIGIBILITY_CHECK: service.ROUTE_JOB,
    S.ROUTED: service.ASSIGN_REVIEWERS_JOB,
}


async def retry(session: AsyncSession, application_id: uuid.UUID) -> str | None:
    """After the cause of a failure is fixed: close the application's recorded failures and send the
    job that moves it on again. Returns that job's name (None when it is not waiting on one)."""
    locked = await repository.lock_application(session, application_id)
    if locked is None:
        return None
    application = locked.application
    await session.execute(
        sa.update(WorkflowFailure)
        .where(WorkflowFailure.application_id == application_id, WorkflowFailure.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    job = NEXT_JOB.get(application.status)
    if job is not None:
        enqueue_job(session, job, application_id=application_id)
    return job


async def stalled(session: AsyncSession, *, now: datetime) -> list[tuple[uuid.UUID, ApplicationStatus]]:
    """Applications sitting in a system state longer than :data:`STALL_AFTER` without a recorded failure."""
    failed = sa.exists().where(
        WorkflowFailure.application_id == FundingApplication.id, WorkflowFailure.resolved_at.is_(None)
    )
    rows = await session.execute(
        sa.select(FundingApplication.id, FundingApplication.status).where(
            FundingApplication.status.in_([S.SUBMITTED, S.ELIGIBILITY_CHECK, S.ROUTED]),
            FundingApplication.updated_at < now - STALL_AFTER,
            ~failed,
        )
    )
    return [(r[0], r[1]) for r in rows.all()]


@dataclass(frozen=True)
class Stuck:
    application_id: uuid.UUID
    receipt_number: str | None
    status: str
    reason: str
    since: datetime


async def stuck(session: AsyncSession, *, now: datetime | None = None, limit: int = 200) -> list[Stuck]:
    """Applications past their SLA, stalled in a system state, or with a task that failed for good."""
    now = now or utcnow()
    found: list[Stuck] = []
    failures = await session.execute(
        sa.select(WorkflowFailure, FundingApplication)
        .outerjoin(FundingApplication, FundingApplication.id == WorkflowFailure.application_id)
        .where(WorkflowFailure.resolved_at.is_(None))
        .order_by(WorkflowFailure.failed_at)
        .limit(limit)
    )
    for failure, application in failures.all():
        found.append(
            Stuck(
                failure.application_id or uuid.UUID(int=0),
                application.receipt_number if application else None,
                application.status.value if application else "-",
                f"작업 실패({failure.task_name}): {failure.error}",
                failure.failed_at,
            )
        )
    overdue = await session.scalars(
        sa.select(FundingApplication)
        .where(
            FundingApplication.due_at < now,
            FundingApplication.status.in_([S.ROUTED, S.UNDER_REVIEW, S.SUPPLEMENT_REQUESTED, S.APPEAL]),
        )
        .order_by(FundingApplication.due_at)
        .limit(limit)
    )
    for application in overdue:
        assert application.due_at is not None
        found.append(
            Stuck(
                application.id,
                application.receipt_number,
                application.status.value,
                f"처리 기한 경과({(now - application.due_at).days}일)",
                application.due_at,
            )
        )
    waiting = await stalled(session, now=now)
    receipts = dict(
        (
            await session.execute(
                sa.select(FundingApplication.id, FundingApplication.receipt_number).where(
                    FundingApplication.id.in_([application_id for application_id, _ in waiting])
                )
            )
        ).all()
    )
    for application_id, status in waiting:
        found.append(
            Stuck(
                application_id,
                receipts.get(application_id),
                status.value,
                "시스템 처리 대기 15분 초과",
                now - STALL_AFTER,
            )
        )
    return found[:limit]
