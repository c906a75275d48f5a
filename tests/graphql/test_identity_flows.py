"""Onboarding and delegation through GraphQL, as the people who do them (dev-issuer tokens), against
the NTS simulator over real HTTP. Expected failures come back as coded errors and change nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from m24.integrations.nts.simulator import ACTIVE_NUMBER, CLOSED_NUMBER, SUSPENDED_NUMBER, UNREGISTERED_NUMBER
from m24.kit import brn
from m24.portal.audit.models import AuditEntry
from m24.portal.companies.models import Company
from m24.portal.notifications.models import Notification
from m24.portal.people.models import CompanyMembership, Person
from tests.helpers import Api

ME = "{ me { id name email roles companies { id name role } agencies { id name role tier region } } }"

REGISTER = """
mutation($input: RegisterCompanyInput!) {
  registerCompany(input: $input) { company { id name businessNumber region { code } } errors { field code message } }
}
"""


def register_input(number: str, **overrides: Any) -> dict[str, Any]:
    values = {
        "businessNumber": brn.format_number(number),
        "name": "(주)새한정밀",
        "representativeName": "김새한",
        "ksicCode": "29221",
        "region": "경남",
        "sizeClass": "small",
        "employees": 18,
    }
    values.update(overrides)
    return values


async def _count(api: Api, model: Any) -> int:
    async with api.db.read() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


async def test_me_shows_roles_and_memberships_per_persona(api: Api) -> None:
    assert (await api.gql(ME))["data"]["me"] is None
    sme = (await api.gql(ME, as_="sme"))["data"]["me"]
    assert sme["email"] == "sme@demo.m24.kr" and sme["name"] == "박정호"
    assert sme["roles"] == ["sme_representative"]
    assert [(c["name"], c["role"]) for c in sme["companies"]] == [("(주)한빛정밀", "representative")]
    reviewer = (await api.gql(ME, as_="regional-reviewer"))["data"]["me"]
    assert reviewer["agencies"][0]["name"] == "경기테크노파크"
    assert reviewer["agencies"][0]["tier"] == "regional" and reviewer["agencies"][0]["region"] == "GYEONGGI"
    assert "agency_reviewer" in reviewer["roles"]
    admin = (await api.gql(ME, as_="admin"))["data"]["me"]
    assert "platform_admin" in admin["roles"]


async def test_new_person_registers_an_active_company(api: Api) -> None:
    newcomer = "founder@saehan.example.kr"
    body = await api.gql(REGISTER, {"input": register_input(ACTIVE_NUMBER)}, as_=newcomer)
    payload = body["data"]["registerCompany"]
    assert payload["errors"] == [], payload
    assert payload["company"]["businessNumber"] == brn.format_number(ACTIVE_NUMBER)
    me = (await api.gql(ME, as_=newcomer))["data"]["me"]
    assert [(c["name"], c["role"]) for c in me["companies"]] == [("(주)새한정밀", "representative")]
    async with api.db.read() as session:
        audit = (await session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "company.onboarded"))).all()
        about_company = (
            await session.scalars(
                sa.select(AuditEntry.action).where(AuditEntry.object_id == sa.cast(payload["company"]["id"], sa.Uuid))
            )
        ).all()
    assert about_company == ["company.onboarded"], "one audit row per action"
    assert len(audit) == 1 and str(audit[0].acting_company_id) == payload["company"]["id"]
    assert audit[0].actor_person_id is not None and audit[0].details["business_state"] == "active"


async def test_nts_refusals_write_nothing(api: Api) -> None:
    companies, members = await _count(api, Company), await _count(api, CompanyMembership)
    for number, code in (
        (SUSPENDED_NUMBER, "BUSINESS_SUSPENDED"),
        (CLOSED_NUMBER, "BUSINESS_CLOSED"),
        (UNREGISTERED_NUMBER, "BUSINESS_UNREGISTERED"),
    ):
        body = await api.gql(REGISTER, {"input": register_input(number)}, as_="newbie@example.kr")
        payload = body["data"]["registerCompany"]
        assert payload["company"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("businessNumber", code)]
    bad = await api.gql(REGISTER, {"input": register_input(ACTIVE_NUMBER, ksicCode="99")}, as_="newbie@example.kr")
    assert bad["data"]["registerCompany"]["errors"][0]["code"] == "UNKNOWN_INDUSTRY"
    assert (await _count(api, Company), await _count(api, CompanyMembership)) == (companies, members)


async def test_nts_outage_is_a_clear_error_and_writes_nothing(api: Api, nts_server: Any) -> None:
    companies = await _count(api, Company)
    nts_server.fail_next(10)
    body = await api.gql(REGISTER, {"input": register_input(ACTIVE_NUMBER)}, as_="newbie@example.kr")
    payload = body["data"]["registerCompany"]
    assert payload["errors"][0]["code"] == "EXTERNAL_UNAVAILABLE" and payload["company"] is None
    assert await _count(api, Company) == companies


async def test_a_company_with_a_representative_cannot_be_claimed(api: Api) -> None:
    body = await api.gql(REGISTER, {"input": register_input(ACTIVE_NUMBER)}, as_="first@example.kr")
    assert body["data"]["registerCompany"]["errors"] == []
    companies = await _count(api, Company)
    again = await api.gql(REGISTER, {"input": register_input(ACTIVE_NUMBER)}, as_="second@example.kr")
    errors = again["data"]["registerCompany"]["errors"]
    assert errors[0]["code"] == "CONFLICT" and errors[0]["field"] == "businessNumber"
    assert await _count(api, Company) == companies
    second = (await api.gql(ME, as_="second@example.kr"))["data"]["me"]
    assert second["companies"] == []


INVITE = """
mutation($c: ID!, $e: String!, $n: String!) {
  inviteCompanyMember(companyId: $c, email: $e, name: $n) { member { membershipId email role status } errors { code field } }
}
"""
ACCEPT = "mutation($m: ID!) { acceptInvitation(membershipId: $m) { accepted errors { code } } }"
REVOKE = "mutation($m: ID!) { revokeCompanyMember(membershipId: $m) { member { status } errors { code field } } }"
MEMBERS = "query($c: ID!) { companyMembers(companyId: $c) { name email role status } }"


async def test_representative_invites_staff_who_accepts_then_is_revoked(api: Api) -> None:
    sme = (await api.gql(ME, as_="sme"))["data"]["me"]
    company_id = sme["companies"][0]["id"]
    invited = await api.gql(INVITE, {"c": company_id, "e": "New.Staff@Hanbit.example.kr", "n": "오신입"}, as_="sme")
    member = invited["data"]["inviteCompanyMember"]["member"]
    assert member["email"] == "new.staff@hanbit.example.kr" and member["status"] == "invited"
    twice = await api.gql(INVITE, {"c": company_id, "e": "new.staff@hanbit.example.kr", "n": "오신입"}, as_="sme")
    assert twice["data"]["inviteCompanyMember"]["errors"][0]["code"] == "ALREADY_MEMBER"
    async with api.db.read() as session:
        notices = (
            await session.scalars(
                sa.select(Notification).where(Notification.recipient == "new.staff@hanbit.example.kr")
            )
        ).all()
    assert [(n.template, n.variables["organization"]) for n in notices] == [("invitation.company", "(주)한빛정밀")], (
        "one invitation e-mail in the outbox; the refused second invitation sends none"
    )

    invitee = "new.staff@hanbit.example.kr"
    before = (await api.gql(ME, as_=invitee))["data"]["me"]
    assert before["companies"] == [], "an invitation grants nothing until accepted"
    invitations = (await api.gql("{ myInvitations { membershipId organizationName role } }", as_=invitee))["data"]
    assert invitations["myInvitations"][0]["organizationName"] == "(주)한빛정밀"
    stranger = await api.gql(ACCEPT, {"m": member["membershipId"]}, as_="sme-staff")
    assert stranger["data"]["acceptInvitation"]["errors"][0]["code"] == "NOT_FOUND"
    accepted = await api.gql(ACCEPT, {"m": member["membershipId"]}, as_=invitee)
    assert accepted["data"]["acceptInvitation"] == {"accepted": True, "errors": []}
    after = (await api.gql(ME, as_=invitee))["data"]["me"]
    assert [(c["name"], c["role"]) for c in after["companies"]] == [("(주)한빛정밀", "staff")]

    staff_tries = await api.gql(REVOKE, {"m": member["membershipId"]}, as_="sme-staff")
    assert staff_tries["data"]["revokeCompanyMember"]["errors"][0]["code"] == "FORBIDDEN"
    revoked = await api.gql(REVOKE, {"m": member["membershipId"]}, as_="sme")
    assert revoked["data"]["revokeCompanyMember"]["member"]["status"] == "revoked"
    assert (await api.gql(ME, as_=invitee))["data"]["me"]["companies"] == []
    async with api.db.read() as session:
        actions = (
            await session.scalars(
                sa.select(AuditEntry.action).where(AuditEntry.acting_company_id == sa.cast(company_id, sa.Uuid))
            )
        ).all()
    assert {"company.member_invited", "membership.accepted", "company.member_revoked"} <= set(actions)


async def test_the_representative_cannot_be_revoked(api: Api) -> None:
    sme = (await api.gql(ME, as_="sme"))["data"]["me"]
    members = (await api.gql(MEMBERS, {"c": sme["companies"][0]["id"]}, as_="sme"))["data"]["companyMembers"]
    assert {m["role"] for m in members} >= {"representative", "staff"}
    async with api.db.read() as session:
        rep = (
            await session.scalars(
                sa.select(CompanyMembership)
                .join(Person, Person.id == CompanyMembership.person_id)
                .where(Person.email == "sme@demo.m24.kr")
            )
        ).one()
    body = await api.gql(REVOKE, {"m": str(rep.id)}, as_="sme")
    assert body["data"]["revokeCompanyMember"]["errors"][0]["code"] == "LAST_REPRESENTATIVE"


async def test_platform_admin_reading_another_companys_people_is_audited(api: Api) -> None:
    sme = (await api.gql(ME, as_="sme"))["data"]["me"]
    company_id = sme["companies"][0]["id"]
    before = await _count(api, AuditEntry)
    await api.gql(MEMBERS, {"c": company_id}, as_="sme")  # own company: no access record needed
    assert await _count(api, AuditEntry) == before
    members = (await api.gql(MEMBERS, {"c": company_id}, as_="admin"))["data"]["companyMembers"]
    assert members
    async with api.db.read() as session:
        entry = (await session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "personal_data.read"))).one()
    assert entry.object_type == "company" and str(entry.object_id) == company_id
    assert entry.request_id and entry.request_id != "-"


async def test_agency_staff_reading_applications_is_audited(api: Api) -> None:
    body = await api.gql(
        "{ fundingApplications(first: 50) { totalCount edges { node { id applicant { name } } } } }",
        as_="regional-reviewer",
    )
    conn = body["data"]["fundingApplications"]
    assert conn["totalCount"] > 0, "the seed routes applications to 경기테크노파크"
    async with api.db.read() as session:
        entries = (await session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "personal_data.read"))).all()
    assert len(entries) == 1
    assert len(entries[0].details["applications"]) == len(conn["edges"])
