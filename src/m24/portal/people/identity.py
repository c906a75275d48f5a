"""From a validated identity (token claims) to a :class:`Principal`: who this is in our database.

The first login links the identity provider's subject to an existing person by verified email (the
seed's personas, invited staff), or creates the person. Memberships come from our tables only:
tokens say who someone is, our rows say what they may touch.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.personas import ALL_ROLES
from m24.auth.principal import AgencyMembershipRef, CompanyMembershipRef, Principal
from m24.auth.tokens import AccessClaims
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.people.models import AgencyMembership, CompanyMembership, MembershipStatus, Person


async def person_for_claims(session: AsyncSession, claims: AccessClaims) -> Person | None:
    """The person this subject belongs to, without writing anything."""
    return (await session.scalars(sa.select(Person).where(Person.subject == claims.subject))).first()


async def link_or_create_person(session: AsyncSession, claims: AccessClaims) -> Person:
    """First login: link the subject to the person with this verified email, or create one.

    Idempotent under concurrent first requests: the unique subject/email constraints decide, and the
    caller retries the read on conflict.
    """
    existing = await person_for_claims(session, claims)
    if existing is not None:
        return existing
    person: Person | None = None
    if claims.email and claims.email_verified:
        person = (
            await session.scalars(sa.select(Person).where(sa.func.lower(Person.email) == claims.email.lower()))
        ).first()
    if person is not None and person.subject is None:
        person.subject = claims.subject
        if claims.name and not person.name:
            person.name = claims.name
    elif person is None:
        email = claims.email if claims.email and claims.email_verified else f"{claims.subject}@unverified.m24.invalid"
        person = Person(subject=claims.subject, email=email, name=claims.name or "이름 미등록")
        session.add(person)
    else:
        # The email belongs to a person already linked to another subject: never merge identities.
        person = Person(
            subject=claims.subject, email=f"{claims.subject}@unverified.m24.invalid", name=claims.name or "이름 미등록"
        )
        session.add(person)
    await session.flush()
    return person


async def principal_for_person(session: AsyncSession, person: Person, token_roles: frozenset[str]) -> Principal:
    """Build the principal: token roles we know, plus active memberships from our tables."""
    companies = await session.execute(
        sa.select(CompanyMembership.company_id, Company.name, CompanyMembership.role, Company.is_specialist)
        .join(Company, Company.id == CompanyMembership.company_id)
        .where(
            CompanyMembership.person_id == person.id,
            CompanyMembership.status == MembershipStatus.ACTIVE,
            Company.deleted_at.is_(None),
        )
        .order_by(Company.name)
    )
    agencies = await session.execute(
        sa.select(AgencyMembership.agency_id, Agency.name, AgencyMembership.role, Agency.tier, Agency.region)
        .join(Agency, Agency.id == AgencyMembership.agency_id)
        .where(AgencyMembership.person_id == person.id, AgencyMembership.status == MembershipStatus.ACTIVE)
        .order_by(Agency.name, AgencyMembership.role)
    )
    principal = Principal(
        person_id=person.id,
        subject=person.subject,
        name=person.name,
        email=person.email,
        is_platform_admin=person.is_platform_admin,
        companies=tuple(
            CompanyMembershipRef(company_id=cid, company_name=name, role=str(role), is_specialist=bool(spec))
            for cid, name, role, spec in companies
        ),
        agencies=tuple(
            AgencyMembershipRef(agency_id=aid, agency_name=name, role=str(role), tier=str(tier), region=region)
            for aid, name, role, tier, region in agencies
        ),
    )
    # Roles: what the token grants (known roles only) plus what memberships imply.
    return replace(principal, roles=frozenset(token_roles & ALL_ROLES) | derived_roles(principal))


async def principal_for_person_id(session: AsyncSession, person_id: uuid.UUID) -> Principal | None:
    """For browser sessions: the person's principal, roles derived from memberships."""
    person = await session.get(Person, person_id)
    return None if person is None else await principal_for_person(session, person, frozenset())


def derived_roles(principal: Principal) -> frozenset[str]:
    """Realm roles implied by memberships (what Keycloak is told to assign)."""
    roles: set[str] = set()
    for c in principal.companies:
        roles.add("sme_representative" if c.role == "representative" else "sme_staff")
        if c.is_specialist:
            roles.add("specialist_member")
    for a in principal.agencies:
        roles.add({"reviewer": "agency_reviewer", "approver": "agency_approver", "admin": "agency_admin"}[a.role])
    if principal.is_platform_admin:
        roles.add("platform_admin")
    return frozenset(roles)
