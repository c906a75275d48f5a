"""Staff managing a call's eligibility rules: preview a draft rule set against the companies on file,
then publish it as a new version (published versions are never edited)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.db import utcnow
from m24.kit.errors import Forbidden, NotFound
from m24.portal.audit.service import RequestMeta, record
from m24.portal.funding import eligibility, repository
from m24.portal.funding.models import EligibilityRuleSet, FundingProgram
from m24.portal.people.models import AgencyRole


def can_manage(principal: Principal, program: FundingProgram) -> bool:
    """Platform admins, and approvers or admins of the call's owning or operating agency."""
    if principal.is_platform_admin:
        return True
    roles = principal.agency_roles(program.owner_agency_id) | principal.agency_roles(program.operator_agency_id)
    return bool(roles & {AgencyRole.APPROVER, AgencyRole.ADMIN})


async def _managed_program(session: AsyncSession, principal: Principal, program_id: uuid.UUID) -> FundingProgram:
    program = await repository.get_program(session, program_id)
    if program is None:
        raise NotFound("공고를 찾을 수 없습니다.", field="programId")
    if not can_manage(principal, program):
        raise Forbidden("이 공고의 요건을 관리할 권한이 없습니다.", field="programId")
    return program


async def preview(session: AsyncSession, principal: Principal, program_id: uuid.UUID, rules: Any) -> int:
    program = await _managed_program(session, principal, program_id)
    checked = eligibility.validate_rules(rules)
    return await eligibility.preview_admitted(session, checked, program_kind=program.kind.value, now=utcnow())


async def publish(
    session: AsyncSession, principal: Principal, meta: RequestMeta, program_id: uuid.UUID, rules: Any
) -> EligibilityRuleSet:
    program = await _managed_program(session, principal, program_id)
    checked = eligibility.validate_rules(rules)
    await session.execute(sa.select(FundingProgram.id).where(FundingProgram.id == program.id).with_for_update())
    latest = (
        await session.execute(
            sa.select(sa.func.max(EligibilityRuleSet.version)).where(EligibilityRuleSet.program_id == program.id)
        )
    ).scalar_one()
    rule_set = EligibilityRuleSet(
        program_id=program.id, version=(latest or 0) + 1, rules=checked, published_at=utcnow()
    )
    session.add(rule_set)
    await session.flush()
    record(
        session,
        principal,
        "eligibility_rules.publish",
        "funding_program",
        program.id,
        meta,
        agency_id=program.operator_agency_id if principal.agency_roles(program.operator_agency_id) else None,
        details={"version": rule_set.version, "rules": checked},
    )
    return rule_set
