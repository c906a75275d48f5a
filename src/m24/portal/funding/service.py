"""Funding applications: load → work out the caller's parties → check the transition table → change →
append event and audit row → enqueue follow-up jobs (published after commit).

Every mutation locks the application row (``SELECT … FOR UPDATE``; SQLite serialises writers) before it
checks anything, so concurrent actions on one application are applied one at a time and the event
sequence has no gaps or duplicates. Nothing here commits; the caller's write block does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.db import utcnow
from m24.kit.errors import AppError, Conflict, ErrorCode, NotFound, ValidationFailed
from m24.kit.jobs import enqueue_job
from m24.portal.agencies.models import Agency
from m24.portal.audit.service import RequestMeta, record
from m24.portal.companies.models import Company
from m24.portal.funding import eligibility, forms, ledger, repository
from m24.portal.funding.applications import readable_condition
from m24.portal.funding.documents import InspectedDocument
from m24.portal.funding.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationRevision,
    ApplicationStatus,
    AssignmentStatus,
    FundingApplication,
    FundingProgram,
    Milestone,
    OutcomeKpi,
    ProgramAgency,
    ProgramAgencyRole,
    ReviewAssignment,
    RouteStep,
    StepKind,
    StepStatus,
)
from m24.portal.funding.workflow import Action, Facts, Party, Transition, transition
from m24.portal.indexing.service import IndexedKind, mark_changed
from m24.portal.notifications.service import notify
from m24.portal.people.models import AgencyMembership, AgencyRole, CompanyMembership, CompanyRole, MembershipStatus
from m24.portal.specialists import directory

REFRESH_COUNTERS_JOB = "m24.programs.refresh_counters"
CHECK_ELIGIBILITY_JOB = "m24.funding.check_eligibility"
ROUTE_JOB = "m24.funding.route"
ASSIGN_REVIEWERS_JOB = "m24.funding.assign_reviewers"

S = ApplicationStatus
KST = ZoneInfo("Asia/Seoul")

#: Outcome KPIs the 3.0 policy tracks; ``lower_is_better`` drives the improvement sign.
KPI_METRICS: dict[str, tuple[str, str, bool]] = {
    "productivity": ("생산성", "개/시간", False),
    "defect_rate": ("불량률", "%", True),
    "energy_use": ("에너지 사용량", "kWh/월", True),
    "industrial_accidents": ("산업재해 건수", "건/년", True),
    "lead_time": ("납기 리드타임", "일", True),
}


async def refresh_counters(session: AsyncSession, program_id: uuid.UUID) -> int | None:
    """Recount a program's applications and store the figure; idempotent (lock, recount, write).

    Returns the stored count, or ``None`` when the program no longer exists.
    """
    program = await repository.lock_program(session, program_id)
    if program is None:
        return None
    count = await repository.count_applications(session, program_id)
    if program.application_count != count:
        program.application_count = count
        # updated_at moves, and with it the search document's version: keep the index level.
        await mark_changed(session, IndexedKind.PROGRAM, [program.id])
    return count


# --- loading and context ---------------------------------------------------------------------------


@dataclass
class Loaded:
    """An application locked for change, with what the transition table needs."""

    application: FundingApplication
    program: FundingProgram
    step: RouteStep | None
    parties: frozenset[Party]
    facts: Facts

    @property
    def acting_agency_id(self) -> uuid.UUID | None:
        return self.step.agency_id if self.step is not None else None


async def active_step(session: AsyncSession, application: FundingApplication) -> RouteStep | None:
    if application.current_step is None:
        return None
    stmt = sa.select(RouteStep).where(
        RouteStep.application_id == application.id, RouteStep.position == application.current_step
    )
    return (await session.scalars(stmt)).first()


async def _pending_assignment(
    session: AsyncSession, principal: Principal, application: FundingApplication
) -> ReviewAssignment | None:
    if principal.person_id is None or application.current_step is None:
        return None
    stmt = sa.select(ReviewAssignment).where(
        ReviewAssignment.application_id == application.id,
        ReviewAssignment.step_position == application.current_step,
        ReviewAssignment.reviewer_person_id == principal.person_id,
        ReviewAssignment.status == AssignmentStatus.ASSIGNED,
    )
    return (await session.scalars(stmt)).first()


async def context_for(
    session: AsyncSession,
    principal: Principal,
    application: FundingApplication,
    program: FundingProgram,
    *,
    now: datetime | None = None,
) -> tuple[RouteStep | None, frozenset[Party], Facts]:
    now = now or utcnow()
    step = await active_step(session, application)
    parties: set[Party] = set()
    role = principal.company_role(application.company_id)
    if role == CompanyRole.REPRESENTATIVE:
        parties.add(Party.APPLICANT_REP)
    elif role == CompanyRole.STAFF:
        parties.add(Party.APPLICANT_STAFF)
    if application.supplier_company_id and principal.company_role(application.supplier_company_id):
        parties.add(Party.SUPPLIER)
    if application.sponsor_company_id and principal.company_role(application.sponsor_company_id):
        parties.add(Party.SPONSOR)
    pending = None
    if step is not None:
        roles = principal.agency_roles(step.agency_id)
        if AgencyRole.REVIEWER in roles:
            parties.add(Party.STEP_REVIEWER)
        if AgencyRole.APPROVER in roles:
            parties.add(Party.STEP_APPROVER)
        pending = await _pending_assignment(session, principal, application)
        if pending is not None:
            parties.add(Party.ASSIGNED_REVIEWER)
    operator_roles = principal.agency_roles(program.operator_agency_id)
    if operator_roles & {AgencyRole.REVIEWER, AgencyRole.APPROVER}:
        parties.add(Party.OPERATOR_STAFF)
    if AgencyRole.APPROVER in operator_roles:
        parties.add(Party.OPERATOR_APPROVER)
    open_milestones = 0
    if application.status is S.IN_PROGRESS:
        open_milestones = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(Milestone)
                .where(Milestone.application_id == application.id, Milestone.completed_at.is_(None))
            )
        ).scalar_one()
    facts = Facts(
        now=now,
        call_open=repository.call_status(program, now).value == "open",
        step_kind=step.kind if step is not None else None,
        supplier_named=application.supplier_company_id is not None,
        supplier_confirmed=application.supplier_confirmed_at is not None,
        decided_at=application.decided_at,
        open_milestones=open_milestones,
        settled=application.settled_krw is not None,
        has_pending_review_for_caller=pending is not None,
    )
    return step, frozenset(parties), facts


async def load(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, *, now: datetime | None = None
) -> Loaded:
    """Lock an application the caller may see; ``NOT_FOUND`` otherwise (existence does not leak)."""
    visible = (
        await session.execute(
            sa.select(FundingApplication.id).where(
                FundingApplication.id == application_id, readable_condition(principal)
            )
        )
    ).first()
    locked = await repository.lock_application(session, application_id) if visible else None
    if locked is None:
        raise NotFound("신청서를 찾을 수 없습니다.", field="id")
    application, program = locked.application, locked.program
    step, parties, facts = await context_for(session, principal, application, program, now=now)
    return Loaded(application, program, step, parties, facts)


async def append_event(
    session: AsyncSession,
    application: FundingApplication,
    kind: str,
    *,
    from_status: ApplicationStatus | None,
    to_status: ApplicationStatus | None,
    principal: Principal | None = None,
    company_id: uuid.UUID | None = None,
    agency_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Append to the application's event log; the caller holds the application's row lock, so the
    counter on the row numbers the events without gaps or duplicates."""
    application.event_count = (application.event_count or 0) + 1
    event = ApplicationEvent(
        application_id=application.id,
        sequence=application.event_count,
        kind=kind,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        actor_person_id=principal.person_id if principal else None,
        acting_company_id=company_id,
        acting_agency_id=agency_id,
        payload=payload or {},
        occurred_at=utcnow(),
    )
    session.add(event)
    return event


async def _apply(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    loaded: Loaded,
    action: Action,
    kind: str,
    *,
    payload: dict[str, Any] | None = None,
) -> Transition:
    """Check the transition, move the status, append the event and the audit row."""
    t = transition(action, loaded.application.status, loaded.parties, loaded.facts)
    application = loaded.application
    before = application.status
    if t.target is not None:
        application.status = t.target
    applicant_side = loaded.parties & {Party.APPLICANT_REP, Party.APPLICANT_STAFF, Party.SUPPLIER, Party.SPONSOR}
    agency_id = None
    company_id = None
    if applicant_side:
        company_id = application.company_id if principal.company_role(application.company_id) else None
        company_id = company_id or application.supplier_company_id
    else:
        agency_id = loaded.acting_agency_id
        if agency_id is None or not principal.agency_roles(agency_id):
            agency_id = loaded.program.operator_agency_id
    await append_event(
        session,
        application,
        kind,
        from_status=before,
        to_status=application.status,
        principal=principal,
        company_id=company_id,
        agency_id=agency_id,
        payload=payload,
    )
    record(
        session,
        principal,
        f"funding_application.{action.value}",
        "funding_application",
        application.id,
        meta,
        company_id=company_id,
        agency_id=agency_id,
        details=payload,
    )
    return t


def _version_check(application: FundingApplication, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != application.row_version:
        raise Conflict(
            ErrorCode.STALE_VERSION,
            f"다른 사용자가 먼저 수정했습니다(현재 버전 {application.row_version}). 새로 불러온 뒤 다시 시도해 주세요.",
            field="expectedVersion",
        )


# --- creating and editing --------------------------------------------------------------------------


async def _supplier(session: AsyncSession, supplier_id: uuid.UUID | None, company_id: uuid.UUID) -> uuid.UUID | None:
    if supplier_id is None:
        return None
    if supplier_id == company_id:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, "신청기업 자신을 공급기업으로 지정할 수 없습니다.", field="supplierId"
        )
    supplier = await session.get(Company, supplier_id)
    if supplier is None or supplier.deleted_at is not None or not supplier.is_specialist:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "공급기업으로 등록된 회사가 아닙니다.", field="supplierId")
    return supplier.id


async def sponsor_company_of(session: AsyncSession, program: FundingProgram) -> uuid.UUID | None:
    """A 상생형 call's sponsoring firm: the company behind its co-approving private agency."""
    stmt = (
        sa.select(Agency.company_id)
        .join(ProgramAgency, ProgramAgency.agency_id == Agency.id)
        .where(ProgramAgency.program_id == program.id, ProgramAgency.role == ProgramAgencyRole.CO_APPROVER)
    )
    return (await session.execute(stmt)).scalars().first()


def form_schema_of(program: FundingProgram) -> dict[str, Any]:
    return program.form_schema or forms.standard_form(program.kind.value)


def _amount(program: FundingProgram, amount: int) -> int:
    if amount < 0:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "신청 금액은 0 이상이어야 합니다.", field="requestedAmountKrw")
    if amount > program.max_award_krw:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT,
            f"신청 금액이 과제당 최대 지원금({program.max_award_krw:,}원)을 넘습니다.",
            field="requestedAmountKrw",
        )
    return amount


async def create_application(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    *,
    program_id: uuid.UUID,
    company_id: uuid.UUID,
    requested_amount_krw: int,
    form_data: dict[str, Any],
    supplier_company_id: uuid.UUID | None = None,
    cohort_id: uuid.UUID | None = None,
    sponsor_acting: bool = False,
) -> FundingApplication:
    """A draft for one of the caller's companies (or, for a cohort, one created by the sponsor)."""
    if not sponsor_acting and principal.company_role(company_id) is None:
        raise NotFound("회사를 찾을 수 없습니다.", field="companyId")
    program = await repository.get_program(session, program_id)
    if program is None:
        raise NotFound("공고를 찾을 수 없습니다.", field="programId")
    if repository.call_status(program).value == "closed":
        raise AppError(ErrorCode.CALL_NOT_OPEN, "접수가 마감된 공고입니다.", field="programId")
    company = await session.get(Company, company_id)
    if company is None or company.deleted_at is not None:
        raise NotFound("회사를 찾을 수 없습니다.", field="companyId")
    if program.grants_designation:
        await directory.check_can_apply_for_designation(session, company_id)
    duplicate = (
        await session.execute(
            sa.select(FundingApplication.id).where(
                FundingApplication.program_id == program.id, FundingApplication.company_id == company_id
            )
        )
    ).first()
    if duplicate:
        raise Conflict(ErrorCode.DUPLICATE_APPLICATION, "이 공고에 이미 신청서가 있습니다.", field="programId")
    data = forms.validate_form(form_schema_of(program), form_data, complete=False)
    representative = (
        await session.execute(
            sa.select(CompanyMembership.person_id).where(
                CompanyMembership.company_id == company_id,
                CompanyMembership.role == CompanyRole.REPRESENTATIVE,
                CompanyMembership.status == MembershipStatus.ACTIVE,
            )
        )
    ).scalar()
    applicant = principal.person_id if not sponsor_acting else representative
    if applicant is None:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, f"{company.name}에 대표자 계정이 없습니다.", field="companyIds")
    application = FundingApplication(
        program_id=program.id,
        company_id=company_id,
        applicant_person_id=applicant,
        supplier_company_id=await _supplier(session, supplier_company_id, company_id),
        sponsor_company_id=await sponsor_company_of(session, program),
        requested_amount_krw=_amount(program, requested_amount_krw),
        form_data=data,
        cohort_id=cohort_id,
    )
    session.add(application)
    await session.flush()
    await append_event(
        session,
        application,
        "created",
        from_status=None,
        to_status=S.DRAFT,
        principal=principal,
        company_id=application.sponsor_company_id if sponsor_acting else company_id,
        payload={"cohort_id": str(cohort_id)} if cohort_id else None,
    )
    record(
        session,
        principal,
        "funding_application.create",
        "funding_application",
        application.id,
        meta,
        company_id=application.sponsor_company_id if sponsor_acting else company_id,
    )
    enqueue_job(session, REFRESH_COUNTERS_JOB, program_id=program.id)
    return application


#: "Leave the supplier as it is" (None means "no supplier").
UNSET: Any = object()


async def _keep_revision(
    session: AsyncSession, principal: Principal, application: FundingApplication, reason: str
) -> None:
    application.revision += 1
    session.add(
        ApplicationRevision(
            application_id=application.id,
            revision=application.revision,
            form_data=dict(application.form_data),
            requested_amount_krw=application.requested_amount_krw,
            supplier_company_id=application.supplier_company_id,
            author_person_id=principal.person_id,
            reason=reason,
        )
    )


async def update_application(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    expected_version: int | None = None,
    form_data: dict[str, Any] | None = None,
    requested_amount_krw: int | None = None,
    supplier_company_id: uuid.UUID | None = UNSET,
) -> FundingApplication:
    """Edit a draft, or an application under a request for supplement (which keeps a revision)."""
    loaded = await load(session, principal, application_id)
    application = loaded.application
    _version_check(application, expected_version)
    transition(Action.EDIT, application.status, loaded.parties, loaded.facts)
    changed: list[str] = []
    if form_data is not None:
        merged = {**application.form_data, **form_data}
        application.form_data = forms.validate_form(form_schema_of(loaded.program), merged, complete=False)
        changed.append("formData")
    if requested_amount_krw is not None:
        application.requested_amount_krw = _amount(loaded.program, requested_amount_krw)
        changed.append("requestedAmountKrw")
    if supplier_company_id is not UNSET:
        application.supplier_company_id = await _supplier(session, supplier_company_id, application.company_id)
        application.supplier_confirmed_at = None
        changed.append("supplierId")
    if not changed:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "바꿀 내용이 없습니다.", field="input")
    if application.status is not S.DRAFT:
        await _keep_revision(session, principal, application, "보완 수정")
    await _apply(session, principal, meta, loaded, Action.EDIT, "edited", payload={"fields": changed})
    return application


def receipt_number(application: FundingApplication, at: datetime) -> str:
    """A receipt that states when it was issued (KST) and cannot collide: ``M24-YYYYMMDD-HHMMSS-XXXXXXXX``."""
    return f"M24-{at.astimezone(KST):%Y%m%d-%H%M%S}-{application.id.hex[:8].upper()}"


@dataclass(frozen=True)
class Submitted:
    application: FundingApplication
    replayed: bool


async def submit_application(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    idempotency_key: str,
    business_state: str | None,
    now: datetime | None = None,
) -> Submitted:
    """Submit a draft and issue its receipt at once; eligibility is checked first, and again by a task.

    The same ``idempotency_key`` again returns the first receipt (``replayed``) and changes nothing.
    ``business_state`` is the NTS answer the caller obtained (None when the NTS could not be asked).
    """
    if not 8 <= len(idempotency_key) <= 100 or not idempotency_key.isprintable():
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, "멱등 키는 8~100자의 문자열이어야 합니다.", field="idempotencyKey"
        )
    now = now or utcnow()
    loaded = await load(session, principal, application_id, now=now)
    application = loaded.application
    if application.submit_key is not None:
        if application.submit_key == idempotency_key:
            return Submitted(application, replayed=True)
        raise Conflict(ErrorCode.IDEMPOTENCY_KEY_REUSED, "이미 제출된 신청서입니다.", field="idempotencyKey")
    if application.status is S.DRAFT and not loaded.facts.call_open:
        raise AppError(ErrorCode.CALL_NOT_OPEN, "공고의 접수 기간이 아닙니다(마감 또는 접수 전).", field="id")
    transition(Action.SUBMIT, application.status, loaded.parties, loaded.facts)
    forms.validate_form(form_schema_of(loaded.program), application.form_data, complete=True)
    verdict = await check(session, loaded.program, application.company_id, business_state, now=now)
    if not verdict.eligible:
        failed = [v for v in verdict.verdicts if v.passed is False]
        if not failed:  # only undecided rules: the NTS could not be asked
            raise AppError(
                ErrorCode.EXTERNAL_UNAVAILABLE,
                "국세청 사업자 상태 조회가 일시적으로 불가능합니다. 잠시 후 다시 제출해 주세요.",
                field="id",
            )
        reasons = " / ".join(v.message for v in failed)
        raise AppError(ErrorCode.INELIGIBLE, f"신청 요건을 충족하지 않습니다: {reasons}", field="id")
    application.submit_key = idempotency_key
    application.submitted_at = now
    application.receipt_number = receipt_number(application, now)
    await _keep_revision(session, principal, application, "제출")
    await _apply(
        session,
        principal,
        meta,
        loaded,
        Action.SUBMIT,
        "submitted",
        payload={"receipt_number": application.receipt_number},
    )
    enqueue_job(session, CHECK_ELIGIBILITY_JOB, application_id=application.id)
    await notify(
        session,
        [application.applicant_person_id],
        "application.submitted",
        {"receipt_number": application.receipt_number, "program": loaded.program.title},
        f"submitted:{application.id}",
    )
    return Submitted(application, replayed=False)


async def check(
    session: AsyncSession,
    program: FundingProgram,
    company_id: uuid.UUID,
    business_state: str | None,
    *,
    now: datetime | None = None,
) -> eligibility.Eligibility:
    """Evaluate the program's current published rule set for a company."""
    now = now or utcnow()
    company = await session.get(Company, company_id)
    if company is None:
        raise NotFound("회사를 찾을 수 없습니다.", field="companyId")
    rule_sets = await repository.current_rule_sets(session, [program.id])
    rules = rule_sets[program.id].rules if program.id in rule_sets else []
    facts = await eligibility.company_facts(session, company, business_state)
    return eligibility.evaluate(rules, facts, program_id=program.id, program_kind=program.kind.value, now=now)


async def withdraw_application(
    session: AsyncSession, principal: Principal, meta: RequestMeta, application_id: uuid.UUID, *, reason: str | None
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    await _apply(session, principal, meta, loaded, Action.WITHDRAW, "withdrawn", payload={"reason": reason or ""})
    loaded.application.due_at = None
    await _close_open_assignments(session, loaded.application)
    return loaded.application


async def confirm_supplier(
    session: AsyncSession, principal: Principal, meta: RequestMeta, application_id: uuid.UUID
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    await _apply(session, principal, meta, loaded, Action.CONFIRM_SUPPLIER, "supplier_confirmed")
    loaded.application.supplier_confirmed_at = utcnow()
    return loaded.application


# --- review and decision ---------------------------------------------------------------------------


async def request_supplement(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    items: Sequence[str],
    days: int | None = None,
) -> FundingApplication:
    cleaned = [i.strip() for i in items if i.strip()]
    if not cleaned:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "보완할 항목을 하나 이상 적어 주세요.", field="items")
    loaded = await load(session, principal, application_id)
    days = days if days is not None else loaded.program.supplement_days
    if not 1 <= days <= 60:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "보완 기한은 1~60일입니다.", field="days")
    due = utcnow() + timedelta(days=days)
    await _apply(
        session,
        principal,
        meta,
        loaded,
        Action.REQUEST_SUPPLEMENT,
        "supplement_requested",
        payload={"items": cleaned, "due_at": due.isoformat()},
    )
    loaded.application.due_at = due
    loaded.application.escalated_at = None
    await notify(
        session,
        [loaded.application.applicant_person_id],
        "supplement.requested",
        {"items": ", ".join(cleaned), "due": f"{due.astimezone(KST):%Y-%m-%d}"},
        f"supplement:{loaded.application.id}:{loaded.application.row_version}",
    )
    return loaded.application


async def submit_supplement(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    note: str | None,
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    application = loaded.application
    forms.validate_form(form_schema_of(loaded.program), application.form_data, complete=True)
    await _apply(
        session, principal, meta, loaded, Action.SUBMIT_SUPPLEMENT, "supplement_submitted", payload={"note": note or ""}
    )
    application.due_at = utcnow() + timedelta(days=loaded.program.review_sla_days)
    application.escalated_at = None
    return application


async def review_application(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    scores: dict[str, Any],
    comment: str | None,
) -> ReviewAssignment:
    """An assigned reviewer scores the application; the last review of a step moves it on."""
    loaded = await load(session, principal, application_id)
    application = loaded.application
    transition(Action.REVIEW, application.status, loaded.parties, loaded.facts)
    total = forms.validate_scores(forms.scoring_form(loaded.program.scoring_form), scores)
    assignment = await _pending_assignment(session, principal, application)
    assert assignment is not None  # the REVIEW guard checked it
    assignment.scores = dict(scores)
    assignment.total = total
    assignment.comment = comment
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = utcnow()
    await _apply(session, principal, meta, loaded, Action.REVIEW, "reviewed", payload={"total": total})
    await session.flush()
    remaining = (
        await session.execute(
            sa.select(sa.func.count())
            .select_from(ReviewAssignment)
            .where(
                ReviewAssignment.application_id == application.id,
                ReviewAssignment.step_position == assignment.step_position,
                ReviewAssignment.status == AssignmentStatus.ASSIGNED,
            )
        )
    ).scalar_one()
    if remaining == 0:
        totals = (
            await session.scalars(
                sa.select(ReviewAssignment.total).where(
                    ReviewAssignment.application_id == application.id,
                    ReviewAssignment.step_position == assignment.step_position,
                    ReviewAssignment.status == AssignmentStatus.SUBMITTED,
                )
            )
        ).all()
        application.review_score = round(sum(t or 0 for t in totals) / len(totals), 2)
        await advance(session, application, loaded.program, payload={"review_score": application.review_score})
    return assignment


async def advance(
    session: AsyncSession, application: FundingApplication, program: FundingProgram, *, payload: dict[str, Any]
) -> RouteStep | None:
    """Close the active step and open the next; returns the new active step (None after the last)."""
    step = await active_step(session, application)
    now = utcnow()
    if step is not None:
        step.status = StepStatus.DONE
        step.completed_at = now
    following = (
        await session.scalars(
            sa.select(RouteStep)
            .where(RouteStep.application_id == application.id, RouteStep.position > (application.current_step or 0))
            .order_by(RouteStep.position)
        )
    ).first()
    if following is None:
        return None
    following.status = StepStatus.ACTIVE
    following.started_at = now
    application.current_step = following.position
    application.due_at = now + timedelta(days=program.review_sla_days)
    application.escalated_at = None
    await append_event(
        session,
        application,
        "step_started",
        from_status=application.status,
        to_status=application.status,
        agency_id=following.agency_id,
        payload={**payload, "step": following.position, "kind": following.kind.value},
    )
    approvers = await agency_people(session, following.agency_id, AgencyRole.APPROVER)
    await notify(
        session,
        approvers,
        "step.arrived",
        {"receipt_number": application.receipt_number or "", "program": program.title},
        f"step:{application.id}:{following.position}:{application.row_version}",
    )
    return following


async def agency_people(session: AsyncSession, agency_id: uuid.UUID, role: AgencyRole) -> list[uuid.UUID]:
    stmt = sa.select(AgencyMembership.person_id).where(
        AgencyMembership.agency_id == agency_id,
        AgencyMembership.role == role,
        AgencyMembership.status == MembershipStatus.ACTIVE,
    )
    return list((await session.scalars(stmt)).all())


async def co_approve(
    session: AsyncSession, principal: Principal, meta: RequestMeta, application_id: uuid.UUID, *, comment: str | None
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    await _apply(session, principal, meta, loaded, Action.CO_APPROVE, "co_approved", payload={"comment": comment or ""})
    await advance(session, loaded.application, loaded.program, payload={"co_approved": True})
    return loaded.application


async def decide_application(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    approve: bool,
    reason: str | None = None,
    award_krw: int | None = None,
    now: datetime | None = None,
) -> FundingApplication:
    """An approver of the deciding agency approves (recording the award in the ledger) or rejects."""
    now = now or utcnow()
    loaded = await load(session, principal, application_id, now=now)
    application = loaded.application
    designation = approve and loaded.program.grants_designation
    if designation:
        until = await directory.grant_designation(session, application.company_id, now)
        await _apply(
            session,
            principal,
            meta,
            loaded,
            Action.APPROVE,
            "approved",
            payload={"designated_until": until.isoformat()},
        )
    elif approve:
        award = award_krw if award_krw is not None else application.requested_amount_krw
        if not 0 < award <= loaded.program.max_award_krw:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT,
                f"지원 금액은 1원 이상 {loaded.program.max_award_krw:,}원 이하입니다.",
                field="awardKrw",
            )
        await ledger.check_region_quota(session, loaded.program, application)
        await _apply(session, principal, meta, loaded, Action.APPROVE, "approved", payload={"award_krw": award})
        application.award_krw = award
    else:
        if not reason or not reason.strip():
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "미선정 사유를 적어 주세요.", field="reason")
        await _apply(session, principal, meta, loaded, Action.REJECT, "rejected", payload={"reason": reason.strip()})
    application.decided_at = now
    application.due_at = None
    if loaded.step is not None:
        loaded.step.status = StepStatus.DONE
        loaded.step.completed_at = now
    await session.flush()
    if approve and not designation:
        await ledger.record_award(session, application, loaded.program, now)
    await notify(
        session,
        [application.applicant_person_id],
        "application.decided",
        {"program": loaded.program.title, "result": "선정" if approve else "미선정"},
        f"decided:{application.id}:{application.row_version}",
    )
    return application


@dataclass(frozen=True)
class BatchOutcome:
    application_id: uuid.UUID
    error: AppError | None


async def decide_many(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_ids: Sequence[uuid.UUID],
    *,
    approve: bool,
    reason: str | None,
) -> list[BatchOutcome]:
    """Batch decision: each application in its own savepoint, so one refusal does not undo the others."""
    if not application_ids or len(application_ids) > 100:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "한 번에 1~100건까지 결정할 수 있습니다.", field="ids")
    outcomes: list[BatchOutcome] = []
    for application_id in dict.fromkeys(application_ids):
        try:
            async with session.begin_nested():
                await decide_application(session, principal, meta, application_id, approve=approve, reason=reason)
            outcomes.append(BatchOutcome(application_id, None))
        except AppError as error:
            outcomes.append(BatchOutcome(application_id, error))
    return outcomes


async def appeal(
    session: AsyncSession, principal: Principal, meta: RequestMeta, application_id: uuid.UUID, *, reason: str
) -> FundingApplication:
    if not reason.strip():
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "이의신청 사유를 적어 주세요.", field="reason")
    loaded = await load(session, principal, application_id)
    await _apply(session, principal, meta, loaded, Action.APPEAL, "appealed", payload={"reason": reason.strip()})
    return loaded.application


async def decide_appeal(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    accept: bool,
    reason: str | None,
) -> FundingApplication:
    """Accepting reopens review at the deciding step; dismissing confirms the rejection."""
    loaded = await load(session, principal, application_id)
    action = Action.ACCEPT_APPEAL if accept else Action.DISMISS_APPEAL
    kind = "appeal_accepted" if accept else "appeal_dismissed"
    await _apply(session, principal, meta, loaded, action, kind, payload={"reason": reason or ""})
    application = loaded.application
    if accept:
        decision = (
            await session.scalars(
                sa.select(RouteStep)
                .where(RouteStep.application_id == application.id, RouteStep.kind == StepKind.DECISION)
                .order_by(RouteStep.position.desc())
            )
        ).first()
        if decision is not None:
            decision.status = StepStatus.ACTIVE
            application.current_step = decision.position
        application.decided_at = None
        application.due_at = utcnow() + timedelta(days=loaded.program.review_sla_days)
    return application


async def _close_open_assignments(session: AsyncSession, application: FundingApplication) -> None:
    await session.execute(
        sa.delete(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id, ReviewAssignment.status == AssignmentStatus.ASSIGNED
        )
    )


# --- after approval --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_on: date


@dataclass(frozen=True)
class KpiInput:
    metric: str
    baseline: float | None = None
    target: float | None = None
    result: float | None = None


def _metric(metric: str, index: int) -> str:
    if metric not in KPI_METRICS:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT,
            f"알 수 없는 성과 지표입니다: {metric} (가능: {', '.join(KPI_METRICS)})",
            field=f"kpis[{index}].metric",
        )
    return metric


async def propose_agreement(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    milestones: Sequence[MilestoneInput],
    kpis: Sequence[KpiInput],
) -> FundingApplication:
    """The operator sends the agreement: milestones and outcome KPIs with their baselines and targets."""
    if not 1 <= len(milestones) <= 12:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "단계 목표는 1~12개입니다.", field="milestones")
    if not kpis:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "성과 지표를 하나 이상 정해 주세요.", field="kpis")
    seen: set[str] = set()
    for i, kpi in enumerate(kpis):
        if _metric(kpi.metric, i) in seen:
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "같은 지표가 두 번 있습니다.", field=f"kpis[{i}].metric")
        seen.add(kpi.metric)
        if kpi.baseline is None or kpi.baseline < 0:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "기준값은 0 이상이어야 합니다.", field=f"kpis[{i}].baseline"
            )
    for i, m in enumerate(milestones):
        if not m.title.strip():
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "단계 목표의 이름이 비어 있습니다.", field=f"milestones[{i}].title"
            )
    loaded = await load(session, principal, application_id)
    await _apply(
        session,
        principal,
        meta,
        loaded,
        Action.PROPOSE_AGREEMENT,
        "agreement_proposed",
        payload={"milestones": len(milestones), "kpis": sorted(seen)},
    )
    application = loaded.application
    for position, m in enumerate(sorted(milestones, key=lambda m: m.due_on), start=1):
        session.add(Milestone(application_id=application.id, position=position, title=m.title.strip(), due_on=m.due_on))
    for kpi in kpis:
        assert kpi.baseline is not None
        session.add(
            OutcomeKpi(application_id=application.id, metric=kpi.metric, baseline=kpi.baseline, target=kpi.target)
        )
    await notify(
        session,
        [application.applicant_person_id],
        "agreement.proposed",
        {"program": loaded.program.title},
        f"agreement:{application.id}",
    )
    return application


async def sign_agreement(
    session: AsyncSession, principal: Principal, meta: RequestMeta, application_id: uuid.UUID
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    await _apply(session, principal, meta, loaded, Action.SIGN_AGREEMENT, "agreement_signed")
    return loaded.application


async def complete_milestone(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    position: int,
    note: str | None,
) -> Milestone:
    loaded = await load(session, principal, application_id)
    milestone = (
        await session.scalars(
            sa.select(Milestone).where(Milestone.application_id == application_id, Milestone.position == position)
        )
    ).first()
    if milestone is None:
        raise NotFound("단계 목표를 찾을 수 없습니다.", field="position")
    if milestone.completed_at is not None:
        raise Conflict(ErrorCode.CONFLICT, "이미 완료 보고한 단계 목표입니다.", field="position")
    await _apply(
        session,
        principal,
        meta,
        loaded,
        Action.COMPLETE_MILESTONE,
        "milestone_completed",
        payload={"position": position},
    )
    milestone.completed_at = utcnow()
    milestone.note = note
    return milestone


async def request_inspection(
    session: AsyncSession, principal: Principal, meta: RequestMeta, application_id: uuid.UUID
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    await _apply(session, principal, meta, loaded, Action.REQUEST_INSPECTION, "final_inspection_requested")
    return loaded.application


async def inspect(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    passed: bool,
    note: str | None,
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    if passed:
        await _apply(
            session, principal, meta, loaded, Action.PASS_INSPECTION, "completed", payload={"note": note or ""}
        )
    else:
        if not note or not note.strip():
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "불합격 사유를 적어 주세요.", field="note")
        await _apply(
            session, principal, meta, loaded, Action.FAIL_INSPECTION, "final_inspection_failed", payload={"note": note}
        )
    return loaded.application


async def report_outcomes(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    results: Sequence[KpiInput],
) -> list[OutcomeKpi]:
    loaded = await load(session, principal, application_id)
    transition(Action.REPORT_OUTCOMES, loaded.application.status, loaded.parties, loaded.facts)
    rows = {
        k.metric: k
        for k in (await session.scalars(sa.select(OutcomeKpi).where(OutcomeKpi.application_id == application_id)))
    }
    for i, result in enumerate(results):
        row = rows.get(_metric(result.metric, i))
        if row is None:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "협약에 없는 성과 지표입니다.", field=f"results[{i}].metric"
            )
        if result.result is None or result.result < 0:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "성과 값은 0 이상이어야 합니다.", field=f"results[{i}].result"
            )
        row.result = result.result
    await _apply(
        session,
        principal,
        meta,
        loaded,
        Action.REPORT_OUTCOMES,
        "outcomes_reported",
        payload={r.metric: r.result for r in results},
    )
    return list(rows.values())


async def settle(
    session: AsyncSession, principal: Principal, meta: RequestMeta, application_id: uuid.UUID, *, settled_krw: int
) -> FundingApplication:
    """Settlement: the amount actually spent; an unspent remainder is recouped in the ledger."""
    loaded = await load(session, principal, application_id)
    application = loaded.application
    award = application.award_krw or 0
    if not 0 <= settled_krw <= award:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, f"정산 금액은 0~{award:,}원입니다.", field="settledKrw")
    await _apply(session, principal, meta, loaded, Action.SETTLE, "settled", payload={"settled_krw": settled_krw})
    application.settled_krw = settled_krw
    if settled_krw < award:
        await ledger.record_recoupment(session, application, award - settled_krw)
    return application


async def recoup(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    amount_krw: int,
    reason: str,
) -> FundingApplication:
    loaded = await load(session, principal, application_id)
    application = loaded.application
    award = application.award_krw or 0
    if not 0 < amount_krw <= award:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, f"환수 금액은 1~{award:,}원입니다.", field="amountKrw")
    if not reason.strip():
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "환수 사유를 적어 주세요.", field="reason")
    await _apply(
        session,
        principal,
        meta,
        loaded,
        Action.RECOUP,
        "recouped",
        payload={"amount_krw": amount_krw, "reason": reason},
    )
    application.recouped_krw = amount_krw
    await ledger.record_recoupment(session, application, amount_krw)
    return application


# --- documents -------------------------------------------------------------------------------------


async def attach_document(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    application_id: uuid.UUID,
    *,
    purpose: str,
    inspected: InspectedDocument,
    storage_key: str,
) -> ApplicationDocument:
    """Record a file already checked (``documents.inspect_document``) and stored under ``storage_key``."""
    loaded = await load(session, principal, application_id)
    transition(Action.UPLOAD_DOCUMENT, loaded.application.status, loaded.parties, loaded.facts)
    document = ApplicationDocument(
        application_id=application_id,
        purpose=purpose,
        kind=inspected.kind.value,
        filename=inspected.safe_name,
        content_type=inspected.content_type,
        size_bytes=inspected.size,
        sha256=inspected.sha256,
        storage_key=storage_key,
        uploaded_by_person_id=principal.person_id,
        uploading_company_id=next(
            (
                c
                for c in (loaded.application.company_id, loaded.application.supplier_company_id)
                if c and principal.company_role(c)
            ),
            None,
        ),
    )
    session.add(document)
    await session.flush()
    await _apply(
        session,
        principal,
        meta,
        loaded,
        Action.UPLOAD_DOCUMENT,
        "document_attached",
        payload={"document_id": str(document.id), "sha256": inspected.sha256, "purpose": purpose},
    )
    return document
