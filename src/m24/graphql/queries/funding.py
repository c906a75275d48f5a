"""Funding reads beyond the application list: eligibility, rule previews, cohorts, the support ledger,
stuck workflows."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON
from strawberry.types import Info

from m24.auth.principal import Principal
from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.mutations.funding import business_state
from m24.graphql.permissions import Authenticated
from m24.graphql.types.common import BigInt
from m24.graphql.types.funding import (
    CohortView,
    EligibilityResult,
    FundingApplicationView,
    LedgerFlagView,
    RuleVerdict,
    StuckApplicationView,
    SupportAwardView,
)
from m24.kit import brn
from m24.kit.errors import Forbidden, NotFound
from m24.portal.funding import cohorts, ledger, pipeline, repository, rules, service
from m24.portal.funding.models import SupportAward
from m24.portal.people.models import Person


def _staff_or_admin(principal: Principal) -> None:
    if not (principal.is_platform_admin or principal.agency_ids):
        raise Forbidden("기관 담당자만 볼 수 있습니다.")


def award_view(a: SupportAward) -> SupportAwardView:
    return SupportAwardView(
        id=strawberry.ID(str(a.id)),
        business_number=brn.format_number(a.business_number),
        company_id=strawberry.ID(str(a.company_id)),
        program_title=a.program_title,
        program_kind=a.program_kind,
        region=a.region,
        award_krw=BigInt(a.award_krw),
        recouped_krw=BigInt(a.recouped_krw),
        awarded_at=a.awarded_at,
        supplier_id=strawberry.ID(str(a.supplier_company_id)) if a.supplier_company_id else None,
    )


async def cohort_view(session: AsyncSession, principal: Principal, cohort_id: uuid.UUID) -> CohortView:
    progress = await cohorts.cohort_progress(session, principal, cohort_id)
    people = {
        p.id: p
        for p in await session.scalars(
            sa.select(Person).where(Person.id.in_({a.applicant_person_id for a in progress.applications}))
        )
    }
    by_status: Any = progress.by_status
    return CohortView(
        id=strawberry.ID(str(progress.cohort.id)),
        program_id=strawberry.ID(str(progress.cohort.program_id)),
        title=progress.cohort.title,
        created_at=progress.cohort.created_at,
        total=len(progress.applications),
        by_status=by_status,
        applications=[FundingApplicationView.of(a, people[a.applicant_person_id]) for a in progress.applications],
    )


@strawberry.type
class FundingQueries:
    @strawberry.field(
        permission_classes=[Authenticated],
        description="Whether your company may apply to a call, every rule's verdict explained in Korean.",
    )
    async def check_eligibility(
        self, info: Info[Context, None], program_id: strawberry.ID, company_id: strawberry.ID
    ) -> EligibilityResult | None:
        pid, cid = parse_id(program_id, "programId"), parse_id(company_id, "companyId")
        if info.context.principal.company_role(cid) is None:
            return None
        state = await business_state(info, cid)
        async with info.context.db.read() as session:
            program = await repository.get_program(session, pid)
            if program is None:
                return None
            verdict = await service.check(session, program, cid, state)
            rule_sets = await repository.current_rule_sets(session, [pid])
        return EligibilityResult(
            eligible=verdict.eligible,
            rule_set_version=rule_sets[pid].version if pid in rule_sets else None,
            verdicts=[RuleVerdict(rule=v.rule, passed=v.passed, message=v.message) for v in verdict.verdicts],
        )

    @strawberry.field(
        permission_classes=[Authenticated],
        description="Program staff: how many companies on file a draft rule set would admit (NTS status not counted).",
    )
    async def preview_eligibility_rules(
        self, info: Info[Context, None], program_id: strawberry.ID, rules_json: JSON
    ) -> int:
        async with info.context.db.read() as session:
            return await rules.preview(session, info.context.principal, parse_id(program_id, "programId"), rules_json)

    @strawberry.field(permission_classes=[Authenticated], description="A 상생형 cohort you sponsor, with its progress.")
    async def funding_cohort(self, info: Info[Context, None], id: strawberry.ID) -> CohortView | None:
        async with info.context.db.read() as session:
            try:
                return await cohort_view(session, info.context.principal, parse_id(id))
            except NotFound:
                return None

    @strawberry.field(
        permission_classes=[Authenticated], description="Agency staff: awards of one 사업자등록번호 across programs."
    )
    async def support_ledger(self, info: Info[Context, None], business_number: str) -> list[SupportAwardView]:
        _staff_or_admin(info.context.principal)
        number = brn.normalize(business_number)
        async with info.context.db.read() as session:
            rows = await session.scalars(
                sa.select(SupportAward).where(SupportAward.business_number == number).order_by(SupportAward.awarded_at)
            )
            return [award_view(a) for a in rows]

    @strawberry.field(
        permission_classes=[Authenticated], description="Agency staff: suspicious award patterns, with their evidence."
    )
    async def support_ledger_flags(self, info: Info[Context, None]) -> list[LedgerFlagView]:
        _staff_or_admin(info.context.principal)
        async with info.context.db.read() as session:
            flags = await ledger.suspicious_patterns(session)
            awards = {a.id: a for a in await ledger.awards_of(session, [i for f in flags for i in f.award_ids])}
        return [
            LedgerFlagView(
                kind=f.kind,
                title=f.title,
                detail=f.detail,
                company_ids=[strawberry.ID(str(c)) for c in f.company_ids],
                evidence=[award_view(awards[i]) for i in f.award_ids if i in awards],
            )
            for f in flags
        ]

    @strawberry.field(
        permission_classes=[Authenticated],
        description="Platform admins: applications past their SLA, stalled, or with a task that failed for good.",
    )
    async def stuck_applications(self, info: Info[Context, None]) -> list[StuckApplicationView]:
        if not info.context.principal.is_platform_admin:
            raise Forbidden("플랫폼 관리자만 볼 수 있습니다.")
        async with info.context.db.read() as session:
            found = await pipeline.stuck(session)
        return [
            StuckApplicationView(
                application_id=strawberry.ID(str(s.application_id)),
                receipt_number=s.receipt_number,
                status=s.status,
                reason=s.reason,
                since=s.since,
            )
            for s in found
        ]
