"""Reads for logged-in people, scoped to what each may see (404-style null outside the scope)."""

from __future__ import annotations

import sqlalchemy as sa
import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.paging import page_of
from m24.graphql.permissions import Authenticated
from m24.graphql.types.common import Connection
from m24.graphql.types.funding import FundingApplicationView
from m24.graphql.types.private import (
    AgencyMember,
    CompanyMember,
    Invitation,
    PrivateCompany,
    invitation_of,
)
from m24.kit.errors import NotFound
from m24.portal.agencies.models import Agency
from m24.portal.companies import policies
from m24.portal.companies.models import Company
from m24.portal.companies.service import load_company
from m24.portal.funding import applications
from m24.portal.people import service as people
from m24.portal.people.models import AgencyMembership, CompanyMembership, MembershipStatus


@strawberry.type
class PrivateQueries:
    @strawberry.field(
        permission_classes=[Authenticated], description="A company's private profile; null unless you belong to it."
    )
    async def my_company(self, info: Info[Context, None], id: strawberry.ID) -> PrivateCompany | None:
        company_id = parse_id(id)
        if not policies.can_view_private(info.context.principal, company_id):
            return None
        async with info.context.db.read() as session:
            company = await load_company(session, company_id)
        return PrivateCompany.from_private(company) if company else None

    @strawberry.field(permission_classes=[Authenticated], description="Members of a company you belong to.")
    async def company_members(self, info: Info[Context, None], company_id: strawberry.ID) -> list[CompanyMember]:
        cid = parse_id(company_id, field="companyId")
        try:
            async with info.context.db.write() as session:  # admins' reads leave an access record
                rows = await people.company_members(session, info.context.principal, cid, info.context.meta)
                return [CompanyMember.of(m, p) for m, p in rows]
        except NotFound:
            return []

    @strawberry.field(permission_classes=[Authenticated], description="Staff of an agency you belong to.")
    async def agency_members(self, info: Info[Context, None], agency_id: strawberry.ID) -> list[AgencyMember]:
        aid = parse_id(agency_id, field="agencyId")
        try:
            async with info.context.db.read() as session:
                rows = await people.agency_members(session, info.context.principal, aid)
        except NotFound:
            return []
        return [AgencyMember.of(m, p) for m, p in rows]

    @strawberry.field(permission_classes=[Authenticated], description="Invitations waiting for you to accept.")
    async def my_invitations(self, info: Info[Context, None]) -> list[Invitation]:
        person_id = info.context.principal.person_id
        async with info.context.db.read() as session:
            companies = (
                await session.execute(
                    sa.select(CompanyMembership, Company)
                    .join(Company, Company.id == CompanyMembership.company_id)
                    .where(
                        CompanyMembership.person_id == person_id, CompanyMembership.status == MembershipStatus.INVITED
                    )
                )
            ).all()
            agencies = (
                await session.execute(
                    sa.select(AgencyMembership, Agency)
                    .join(Agency, Agency.id == AgencyMembership.agency_id)
                    .where(AgencyMembership.person_id == person_id, AgencyMembership.status == MembershipStatus.INVITED)
                )
            ).all()
        return [invitation_of(m, c) for m, c in companies] + [invitation_of(m, a) for m, a in agencies]

    @strawberry.field(
        permission_classes=[Authenticated],
        description="Funding applications you may see: your company's, or those routed to your agency.",
    )
    async def funding_applications(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[FundingApplicationView]:
        page = page_of(info, first, after, applications.CURSOR_KIND)
        async with info.context.db.write() as session:  # reads of others' personal data are recorded
            result = await applications.list_applications(session, info.context.principal, page, info.context.meta)
        return Connection.of(
            result,
            applications.CURSOR_KIND,
            lambda row: applications.cursor_key(row[0]),
            lambda row: FundingApplicationView.of(row[0], row[1]),
        )

    @strawberry.field(permission_classes=[Authenticated], description="One application within your scope, or null.")
    async def funding_application(self, info: Info[Context, None], id: strawberry.ID) -> FundingApplicationView | None:
        application_id = parse_id(id)
        async with info.context.db.write() as session:
            row = await applications.get_application(session, info.context.principal, application_id, info.context.meta)
        return FundingApplicationView.of(*row) if row else None
