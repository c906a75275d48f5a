"""Delegation: representatives invite and revoke their staff; agency admins manage agency staff;
invitees accept. Identity-provider accounts follow through a job (``m24.identity.sync_roles``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit import jobs
from m24.kit.errors import Conflict, ErrorCode, Forbidden, NotFound, ValidationFailed
from m24.portal.agencies.models import Agency
from m24.portal.audit.service import RequestMeta, record
from m24.portal.companies import policies
from m24.portal.companies.service import SYNC_ROLES_JOB, enforce, load_company
from m24.portal.notifications.service import notify
from m24.portal.people.models import (
    AgencyMembership,
    AgencyRole,
    CompanyMembership,
    CompanyRole,
    MembershipStatus,
    Person,
)

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}$")


def _clean_email(email: str) -> str:
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 320:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "email: 올바른 이메일 주소를 입력하세요.", field="email")
    return email.lower()


def _clean_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "name: 이름은 1~100자입니다.", field="name")
    return name


async def _person_by_email(session: AsyncSession, email: str, name: str) -> Person:
    person = (await session.scalars(sa.select(Person).where(sa.func.lower(Person.email) == email))).first()
    if person is None:
        person = Person(email=email, name=name)
        session.add(person)
        await session.flush()
    return person


async def invite_company_member(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID, email: str, name: str, meta: RequestMeta
) -> CompanyMembership:
    """The representative invites a staff member by email; re-inviting a revoked member works."""
    email, name = _clean_email(email), _clean_name(name)
    company = await load_company(session, company_id)
    if company is None:
        raise NotFound("기업을 찾을 수 없습니다.")
    enforce(policies.can_manage_members(principal, company.id), "기업")
    person = await _person_by_email(session, email, name)
    membership = (
        await session.scalars(
            sa.select(CompanyMembership)
            .where(CompanyMembership.company_id == company.id, CompanyMembership.person_id == person.id)
            .with_for_update()
        )
    ).first()
    if membership is not None and membership.status is not MembershipStatus.REVOKED:
        raise Conflict(ErrorCode.ALREADY_MEMBER, "email: 이미 초대되었거나 소속된 사람입니다.", field="email")
    if membership is None:
        membership = CompanyMembership(person_id=person.id, company_id=company.id, role=CompanyRole.STAFF)
        session.add(membership)
    membership.role = CompanyRole.STAFF
    membership.status = MembershipStatus.INVITED
    await session.flush()
    record(
        session,
        principal,
        "company.member_invited",
        "company_membership",
        membership.id,
        meta,
        company_id=company.id,
        details={"person_id": str(person.id)},
    )
    jobs.enqueue_job(session, SYNC_ROLES_JOB, person_id=person.id)
    await notify(
        session,
        [person.id],
        "invitation.company",
        {"organization": company.name, "role": "직원"},
        f"invite:{membership.id}:{uuid.uuid4()}",
    )
    return membership


async def revoke_company_member(
    session: AsyncSession, principal: Principal, membership_id: uuid.UUID, meta: RequestMeta
) -> CompanyMembership:
    membership = await session.get(CompanyMembership, membership_id, with_for_update=True)
    if membership is None or not policies.can_view_private(principal, membership.company_id):
        raise NotFound("구성원을 찾을 수 없습니다.")
    enforce(policies.can_manage_members(principal, membership.company_id), "구성원")
    if membership.status is MembershipStatus.REVOKED:
        return membership  # idempotent
    if membership.role is CompanyRole.REPRESENTATIVE:
        raise ValidationFailed(
            ErrorCode.LAST_REPRESENTATIVE,
            "membershipId: 대표자는 해제할 수 없습니다 (대표자 변경은 관리자 문의).",
            field="membershipId",
        )
    membership.status = MembershipStatus.REVOKED
    await session.flush()
    record(
        session,
        principal,
        "company.member_revoked",
        "company_membership",
        membership.id,
        meta,
        company_id=membership.company_id,
        details={"person_id": str(membership.person_id)},
    )
    jobs.enqueue_job(session, SYNC_ROLES_JOB, person_id=membership.person_id)
    return membership


async def accept_invitation(
    session: AsyncSession, principal: Principal, membership_id: uuid.UUID, meta: RequestMeta
) -> CompanyMembership | AgencyMembership:
    """The invitee accepts a company or agency invitation addressed to them."""
    membership: CompanyMembership | AgencyMembership | None = await session.get(
        CompanyMembership, membership_id, with_for_update=True
    )
    if membership is None:
        membership = await session.get(AgencyMembership, membership_id, with_for_update=True)
    if membership is None or membership.person_id != principal.person_id:
        raise NotFound("초대를 찾을 수 없습니다.")
    if membership.status is MembershipStatus.REVOKED:
        raise Forbidden("철회된 초대입니다.")
    if membership.status is MembershipStatus.INVITED:
        membership.status = MembershipStatus.ACTIVE
        await session.flush()
        company_id = membership.company_id if isinstance(membership, CompanyMembership) else None
        agency_id = membership.agency_id if isinstance(membership, AgencyMembership) else None
        record(
            session,
            principal,
            "membership.accepted",
            type(membership).__tablename__,
            membership.id,
            meta,
            company_id=company_id,
            agency_id=agency_id,
        )
        jobs.enqueue_job(session, SYNC_ROLES_JOB, person_id=membership.person_id)
    return membership


def _can_manage_agency(principal: Principal, agency_id: uuid.UUID) -> bool:
    return principal.is_platform_admin or "admin" in principal.agency_roles(agency_id)


async def invite_agency_member(
    session: AsyncSession,
    principal: Principal,
    agency_id: uuid.UUID,
    email: str,
    name: str,
    role: str,
    meta: RequestMeta,
) -> AgencyMembership:
    email, name = _clean_email(email), _clean_name(name)
    try:
        agency_role = AgencyRole(role)
    except ValueError:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, f"role: 알 수 없는 역할입니다: {role!r}", field="role"
        ) from None
    agency = await session.get(Agency, agency_id)
    if agency is None or not (principal.is_platform_admin or agency_id in principal.agency_ids):
        raise NotFound("기관을 찾을 수 없습니다.")
    if not _can_manage_agency(principal, agency_id):
        raise Forbidden("기관 관리자만 직원을 관리할 수 있습니다.")
    person = await _person_by_email(session, email, name)
    membership = (
        await session.scalars(
            sa.select(AgencyMembership)
            .where(
                AgencyMembership.agency_id == agency_id,
                AgencyMembership.person_id == person.id,
                AgencyMembership.role == agency_role,
            )
            .with_for_update()
        )
    ).first()
    if membership is not None and membership.status is not MembershipStatus.REVOKED:
        raise Conflict(ErrorCode.ALREADY_MEMBER, "email: 이미 이 역할로 초대되었거나 소속된 사람입니다.", field="email")
    if membership is None:
        membership = AgencyMembership(person_id=person.id, agency_id=agency_id, role=agency_role)
        session.add(membership)
    membership.status = MembershipStatus.INVITED
    await session.flush()
    record(
        session,
        principal,
        "agency.member_invited",
        "agency_membership",
        membership.id,
        meta,
        agency_id=agency_id,
        details={"person_id": str(person.id), "role": agency_role.value},
    )
    jobs.enqueue_job(session, SYNC_ROLES_JOB, person_id=person.id)
    await notify(
        session,
        [person.id],
        "invitation.agency",
        {
            "organization": agency.name,
            "role": {"reviewer": "평가위원", "approver": "승인권자", "admin": "관리자"}[agency_role.value],
        },
        f"invite:{membership.id}:{uuid.uuid4()}",
    )
    return membership


async def revoke_agency_member(
    session: AsyncSession, principal: Principal, membership_id: uuid.UUID, meta: RequestMeta
) -> AgencyMembership:
    membership = await session.get(AgencyMembership, membership_id, with_for_update=True)
    if membership is None or not (principal.is_platform_admin or membership.agency_id in principal.agency_ids):
        raise NotFound("기관 구성원을 찾을 수 없습니다.")
    if not _can_manage_agency(principal, membership.agency_id):
        raise Forbidden("기관 관리자만 직원을 관리할 수 있습니다.")
    if membership.person_id == principal.person_id and membership.role is AgencyRole.ADMIN:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, "membershipId: 자신의 관리자 권한은 해제할 수 없습니다.", field="membershipId"
        )
    if membership.status is not MembershipStatus.REVOKED:
        membership.status = MembershipStatus.REVOKED
        await session.flush()
        record(
            session,
            principal,
            "agency.member_revoked",
            "agency_membership",
            membership.id,
            meta,
            agency_id=membership.agency_id,
            details={"person_id": str(membership.person_id)},
        )
        jobs.enqueue_job(session, SYNC_ROLES_JOB, person_id=membership.person_id)
    return membership


async def company_members(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID, meta: RequestMeta
) -> Sequence[tuple[CompanyMembership, Person]]:
    """Members of a company (names and emails are personal data): its own members, or platform
    admins — whose read of another company's people is recorded."""
    enforce(policies.can_view_private(principal, company_id), "기업")
    rows = (
        await session.execute(
            sa.select(CompanyMembership, Person)
            .join(Person, Person.id == CompanyMembership.person_id)
            .where(CompanyMembership.company_id == company_id)
            .order_by(CompanyMembership.role, Person.name)
        )
    ).all()
    if principal.company_role(company_id) is None:
        record(
            session,
            principal,
            "personal_data.read",
            "company",
            company_id,
            meta,
            details={"fields": ["name", "email"], "people": [str(p.id) for _, p in rows]},
        )
    return [(m, p) for m, p in rows]


async def agency_members(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID
) -> Sequence[tuple[AgencyMembership, Person]]:
    if not (principal.is_platform_admin or agency_id in principal.agency_ids):
        raise NotFound("기관을 찾을 수 없습니다.")
    rows = (
        await session.execute(
            sa.select(AgencyMembership, Person)
            .join(Person, Person.id == AgencyMembership.person_id)
            .where(AgencyMembership.agency_id == agency_id)
            .order_by(AgencyMembership.role, Person.name)
        )
    ).all()
    return [(m, p) for m, p in rows]
