"""Shared helpers for funding tests: principals of the seeded personas, a world to apply in, and
shortcuts that move an application through its workflow with the portal services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from m24.auth.principal import Principal
from m24.kit.db import Database
from m24.kit.errors import AppError
from m24.portal.agencies.models import Agency
from m24.portal.audit.service import RequestMeta
from m24.portal.funding import pipeline, repository, service
from m24.portal.funding.models import (
    ApplicationEvent,
    ApplicationRevision,
    FundingApplication,
    FundingProgram,
    ReviewAssignment,
    ReviewerConflict,
)
from m24.portal.people.identity import principal_for_person_id
from m24.portal.people.models import AgencyMembership, AgencyRole, Person

META = RequestMeta(request_id="test")
FORM = {
    "project_title": "AI 비전검사 도입",
    "project_months": 6,
    "total_project_cost_krw": 60_000_000,
    "contact_phone": "031-111-2222",
    "subscription_plan": "MES 베이직",
    "robot_units": 1,
}
SCORES = {"necessity": 15, "feasibility": 20, "capability": 15, "outcome": 10, "safety": 5, "environment": 5}


async def principal(db: Database, email: str) -> Principal:
    async with db.read() as session:
        person_id = await session.scalar(sa.select(Person.id).where(Person.email == email))
        assert person_id is not None, email
        found = await principal_for_person_id(session, person_id)
    assert found is not None
    return found


async def person_principal(db: Database, person_id: uuid.UUID) -> Principal:
    async with db.read() as session:
        found = await principal_for_person_id(session, person_id)
    assert found is not None
    return found


@dataclass
class World:
    sme: Principal
    staff: Principal
    specialist: Principal
    reviewer: Principal
    approver: Principal
    company_id: uuid.UUID
    supplier_id: uuid.UUID
    program: FundingProgram


async def world(db: Database) -> World:
    sme = await principal(db, "sme@demo.m24.kr")
    company_id = sme.companies[0].company_id
    async with db.read() as session:
        programs = (await session.scalars(sa.select(FundingProgram).order_by(FundingProgram.code))).all()
        applied = set(
            await session.scalars(
                sa.select(FundingApplication.program_id).where(FundingApplication.company_id == company_id)
            )
        )
        chosen = None
        for program in programs:
            if program.id in applied or repository.call_status(program).value != "open":
                continue
            if program.operator_agency_id != await session.scalar(sa.select(Agency.id).where(Agency.code == "KOSMO")):
                continue
            if (await service.check(session, program, company_id, "active")).eligible:
                chosen = program
                break
    assert chosen is not None
    specialist = await principal(db, "specialist@demo.m24.kr")
    return World(
        sme=sme,
        staff=await principal(db, "sme-staff@demo.m24.kr"),
        specialist=specialist,
        reviewer=await principal(db, "regional-reviewer@demo.m24.kr"),
        approver=await principal(db, "central-approver@demo.m24.kr"),
        company_id=company_id,
        supplier_id=specialist.companies[0].company_id,
        program=chosen,
    )


def form_for(program: FundingProgram) -> dict[str, Any]:
    schema = service.form_schema_of(program)
    return {k: v for k, v in FORM.items() if k in schema["properties"]}


async def draft(db: Database, w: World, *, supplier: bool = True) -> uuid.UUID:
    async with db.write() as session:
        application = await service.create_application(
            session,
            w.sme,
            META,
            program_id=w.program.id,
            company_id=w.company_id,
            requested_amount_krw=30_000_000 if w.program.max_award_krw >= 30_000_000 else w.program.max_award_krw,
            form_data=form_for(w.program),
            supplier_company_id=w.supplier_id if supplier else None,
        )
        return application.id


async def submit(db: Database, who: Principal, application_id: uuid.UUID, key: str = "key-00000001") -> Any:
    async with db.write() as session:
        return await service.submit_application(
            session, who, META, application_id, idempotency_key=key, business_state="active"
        )


async def to_review(db: Database, application_id: uuid.UUID) -> None:
    for step in (lambda s, i: pipeline.check_eligibility(s, i, "active"), pipeline.route, pipeline.assign_reviewers):
        async with db.write() as session:
            assert await step(session, application_id) not in ("skipped", "failed", "missing")


async def state(db: Database, application_id: uuid.UUID) -> tuple[Any, ...]:
    """Everything a refused action must leave untouched."""
    async with db.read() as session:
        application = await session.get(FundingApplication, application_id)
        assert application is not None
        events = await session.scalar(
            sa.select(sa.func.count())
            .select_from(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
        )
        revisions = await session.scalar(
            sa.select(sa.func.count())
            .select_from(ApplicationRevision)
            .where(ApplicationRevision.application_id == application_id)
        )
        return (application.status, application.row_version, application.receipt_number, events, revisions)


async def refused(db: Database, application_id: uuid.UUID, code: str, action: Any) -> AppError:
    before = await state(db, application_id)
    with pytest.raises(AppError) as caught:
        async with db.write() as session:
            await action(session)
    assert caught.value.code.value == code, caught.value.message
    assert await state(db, application_id) == before, "a refused action changes nothing"
    return caught.value


async def review_all(db: Database, application_id: uuid.UUID) -> None:
    async with db.read() as session:
        reviewers = (
            await session.scalars(
                sa.select(ReviewAssignment.reviewer_person_id).where(ReviewAssignment.application_id == application_id)
            )
        ).all()
    for person_id in reviewers:
        reviewer = await person_principal(db, person_id)
        async with db.write() as session:
            await service.review_application(session, reviewer, META, application_id, scores=SCORES, comment="적정")


async def approve(db: Database, w: World, application_id: uuid.UUID) -> None:
    async with db.write() as session:
        await service.decide_application(session, w.approver, META, application_id, approve=True)


async def only_the_persona_reviews(db: Database, company_id: uuid.UUID) -> None:
    """Declare conflicts for every other 경기테크노파크 reviewer, so the persona gets the assignment."""
    persona = (await principal(db, "regional-reviewer@demo.m24.kr")).person_id
    async with db.write() as session:
        tp = await session.scalar(sa.select(Agency.id).where(Agency.code == "TP-GYEONGGI"))
        others = (
            await session.scalars(
                sa.select(AgencyMembership.person_id).where(
                    AgencyMembership.agency_id == tp,
                    AgencyMembership.role == AgencyRole.REVIEWER,
                    AgencyMembership.person_id != persona,
                )
            )
        ).all()
        for person_id in set(others):
            session.add(ReviewerConflict(person_id=person_id, company_id=company_id, reason="시험용 이해충돌"))
