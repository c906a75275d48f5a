"""Deterministic demo data for 제조 AI 24: agencies, companies, people, calls, applications, courses, datasets.

Contract of :func:`seed`:

* **Deterministic.** Every value — ids included — comes from ``random.Random`` streams seeded with fixed
  strings (one stream per section, so sections do not disturb one another). The same ``scale`` and
  ``today`` give identical rows on every run and every backend.
* **Relative to today.** Call periods, sessions and events are placed around ``today`` (default: today in
  Asia/Seoul). Calls open at 09:00 KST and close at 18:00 KST, and no call starts or ends on ``today``
  itself, so a call's status (upcoming / open / closed) is the same at every instant of that day. Past
  timestamps (creation, events, decisions) all lie before 00:00 KST of ``today``.
* **Idempotent.** If ``agencies`` holds any row the database is left untouched and the report has
  ``skipped=True`` (its counts are then the rows present). ``reset=True`` first empties every table.
* **Bulk.** Rows are written with SQLAlchemy Core ``insert`` executemany; companies (with their people,
  memberships and offerings) in batches of :data:`BATCH_SIZE`, one transaction per batch. A seed that fails
  half-way leaves a partial database: run it again with ``reset=True``.
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone
from itertools import accumulate
from typing import Any, TypeVar

import sqlalchemy as sa

from m24.kit import brn
from m24.kit.db import make_sync_engine
from m24.portal import models
from m24.portal.agencies.models import AgencyKind, AgencyTier
from m24.portal.companies.models import MaturityLevel, SizeClass
from m24.portal.datasets.models import AccessRequestStatus, AccessTier, DataKind, DatasetStatus
from m24.portal.funding import forms, routing
from m24.portal.funding.models import (
    ApplicationStatus,
    AssignmentStatus,
    ProgramAgencyRole,
    ProgramKind,
    StageKind,
    StepStatus,
)
from m24.portal.funding.models import StepKind as StepKind_
from m24.portal.people.models import AgencyRole, CompanyRole, MembershipStatus
from m24.portal.reference.regions import BY_CODE, REGIONS
from m24.portal.seed import data
from m24.portal.specialists.models import OfferingKind, PriceModel
from m24.portal.training.models import SEAT_HOLDING, Audience, CourseFormat, CourseLevel, EnrollmentStatus

#: Korea Standard Time; Korea has no daylight saving time, so a fixed offset is exact.
KST = timezone(timedelta(hours=9), "KST")
#: Companies (with their people, memberships and offerings) written per transaction.
BATCH_SIZE = 5000
#: The smallest ``scale`` that still puts a company in each of the 17 시·도 and fills every section.
MIN_SCALE = 20
#: Tables whose rows database triggers protect from UPDATE and DELETE.
APPEND_ONLY_TABLES = ("audit_log", "funding_application_events")

Progress = Callable[[str, int, int], None]
_T = TypeVar("_T")
Row = dict[str, Any]

# 사업자등록번호: nine digits = tax office (3) + business kind (2) + serial (4). Company index i is mapped
# bijectively onto (office, serial) pairs by an affine map modulo 700 offices × 10 000 serials, so numbers
# are unique without bookkeeping and look scattered rather than sequential.
_BRN_SPACE = 700 * 10_000
_BRN_STEP = 1_234_567  # coprime with 2, 5 and 7, hence with _BRN_SPACE
_BRN_OFFSET = 3_141_592

_MATURITY_ORDER = [m.value for m in MaturityLevel]
_APPLICANT_KINDS = frozenset({"created", "submitted", "withdrawn", "appealed", "supplement_submitted"})
_SYSTEM_KINDS = frozenset({"eligibility_checked", "routed"})
_EVENT_KIND: dict[ApplicationStatus, str] = {
    ApplicationStatus.SUBMITTED: "submitted",
    ApplicationStatus.ELIGIBILITY_CHECK: "eligibility_checked",
    ApplicationStatus.ROUTED: "routed",
    ApplicationStatus.UNDER_REVIEW: "review_started",
    ApplicationStatus.SUPPLEMENT_REQUESTED: "supplement_requested",
    ApplicationStatus.APPROVED: "approved",
    ApplicationStatus.REJECTED: "rejected",
    ApplicationStatus.APPEAL: "appealed",
    ApplicationStatus.WITHDRAWN: "withdrawn",
    ApplicationStatus.AGREEMENT: "agreement_signed",
    ApplicationStatus.IN_PROGRESS: "build_started",
    ApplicationStatus.FINAL_INSPECTION: "final_inspection_started",
    ApplicationStatus.COMPLETED: "completed",
    ApplicationStatus.RECOUPED: "recouped",
}
_S = ApplicationStatus
_STATUS_WEIGHTS_OPEN = (
    (_S.DRAFT, 25),
    (_S.SUBMITTED, 25),
    (_S.ELIGIBILITY_CHECK, 12),
    (_S.ROUTED, 10),
    (_S.UNDER_REVIEW, 10),
    (_S.SUPPLEMENT_REQUESTED, 8),
    (_S.WITHDRAWN, 5),
)
_STATUS_WEIGHTS_RECENT = (
    (_S.ELIGIBILITY_CHECK, 5),
    (_S.ROUTED, 10),
    (_S.UNDER_REVIEW, 40),
    (_S.SUPPLEMENT_REQUESTED, 15),
    (_S.REJECTED, 5),
    (_S.WITHDRAWN, 5),
)
_STATUS_WEIGHTS_DECIDED = (
    (_S.UNDER_REVIEW, 5),
    (_S.APPROVED, 20),
    (_S.REJECTED, 20),
    (_S.APPEAL, 5),
    (_S.AGREEMENT, 25),
    (_S.IN_PROGRESS, 20),
    (_S.WITHDRAWN, 5),
)
_STATUS_WEIGHTS_OLD = (
    (_S.REJECTED, 18),
    (_S.APPEAL, 3),
    (_S.AGREEMENT, 2),
    (_S.IN_PROGRESS, 20),
    (_S.FINAL_INSPECTION, 15),
    (_S.COMPLETED, 35),
    (_S.RECOUPED, 2),
    (_S.WITHDRAWN, 5),
)
_MAIN_PATH = (_S.DRAFT, _S.SUBMITTED, _S.ELIGIBILITY_CHECK, _S.ROUTED, _S.UNDER_REVIEW)
_AFTER_APPROVAL = (_S.AGREEMENT, _S.IN_PROGRESS, _S.FINAL_INSPECTION, _S.COMPLETED, _S.RECOUPED)


@dataclass(frozen=True)
class SeedReport:
    """Rows written per table (or, when ``skipped``, the rows already present)."""

    agencies: int = 0
    agency_regions: int = 0
    agency_industries: int = 0
    companies: int = 0
    people: int = 0
    company_memberships: int = 0
    agency_memberships: int = 0
    funding_programs: int = 0
    program_agencies: int = 0
    program_regions: int = 0
    program_industries: int = 0
    program_stages: int = 0
    eligibility_rule_sets: int = 0
    funding_applications: int = 0
    funding_application_events: int = 0
    routing_rules: int = 0
    application_route_steps: int = 0
    review_assignments: int = 0
    support_awards: int = 0
    specialist_ratings: int = 0
    specialist_offerings: int = 0
    courses: int = 0
    course_sessions: int = 0
    enrollments: int = 0
    datasets: int = 0
    dataset_distributions: int = 0
    dataset_access_requests: int = 0
    audit_log: int = 0
    skipped: bool = False

    @classmethod
    def from_counts(cls, counts: dict[str, int], *, skipped: bool = False) -> SeedReport:
        """A report from table name → row count (unknown names are an error)."""
        values: dict[str, Any] = dict(counts)
        return cls(**values, skipped=skipped)

    def counts(self) -> dict[str, int]:
        """Table name → row count."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "skipped"}


def _table_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(SeedReport) if f.name != "skipped")


def seed(
    database_url: str,
    *,
    scale: int = 200,
    today: date | None = None,
    progress: Progress | None = None,
    reset: bool = False,
) -> SeedReport:
    """Fill an empty, migrated database with deterministic Korean demo data and report the row counts.

    ``scale`` is the number of generated companies (demand SMEs and ~8% specialist suppliers); six fixed
    companies (four large firms, the demo SME and the demo specialist) come on top. Applications number
    ``max(10, scale // 10)``. ``progress(step, done, total)`` is called as each step advances (per batch for
    companies). With ``reset=True`` every table is emptied first (``TRUNCATE … CASCADE`` on PostgreSQL; on
    SQLite the append-only triggers are dropped for the delete and recreated from their stored SQL).
    Raises ``ValueError`` for a ``scale`` below :data:`MIN_SCALE`.
    """
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} (got {scale})")
    if scale + 16 > _BRN_SPACE:
        raise ValueError("scale too large for distinct business registration numbers")
    day = today if today is not None else datetime.now(KST).date()
    engine = make_sync_engine(database_url)
    try:
        if reset:
            _reset(engine)
        elif _has_agencies(engine):
            return SeedReport.from_counts(_count_rows(engine), skipped=True)
        seeder = _Seeder(engine, scale=scale, today=day, progress=progress)
        seeder.run()
        return SeedReport.from_counts(seeder.counts)
    finally:
        engine.dispose()


# --- Database housekeeping --------------------------------------------------------------------------


def _tables() -> dict[str, sa.Table]:
    return dict(models.Base.metadata.tables)


def _has_agencies(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(_tables()["agencies"])).scalar_one() > 0


def _count_rows(engine: sa.Engine) -> dict[str, int]:
    tables = _tables()
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(tables[name])).scalar_one()
            for name in _table_names()
        }


def _reset(engine: sa.Engine) -> None:
    """Delete every row of every portal table, append-only ones included."""
    existing = set(sa.inspect(engine).get_table_names())
    ordered = [t for t in models.Base.metadata.sorted_tables if t.name in existing]
    if engine.dialect.name == "postgresql":
        # Row triggers on UPDATE/DELETE do not fire on TRUNCATE.
        quote = engine.dialect.identifier_preparer.quote
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(quote(t.name) for t in ordered)} RESTART IDENTITY CASCADE")
        return
    placeholders = ", ".join(f"'{name}'" for name in APPEND_ONLY_TABLES)
    with engine.connect() as conn:
        triggers = [
            (str(name), str(sql))
            for name, sql in conn.exec_driver_sql(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({placeholders})"  # noqa: S608
            )
        ]
    try:
        with engine.begin() as conn:
            for name, _ in triggers:
                conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')
            for table in reversed(ordered):
                conn.execute(table.delete())
            for _, sql in triggers:
                conn.exec_driver_sql(sql)
    except Exception:
        _restore_triggers(engine, triggers)
        raise


def _restore_triggers(engine: sa.Engine, triggers: Sequence[tuple[str, str]]) -> None:
    with engine.begin() as conn:
        present = {str(r[0]) for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        for name, sql in triggers:
            if name not in present:
                conn.exec_driver_sql(sql)


# --- Generation -------------------------------------------------------------------------------------


def _stream(name: str) -> random.Random:
    """An independent, reproducible random stream (str seeds hash with SHA-512, not PYTHONHASHSEED)."""
    return random.Random(f"m24-seed/{name}")  # noqa: S311 — demo data, not security


def _new_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class _Picker:
    """Weighted choice with precomputed cumulative weights (cheap inside the company loop)."""

    def __init__(self, items: Sequence[tuple[_T, int]]) -> None:
        self.values = [v for v, _ in items]
        self.cum = list(accumulate(w for _, w in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect(self.cum, rng.random() * self.total)]


class _OfferingDeck:
    """Deals each specialist 2–5 offerings from shuffled decks of the whole catalogue.

    A deck holds every :data:`data.OFFERINGS` entry once, grouped by kind (kinds and the offerings within
    them in random order), so a firm's hand mostly shares one kind, like a real catalogue, and every offering
    is on the market once enough specialists are dealt (about 15 at the catalogue's size). An exhausted deck
    is replaced by a fresh shuffle; a hand never holds the same offering twice.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cards: list[data.OfferingSpec] = []

    def _refill(self) -> None:
        by_kind: dict[str, list[data.OfferingSpec]] = {}
        for spec in data.OFFERINGS:
            by_kind.setdefault(spec.kind, []).append(spec)
        kinds = sorted(by_kind)
        self.rng.shuffle(kinds)
        for kind in kinds:
            group = by_kind[kind]
            self.rng.shuffle(group)
            self.cards.extend(group)

    def deal(self) -> list[data.OfferingSpec]:
        hand: list[data.OfferingSpec] = []
        count = self.rng.randint(2, 5)
        while len(hand) < count:
            fresh = next((k for k, card in enumerate(self.cards) if card not in hand), None)
            if fresh is None:
                self._refill()
                continue
            hand.append(self.cards.pop(fresh))  # cards skipped over stay on top for the next firm
        return hand


def _specialist_description(rng: random.Random, specs: Sequence[data.OfferingSpec]) -> str:
    """A two- or three-sentence Korean profile matching the firm's main offering kind and industries."""
    kinds = [spec.kind for spec in specs]
    main = max(kinds, key=kinds.count)  # the first of the most frequent kinds
    parts = [
        rng.choice(data.SPECIALIST_INTROS[main]),
        rng.choice(data.SPECIALIST_TRACK_RECORDS).format(years=rng.randint(3, 15), projects=rng.randint(2, 15) * 10),
    ]
    industries = sorted({p for spec in specs for p in spec.industries})[:3]
    if industries:
        labels = ", ".join(data.INDUSTRY_SHORT_LABELS[p] for p in industries)
        parts.append(f"주요 고객 업종은 {labels} 분야입니다.")
    return " ".join(parts)


def _pick_certifications(rng: random.Random) -> list[str]:
    """Each group of :data:`data.CERTIFICATION_GROUPS` yields at most one certification."""
    held = []
    for group in data.CERTIFICATION_GROUPS:
        roll = rng.random()
        for name, chance in group:
            if roll < chance:
                held.append(name)
                break
            roll -= chance
    return held


@dataclass(slots=True)
class _Co:
    id: uuid.UUID
    name: str
    region: str
    ksic: str
    size: str
    maturity: str
    employees: int
    rep_id: uuid.UUID
    specialist: bool
    business_number: str = ""


@dataclass
class _Agency:
    id: uuid.UUID
    code: str
    name: str
    kind: str
    region: str | None
    reviewers: list[uuid.UUID] = field(default_factory=list)
    approvers: list[uuid.UUID] = field(default_factory=list)
    admins: list[uuid.UUID] = field(default_factory=list)


@dataclass
class _Program:
    id: uuid.UUID
    spec: data.ProgramSpec
    code: str
    starts_at: datetime
    ends_at: datetime
    rules: list[dict[str, Any]]
    operator: _Agency
    screening: dict[str, _Agency]  # region → 테크노파크, or "*" → the screening agency for every region
    sponsor_company: int | None
    applications: int = 0
    sponsor_agency: _Agency | None = None
    title: str = ""


class _Seeder:
    def __init__(self, engine: sa.Engine, *, scale: int, today: date, progress: Progress | None) -> None:
        self.engine = engine
        self.scale = scale
        self.today = today
        #: Every generated past timestamp lies before this instant (00:00 KST of ``today``).
        self.anchor = datetime.combine(today, time(0), KST)
        self.progress = progress
        self.tables = _tables()
        self.counts: dict[str, int] = dict.fromkeys(_table_names(), 0)
        self.companies: list[_Co] = []
        self.demand: list[int] = []  # generated SMEs that apply for calls
        self.specialists: list[int] = []
        self.workers: list[tuple[uuid.UUID, int]] = []  # (person, company index) of generated companies
        self.phones: dict[uuid.UUID, str] = {}
        self.agencies: dict[str, _Agency] = {}
        self.persona_ids: dict[str, uuid.UUID] = {}
        self.firm_index: dict[str, int] = {}
        self.workflow_rows: dict[str, list[Row]] = {
            "application_route_steps": [],
            "review_assignments": [],
            "support_awards": [],
            "specialist_ratings": [],
        }
        self.demo_sme = -1
        self.demo_specialist = -1
        self.family = _Picker(data.FAMILY_NAMES)

    # -- plumbing ------------------------------------------------------------------------------------

    def _report(self, step: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(step, done, total)

    def _insert(self, conn: sa.Connection, table: str, rows: list[Row]) -> None:
        if rows:
            conn.execute(sa.insert(self.tables[table]), rows)
            self.counts[table] += len(rows)

    def _person_name(self, rng: random.Random, senior: bool) -> str:
        given = data.GIVEN_NAMES_SENIOR if senior else data.GIVEN_NAMES_JUNIOR
        return str(self.family(rng)) + rng.choice(given)

    @staticmethod
    def _phone(rng: random.Random) -> str:
        return f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}"

    def _past(self, rng: random.Random, min_days: float, max_days: float) -> datetime:
        """A whole-second instant between ``min_days`` and ``max_days`` before the anchor."""
        return self.anchor - timedelta(seconds=rng.randint(int(min_days * 86400), int(max_days * 86400)))

    @staticmethod
    def _business_number(index: int, corporate: bool, rng: random.Random) -> str:
        n = (index * _BRN_STEP + _BRN_OFFSET) % _BRN_SPACE
        office, serial = 101 + n // 10_000, n % 10_000
        kind = rng.choice((81, 81, 81, 86, 87)) if corporate else rng.randint(1, 79)
        return brn.make_number(f"{office:03d}{kind:02d}{serial:04d}")

    def _address(self, rng: random.Random, region: str) -> str:
        district, roads = rng.choice(data.DISTRICTS[region])
        road = rng.choice(roads)
        if rng.random() < 0.3:
            road = f"{road}{rng.randint(1, 80)}번길"
        return f"{BY_CODE[region].name} {district} {road} {rng.randint(1, 350)}"

    def run(self) -> None:
        self._seed_agencies_and_personas()
        self._seed_companies()
        self._seed_programs_and_applications()
        self._seed_training()
        self._seed_datasets()
        with self.engine.begin() as conn:
            self._insert(
                conn,
                "audit_log",
                [
                    {
                        "id": _new_id(_stream("audit")),
                        "occurred_at": self.anchor,
                        "actor_person_id": None,
                        "acting_company_id": None,
                        "acting_agency_id": None,
                        "action": "system.seeded",
                        "object_type": "system",
                        "object_id": None,
                        "request_id": None,
                        "details": {"scale": self.scale, "today": self.today.isoformat(), "counts": dict(self.counts)},
                    }
                ],
            )

    # -- companies -----------------------------------------------------------------------------------

    def _company_row(
        self,
        rng: random.Random,
        index: int,
        *,
        name: str,
        ksic: str,
        region: str,
        size: str,
        employees: int,
        maturity: str,
        rep_name: str,
        rep_id: uuid.UUID,
        specialist: bool = False,
        address: str | None = None,
        description: str | None = None,
        designated_until: date | None = None,
        listed: bool = True,
        certifications: Sequence[str] = (),
    ) -> Row:
        company_id = _new_id(rng)
        created = self._past(rng, 30, 900)
        corporate = "(주)" in name or size in ("large", "mid_sized")
        business_number = self._business_number(index, corporate, rng)
        self.companies.append(
            _Co(company_id, name, region, ksic, size, maturity, employees, rep_id, specialist, business_number)
        )
        return {
            "id": company_id,
            "created_at": created,
            "updated_at": created,
            "deleted_at": None,
            "business_number": business_number,
            "name": name,
            "representative_name": rep_name,
            "ksic_code": ksic,
            "region": region,
            "address": address if address is not None else self._address(rng, region),
            "size_class": SizeClass(size),
            "employees": employees,
            "founded_on": self.today - timedelta(days=rng.randint(2 * 365, 45 * 365)),
            "maturity_level": MaturityLevel(maturity),
            "is_specialist": specialist,
            "is_designated_ai_specialist": designated_until is not None,
            "designated_until": designated_until,
            "homepage": None,
            "description": description,
            "is_listed": listed,
            "certifications": list(certifications),
            "rating_average": None,  # no ratings are seeded: ratings come from completed projects
            "rating_count": 0,
            "profile_version": 1,
        }

    def _person_row(
        self, rng: random.Random, *, email: str, name: str, phone: str, admin: bool = False
    ) -> tuple[uuid.UUID, Row]:
        person_id = _new_id(rng)
        created = self._past(rng, 20, 700)
        self.phones[person_id] = phone
        return person_id, {
            "id": person_id,
            "created_at": created,
            "updated_at": created,
            "subject": None,
            "email": email,
            "name": name,
            "phone": phone,
            "is_platform_admin": admin,
        }

    def _company_membership(
        self, rng: random.Random, person_id: uuid.UUID, company_id: uuid.UUID, role: CompanyRole, active: bool = True
    ) -> Row:
        created = self._past(rng, 10, 600)
        return {
            "id": _new_id(rng),
            "created_at": created,
            "updated_at": created,
            "person_id": person_id,
            "company_id": company_id,
            "role": role,
            "status": MembershipStatus.ACTIVE if active else MembershipStatus.INVITED,
        }

    def _agency_membership(self, rng: random.Random, person_id: uuid.UUID, agency: _Agency, role: AgencyRole) -> Row:
        created = self._past(rng, 30, 700)
        {AgencyRole.REVIEWER: agency.reviewers, AgencyRole.APPROVER: agency.approvers, AgencyRole.ADMIN: agency.admins}[
            role
        ].append(person_id)
        return {
            "id": _new_id(rng),
            "created_at": created,
            "updated_at": created,
            "person_id": person_id,
            "agency_id": agency.id,
            "role": role,
            "status": MembershipStatus.ACTIVE,
        }

    def _offering_rows(self, rng: random.Random, company: _Co, specs: Sequence[data.OfferingSpec]) -> list[Row]:
        rows = []
        for spec in specs:
            monthly = None
            if spec.monthly is not None:
                monthly = rng.randint(spec.monthly[0] // 10_000, spec.monthly[1] // 10_000) * 10_000
            if spec.industries:
                industries = list(spec.industries)
            elif rng.random() < 0.5:
                industries = []
            else:
                industries = sorted(rng.sample(("10", "20", "22", "25", "26", "29", "30"), rng.randint(1, 3)))
            regions = [] if rng.random() < 0.6 else sorted({company.region, *rng.sample(list(BY_CODE), 2)})
            created = self._past(rng, 5, 500)
            rows.append(
                {
                    "id": _new_id(rng),
                    "created_at": created,
                    "updated_at": created,
                    "deleted_at": None,
                    "company_id": company.id,
                    "kind": OfferingKind(spec.kind),
                    "title": spec.title,
                    "summary": spec.summary,
                    "price_model": PriceModel(spec.price_model),
                    "monthly_price_krw": monthly,
                    "industries": industries,
                    "regions": regions,
                    "is_published": rng.random() < 0.92,
                    "version": 1,
                }
            )
        return rows

    # -- agencies, large firms, demo companies and personas ------------------------------------------

    def _seed_agencies_and_personas(self) -> None:
        rng = _stream("agencies")
        companies: list[Row] = []
        people: list[Row] = []
        agency_rows: list[Row] = []
        agency_regions: list[Row] = []
        agency_industries: list[Row] = []
        company_members: list[Row] = []
        agency_members: list[Row] = []
        offerings: list[Row] = []
        personas = {p.kind: p for p in data.PERSONAS}

        def add_agency(spec: data.AgencySpec, company_id: uuid.UUID | None = None) -> _Agency:
            agency = _Agency(_new_id(rng), spec.code, spec.name, spec.kind, spec.region)
            self.agencies[spec.code] = agency
            created = self._past(rng, 800, 900)
            agency_rows.append(
                {
                    "id": agency.id,
                    "created_at": created,
                    "updated_at": created,
                    "code": spec.code,
                    "name": spec.name,
                    "tier": AgencyTier(spec.tier),
                    "kind": AgencyKind(spec.kind),
                    "region": spec.region,
                    "homepage": spec.homepage,
                    "description": spec.description,
                    "company_id": company_id,
                }
            )
            agency_industries.extend({"agency_id": agency.id, "ksic_prefix": p} for p in spec.industries)
            return agency

        # Large firms first: their agencies point at their company rows.
        for firm in data.LARGE_FIRMS:
            index = len(self.companies)
            self.firm_index[firm.key] = index
            companies.append(
                self._company_row(
                    rng,
                    index,
                    name=firm.company_name,
                    ksic=firm.ksic_code,
                    region=firm.region,
                    size="large",
                    employees=firm.employees,
                    maturity="advanced",
                    rep_name=self._person_name(rng, senior=True),
                    rep_id=_new_id(rng),
                    description=firm.description,
                )
            )
        for spec in data.CENTRAL_AGENCIES:
            add_agency(spec)
        for region in REGIONS:
            tp = add_agency(
                data.AgencySpec(
                    f"TP-{region.code}",
                    f"{region.short_name}테크노파크",
                    "regional",
                    "technopark",
                    data.TECHNOPARK_DESCRIPTION.format(region=region.name),
                    region=region.code,
                )
            )
            agency_regions.append({"agency_id": tp.id, "region": region.code})
        for spec in data.INDUSTRY_INSTITUTES:
            add_agency(spec)
        for firm in data.LARGE_FIRMS:
            add_agency(
                data.AgencySpec(firm.agency_code, firm.agency_name, "private", "large_firm", firm.description),
                company_id=self.companies[self.firm_index[firm.key]].id,
            )

        # Agency staff.
        for agency in self.agencies.values():
            reviewers, approvers, admins = data.AGENCY_STAFFING[agency.kind]
            for role, count in (
                (AgencyRole.REVIEWER, reviewers),
                (AgencyRole.APPROVER, approvers),
                (AgencyRole.ADMIN, admins),
            ):
                for k in range(1, count + 1):
                    person_id, row = self._person_row(
                        rng,
                        email=f"{role.value}{k}.{agency.code.lower()}@agency.example.kr",
                        name=self._person_name(rng, senior=rng.random() < 0.5),
                        phone=self._phone(rng),
                    )
                    people.append(row)
                    agency_members.append(self._agency_membership(rng, person_id, agency, role))

        # Demo personas and their companies.
        for persona in data.PERSONAS:
            person_id, row = self._person_row(
                rng, email=persona.email, name=persona.name, phone=persona.phone, admin=persona.kind == "admin"
            )
            self.persona_ids[persona.kind] = person_id
            people.append(row)
        for kind, demo, attr in (
            ("sme", data.DEMO_SME, "demo_sme"),
            ("specialist", data.DEMO_SPECIALIST, "demo_specialist"),
        ):
            index = len(self.companies)
            setattr(self, attr, index)
            is_specialist = kind == "specialist"
            companies.append(
                self._company_row(
                    rng,
                    index,
                    name=demo["name"],
                    ksic=demo["ksic_code"],
                    region=demo["region"],
                    size=demo["size_class"],
                    employees=demo["employees"],
                    maturity=demo["maturity_level"],
                    rep_name=personas[kind].name,
                    rep_id=self.persona_ids[kind],
                    specialist=is_specialist,
                    address=demo["address"],
                    description=demo["description"],
                    designated_until=self.today + timedelta(days=540) if is_specialist else None,
                    certifications=demo.get("certifications", ()),
                )
            )
            company_members.append(
                self._company_membership(rng, self.persona_ids[kind], companies[-1]["id"], CompanyRole.REPRESENTATIVE)
            )
        demo_sme = self.companies[self.demo_sme]
        company_members.append(
            self._company_membership(rng, self.persona_ids["sme_staff"], demo_sme.id, CompanyRole.STAFF)
        )
        demo_specialist = self.companies[self.demo_specialist]
        self.specialists.append(self.demo_specialist)
        offerings.extend(
            self._offering_rows(rng, demo_specialist, [data.OFFERINGS[i] for i in data.DEMO_SPECIALIST_OFFERINGS])
        )
        agency_members.append(
            self._agency_membership(
                rng, self.persona_ids["regional_reviewer"], self.agencies["TP-GYEONGGI"], AgencyRole.REVIEWER
            )
        )
        agency_members.append(
            self._agency_membership(
                rng, self.persona_ids["central_approver"], self.agencies["KOSMO"], AgencyRole.APPROVER
            )
        )

        with self.engine.begin() as conn:
            self._insert(conn, "companies", companies)
            self._insert(conn, "agencies", agency_rows)
            self._insert(conn, "agency_regions", agency_regions)
            self._insert(conn, "agency_industries", agency_industries)
            self._insert(conn, "people", people)
            self._insert(conn, "company_memberships", company_members)
            self._insert(conn, "agency_memberships", agency_members)
            self._insert(conn, "specialist_offerings", offerings)
        self._report("기관·데모 계정", len(agency_rows), len(agency_rows))

    # -- generated companies -------------------------------------------------------------------------

    def _seed_companies(self) -> None:
        rng = _stream("companies")
        region_pick = _Picker(list(data.REGION_WEIGHTS.items()))
        sector_pick = _Picker([(s, s.weight) for s in data.SECTORS])
        size_pick = _Picker(data.SIZE_WEIGHTS)
        maturity_pick = {size: _Picker(w) for size, w in data.MATURITY_WEIGHTS.items()}
        specialist_size = _Picker((("micro", 10), ("small", 60), ("medium", 30)))
        specialist_maturity = _Picker((("intermediate_1", 30), ("intermediate_2", 50), ("advanced", 20)))
        corporate_rate = {"micro": 0.25, "small": 0.7, "medium": 0.95, "mid_sized": 1.0}
        deck = _OfferingDeck(_stream("offerings"))
        first_index = len(self.companies)
        done = 0
        while done < self.scale:
            count = min(BATCH_SIZE, self.scale - done)
            companies: list[Row] = []
            people: list[Row] = []
            members: list[Row] = []
            offerings: list[Row] = []
            for n in range(done, done + count):
                index = first_index + n
                # The first 17 cover every 시·도 and the first sectors every sector; specialists after that.
                region = REGIONS[n].code if n < len(REGIONS) else str(region_pick(rng))
                specialist = n >= len(data.SECTORS) and rng.random() < 0.08
                designated: date | None = None
                specs: list[data.OfferingSpec] = []
                certifications: list[str] = []
                if specialist:
                    size = str(specialist_size(rng))
                    maturity = str(specialist_maturity(rng))
                    ksic = rng.choice(data.SPECIALIST_KSIC_CODES)
                    base = rng.choice(data.COMPANY_WORDS) + rng.choice(data.SPECIALIST_SUFFIXES)
                    corporate = rng.random() < 0.9
                    specs = deck.deal()
                    description: str | None = _specialist_description(rng, specs)
                    certifications = _pick_certifications(rng)
                    if rng.random() < 0.45:
                        designated = self.today + timedelta(days=rng.randint(90, 1000))
                else:
                    sector: data.Sector = data.SECTORS[n] if n < len(data.SECTORS) else sector_pick(rng)
                    size = str(size_pick(rng))
                    maturity = str(maturity_pick[size](rng))
                    ksic = rng.choice(sector.ksic_codes)
                    base = rng.choice(data.COMPANY_WORDS) + rng.choice(sector.suffixes)
                    corporate = rng.random() < corporate_rate[size]
                    description = None
                if corporate:
                    name = f"{base}(주)" if rng.random() < data.CORPORATE_SUFFIX_RATE else f"(주){base}"
                else:
                    name = base
                low, high = data.EMPLOYEE_RANGES[size]
                employees = rng.randint(low, high)
                rep_name = self._person_name(rng, senior=rng.random() < 0.8)
                rep_id, rep_row = self._person_row(
                    rng, email=f"rep-{n + 1}@example.kr", name=rep_name, phone=self._phone(rng)
                )
                companies.append(
                    self._company_row(
                        rng,
                        index,
                        name=name,
                        ksic=ksic,
                        region=region,
                        size=size,
                        employees=employees,
                        maturity=maturity,
                        rep_name=rep_name,
                        rep_id=rep_id,
                        specialist=specialist,
                        description=description,
                        designated_until=designated,
                        listed=rng.random() < 0.9,
                        certifications=certifications,
                    )
                )
                company = self.companies[-1]
                (self.specialists if specialist else self.demand).append(index)
                people.append(rep_row)
                members.append(self._company_membership(rng, rep_id, company.id, CompanyRole.REPRESENTATIVE))
                self.workers.append((rep_id, index))
                roll = rng.random()
                staff = 0 if employees < 2 else 2 if roll < 0.1 else 1 if roll < 0.35 else 0
                for k in range(1, staff + 1):
                    staff_id, staff_row = self._person_row(
                        rng,
                        email=f"staff-{n + 1}-{k}@example.kr",
                        name=self._person_name(rng, senior=False),
                        phone=self._phone(rng),
                    )
                    people.append(staff_row)
                    members.append(
                        self._company_membership(rng, staff_id, company.id, CompanyRole.STAFF, rng.random() > 0.03)
                    )
                    self.workers.append((staff_id, index))
                if specs:
                    offerings.extend(self._offering_rows(rng, company, specs))
            with self.engine.begin() as conn:
                self._insert(conn, "companies", companies)
                self._insert(conn, "people", people)
                self._insert(conn, "company_memberships", members)
                self._insert(conn, "specialist_offerings", offerings)
            done += count
            self._report("기업", done, self.scale)

    # -- programs and applications -------------------------------------------------------------------

    def _agency_for(self, ref: str) -> _Agency:
        return self.agencies[f"TP-{ref[3:]}" if ref.startswith("TP:") else ref]

    def _eligible(self, company: _Co, rules: Sequence[dict[str, Any]]) -> bool:
        for rule in rules:
            kind = rule["rule"]
            if kind == "size_class_in" and company.size not in rule["values"]:
                return False
            if kind == "region_in" and company.region not in rule["values"]:
                return False
            if kind == "ksic_prefix_in" and not any(company.ksic.startswith(p) for p in rule["values"]):
                return False
            if kind == "maturity_at_most" and _MATURITY_ORDER.index(company.maturity) > _MATURITY_ORDER.index(
                rule["value"]
            ):
                return False
            if kind == "maturity_at_least" and _MATURITY_ORDER.index(company.maturity) < _MATURITY_ORDER.index(
                rule["value"]
            ):
                return False
        return True

    def _seed_programs_and_applications(self) -> None:
        rng = _stream("programs")
        mss = self.agencies["MSS"]
        technoparks = {r.code: self.agencies[f"TP-{r.code}"] for r in REGIONS}
        programs: list[_Program] = []
        rows: dict[str, list[Row]] = {
            name: []
            for name in (
                "program_agencies",
                "program_regions",
                "program_industries",
                "program_stages",
                "eligibility_rule_sets",
            )
        }
        program_rows: list[Row] = []
        dates = [self.today + timedelta(days=s.start_offset) for s in data.PROGRAMS]
        keys = [(d.year, s.stem) for d, s in zip(dates, data.PROGRAMS, strict=True)]
        for i, (spec, start_day) in enumerate(zip(data.PROGRAMS, dates, strict=True)):
            program_id = _new_id(rng)
            year = start_day.year
            end_day = start_day + timedelta(days=spec.duration)
            starts_at = datetime.combine(start_day, time(9), KST)
            ends_at = datetime.combine(end_day, time(18), KST)
            same = [k for k in keys if k == keys[i]]
            if len(same) > 1:
                title = f"{year}년 {spec.stem} {keys[: i + 1].count(keys[i])}차 공고"
            else:
                title = f"{year}년 {spec.stem} 공고"
            code = f"M24-{year}-{i + 1:03d}"
            operator = self._agency_for(spec.operator)
            base_rules = spec.rules if spec.rules is not None else data.ELIGIBILITY_RULES[spec.kind]
            rules = [dict(r) for r in base_rules]
            if spec.regions:
                rules.append({"rule": "region_in", "values": list(spec.regions)})
            if spec.industries:
                rules.append({"rule": "ksic_prefix_in", "values": list(spec.industries)})
            if spec.rules is None:
                rules.extend(dict(r) for r in data.COMMON_RULES)
            if spec.regions:
                screening = {r: technoparks[r] for r in spec.regions}
            elif operator.kind == "industry_institute":
                screening = {"*": operator}
            else:
                screening = dict(technoparks)
            sponsor = None
            if spec.sponsor is not None:
                sponsor = self.firm_index[spec.sponsor]
            program = _Program(program_id, spec, code, starts_at, ends_at, rules, operator, screening, sponsor)
            program.title = title
            if spec.sponsor is not None:
                firm_spec = next(f for f in data.LARGE_FIRMS if f.key == spec.sponsor)
                program.sponsor_agency = self.agencies[firm_spec.agency_code]
            programs.append(program)
            published = min(starts_at - timedelta(days=14), self.anchor - timedelta(days=1))
            created = published - timedelta(days=7)
            budget = spec.budget_eok * 100_000_000
            # A designation call grants no money; 1 won keeps the award checks and ``budget // max_award`` sound.
            max_award = 1 if spec.grants_designation else spec.max_award_manwon * 10_000
            program_rows.append(
                {
                    "id": program_id,
                    "created_at": created,
                    "updated_at": created,
                    "deleted_at": None,
                    "code": code,
                    "title": title,
                    "summary": spec.summary,
                    "kind": ProgramKind(spec.kind),
                    "year": year,
                    "owner_agency_id": mss.id,
                    "operator_agency_id": operator.id,
                    "application_starts_at": starts_at,
                    "application_ends_at": ends_at,
                    "budget_krw": budget,
                    "max_award_krw": max_award,
                    "target_awards": spec.target_awards if spec.target_awards is not None else budget // max_award,
                    "government_share_pct": spec.government_share,
                    "company_share_pct": 100 - spec.government_share,
                    "notice_url": f"https://m24.example.kr/notices/{code}",
                    "published_at": published,
                    "application_count": 0,
                    "form_schema": forms.standard_form(spec.kind),
                    "scoring_form": [dict(c) for c in spec.scoring_form or forms.STANDARD_SCORING_FORM],
                    "region_quotas": None,
                    "review_sla_days": 14,
                    "reviewers_per_application": 2,
                    "supplement_days": 10,
                    "grants_designation": spec.grants_designation,
                }
            )
            roles = [(mss, ProgramAgencyRole.OWNER), (operator, ProgramAgencyRole.OPERATOR)]
            roles.extend((a, ProgramAgencyRole.SCREENING) for a in screening.values())
            if spec.sponsor is not None:
                firm = next(f for f in data.LARGE_FIRMS if f.key == spec.sponsor)
                roles.append((self.agencies[firm.agency_code], ProgramAgencyRole.CO_APPROVER))
            rows["program_agencies"].extend({"program_id": program_id, "agency_id": a.id, "role": r} for a, r in roles)
            rows["program_regions"].extend({"program_id": program_id, "region": r} for r in spec.regions)
            rows["program_industries"].extend({"program_id": program_id, "ksic_prefix": p} for p in spec.industries)
            for position, (kind, name, a, b) in enumerate(data.STAGES, start=1):
                if kind == "pre_consulting":
                    s, e = (
                        datetime.combine(start_day + timedelta(days=a), time(9), KST),
                        starts_at - timedelta(hours=15),
                    )
                elif kind == "application":
                    s, e = starts_at, ends_at
                else:
                    s = datetime.combine(end_day + timedelta(days=a), time(9), KST)
                    e = datetime.combine(end_day + timedelta(days=b), time(18), KST)
                rows["program_stages"].append(
                    {
                        "id": _new_id(rng),
                        "program_id": program_id,
                        "position": position,
                        "kind": StageKind(kind),
                        "name": name,
                        "starts_at": s,
                        "ends_at": e,
                    }
                )
            rows["eligibility_rule_sets"].append(
                {
                    "id": _new_id(rng),
                    "created_at": created,
                    "updated_at": created,
                    "program_id": program_id,
                    "version": 1,
                    "rules": rules,
                    "published_at": published,
                }
            )
        self._report("지원사업 공고", len(programs), len(programs))

        applications, events = self._applications(programs)
        for row, program in zip(program_rows, programs, strict=True):
            row["application_count"] = program.applications
        rows["routing_rules"] = self._routing_rules(rng)
        with self.engine.begin() as conn:
            self._insert(conn, "funding_programs", program_rows)
            for name, batch in rows.items():
                self._insert(conn, name, batch)
        total = len(applications)
        children = (
            "funding_application_events",
            "application_route_steps",
            "review_assignments",
            "support_awards",
            "specialist_ratings",
        )
        for start in range(0, total, BATCH_SIZE):
            chunk = applications[start : start + BATCH_SIZE]
            ids = {a["id"] for a in chunk}
            with self.engine.begin() as conn:
                self._insert(conn, "funding_applications", chunk)
                for table in children:
                    source = events if table == "funding_application_events" else self.workflow_rows[table]
                    self._insert(conn, table, [e for e in source if e["application_id"] in ids])
            self._report("지원사업 신청", min(start + BATCH_SIZE, total), total)
        # Rating aggregates of the suppliers rated above (the directory sorts and shows these).
        rated = sa.table("specialist_ratings", sa.column("supplier_company_id"), sa.column("score"))
        companies = sa.table("companies", sa.column("id"), sa.column("rating_count"), sa.column("rating_average"))
        mine = rated.c.supplier_company_id == companies.c.id
        with self.engine.begin() as conn:
            conn.execute(
                companies.update()
                .where(companies.c.id.in_(sa.select(rated.c.supplier_company_id)))
                .values(
                    rating_count=sa.select(sa.func.count()).where(mine).scalar_subquery(),
                    rating_average=sa.select(sa.func.round(sa.func.avg(rated.c.score), 2))
                    .where(mine)
                    .scalar_subquery(),
                )
            )

    def _routing_rules(self, rng: random.Random) -> list[Row]:
        created = self.anchor - timedelta(days=400)
        return [
            {
                "id": _new_id(rng),
                "created_at": created,
                "updated_at": created,
                "name": rule["name"],
                "priority": rule["priority"],
                "program_kind": rule.get("program_kind"),
                "program_id": None,
                "ksic_prefix": rule.get("ksic_prefix"),
                "requires_sponsor": rule.get("requires_sponsor"),
                "steps": [dict(step) for step in rule["steps"]],
                "active": True,
            }
            for rule in routing.DEFAULT_RULES
        ]

    def _workflow_state(
        self,
        rng: random.Random,
        program: _Program,
        company: _Co,
        screening: _Agency,
        app: Row,
        path: list[ApplicationStatus],
        times: list[datetime],
        supplier: uuid.UUID | None,
    ) -> None:
        """Route steps, open review assignments and ledger awards consistent with the application's path."""
        if _S.ROUTED not in path:
            return
        routed_at = times[path.index(_S.ROUTED)]
        agencies = [("screening", screening)]
        if program.sponsor_agency is not None:
            agencies.append(("co_approval", program.sponsor_agency))
        agencies.append(("decision", program.operator))
        decided = any(s in path for s in (_S.APPROVED, _S.REJECTED))
        current = len(agencies) if decided else 1
        for position, (kind, agency) in enumerate(agencies, start=1):
            done = decided or position < current
            self.workflow_rows["application_route_steps"].append(
                {
                    "id": _new_id(rng),
                    "application_id": app["id"],
                    "position": position,
                    "kind": StepKind_(kind),
                    "agency_id": agency.id,
                    "status": StepStatus.DONE
                    if done
                    else (StepStatus.ACTIVE if position == current else StepStatus.PENDING),
                    "rule_id": None,
                    "started_at": routed_at if position <= current else None,
                    "completed_at": times[-1] if done else None,
                }
            )
        app["current_step"] = current
        status = app["status"]
        if status in (_S.ROUTED, _S.UNDER_REVIEW, _S.SUPPLEMENT_REQUESTED):
            app["due_at"] = times[-1] + timedelta(days=14 if status is not _S.SUPPLEMENT_REQUESTED else 10)
        if status in (_S.UNDER_REVIEW, _S.SUPPLEMENT_REQUESTED) and not decided:
            for reviewer in screening.reviewers[:2]:
                self.workflow_rows["review_assignments"].append(
                    {
                        "id": _new_id(rng),
                        "application_id": app["id"],
                        "step_position": 1,
                        "agency_id": screening.id,
                        "reviewer_person_id": reviewer,
                        "status": AssignmentStatus.ASSIGNED,
                        "assigned_at": times[path.index(_S.UNDER_REVIEW)],
                        "scores": None,
                        "total": None,
                        "comment": None,
                        "submitted_at": None,
                    }
                )
        if decided:
            decision = _S.APPROVED if _S.APPROVED in path else _S.REJECTED
            app["decided_at"] = times[path.index(decision)]
            app["review_score"] = round(rng.uniform(62, 92), 2)
        if _S.APPROVED in path:
            awarded_at = times[path.index(_S.APPROVED)]
            app["award_krw"] = app["requested_amount_krw"]
            recouped = app["requested_amount_krw"] // 5 if status is _S.RECOUPED else 0
            if recouped:
                app["recouped_krw"] = recouped
            if status is _S.COMPLETED and supplier is not None:
                # The SME rates its supplier after the project (most are satisfied, not all).
                rated_at = times[-1] + timedelta(days=rng.randint(1, 20))
                self.workflow_rows["specialist_ratings"].append(
                    {
                        "id": _new_id(rng),
                        "created_at": rated_at,
                        "updated_at": rated_at,
                        "application_id": app["id"],
                        "supplier_company_id": supplier,
                        "rater_company_id": company.id,
                        "rater_person_id": company.rep_id,
                        "score": rng.choices((2, 3, 4, 5), weights=(1, 3, 8, 6))[0],
                        "comment": rng.choice(data.RATING_COMMENTS),
                    }
                )
            self.workflow_rows["support_awards"].append(
                {
                    "id": _new_id(rng),
                    "created_at": awarded_at,
                    "updated_at": awarded_at,
                    "business_number": company.business_number,
                    "company_id": company.id,
                    "application_id": app["id"],
                    "program_id": program.id,
                    "program_kind": program.spec.kind,
                    "program_title": program.title,
                    "agency_id": program.operator.id,
                    "supplier_company_id": supplier,
                    "region": company.region,
                    "award_krw": app["requested_amount_krw"],
                    "awarded_at": awarded_at,
                    "recouped_krw": recouped,
                }
            )

    def _applications(self, programs: list[_Program]) -> tuple[list[Row], list[Row]]:
        """Applications with their event logs; statuses fit each call's state relative to today."""
        rng = _stream("applications")
        noon = datetime.combine(self.today, time(12), KST)
        active = [p for p in programs if p.starts_at <= noon]
        candidates = {p.code: [i for i in self.demand if self._eligible(self.companies[i], p.rules)] for p in active}
        applications: list[Row] = []
        events: list[Row] = []
        taken: set[tuple[str, int]] = set()
        receipts: dict[int, int] = {}

        # The demo SME: a completed consulting project, a submitted nationwide call and a regional draft.
        consulting = next(p for p in active if p.spec.kind == "consulting" and p.ends_at < noon)
        basic_open = next(
            p for p in active if p.spec.kind == "ai_factory_basic" and not p.spec.regions and p.ends_at > noon
        )
        regional_open = next(p for p in active if p.spec.regions == ("GYEONGGI",))
        for fixed, status in ((consulting, _S.COMPLETED), (basic_open, _S.SUBMITTED), (regional_open, _S.DRAFT)):
            self._application(rng, fixed, self.demo_sme, status, applications, events, receipts, noon)
            taken.add((fixed.code, self.demo_sme))

        open_status = _Picker(_STATUS_WEIGHTS_OPEN)
        closed_status = [
            (45, _Picker(_STATUS_WEIGHTS_RECENT)),
            (150, _Picker(_STATUS_WEIGHTS_DECIDED)),
            (10**6, _Picker(_STATUS_WEIGHTS_OLD)),
        ]
        wanted = max(10, self.scale // 10)
        # Generated applicants are demand SMEs: they apply for money, not for a specialist designation.
        weighted = _Picker(
            [(p, p.spec.budget_eok) for p in active if candidates[p.code] and not p.spec.grants_designation]
        )
        attempts = 0
        while len(applications) < wanted and attempts < wanted * 20:
            attempts += 1
            program: _Program = weighted(rng)
            pool = candidates[program.code]
            company = pool[rng.randrange(len(pool))]
            if (program.code, company) in taken:
                continue
            taken.add((program.code, company))
            if program.ends_at > noon:
                status = open_status(rng)
            else:
                days = (noon - program.ends_at).days
                status = next(pick for limit, pick in closed_status if days < limit)(rng)
            self._application(rng, program, company, status, applications, events, receipts, noon)
        return applications, events

    def _path(self, rng: random.Random, status: ApplicationStatus) -> list[ApplicationStatus]:
        if status == _S.WITHDRAWN:
            return [_S.DRAFT, _S.SUBMITTED, _S.WITHDRAWN]
        if status in _MAIN_PATH:
            return list(_MAIN_PATH[: _MAIN_PATH.index(status) + 1])
        path = list(_MAIN_PATH)
        if status == _S.SUPPLEMENT_REQUESTED:
            return [*path, _S.SUPPLEMENT_REQUESTED]
        if rng.random() < 0.3:
            path += [_S.SUPPLEMENT_REQUESTED, _S.UNDER_REVIEW]
        if status in (_S.REJECTED, _S.APPEAL):
            return [*path, _S.REJECTED] + ([_S.APPEAL] if status == _S.APPEAL else [])
        path.append(_S.APPROVED)
        if status == _S.APPROVED:
            return path
        return path + list(_AFTER_APPROVAL[: _AFTER_APPROVAL.index(status) + 1])

    def _application(
        self,
        rng: random.Random,
        program: _Program,
        company_index: int,
        status: ApplicationStatus,
        applications: list[Row],
        events: list[Row],
        receipts: dict[int, int],
        noon: datetime,
    ) -> None:
        company = self.companies[company_index]
        spec = program.spec
        path = self._path(rng, status)
        app_id = _new_id(rng)
        applicant = company.rep_id
        screening = program.screening.get(company.region) or program.screening.get("*") or program.operator
        open_until = min(program.ends_at, self.anchor - timedelta(hours=1))
        window = (open_until - program.starts_at).total_seconds()
        created = program.starts_at + timedelta(seconds=int(window * rng.uniform(0.0, 0.6)))
        times = [created]
        if len(path) > 1:
            submitted = created + timedelta(
                seconds=int((open_until - created).total_seconds() * rng.uniform(0.1, 0.95))
            )
            times.append(submitted)
            later = len(path) - 2
            if later:
                start = max(submitted, program.ends_at) if program.ends_at < noon else submitted
                end = min(self.anchor - timedelta(hours=1), program.ends_at + timedelta(days=330))
                span = (end - start).total_seconds()
                for j in range(later):
                    times.append(start + timedelta(seconds=int(span * (j + rng.uniform(0.2, 0.8)) / later)))
        max_award = spec.max_award_manwon * 10_000
        requested = rng.randint(max_award * 4 // 10_000_000, max_award // 1_000_000) * 1_000_000
        receipt = None
        submitted_at = None
        if len(path) > 1:
            submitted_at = times[1]
            year = submitted_at.astimezone(KST).year
            receipts[year] = receipts.get(year, 0) + 1
            receipt = f"M24-{year}-{receipts[year]:06d}"
        supplier = None
        if self.specialists and (spec.kind != "micro" or rng.random() < 0.5):
            supplier = self.companies[self.specialists[rng.randrange(len(self.specialists))]].id
        sponsor = self.companies[program.sponsor_company].id if program.sponsor_company is not None else None
        applications.append(
            {
                "id": app_id,
                "created_at": times[0],
                "updated_at": times[-1],
                "program_id": program.id,
                "company_id": company.id,
                "applicant_person_id": applicant,
                "supplier_company_id": supplier,
                "sponsor_company_id": sponsor,
                "status": status,
                "receipt_number": receipt,
                "submitted_at": submitted_at,
                "requested_amount_krw": requested,
                "form_data": {
                    "project_title": rng.choice(data.PROJECT_TITLES[spec.kind]),
                    "project_months": rng.choice((6, 8, 10)),
                    "total_project_cost_krw": requested * 100 // max(spec.government_share, 1),
                    "employees": company.employees,
                    "current_maturity": company.maturity,
                    "contact_phone": self.phones[applicant],
                },
                "row_version": len(path),
                "cohort_id": None,
                "submit_key": f"seed-{app_id.hex}" if submitted_at else None,
                "supplier_confirmed_at": submitted_at if supplier and submitted_at else None,
                "current_step": None,
                "due_at": None,
                "escalated_at": None,
                "review_score": None,
                "decided_at": None,
                "award_krw": None,
                "settled_krw": None,
                "recouped_krw": None,
                "revision": 1 if submitted_at else 0,
                "event_count": len(path),
            }
        )
        program.applications += 1
        self._workflow_state(rng, program, company, screening, applications[-1], path, times, supplier)
        previous: ApplicationStatus | None = None
        for sequence, (state, at) in enumerate(zip(path, times, strict=True), start=1):
            if previous is None:
                kind = "created"
            elif previous == _S.SUPPLEMENT_REQUESTED and state == _S.UNDER_REVIEW:
                kind = "supplement_submitted"
            else:
                kind = _EVENT_KIND[state]
            payload: dict[str, Any] = {}
            actor: uuid.UUID | None = None
            acting_company: uuid.UUID | None = None
            acting_agency: _Agency | None = None
            if kind in _APPLICANT_KINDS:
                actor, acting_company = applicant, company.id
            elif kind not in _SYSTEM_KINDS:
                acting_agency = screening if kind in ("review_started", "supplement_requested") else program.operator
                staff = acting_agency.approvers if kind in ("approved", "rejected") else acting_agency.reviewers
                staff = staff or acting_agency.approvers or acting_agency.admins
                actor = staff[rng.randrange(len(staff))]
            if kind == "submitted":
                payload = {"receipt_number": receipt}
            elif kind == "routed":
                acting_agency = screening
                payload = {"agency_code": screening.code}
            elif kind == "supplement_requested":
                payload = {"items": rng.sample(data.SUPPLEMENT_ITEMS, 2)}
            elif kind == "rejected":
                payload = {"reason": rng.choice(data.REJECTION_REASONS)}
            elif kind == "approved":
                payload = {"award_krw": requested}
            elif kind == "recouped":
                payload = {"amount_krw": requested // 5, "reason": "협약 목표 미달성"}
            events.append(
                {
                    "id": _new_id(rng),
                    "application_id": app_id,
                    "sequence": sequence,
                    "kind": kind,
                    "from_status": previous.value if previous is not None else None,
                    "to_status": state.value,
                    "actor_person_id": actor,
                    "acting_company_id": acting_company,
                    "acting_agency_id": acting_agency.id if acting_agency is not None else None,
                    "payload": payload,
                    "occurred_at": at,
                }
            )
            previous = state

    # -- training ------------------------------------------------------------------------------------

    def _seed_training(self) -> None:
        rng = _stream("training")
        courses: list[Row] = []
        sessions: list[Row] = []
        enrollments: list[Row] = []
        people: list[Row] = []
        # Job seekers for pre-employment courses (they belong to no company).
        seekers: list[uuid.UUID] = []
        for k in range(1, 41):
            person_id, row = self._person_row(
                rng, email=f"learner-{k}@example.kr", name=self._person_name(rng, senior=False), phone=self._phone(rng)
            )
            people.append(row)
            seekers.append(person_id)
        designated = [i for i in self.specialists if i == self.demo_specialist or rng.random() < 0.5]
        specialist_turn = 0
        for spec in data.COURSES:
            course_id = _new_id(rng)
            agency_id: uuid.UUID | None = None
            company_id: uuid.UUID | None = None
            if spec.provider == "specialist":
                company_id = self.companies[designated[specialist_turn % len(designated)]].id
                specialist_turn += 1
            else:
                agency_id = self._agency_for(spec.provider).id
            created = self._past(rng, 120, 400)
            courses.append(
                {
                    "id": course_id,
                    "created_at": created,
                    "updated_at": created,
                    "deleted_at": None,
                    "code": spec.code,
                    "title": spec.title,
                    "summary": spec.summary,
                    "audience": Audience(spec.audience),
                    "level": CourseLevel(spec.level),
                    "format": CourseFormat(spec.format),
                    "provider_agency_id": agency_id,
                    "provider_company_id": company_id,
                    "region": spec.region,
                    "hours": spec.hours,
                    "requires_agency_approval": spec.requires_agency_approval,
                    "completion_rule": {
                        "min_attendance_pct": spec.min_attendance_pct,
                        "assessment_required": spec.assessment_required,
                    },
                }
            )
            count = rng.randint(1, 3)
            offset = rng.randint(-75, -10) if count > 1 or rng.random() < 0.3 else rng.randint(7, 30)
            for j in range(count):
                if j == count - 1 and offset < 3:
                    offset = rng.randint(7, 45)  # every course has an upcoming session
                session = self._session(rng, spec, course_id, offset, j, sessions)
                pool: Sequence[tuple[uuid.UUID, int | None]] = (
                    [(s, None) for s in seekers] if spec.audience == "pre_employment" else self.workers
                )
                self._enroll(rng, spec, session, pool, enrollments)
                if j == count - 1 and spec.code in ("AIL-EXEC-101", "AIL-FLD-101"):
                    persona = "sme" if spec.code == "AIL-EXEC-101" else "sme_staff"
                    status = EnrollmentStatus.ENROLLED if persona == "sme" else EnrollmentStatus.PENDING_EMPLOYER
                    enrollments.append(
                        self._enrollment(
                            rng, session, self.persona_ids[persona], self.companies[self.demo_sme].id, status, None
                        )
                    )
                offset += rng.randint(21, 60)
        with self.engine.begin() as conn:
            self._insert(conn, "people", people)
            self._insert(conn, "courses", courses)
            self._insert(conn, "course_sessions", sessions)
            self._insert(conn, "enrollments", enrollments)
            # The seat counter and the waitlist sequence follow the rows, as the enrollment service keeps them.
            for session in sessions:
                mine = [e for e in enrollments if e["session_id"] == session["id"]]
                conn.execute(
                    sa.update(self.tables["course_sessions"])
                    .where(self.tables["course_sessions"].c.id == session["id"])
                    .values(
                        seats_taken=sum(1 for e in mine if e["status"] in SEAT_HOLDING),
                        waitlist_next=max((e["waitlist_position"] or 0 for e in mine), default=0) + 1,
                    )
                )
        self._report("교육과정", len(courses), len(courses))

    def _session(
        self, rng: random.Random, spec: data.CourseSpec, course_id: uuid.UUID, offset: int, j: int, out: list[Row]
    ) -> Row:
        start_day = self.today + timedelta(days=offset)
        starts = datetime.combine(start_day, time(10), KST)
        if spec.format == "online":
            ends = datetime.combine(start_day + timedelta(days=27), time(18), KST)
            venue, region, capacity = "온라인 학습관(제조 AI 24)", None, rng.choice((100, 150, 200, 300))
        else:
            days = math.ceil(spec.hours / 8)
            ends = datetime.combine(start_day + timedelta(days=days - 1), time(18), KST)
            if days == 1:
                ends = starts + timedelta(hours=spec.hours + 1)
            region = spec.region or REGIONS[(j * 5 + len(out)) % len(REGIONS)].code
            host = self._agency_for(spec.provider).name if spec.provider.startswith("TP:") else None
            host = host or f"{BY_CODE[region].short_name}테크노파크"
            venue = f"{host} {rng.choice(data.VENUE_ROOMS)}"
            capacity = rng.choice((20, 24, 30, 40))
        row = {
            "id": _new_id(rng),
            "created_at": min(starts - timedelta(days=40), self.anchor - timedelta(days=1)),
            "updated_at": min(starts - timedelta(days=40), self.anchor - timedelta(days=1)),
            "course_id": course_id,
            "starts_at": starts,
            "ends_at": ends,
            "venue": venue,
            "region": region,
            "capacity": capacity,
            "waitlist_enabled": spec.format != "online",
            "enrollment_deadline": datetime.combine(start_day - timedelta(days=3), time(18), KST),
            "cancellation_deadline": datetime.combine(start_day - timedelta(days=1), time(18), KST),
        }
        out.append(row)
        return row

    def _enrollment(
        self,
        rng: random.Random,
        session: Row,
        person_id: uuid.UUID,
        company_id: uuid.UUID | None,
        status: EnrollmentStatus,
        waitlist_position: int | None,
    ) -> Row:
        latest = min(session["enrollment_deadline"], self.anchor) - timedelta(hours=1)
        created = latest - timedelta(seconds=rng.randint(0, 20 * 86400))
        return {
            "id": _new_id(rng),
            "created_at": created,
            "updated_at": created,
            "session_id": session["id"],
            "person_id": person_id,
            "company_id": company_id,
            "status": status,
            "waitlist_position": waitlist_position,
        }

    def _enroll(
        self,
        rng: random.Random,
        spec: data.CourseSpec,
        session: Row,
        pool: Sequence[tuple[uuid.UUID, int | None]],
        out: list[Row],
    ) -> None:
        capacity: int = session["capacity"]
        past = session["starts_at"] < self.anchor
        # Small seeds have few people: keep a session to a fraction of them so nobody takes every course.
        limit = max(5, len(pool) // 8)
        full = not past and session["waitlist_enabled"] and capacity < limit and rng.random() < 0.3
        active = capacity if full else min(limit, int(capacity * rng.uniform(0.3, 0.85)))
        waitlisted = rng.randint(1, 3) if full else 0
        picked = rng.sample(range(len(pool)), min(len(pool), active + waitlisted))
        for n, k in enumerate(picked):
            person_id, company_index = pool[k]
            company_id = self.companies[company_index].id if company_index is not None else None
            position = None
            if n >= active:
                status = EnrollmentStatus.WAITLISTED
                position = n - active + 1
            elif past:
                roll = rng.random()
                status = (
                    EnrollmentStatus.COMPLETED
                    if roll < 0.75
                    else EnrollmentStatus.NOT_COMPLETED
                    if roll < 0.9
                    else EnrollmentStatus.CANCELLED
                )
            else:
                roll = rng.random()
                if roll < 0.12 and company_id is not None:
                    status = EnrollmentStatus.PENDING_EMPLOYER
                elif roll < 0.25 and spec.requires_agency_approval:
                    status = EnrollmentStatus.PENDING_AGENCY
                elif roll < 0.3:
                    status = EnrollmentStatus.CANCELLED
                else:
                    status = EnrollmentStatus.ENROLLED
            out.append(self._enrollment(rng, session, person_id, company_id, status, position))

    # -- datasets ------------------------------------------------------------------------------------

    def _seed_datasets(self) -> None:
        rng = _stream("datasets")
        datasets: list[Row] = []
        distributions: list[Row] = []
        requests: list[Row] = []
        by_division: dict[str, list[int]] = {}
        for i in self.demand:
            by_division.setdefault(self.companies[i].ksic[:2], []).append(i)
        gated: list[tuple[Row, _Agency]] = []
        for spec in data.DATASETS:
            dataset_id = _new_id(rng)
            publisher = self._agency_for(spec.publisher)
            contributor = None
            if spec.ksic_prefix is not None and rng.random() < 0.5:
                pool = [
                    i
                    for i in by_division.get(spec.ksic_prefix[:2], [])
                    if self.companies[i].ksic.startswith(spec.ksic_prefix)
                ]
                if pool:
                    contributor = self.companies[pool[rng.randrange(len(pool))]].id
            published = self._past(rng, 5, 300)
            temporal_start = self.today - timedelta(days=rng.randint(400, 1500))
            row = {
                "id": dataset_id,
                "created_at": published - timedelta(days=10),
                "updated_at": published,
                "deleted_at": None,
                "slug": spec.slug,
                "title": spec.title,
                "description": spec.description,
                "publisher_agency_id": publisher.id,
                "contributor_company_id": contributor,
                "theme": spec.theme,
                "keywords": list(spec.keywords),
                "license": data.LICENSES[spec.access_tier],
                "access_tier": AccessTier(spec.access_tier),
                "temporal_start": temporal_start,
                "temporal_end": temporal_start + timedelta(days=rng.randint(30, 365)),
                "spatial": BY_CODE[spec.region].name if spec.region else "대한민국",
                "ksic_prefix": spec.ksic_prefix,
                "process": spec.process,
                "equipment": spec.equipment,
                "data_kind": DataKind(spec.data_kind),
                "is_labelled": spec.is_labelled,
                "data_standard": spec.data_standard,
                "status": DatasetStatus.PUBLISHED,
                "published_at": published,
            }
            datasets.append(row)
            formats = data.DISTRIBUTION_FORMATS[spec.data_kind]
            for fmt, media_type, suffix in formats[: rng.randint(1, len(formats))]:
                dist_id = _new_id(rng)
                megabytes = rng.randint(200, 8000) if fmt == "ZIP" else rng.randint(1, 600)
                distributions.append(
                    {
                        "id": dist_id,
                        "created_at": published - timedelta(days=10),
                        "updated_at": published - timedelta(days=10),
                        "dataset_id": dataset_id,
                        "title": f"{spec.title} ({suffix})",
                        "media_type": media_type,
                        "format": fmt,
                        "byte_size": megabytes * 1_048_576 + rng.randint(0, 1_048_575),
                        "storage_key": f"datasets/{dataset_id}/{dist_id}.{fmt.lower()}",
                        "checksum_sha256": hashlib.sha256(f"{spec.slug}/{fmt}".encode()).hexdigest(),
                    }
                )
            if spec.access_tier in ("approval", "restricted"):
                gated.append((row, publisher))
        demo_sme = self.companies[self.demo_sme]
        for n, (dataset, publisher) in enumerate(gated):
            for k in range(1 if n % 2 else 2):
                if n == 0 and k == 0:
                    person_id, company_id = self.persona_ids["sme"], demo_sme.id
                    status = AccessRequestStatus.PENDING
                else:
                    person_id, index = self.workers[rng.randrange(len(self.workers))]
                    company_id = self.companies[index].id
                    status = rng.choice(
                        (AccessRequestStatus.PENDING, AccessRequestStatus.APPROVED, AccessRequestStatus.REJECTED)
                    )
                created = max(self._past(rng, 1, 60), dataset["published_at"] + timedelta(days=1))
                created = min(created, self.anchor - timedelta(hours=2))
                decided = status != AccessRequestStatus.PENDING
                decided_at = min(created + timedelta(days=rng.randint(1, 5)), self.anchor - timedelta(hours=1))
                approvers = publisher.approvers or publisher.admins
                requests.append(
                    {
                        "id": _new_id(rng),
                        "created_at": created,
                        "updated_at": decided_at if decided else created,
                        "dataset_id": dataset["id"],
                        "requester_person_id": person_id,
                        "company_id": company_id,
                        "purpose": rng.choice(data.ACCESS_PURPOSES),
                        "status": status,
                        "decided_by_person_id": approvers[0] if decided else None,
                        "decided_at": decided_at if decided else None,
                        "decision_reason": (
                            "이용 목적이 데이터 제공 범위에 부합함"
                            if status == AccessRequestStatus.APPROVED
                            else "제공 범위를 벗어난 상업적 이용 목적"
                            if status == AccessRequestStatus.REJECTED
                            else None
                        ),
                        "expires_at": decided_at + timedelta(days=365)
                        if status == AccessRequestStatus.APPROVED
                        else None,
                    }
                )
        with self.engine.begin() as conn:
            self._insert(conn, "datasets", datasets)
            self._insert(conn, "dataset_distributions", distributions)
            self._insert(conn, "dataset_access_requests", requests)
        self._report("데이터셋", len(datasets), len(datasets))
