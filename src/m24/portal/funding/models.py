"""Funding programs (지원사업 공고), their stages and eligibility rules, applications and their event log."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
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
    #: The application form as a JSON Schema (draft 2020-12); null means the standard form of its kind.
    form_schema: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    #: Review criteria ``[{"key", "label", "max"}]``; null means the standard scoring form.
    scoring_form: Mapped[list[Any] | None] = mapped_column(sa.JSON, default=None)
    #: Maximum awards per 시·도 code, e.g. ``{"GYEONGGI": 40}``; regions not listed are unlimited.
    region_quotas: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    #: Days an agency step may take before the SLA sweep escalates it.
    review_sla_days: Mapped[int] = mapped_column(sa.SmallInteger, default=14, server_default="14")
    reviewers_per_application: Mapped[int] = mapped_column(sa.SmallInteger, default=2, server_default="2")
    #: Days an applicant has to answer a request for supplement.
    supplement_days: Mapped[int] = mapped_column(sa.SmallInteger, default=10, server_default="10")
    #: A 제조AI 전문기업 지정 call: approval designates the applicant (a specialist firm) for
    #: DESIGNATION_VALIDITY instead of granting money, and nothing enters the support ledger.
    grants_designation: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())


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


class ApplicationCohort(IdMixin, TimestampMixin, Base):
    """A large firm's 상생형 cohort: one opening that creates linked applications for its supplier SMEs."""

    __tablename__ = "application_cohorts"

    program_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_programs.id"), index=True)
    sponsor_company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    created_by_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"))


class FundingApplication(IdMixin, TimestampMixin, Base):
    __tablename__ = "funding_applications"
    __table_args__ = (
        sa.CheckConstraint("requested_amount_krw >= 0", name="amount_non_negative"),
        # One application per company per call (a withdrawn one is not replaced). An index, not a
        # constraint, so SQLite can add it without copying the table.
        sa.Index("ux_funding_applications_program_company", "program_id", "company_id", unique=True),
    )

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
    #: The 상생형 cohort this application belongs to. No foreign key: adding one would make SQLite copy
    #: this table; the cohort service is the only writer and cohorts are never deleted.
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    #: The key the applicant's submit call carried; repeating it replays the receipt.
    submit_key: Mapped[str | None] = mapped_column(sa.String(100))
    supplier_confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Position of the active routing step (see :class:`RouteStep`).
    current_step: Mapped[int | None] = mapped_column(sa.SmallInteger, default=None)
    #: When the active agency step (or the applicant's supplement) is due; the SLA sweep watches it.
    due_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    review_score: Mapped[float | None] = mapped_column(sa.Float, default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    award_krw: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    settled_krw: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    recouped_krw: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    #: Number of revisions kept since submission.
    revision: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    #: Sequence of the last event appended (under the row lock): the next event's number without a query.
    event_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
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


class ApplicationRevision(IdMixin, Base):
    """The content of an application as it stood after each edit made after submission."""

    __tablename__ = "application_revisions"
    __table_args__ = (sa.UniqueConstraint("application_id", "revision"),)

    application_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_applications.id"), index=True)
    revision: Mapped[int] = mapped_column(sa.Integer)
    form_data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    requested_amount_krw: Mapped[int] = mapped_column(sa.BigInteger)
    supplier_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    author_person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicationDocument(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A file attached to an application, stored outside the web root under a generated name."""

    __tablename__ = "application_documents"

    application_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_applications.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(16))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    uploaded_by_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"))
    uploading_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))


class RoutingRule(IdMixin, TimestampMixin, Base):
    """Which agencies handle an application, in what order: data, matched by priority (highest first).

    A rule matches when every condition it sets holds (program kind, program, a KSIC prefix the call targets,
    whether a 상생형 sponsor is named). ``steps`` is a list of ``{"kind": "screening"|"co_approval"|
    "decision", "agency": selector}``; selectors: ``regional_technopark`` (the 테크노파크 of the company's
    시·도), ``program_operator``, ``program_owner``, ``sponsor_agency``, ``industry_agency`` (the agency
    specialised in the company's industry), ``agency:<CODE>``.
    """

    __tablename__ = "routing_rules"

    name: Mapped[str] = mapped_column(sa.String(100))
    priority: Mapped[int] = mapped_column(sa.Integer, default=0)
    program_kind: Mapped[str | None] = mapped_column(sa.String(32))
    program_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("funding_programs.id", ondelete="CASCADE"))
    ksic_prefix: Mapped[str | None] = mapped_column(sa.String(5))
    requires_sponsor: Mapped[bool | None] = mapped_column(sa.Boolean, default=None)
    steps: Mapped[list[Any]] = mapped_column(sa.JSON)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class StepKind(enum.StrEnum):
    SCREENING = "screening"  # 요건·서면 평가 (reviewers score)
    CO_APPROVAL = "co_approval"  # 상생형 sponsor's approval
    DECISION = "decision"  # 선정 (an approver decides)


class StepStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"


class RouteStep(IdMixin, Base):
    """One agency step of an application's route, created once by the routing task."""

    __tablename__ = "application_route_steps"
    __table_args__ = (sa.UniqueConstraint("application_id", "position"),)

    application_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_applications.id"), index=True)
    position: Mapped[int] = mapped_column(sa.SmallInteger)
    kind: Mapped[StepKind] = mapped_column(str_enum(StepKind, "route_step_kind"))
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    status: Mapped[StepStatus] = mapped_column(str_enum(StepStatus, "route_step_status"), default=StepStatus.PENDING)
    rule_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("routing_rules.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class AssignmentStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"


class ReviewAssignment(IdMixin, Base):
    """A reviewer assigned to score an application at one screening step; the review itself."""

    __tablename__ = "review_assignments"
    __table_args__ = (sa.UniqueConstraint("application_id", "step_position", "reviewer_person_id"),)

    application_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_applications.id"), index=True)
    step_position: Mapped[int] = mapped_column(sa.SmallInteger)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"))
    reviewer_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus, "review_assignment_status"), default=AssignmentStatus.ASSIGNED, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    scores: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    total: Mapped[float | None] = mapped_column(sa.Float, default=None)
    comment: Mapped[str | None] = mapped_column(sa.Text, default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)


class ReviewerConflict(Base):
    """A declared conflict of interest: the reviewer must not review this company's applications."""

    __tablename__ = "reviewer_conflicts"

    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(200))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)


class Milestone(IdMixin, Base):
    __tablename__ = "application_milestones"
    __table_args__ = (sa.UniqueConstraint("application_id", "position"),)

    application_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_applications.id"), index=True)
    position: Mapped[int] = mapped_column(sa.SmallInteger)
    title: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date] = mapped_column(sa.Date)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(sa.String(500), default=None)


class OutcomeKpi(Base):
    """An outcome indicator before (baseline) and after (result) the project."""

    __tablename__ = "application_outcome_kpis"

    application_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("funding_applications.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    baseline: Mapped[float] = mapped_column(sa.Float)
    target: Mapped[float | None] = mapped_column(sa.Float, default=None)
    result: Mapped[float | None] = mapped_column(sa.Float, default=None)


class SupportAward(IdMixin, TimestampMixin, Base):
    """The support ledger: every award by 사업자등록번호, across programs and agencies."""

    __tablename__ = "support_awards"

    business_number: Mapped[str] = mapped_column(sa.String(10), index=True)
    company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    application_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("funding_applications.id"), unique=True)
    program_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("funding_programs.id"))
    program_kind: Mapped[str] = mapped_column(sa.String(32))
    program_title: Mapped[str] = mapped_column(sa.String(300))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("agencies.id"))
    supplier_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    region: Mapped[str] = mapped_column(sa.String(16), index=True)
    award_krw: Mapped[int] = mapped_column(sa.BigInteger)
    awarded_at: Mapped[datetime] = mapped_column(index=True)
    recouped_krw: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class WorkflowFailure(IdMixin, Base):
    """A task that failed for good (retries exhausted or a permanent error): `m24 workflows stuck` lists it."""

    __tablename__ = "workflow_failures"

    task_name: Mapped[str] = mapped_column(sa.String(100))
    application_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("funding_applications.id"), index=True)
    arguments: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str] = mapped_column(sa.Text)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
