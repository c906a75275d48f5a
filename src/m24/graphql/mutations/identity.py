"""Onboarding and delegation mutations, specialist profile and offerings."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.mutations.running import error, in_transaction
from m24.graphql.permissions import Authenticated
from m24.graphql.types.common import BigInt
from m24.graphql.types.company import Offering
from m24.graphql.types.private import AgencyMember, CompanyMember, MutationError, PrivateCompany
from m24.integrations.errors import IntegrationError
from m24.integrations.nts import NtsClient
from m24.kit.errors import AppError, ErrorCode, ValidationFailed
from m24.portal.companies import service as companies
from m24.portal.companies.schemas import RegisterCompany
from m24.portal.people import service as people
from m24.portal.people.models import AgencyMembership, CompanyMembership, Person
from m24.portal.specialists import service as offerings


@strawberry.input(description="회사 등록 (대표자 본인).")
class RegisterCompanyInput:
    business_number: str
    name: str
    representative_name: str
    ksic_code: str
    region: str
    size_class: str
    employees: int
    maturity_level: str = "none"
    founded_on: date | None = None
    address: str | None = None


@strawberry.input
class CompanyProfileInput:
    description: str | None = None
    homepage: str | None = None
    is_listed: bool | None = None
    employees: int | None = None
    maturity_level: str | None = None
    certifications: list[str] | None = strawberry.field(
        default=None, description="Specialist firms: certifications held (replaces the list)."
    )


@strawberry.input
class OfferingInput:
    kind: str
    title: str
    summary: str
    price_model: str
    monthly_price_krw: BigInt | None = None
    industries: list[str] = strawberry.field(default_factory=list)
    regions: list[str] = strawberry.field(default_factory=list)

    def to_domain(self) -> offerings.OfferingInput:
        return offerings.OfferingInput(
            kind=self.kind,
            title=self.title,
            summary=self.summary,
            price_model=self.price_model,
            monthly_price_krw=int(self.monthly_price_krw) if self.monthly_price_krw is not None else None,
            industries=tuple(self.industries),
            regions=tuple(self.regions),
        )


@strawberry.type
class CompanyPayload:
    company: PrivateCompany | None
    errors: list[MutationError]


@strawberry.type
class CompanyMemberPayload:
    member: CompanyMember | None
    errors: list[MutationError]


@strawberry.type
class AgencyMemberPayload:
    member: AgencyMember | None
    errors: list[MutationError]


@strawberry.type
class InvitationPayload:
    accepted: bool
    errors: list[MutationError]


@strawberry.type
class OfferingPayload:
    offering: Offering | None
    errors: list[MutationError]


async def _company_member(session: AsyncSession, membership: CompanyMembership) -> CompanyMember:
    person = await session.get(Person, membership.person_id)
    assert person is not None
    return CompanyMember.of(membership, person)


async def _agency_member(session: AsyncSession, membership: AgencyMembership) -> AgencyMember:
    person = await session.get(Person, membership.person_id)
    assert person is not None
    return AgencyMember.of(membership, person)


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Register (or claim) the company you represent; the NTS must report it active.",
    )
    async def register_company(self, info: Info[Context, None], input: RegisterCompanyInput) -> CompanyPayload:
        try:
            command = RegisterCompany.parse(
                business_number=input.business_number,
                name=input.name,
                representative_name=input.representative_name,
                ksic_code=input.ksic_code,
                region=input.region,
                size_class=input.size_class,
                employees=input.employees,
                maturity_level=input.maturity_level,
                founded_on=input.founded_on,
                address=input.address,
            )
        except AppError as err:
            return CompanyPayload(company=None, errors=error(err))
        settings = info.context.settings
        # The outside call happens before the transaction opens: no locks held while waiting on NTS.
        try:
            async with NtsClient.configured(settings) as nts:
                nts_state = await nts.state_of(command.business_number)
        except IntegrationError:
            unavailable = ValidationFailed(
                ErrorCode.EXTERNAL_UNAVAILABLE,
                "businessNumber: 국세청 사업자 상태 조회가 일시적으로 불가능합니다. 잠시 후 다시 시도하세요.",
                field="businessNumber",
            )
            return CompanyPayload(company=None, errors=error(unavailable))
        state = companies.BusinessState.from_nts(nts_state)

        async def work(session: AsyncSession) -> PrivateCompany:
            done = await companies.onboard_company(session, info.context.principal, command, state, info.context.meta)
            return PrivateCompany.from_private(done.company)

        company, errors = await in_transaction(info, work)
        return CompanyPayload(company=company, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Edit your company's public profile.")
    async def update_company_profile(
        self, info: Info[Context, None], company_id: strawberry.ID, input: CompanyProfileInput
    ) -> CompanyPayload:
        change = companies.ProfileChange(
            description=input.description,
            homepage=input.homepage,
            is_listed=input.is_listed,
            employees=input.employees,
            maturity_level=input.maturity_level,
            certifications=tuple(input.certifications) if input.certifications is not None else None,
        )

        async def work(session: AsyncSession) -> PrivateCompany:
            company = await companies.update_profile(
                session, info.context.principal, parse_id(company_id, field="companyId"), change, info.context.meta
            )
            return PrivateCompany.from_private(company)

        company, errors = await in_transaction(info, work)
        return CompanyPayload(company=company, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Representative: invite a staff member.")
    async def invite_company_member(
        self, info: Info[Context, None], company_id: strawberry.ID, email: str, name: str
    ) -> CompanyMemberPayload:
        async def work(session: AsyncSession) -> CompanyMember:
            membership = await people.invite_company_member(
                session, info.context.principal, parse_id(company_id, field="companyId"), email, name, info.context.meta
            )
            return await _company_member(session, membership)

        member, errors = await in_transaction(info, work)
        return CompanyMemberPayload(member=member, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Representative: revoke a staff member.")
    async def revoke_company_member(
        self, info: Info[Context, None], membership_id: strawberry.ID
    ) -> CompanyMemberPayload:
        async def work(session: AsyncSession) -> CompanyMember:
            membership = await people.revoke_company_member(
                session, info.context.principal, parse_id(membership_id, field="membershipId"), info.context.meta
            )
            return await _company_member(session, membership)

        member, errors = await in_transaction(info, work)
        return CompanyMemberPayload(member=member, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Accept an invitation addressed to you.")
    async def accept_invitation(self, info: Info[Context, None], membership_id: strawberry.ID) -> InvitationPayload:
        async def work(session: AsyncSession) -> bool:
            await people.accept_invitation(
                session, info.context.principal, parse_id(membership_id, field="membershipId"), info.context.meta
            )
            return True

        accepted, errors = await in_transaction(info, work)
        return InvitationPayload(accepted=bool(accepted), errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Agency admin: invite agency staff.")
    async def invite_agency_member(
        self, info: Info[Context, None], agency_id: strawberry.ID, email: str, name: str, role: str
    ) -> AgencyMemberPayload:
        async def work(session: AsyncSession) -> AgencyMember:
            membership = await people.invite_agency_member(
                session,
                info.context.principal,
                parse_id(agency_id, field="agencyId"),
                email,
                name,
                role,
                info.context.meta,
            )
            return await _agency_member(session, membership)

        member, errors = await in_transaction(info, work)
        return AgencyMemberPayload(member=member, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Agency admin: revoke agency staff.")
    async def revoke_agency_member(
        self, info: Info[Context, None], membership_id: strawberry.ID
    ) -> AgencyMemberPayload:
        async def work(session: AsyncSession) -> AgencyMember:
            membership = await people.revoke_agency_member(
                session, info.context.principal, parse_id(membership_id, field="membershipId"), info.context.meta
            )
            return await _agency_member(session, membership)

        member, errors = await in_transaction(info, work)
        return AgencyMemberPayload(member=member, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Specialist firm: add an offering.")
    async def create_offering(
        self, info: Info[Context, None], company_id: strawberry.ID, input: OfferingInput
    ) -> OfferingPayload:
        async def work(session: AsyncSession) -> Offering:
            row = await offerings.create_offering(
                session,
                info.context.principal,
                parse_id(company_id, field="companyId"),
                input.to_domain(),
                info.context.meta,
            )
            return Offering.from_model(row)

        offering, errors = await in_transaction(info, work)
        return OfferingPayload(offering=offering, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Specialist firm: change an offering.")
    async def update_offering(
        self, info: Info[Context, None], id: strawberry.ID, input: OfferingInput
    ) -> OfferingPayload:
        async def work(session: AsyncSession) -> Offering:
            row = await offerings.update_offering(
                session, info.context.principal, parse_id(id), input.to_domain(), info.context.meta
            )
            return Offering.from_model(row)

        offering, errors = await in_transaction(info, work)
        return OfferingPayload(offering=offering, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Specialist firm: withdraw an offering.")
    async def delete_offering(self, info: Info[Context, None], id: strawberry.ID) -> OfferingPayload:
        async def work(session: AsyncSession) -> Offering:
            row = await offerings.delete_offering(session, info.context.principal, parse_id(id), info.context.meta)
            return Offering.from_model(row)

        offering, errors = await in_transaction(info, work)
        return OfferingPayload(offering=offering, errors=errors)
