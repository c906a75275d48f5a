"""Enrollment in AI-literacy course sessions: seats, a first-come waitlist, employer and agency
approval, team enrollment, cancellation with automatic promotion, attendance, completion and the
completion certificate.

No overbooking: a seat is claimed with one conditional statement,
``UPDATE course_sessions SET seats_taken = seats_taken + 1 WHERE id = … AND seats_taken < capacity``.
The database checks the bound and holds the row lock until commit, so concurrent enrollments are
serialised on the session row; the waitlist position comes from ``waitlist_next`` the same way, so
the order is the order in which enrollments reached the row. A seat that frees goes to the first
waitlisted enrollee in the same transaction.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.db import utcnow
from m24.kit.errors import AppError, Conflict, ErrorCode, Forbidden, NotFound, Unauthenticated, ValidationFailed
from m24.portal.audit.service import RequestMeta, record
from m24.portal.notifications.service import notify
from m24.portal.people.models import CompanyMembership, CompanyRole, MembershipStatus, Person
from m24.portal.training.certificates import new_verification_code, normalize_code
from m24.portal.training.models import (
    AttendanceRecord,
    Course,
    CourseSession,
    Enrollment,
    EnrollmentStatus,
)

KST = timezone(timedelta(hours=9))
#: Statuses that hold a seat right now (an open enrollment).
HOLDING = (EnrollmentStatus.PENDING_EMPLOYER, EnrollmentStatus.PENDING_AGENCY, EnrollmentStatus.ENROLLED)
OPEN = (*HOLDING, EnrollmentStatus.WAITLISTED)
MAX_TEAM = 30
DEFAULT_MIN_ATTENDANCE_PCT = 80

STATUS_LABELS = {
    EnrollmentStatus.PENDING_EMPLOYER: "소속 기업 승인 대기",
    EnrollmentStatus.PENDING_AGENCY: "운영 기관 승인 대기",
    EnrollmentStatus.ENROLLED: "수강 확정",
    EnrollmentStatus.WAITLISTED: "대기",
    EnrollmentStatus.CANCELLED: "취소",
    EnrollmentStatus.COMPLETED: "수료",
    EnrollmentStatus.NOT_COMPLETED: "미수료",
}


@dataclass(frozen=True)
class Loaded:
    enrollment: Enrollment
    session: CourseSession
    course: Course


# --- who may do what ---------------------------------------------------------------------------------


def is_provider_staff(principal: Principal, course: Course) -> bool:
    """Members of the providing agency or firm run the course: approvals, attendance, completion."""
    if principal.is_platform_admin:
        return True
    if course.provider_agency_id is not None and principal.agency_roles(course.provider_agency_id):
        return True
    return course.provider_company_id is not None and principal.company_role(course.provider_company_id) is not None


def is_employer(principal: Principal, enrollment: Enrollment) -> bool:
    return enrollment.company_id is not None and principal.company_role(enrollment.company_id) == "representative"


def can_see(principal: Principal, enrollment: Enrollment, course: Course) -> bool:
    return (
        principal.person_id == enrollment.person_id
        or is_employer(principal, enrollment)
        or is_provider_staff(principal, course)
    )


# --- loading -----------------------------------------------------------------------------------------


async def _session_and_course(session: AsyncSession, session_id: uuid.UUID) -> tuple[CourseSession, Course]:
    row = (
        await session.execute(
            sa.select(CourseSession, Course)
            .join(Course, Course.id == CourseSession.course_id)
            .where(CourseSession.id == session_id, Course.deleted_at.is_(None))
        )
    ).first()
    if row is None:
        raise NotFound("교육 일정을 찾을 수 없습니다.", field="sessionId")
    return row[0], row[1]


async def load(session: AsyncSession, principal: Principal, enrollment_id: uuid.UUID, *, lock: bool = True) -> Loaded:
    statement = sa.select(Enrollment).where(Enrollment.id == enrollment_id)
    if lock:
        statement = statement.with_for_update()
    enrollment = (await session.scalars(statement)).first()
    if enrollment is None:
        raise NotFound("수강 신청을 찾을 수 없습니다.", field="enrollmentId")
    course_session, course = await _session_and_course(session, enrollment.session_id)
    if not can_see(principal, enrollment, course):
        raise NotFound("수강 신청을 찾을 수 없습니다.", field="enrollmentId")
    return Loaded(enrollment, course_session, course)


# --- seats -------------------------------------------------------------------------------------------


async def _claim_seat(session: AsyncSession, session_id: uuid.UUID) -> bool:
    claimed = await session.execute(
        sa.update(CourseSession)
        .where(CourseSession.id == session_id, CourseSession.seats_taken < CourseSession.capacity)
        .values(seats_taken=CourseSession.seats_taken + 1)
        .returning(CourseSession.seats_taken)
    )
    return claimed.first() is not None


async def _next_waitlist_position(session: AsyncSession, session_id: uuid.UUID) -> int:
    taken = await session.execute(
        sa.update(CourseSession)
        .where(CourseSession.id == session_id)
        .values(waitlist_next=CourseSession.waitlist_next + 1)
        .returning(CourseSession.waitlist_next)
    )
    return int(taken.scalar_one()) - 1


def _seat_status(enrollment: Enrollment) -> EnrollmentStatus:
    if enrollment.employer_approved_at is None:
        return EnrollmentStatus.PENDING_EMPLOYER
    if enrollment.agency_approved_at is None:
        return EnrollmentStatus.PENDING_AGENCY
    return EnrollmentStatus.ENROLLED


async def _release_seat(session: AsyncSession, course_session: CourseSession, course: Course, now: datetime) -> None:
    """A seat freed: it goes to the first waitlisted enrollee, else back to the pool. The session row is
    locked first (by the UPDATE), so a concurrent enrollment cannot take the seat past the waitlist."""
    await session.execute(
        sa.update(CourseSession)
        .where(CourseSession.id == course_session.id)
        .values(seats_taken=CourseSession.seats_taken - 1)
    )
    first = (
        await session.scalars(
            sa.select(Enrollment)
            .where(Enrollment.session_id == course_session.id, Enrollment.status == EnrollmentStatus.WAITLISTED)
            .order_by(Enrollment.waitlist_position, Enrollment.id)
            .limit(1)
            .with_for_update()
        )
    ).first()
    if first is None:
        return
    await session.execute(
        sa.update(CourseSession)
        .where(CourseSession.id == course_session.id)
        .values(seats_taken=CourseSession.seats_taken + 1)
    )
    first.status = _seat_status(first)
    first.waitlist_position = None
    await notify(
        session,
        [first.person_id],
        "enrollment.promoted",
        {"course": course.title, "starts": course_session.starts_at.astimezone(KST).strftime("%Y-%m-%d")},
        f"enrollment-promoted:{first.id}",
    )


# --- enrolling ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrollRequest:
    session_id: uuid.UUID
    #: the employer the enrollment is for; None for an individual (e.g. pre-employment training)
    company_id: uuid.UUID | None = None
    #: people to enroll; empty means the caller. Others only for a representative of ``company_id``.
    person_ids: tuple[uuid.UUID, ...] = ()


async def _active_role(session: AsyncSession, company_id: uuid.UUID, person_id: uuid.UUID) -> str | None:
    role = await session.scalar(
        sa.select(CompanyMembership.role).where(
            CompanyMembership.company_id == company_id,
            CompanyMembership.person_id == person_id,
            CompanyMembership.status == MembershipStatus.ACTIVE,
        )
    )
    return role.value if role is not None else None


async def enroll(
    session: AsyncSession, principal: Principal, request: EnrollRequest, meta: RequestMeta, now: datetime | None = None
) -> list[Enrollment]:
    """Enroll the caller, or (a representative) a team of the company's staff: all or none."""
    now = now or utcnow()
    if principal.person_id is None:
        raise Unauthenticated()
    people = list(dict.fromkeys(request.person_ids)) or [principal.person_id]
    if len(people) > MAX_TEAM:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, f"personIds: 한 번에 {MAX_TEAM}명까지 신청할 수 있습니다.", field="personIds"
        )
    course_session, course = await _session_and_course(session, request.session_id)
    if course_session.completed_at is not None or now > course_session.enrollment_deadline:
        raise AppError(ErrorCode.ENROLLMENT_CLOSED, "수강 신청 기간이 지났습니다.", field="sessionId")
    caller_role = None
    if request.company_id is not None:
        caller_role = principal.company_role(request.company_id)
        if caller_role is None:
            raise NotFound("기업을 찾을 수 없습니다.", field="companyId")
    team = people != [principal.person_id]
    if team and caller_role != "representative":
        raise Forbidden("다른 직원의 수강 신청은 기업 대표자만 할 수 있습니다.", field="personIds")
    roles: dict[uuid.UUID, str | None] = {}
    for person_id in people:
        role = await _active_role(session, request.company_id, person_id) if request.company_id else None
        if request.company_id is not None and role is None:
            raise NotFound("이 기업의 구성원이 아닌 사람이 있습니다.", field="personIds")
        roles[person_id] = role
    existing = {
        e.person_id: e
        for e in await session.scalars(
            sa.select(Enrollment)
            .where(Enrollment.session_id == course_session.id, Enrollment.person_id.in_(people))
            .with_for_update()
        )
    }
    for person_id in people:
        found = existing.get(person_id)
        if found is not None and found.status is not EnrollmentStatus.CANCELLED:
            raise Conflict(ErrorCode.ALREADY_ENROLLED, "이미 신청한 교육 일정입니다.", field="personIds")
    created: list[Enrollment] = []
    for person_id in people:
        # The representative's own request, or one the representative makes, needs no employer approval;
        # a staff member asking for themselves does. An individual (no employer) needs none.
        needs_employer = request.company_id is not None and roles[person_id] != "representative" and not team
        enrollment = existing.get(person_id) or Enrollment(session_id=course_session.id, person_id=person_id)
        enrollment.company_id = request.company_id
        enrollment.requested_by_person_id = principal.person_id
        enrollment.employer_approved_at = None if needs_employer else now
        enrollment.agency_approved_at = None if course.requires_agency_approval else now
        enrollment.cancelled_at = None
        enrollment.refusal_reason = None
        if await _claim_seat(session, course_session.id):
            enrollment.status = _seat_status(enrollment)
            enrollment.waitlist_position = None
        elif course_session.waitlist_enabled:
            enrollment.status = EnrollmentStatus.WAITLISTED
            enrollment.waitlist_position = await _next_waitlist_position(session, course_session.id)
        else:
            raise AppError(ErrorCode.SESSION_FULL, "정원이 찼고 대기 신청을 받지 않는 일정입니다.", field="sessionId")
        if enrollment not in existing.values():
            session.add(enrollment)
        created.append(enrollment)
    await session.flush()
    for enrollment in created:
        record(
            session,
            principal,
            "enrollment.requested",
            "enrollment",
            enrollment.id,
            meta,
            company_id=request.company_id,
            details={"status": enrollment.status.value},
        )
        if enrollment.status is EnrollmentStatus.PENDING_EMPLOYER and request.company_id is not None:
            representatives = await session.scalars(
                sa.select(CompanyMembership.person_id).where(
                    CompanyMembership.company_id == request.company_id,
                    CompanyMembership.role == CompanyRole.REPRESENTATIVE,
                    CompanyMembership.status == MembershipStatus.ACTIVE,
                )
            )
            await notify(
                session,
                list(representatives),
                "enrollment.approval_needed",
                {"course": course.title},
                f"enrollment-approval:{enrollment.id}:{enrollment.updated_at.timestamp() if enrollment.updated_at else 0}",
            )
    return created


# --- approvals and cancellation ------------------------------------------------------------------------


async def decide(
    session: AsyncSession,
    principal: Principal,
    enrollment_id: uuid.UUID,
    *,
    approve: bool,
    reason: str | None,
    meta: RequestMeta,
    now: datetime | None = None,
) -> Enrollment:
    """The employer (company representative) and then, where the course requires it, the providing
    agency approve; a refusal with a reason cancels and frees the seat."""
    now = now or utcnow()
    loaded = await load(session, principal, enrollment_id)
    enrollment, course_session, course = loaded.enrollment, loaded.session, loaded.course
    if enrollment.status not in OPEN:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, "승인할 수 없는 상태입니다.", field="enrollmentId")
    if enrollment.employer_approved_at is None:
        stage = "employer"
        allowed = is_employer(principal, enrollment)
    elif enrollment.agency_approved_at is None:
        stage = "agency"
        allowed = is_provider_staff(principal, course)
    else:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, "승인할 단계가 없습니다.", field="enrollmentId")
    if not allowed:
        raise Forbidden()
    if approve:
        if stage == "employer":
            enrollment.employer_approved_at = now
        else:
            enrollment.agency_approved_at = now
        if enrollment.status in HOLDING:
            enrollment.status = _seat_status(enrollment)
    else:
        if not reason or not reason.strip():
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "reason: 반려 사유를 적어 주세요.", field="reason")
        held = enrollment.status in HOLDING
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.refusal_reason = reason.strip()
        enrollment.cancelled_at = now
        enrollment.waitlist_position = None
        if held:
            await _release_seat(session, course_session, course, now)
        await notify(
            session,
            [enrollment.person_id],
            "enrollment.refused",
            {"course": course.title, "reason": enrollment.refusal_reason},
            f"enrollment-refused:{enrollment.id}:{now.timestamp()}",
        )
    await session.flush()
    record(
        session,
        principal,
        f"enrollment.{stage}_{'approved' if approve else 'refused'}",
        "enrollment",
        enrollment.id,
        meta,
        company_id=enrollment.company_id,
    )
    return enrollment


async def cancel(
    session: AsyncSession,
    principal: Principal,
    enrollment_id: uuid.UUID,
    meta: RequestMeta,
    now: datetime | None = None,
) -> Enrollment:
    """The enrollee or their employer cancels before the session's cancellation deadline."""
    now = now or utcnow()
    loaded = await load(session, principal, enrollment_id)
    enrollment, course_session, course = loaded.enrollment, loaded.session, loaded.course
    if principal.person_id != enrollment.person_id and not is_employer(principal, enrollment):
        raise Forbidden()
    if enrollment.status not in OPEN:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, "취소할 수 없는 상태입니다.", field="enrollmentId")
    if now > course_session.cancellation_deadline:
        raise AppError(ErrorCode.CANCELLATION_CLOSED, "취소 기한이 지났습니다.", field="enrollmentId")
    held = enrollment.status in HOLDING
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.cancelled_at = now
    enrollment.waitlist_position = None
    if held:
        await _release_seat(session, course_session, course, now)
    await session.flush()
    record(
        session, principal, "enrollment.cancelled", "enrollment", enrollment.id, meta, company_id=enrollment.company_id
    )
    return enrollment


# --- attendance, assessment, completion ---------------------------------------------------------------


def session_days(course_session: CourseSession) -> list[date]:
    first = course_session.starts_at.astimezone(KST).date()
    last = course_session.ends_at.astimezone(KST).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def _for_the_register(session: AsyncSession, principal: Principal, enrollment_id: uuid.UUID, what: str) -> Loaded:
    """A confirmed enrollment of an open session, loaded for its provider's staff (attendance, assessment)."""
    loaded = await load(session, principal, enrollment_id)
    if not is_provider_staff(principal, loaded.course):
        raise Forbidden()
    if loaded.enrollment.status is not EnrollmentStatus.ENROLLED or loaded.session.completed_at is not None:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, f"수강 확정된 신청만 {what} 기록합니다.", field="enrollmentId")
    return loaded


async def record_attendance(
    session: AsyncSession,
    principal: Principal,
    enrollment_id: uuid.UUID,
    day: date,
    present: bool,
    meta: RequestMeta,
) -> Enrollment:
    loaded = await _for_the_register(session, principal, enrollment_id, "출석을")
    if day not in session_days(loaded.session):
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "day: 교육 기간에 속한 날짜가 아닙니다.", field="day")
    assert principal.person_id is not None
    existing = await session.get(AttendanceRecord, (loaded.enrollment.id, day))
    if existing is None:
        session.add(
            AttendanceRecord(
                enrollment_id=loaded.enrollment.id, day=day, present=present, recorded_by_person_id=principal.person_id
            )
        )
    else:
        existing.present = present
        existing.recorded_by_person_id = principal.person_id
        existing.recorded_at = utcnow()
    await session.flush()
    record(
        session,
        principal,
        "enrollment.attendance",
        "enrollment",
        loaded.enrollment.id,
        meta,
        details={"day": day.isoformat(), "present": present},
    )
    return loaded.enrollment


async def record_assessment(
    session: AsyncSession, principal: Principal, enrollment_id: uuid.UUID, passed: bool, meta: RequestMeta
) -> Enrollment:
    loaded = await _for_the_register(session, principal, enrollment_id, "평가를")
    loaded.enrollment.assessment_passed = passed
    await session.flush()
    record(
        session,
        principal,
        "enrollment.assessment",
        "enrollment",
        loaded.enrollment.id,
        meta,
        details={"passed": passed},
    )
    return loaded.enrollment


@dataclass(frozen=True)
class CompletionRule:
    min_attendance_pct: int
    assessment_required: bool

    @staticmethod
    def of(course: Course) -> CompletionRule:
        rule = course.completion_rule or {}
        return CompletionRule(
            int(rule.get("min_attendance_pct", DEFAULT_MIN_ATTENDANCE_PCT)),
            bool(rule.get("assessment_required", False)),
        )


async def complete_session(
    session: AsyncSession, principal: Principal, session_id: uuid.UUID, meta: RequestMeta, now: datetime | None = None
) -> list[Enrollment]:
    """On or after the last day, the provider closes the session: every confirmed enrollee completes
    (attendance at least the course's minimum, and a passed assessment where required) or does not.
    Completion issues a certificate code. Idempotent: a closed session is not closed again."""
    now = now or utcnow()
    _, course = await _session_and_course(session, session_id)
    if not is_provider_staff(principal, course):
        raise NotFound("교육 일정을 찾을 수 없습니다.", field="sessionId")
    locked = (
        await session.scalars(sa.select(CourseSession).where(CourseSession.id == session_id).with_for_update())
    ).one()
    if locked.completed_at is not None:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, "이미 수료 처리된 일정입니다.", field="sessionId")
    if now.astimezone(KST).date() < session_days(locked)[-1]:
        raise AppError(ErrorCode.SESSION_NOT_ENDED, "교육 마지막 날부터 수료 처리할 수 있습니다.", field="sessionId")
    rule = CompletionRule.of(course)
    days = session_days(locked)
    enrolled = list(
        await session.scalars(
            sa.select(Enrollment)
            .where(Enrollment.session_id == session_id, Enrollment.status == EnrollmentStatus.ENROLLED)
            .with_for_update()
        )
    )
    present: dict[uuid.UUID, int] = {}
    if enrolled:
        rows = await session.execute(
            sa.select(AttendanceRecord.enrollment_id, sa.func.count())
            .where(AttendanceRecord.enrollment_id.in_([e.id for e in enrolled]), AttendanceRecord.present.is_(True))
            .group_by(AttendanceRecord.enrollment_id)
        )
        present = {enrollment_id: int(count) for enrollment_id, count in rows.all()}
    for enrollment in enrolled:
        pct = math.floor(100 * present.get(enrollment.id, 0) / len(days))
        enrollment.attendance_pct = pct
        passed = pct >= rule.min_attendance_pct and (
            not rule.assessment_required or enrollment.assessment_passed is True
        )
        enrollment.status = EnrollmentStatus.COMPLETED if passed else EnrollmentStatus.NOT_COMPLETED
        if passed:
            enrollment.completed_at = now
            enrollment.certificate_code = new_verification_code()
    locked.completed_at = now
    await session.flush()
    for enrollment in enrolled:
        if enrollment.status is EnrollmentStatus.COMPLETED:
            await notify(
                session,
                [enrollment.person_id],
                "enrollment.completed",
                {"course": course.title},
                f"enrollment-completed:{enrollment.id}",
            )
    record(
        session,
        principal,
        "session.completed",
        "course_session",
        session_id,
        meta,
        details={"completed": sum(e.status is EnrollmentStatus.COMPLETED for e in enrolled), "of": len(enrolled)},
    )
    return enrolled


async def ensure_certificate(session: AsyncSession, enrollment: Enrollment) -> str | None:
    """A completed enrollment's certificate code, issued now for completions recorded without one."""
    if enrollment.status is not EnrollmentStatus.COMPLETED:
        return None
    if enrollment.certificate_code is None:
        enrollment.certificate_code = new_verification_code()
        await session.flush()
    return enrollment.certificate_code


# --- verification and records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedCertificate:
    code: str
    holder: str
    course_title: str
    hours: int
    completed_on: date
    attendance_pct: int | None
    enrollment_id: uuid.UUID


def mask_name(name: str) -> str:
    """김민수 → 김*수, 남궁민수 → 남**수: enough to match the paper, not enough to harvest."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


async def verify_certificate(session: AsyncSession, code: str) -> VerifiedCertificate | None:
    canonical = normalize_code(code)
    if canonical is None:
        return None
    row = (
        await session.execute(
            sa.select(Enrollment, Person.name, Course.title, Course.hours)
            .join(Person, Person.id == Enrollment.person_id)
            .join(CourseSession, CourseSession.id == Enrollment.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .where(Enrollment.certificate_code == canonical, Enrollment.status == EnrollmentStatus.COMPLETED)
        )
    ).first()
    if row is None:
        return None
    enrollment, name, title, hours = row
    completed = (enrollment.completed_at or enrollment.updated_at).astimezone(KST).date()
    return VerifiedCertificate(
        canonical, mask_name(name), title, hours, completed, enrollment.attendance_pct, enrollment.id
    )


async def trained_staff_count(session: AsyncSession, company_id: uuid.UUID) -> int:
    """Distinct people who completed a course for this company (what eligibility rules count)."""
    return int(
        await session.scalar(
            sa.select(sa.func.count(sa.distinct(Enrollment.person_id))).where(
                Enrollment.company_id == company_id, Enrollment.status == EnrollmentStatus.COMPLETED
            )
        )
        or 0
    )


def cancellation_open(course_session: CourseSession, now: datetime) -> bool:
    return now <= course_session.cancellation_deadline


def enrollment_open(course_session: CourseSession, now: datetime) -> bool:
    return course_session.completed_at is None and now <= course_session.enrollment_deadline
