from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.types.agency import Agency
from m24.graphql.types.common import BigInt, Industry, Region
from m24.portal.funding.forms import scoring_form, standard_form
from m24.portal.funding.models import CallStatus as CallStatusModel
from m24.portal.funding.models import FundingProgram as ProgramModel
from m24.portal.funding.repository import call_status

CallStatusEnum = strawberry.enum(
    CallStatusModel, name="CallStatus", description="공고 상태: 접수 예정 · 접수 중 · 마감"
)

STATUS_LABELS = {CallStatusModel.UPCOMING: "접수 예정", CallStatusModel.OPEN: "접수 중", CallStatusModel.CLOSED: "마감"}

KIND_LABELS = {
    "ai_factory_basic": "AI 스마트공장 구축 (기초)",
    "ai_factory_advanced": "AI 스마트공장 구축 (고도화)",
    "win_win": "상생형 AI 공장",
    "subscription": "구독형 스마트공장",
    "robot": "제조로봇 도입 지원",
    "micro": "소공인 스마트제조 지원",
    "consulting": "컨설팅",
    "data": "제조 데이터 활용",
}


@strawberry.type(description="A stage of a program (사전 컨설팅 → … → 정산).")
class ProgramStage:
    position: int
    kind: str
    name: str
    starts_at: datetime | None
    ends_at: datetime | None


@strawberry.type(description="An agency's part in a program (소관, 수행, 지역 검토, 상생 공동승인).")
class ProgramAgencyRole:
    role: str
    agency: Agency


@strawberry.type(description="The published eligibility rules (stored as data, versioned).")
class EligibilityRules:
    version: int
    rules: JSON


@strawberry.type(description="지원사업 공고 (a funding call).")
class FundingProgram:
    id: strawberry.ID
    code: str
    title: str
    summary: str
    kind: str
    kind_label: str
    year: int
    application_starts_at: datetime
    application_ends_at: datetime
    budget_krw: BigInt
    max_award_krw: BigInt
    grants_designation: bool = strawberry.field(
        description="A 제조AI 전문기업 지정 call: approval designates the applicant instead of granting money."
    )
    target_awards: int
    government_share_pct: int
    company_share_pct: int
    notice_url: str | None
    application_count: int
    status: CallStatusEnum  # type: ignore[valid-type]
    status_label: str
    _id: strawberry.Private[uuid.UUID]
    _owner_id: strawberry.Private[uuid.UUID]
    _operator_id: strawberry.Private[uuid.UUID]
    _form_schema: strawberry.Private[dict[str, Any]]
    _scoring_form: strawberry.Private[list[dict[str, Any]]]

    @strawberry.field(description="소관 기관 (owning agency).")
    async def owner_agency(self, info: Info[Context, None]) -> Agency | None:
        agency = await info.context.loaders.agency.load(self._owner_id)
        return Agency.from_model(agency) if agency else None

    @strawberry.field(description="수행 기관 (delivering agency).")
    async def operator_agency(self, info: Info[Context, None]) -> Agency | None:
        agency = await info.context.loaders.agency.load(self._operator_id)
        return Agency.from_model(agency) if agency else None

    @strawberry.field(description="Every agency taking part, with its role.")
    async def agencies(self, info: Info[Context, None]) -> list[ProgramAgencyRole]:
        pairs = await info.context.loaders.program_agencies.load(self._id)
        found = await info.context.loaders.agency.load_many([agency_id for agency_id, _ in pairs])
        return [
            ProgramAgencyRole(role=role, agency=Agency.from_model(agency))
            for (_, role), agency in zip(pairs, found, strict=True)
            if agency is not None
        ]

    @strawberry.field(description="Regions the call is open to; empty means nationwide (전국).")
    async def regions(self, info: Info[Context, None]) -> list[Region]:
        return [Region.of(code) for code in await info.context.loaders.program_regions.load(self._id)]

    @strawberry.field(description="Industries targeted; empty means all industries.")
    async def industries(self, info: Info[Context, None]) -> list[Industry]:
        return [Industry.of(code) for code in await info.context.loaders.program_industries.load(self._id)]

    @strawberry.field
    async def stages(self, info: Info[Context, None]) -> list[ProgramStage]:
        return [
            ProgramStage(position=s.position, kind=s.kind.value, name=s.name, starts_at=s.starts_at, ends_at=s.ends_at)
            for s in await info.context.loaders.program_stages.load(self._id)
        ]

    @strawberry.field(description="The application form (JSON Schema); fields carry Korean titles.")
    def form_schema(self) -> JSON:
        return cast(JSON, self._form_schema)

    @strawberry.field(description="The review scoring form: criteria with their maximum scores.")
    def scoring_form(self) -> JSON:
        return cast(JSON, self._scoring_form)

    @strawberry.field
    async def eligibility_rules(self, info: Info[Context, None]) -> EligibilityRules | None:
        rule_set = await info.context.loaders.program_rules.load(self._id)
        if rule_set is None:
            return None
        rules: Any = rule_set.rules
        return EligibilityRules(version=rule_set.version, rules=rules)

    @staticmethod
    def from_model(model: ProgramModel, now: datetime | None = None) -> FundingProgram:
        status = call_status(model, now)
        return FundingProgram(
            id=strawberry.ID(str(model.id)),
            code=model.code,
            title=model.title,
            summary=model.summary,
            kind=model.kind.value,
            kind_label=KIND_LABELS.get(model.kind.value, model.kind.value),
            year=model.year,
            application_starts_at=model.application_starts_at,
            application_ends_at=model.application_ends_at,
            budget_krw=BigInt(model.budget_krw),
            max_award_krw=BigInt(model.max_award_krw),
            grants_designation=model.grants_designation,
            target_awards=model.target_awards,
            government_share_pct=model.government_share_pct,
            company_share_pct=model.company_share_pct,
            notice_url=model.notice_url,
            application_count=model.application_count,
            status=status,
            status_label=STATUS_LABELS[status],
            _id=model.id,
            _owner_id=model.owner_agency_id,
            _operator_id=model.operator_agency_id,
            _form_schema=model.form_schema or standard_form(model.kind.value),
            _scoring_form=scoring_form(model.scoring_form),
        )
