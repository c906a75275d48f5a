"""상생형 cohorts: a large firm opens one cohort that creates linked draft applications for its supplier
SMEs (협력사) on a win-win call it sponsors; each SME's representative then completes and submits its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.errors import AppError, ErrorCode, NotFound, ValidationFailed
from m24.portal.audit.service import RequestMeta, record
from m24.portal.funding import repository, service
from m24.portal.funding.models import ApplicationCohort, FundingApplication, ProgramKind
from m24.portal.people.models import CompanyRole

MAX_COHORT = 200


@dataclass(frozen=True)
class CohortProgress:
    cohort: ApplicationCohort
    by_status: dict[str, int]
    applications: list[FundingApplication]


async def open_cohort(
    session: AsyncSession,
    principal: Principal,
    meta: RequestMeta,
    *,
    program_id: uuid.UUID,
    sponsor_company_id: uuid.UUID,
    title: str,
    company_ids: Sequence[uuid.UUID],
) -> ApplicationCohort:
    """Only the sponsor's representative, only on a 상생형 call it sponsors; all applications or none."""
    if principal.company_role(sponsor_company_id) != CompanyRole.REPRESENTATIVE:
        raise NotFound("회사를 찾을 수 없습니다.", field="sponsorCompanyId")
    program = await repository.get_program(session, program_id)
    if program is None:
        raise NotFound("공고를 찾을 수 없습니다.", field="programId")
    if (
        program.kind is not ProgramKind.WIN_WIN
        or await service.sponsor_company_of(session, program) != sponsor_company_id
    ):
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "이 회사가 후원하는 상생형 공고가 아닙니다.", field="programId")
    unique = list(dict.fromkeys(company_ids))
    if not 1 <= len(unique) <= MAX_COHORT:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, f"협력사는 1~{MAX_COHORT}곳입니다.", field="companyIds")
    if sponsor_company_id in unique:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "후원 기업 자신은 협력사가 될 수 없습니다.", field="companyIds")
    if not title.strip():
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "코호트 이름을 적어 주세요.", field="title")
    cohort = ApplicationCohort(
        program_id=program.id,
        sponsor_company_id=sponsor_company_id,
        title=title.strip()[:200],
        created_by_person_id=principal.person_id,
    )
    session.add(cohort)
    await session.flush()
    for index, company_id in enumerate(unique):
        try:
            await service.create_application(
                session,
                principal,
                meta,
                program_id=program.id,
                company_id=company_id,
                requested_amount_krw=0,
                form_data={},
                cohort_id=cohort.id,
                sponsor_acting=True,
            )
        except AppError as error:
            error.field = f"companyIds[{index}]"
            raise
    record(
        session,
        principal,
        "funding_cohort.open",
        "funding_cohort",
        cohort.id,
        meta,
        company_id=sponsor_company_id,
        details={"companies": len(unique)},
    )
    return cohort


async def cohort_progress(session: AsyncSession, principal: Principal, cohort_id: uuid.UUID) -> CohortProgress:
    """The sponsor's view of its cohort (platform admins too); anyone else: NOT_FOUND."""
    cohort = await session.get(ApplicationCohort, cohort_id)
    if cohort is None or not (
        principal.is_platform_admin or principal.company_role(cohort.sponsor_company_id) is not None
    ):
        raise NotFound("코호트를 찾을 수 없습니다.", field="id")
    applications = list(
        (
            await session.scalars(
                sa.select(FundingApplication)
                .where(FundingApplication.cohort_id == cohort.id)
                .order_by(FundingApplication.created_at, FundingApplication.id)
            )
        ).all()
    )
    by_status: dict[str, int] = {}
    for application in applications:
        by_status[application.status.value] = by_status.get(application.status.value, 0) + 1
    return CohortProgress(cohort, by_status, applications)
