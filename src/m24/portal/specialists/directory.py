"""A specialist's standing in the directory: references (past projects), ratings by the SMEs it
supplied, and the 제조AI 전문기업 designation granted through a designation call.

Designation reuses the funding workflow whole: a designation call is a funding program with
``grants_designation``; the specialist applies to it like any call, it is routed, assessors score
the call's capability criteria with the scoring form, and the deciding agency approves. Approval
ends here (:func:`grant_designation`) instead of in the support ledger.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.db import utcnow
from m24.kit.errors import AppError, Conflict, ErrorCode, NotFound, ValidationFailed
from m24.portal.audit.service import RequestMeta, record
from m24.portal.companies import policies
from m24.portal.companies.models import Company
from m24.portal.companies.service import enforce, load_company
from m24.portal.funding.models import ApplicationStatus, FundingApplication
from m24.portal.indexing.service import IndexedKind, mark_changed
from m24.portal.notifications.service import notify
from m24.portal.people.models import CompanyMembership, CompanyRole, MembershipStatus
from m24.portal.specialists.models import SpecialistRating, SpecialistReference

#: A designation is valid for three years from approval (a renewal extends an unexpired one).
DESIGNATION_VALIDITY = timedelta(days=3 * 365)
#: Reminders go out when this many days or fewer remain (each once per validity period).
REMINDER_DAYS: tuple[int, ...] = (90, 30, 7)
#: Projects that count as completed for a rating or a verified reference.
COMPLETED = (ApplicationStatus.COMPLETED,)


async def _touch_profile(session: AsyncSession, company: Company) -> None:
    """Everything in here shows in the firm's search documents: bump their version and re-project."""
    company.profile_version += 1
    await mark_changed(session, IndexedKind.SPECIALIST, [company.id])


# --- references ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceInput:
    title: str
    client_name: str
    year: int
    summary: str = ""
    application_id: uuid.UUID | None = None


async def _own_specialist(session: AsyncSession, principal: Principal, company_id: uuid.UUID) -> Company:
    company = await load_company(session, company_id, lock=True)
    if company is None:
        raise NotFound("기업을 찾을 수 없습니다.", field="companyId")
    enforce(policies.can_manage_offerings(principal, company.id, is_specialist=company.is_specialist), "기업")
    return company


async def add_reference(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID, data: ReferenceInput, meta: RequestMeta
) -> SpecialistReference:
    title, client = data.title.strip(), data.client_name.strip()
    if not 1 <= len(title) <= 200:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "title: 제목은 1~200자입니다.", field="title")
    if not 1 <= len(client) <= 200:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "clientName: 고객사명은 1~200자입니다.", field="clientName")
    if not 1990 <= data.year <= utcnow().year:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "year: 1990년부터 올해까지입니다.", field="year")
    if len(data.summary) > 2000:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "summary: 2,000자 이하로 입력하세요.", field="summary")
    company = await _own_specialist(session, principal, company_id)
    if data.application_id is not None:
        application = await session.get(FundingApplication, data.application_id)
        if application is None or application.supplier_company_id != company.id:
            raise NotFound("이 기업이 공급한 신청 과제를 찾을 수 없습니다.", field="applicationId")
        if application.status not in COMPLETED:
            raise AppError(
                ErrorCode.PROJECT_NOT_COMPLETED, "완료된 과제만 실적으로 연결할 수 있습니다.", field="applicationId"
            )
        taken = await session.scalar(
            sa.select(SpecialistReference.id).where(SpecialistReference.application_id == application.id)
        )
        if taken is not None:
            raise Conflict(ErrorCode.CONFLICT, "이 과제는 이미 실적으로 등록되어 있습니다.", field="applicationId")
    reference = SpecialistReference(
        company_id=company.id,
        title=title,
        client_name=client,
        year=data.year,
        summary=data.summary.strip(),
        application_id=data.application_id,
    )
    session.add(reference)
    await session.flush()
    record(
        session,
        principal,
        "specialist.reference_added",
        "specialist_reference",
        reference.id,
        meta,
        company_id=company.id,
    )
    return reference


async def remove_reference(
    session: AsyncSession, principal: Principal, reference_id: uuid.UUID, meta: RequestMeta
) -> SpecialistReference:
    reference = await session.get(SpecialistReference, reference_id)
    if reference is None:
        raise NotFound("실적을 찾을 수 없습니다.", field="id")
    company = await load_company(session, reference.company_id)
    if company is None:
        raise NotFound("실적을 찾을 수 없습니다.", field="id")
    decision = policies.can_manage_offerings(principal, company.id, is_specialist=company.is_specialist)
    if decision.reason == "hidden":
        raise NotFound("실적을 찾을 수 없습니다.", field="id")
    enforce(decision, "실적")
    await session.delete(reference)
    await session.flush()
    record(
        session,
        principal,
        "specialist.reference_removed",
        "specialist_reference",
        reference.id,
        meta,
        company_id=company.id,
    )
    return reference


async def references_of(
    session: AsyncSession, company_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[SpecialistReference]]:
    rows = await session.scalars(
        sa.select(SpecialistReference)
        .where(SpecialistReference.company_id.in_(set(company_ids)))
        .order_by(SpecialistReference.year.desc(), SpecialistReference.title)
    )
    out: dict[uuid.UUID, list[SpecialistReference]] = {}
    for row in rows:
        out.setdefault(row.company_id, []).append(row)
    return out


# --- ratings -------------------------------------------------------------------------------------------


async def rate_supplier(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    score: int,
    comment: str,
    meta: RequestMeta,
) -> SpecialistRating:
    """The SME that ran a completed project rates its supplier, once per project."""
    application = await session.get(FundingApplication, application_id)
    # Only members of the applicant company see that the project exists at all.
    if application is None or principal.person_id is None or principal.company_role(application.company_id) is None:
        raise NotFound("과제를 찾을 수 없습니다.", field="applicationId")
    if not 1 <= score <= 5:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "score: 평점은 1~5점입니다.", field="score")
    if len(comment) > 1000:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "comment: 1,000자 이하로 입력하세요.", field="comment")
    if application.supplier_company_id is None:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "공급기업이 없는 과제입니다.", field="applicationId")
    if application.status not in COMPLETED:
        raise AppError(ErrorCode.PROJECT_NOT_COMPLETED, "과제가 완료된 뒤에 평가할 수 있습니다.", field="applicationId")
    existing = await session.scalar(
        sa.select(SpecialistRating.id).where(SpecialistRating.application_id == application.id)
    )
    if existing is not None:
        raise Conflict(ErrorCode.ALREADY_RATED, "이 과제의 공급기업은 이미 평가했습니다.", field="applicationId")
    supplier = await load_company(session, application.supplier_company_id, lock=True)
    if supplier is None:
        raise NotFound("공급기업을 찾을 수 없습니다.", field="applicationId")
    rating = SpecialistRating(
        application_id=application.id,
        supplier_company_id=supplier.id,
        rater_company_id=application.company_id,
        rater_person_id=principal.person_id,
        score=score,
        comment=comment.strip(),
    )
    session.add(rating)
    await session.flush()
    count, average = (
        await session.execute(
            sa.select(sa.func.count(), sa.func.avg(SpecialistRating.score)).where(
                SpecialistRating.supplier_company_id == supplier.id
            )
        )
    ).one()
    supplier.rating_count = int(count)
    supplier.rating_average = round(float(average), 2) if average is not None else None
    await _touch_profile(session, supplier)
    record(
        session,
        principal,
        "specialist.rated",
        "specialist_rating",
        rating.id,
        meta,
        company_id=application.company_id,
        details={"supplier": str(supplier.id), "score": score},
    )
    return rating


# --- designation ---------------------------------------------------------------------------------------


def designation_is_valid(company: Company, today: date) -> bool:
    return bool(company.is_designated_ai_specialist and company.designated_until and company.designated_until >= today)


async def check_can_apply_for_designation(session: AsyncSession, company_id: uuid.UUID) -> None:
    company = await session.get(Company, company_id)
    if company is None or not company.is_specialist:
        raise AppError(
            ErrorCode.NOT_A_SPECIALIST,
            "전문기업 지정은 공급기업으로 등록된 기업만 신청할 수 있습니다.",
            field="companyId",
        )


async def grant_designation(session: AsyncSession, company_id: uuid.UUID, now: datetime) -> date:
    """Designate (or renew) for :data:`DESIGNATION_VALIDITY`; an unexpired designation is extended
    from its current end, so renewing early loses nothing."""
    company = await load_company(session, company_id, lock=True)
    if company is None:
        raise NotFound("기업을 찾을 수 없습니다.", field="companyId")
    today = now.date()
    start = company.designated_until if designation_is_valid(company, today) and company.designated_until else today
    company.is_designated_ai_specialist = True
    company.designated_until = start + DESIGNATION_VALIDITY
    await _touch_profile(session, company)
    return company.designated_until


async def _representatives(session: AsyncSession, company_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        await session.scalars(
            sa.select(CompanyMembership.person_id).where(
                CompanyMembership.company_id == company_id,
                CompanyMembership.role == CompanyRole.REPRESENTATIVE,
                CompanyMembership.status == MembershipStatus.ACTIVE,
            )
        )
    )


@dataclass
class DesignationSweep:
    reminded: int = 0
    expired: int = 0


async def designation_sweep(session: AsyncSession, today: date) -> DesignationSweep:
    """Renewal reminders (90, 30 and 7 days ahead, each once per validity period, deduplicated by
    the notification outbox) and expiry (the flag is cleared and the firm's documents re-projected)."""
    result = DesignationSweep()
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    rows = await session.scalars(
        sa.select(Company)
        .where(
            Company.is_designated_ai_specialist.is_(True),
            Company.designated_until.is_not(None),
            Company.designated_until <= horizon,
            Company.deleted_at.is_(None),
        )
        .with_for_update()
    )
    for company in rows:
        assert company.designated_until is not None
        days_left = (company.designated_until - today).days
        representatives = await _representatives(session, company.id)
        if days_left < 0:
            company.is_designated_ai_specialist = False
            await _touch_profile(session, company)
            await notify(
                session,
                representatives,
                "designation.expired",
                {"company": company.name},
                f"designation-expired:{company.id}:{company.designated_until}",
            )
            result.expired += 1
            continue
        bucket = min(d for d in REMINDER_DAYS if days_left <= d)
        created = await notify(
            session,
            representatives,
            "designation.renewal",
            {"company": company.name, "until": company.designated_until.isoformat(), "days": days_left},
            f"designation-renewal:{company.id}:{company.designated_until}:{bucket}",
        )
        result.reminded += len(created)
    return result
