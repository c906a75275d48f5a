"""The access matrix: every persona × own / other / anonymous × every query and mutation that touches
private objects. Row scope is enforced on the object, not only by role; invisible objects answer as
if they did not exist (404 before 403)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.funding.models import (
    ApplicationStatus,
    FundingApplication,
    ProgramAgency,
    ProgramAgencyRole,
    RouteStep,
)
from m24.portal.people.models import AgencyMembership, CompanyMembership, CompanyRole, MembershipStatus, Person
from m24.portal.specialists.models import Offering, SpecialistReference
from tests.helpers import Api

PERSONAS = ["sme", "sme-staff", "specialist", "regional-reviewer", "central-approver", "admin", None]


@dataclass
class World:
    """Object ids as each persona sees them: their own, and someone else's."""

    demo_sme: str
    demo_specialist: str
    other_company: str
    other_specialist: str
    own_offering: str
    other_offering: str
    demo_staff_membership: str
    other_staff_membership: str
    gyeonggi_tp: str
    kosmo: str
    other_agency: str
    other_agency_membership: str
    own_reference: str
    other_reference: str
    #: a completed project of a company none of the personas belongs to
    other_completed_project: str
    #: (application id, ids of the applicant / supplier / sponsor companies, agency ids of its program)
    applications: list[tuple[str, set[str], set[str]]]

    def own_company(self, persona: str | None) -> str | None:
        return {"sme": self.demo_sme, "sme-staff": self.demo_sme, "specialist": self.demo_specialist}.get(persona or "")

    def own_agency(self, persona: str | None) -> str | None:
        return {"regional-reviewer": self.gyeonggi_tp, "central-approver": self.kosmo}.get(persona or "")


async def build_world(api: Api) -> World:
    async with api.db.read() as session:

        async def company_of(email: str) -> uuid.UUID:
            return (
                await session.scalars(
                    sa.select(CompanyMembership.company_id)
                    .join(Person, Person.id == CompanyMembership.person_id)
                    .where(Person.email == email, CompanyMembership.role == CompanyRole.REPRESENTATIVE)
                )
            ).one()

        demo_sme, demo_specialist = await company_of("sme@demo.m24.kr"), await company_of("specialist@demo.m24.kr")
        other_company = (
            await session.scalars(
                sa.select(Company.id)
                .join(CompanyMembership, CompanyMembership.company_id == Company.id)
                .where(
                    Company.is_specialist.is_(False),
                    Company.id != demo_sme,
                    CompanyMembership.role == CompanyRole.STAFF,
                    CompanyMembership.status == MembershipStatus.ACTIVE,
                )
                .order_by(Company.name)
                .limit(1)
            )
        ).one()
        other_specialist = (
            await session.scalars(
                sa.select(Company.id)
                .join(Offering, Offering.company_id == Company.id)
                .where(Company.is_specialist.is_(True), Company.id != demo_specialist)
                .limit(1)
            )
        ).one()

        async def offering_of(company_id: uuid.UUID) -> uuid.UUID:
            return (
                await session.scalars(sa.select(Offering.id).where(Offering.company_id == company_id).limit(1))
            ).one()

        async def staff_of(company_filter: Any) -> uuid.UUID:
            return (
                await session.scalars(
                    sa.select(CompanyMembership.id)
                    .where(company_filter, CompanyMembership.role == CompanyRole.STAFF)
                    .where(CompanyMembership.status == MembershipStatus.ACTIVE)
                    .limit(1)
                )
            ).one()

        agencies = {a.code: a.id for a in (await session.scalars(sa.select(Agency))).all()}
        other_agency = agencies["TP-BUSAN"]
        other_agency_membership = (
            await session.scalars(
                sa.select(AgencyMembership.id).where(AgencyMembership.agency_id == other_agency).limit(1)
            )
        ).one()
        apps = []
        for app_id, company_id, supplier_id, sponsor_id, program_id, status in (
            await session.execute(
                sa.select(
                    FundingApplication.id,
                    FundingApplication.company_id,
                    FundingApplication.supplier_company_id,
                    FundingApplication.sponsor_company_id,
                    FundingApplication.program_id,
                    FundingApplication.status,
                )
            )
        ).all():
            # Agency staff see submitted applications routed through their agency or of calls their
            # agency owns or operates; a draft is the applicant's alone.
            agency_ids: set[object] = set()
            if status != ApplicationStatus.DRAFT:
                agency_ids |= set(
                    (
                        await session.scalars(
                            sa.select(ProgramAgency.agency_id).where(
                                ProgramAgency.program_id == program_id,
                                ProgramAgency.role.in_([ProgramAgencyRole.OWNER, ProgramAgencyRole.OPERATOR]),
                            )
                        )
                    ).all()
                )
                agency_ids |= set(
                    (
                        await session.scalars(sa.select(RouteStep.agency_id).where(RouteStep.application_id == app_id))
                    ).all()
                )
            parties = {str(c) for c in (company_id, supplier_id, sponsor_id) if c is not None}
            apps.append((str(app_id), parties, {str(a) for a in agency_ids}))
        references = {}
        async with api.db.write() as writing:
            for company_id in (demo_specialist, other_specialist):
                reference = SpecialistReference(company_id=company_id, title="실적", client_name="고객사", year=2024)
                writing.add(reference)
                await writing.flush()
                references[company_id] = str(reference.id)
        completed = (
            await session.scalars(
                sa.select(FundingApplication.id)
                .where(
                    FundingApplication.status == ApplicationStatus.COMPLETED,
                    FundingApplication.supplier_company_id.is_not(None),
                    FundingApplication.company_id != demo_sme,
                    FundingApplication.supplier_company_id != demo_specialist,
                )
                .limit(1)
            )
        ).one()
        return World(
            own_reference=references[demo_specialist],
            other_reference=references[other_specialist],
            other_completed_project=str(completed),
            demo_sme=str(demo_sme),
            demo_specialist=str(demo_specialist),
            other_company=str(other_company),
            other_specialist=str(other_specialist),
            own_offering=str(await offering_of(demo_specialist)),
            other_offering=str(await offering_of(other_specialist)),
            demo_staff_membership=str(await staff_of(CompanyMembership.company_id == demo_sme)),
            other_staff_membership=str(await staff_of(CompanyMembership.company_id == other_company)),
            gyeonggi_tp=str(agencies["TP-GYEONGGI"]),
            kosmo=str(agencies["KOSMO"]),
            other_agency=str(other_agency),
            other_agency_membership=str(other_agency_membership),
            applications=apps,
        )


def outcome(body: dict[str, Any], field: str, entity: str | None = None) -> str:
    """ok / a mutation's error code / null / empty / UNAUTHENTICATED (top-level permission error)."""
    if body.get("errors"):
        return str(body["errors"][0].get("extensions", {}).get("code", "ERROR"))
    data = body["data"][field]
    if entity is not None:  # a mutation payload
        return data["errors"][0]["code"] if data["errors"] else "ok"
    if data is None:
        return "null"
    if data == []:
        return "empty"
    return "ok"


OFFERING = {
    "kind": "vision_inspection",
    "title": "AI 외관검사",
    "summary": "라인 카메라 기반 불량 검출",
    "priceModel": "quote",
}

Op = Callable[[Api, World, str | None, str], Awaitable[str]]


async def my_company(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql("query($id: ID!) { myCompany(id: $id) { businessNumber } }", {"id": target}, as_=p)
    return outcome(body, "myCompany")


async def company_members(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql("query($c: ID!) { companyMembers(companyId: $c) { email } }", {"c": target}, as_=p)
    return outcome(body, "companyMembers")


async def agency_members(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql("query($a: ID!) { agencyMembers(agencyId: $a) { email } }", {"a": target}, as_=p)
    return outcome(body, "agencyMembers")


async def update_profile(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        'mutation($c: ID!) { updateCompanyProfile(companyId: $c, input: {description: "변경"}) { errors { code } } }',
        {"c": target},
        as_=p,
    )
    return outcome(body, "updateCompanyProfile", "company")


async def invite_member(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        'mutation($c: ID!) { inviteCompanyMember(companyId: $c, email: "x.matrix@example.kr", name: "매트릭스") '
        "{ errors { code } } }",
        {"c": target},
        as_=p,
    )
    return outcome(body, "inviteCompanyMember", "member")


async def revoke_member(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        "mutation($m: ID!) { revokeCompanyMember(membershipId: $m) { errors { code } } }", {"m": target}, as_=p
    )
    return outcome(body, "revokeCompanyMember", "member")


async def invite_agency(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        'mutation($a: ID!) { inviteAgencyMember(agencyId: $a, email: "y.matrix@example.kr", name: "심사위원", '
        'role: "reviewer") { errors { code } } }',
        {"a": target},
        as_=p,
    )
    return outcome(body, "inviteAgencyMember", "member")


async def revoke_agency(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        "mutation($m: ID!) { revokeAgencyMember(membershipId: $m) { errors { code } } }", {"m": target}, as_=p
    )
    return outcome(body, "revokeAgencyMember", "member")


async def create_offering(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        "mutation($c: ID!, $i: OfferingInput!) { createOffering(companyId: $c, input: $i) { errors { code } } }",
        {"c": target, "i": OFFERING},
        as_=p,
    )
    return outcome(body, "createOffering", "offering")


async def update_offering(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        "mutation($o: ID!, $i: OfferingInput!) { updateOffering(id: $o, input: $i) { errors { code } } }",
        {"o": target, "i": OFFERING},
        as_=p,
    )
    return outcome(body, "updateOffering", "offering")


async def add_reference(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        "mutation($c: ID!) { addSpecialistReference(companyId: $c, input: "
        '{title: "비전검사 구축", clientName: "고객사", year: 2024}) { errors { code } } }',
        {"c": target},
        as_=p,
    )
    return outcome(body, "addSpecialistReference", "reference")


async def remove_reference(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        "mutation($r: ID!) { removeSpecialistReference(id: $r) { errors { code } } }", {"r": target}, as_=p
    )
    return outcome(body, "removeSpecialistReference", "reference")


async def rate_supplier(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql(
        "mutation($a: ID!) { rateSupplier(applicationId: $a, score: 5) { errors { code } } }", {"a": target}, as_=p
    )
    return outcome(body, "rateSupplier", "rating")


async def delete_offering(api: Api, w: World, p: str | None, target: str) -> str:
    body = await api.gql("mutation($o: ID!) { deleteOffering(id: $o) { errors { code } } }", {"o": target}, as_=p)
    return outcome(body, "deleteOffering", "offering")


U = "UNAUTHENTICATED"
NF = "NOT_FOUND"
FB = "FORBIDDEN"

# operation → (target picker for "own", target picker for "other", expected per persona: (own, other))
MATRIX: dict[
    str,
    tuple[
        Op, Callable[[World, str | None], str | None], Callable[[World], str], dict[str | None, tuple[str | None, str]]
    ],
] = {
    "myCompany": (
        my_company,
        lambda w, p: w.own_company(p),
        lambda w: w.other_company,
        {
            "sme": ("ok", "null"),
            "sme-staff": ("ok", "null"),
            "specialist": ("ok", "null"),
            "regional-reviewer": (None, "null"),
            "central-approver": (None, "null"),
            "admin": (None, "ok"),
            None: (None, U),
        },
    ),
    "companyMembers": (
        company_members,
        lambda w, p: w.own_company(p),
        lambda w: w.other_company,
        {
            "sme": ("ok", "empty"),
            "sme-staff": ("ok", "empty"),
            "specialist": ("ok", "empty"),
            "regional-reviewer": (None, "empty"),
            "central-approver": (None, "empty"),
            "admin": (None, "ok"),
            None: (None, U),
        },
    ),
    "agencyMembers": (
        agency_members,
        lambda w, p: w.own_agency(p),
        lambda w: w.other_agency,
        {
            "sme": (None, "empty"),
            "sme-staff": (None, "empty"),
            "specialist": (None, "empty"),
            "regional-reviewer": ("ok", "empty"),
            "central-approver": ("ok", "empty"),
            "admin": (None, "ok"),
            None: (None, U),
        },
    ),
    "updateCompanyProfile": (
        update_profile,
        lambda w, p: w.own_company(p),
        lambda w: w.other_company,
        {
            "sme": ("ok", NF),
            "sme-staff": (FB, NF),
            "specialist": ("ok", NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, NF),
            None: (None, U),
        },
    ),
    "inviteCompanyMember": (
        invite_member,
        lambda w, p: w.own_company(p),
        lambda w: w.other_company,
        {
            "sme": ("ok", NF),
            "sme-staff": (FB, NF),
            "specialist": ("ok", NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, FB),
            None: (None, U),
        },
    ),
    "revokeCompanyMember": (
        revoke_member,
        lambda w, p: w.demo_staff_membership if p in ("sme", "sme-staff") else None,
        lambda w: w.other_staff_membership,
        {
            "sme": ("ok", NF),
            "sme-staff": (FB, NF),
            "specialist": (None, NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, FB),
            None: (None, U),
        },
    ),
    "inviteAgencyMember": (
        invite_agency,
        lambda w, p: w.own_agency(p),
        lambda w: w.other_agency,
        {
            "sme": (None, NF),
            "sme-staff": (None, NF),
            "specialist": (None, NF),
            "regional-reviewer": (FB, NF),
            "central-approver": (FB, NF),
            "admin": (None, "ok"),
            None: (None, U),
        },
    ),
    "revokeAgencyMember": (
        revoke_agency,
        lambda w, p: None,
        lambda w: w.other_agency_membership,
        {
            "sme": (None, NF),
            "sme-staff": (None, NF),
            "specialist": (None, NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, "ok"),
            None: (None, U),
        },
    ),
    "createOffering": (
        create_offering,
        lambda w, p: w.own_company(p),
        lambda w: w.other_specialist,
        {
            "sme": (FB, NF),
            "sme-staff": (FB, NF),
            "specialist": ("ok", NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, NF),
            None: (None, U),
        },
    ),
    "updateOffering": (
        update_offering,
        lambda w, p: w.own_offering if p == "specialist" else None,
        lambda w: w.other_offering,
        {
            "sme": (None, NF),
            "sme-staff": (None, NF),
            "specialist": ("ok", NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, NF),
            None: (None, U),
        },
    ),
    "addSpecialistReference": (
        add_reference,
        lambda w, p: w.own_company(p),
        lambda w: w.other_specialist,
        {
            "sme": (FB, NF),
            "sme-staff": (FB, NF),
            "specialist": ("ok", NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, NF),
            None: (None, U),
        },
    ),
    "removeSpecialistReference": (
        remove_reference,
        lambda w, p: w.own_reference if p == "specialist" else None,
        lambda w: w.other_reference,
        {
            "sme": (None, NF),
            "sme-staff": (None, NF),
            "specialist": ("ok", NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, NF),
            None: (None, U),
        },
    ),
    "rateSupplier": (
        rate_supplier,
        lambda w, p: None,
        lambda w: w.other_completed_project,
        {
            "sme": (None, NF),
            "sme-staff": (None, NF),
            "specialist": (None, NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, NF),
            None: (None, U),
        },
    ),
    "deleteOffering": (
        delete_offering,
        lambda w, p: w.own_offering if p == "specialist" else None,
        lambda w: w.other_offering,
        {
            "sme": (None, NF),
            "sme-staff": (None, NF),
            "specialist": ("ok", NF),
            "regional-reviewer": (None, NF),
            "central-approver": (None, NF),
            "admin": (None, NF),
            None: (None, U),
        },
    ),
}


@pytest.mark.parametrize("operation", sorted(MATRIX))
async def test_access_matrix(api: Api, operation: str) -> None:
    op, own_of, other_of, expected = MATRIX[operation]
    world = await build_world(api)
    seen: dict[str | None, tuple[str | None, str]] = {}
    # "other" first, and personas whose own change succeeds last, so that a successful change (say, a
    # revoked membership) cannot hide what another persona would have been allowed to do.
    for persona in sorted(PERSONAS, key=lambda p: expected[p][0] == "ok"):
        other = await op(api, world, persona, other_of(world))
        own_target = own_of(world, persona)
        own = await op(api, world, persona, own_target) if own_target else None
        seen[persona] = (own, other)
    assert seen == expected


def _in_scope(world: World, persona: str | None, parties: set[str], agency_ids: set[str]) -> bool:
    """Applicant, supplier or sponsor company of the persona, or routed to the persona's agency."""
    if persona == "admin":
        return True
    own_company, own_agency = world.own_company(persona), world.own_agency(persona)
    return own_company in parties or (own_agency is not None and own_agency in agency_ids)


@pytest.mark.parametrize("persona", PERSONAS)
async def test_applications_are_scoped_to_company_and_routed_agency(api: Api, persona: str | None) -> None:
    world = await build_world(api)
    body = await api.gql("{ fundingApplications(first: 100) { totalCount edges { node { id } } } }", as_=persona)
    if persona is None:
        assert body["errors"][0]["extensions"]["code"] == U
        return
    seen = {e["node"]["id"] for e in body["data"]["fundingApplications"]["edges"]}
    expected = {a for a, parties, agencies in world.applications if _in_scope(world, persona, parties, agencies)}
    assert seen == expected
    assert body["data"]["fundingApplications"]["totalCount"] == len(expected)
    outside = [a for a, parties, agencies in world.applications if not _in_scope(world, persona, parties, agencies)]
    for application_id in outside[:3]:
        single = await api.gql(
            "query($id: ID!) { fundingApplication(id: $id) { id } }", {"id": application_id}, as_=persona
        )
        assert single["data"]["fundingApplication"] is None, "out of scope reads as not found"
    for application_id in sorted(expected)[:3]:
        single = await api.gql(
            "query($id: ID!) { fundingApplication(id: $id) { id } }", {"id": application_id}, as_=persona
        )
        assert single["data"]["fundingApplication"]["id"] == application_id
