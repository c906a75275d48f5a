"""Types only members (or routed agency staff) see: private company data, people, applications."""

from __future__ import annotations

import strawberry

from m24.graphql.types.company import Company
from m24.kit import brn
from m24.portal.agencies.models import Agency as AgencyModel
from m24.portal.companies.models import Company as CompanyModel
from m24.portal.people.models import AgencyMembership as AgencyMembershipModel
from m24.portal.people.models import CompanyMembership as CompanyMembershipModel
from m24.portal.people.models import Person as PersonModel


@strawberry.type(description="A mutation's expected failure: stable code, the field at fault, a Korean message.")
class MutationError:
    field: str | None
    code: str
    message: str


@strawberry.type(description="A company as its own members see it.")
class PrivateCompany(Company):
    business_number: str
    representative_name: str
    employees: int
    address: str | None
    is_listed: bool

    @staticmethod
    def from_private(model: CompanyModel) -> PrivateCompany:
        return PrivateCompany.from_model(
            model,
            business_number=brn.format_number(model.business_number),
            representative_name=model.representative_name,
            employees=model.employees,
            address=model.address,
            is_listed=model.is_listed,
        )


@strawberry.type(description="A company member (personal data: visible to the company and audited for admins).")
class CompanyMember:
    membership_id: strawberry.ID
    person_id: strawberry.ID
    company_id: strawberry.ID
    name: str
    email: str
    role: str
    status: str

    @staticmethod
    def of(membership: CompanyMembershipModel, person: PersonModel) -> CompanyMember:
        return CompanyMember(
            membership_id=strawberry.ID(str(membership.id)),
            person_id=strawberry.ID(str(person.id)),
            company_id=strawberry.ID(str(membership.company_id)),
            name=person.name,
            email=person.email,
            role=membership.role.value,
            status=membership.status.value,
        )


@strawberry.type(description="An agency staff member.")
class AgencyMember:
    membership_id: strawberry.ID
    person_id: strawberry.ID
    agency_id: strawberry.ID
    name: str
    email: str
    role: str
    status: str

    @staticmethod
    def of(membership: AgencyMembershipModel, person: PersonModel) -> AgencyMember:
        return AgencyMember(
            membership_id=strawberry.ID(str(membership.id)),
            person_id=strawberry.ID(str(person.id)),
            agency_id=strawberry.ID(str(membership.agency_id)),
            name=person.name,
            email=person.email,
            role=membership.role.value,
            status=membership.status.value,
        )


@strawberry.type(description="A pending invitation to a company or an agency.")
class Invitation:
    membership_id: strawberry.ID
    kind: str
    organization_id: strawberry.ID
    organization_name: str
    role: str


def invitation_of(
    membership: CompanyMembershipModel | AgencyMembershipModel, org: CompanyModel | AgencyModel
) -> Invitation:
    return Invitation(
        membership_id=strawberry.ID(str(membership.id)),
        kind="company" if isinstance(membership, CompanyMembershipModel) else "agency",
        organization_id=strawberry.ID(str(org.id)),
        organization_name=org.name,
        role=membership.role.value,
    )
