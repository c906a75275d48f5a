"""AI-literacy courses, their sessions and enrollments."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, str_enum, utcnow


class Audience(enum.StrEnum):
    EXECUTIVE = "executive"  # 경영진
    MANAGER = "manager"  # 중간관리자
    FIELD_WORKER = "field_worker"  # 현장 작업자
    PRE_EMPLOYMENT = "pre_employment"  # 재직 전 (취업 준비)


class CourseLevel(enum.StrEnum):
    INTRO = "intro"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class CourseFormat(enum.StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    BLENDED = "blended"


class EnrollmentStatus(enum.StrEnum):
    PENDING_EMPLOYER = "pending_employer"
    PENDING_AGENCY = "pending_agency"
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


AUDIENCE_LABELS: dict[Audience, str] = {
    Audience.EXECUTIVE: "경영진",
    Audience.MANAGER: "중간관리자",
    Audience.FIELD_WORKER: "현장 작업자",
    Audience.PRE_EMPLOYMENT: "재직 전",
}
LEVEL_LABELS: dict[CourseLevel, str] = {
    CourseLevel.INTRO: "입문",
    CourseLevel.INTERMEDIATE: "중급",
    CourseLevel.ADVANCED: "고급",
}
FORMAT_LABELS: dict[CourseFormat, str] = {
    CourseFormat.ONLINE: "온라인",
    CourseFormat.OFFLINE: "오프라인",
    CourseFormat.BLENDED: "혼합",
}

#: Statuses that hold a seat of the session (a completed or not-completed enrollee held one too).
SEAT_HOLDING = frozenset(
    {
        EnrollmentStatus.PENDING_EMPLOYER,
        EnrollmentStatus.PENDING_AGENCY,
        EnrollmentStatus.ENROLLED,
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.NOT_COMPLETED,
    }
)


class Course(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "courses"
    __table_args__ = (
        sa.CheckConstraint(
            "(provider_agency_id IS NULL) <> (provider_company_id IS NULL)", name="exactly_one_provider"
        ),
    )

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "course_audience"), index=True)
    level: Mapped[CourseLevel] = mapped_column(str_enum(CourseLevel, "course_level"))
    format: Mapped[CourseFormat] = mapped_column(str_enum(CourseFormat, "course_format"))
    provider_agency_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("agencies.id"))
    provider_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    region: Mapped[str | None] = mapped_column(sa.String(16))
    hours: Mapped[int] = mapped_column(sa.Integer)
    requires_agency_approval: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    #: e.g. ``{"min_attendance_pct": 80, "assessment_required": true}``.
    completion_rule: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class CourseSession(IdMixin, TimestampMixin, Base):
    __tablename__ = "course_sessions"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("starts_at < ends_at", name="period_order"),
    )

    course_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    venue: Mapped[str | None] = mapped_column(sa.String(200))
    region: Mapped[str | None] = mapped_column(sa.String(16))
    capacity: Mapped[int] = mapped_column(sa.Integer)
    waitlist_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    enrollment_deadline: Mapped[datetime]
    cancellation_deadline: Mapped[datetime]
    #: Seats held (enrolled, or waiting for an approval) — claimed with one conditional UPDATE, so
    #: concurrent enrollments cannot overbook: ``seats_taken < capacity`` is checked by the database.
    seats_taken: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    #: The next waitlist position; taken with an UPDATE … RETURNING, so the order is first-come.
    waitlist_next: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    #: Set when the provider closed the session and completion was decided.
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class Enrollment(IdMixin, TimestampMixin, Base):
    __tablename__ = "enrollments"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("course_sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"), index=True)
    #: The employer the person enrolled for (approves staff enrollments).
    company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    status: Mapped[EnrollmentStatus] = mapped_column(str_enum(EnrollmentStatus, "enrollment_status"))
    waitlist_position: Mapped[int | None] = mapped_column(sa.Integer)
    #: Who asked (the person, or a representative enrolling a team).
    requested_by_person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    employer_approved_at: Mapped[datetime | None] = mapped_column(default=None)
    agency_approved_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Why an approver refused (the enrollee sees it).
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    assessment_passed: Mapped[bool | None] = mapped_column(sa.Boolean, default=None)
    attendance_pct: Mapped[int | None] = mapped_column(sa.SmallInteger, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The completion certificate's public verification code.
    certificate_code: Mapped[str | None] = mapped_column(sa.String(24), unique=True, default=None)


class AttendanceRecord(Base):
    """Presence on one day of a session, recorded by the provider."""

    __tablename__ = "attendance_records"

    enrollment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    present: Mapped[bool] = mapped_column(sa.Boolean)
    recorded_by_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
