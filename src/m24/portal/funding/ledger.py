"""The support ledger: every award by 사업자등록번호, across programs and agencies.

Used by the duplicate-support eligibility rule, by regional quotas, and by the suspicious-pattern flags
agency staff review (each flag carries its evidence: the awards it is built from).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.db import utcnow
from m24.kit.errors import AppError, ErrorCode
from m24.portal.companies.models import Company
from m24.portal.funding.models import FundingApplication, FundingProgram, SupportAward
from m24.portal.reference.regions import region_name

#: A supplier–SME pair awarded at least this many times is flagged.
REPEATED_PAIR_MIN = 2
#: A supplier holding more than this share of one region's awards (with enough awards) is flagged.
REGION_SHARE_MAX = 0.3
REGION_SHARE_MIN_AWARDS = 5
#: A company awarded by this many different agencies within a year is flagged.
MULTI_AGENCY_MIN = 3


async def record_award(
    session: AsyncSession, application: FundingApplication, program: FundingProgram, at: datetime
) -> SupportAward:
    """Idempotent per application: a second call returns the existing row."""
    existing = (
        await session.scalars(sa.select(SupportAward).where(SupportAward.application_id == application.id))
    ).first()
    if existing is not None:
        return existing
    company = await session.get(Company, application.company_id)
    assert company is not None
    award = SupportAward(
        business_number=company.business_number,
        company_id=company.id,
        application_id=application.id,
        program_id=program.id,
        program_kind=program.kind.value,
        program_title=program.title,
        agency_id=program.operator_agency_id,
        supplier_company_id=application.supplier_company_id,
        region=company.region,
        award_krw=application.award_krw or application.requested_amount_krw,
        awarded_at=at,
    )
    session.add(award)
    await session.flush()
    return award


async def record_recoupment(session: AsyncSession, application: FundingApplication, amount_krw: int) -> None:
    award = (
        await session.scalars(
            sa.select(SupportAward).where(SupportAward.application_id == application.id).with_for_update()
        )
    ).first()
    if award is not None:
        award.recouped_krw = min(award.award_krw, award.recouped_krw + amount_krw)


async def check_region_quota(session: AsyncSession, program: FundingProgram, application: FundingApplication) -> None:
    """Refuse an approval that would exceed the call's quota for the company's 시·도."""
    quotas = program.region_quotas or {}
    company = await session.get(Company, application.company_id)
    assert company is not None
    quota = quotas.get(company.region)
    if quota is None:
        return
    used = (
        await session.execute(
            sa.select(sa.func.count())
            .select_from(SupportAward)
            .where(SupportAward.program_id == program.id, SupportAward.region == company.region)
        )
    ).scalar_one()
    if used >= int(quota):
        raise AppError(
            ErrorCode.CONFLICT,
            f"{region_name(company.region)} 지역 선정 한도({quota}건)를 모두 사용했습니다.",
            field="id",
        )


@dataclass(frozen=True)
class Flag:
    kind: str
    title: str
    detail: str
    company_ids: tuple[uuid.UUID, ...]
    award_ids: tuple[uuid.UUID, ...] = field(default=())


async def suspicious_patterns(session: AsyncSession, *, since: datetime | None = None) -> list[Flag]:
    """Patterns worth a second look, each with the awards that show it."""
    since = since or utcnow() - timedelta(days=5 * 365)
    flags: list[Flag] = []
    names = dict(
        (
            await session.execute(sa.select(Company.id, Company.name).where(Company.id.in_(_award_companies(since))))
        ).all()
    )

    pairs = (
        await session.execute(
            sa.select(SupportAward.supplier_company_id, SupportAward.company_id, sa.func.count())
            .where(SupportAward.awarded_at >= since, SupportAward.supplier_company_id.is_not(None))
            .group_by(SupportAward.supplier_company_id, SupportAward.company_id)
            .having(sa.func.count() >= REPEATED_PAIR_MIN)
        )
    ).all()
    for supplier_id, company_id, count in pairs:
        assert supplier_id is not None
        ids = await _award_ids(
            session, SupportAward.supplier_company_id == supplier_id, SupportAward.company_id == company_id, since=since
        )
        flags.append(
            Flag(
                "repeated_pair",
                "동일 공급기업–수요기업 반복 선정",
                f"{names.get(supplier_id, supplier_id)} → {names.get(company_id, company_id)}: {count}건",
                (supplier_id, company_id),
                ids,
            )
        )

    region_totals = dict(
        (
            await session.execute(
                sa.select(SupportAward.region, sa.func.count())
                .where(SupportAward.awarded_at >= since)
                .group_by(SupportAward.region)
            )
        ).all()
    )
    shares = (
        await session.execute(
            sa.select(SupportAward.region, SupportAward.supplier_company_id, sa.func.count())
            .where(SupportAward.awarded_at >= since, SupportAward.supplier_company_id.is_not(None))
            .group_by(SupportAward.region, SupportAward.supplier_company_id)
        )
    ).all()
    for region, supplier_id, count in shares:
        assert supplier_id is not None
        total = region_totals.get(region, 0)
        if total >= REGION_SHARE_MIN_AWARDS and count / total > REGION_SHARE_MAX:
            ids = await _award_ids(
                session, SupportAward.region == region, SupportAward.supplier_company_id == supplier_id, since=since
            )
            flags.append(
                Flag(
                    "regional_concentration",
                    "지역 선정 쏠림",
                    f"{names.get(supplier_id, supplier_id)}: {region_name(region)} 선정 {total}건 중 {count}건"
                    f"({count / total:.0%})",
                    (supplier_id,),
                    ids,
                )
            )

    agencies = (
        await session.execute(
            sa.select(SupportAward.company_id, sa.func.count(sa.distinct(SupportAward.agency_id)))
            .where(SupportAward.awarded_at >= utcnow() - timedelta(days=365))
            .group_by(SupportAward.company_id)
            .having(sa.func.count(sa.distinct(SupportAward.agency_id)) >= MULTI_AGENCY_MIN)
        )
    ).all()
    for company_id, count in agencies:
        ids = await _award_ids(session, SupportAward.company_id == company_id, since=utcnow() - timedelta(days=365))
        flags.append(
            Flag(
                "multi_agency",
                "여러 기관 중복 수혜",
                f"{names.get(company_id, company_id)}: 최근 1년 {count}개 기관에서 선정",
                (company_id,),
                ids,
            )
        )
    return flags


def _award_companies(since: datetime) -> sa.Select[tuple[uuid.UUID]]:
    suppliers = sa.select(SupportAward.supplier_company_id).where(
        SupportAward.awarded_at >= since, SupportAward.supplier_company_id.is_not(None)
    )
    companies = sa.select(SupportAward.company_id).where(SupportAward.awarded_at >= since)
    return sa.select(sa.union(suppliers, companies).subquery().c[0])


async def _award_ids(
    session: AsyncSession, *conditions: sa.ColumnElement[bool], since: datetime
) -> tuple[uuid.UUID, ...]:
    stmt = (
        sa.select(SupportAward.id)
        .where(SupportAward.awarded_at >= since, *conditions)
        .order_by(SupportAward.awarded_at)
        .limit(50)
    )
    return tuple((await session.scalars(stmt)).all())


async def awards_of(session: AsyncSession, ids: list[uuid.UUID]) -> list[SupportAward]:
    if not ids:
        return []
    return list((await session.scalars(sa.select(SupportAward).where(SupportAward.id.in_(ids)))).all())
