"""Company rules: onboarding a company (after the NTS status check), its profile."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.integrations.nts import BusinessState as NtsState
from m24.kit import jobs
from m24.kit.errors import AppError, Conflict, ErrorCode, Forbidden, NotFound, Unauthenticated, ValidationFailed
from m24.portal.audit.models import AuditEntry
from m24.portal.audit.service import RequestMeta, record
from m24.portal.companies import policies
from m24.portal.companies.models import Company, MaturityLevel
from m24.portal.companies.schemas import RegisterCompany
from m24.portal.indexing.service import IndexedKind, mark_changed
from m24.portal.people.models import CompanyMembership, CompanyRole, MembershipStatus

SYNC_ROLES_JOB = "m24.identity.sync_roles"


class BusinessState(enum.StrEnum):
    """What the National Tax Service says of a number (mirrors the NTS client's states)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    UNREGISTERED = "unregistered"

    @classmethod
    def from_nts(cls, state: NtsState) -> BusinessState:
        return _FROM_NTS[state]


_FROM_NTS = {
    NtsState.ACTIVE: BusinessState.ACTIVE,
    NtsState.SUSPENDED: BusinessState.SUSPENDED,
    NtsState.CLOSED: BusinessState.CLOSED,
    NtsState.UNREGISTERED: BusinessState.UNREGISTERED,
}


_STATE_ERRORS = {
    BusinessState.SUSPENDED: (ErrorCode.BUSINESS_SUSPENDED, "휴업 중인 사업자는 등록할 수 없습니다."),
    BusinessState.CLOSED: (ErrorCode.BUSINESS_CLOSED, "폐업한 사업자는 등록할 수 없습니다."),
    BusinessState.UNREGISTERED: (ErrorCode.BUSINESS_UNREGISTERED, "국세청에 등록되지 않은 사업자등록번호입니다."),
}


class DuplicateCompany(AppError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            ErrorCode.CONFLICT, "businessNumber: 이미 등록된 사업자등록번호입니다.", field="businessNumber"
        )


async def register_company(
    session: AsyncSession, command: RegisterCompany, *, request_id: str | None = None
) -> Company:
    """Create a company from a validated command and audit it; a duplicate number changes nothing."""
    existing = await session.scalar(sa.select(Company.id).where(Company.business_number == command.business_number))
    if existing is not None:
        raise DuplicateCompany()
    company = await _new_company(session, command)
    session.add(
        AuditEntry(action="company.registered", object_type="company", object_id=company.id, request_id=request_id)
    )
    return company


async def _new_company(session: AsyncSession, command: RegisterCompany) -> Company:
    """Insert the company row (the caller has checked the number is new and audits the action)."""
    company = Company(
        business_number=command.business_number,
        name=command.name,
        representative_name=command.representative_name,
        ksic_code=command.ksic_code,
        region=command.region,
        size_class=command.size_class,
        employees=command.employees,
        maturity_level=command.maturity_level,
        founded_on=command.founded_on,
        address=command.address,
    )
    session.add(company)
    await session.flush()
    return company


@dataclass(frozen=True)
class Onboarded:
    company: Company
    membership: CompanyMembership
    created: bool


async def onboard_company(
    session: AsyncSession, principal: Principal, command: RegisterCompany, state: BusinessState, meta: RequestMeta
) -> Onboarded:
    """A person registers the company they represent, after the NTS said the business is active.

    A new number creates the company; a known one without an active representative is linked to
    this person; a known one that already has a representative is refused (they invite staff).
    """
    if principal.person_id is None:
        raise Unauthenticated()
    if state is not BusinessState.ACTIVE:
        code, message = _STATE_ERRORS[state]
        raise ValidationFailed(code, f"businessNumber: {message}", field="businessNumber")
    company = (
        await session.scalars(
            sa.select(Company).where(Company.business_number == command.business_number).with_for_update()
        )
    ).first()
    created = company is None
    if company is None:
        # One audit row for the whole action, "company.onboarded" below, with its actor.
        company = await _new_company(session, command)
    else:
        has_representative = await session.scalar(
            sa.select(sa.func.count())
            .select_from(CompanyMembership)
            .where(
                CompanyMembership.company_id == company.id,
                CompanyMembership.role == CompanyRole.REPRESENTATIVE,
                CompanyMembership.status == MembershipStatus.ACTIVE,
            )
        )
        if has_representative:
            raise Conflict(
                ErrorCode.CONFLICT,
                "businessNumber: 이미 대표자가 등록된 기업입니다. 대표자에게 직원 초대를 요청하세요.",
                field="businessNumber",
            )
    membership = (
        await session.scalars(
            sa.select(CompanyMembership).where(
                CompanyMembership.company_id == company.id, CompanyMembership.person_id == principal.person_id
            )
        )
    ).first()
    if membership is None:
        membership = CompanyMembership(person_id=principal.person_id, company_id=company.id)
        session.add(membership)
    membership.role = CompanyRole.REPRESENTATIVE
    membership.status = MembershipStatus.ACTIVE
    await session.flush()
    record(
        session,
        principal,
        "company.onboarded" if created else "company.linked",
        "company",
        company.id,
        meta,
        company_id=company.id,
        details={"business_state": state.value},
    )
    jobs.enqueue_job(session, SYNC_ROLES_JOB, person_id=principal.person_id)
    return Onboarded(company=company, membership=membership, created=created)


@dataclass(frozen=True)
class ProfileChange:
    description: str | None = None
    homepage: str | None = None
    is_listed: bool | None = None
    employees: int | None = None
    maturity_level: str | None = None
    #: Specialist firms: certifications held, each 1–100 characters, at most 20.
    certifications: tuple[str, ...] | None = None

    def validated(self) -> ProfileChange:
        if self.description is not None and len(self.description) > 4000:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "description: 4,000자 이하로 입력하세요.", field="description"
            )
        if self.homepage is not None and self.homepage and not self.homepage.startswith(("https://", "http://")):
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT,
                "homepage: http:// 또는 https:// 로 시작하는 주소를 입력하세요.",
                field="homepage",
            )
        if self.homepage is not None and len(self.homepage) > 300:
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "homepage: 300자 이하로 입력하세요.", field="homepage")
        if self.employees is not None and not 0 <= self.employees <= 1_000_000:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "employees: 0 이상의 인원수를 입력하세요.", field="employees"
            )
        if self.maturity_level is not None:
            try:
                MaturityLevel(self.maturity_level)
            except ValueError:
                raise ValidationFailed(
                    ErrorCode.INVALID_INPUT,
                    f"maturityLevel: 알 수 없는 수준입니다: {self.maturity_level!r}",
                    field="maturityLevel",
                ) from None
        if self.certifications is not None:
            cleaned = tuple(dict.fromkeys(c.strip() for c in self.certifications if c.strip()))
            if len(cleaned) > 20 or any(len(c) > 100 for c in cleaned):
                raise ValidationFailed(
                    ErrorCode.INVALID_INPUT,
                    "certifications: 인증은 20개까지, 각 100자 이하로 입력하세요.",
                    field="certifications",
                )
            return replace(self, certifications=cleaned)
        return self


async def load_company(session: AsyncSession, company_id: uuid.UUID, *, lock: bool = False) -> Company | None:
    stmt = sa.select(Company).where(Company.id == company_id, Company.deleted_at.is_(None))
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()


def enforce(decision: policies.Decision, what: str) -> None:
    """Turn a policy decision into 404 (not visible) or 403 (visible, not allowed)."""
    if decision.allowed:
        return
    if decision.reason == "hidden":
        raise NotFound(f"{what}을(를) 찾을 수 없습니다.")
    raise Forbidden()


async def update_profile(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID, change: ProfileChange, meta: RequestMeta
) -> Company:
    change = change.validated()
    company = await load_company(session, company_id, lock=True)
    if company is None:
        raise NotFound("기업을 찾을 수 없습니다.")
    enforce(policies.can_edit_profile(principal, company.id, is_specialist=company.is_specialist), "기업")
    changed: dict[str, object] = {}
    for attr in ("description", "homepage", "is_listed", "employees"):
        value = getattr(change, attr)
        if value is not None and getattr(company, attr) != value:
            changed[attr] = value
            setattr(company, attr, value)
    if change.maturity_level is not None and company.maturity_level.value != change.maturity_level:
        changed["maturity_level"] = change.maturity_level
        company.maturity_level = MaturityLevel(change.maturity_level)
    if change.certifications is not None and list(change.certifications) != list(company.certifications or []):
        if not company.is_specialist:
            raise ValidationFailed(
                ErrorCode.NOT_A_SPECIALIST, "certifications: 공급기업만 인증을 등록합니다.", field="certifications"
            )
        changed["certifications"] = list(change.certifications)
        company.certifications = list(change.certifications)
    if changed and company.is_specialist:
        # The profile is part of every offering's search document.
        company.profile_version += 1
        await mark_changed(session, IndexedKind.SPECIALIST, [company.id])
    if changed:
        record(
            session,
            principal,
            "company.profile_updated",
            "company",
            company.id,
            meta,
            company_id=company.id,
            details={"fields": sorted(changed)},
        )
    await session.flush()
    return company
