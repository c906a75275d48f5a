"""All SQL about funding programs (calls), and the locked read an application's workflow starts from."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.db import grouped_values, utcnow
from m24.kit.pagination import Page, PageRequest, after_key
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.funding.models import (
    CallStatus,
    EligibilityRuleSet,
    FundingApplication,
    FundingProgram,
    ProgramAgency,
    ProgramIndustry,
    ProgramRegion,
    ProgramStage,
)
from m24.portal.people.models import Person
from m24.portal.text_filter import contains_all_words

CURSOR_KIND = "fundingPrograms"


@dataclass(frozen=True)
class ProgramFilter:
    status: CallStatus | None = None
    region: str | None = None
    industry: str | None = None
    text: str | None = None


def call_status(program: FundingProgram, now: datetime | None = None) -> CallStatus:
    """UPCOMING before the period, OPEN during it (end exclusive), CLOSED after."""
    now = now or utcnow()
    if now < program.application_starts_at:
        return CallStatus.UPCOMING
    if now < program.application_ends_at:
        return CallStatus.OPEN
    return CallStatus.CLOSED


def _visible() -> sa.ColumnElement[bool]:
    """What the public may see: published and not deleted."""
    return sa.and_(FundingProgram.deleted_at.is_(None), FundingProgram.published_at.is_not(None))


def _filtered(flt: ProgramFilter, now: datetime) -> list[sa.ColumnElement[bool]]:
    conditions = [_visible()]
    if flt.status is CallStatus.UPCOMING:
        conditions.append(FundingProgram.application_starts_at > now)
    elif flt.status is CallStatus.OPEN:
        conditions.append(
            sa.and_(FundingProgram.application_starts_at <= now, FundingProgram.application_ends_at > now)
        )
    elif flt.status is CallStatus.CLOSED:
        conditions.append(FundingProgram.application_ends_at <= now)
    if flt.region is not None:
        # Nationwide calls (no region rows) are open to every region.
        any_region = sa.exists().where(ProgramRegion.program_id == FundingProgram.id)
        this_region = sa.exists().where(
            ProgramRegion.program_id == FundingProgram.id, ProgramRegion.region == flt.region
        )
        conditions.append(sa.or_(~any_region, this_region))
    if flt.industry is not None:
        # A call for KSIC "20" admits a "20423" company and a query for "20" finds a "20423" call.
        any_industry = sa.exists().where(ProgramIndustry.program_id == FundingProgram.id)
        given = sa.literal(flt.industry)
        matching = sa.exists().where(
            ProgramIndustry.program_id == FundingProgram.id,
            sa.or_(given.startswith(ProgramIndustry.ksic_prefix), ProgramIndustry.ksic_prefix.startswith(given)),
        )
        conditions.append(sa.or_(~any_industry, matching))
    if flt.text is not None:
        conditions.append(contains_all_words(flt.text, FundingProgram.title, FundingProgram.summary))
    return conditions


async def list_programs(
    session: AsyncSession, flt: ProgramFilter, page: PageRequest, *, now: datetime | None = None
) -> Page[FundingProgram]:
    """Published calls matching the filter, closing soonest first, keyset-paginated.

    Exactly two statements whatever the page size: one count, one page.
    """
    now = now or utcnow()
    conditions = _filtered(flt, now)
    total = (
        await session.execute(sa.select(sa.func.count()).select_from(FundingProgram).where(*conditions))
    ).scalar_one()
    stmt = sa.select(FundingProgram).where(*conditions)
    if page.after is not None:
        stmt = stmt.where(
            after_key(FundingProgram.application_ends_at, FundingProgram.id, page.after, datetime.fromisoformat)
        )
    stmt = stmt.order_by(FundingProgram.application_ends_at, FundingProgram.id).limit(page.first + 1)
    rows = (await session.scalars(stmt)).all()
    return Page(items=rows[: page.first], total=total, has_next=len(rows) > page.first)


def cursor_key(program: FundingProgram) -> tuple[str, str]:
    return (program.application_ends_at.isoformat(), str(program.id))


async def get_program(session: AsyncSession, program_id: uuid.UUID) -> FundingProgram | None:
    return (await session.scalars(sa.select(FundingProgram).where(FundingProgram.id == program_id, _visible()))).first()


async def regions_by_program(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    return await grouped_values(session, ProgramRegion.program_id, ProgramRegion.region, ids)


async def industries_by_program(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    return await grouped_values(session, ProgramIndustry.program_id, ProgramIndustry.ksic_prefix, ids)


async def stages_by_program(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[ProgramStage]]:
    result: dict[uuid.UUID, list[ProgramStage]] = defaultdict(list)
    rows = await session.scalars(
        sa.select(ProgramStage).where(ProgramStage.program_id.in_(set(ids))).order_by(ProgramStage.position)
    )
    for stage in rows:
        result[stage.program_id].append(stage)
    return result


async def agency_roles_by_program(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    result: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    rows = await session.execute(
        sa.select(ProgramAgency.program_id, ProgramAgency.agency_id, ProgramAgency.role)
        .where(ProgramAgency.program_id.in_(set(ids)))
        .order_by(ProgramAgency.role)
    )
    for program_id, agency_id, role in rows:
        result[program_id].append((agency_id, str(role)))
    return result


async def current_rule_sets(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, EligibilityRuleSet]:
    """The highest published version of each program's eligibility rules."""
    latest = (
        sa.select(EligibilityRuleSet.program_id, sa.func.max(EligibilityRuleSet.version).label("version"))
        .where(EligibilityRuleSet.program_id.in_(set(ids)), EligibilityRuleSet.published_at.is_not(None))
        .group_by(EligibilityRuleSet.program_id)
        .subquery()
    )
    rows = await session.scalars(
        sa.select(EligibilityRuleSet).join(
            latest,
            sa.and_(
                EligibilityRuleSet.program_id == latest.c.program_id, EligibilityRuleSet.version == latest.c.version
            ),
        )
    )
    return {row.program_id: row for row in rows}


async def count_applications(session: AsyncSession, program_id: uuid.UUID) -> int:
    stmt = sa.select(sa.func.count()).select_from(FundingApplication).where(FundingApplication.program_id == program_id)
    return (await session.execute(stmt)).scalar_one()


async def lock_program(session: AsyncSession, program_id: uuid.UUID) -> FundingProgram | None:
    """Load a program FOR UPDATE (a no-op lock on SQLite, which serialises writers anyway)."""
    stmt = sa.select(FundingProgram).where(FundingProgram.id == program_id).with_for_update()
    return (await session.scalars(stmt)).first()


async def titles_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await session.execute(
        sa.select(FundingProgram.id, FundingProgram.title).where(FundingProgram.id.in_(set(ids)))
    )
    return {pid: title for pid, title in rows.all()}


@dataclass(frozen=True)
class Locked:
    application: FundingApplication
    program: FundingProgram
    company: Company
    applicant: Person
    operator: Agency
    #: KSIC prefixes the call targets (routing rules match on them).
    industries: tuple[str, ...]


async def lock_application(session: AsyncSession, application_id: uuid.UUID) -> Locked | None:
    """Lock the application row (``FOR UPDATE``; SQLite serialises writers anyway) and load what the
    workflow reads — its call, company, applicant, the call's operating agency and target industries —
    in the same statement. (Hold on to the result: the session's identity
    map keeps objects only while something references them, and later lookups then cost no query.)"""
    industries = (
        sa.select(sa.func.aggregate_strings(ProgramIndustry.ksic_prefix, ","))
        .where(ProgramIndustry.program_id == FundingProgram.id)
        .scalar_subquery()
    )
    stmt = (
        sa.select(FundingApplication, FundingProgram, Company, Person, Agency, industries)
        .join(FundingProgram, FundingProgram.id == FundingApplication.program_id)
        .join(Company, Company.id == FundingApplication.company_id)
        .join(Person, Person.id == FundingApplication.applicant_person_id)
        .join(Agency, Agency.id == FundingProgram.operator_agency_id)
        .where(FundingApplication.id == application_id)
        .with_for_update(of=FundingApplication)
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    listed = tuple(sorted(p for p in (row[5] or "").split(",") if p))
    return Locked(row[0], row[1], row[2], row[3], row[4], listed)
