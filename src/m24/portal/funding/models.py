"""Funding programs (지원사업 공고), their stages and eligibility rules, applications and their event log."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, str_enum, utcnow


class ProgramKind(enum.StrEnum):
    AI_FACTORY_BASIC = "ai_factory_basic"  # AI 스마트공장 구축 (기초)
    AI_FACTORY_ADVANCED = "ai_factory_advanced"  # AI 스마트공장 구축 (고도화)
    WIN_WIN = "win_win"  # 상생형 AI 공장
    SUBSCRIPTION = "subscription"  # 구독형 스마트공장
    ROBOT = "robot"  # 제조로봇 도입 지원
    MICRO = "micro"  # 소공인 스마트제조 지원
    CONSULTING = "consulting"  # 사전/사후 컨설팅
    DATA = "data"  # 제조 데이터 활용


class CallStatus(enum.StrEnum):
    """Derived from the application period, never stored."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class StageKind(enum.StrEnum):
    PRE_CONSULTING = "pre_consulting"
    APPLICATION = "application"
    ELIGIBILITY = "eligibility"
    REVIEW = "review"
    DECISION = "decision"
    AGREEMENT = "agreement"
    BUILD = "build"
    FINAL_INSPECTION = "final_inspection"
    OUTCOME_EVALUATION = "outcome_evaluation"
    SETTLEMENT = "settlement"


class ProgramAgencyRole(enum.StrEnum):
    OWNER = "owner"  # 소관
    OPERATOR = "operator"  # 수행 / 전담
    SCREENING = "screening"  # 지역 screening (테크노파크)
    CO_APPROVER = "co_approver"  # 상생형 sponsor


class FundingProgram(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "funding_programs"
    __table_args__ = (
        sa.CheckConstraint("application_starts_at < application_ends_at", name="period_order"),
        sa.CheckConstraint("government_share_pct + company_share_pct = 100", name="shares_sum_100"),
        sa.CheckConstraint("budget_krw >= 0", name="budget_non_negative"),
    )

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[ProgramKind] = mapped_column(str_enum(ProgramKind, "program_kind"), index=True)
    year: Mapped[int] = mapped_column(sa.Integer)
    owner_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    operator_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    application_starts_at: Mapped[datetime] = mapped_column(index=True)
    application_ends_at: Mapped[datetime] = mapped_column(index=True)
    budget_krw: Mapped[int] = mapped_column(sa.BigInteger)
    max_award_krw: Mapped[int] = mapped_column(sa.BigInteger)
    target_awards: Mapped[int] = mapped_column(sa.Integer, default=0)
    government_share_pct: Mapped[int] = mapped_column(sa.SmallInteger)
    company_share_pct: Mapped[int] = mapped_column(sa.SmallInteger)
    notice_url: Mapped[str | None] = mapped_column(sa.String(500))
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Maintained by the ``programs.refresh_counters`` task, not by request handlers.
    application_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")


class ProgramAgency(Base):
    """Which agencies take part in a program and how (routing rules build on this)."""

    __tablename__ = "program_agencies"

    program_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("funding_programs.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[ProgramAgencyRole] = mapped_column(
        str_enum(ProgramAgencyRole, "program_agency_role"), primary_key=True
    )


class ProgramRegion(Base):
    """Regions a call is open to; a call with none is nationwide."""

    __tablename__ = "program_regions"

    program_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("funding_programs.id", ondelete="CASCADE"), primary_key=True
    )
    region: Mapped[str] = mapped_column(sa.String(16), primary_key=True, index=True)


class ProgramIndustry(Base):
    """Industries (KSIC prefixes) a call targets; a call with none is open to all industries."""

    __tablename__ = "program_industries"

    program_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("funding_programs.id", ondelete="CASCADE"), primary_key=True
    )
    ksic_prefix: Mapped[str] = mapped_column(sa.String(5), primary_key=True)


class ProgramStage(IdMixin, Base):
    __tablename__ = "program_stages"
    __table_args__ = (sa.UniqueConstraint("program_id", "position"),)

    program_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_programs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(sa.SmallInteger)
    kind: Mapped[StageKind] = mapped_column(str_enum(StageKind, "program_stage_kind"))
    name: Mapped[str] = mapped_column(sa.String(100))
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)


class EligibilityRuleSet(IdMixin, TimestampMixin, Base):
    """Eligibility rules stored as data and versioned; a published version is never edited."""

    __tablename__ = "eligibility_rule_sets"
    __table_args__ = (sa.UniqueConstraint("program_id", "version"),)

    program_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_programs.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(sa.Integer)
    #: A list of rules, e.g. ``{"rule": "size_class_in", "values": ["micro", "small"]}``.
    rules: Mapped[list[Any]] = mapped_column(sa.JSON)
    published_at: Mapped[datetime | None] = mapped_column(default=None)


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBILITY_CHECK = "eligibility_check"
    ROUTED = "routed"
    UNDER_REVIEW = "under_review"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    AGREEMENT = "agreement"
    IN_PROGRESS = "in_progress"
    FINAL_INSPECTION = "final_inspection"
    COMPLETED = "completed"
    RECOUPED = "recouped"
    APPEAL = "appeal"


class FundingApplication(IdMixin, TimestampMixin, Base):
    __tablename__ = "funding_applications"
    __table_args__ = (sa.CheckConstraint("requested_amount_krw >= 0", name="amount_non_negative"),)

    program_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_programs.id"), index=True)
    company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    applicant_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"))
    #: The specialist supplier named in a consortium application.
    supplier_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    #: The sponsoring large firm of a 상생형 application.
    sponsor_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT, index=True
    )
    receipt_number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    requested_amount_krw: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    form_data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: Optimistic concurrency: every update bumps it, a stale write fails.
    row_version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}


class ApplicationEvent(IdMixin, Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "funding_application_events"
    __table_args__ = (sa.UniqueConstraint("application_id", "sequence"),)

    application_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_applications.id"), index=True)
    sequence: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    to_status: Mapped[str | None] = mapped_column(sa.String(32))
    actor_person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    acting_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    acting_agency_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("agencies.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
