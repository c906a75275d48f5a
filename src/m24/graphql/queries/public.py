"""Public reads: agencies, funding calls, company profiles, and `me`."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.paging import page_of
from m24.graphql.permissions import Public
from m24.graphql.types.agency import Agency, AgencyTier
from m24.graphql.types.common import Connection
from m24.graphql.types.company import Company
from m24.graphql.types.me import AgencyMembershipRef, Me, MembershipRef
from m24.graphql.types.program import CallStatusEnum, FundingProgram
from m24.kit import brn
from m24.kit.db import utcnow
from m24.portal.agencies import repository as agencies_repo
from m24.portal.companies import repository as companies_repo
from m24.portal.funding import repository as funding_repo
from m24.portal.reference.ksic import parse_ksic
from m24.portal.reference.regions import parse_region
from m24.portal.text_filter import clean_text


@strawberry.type(description="A 사업자등록번호 that passed the format and check-digit test.")
class BusinessNumberCheck:
    digits: str
    formatted: str


@strawberry.type
class PublicQueries:
    @strawberry.field(permission_classes=[Public], description="Every agency: central, regional, private.")
    async def agencies(
        self,
        info: Info[Context, None],
        tier: AgencyTier | None = None,  # type: ignore[valid-type]
        region: str | None = None,
    ) -> list[Agency]:
        region_code = parse_region(region).code if region is not None else None
        async with info.context.db.read() as session:
            rows = await agencies_repo.list_agencies(session, tier=tier, region=region_code)
        return [Agency.from_model(row) for row in rows]

    @strawberry.field(
        permission_classes=[Public],
        description="Published funding calls, closing soonest first. `first` is capped at 100.",
    )
    async def funding_programs(
        self,
        info: Info[Context, None],
        status: CallStatusEnum | None = None,  # type: ignore[valid-type]
        region: str | None = None,
        industry: str | None = None,
        text: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[FundingProgram]:
        flt = funding_repo.ProgramFilter(
            status=status,
            region=parse_region(region).code if region is not None else None,
            industry=parse_ksic(industry) if industry is not None else None,
            text=clean_text(text),
        )
        page = page_of(info, first, after, funding_repo.CURSOR_KIND)
        now = utcnow()
        async with info.context.db.read() as session:
            result = await funding_repo.list_programs(session, flt, page, now=now)
        return Connection.of(
            result, funding_repo.CURSOR_KIND, funding_repo.cursor_key, lambda row: FundingProgram.from_model(row, now)
        )

    @strawberry.field(permission_classes=[Public], description="One published call, or null.")
    async def funding_program(self, info: Info[Context, None], id: strawberry.ID) -> FundingProgram | None:
        program_id = parse_id(id)
        async with info.context.db.read() as session:
            row = await funding_repo.get_program(session, program_id)
        return FundingProgram.from_model(row) if row else None

    @strawberry.field(permission_classes=[Public], description="Public company profiles, by name.")
    async def companies(
        self,
        info: Info[Context, None],
        region: str | None = None,
        industry: str | None = None,
        text: str | None = None,
        specialists_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Company]:
        flt = companies_repo.CompanyFilter(
            region=parse_region(region).code if region is not None else None,
            industry=parse_ksic(industry) if industry is not None else None,
            text=clean_text(text),
            specialists_only=specialists_only,
        )
        page = page_of(info, first, after, companies_repo.CURSOR_KIND)
        async with info.context.db.read() as session:
            result = await companies_repo.list_public_companies(session, flt, page)
        return Connection.of(result, companies_repo.CURSOR_KIND, companies_repo.cursor_key, Company.from_model)

    @strawberry.field(permission_classes=[Public], description="One public company profile, or null.")
    async def company(self, info: Info[Context, None], id: strawberry.ID) -> Company | None:
        company_id = parse_id(id)
        async with info.context.db.read() as session:
            row = await companies_repo.get_public_company(session, company_id)
        return Company.from_model(row) if row else None

    @strawberry.field(
        permission_classes=[Public],
        description="Check a 사업자등록번호's format and check digit (not whether it is registered with NTS).",
    )
    def check_business_number(self, number: str) -> BusinessNumberCheck:
        digits = brn.normalize(number, field="number")
        return BusinessNumberCheck(digits=digits, formatted=brn.format_number(digits))

    @strawberry.field(permission_classes=[Public], description="The logged-in person; null when anonymous.")
    def me(self, info: Info[Context, None]) -> Me | None:
        principal = info.context.principal
        if principal.person_id is None:
            return None
        return Me(
            id=strawberry.ID(str(principal.person_id)),
            name=principal.name,
            email=principal.email,
            roles=sorted(principal.roles),
            companies=[
                MembershipRef(id=strawberry.ID(str(m.company_id)), name=m.company_name, role=m.role)
                for m in principal.companies
            ],
            agencies=[
                AgencyMembershipRef(
                    id=strawberry.ID(str(m.agency_id)), name=m.agency_name, role=m.role, tier=m.tier, region=m.region
                )
                for m in principal.agencies
            ],
        )
