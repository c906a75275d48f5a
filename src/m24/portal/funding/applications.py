"""Reading funding applications within the principal's scope (the funding issue adds the workflow).

Scope: an SME's members see their company's applications (and those naming it as supplier or
sponsor); agency staff see submitted applications routed through their agency, and those of calls
their agency owns or operates; platform admins see all. Drafts are the applicant's alone. Anything else
does not exist for the caller (404, not 403).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.pagination import Page, PageRequest, after_key
from m24.portal.audit.service import RequestMeta, record
from m24.portal.funding.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationRevision,
    ApplicationStatus,
    FundingApplication,
    Milestone,
    OutcomeKpi,
    ProgramAgency,
    ProgramAgencyRole,
    ReviewAssignment,
    RouteStep,
)
from m24.portal.people.models import Person

CURSOR_KIND = "fundingApplications"


def cursor_key(application: FundingApplication) -> tuple[str, str]:
    return (application.created_at.isoformat(), str(application.id))


def readable_condition(principal: Principal) -> sa.ColumnElement[bool]:
    """The one way to say which applications a principal may see."""
    if principal.is_platform_admin:
        return sa.true()
    clauses: list[sa.ColumnElement[bool]] = []
    if principal.company_ids:
        ids = list(principal.company_ids)
        clauses += [
            FundingApplication.company_id.in_(ids),
            FundingApplication.supplier_company_id.in_(ids),
            FundingApplication.sponsor_company_id.in_(ids),
        ]
    if principal.agency_ids:
        agencies = list(principal.agency_ids)
        routed_here = sa.exists().where(
            RouteStep.application_id == FundingApplication.id, RouteStep.agency_id.in_(agencies)
        )
        runs_the_call = sa.exists().where(
            ProgramAgency.program_id == FundingApplication.program_id,
            ProgramAgency.agency_id.in_(agencies),
            ProgramAgency.role.in_([ProgramAgencyRole.OWNER, ProgramAgencyRole.OPERATOR]),
        )
        clauses.append(
            sa.and_(FundingApplication.status != ApplicationStatus.DRAFT, sa.or_(routed_here, runs_the_call))
        )
    return sa.or_(*clauses) if clauses else sa.false()


def _reads_personal_data_of_others(principal: Principal, application: FundingApplication) -> bool:
    own = {application.company_id, application.supplier_company_id, application.sponsor_company_id}
    return not (principal.company_ids & own)


async def list_applications(
    session: AsyncSession, principal: Principal, page: PageRequest, meta: RequestMeta
) -> Page[tuple[FundingApplication, Person]]:
    condition = readable_condition(principal)
    total = (
        await session.execute(sa.select(sa.func.count()).select_from(FundingApplication).where(condition))
    ).scalar_one()
    stmt = (
        sa.select(FundingApplication, Person)
        .join(Person, Person.id == FundingApplication.applicant_person_id)
        .where(condition)
    )
    if page.after is not None:
        stmt = stmt.where(
            after_key(FundingApplication.created_at, FundingApplication.id, page.after, datetime.fromisoformat)
        )
    ordered = stmt.order_by(FundingApplication.created_at, FundingApplication.id).limit(page.first + 1)
    rows = (await session.execute(ordered)).all()
    items = [(a, p) for a, p in rows[: page.first]]
    _audit_personal_reads(session, principal, [a for a, _ in items], meta)
    return Page(items=items, total=total, has_next=len(rows) > page.first)


async def get_application(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, meta: RequestMeta
) -> tuple[FundingApplication, Person] | None:
    row = (
        await session.execute(
            sa.select(FundingApplication, Person)
            .join(Person, Person.id == FundingApplication.applicant_person_id)
            .where(FundingApplication.id == application_id, readable_condition(principal))
        )
    ).first()
    if row is None:
        return None
    _audit_personal_reads(session, principal, [row[0]], meta)
    return row[0], row[1]


def _audit_personal_reads(
    session: AsyncSession, principal: Principal, applications: Sequence[FundingApplication], meta: RequestMeta
) -> None:
    """Agency staff and admins reading applicants' names and emails leave an access record."""
    others = [a for a in applications if _reads_personal_data_of_others(principal, a)]
    if not others:
        return
    agency_id = min(principal.agency_ids, default=None)
    record(
        session,
        principal,
        "personal_data.read",
        "funding_application",
        others[0].id if len(others) == 1 else None,
        meta,
        agency_id=agency_id,
        details={"fields": ["applicant.name", "applicant.email"], "applications": [str(a.id) for a in others]},
    )


async def _by_application(
    session: AsyncSession, model: Any, ids: Sequence[uuid.UUID], *order: Any
) -> dict[uuid.UUID, list[Any]]:
    result: dict[uuid.UUID, list[Any]] = defaultdict(list)
    rows = await session.scalars(sa.select(model).where(model.application_id.in_(set(ids))).order_by(*order))
    for row in rows:
        result[row.application_id].append(row)
    return result


async def events_by_application(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ApplicationEvent]]:
    return await _by_application(session, ApplicationEvent, ids, ApplicationEvent.sequence)


async def revisions_by_application(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ApplicationRevision]]:
    return await _by_application(session, ApplicationRevision, ids, ApplicationRevision.revision)


async def documents_by_application(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ApplicationDocument]]:
    result: dict[uuid.UUID, list[ApplicationDocument]] = defaultdict(list)
    rows = await session.scalars(
        sa.select(ApplicationDocument)
        .where(ApplicationDocument.application_id.in_(set(ids)), ApplicationDocument.deleted_at.is_(None))
        .order_by(ApplicationDocument.created_at)
    )
    for row in rows:
        result[row.application_id].append(row)
    return result


async def steps_by_application(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[RouteStep]]:
    return await _by_application(session, RouteStep, ids, RouteStep.position)


async def assignments_by_application(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ReviewAssignment]]:
    return await _by_application(
        session, ReviewAssignment, ids, ReviewAssignment.step_position, ReviewAssignment.assigned_at
    )


async def milestones_by_application(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Milestone]]:
    return await _by_application(session, Milestone, ids, Milestone.position)


async def kpis_by_application(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[OutcomeKpi]]:
    return await _by_application(session, OutcomeKpi, ids, OutcomeKpi.metric)


def is_staff_viewer(principal: Principal, application: FundingApplication, route_agencies: Sequence[uuid.UUID]) -> bool:
    """Agency staff on the route (or running the call) and admins: they see reviews and reviewers."""
    if principal.is_platform_admin:
        return True
    return bool(principal.agency_ids & set(route_agencies))
