"""Eligibility rules: shape validation, Korean verdicts, and the SQL preview against a Python count."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from m24.kit.db import Database
from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.companies.models import Company, MaturityLevel, SizeClass
from m24.portal.funding.eligibility import (
    AwardFact,
    CompanyFacts,
    Eligibility,
    Verdict,
    company_facts,
    evaluate,
    preview_admitted,
    validate_rules,
)
from m24.portal.funding.models import SupportAward
from m24.portal.seed.data import COMMON_RULES, ELIGIBILITY_RULES

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
PROGRAM_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
OTHER_PROGRAM_ID = uuid.UUID("00000000-0000-4000-8000-000000000002")

BASE = CompanyFacts(
    size_class="small",
    region="GYEONGGI",
    ksic_code="29221",
    maturity_level="basic",
    business_state="active",
)


def company(**changes: Any) -> CompanyFacts:
    return CompanyFacts(**{**BASE.__dict__, **changes})


def award(
    *,
    kind: str = "ai_factory_basic",
    days_ago: float = 100,
    net: int = 50_000_000,
    program_id: uuid.UUID | None = OTHER_PROGRAM_ID,
    title: str = "2024년 AI 스마트공장 구축(기초) 지원사업",
) -> AwardFact:
    return AwardFact(program_id, kind, title, NOW - timedelta(days=days_ago), net)


def verdict_of(
    rule: dict[str, Any], facts: CompanyFacts = BASE, *, program_kind: str = "ai_factory_basic"
) -> tuple[Verdict, Eligibility]:
    result = evaluate([rule], facts, program_id=PROGRAM_ID, program_kind=program_kind, now=NOW)
    assert len(result.verdicts) == 1
    return result.verdicts[0], result


# --- validate_rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(ELIGIBILITY_RULES))
def test_validate_rules_accepts_the_seed_rule_sets(kind: str) -> None:
    rules = [*ELIGIBILITY_RULES[kind], *COMMON_RULES]
    checked = validate_rules(rules)
    assert checked == [dict(r) for r in rules]
    # Copies, so the caller's objects are not stored by reference.
    assert all(a is not b for a, b in zip(checked, rules, strict=True))


def test_validate_rules_accepts_every_kind() -> None:
    rules = [
        {"rule": "size_class_in", "values": [s.value for s in SizeClass]},
        {"rule": "region_in", "values": ["SEOUL", "GYEONGGI", "JEJU"]},
        {"rule": "ksic_prefix_in", "values": ["1", "29", "292", "2922", "29221"]},
        {"rule": "maturity_at_most", "value": "intermediate_2"},
        {"rule": "maturity_at_least", "value": "none"},
        {"rule": "business_active"},
        {"rule": "no_overlapping_support", "years": 1},
        {"rule": "no_overlapping_support", "years": 10},
    ]
    assert validate_rules(rules) == rules


@pytest.mark.parametrize("rules", [None, {}, {"rule": "business_active"}, "business_active", [], ()])
def test_validate_rules_refuses_non_lists_and_empty(rules: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_rules(rules)
    assert info.value.code is ErrorCode.INVALID_INPUT
    assert info.value.field == "rules"
    assert "목록" in info.value.message


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        pytest.param({"rule": "favourite_colour"}, "알 수 없는 요건 규칙입니다: 'favourite_colour'", id="unknown-kind"),
        pytest.param({"values": ["small"]}, "알 수 없는 요건 규칙입니다: None", id="no-kind"),
        pytest.param("size_class_in", "알 수 없는 요건 규칙입니다: None", id="not-a-dict"),
        pytest.param({"rule": "size_class_in", "values": []}, "values 목록이 필요", id="empty-values"),
        pytest.param({"rule": "size_class_in"}, "values 목록이 필요", id="missing-values"),
        pytest.param({"rule": "region_in", "values": "SEOUL"}, "values 목록이 필요", id="values-not-list"),
        pytest.param({"rule": "ksic_prefix_in", "values": [29]}, "values 목록이 필요", id="values-not-str"),
        pytest.param({"rule": "size_class_in", "values": ["small", "huge"]}, "알 수 없는 값: huge", id="bad-size"),
        pytest.param(
            {"rule": "region_in", "values": ["SEOUL", "PYONGYANG"]}, "알 수 없는 값: PYONGYANG", id="bad-region"
        ),
        # Rules store codes, not the Korean names parse_region accepts elsewhere.
        pytest.param({"rule": "region_in", "values": ["경기도"]}, "알 수 없는 값: 경기도", id="region-name"),
        pytest.param({"rule": "ksic_prefix_in", "values": ["C10"]}, "KSIC 접두어", id="ksic-letter"),
        pytest.param({"rule": "ksic_prefix_in", "values": ["292210"]}, "KSIC 접두어", id="ksic-too-long"),
        pytest.param({"rule": "ksic_prefix_in", "values": [""]}, "KSIC 접두어", id="ksic-empty"),
        pytest.param({"rule": "maturity_at_most", "value": "expert"}, "value가 올바르지 않습니다", id="bad-maturity"),
        pytest.param({"rule": "maturity_at_least"}, "value가 올바르지 않습니다", id="missing-maturity"),
        pytest.param({"rule": "no_overlapping_support", "years": 0}, "1~10", id="years-0"),
        pytest.param({"rule": "no_overlapping_support", "years": 11}, "1~10", id="years-11"),
        pytest.param({"rule": "no_overlapping_support", "years": "3"}, "1~10", id="years-str"),
        pytest.param({"rule": "no_overlapping_support", "years": 3.0}, "1~10", id="years-float"),
        pytest.param({"rule": "no_overlapping_support", "years": True}, "1~10", id="years-bool"),
        pytest.param({"rule": "no_overlapping_support"}, "1~10", id="years-missing"),
    ],
)
@pytest.mark.parametrize("index", [0, 2])
def test_validate_rules_names_the_bad_rule(bad: Any, fragment: str, index: int) -> None:
    good = [{"rule": "business_active"}, {"rule": "size_class_in", "values": ["small"]}]
    rules = [*good[:index], bad, *good[index:]]
    with pytest.raises(ValidationFailed) as info:
        validate_rules(rules)
    assert info.value.code is ErrorCode.INVALID_INPUT
    assert info.value.field == f"rules[{index}]"
    assert fragment in info.value.message


# --- evaluate: one rule kind at a time -----------------------------------------------------------------


def test_size_class_pass_and_fail() -> None:
    rule = {"rule": "size_class_in", "values": ["small", "medium"]}
    v, result = verdict_of(rule)
    assert (v.rule, v.passed, v.message) == ("size_class_in", True, "기업 규모: 소기업 (대상: 소기업, 중기업)")
    assert result.eligible and result.failures() == []
    v, result = verdict_of(rule, company(size_class="micro"))
    assert (v.passed, v.message) == (False, "기업 규모: 소공인 (대상: 소기업, 중기업)")
    assert not result.eligible and result.failures() == [v]


def test_region_pass_and_fail() -> None:
    rule = {"rule": "region_in", "values": ["GYEONGGI", "SEOUL"]}
    v, _ = verdict_of(rule)
    assert (v.passed, v.message) == (True, "소재지: 경기도 (대상: 경기도, 서울특별시)")
    v, _ = verdict_of(rule, company(region="BUSAN"))
    assert (v.passed, v.message) == (False, "소재지: 부산광역시 (대상: 경기도, 서울특별시)")


def test_ksic_prefix_pass_and_fail() -> None:
    rule = {"rule": "ksic_prefix_in", "values": ["29", "10"]}
    v, _ = verdict_of(rule)
    assert v.passed is True
    assert v.message == "업종: 전자 응용 절삭기계 제조업(29221) (대상: 기타 기계 및 장비 제조업, 식료품 제조업)"
    v, _ = verdict_of({"rule": "ksic_prefix_in", "values": ["10"]})
    assert (v.passed, v.message) == (False, "업종: 전자 응용 절삭기계 제조업(29221) (대상: 식료품 제조업)")
    # A prefix is a prefix, not a substring.
    v, _ = verdict_of({"rule": "ksic_prefix_in", "values": ["92"]})
    assert v.passed is False


@pytest.mark.parametrize(
    ("kind", "bound", "mine", "passed", "message"),
    [
        ("maturity_at_most", "basic", "none", True, "스마트공장 수준: ICT 미적용 (대상: 기초 이하)"),
        ("maturity_at_most", "basic", "basic", True, "스마트공장 수준: 기초 (대상: 기초 이하)"),
        ("maturity_at_most", "basic", "intermediate_1", False, "스마트공장 수준: 중간1 (대상: 기초 이하)"),
        ("maturity_at_least", "basic", "none", False, "스마트공장 수준: ICT 미적용 (대상: 기초 이상)"),
        ("maturity_at_least", "basic", "basic", True, "스마트공장 수준: 기초 (대상: 기초 이상)"),
        ("maturity_at_least", "intermediate_2", "advanced", True, "스마트공장 수준: 고도화 (대상: 중간2 이상)"),
        ("maturity_at_least", "intermediate_2", "intermediate_1", False, "스마트공장 수준: 중간1 (대상: 중간2 이상)"),
    ],
)
def test_maturity_bounds(kind: str, bound: str, mine: str, passed: bool, message: str) -> None:
    v, _ = verdict_of({"rule": kind, "value": bound}, company(maturity_level=mine))
    assert (v.rule, v.passed, v.message) == (kind, passed, message)


def test_business_active() -> None:
    rule = {"rule": "business_active"}
    v, result = verdict_of(rule)
    assert (v.passed, v.message) == (True, "사업자 상태: 계속사업자 (대상: 계속사업자)")
    assert result.eligible
    v, result = verdict_of(rule, company(business_state="suspended"))
    assert v.passed is False and "휴업자" in v.message
    assert not result.eligible
    v, _ = verdict_of(rule, company(business_state="closed"))
    assert v.passed is False and "폐업자" in v.message
    v, _ = verdict_of(rule, company(business_state="unregistered"))
    assert v.passed is False and "국세청 미등록" in v.message


def test_business_active_unknown_is_undecided_and_not_eligible() -> None:
    v, result = verdict_of({"rule": "business_active"}, company(business_state=None))
    assert v.passed is None
    assert "확인하지 못했습니다" in v.message
    assert result.eligible is False
    assert result.failures() == [v]


def test_unknown_rule_kind_fails_closed() -> None:
    v, result = verdict_of({"rule": "lucky_number", "value": 7})
    assert v.rule == "lucky_number" and v.passed is False
    assert v.message == "알 수 없는 요건 규칙(lucky_number)이어서 충족 여부를 판단할 수 없습니다."
    assert not result.eligible


def test_every_rule_gets_a_verdict_in_order() -> None:
    rules = [
        *ELIGIBILITY_RULES["ai_factory_basic"],
        *COMMON_RULES,
        {"rule": "region_in", "values": ["SEOUL"]},
    ]
    result = evaluate(rules, BASE, program_id=PROGRAM_ID, program_kind="ai_factory_basic", now=NOW)
    assert [v.rule for v in result.verdicts] == [
        "size_class_in",
        "maturity_at_most",
        "business_active",
        "no_overlapping_support",
        "region_in",
    ]
    assert [v.passed for v in result.verdicts] == [True, True, True, True, False]
    assert [v.rule for v in result.failures()] == ["region_in"]
    assert evaluate([], BASE, program_id=None, program_kind="robot", now=NOW).eligible is True


# --- evaluate: no_overlapping_support -------------------------------------------------------------------

OVERLAP = {"rule": "no_overlapping_support", "years": 3}


def test_no_awards_passes() -> None:
    v, _ = verdict_of(OVERLAP)
    assert (v.passed, v.message) == (True, "최근 3년 내 동일 유형(AI 스마트공장 구축(기초)) 지원 이력이 없습니다.")


def test_same_kind_within_window_fails_naming_program_and_date() -> None:
    facts = company(awards=(award(days_ago=400, net=48_500_000),))
    v, result = verdict_of(OVERLAP, facts)
    assert v.passed is False
    assert v.message == (
        "최근 3년 내 동일 유형(AI 스마트공장 구축(기초)) 지원 이력이 있습니다: "
        "2024년 AI 스마트공장 구축(기초) 지원사업 (2024-04-27, 48,500,000원)"
    )
    assert not result.eligible


def test_the_latest_overlapping_award_is_named() -> None:
    facts = company(
        awards=(
            award(days_ago=900, title="옛 사업"),
            award(days_ago=30, title="최근 사업"),
            award(days_ago=500, title="중간 사업"),
        )
    )
    v, _ = verdict_of(OVERLAP, facts)
    assert v.passed is False and "최근 사업 (2025-05-02, 50,000,000원)" in v.message


def test_window_boundary() -> None:
    inside = company(awards=(award(days_ago=365 * 3),))
    assert verdict_of(OVERLAP, inside)[0].passed is False
    outside = company(awards=(award(days_ago=365 * 3 + 1 / 86400),))
    assert verdict_of(OVERLAP, outside)[0].passed is True
    long_ago = company(awards=(award(days_ago=365 * 3 + 30),))
    assert verdict_of(OVERLAP, long_ago)[0].passed is True
    # A one-year window excludes what the three-year one catches.
    two_years = company(awards=(award(days_ago=730),))
    assert verdict_of({"rule": "no_overlapping_support", "years": 1}, two_years)[0].passed is True
    assert verdict_of(OVERLAP, two_years)[0].passed is False


def test_different_kind_passes() -> None:
    facts = company(awards=(award(kind="robot", days_ago=10),))
    v, _ = verdict_of(OVERLAP, facts)
    assert v.passed is True
    v, _ = verdict_of(OVERLAP, facts, program_kind="robot")
    assert v.passed is False and "동일 유형(제조로봇 도입)" in v.message


def test_fully_recouped_award_passes_but_partly_recouped_fails() -> None:
    assert verdict_of(OVERLAP, company(awards=(award(days_ago=10, net=0),)))[0].passed is True
    partly = company(awards=(award(days_ago=10, net=1),))
    v, _ = verdict_of(OVERLAP, partly)
    assert v.passed is False and "1원" in v.message


def test_same_program_of_another_kind_fails() -> None:
    facts = company(awards=(award(kind="consulting", days_ago=10, program_id=PROGRAM_ID, title="같은 사업"),))
    v, _ = verdict_of(OVERLAP, facts)
    assert v.passed is False and "같은 사업" in v.message


def test_missing_program_ids_do_not_match_each_other() -> None:
    facts = company(awards=(award(kind="consulting", days_ago=10, program_id=None),))
    result = evaluate([OVERLAP], facts, program_id=None, program_kind="ai_factory_basic", now=NOW)
    assert result.verdicts[0].passed is True


def test_unknown_program_kind_is_named_as_is() -> None:
    v, _ = verdict_of(OVERLAP, program_kind="space_factory")
    assert v.message == "최근 3년 내 동일 유형(space_factory) 지원 이력이 없습니다."


# --- preview_admitted against an independent Python count ----------------------------------------------

_MATURITY_ORDER = [m.value for m in MaturityLevel]


def _admits(rule: dict[str, Any], c: Company, awards: list[SupportAward], program_kind: str, now: datetime) -> bool:
    kind = rule["rule"]
    size = SizeClass(c.size_class).value
    level = _MATURITY_ORDER.index(MaturityLevel(c.maturity_level).value)
    if kind == "size_class_in":
        return size in rule["values"]
    if kind == "region_in":
        return c.region in rule["values"]
    if kind == "ksic_prefix_in":
        return any(c.ksic_code[: len(p)] == p for p in rule["values"])
    if kind == "maturity_at_most":
        return level <= _MATURITY_ORDER.index(rule["value"])
    if kind == "maturity_at_least":
        return level >= _MATURITY_ORDER.index(rule["value"])
    if kind == "business_active":
        return True
    if kind == "no_overlapping_support":
        since = now - timedelta(days=365 * rule["years"])
        return not any(
            a.business_number == c.business_number
            and a.program_kind == program_kind
            and a.awarded_at >= since
            and a.award_krw - a.recouped_krw > 0
            for a in awards
        )
    raise AssertionError(kind)


async def _python_count(db: Database, rules: list[dict[str, Any]], program_kind: str, now: datetime) -> int:
    async with db.read() as session:
        companies = (await session.scalars(sa.select(Company))).all()
        awards = (await session.scalars(sa.select(SupportAward))).all()
    candidates = [c for c in companies if c.deleted_at is None and SizeClass(c.size_class) is not SizeClass.LARGE]
    return sum(all(_admits(r, c, list(awards), program_kind, now) for r in rules) for c in candidates)


async def _preview(db: Database, rules: list[dict[str, Any]], program_kind: str, now: datetime) -> int:
    async with db.read() as session:
        return await preview_admitted(session, rules, program_kind=program_kind, now=now)


async def _busiest_kind_and_latest_award(db: Database) -> tuple[str, datetime]:
    """The program kind with most awards to candidate companies, and its latest such award."""
    async with db.read() as session:
        rows = (
            await session.execute(
                sa.select(SupportAward.program_kind, SupportAward.awarded_at)
                .join(Company, Company.business_number == SupportAward.business_number)
                .where(
                    Company.deleted_at.is_(None),
                    Company.size_class != SizeClass.LARGE,
                    SupportAward.award_krw > SupportAward.recouped_krw,
                )
            )
        ).all()
    assert rows, "the seed has support awards"
    kind = Counter(k for k, _ in rows).most_common(1)[0][0]
    return kind, max(at for k, at in rows if k == kind)


async def test_preview_matches_python_count(seeded_db: Database) -> None:
    kind, latest = await _busiest_kind_and_latest_award(seeded_db)
    now = latest + timedelta(days=30)
    rule_sets: list[tuple[list[dict[str, Any]], str]] = [
        ([*ELIGIBILITY_RULES["ai_factory_basic"]], "ai_factory_basic"),
        (
            [
                {"rule": "region_in", "values": ["GYEONGGI", "SEOUL", "GYEONGNAM", "INCHEON"]},
                {"rule": "ksic_prefix_in", "values": ["29", "26", "10", "2"]},
            ],
            "ai_factory_advanced",
        ),
        ([{"rule": "size_class_in", "values": ["small", "medium", "mid_sized"]}, *COMMON_RULES], kind),
        (
            [
                {"rule": "maturity_at_least", "value": "basic"},
                {"rule": "business_active"},
                {"rule": "no_overlapping_support", "years": 5},
            ],
            kind,
        ),
    ]
    async with seeded_db.read() as session:
        total = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(Company)
                .where(Company.deleted_at.is_(None), Company.size_class != SizeClass.LARGE)
            )
        ).scalar_one()
    assert total > 0
    for rules, program_kind in rule_sets:
        validate_rules(rules)
        expected = await _python_count(seeded_db, rules, program_kind, now)
        got = await _preview(seeded_db, rules, program_kind, now)
        assert got == expected, (rules, program_kind)
        assert 0 < got < total, (rules, got, total)


async def test_preview_no_overlapping_support_excludes_recent_awardees(seeded_db: Database) -> None:
    kind, latest = await _busiest_kind_and_latest_award(seeded_db)
    now = latest + timedelta(days=1)
    base = [{"rule": "size_class_in", "values": ["micro", "small", "medium", "mid_sized"]}]
    without = await _preview(seeded_db, base, kind, now)
    for years in (1, 3, 10):
        # The latest award is a day old, so every window excludes its company.
        rules = [*base, {"rule": "no_overlapping_support", "years": years}]
        with_rule = await _preview(seeded_db, rules, kind, now)
        assert with_rule == await _python_count(seeded_db, rules, kind, now), years
        assert with_rule < without, years


async def test_preview_window_boundary_is_inclusive(seeded_db: Database) -> None:
    kind, latest = await _busiest_kind_and_latest_award(seeded_db)
    rules = [{"rule": "no_overlapping_support", "years": 1}]
    at_edge = latest + timedelta(days=365)
    just_after = at_edge + timedelta(microseconds=1)
    edge_count = await _preview(seeded_db, rules, kind, at_edge)
    after_count = await _preview(seeded_db, rules, kind, just_after)
    assert edge_count == await _python_count(seeded_db, rules, kind, at_edge)
    assert after_count == await _python_count(seeded_db, rules, kind, just_after)
    # The latest award sits exactly on the window's start, so its company is still excluded.
    assert after_count - edge_count >= 1, (edge_count, after_count)


async def test_stricter_rules_admit_no_more(seeded_db: Database) -> None:
    kind, latest = await _busiest_kind_and_latest_award(seeded_db)
    now = latest + timedelta(days=30)
    looser: list[dict[str, Any]] = [{"rule": "size_class_in", "values": ["micro", "small", "medium"]}]
    chain = [
        looser,
        [*looser, {"rule": "maturity_at_most", "value": "intermediate_1"}],
        [*looser, {"rule": "maturity_at_most", "value": "basic"}],
        [*looser, {"rule": "maturity_at_most", "value": "basic"}, {"rule": "no_overlapping_support", "years": 3}],
        [
            {"rule": "size_class_in", "values": ["small"]},
            {"rule": "maturity_at_most", "value": "basic"},
            {"rule": "no_overlapping_support", "years": 3},
        ],
    ]
    counts = [await _preview(seeded_db, rules, kind, now) for rules in chain]
    assert counts == sorted(counts, reverse=True), counts
    assert counts[0] > counts[-1], counts
    # business_active is not counted against anyone.
    assert await _preview(seeded_db, [*looser, {"rule": "business_active"}], kind, now) == counts[0]


async def test_preview_agrees_with_evaluate(seeded_db: Database) -> None:
    """The SQL count equals the companies the pure evaluator admits (with the NTS saying 'active')."""
    kind, latest = await _busiest_kind_and_latest_award(seeded_db)
    now = latest + timedelta(days=30)
    rules = [*ELIGIBILITY_RULES["ai_factory_advanced"], *COMMON_RULES]
    async with seeded_db.read() as session:
        companies = (
            await session.scalars(
                sa.select(Company).where(Company.deleted_at.is_(None), Company.size_class != SizeClass.LARGE)
            )
        ).all()
        admitted = 0
        for c in companies:
            facts = await company_facts(session, c, "active")
            admitted += evaluate(rules, facts, program_id=None, program_kind=kind, now=now).eligible
        count = await preview_admitted(session, rules, program_kind=kind, now=now)
    assert count == admitted
