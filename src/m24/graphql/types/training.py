"""AI-literacy courses, sessions, enrollments and certificates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from m24.graphql.types.common import Region
from m24.kit.db import utcnow
from m24.portal.companies.models import Company
from m24.portal.people.models import Person
from m24.portal.training import repository, service
from m24.portal.training.models import AUDIENCE_LABELS, FORMAT_LABELS, LEVEL_LABELS
from m24.portal.training.models import Course as CourseModel
from m24.portal.training.models import CourseSession as SessionModel
from m24.portal.training.models import Enrollment as EnrollmentModel


@strawberry.type(description="A scheduled run of a course.")
class CourseSession:
    id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    capacity: int
    seats_left: int
    waitlist_enabled: bool
    waitlist_length: int
    enrollment_deadline: datetime
    cancellation_deadline: datetime
    enrollment_open: bool
    completed: bool
    _region: strawberry.Private[str | None]

    @strawberry.field
    def region(self) -> Region | None:
        return Region.of(self._region) if self._region else None

    @staticmethod
    def of(row: SessionModel, waitlisted: int) -> CourseSession:
        now = utcnow()
        return CourseSession(
            id=strawberry.ID(str(row.id)),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            venue=row.venue,
            capacity=row.capacity,
            seats_left=max(0, row.capacity - row.seats_taken),
            waitlist_enabled=row.waitlist_enabled,
            waitlist_length=waitlisted,
            enrollment_deadline=row.enrollment_deadline,
            cancellation_deadline=row.cancellation_deadline,
            enrollment_open=service.enrollment_open(row, now),
            completed=row.completed_at is not None,
            _region=row.region,
        )


@strawberry.type(description="An AI-literacy course (교육과정).")
class Course:
    id: strawberry.ID
    code: str
    title: str
    summary: str
    audience: str
    audience_label: str
    level: str
    level_label: str
    format: str
    format_label: str
    hours: int
    provider_name: str
    requires_agency_approval: bool
    min_attendance_pct: int
    assessment_required: bool
    sessions: list[CourseSession]
    _region: strawberry.Private[str | None]

    @strawberry.field
    def region(self) -> Region | None:
        return Region.of(self._region) if self._region else None


async def courses_of(session: AsyncSession, rows: Sequence[CourseModel]) -> list[Course]:
    sessions = await repository.sessions_by_course(session, [r.id for r in rows])
    waitlists = await repository.waitlist_lengths(session, [s.id for ss in sessions.values() for s in ss])
    names = await repository.provider_names(session, rows)
    out = []
    for row in rows:
        rule = service.CompletionRule.of(row)
        provider = row.provider_agency_id or row.provider_company_id
        out.append(
            Course(
                id=strawberry.ID(str(row.id)),
                code=row.code,
                title=row.title,
                summary=row.summary,
                audience=row.audience.value,
                audience_label=AUDIENCE_LABELS[row.audience],
                level=row.level.value,
                level_label=LEVEL_LABELS[row.level],
                format=row.format.value,
                format_label=FORMAT_LABELS[row.format],
                hours=row.hours,
                provider_name=names.get(provider, "") if provider else "",
                requires_agency_approval=row.requires_agency_approval,
                min_attendance_pct=rule.min_attendance_pct,
                assessment_required=rule.assessment_required,
                sessions=[CourseSession.of(s, waitlists.get(s.id, 0)) for s in sessions.get(row.id, [])],
                _region=row.region,
            )
        )
    return out


@strawberry.type(description="A completion certificate (수료증): its public verification code and where to check it.")
class Certificate:
    code: str
    verify_url: str
    download_url: str


@strawberry.type(description="An enrollment, as the enrollee, their employer or the course provider sees it.")
class Enrollment:
    id: strawberry.ID
    status: str
    status_label: str
    waitlist_position: int | None
    person_name: str
    company_name: str | None
    course_id: strawberry.ID
    course_title: str
    session_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    needs_employer_approval: bool
    needs_agency_approval: bool
    refusal_reason: str | None
    attendance_pct: int | None
    assessment_passed: bool | None
    completed_on: date | None
    certificate: Certificate | None
    can_cancel: bool


async def enrollments_of(session: AsyncSession, rows: Sequence[EnrollmentModel], public_url: str) -> list[Enrollment]:
    if not rows:
        return []
    sessions = {
        s.id: s
        for s in await session.scalars(sa.select(SessionModel).where(SessionModel.id.in_({r.session_id for r in rows})))
    }
    courses = {
        c.id: c
        for c in await session.scalars(
            sa.select(CourseModel).where(CourseModel.id.in_({s.course_id for s in sessions.values()}))
        )
    }
    people = dict(
        (
            await session.execute(sa.select(Person.id, Person.name).where(Person.id.in_({r.person_id for r in rows})))
        ).all()
    )
    company_ids = {r.company_id for r in rows if r.company_id}
    companies = (
        dict((await session.execute(sa.select(Company.id, Company.name).where(Company.id.in_(company_ids)))).all())
        if company_ids
        else {}
    )
    now = utcnow()
    base = public_url.rstrip("/")
    out = []
    for row in rows:
        course_session = sessions[row.session_id]
        course = courses[course_session.course_id]
        code = row.certificate_code if row.status.value == "completed" else None
        out.append(
            Enrollment(
                id=strawberry.ID(str(row.id)),
                status=row.status.value,
                status_label=service.STATUS_LABELS[row.status],
                waitlist_position=row.waitlist_position,
                person_name=people.get(row.person_id, ""),
                company_name=companies.get(row.company_id) if row.company_id else None,
                course_id=strawberry.ID(str(course.id)),
                course_title=course.title,
                session_id=strawberry.ID(str(course_session.id)),
                starts_at=course_session.starts_at,
                ends_at=course_session.ends_at,
                needs_employer_approval=row.employer_approved_at is None,
                needs_agency_approval=row.agency_approved_at is None,
                refusal_reason=row.refusal_reason,
                attendance_pct=row.attendance_pct,
                assessment_passed=row.assessment_passed,
                completed_on=row.completed_at.astimezone(service.KST).date() if row.completed_at else None,
                certificate=Certificate(
                    code=code,
                    verify_url=f"{base}/certificates/{code}",
                    download_url=f"{base}/me/certificates/{row.id}.pdf",
                )
                if code
                else None,
                can_cancel=row.status in service.OPEN and service.cancellation_open(course_session, now),
            )
        )
    return out


@strawberry.type(description="What anyone can check about a certificate code (the holder's name is masked).")
class CertificateVerification:
    valid: bool
    code: str
    holder: str | None = None
    course_title: str | None = None
    hours: int | None = None
    completed_on: date | None = None
    attendance_pct: int | None = None


@strawberry.type(description="A company's staff training record.")
class TrainingRecord:
    trained_staff: int = strawberry.field(description="Distinct people who completed a course for the company.")
    enrollments: list[Enrollment]
