"""Routing rules (data) → the agency steps an application goes through, and the queue of each agency.

The rule with the highest priority whose conditions all hold wins. Its steps name agencies by
selector; see :class:`m24.portal.funding.models.RoutingRule`. An application no rule matches, or whose
selector finds no agency, cannot be routed: :class:`RoutingFailed` (a permanent failure the
`m24 workflows stuck` command shows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.errors import AppError, ErrorCode
from m24.portal.agencies.models import Agency, AgencyIndustry, AgencyKind, AgencyRegion, AgencyTier
from m24.portal.companies.models import Company
from m24.portal.funding.models import FundingApplication, FundingProgram, ProgramIndustry, RoutingRule, StepKind

SELECTORS = (
    "regional_technopark",
    "program_operator",
    "program_owner",
    "sponsor_agency",
    "industry_agency",
)


class RoutingFailed(AppError):
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.ROUTING_FAILED, message)


@dataclass(frozen=True)
class PlannedStep:
    position: int
    kind: StepKind
    agency: Agency


def queue_for(tier: AgencyTier | str, region: str | None) -> str:
    """The Celery queue of an agency's work: ``central``, ``private`` or ``regional.<시·도 code>``.

    An agency runs its own worker with ``m24 worker --queues regional.gyeonggi``; the default worker
    consumes every queue.
    """
    tier = AgencyTier(tier)
    if tier is AgencyTier.REGIONAL and region:
        return f"regional.{region.lower()}"
    return tier.value


def validate_steps(steps: Any) -> list[dict[str, str]]:
    if not isinstance(steps, list) or not steps:
        raise RoutingFailed("라우팅 규칙에는 하나 이상의 단계가 필요합니다.")
    out: list[dict[str, str]] = []
    for step in steps:
        kind = step.get("kind") if isinstance(step, dict) else None
        selector = step.get("agency") if isinstance(step, dict) else None
        if kind not in {k.value for k in StepKind}:
            raise RoutingFailed(f"알 수 없는 단계 종류입니다: {kind!r}")
        if not isinstance(selector, str) or not (selector in SELECTORS or selector.startswith("agency:")):
            raise RoutingFailed(f"알 수 없는 기관 선택자입니다: {selector!r}")
        out.append({"kind": kind, "agency": selector})
    if out[-1]["kind"] != StepKind.DECISION:
        raise RoutingFailed("라우팅의 마지막 단계는 선정(decision)이어야 합니다.")
    return out


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _matches(rule: RoutingRule, program: FundingProgram, industries: Sequence[str], has_sponsor: bool) -> bool:
    if rule.program_id is not None and rule.program_id != program.id:
        return False
    if rule.program_kind is not None and rule.program_kind != program.kind.value:
        return False
    if rule.ksic_prefix is not None and not any(_overlaps(rule.ksic_prefix, p) for p in industries):
        return False
    return rule.requires_sponsor is None or rule.requires_sponsor == has_sponsor


async def matching_rule(
    session: AsyncSession, program: FundingProgram, has_sponsor: bool, industries: Sequence[str] | None = None
) -> RoutingRule:
    """The highest-priority active rule for this call (its kind, its target industries, a sponsor).

    ``industries`` are the call's KSIC prefixes when the caller has them already."""
    if industries is None:
        industries = (
            await session.scalars(
                sa.select(ProgramIndustry.ksic_prefix).where(ProgramIndustry.program_id == program.id)
            )
        ).all()
    rules: Sequence[RoutingRule] = (
        await session.scalars(
            sa.select(RoutingRule)
            .where(RoutingRule.active.is_(True))
            .order_by(RoutingRule.priority.desc(), RoutingRule.created_at, RoutingRule.id)
        )
    ).all()
    for rule in rules:
        if _matches(rule, program, industries, has_sponsor):
            return rule
    raise RoutingFailed(f"'{program.title}' 신청에 맞는 라우팅 규칙이 없습니다.")


async def _select(
    session: AsyncSession,
    selector: str,
    rule: RoutingRule,
    application: FundingApplication,
    program: FundingProgram,
    company: Company,
) -> Agency | None:
    if selector == "program_operator":
        return await session.get(Agency, program.operator_agency_id)
    if selector == "program_owner":
        return await session.get(Agency, program.owner_agency_id)
    if selector.startswith("agency:"):
        return (await session.scalars(sa.select(Agency).where(Agency.code == selector[7:]))).first()
    if selector == "sponsor_agency":
        if application.sponsor_company_id is None:
            return None
        stmt = sa.select(Agency).where(Agency.company_id == application.sponsor_company_id).order_by(Agency.code)
        return (await session.scalars(stmt)).first()
    if selector == "regional_technopark":
        stmt = (
            sa.select(Agency)
            .join(AgencyRegion, AgencyRegion.agency_id == Agency.id)
            .where(AgencyRegion.region == company.region, Agency.kind == AgencyKind.TECHNOPARK)
            .order_by(Agency.code)
        )
        return (await session.scalars(stmt)).first()
    if selector == "industry_agency":
        # The agency specialised in the rule's industry (else the company's); the longest matching
        # KSIC prefix wins (cosmetics "20423" over chemicals "20").
        industry = rule.ksic_prefix or company.ksic_code
        stmt = (
            sa.select(Agency)
            .join(AgencyIndustry, AgencyIndustry.agency_id == Agency.id)
            .where(
                sa.or_(
                    sa.literal(industry).startswith(AgencyIndustry.ksic_prefix),
                    AgencyIndustry.ksic_prefix.startswith(industry),
                )
            )
            .order_by(sa.func.length(AgencyIndustry.ksic_prefix).desc(), Agency.code)
        )
        return (await session.scalars(stmt)).first()
    return None


async def plan_route(
    session: AsyncSession,
    application: FundingApplication,
    program: FundingProgram,
    company: Company,
    industries: Sequence[str] | None = None,
) -> tuple[RoutingRule, list[PlannedStep]]:
    """The steps the matching rule gives this application; :class:`RoutingFailed` when it cannot."""
    rule = await matching_rule(session, program, application.sponsor_company_id is not None, industries)
    planned: list[PlannedStep] = []
    for position, step in enumerate(validate_steps(rule.steps), start=1):
        agency = await _select(session, step["agency"], rule, application, program, company)
        if agency is None:
            raise RoutingFailed(
                f"라우팅 규칙 '{rule.name}'의 단계 {position}({step['agency']})에 해당하는 기관이 없습니다."
            )
        planned.append(PlannedStep(position, StepKind(step["kind"]), agency))
    return rule, planned


#: The rules every installation starts with (the seed writes them; agencies edit them as data).
DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "상생형: 테크노파크 평가 → 대기업 공동 승인 → 운영기관 선정",
        "priority": 100,
        "program_kind": "win_win",
        "requires_sponsor": True,
        "steps": [
            {"kind": "screening", "agency": "regional_technopark"},
            {"kind": "co_approval", "agency": "sponsor_agency"},
            {"kind": "decision", "agency": "program_operator"},
        ],
    },
    {
        "name": "식품 특화 공고: 식품 전문기관 평가 → 운영기관 선정",
        "priority": 50,
        "ksic_prefix": "10",
        "steps": [
            {"kind": "screening", "agency": "industry_agency"},
            {"kind": "decision", "agency": "program_operator"},
        ],
    },
    {
        "name": "화장품 특화 공고: 화장품 전문기관 평가 → 운영기관 선정",
        "priority": 50,
        "ksic_prefix": "20423",
        "steps": [
            {"kind": "screening", "agency": "industry_agency"},
            {"kind": "decision", "agency": "program_operator"},
        ],
    },
    {
        "name": "기본: 소재지 테크노파크 평가 → 운영기관 선정",
        "priority": 0,
        "steps": [
            {"kind": "screening", "agency": "regional_technopark"},
            {"kind": "decision", "agency": "program_operator"},
        ],
    },
)
