"""Funding application types: the application as its parties and routed agency staff see it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.types.agency import Agency
from m24.graphql.types.common import BigInt
from m24.portal.funding import service
from m24.portal.funding.applications import is_staff_viewer
from m24.portal.funding.models import ApplicationDocument as DocumentModel
from m24.portal.funding.models import ApplicationEvent as EventModel
from m24.portal.funding.models import FundingApplication as ApplicationModel
from m24.portal.funding.models import FundingProgram as ProgramModel
from m24.portal.funding.workflow import EVENT_LABELS, STATUS_LABELS, allowed_actions, status_label
from m24.portal.people.models import Person as PersonModel

#: Event kinds whose details only agency staff read (scores, internal escalations).
_STAFF_ONLY_PAYLOADS = frozenset({"reviewed", "sla_escalated", "step_started", "co_approved"})


@strawberry.type(description="The person who submitted an application.")
class Applicant:
    name: str
    email: str


@strawberry.type(description="Something the caller may do now, with its Korean label (buttons come from here).")
class AllowedAction:
    action: str
    label: str


@strawberry.type(description="One entry of an application's append-only event log.")
class ApplicationEventView:
    sequence: int
    kind: str
    label: str
    from_status: str | None
    to_status: str | None
    occurred_at: datetime
    details: JSON | None


@strawberry.type(description="The content of an application after an edit made after submission.")
class ApplicationRevisionView:
    revision: int
    form_data: JSON
    requested_amount_krw: BigInt
    reason: str | None
    created_at: datetime


@strawberry.type(description="A document attached to an application (stored under a generated name).")
class ApplicationDocumentView:
    id: strawberry.ID
    purpose: str
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime

    @staticmethod
    def of(model: DocumentModel) -> ApplicationDocumentView:
        return ApplicationDocumentView(
            id=strawberry.ID(str(model.id)),
            purpose=model.purpose,
            kind=model.kind,
            filename=model.filename,
            content_type=model.content_type,
            size_bytes=model.size_bytes,
            sha256=model.sha256,
            uploaded_at=model.created_at,
        )


@strawberry.type(description="One agency step of the application's route.")
class RouteStepView:
    position: int
    kind: str
    status: str
    started_at: datetime | None
    completed_at: datetime | None
    _agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def agency(self, info: Info[Context, None]) -> Agency | None:
        agency = await info.context.loaders.agency.load(self._agency_id)
        return Agency.from_model(agency) if agency else None


@strawberry.type(description="A reviewer's assignment and scores (agency staff only).")
class ReviewView:
    step_position: int
    reviewer_name: str
    status: str
    scores: JSON | None
    total: float | None
    comment: str | None
    submitted_at: datetime | None


@strawberry.type(description="A milestone of an agreed project.")
class MilestoneView:
    position: int
    title: str
    due_on: date
    completed_at: datetime | None
    note: str | None


@strawberry.type(description="An outcome KPI: baseline before, target, and the result after the project.")
class OutcomeKpiView:
    metric: str
    label: str
    unit: str
    baseline: float
    target: float | None
    result: float | None
    #: Improvement in percent (positive is better, whichever direction the metric improves in).
    improvement_pct: float | None


@strawberry.type(description="A funding application within the caller's scope.")
class FundingApplicationView:
    id: strawberry.ID
    program_id: strawberry.ID
    company_id: strawberry.ID
    status: str
    receipt_number: str | None
    submitted_at: datetime | None
    applicant: Applicant
    requested_amount_krw: BigInt
    form_data: JSON
    row_version: int
    supplier_id: strawberry.ID | None
    supplier_confirmed: bool
    sponsor_id: strawberry.ID | None
    cohort_id: strawberry.ID | None
    current_step: int | None
    due_at: datetime | None
    review_score: float | None
    decided_at: datetime | None
    award_krw: BigInt | None
    settled_krw: BigInt | None
    recouped_krw: BigInt | None
    revision: int
    _model: strawberry.Private[ApplicationModel]

    @strawberry.field(description="The status in the caller's words (applicant or agency wording).")
    async def status_label(self, info: Info[Context, None]) -> str:
        return status_label(self._model.status, staff=await self._staff(info))

    @strawberry.field
    async def program_title(self, info: Info[Context, None]) -> str | None:
        return await info.context.loaders.program_title.load(self._model.program_id)

    @strawberry.field
    async def company_name(self, info: Info[Context, None]) -> str | None:
        return await info.context.loaders.company_name.load(self._model.company_id)

    @strawberry.field
    async def supplier_name(self, info: Info[Context, None]) -> str | None:
        supplier = self._model.supplier_company_id
        return await info.context.loaders.company_name.load(supplier) if supplier else None

    @strawberry.field
    async def sponsor_name(self, info: Info[Context, None]) -> str | None:
        sponsor = self._model.sponsor_company_id
        return await info.context.loaders.company_name.load(sponsor) if sponsor else None

    @strawberry.field(description="What the caller may do now (drives the buttons).")
    async def allowed_actions(self, info: Info[Context, None]) -> list[AllowedAction]:
        async with info.context.db.read() as session:
            program = await session.get(ProgramModel, self._model.program_id)
            assert program is not None
            _, parties, facts = await service.context_for(session, info.context.principal, self._model, program)
        return [
            AllowedAction(action=a.action.value, label=a.label)
            for a in allowed_actions(self._model.status, parties, facts)
        ]

    @strawberry.field(description="The event log, oldest first.")
    async def events(self, info: Info[Context, None]) -> list[ApplicationEventView]:
        staff = await self._staff(info)
        return [_event(e, staff) for e in await info.context.loaders.application_events.load(self._model.id)]

    @strawberry.field
    async def revisions(self, info: Info[Context, None]) -> list[ApplicationRevisionView]:
        return [
            ApplicationRevisionView(
                revision=r.revision,
                form_data=_json(r.form_data),
                requested_amount_krw=BigInt(r.requested_amount_krw),
                reason=r.reason,
                created_at=r.created_at,
            )
            for r in await info.context.loaders.application_revisions.load(self._model.id)
        ]

    @strawberry.field
    async def documents(self, info: Info[Context, None]) -> list[ApplicationDocumentView]:
        return [
            ApplicationDocumentView.of(d) for d in await info.context.loaders.application_documents.load(self._model.id)
        ]

    @strawberry.field(description="The agencies the application is routed through, in order.")
    async def route(self, info: Info[Context, None]) -> list[RouteStepView]:
        return [
            RouteStepView(
                position=s.position,
                kind=s.kind.value,
                status=s.status.value,
                started_at=s.started_at,
                completed_at=s.completed_at,
                _agency_id=s.agency_id,
            )
            for s in await info.context.loaders.application_steps.load(self._model.id)
        ]

    @strawberry.field(description="Reviewers and their scores: agency staff on the route only (empty otherwise).")
    async def reviews(self, info: Info[Context, None]) -> list[ReviewView]:
        if not await self._staff(info):
            return []
        rows = await info.context.loaders.application_assignments.load(self._model.id)
        names = await info.context.loaders.person_name.load_many([r.reviewer_person_id for r in rows])
        return [
            ReviewView(
                step_position=r.step_position,
                reviewer_name=name or "-",
                status=r.status.value,
                scores=_json(r.scores),
                total=r.total,
                comment=r.comment,
                submitted_at=r.submitted_at,
            )
            for r, name in zip(rows, names, strict=True)
        ]

    @strawberry.field
    async def milestones(self, info: Info[Context, None]) -> list[MilestoneView]:
        return [
            MilestoneView(position=m.position, title=m.title, due_on=m.due_on, completed_at=m.completed_at, note=m.note)
            for m in await info.context.loaders.application_milestones.load(self._model.id)
        ]

    @strawberry.field
    async def kpis(self, info: Info[Context, None]) -> list[OutcomeKpiView]:
        out: list[OutcomeKpiView] = []
        for k in await info.context.loaders.application_kpis.load(self._model.id):
            label, unit, lower_is_better = service.KPI_METRICS.get(k.metric, (k.metric, "", False))
            improvement = None
            if k.result is not None and k.baseline:
                change = (k.result - k.baseline) / k.baseline * 100
                improvement = round(-change if lower_is_better else change, 1)
            out.append(
                OutcomeKpiView(
                    metric=k.metric,
                    label=label,
                    unit=unit,
                    baseline=k.baseline,
                    target=k.target,
                    result=k.result,
                    improvement_pct=improvement,
                )
            )
        return out

    async def _staff(self, info: Info[Context, None]) -> bool:
        principal = info.context.principal
        if principal.is_platform_admin:
            return True
        if not principal.agency_ids:
            return False
        steps = await info.context.loaders.application_steps.load(self._model.id)
        running = [
            agency_id
            for agency_id, role in await info.context.loaders.program_agencies.load(self._model.program_id)
            if role in ("owner", "operator")
        ]
        return is_staff_viewer(principal, self._model, [s.agency_id for s in steps] + running)

    @staticmethod
    def of(application: ApplicationModel, applicant: PersonModel) -> FundingApplicationView:
        def opt_id(value: uuid.UUID | None) -> strawberry.ID | None:
            return strawberry.ID(str(value)) if value else None

        return FundingApplicationView(
            id=strawberry.ID(str(application.id)),
            program_id=strawberry.ID(str(application.program_id)),
            company_id=strawberry.ID(str(application.company_id)),
            status=application.status.value,
            receipt_number=application.receipt_number,
            submitted_at=application.submitted_at,
            applicant=Applicant(name=applicant.name, email=applicant.email),
            requested_amount_krw=BigInt(application.requested_amount_krw),
            form_data=_json(application.form_data),
            row_version=application.row_version,
            supplier_id=opt_id(application.supplier_company_id),
            supplier_confirmed=application.supplier_confirmed_at is not None,
            sponsor_id=opt_id(application.sponsor_company_id),
            cohort_id=opt_id(application.cohort_id),
            current_step=application.current_step,
            due_at=application.due_at,
            review_score=application.review_score,
            decided_at=application.decided_at,
            award_krw=BigInt(application.award_krw) if application.award_krw is not None else None,
            settled_krw=BigInt(application.settled_krw) if application.settled_krw is not None else None,
            recouped_krw=BigInt(application.recouped_krw) if application.recouped_krw is not None else None,
            revision=application.revision,
            _model=application,
        )


def _json(value: Any) -> Any:
    """Stored JSON handed to Strawberry's JSON scalar as it is."""
    return value


def _event(event: EventModel, staff: bool) -> ApplicationEventView:
    details: Any = event.payload if (staff or event.kind not in _STAFF_ONLY_PAYLOADS) else None
    return ApplicationEventView(
        sequence=event.sequence,
        kind=event.kind,
        label=EVENT_LABELS.get(event.kind, event.kind),
        from_status=event.from_status,
        to_status=event.to_status,
        occurred_at=event.occurred_at,
        details=details,
    )


@strawberry.type(description="One rule's verdict, explained in Korean.")
class RuleVerdict:
    rule: str
    passed: bool | None
    message: str


@strawberry.type(description="Whether a company may apply to a call, rule by rule.")
class EligibilityResult:
    eligible: bool
    rule_set_version: int | None
    verdicts: list[RuleVerdict]


@strawberry.type(description="A 상생형 cohort and its members' progress (the sponsor's view).")
class CohortView:
    id: strawberry.ID
    program_id: strawberry.ID
    title: str
    created_at: datetime
    total: int
    by_status: JSON
    applications: list[FundingApplicationView]


@strawberry.type(description="A support-ledger award (by 사업자등록번호).")
class SupportAwardView:
    id: strawberry.ID
    business_number: str
    company_id: strawberry.ID
    program_title: str
    program_kind: str
    region: str
    award_krw: BigInt
    recouped_krw: BigInt
    awarded_at: datetime
    supplier_id: strawberry.ID | None


@strawberry.type(description="A suspicious pattern in the support ledger, with the awards that show it.")
class LedgerFlagView:
    kind: str
    title: str
    detail: str
    company_ids: list[strawberry.ID]
    evidence: list[SupportAwardView]


@strawberry.type(description="An application stuck past its SLA or with a failed task.")
class StuckApplicationView:
    application_id: strawberry.ID
    receipt_number: str | None
    status: str
    reason: str
    since: datetime


def status_labels() -> dict[str, tuple[str, str]]:
    return {s.value: labels for s, labels in STATUS_LABELS.items()}
