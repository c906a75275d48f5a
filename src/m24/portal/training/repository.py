"""Reading courses, sessions and enrollments (all SQL of the training pillar's reads)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.pagination import Page, PageRequest, after_key
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.text_filter import contains_all_words
from m24.portal.training.models import Course, CourseSession, Enrollment, EnrollmentStatus

CURSOR_KIND = "course"


@dataclass(frozen=True)
class CourseFilter:
    audience: str | None = None
    level: str | None = None
    format: str | None = None
    region: str | None = None
    text: str | None = None


async def list_courses(session: AsyncSession, flt: CourseFilter, page: PageRequest) -> Page[Course]:
    conditions: list[sa.ColumnElement[bool]] = [Course.deleted_at.is_(None)]
    if flt.audience is not None:
        conditions.append(Course.audience == flt.audience)
    if flt.level is not None:
        conditions.append(Course.level == flt.level)
    if flt.format is not None:
        conditions.append(Course.format == flt.format)
    if flt.region is not None:
        conditions.append(sa.or_(Course.region == flt.region, Course.region.is_(None)))
    if flt.text is not None:
        conditions.append(contains_all_words(flt.text, Course.title, Course.summary))
    total = (await session.execute(sa.select(sa.func.count()).select_from(Course).where(*conditions))).scalar_one()
    statement = sa.select(Course).where(*conditions)
    if page.after is not None:
        statement = statement.where(after_key(Course.code, Course.id, page.after))
    rows = (await session.scalars(statement.order_by(Course.code, Course.id).limit(page.first + 1))).all()
    return Page(items=rows[: page.first], total=total, has_next=len(rows) > page.first)


def cursor_key(course: Course) -> tuple[str, str]:
    return (course.code, str(course.id))


async def get_course(session: AsyncSession, course_id: uuid.UUID) -> Course | None:
    return (await session.scalars(sa.select(Course).where(Course.id == course_id, Course.deleted_at.is_(None)))).first()


async def provider_names(session: AsyncSession, courses: Sequence[Course]) -> dict[uuid.UUID, str]:
    """Name of each course's provider (agency or firm), keyed by the provider's id."""
    agencies = {c.provider_agency_id for c in courses if c.provider_agency_id}
    companies = {c.provider_company_id for c in courses if c.provider_company_id}
    names: dict[uuid.UUID, str] = {}
    if agencies:
        names.update(
            dict((await session.execute(sa.select(Agency.id, Agency.name).where(Agency.id.in_(agencies)))).all())
        )
    if companies:
        names.update(
            dict((await session.execute(sa.select(Company.id, Company.name).where(Company.id.in_(companies)))).all())
        )
    return names


async def sessions_by_course(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[CourseSession]]:
    out: dict[uuid.UUID, list[CourseSession]] = defaultdict(list)
    rows = await session.scalars(
        sa.select(CourseSession).where(CourseSession.course_id.in_(set(ids))).order_by(CourseSession.starts_at)
    )
    for row in rows:
        out[row.course_id].append(row)
    return out


async def waitlist_lengths(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        sa.select(Enrollment.session_id, sa.func.count())
        .where(Enrollment.session_id.in_(set(ids)), Enrollment.status == EnrollmentStatus.WAITLISTED)
        .group_by(Enrollment.session_id)
    )
    return {session_id: int(count) for session_id, count in rows.all()}


async def enrollments_of_person(session: AsyncSession, person_id: uuid.UUID) -> list[Enrollment]:
    rows = await session.scalars(
        sa.select(Enrollment).where(Enrollment.person_id == person_id).order_by(Enrollment.created_at.desc())
    )
    return list(rows)


async def enrollments_of_session(session: AsyncSession, session_id: uuid.UUID) -> list[Enrollment]:
    rows = await session.scalars(
        sa.select(Enrollment)
        .where(Enrollment.session_id == session_id)
        .order_by(Enrollment.status, Enrollment.waitlist_position, Enrollment.created_at)
    )
    return list(rows)


async def enrollments_of_company(session: AsyncSession, company_id: uuid.UUID) -> list[Enrollment]:
    rows = await session.scalars(
        sa.select(Enrollment).where(Enrollment.company_id == company_id).order_by(Enrollment.created_at.desc())
    )
    return list(rows)
