"""Eligibility rules as versioned data, evaluated with a Korean explanation for every rule.

A rule set is a list of ``{"rule": kind, ...}`` objects stored in :class:`EligibilityRuleSet`. Kinds:

* ``size_class_in`` ``values``: company size classes admitted;
* ``region_in`` ``values``: 시·도 codes; ``ksic_prefix_in`` ``values``: KSIC prefixes;
* ``maturity_at_most`` / ``maturity_at_least`` ``value``: 스마트공장 수준확인 level bounds;
* ``business_active``: the National Tax Service reports the business as 계속사업자;
* ``no_overlapping_support`` ``years``: no award of the same program kind (or the same program) to the
  same 사업자등록번호 within that many years, net of recoupment (the support ledger).

:func:`evaluate` is pure. :func:`preview_admitted` counts how many companies in the database a draft rule
set would admit — everything except ``business_active``, which only the NTS can answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.companies.models import MATURITY_LABELS, SIZE_CLASS_LABELS, Company, MaturityLevel, SizeClass
from m24.portal.funding.models import SupportAward
from m24.portal.reference.ksic import industry_name
from m24.portal.reference.regions import BY_CODE, region_name
from m24.portal.training.models import Enrollment, EnrollmentStatus
from m24.portal.training.service import trained_staff_count

_MATURITY = list(MaturityLevel)
_KIND_LABELS = {
    "ai_factory_basic": "AI 스마트공장 구축(기초)",
    "ai_factory_advanced": "AI 스마트공장 구축(고도화)",
    "win_win": "상생형 AI 공장",
    "subscription": "구독형 스마트공장",
    "robot": "제조로봇 도입",
    "micro": "소공인 스마트제조",
    "consulting": "컨설팅",
    "data": "제조 데이터 활용",
}
BUSINESS_STATE_LABELS = {
    "active": "계속사업자",
    "suspended": "휴업자",
    "closed": "폐업자",
    "unregistered": "국세청 미등록",
}


@dataclass(frozen=True)
class AwardFact:
    program_id: uuid.UUID | None
    program_kind: str
    program_title: str
    awarded_at: datetime
    net_krw: int


@dataclass(frozen=True)
class CompanyFacts:
    size_class: str
    region: str
    ksic_code: str
    maturity_level: str
    #: From the NTS status API: active / suspended / closed / unregistered; None when it could not be asked.
    business_state: str | None
    awards: tuple[AwardFact, ...] = ()
    #: Distinct staff who completed an AI-literacy course for the company (the training pillar).
    trained_staff: int = 0


@dataclass(frozen=True)
class Verdict:
    rule: str
    #: None when the rule could not be decided (the NTS did not answer).
    passed: bool | None
    message: str


@dataclass(frozen=True)
class Eligibility:
    verdicts: tuple[Verdict, ...]

    @property
    def eligible(self) -> bool:
        return all(v.passed is True for v in self.verdicts)

    def failures(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.passed is not True]


def _names(values: Sequence[str], label: dict[str, str] | Any) -> str:
    return ", ".join(label(v) if callable(label) else label.get(v, v) for v in values)


def _size_label(value: str) -> str:
    try:
        return SIZE_CLASS_LABELS[SizeClass(value)]
    except ValueError:
        return value


def _maturity_label(value: str) -> str:
    try:
        return MATURITY_LABELS[MaturityLevel(value)]
    except ValueError:
        return value


def validate_rules(rules: Any) -> list[dict[str, Any]]:
    """Check a rule set's shape before it is stored; raises ``INVALID_INPUT`` naming the bad rule."""
    if not isinstance(rules, list) or not rules:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, "요건 규칙은 하나 이상의 항목을 가진 목록이어야 합니다.", field="rules"
        )
    for index, rule in enumerate(rules):
        where = f"rules[{index}]"
        kind = rule.get("rule") if isinstance(rule, dict) else None
        if kind in ("size_class_in", "region_in", "ksic_prefix_in"):
            values = rule.get("values")
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                raise ValidationFailed(
                    ErrorCode.INVALID_INPUT, f"{kind} 규칙에는 values 목록이 필요합니다.", field=where
                )
            allowed = {
                "size_class_in": {s.value for s in SizeClass},
                "region_in": set(BY_CODE),
            }.get(kind)
            if allowed is not None and not set(values) <= allowed:
                bad = sorted(set(values) - allowed)
                raise ValidationFailed(ErrorCode.INVALID_INPUT, f"알 수 없는 값: {', '.join(bad)}", field=where)
            if kind == "ksic_prefix_in" and not all(v.isdigit() and 1 <= len(v) <= 5 for v in values):
                raise ValidationFailed(ErrorCode.INVALID_INPUT, "KSIC 접두어는 1~5자리 숫자입니다.", field=where)
        elif kind in ("maturity_at_most", "maturity_at_least"):
            if rule.get("value") not in {m.value for m in MaturityLevel}:
                raise ValidationFailed(
                    ErrorCode.INVALID_INPUT, f"{kind} 규칙의 value가 올바르지 않습니다.", field=where
                )
        elif kind == "no_overlapping_support":
            years = rule.get("years")
            if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 10:
                raise ValidationFailed(ErrorCode.INVALID_INPUT, "years는 1~10 사이의 정수입니다.", field=where)
        elif kind == "trained_staff_at_least":
            count = rule.get("count")
            if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1000:
                raise ValidationFailed(ErrorCode.INVALID_INPUT, "count는 1~1000 사이의 정수입니다.", field=where)
        elif kind != "business_active":
            raise ValidationFailed(ErrorCode.INVALID_INPUT, f"알 수 없는 요건 규칙입니다: {kind!r}", field=where)
    return [dict(r) for r in rules]


def evaluate(
    rules: Sequence[dict[str, Any]],
    facts: CompanyFacts,
    *,
    program_id: uuid.UUID | None,
    program_kind: str,
    now: datetime,
) -> Eligibility:
    """Every rule's verdict with its reason in Korean; unknown rule kinds fail closed."""
    verdicts: list[Verdict] = []
    for rule in rules:
        kind = str(rule.get("rule"))
        verdicts.append(_verdict(kind, rule, facts, program_id=program_id, program_kind=program_kind, now=now))
    return Eligibility(tuple(verdicts))


def _verdict(
    kind: str,
    rule: dict[str, Any],
    facts: CompanyFacts,
    *,
    program_id: uuid.UUID | None,
    program_kind: str,
    now: datetime,
) -> Verdict:
    if kind == "size_class_in":
        ok = facts.size_class in rule["values"]
        wanted = _names(rule["values"], _size_label)
        return Verdict(kind, ok, f"기업 규모: {_size_label(facts.size_class)} (대상: {wanted})")
    if kind == "region_in":
        ok = facts.region in rule["values"]
        wanted = _names(rule["values"], lambda c: region_name(c) or c)
        return Verdict(kind, ok, f"소재지: {region_name(facts.region) or facts.region} (대상: {wanted})")
    if kind == "ksic_prefix_in":
        ok = any(facts.ksic_code.startswith(p) for p in rule["values"])
        wanted = _names(rule["values"], industry_name)
        return Verdict(kind, ok, f"업종: {industry_name(facts.ksic_code)}({facts.ksic_code}) (대상: {wanted})")
    if kind in ("maturity_at_most", "maturity_at_least"):
        mine = _MATURITY.index(MaturityLevel(facts.maturity_level))
        bound = _MATURITY.index(MaturityLevel(rule["value"]))
        ok = mine <= bound if kind == "maturity_at_most" else mine >= bound
        side = "이하" if kind == "maturity_at_most" else "이상"
        return Verdict(
            kind,
            ok,
            f"스마트공장 수준: {_maturity_label(facts.maturity_level)} (대상: {_maturity_label(rule['value'])} {side})",
        )
    if kind == "business_active":
        if facts.business_state is None:
            return Verdict(kind, None, "국세청 사업자 상태를 확인하지 못했습니다. 잠시 후 다시 시도해 주세요.")
        label = BUSINESS_STATE_LABELS.get(facts.business_state, facts.business_state)
        return Verdict(kind, facts.business_state == "active", f"사업자 상태: {label} (대상: 계속사업자)")
    if kind == "trained_staff_at_least":
        wanted_count = int(rule["count"])
        return Verdict(
            kind,
            facts.trained_staff >= wanted_count,
            f"AI 교육 수료 인원: {facts.trained_staff}명 (대상: {wanted_count}명 이상)",
        )
    if kind == "no_overlapping_support":
        years = int(rule["years"])
        since = now - timedelta(days=365 * years)
        overlapping = [
            a
            for a in facts.awards
            if a.awarded_at >= since
            and a.net_krw > 0
            and (a.program_kind == program_kind or (program_id is not None and a.program_id == program_id))
        ]
        label = _KIND_LABELS.get(program_kind, program_kind)
        if not overlapping:
            return Verdict(kind, True, f"최근 {years}년 내 동일 유형({label}) 지원 이력이 없습니다.")
        latest = max(overlapping, key=lambda a: a.awarded_at)
        return Verdict(
            kind,
            False,
            f"최근 {years}년 내 동일 유형({label}) 지원 이력이 있습니다: "
            f"{latest.program_title} ({latest.awarded_at:%Y-%m-%d}, {latest.net_krw:,}원)",
        )
    return Verdict(kind, False, f"알 수 없는 요건 규칙({kind})이어서 충족 여부를 판단할 수 없습니다.")


async def award_facts(session: AsyncSession, business_number: str) -> tuple[AwardFact, ...]:
    rows = await session.scalars(sa.select(SupportAward).where(SupportAward.business_number == business_number))
    return tuple(
        AwardFact(a.program_id, a.program_kind, a.program_title, a.awarded_at, a.award_krw - a.recouped_krw)
        for a in rows
    )


async def company_facts(session: AsyncSession, company: Company, business_state: str | None) -> CompanyFacts:
    return CompanyFacts(
        size_class=company.size_class.value,
        region=company.region,
        ksic_code=company.ksic_code,
        maturity_level=company.maturity_level.value,
        business_state=business_state,
        awards=await award_facts(session, company.business_number),
        trained_staff=await trained_staff_count(session, company.id),
    )


async def preview_admitted(
    session: AsyncSession, rules: Sequence[dict[str, Any]], *, program_kind: str, now: datetime
) -> int:
    """How many (non-deleted, non-large) companies a rule set would admit, as one SQL count.

    ``business_active`` is not counted against anyone: only the NTS knows, per company, at submission.
    """
    conditions: list[sa.ColumnElement[bool]] = [Company.deleted_at.is_(None), Company.size_class != SizeClass.LARGE]
    for rule in rules:
        kind = rule.get("rule")
        if kind == "size_class_in":
            conditions.append(Company.size_class.in_([SizeClass(v) for v in rule["values"]]))
        elif kind == "region_in":
            conditions.append(Company.region.in_(rule["values"]))
        elif kind == "ksic_prefix_in":
            conditions.append(sa.or_(*(Company.ksic_code.startswith(p) for p in rule["values"])))
        elif kind in ("maturity_at_most", "maturity_at_least"):
            bound = _MATURITY.index(MaturityLevel(rule["value"]))
            levels = _MATURITY[: bound + 1] if kind == "maturity_at_most" else _MATURITY[bound:]
            conditions.append(Company.maturity_level.in_(levels))
        elif kind == "trained_staff_at_least":
            trained = (
                sa.select(sa.func.count(sa.distinct(Enrollment.person_id)))
                .where(Enrollment.company_id == Company.id, Enrollment.status == EnrollmentStatus.COMPLETED)
                .scalar_subquery()
            )
            conditions.append(trained >= int(rule["count"]))
        elif kind == "no_overlapping_support":
            since = now - timedelta(days=365 * int(rule["years"]))
            conditions.append(
                ~sa.exists().where(
                    SupportAward.business_number == Company.business_number,
                    SupportAward.program_kind == program_kind,
                    SupportAward.awarded_at >= since,
                    SupportAward.award_krw > SupportAward.recouped_krw,
                )
            )
    stmt = sa.select(sa.func.count()).select_from(Company).where(*conditions)
    return (await session.execute(stmt)).scalar_one()
