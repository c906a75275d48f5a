"""Funding application mutations: apply, follow, review, decide, and the follow-up after approval.

Every mutation runs in one write transaction (committed before the response). Expected failures are
payload data with a stable code and the offending field; nothing is half-written. Row scope and the
transition table are checked in the portal service, so a caller outside the application's parties gets
NOT_FOUND and a party without the right gets TRANSITION_NOT_ALLOWED.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.mutations.running import error, in_transaction
from m24.graphql.permissions import Authenticated
from m24.graphql.types.common import BigInt
from m24.graphql.types.funding import CohortView, FundingApplicationView
from m24.graphql.types.private import MutationError
from m24.integrations.errors import IntegrationError
from m24.integrations.nts import NtsClient
from m24.kit.errors import AppError, ErrorCode, ValidationFailed
from m24.portal.companies.models import Company
from m24.portal.companies.service import BusinessState
from m24.portal.funding import cohorts, documents, rules, service
from m24.portal.funding.models import FundingApplication
from m24.portal.people.models import Person

DOCUMENT_PURPOSES = ("business_plan", "quotation", "financials", "certificate", "supplement", "evidence", "other")


@strawberry.type
class FundingApplicationPayload:
    application: FundingApplicationView | None
    errors: list[MutationError]


@strawberry.type(description="A submission's receipt, issued at once; `replayed` when the key was seen before.")
class SubmitPayload:
    application: FundingApplicationView | None
    receipt_number: str | None
    replayed: bool
    errors: list[MutationError]


@strawberry.type
class BatchDecisionItem:
    id: strawberry.ID
    ok: bool
    errors: list[MutationError]


@strawberry.type
class BatchDecisionPayload:
    results: list[BatchDecisionItem]
    errors: list[MutationError]


@strawberry.type
class DocumentPayload:
    document_id: strawberry.ID | None
    sha256: str | None
    errors: list[MutationError]


@strawberry.type
class CohortPayload:
    cohort: CohortView | None
    errors: list[MutationError]


@strawberry.type
class RuleSetPayload:
    version: int | None
    errors: list[MutationError]


@strawberry.input
class CreateFundingApplicationInput:
    program_id: strawberry.ID
    company_id: strawberry.ID
    requested_amount_krw: BigInt
    form_data: JSON = strawberry.field(default_factory=dict)
    supplier_id: strawberry.ID | None = None


@strawberry.input
class UpdateFundingApplicationInput:
    id: strawberry.ID
    expected_version: int | None = None
    form_data: JSON | None = None
    requested_amount_krw: BigInt | None = None
    supplier_id: strawberry.ID | None = None
    remove_supplier: bool = False


@strawberry.input
class MilestoneInput:
    title: str
    due_on: date


@strawberry.input
class KpiInput:
    metric: str
    baseline: float | None = None
    target: float | None = None
    result: float | None = None


@strawberry.input
class OpenCohortInput:
    program_id: strawberry.ID
    sponsor_company_id: strawberry.ID
    title: str
    company_ids: list[strawberry.ID]


async def view_of(session: AsyncSession, application: FundingApplication) -> FundingApplicationView:
    await session.flush()
    person = await session.get(Person, application.applicant_person_id)
    assert person is not None
    return FundingApplicationView.of(application, person)


async def _application(
    info: Info[Context, None], work: Callable[[AsyncSession], Awaitable[FundingApplication]]
) -> FundingApplicationPayload:
    async def run(session: AsyncSession) -> FundingApplicationView:
        return await view_of(session, await work(session))

    view, errors = await in_transaction(info, run)
    return FundingApplicationPayload(application=view, errors=errors)


async def _reload(session: AsyncSession, application_id: uuid.UUID) -> FundingApplication:
    """The application after a service call that returned something else (a review, a milestone)."""
    application = await session.get(FundingApplication, application_id)
    assert application is not None
    return application


async def business_state(info: Info[Context, None], company_id: uuid.UUID) -> BusinessState | None:
    """The NTS status of a company, asked before any transaction opens; None when the NTS cannot answer."""
    async with info.context.db.read() as session:
        company = await session.get(Company, company_id)
    if company is None:
        return None
    try:
        async with NtsClient.configured(info.context.settings) as nts:
            return BusinessState.from_nts(await nts.state_of(company.business_number))
    except IntegrationError:
        return None


def _milestones(items: list[MilestoneInput]) -> list[service.MilestoneInput]:
    return [service.MilestoneInput(title=m.title, due_on=m.due_on) for m in items]


def _kpis(items: list[KpiInput]) -> list[service.KpiInput]:
    return [service.KpiInput(metric=k.metric, baseline=k.baseline, target=k.target, result=k.result) for k in items]


def _json_object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "JSON 객체여야 합니다.", field=field)
    return value


@strawberry.type
class FundingMutations:
    @strawberry.mutation(
        permission_classes=[Authenticated], description="Start an application (a draft) for your company."
    )
    async def create_funding_application(
        self, info: Info[Context, None], input: CreateFundingApplicationInput
    ) -> FundingApplicationPayload:
        async def work(session: AsyncSession) -> FundingApplication:
            return await service.create_application(
                session,
                info.context.principal,
                info.context.meta,
                program_id=parse_id(input.program_id, "programId"),
                company_id=parse_id(input.company_id, "companyId"),
                requested_amount_krw=int(input.requested_amount_krw),
                form_data=_json_object(input.form_data, "formData"),
                supplier_company_id=parse_id(input.supplier_id, "supplierId") if input.supplier_id else None,
            )

        return await _application(info, work)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Edit a draft, or answer a request for supplement (kept as a revision).",
    )
    async def update_funding_application(
        self, info: Info[Context, None], input: UpdateFundingApplicationInput
    ) -> FundingApplicationPayload:
        async def work(session: AsyncSession) -> FundingApplication:
            supplier: Any = service.UNSET
            if input.remove_supplier:
                supplier = None
            elif input.supplier_id is not None:
                supplier = parse_id(input.supplier_id, "supplierId")
            return await service.update_application(
                session,
                info.context.principal,
                info.context.meta,
                parse_id(input.id),
                expected_version=input.expected_version,
                form_data=_json_object(input.form_data, "formData") if input.form_data is not None else None,
                requested_amount_krw=int(input.requested_amount_krw)
                if input.requested_amount_krw is not None
                else None,
                supplier_company_id=supplier,
            )

        return await _application(info, work)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Submit: checks the call period, the form and eligibility, and returns the receipt at once.",
    )
    async def submit_funding_application(
        self, info: Info[Context, None], id: strawberry.ID, idempotency_key: str
    ) -> SubmitPayload:
        try:
            application_id = parse_id(id)
        except AppError as err:
            return SubmitPayload(application=None, receipt_number=None, replayed=False, errors=error(err))
        async with info.context.db.read() as session:
            found = await session.get(FundingApplication, application_id)
        # Only the applicant's own members make us ask the NTS (no lookups on others' behalf).
        own = found is not None and info.context.principal.company_role(found.company_id) is not None
        state = await business_state(info, found.company_id) if found is not None and own else None

        async def work(session: AsyncSession) -> tuple[FundingApplicationView, bool]:
            done = await service.submit_application(
                session,
                info.context.principal,
                info.context.meta,
                application_id,
                idempotency_key=idempotency_key,
                business_state=state,
            )
            return await view_of(session, done.application), done.replayed

        result, errors = await in_transaction(info, work)
        if result is None:
            return SubmitPayload(application=None, receipt_number=None, replayed=False, errors=errors)
        view, replayed = result
        return SubmitPayload(application=view, receipt_number=view.receipt_number, replayed=replayed, errors=[])

    @strawberry.mutation(permission_classes=[Authenticated], description="Applicant representative: withdraw.")
    async def withdraw_funding_application(
        self, info: Info[Context, None], id: strawberry.ID, reason: str | None = None
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.withdraw_application(
                s, info.context.principal, info.context.meta, parse_id(id), reason=reason
            ),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated], description="Supplier: confirm taking part in the project."
    )
    async def confirm_supplier_participation(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> FundingApplicationPayload:
        return await _application(
            info, lambda s: service.confirm_supplier(s, info.context.principal, info.context.meta, parse_id(id))
        )

    @strawberry.mutation(permission_classes=[Authenticated], description="Reviewer or approver: request a supplement.")
    async def request_supplement(
        self, info: Info[Context, None], id: strawberry.ID, items: list[str], days: int | None = None
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.request_supplement(
                s, info.context.principal, info.context.meta, parse_id(id), items=items, days=days
            ),
        )

    @strawberry.mutation(permission_classes=[Authenticated], description="Applicant: hand in the requested supplement.")
    async def submit_supplement(
        self, info: Info[Context, None], id: strawberry.ID, note: str | None = None
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.submit_supplement(s, info.context.principal, info.context.meta, parse_id(id), note=note),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Assigned reviewer: score the application on the program's form.",
    )
    async def review_funding_application(
        self, info: Info[Context, None], id: strawberry.ID, scores: JSON, comment: str | None = None
    ) -> FundingApplicationPayload:
        async def work(session: AsyncSession) -> FundingApplication:
            application_id = parse_id(id)
            await service.review_application(
                session,
                info.context.principal,
                info.context.meta,
                application_id,
                scores=_json_object(scores, "scores"),
                comment=comment,
            )
            return await _reload(session, application_id)

        return await _application(info, work)

    @strawberry.mutation(permission_classes=[Authenticated], description="상생형 sponsor's approver: co-approve.")
    async def co_approve_funding_application(
        self, info: Info[Context, None], id: strawberry.ID, comment: str | None = None
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.co_approve(s, info.context.principal, info.context.meta, parse_id(id), comment=comment),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Approver of the deciding agency: approve (with the award) or reject.",
    )
    async def decide_funding_application(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        approve: bool,
        reason: str | None = None,
        award_krw: BigInt | None = None,
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.decide_application(
                s,
                info.context.principal,
                info.context.meta,
                parse_id(id),
                approve=approve,
                reason=reason,
                award_krw=int(award_krw) if award_krw is not None else None,
            ),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated], description="Batch decision; each application succeeds or fails on its own."
    )
    async def decide_funding_applications(
        self, info: Info[Context, None], ids: list[strawberry.ID], approve: bool, reason: str | None = None
    ) -> BatchDecisionPayload:
        async def work(session: AsyncSession) -> list[service.BatchOutcome]:
            parsed = [parse_id(i, f"ids[{n}]") for n, i in enumerate(ids)]
            return await service.decide_many(
                session, info.context.principal, info.context.meta, parsed, approve=approve, reason=reason
            )

        outcomes, errors = await in_transaction(info, work)
        return BatchDecisionPayload(
            results=[
                BatchDecisionItem(
                    id=strawberry.ID(str(o.application_id)),
                    ok=o.error is None,
                    errors=error(o.error) if o.error else [],
                )
                for o in outcomes or []
            ],
            errors=errors,
        )

    @strawberry.mutation(
        permission_classes=[Authenticated], description="Applicant representative: appeal a rejection."
    )
    async def appeal_funding_application(
        self, info: Info[Context, None], id: strawberry.ID, reason: str
    ) -> FundingApplicationPayload:
        return await _application(
            info, lambda s: service.appeal(s, info.context.principal, info.context.meta, parse_id(id), reason=reason)
        )

    @strawberry.mutation(
        permission_classes=[Authenticated], description="Operator's approver: accept or dismiss an appeal."
    )
    async def decide_appeal(
        self, info: Info[Context, None], id: strawberry.ID, accept: bool, reason: str | None = None
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.decide_appeal(
                s, info.context.principal, info.context.meta, parse_id(id), accept=accept, reason=reason
            ),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated], description="Operator: send the agreement (milestones, KPIs)."
    )
    async def propose_agreement(
        self, info: Info[Context, None], id: strawberry.ID, milestones: list[MilestoneInput], kpis: list[KpiInput]
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.propose_agreement(
                s,
                info.context.principal,
                info.context.meta,
                parse_id(id),
                milestones=_milestones(milestones),
                kpis=_kpis(kpis),
            ),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated], description="Applicant representative: sign the agreement."
    )
    async def sign_agreement(self, info: Info[Context, None], id: strawberry.ID) -> FundingApplicationPayload:
        return await _application(
            info, lambda s: service.sign_agreement(s, info.context.principal, info.context.meta, parse_id(id))
        )

    @strawberry.mutation(permission_classes=[Authenticated], description="Applicant: report a milestone done.")
    async def complete_milestone(
        self, info: Info[Context, None], id: strawberry.ID, position: int, note: str | None = None
    ) -> FundingApplicationPayload:
        async def work(session: AsyncSession) -> FundingApplication:
            application_id = parse_id(id)
            await service.complete_milestone(
                session, info.context.principal, info.context.meta, application_id, position=position, note=note
            )
            return await _reload(session, application_id)

        return await _application(info, work)

    @strawberry.mutation(permission_classes=[Authenticated], description="Applicant: ask for the final inspection.")
    async def request_final_inspection(self, info: Info[Context, None], id: strawberry.ID) -> FundingApplicationPayload:
        return await _application(
            info, lambda s: service.request_inspection(s, info.context.principal, info.context.meta, parse_id(id))
        )

    @strawberry.mutation(permission_classes=[Authenticated], description="Operator staff: record the final inspection.")
    async def record_final_inspection(
        self, info: Info[Context, None], id: strawberry.ID, passed: bool, note: str | None = None
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.inspect(
                s, info.context.principal, info.context.meta, parse_id(id), passed=passed, note=note
            ),
        )

    @strawberry.mutation(permission_classes=[Authenticated], description="Applicant: report outcome KPI results.")
    async def report_outcomes(
        self, info: Info[Context, None], id: strawberry.ID, results: list[KpiInput]
    ) -> FundingApplicationPayload:
        async def work(session: AsyncSession) -> FundingApplication:
            application_id = parse_id(id)
            await service.report_outcomes(
                session, info.context.principal, info.context.meta, application_id, results=_kpis(results)
            )
            return await _reload(session, application_id)

        return await _application(info, work)

    @strawberry.mutation(permission_classes=[Authenticated], description="Operator's approver: settle the grant.")
    async def settle_funding_application(
        self, info: Info[Context, None], id: strawberry.ID, settled_krw: BigInt
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.settle(
                s, info.context.principal, info.context.meta, parse_id(id), settled_krw=int(settled_krw)
            ),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated], description="Operator's approver: recoup (환수) part of a grant."
    )
    async def recoup_funding_application(
        self, info: Info[Context, None], id: strawberry.ID, amount_krw: BigInt, reason: str
    ) -> FundingApplicationPayload:
        return await _application(
            info,
            lambda s: service.recoup(
                s, info.context.principal, info.context.meta, parse_id(id), amount_krw=int(amount_krw), reason=reason
            ),
        )

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Attach a document (HWP, HWPX, PDF, PNG, JPEG; checked by content, not by name).",
    )
    async def upload_application_document(
        self, info: Info[Context, None], id: strawberry.ID, purpose: str, file: Upload
    ) -> DocumentPayload:
        settings = info.context.settings
        limit = settings.max_document_mb * 1024 * 1024
        store = documents.DocumentStore(settings.effective_documents_dir)
        key: str | None = None
        try:
            application_id = parse_id(id)
            if purpose not in DOCUMENT_PURPOSES:
                raise ValidationFailed(
                    ErrorCode.INVALID_INPUT,
                    f"서류 용도는 {', '.join(DOCUMENT_PURPOSES)} 중 하나입니다.",
                    field="purpose",
                )
            content: bytes = await file.read(limit + 1)  # type: ignore[attr-defined]
            inspected = documents.inspect_document(getattr(file, "filename", "") or "", content, max_bytes=limit)
        except AppError as err:
            return DocumentPayload(document_id=None, sha256=None, errors=error(err))
        key = store.put(content)

        async def work(session: AsyncSession) -> tuple[str, str]:
            doc = await service.attach_document(
                session,
                info.context.principal,
                info.context.meta,
                application_id,
                purpose=purpose,
                inspected=inspected,
                storage_key=key,
            )
            return str(doc.id), doc.sha256

        result, errors = await in_transaction(info, work)
        if result is None:
            store.delete(key)  # refused: the file must not outlive the refusal
            return DocumentPayload(document_id=None, sha256=None, errors=errors)
        return DocumentPayload(document_id=strawberry.ID(result[0]), sha256=result[1], errors=[])

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="상생형 sponsor's representative: open a cohort with draft applications for supplier SMEs.",
    )
    async def open_funding_cohort(self, info: Info[Context, None], input: OpenCohortInput) -> CohortPayload:
        from m24.graphql.queries.funding import cohort_view

        async def work(session: AsyncSession) -> CohortView:
            cohort = await cohorts.open_cohort(
                session,
                info.context.principal,
                info.context.meta,
                program_id=parse_id(input.program_id, "programId"),
                sponsor_company_id=parse_id(input.sponsor_company_id, "sponsorCompanyId"),
                title=input.title,
                company_ids=[parse_id(c, f"companyIds[{n}]") for n, c in enumerate(input.company_ids)],
            )
            await session.flush()
            return await cohort_view(session, info.context.principal, cohort.id)

        view, errors = await in_transaction(info, work)
        return CohortPayload(cohort=view, errors=errors)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Program staff: publish a new version of a call's eligibility rules.",
    )
    async def publish_eligibility_rules(
        self, info: Info[Context, None], program_id: strawberry.ID, rules_json: JSON
    ) -> RuleSetPayload:
        async def work(session: AsyncSession) -> int:
            published = await rules.publish(
                session, info.context.principal, info.context.meta, parse_id(program_id, "programId"), rules_json
            )
            return published.version

        version, errors = await in_transaction(info, work)
        return RuleSetPayload(version=version, errors=errors)
