"""The demo seed: valid Korean reference data, calls around ``today``, personas, idempotence, determinism."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, time
from itertools import pairwise
from typing import Any

import pytest
import sqlalchemy as sa

from m24.kit import brn
from m24.kit.db import make_sync_engine
from m24.portal.funding.models import StageKind
from m24.portal.models import Base
from m24.portal.reference.regions import REGIONS
from m24.portal.seed import SeedReport, seed
from m24.portal.seed.generator import KST

TODAY = date(2026, 3, 16)
SCALE = 60
HANGUL = re.compile(r"[가-힣]")
T = Base.metadata.tables


def _rows(url: str, query: sa.Executable) -> list[sa.Row[Any]]:
    engine = make_sync_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(query))
    finally:
        engine.dispose()


def _counts(url: str) -> dict[str, int]:
    names = SeedReport().counts()
    return {name: _rows(url, sa.select(sa.func.count()).select_from(T[name]))[0][0] for name in names}


@pytest.fixture
def seeded(migrated_db_url: str) -> tuple[str, SeedReport]:
    return migrated_db_url, seed(migrated_db_url, scale=SCALE, today=TODAY)


def test_report_matches_the_database(seeded: tuple[str, SeedReport]) -> None:
    url, report = seeded
    assert not report.skipped
    assert report.counts() == _counts(url)
    assert report.companies == SCALE + 6  # four large firms, the demo SME and the demo specialist
    assert report.funding_applications >= 10
    assert report.specialist_offerings > 0 and report.enrollments > 0 and report.dataset_distributions > 0


def test_business_numbers_are_valid_and_unique(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    numbers = [r.business_number for r in _rows(url, sa.select(T["companies"].c.business_number))]
    assert all(brn.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_every_region_has_companies(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    regions = {r.region for r in _rows(url, sa.select(T["companies"].c.region))}
    assert regions == {r.code for r in REGIONS}
    technoparks = _rows(url, sa.select(T["agency_regions"].c.region))
    assert sorted(r.region for r in technoparks) == sorted(r.code for r in REGIONS)


def test_calls_are_open_upcoming_and_closed_relative_to_today(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    p = T["funding_programs"]
    statuses: Counter[str] = Counter()
    for row in _rows(url, sa.select(p.c.application_starts_at, p.c.application_ends_at)):
        starts, ends = row.application_starts_at, row.application_ends_at
        assert starts.tzinfo is not None and ends.tzinfo is not None
        # No call starts or ends on ``today`` itself: the status holds for the whole day.
        assert TODAY not in (starts.astimezone(KST).date(), ends.astimezone(KST).date())
        for moment in (time(0, 0, 1), time(12), time(23, 59)):
            now = datetime.combine(TODAY, moment, KST)
            status = "upcoming" if now < starts else "open" if now < ends else "closed"
            if moment == time(12):
                statuses[status] += 1
    assert statuses["open"] >= 5 and statuses["upcoming"] >= 5 and statuses["closed"] >= 5


def test_programs_are_korean_with_shares_stages_and_rules(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    p, a = T["funding_programs"], T["agencies"]
    owner = _rows(url, sa.select(a.c.id).where(a.c.name == "중소벤처기업부"))[0].id
    programs = _rows(url, sa.select(p))
    assert 20 <= len(programs) <= 30
    for program in programs:
        assert HANGUL.search(program.title) and HANGUL.search(program.summary)
        assert program.government_share_pct + program.company_share_pct == 100
        assert program.owner_agency_id == owner
        if program.grants_designation:  # a 제조AI 전문기업 지정 call awards no money
            assert program.budget_krw == 0 and program.max_award_krw == 1
        else:
            assert 0 < program.max_award_krw <= program.budget_krw
    stages = _rows(url, sa.select(T["program_stages"]).order_by(T["program_stages"].c.position))
    by_program: dict[Any, list[str]] = {}
    for stage in stages:
        by_program.setdefault(stage.program_id, []).append(stage.kind)
    assert all(kinds == [k.value for k in StageKind] for kinds in by_program.values())
    assert len(by_program) == len(programs)
    rule_sets = _rows(url, sa.select(T["eligibility_rule_sets"]))
    assert sorted(r.program_id for r in rule_sets) == sorted(r.id for r in programs)
    assert all(r.version == 1 and r.published_at is not None and r.rules for r in rule_sets)
    regional = _rows(url, sa.select(T["program_regions"].c.program_id).distinct())
    industrial = _rows(url, sa.select(T["program_industries"].c.program_id).distinct())
    assert regional and industrial


def test_demo_personas_have_their_memberships(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    people, cm, am, c, a = T["people"], T["company_memberships"], T["agency_memberships"], T["companies"], T["agencies"]
    company_roles = {
        (r.email, r.name, r.role)
        for r in _rows(
            url,
            sa.select(people.c.email, c.c.name, cm.c.role)
            .select_from(people)
            .join(cm, cm.c.person_id == people.c.id)
            .join(c, c.c.id == cm.c.company_id),
        )
        if r.email.endswith("@demo.m24.kr")
    }
    assert ("sme@demo.m24.kr", "(주)한빛정밀", "representative") in company_roles
    assert ("sme-staff@demo.m24.kr", "(주)한빛정밀", "staff") in company_roles
    assert any(email == "specialist@demo.m24.kr" for email, _, _ in company_roles)
    agency_roles = {
        (r.email, r.name, r.role)
        for r in _rows(
            url,
            sa.select(people.c.email, a.c.name, am.c.role)
            .select_from(people)
            .join(am, am.c.person_id == people.c.id)
            .join(a, a.c.id == am.c.agency_id),
        )
        if r.email.endswith("@demo.m24.kr")
    }
    assert ("regional-reviewer@demo.m24.kr", "경기테크노파크", "reviewer") in agency_roles
    assert ("central-approver@demo.m24.kr", "스마트제조혁신추진단", "approver") in agency_roles
    admin = _rows(url, sa.select(people).where(people.c.email == "admin@demo.m24.kr"))[0]
    assert admin.is_platform_admin
    assert _rows(url, sa.select(sa.func.count()).select_from(people).where(people.c.subject.is_not(None)))[0][0] == 0
    specialist_firm = _rows(
        url,
        sa.select(c.c.is_specialist, c.c.is_designated_ai_specialist)
        .join(cm, cm.c.company_id == c.c.id)
        .join(people, people.c.id == cm.c.person_id)
        .where(people.c.email == "specialist@demo.m24.kr"),
    )[0]
    assert specialist_firm.is_specialist and specialist_firm.is_designated_ai_specialist


def test_applications_have_consistent_event_logs(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    apps = _rows(url, sa.select(T["funding_applications"]))
    events = _rows(url, sa.select(T["funding_application_events"]))
    by_app: dict[Any, list[Any]] = {}
    for event in events:
        by_app.setdefault(event.application_id, []).append(event)
    anchor = datetime.combine(TODAY, time(0), KST)
    receipts = [app.receipt_number for app in apps if app.receipt_number is not None]
    assert len(set(receipts)) == len(receipts)
    for app in apps:
        log = sorted(by_app[app.id], key=lambda e: e.sequence)
        assert [e.sequence for e in log] == list(range(1, len(log) + 1))
        assert log[0].kind == "created" and log[0].to_status == "draft"
        assert log[-1].to_status == app.status
        assert all(prev.to_status == nxt.from_status for prev, nxt in pairwise(log))
        assert all(x.occurred_at <= y.occurred_at < anchor for x, y in pairwise(log))
        if app.status == "draft":
            assert app.receipt_number is None and app.submitted_at is None
        else:
            assert re.fullmatch(r"M24-20\d\d-\d{6}", app.receipt_number)
    p = T["funding_programs"]
    expected = Counter(app.program_id for app in apps)
    for program in _rows(url, sa.select(p.c.id, p.c.application_count)):
        assert program.application_count == expected.get(program.id, 0)


def test_timestamps_are_timezone_aware(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    for row in _rows(url, sa.select(T["course_sessions"])):
        assert row.starts_at.tzinfo is not None
        assert row.enrollment_deadline < row.starts_at < row.ends_at
    created = _rows(url, sa.select(T["companies"].c.created_at))
    assert all(r.created_at.astimezone(UTC) < datetime.combine(TODAY, time(0), KST) for r in created)


def test_second_seed_is_skipped_and_changes_nothing(seeded: tuple[str, SeedReport]) -> None:
    url, first = seeded
    again = seed(url, scale=SCALE, today=TODAY)
    assert again.skipped
    assert again.counts() == first.counts() == _counts(url)


def test_reset_reseeds_identically(seeded: tuple[str, SeedReport]) -> None:
    url, first = seeded
    c, apps = T["companies"], T["funding_applications"]
    before_numbers = sorted(r.business_number for r in _rows(url, sa.select(c.c.business_number)))
    before_companies = _rows(url, sa.select(c).order_by(c.c.id))
    before_apps = _rows(url, sa.select(apps).order_by(apps.c.id))
    steps: list[tuple[str, int, int]] = []
    second = seed(url, scale=SCALE, today=TODAY, reset=True, progress=lambda s, d, t: steps.append((s, d, t)))
    assert not second.skipped
    assert second.counts() == first.counts() == _counts(url)
    assert sorted(r.business_number for r in _rows(url, sa.select(c.c.business_number))) == before_numbers
    assert _rows(url, sa.select(c).order_by(c.c.id)) == before_companies
    assert _rows(url, sa.select(apps).order_by(apps.c.id)) == before_apps
    assert ("기업", SCALE, SCALE) in steps


def test_reset_keeps_the_append_only_guards(seeded: tuple[str, SeedReport]) -> None:
    url, _ = seeded
    seed(url, scale=SCALE, today=TODAY, reset=True)
    engine = make_sync_engine(url)
    try:
        for table in ("funding_application_events", "audit_log"):
            with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
                conn.execute(T[table].delete())
    finally:
        engine.dispose()
    assert _counts(url)["funding_application_events"] > 0


def test_scale_below_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        seed("sqlite://", scale=5)
