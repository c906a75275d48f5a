"""Builders for rows that tests need beyond the seed (explicit, minimal, valid)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit import brn
from m24.kit.db import utcnow
from m24.portal.agencies.models import Agency, AgencyKind, AgencyTier
from m24.portal.companies.models import Company, SizeClass
from m24.portal.funding.models import ApplicationStatus, FundingApplication, FundingProgram, ProgramKind
from m24.portal.people.models import Person

_seq = itertools.count(1)


async def agency(session: AsyncSession, **kw: object) -> Agency:
    n = next(_seq)
    row = Agency(code=f"T-AG-{n}", name=f"시험기관 {n}", tier=AgencyTier.CENTRAL, kind=AgencyKind.MINISTRY, **kw)
    session.add(row)
    await session.flush()
    return row


async def program(session: AsyncSession, owner: Agency, **kw: object) -> FundingProgram:
    n = next(_seq)
    now = utcnow()
    values: dict[str, object] = {
        "code": f"T-PRG-{n}",
        "title": f"시험 지원사업 {n}",
        "summary": "시험용 공고",
        "kind": ProgramKind.AI_FACTORY_BASIC,
        "year": now.year,
        "owner_agency_id": owner.id,
        "operator_agency_id": owner.id,
        "application_starts_at": now - timedelta(days=1),
        "application_ends_at": now + timedelta(days=30),
        "budget_krw": 1_000_000_000,
        "max_award_krw": 100_000_000,
        "government_share_pct": 50,
        "company_share_pct": 50,
        "published_at": now,
    }
    values.update(kw)
    row = FundingProgram(**values)
    session.add(row)
    await session.flush()
    return row


async def company(session: AsyncSession, **kw: object) -> Company:
    n = next(_seq)
    values: dict[str, object] = {
        "business_number": brn.make_number(f"{700000000 + n:09d}"),
        "name": f"시험기업 {n}",
        "representative_name": "홍길동",
        "ksic_code": "29",
        "region": "GYEONGGI",
        "size_class": SizeClass.SMALL,
        "employees": 12,
    }
    values.update(kw)
    row = Company(**values)
    session.add(row)
    await session.flush()
    return row


async def person(session: AsyncSession, **kw: object) -> Person:
    n = next(_seq)
    row = Person(email=f"person{n}@test.m24.kr", name=f"시험사용자{n}", **kw)
    session.add(row)
    await session.flush()
    return row


async def application(session: AsyncSession, prog: FundingProgram, comp: Company, who: Person) -> FundingApplication:
    row = FundingApplication(
        program_id=prog.id, company_id=comp.id, applicant_person_id=who.id, status=ApplicationStatus.DRAFT
    )
    session.add(row)
    await session.flush()
    return row
