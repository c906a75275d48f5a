"""The training record feeds funding eligibility: a call can require staff who completed AI-literacy
training (`trained_staff_at_least`), per company and in the rule-set preview count."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
import sqlalchemy as sa

from m24.kit.db import Database, utcnow
from m24.portal.companies.models import Company
from m24.portal.funding import eligibility
from m24.portal.training.models import CourseSession, Enrollment, EnrollmentStatus
from tests.funding_support import principal


@pytest_asyncio.fixture
async def db(seeded_fresh_url: str) -> AsyncIterator[Database]:
    database = Database(seeded_fresh_url)
    yield database
    await database.dispose()


async def test_trained_staff_rule_counts_completions_for_the_company(db: Database) -> None:
    sme = await principal(db, "sme@demo.m24.kr")
    staff = await principal(db, "sme-staff@demo.m24.kr")
    company_id = sme.companies[0].company_id
    async with db.read() as session:
        company = await session.get(Company, company_id)
        assert company is not None
        before = (await eligibility.company_facts(session, company, "active")).trained_staff
        session_ids = list(await session.scalars(sa.select(CourseSession.id).limit(5)))
        taken = set(
            await session.scalars(sa.select(Enrollment.session_id).where(Enrollment.person_id == staff.person_id))
        )
    free = next(s for s in session_ids if s not in taken)
    rule = [{"rule": "trained_staff_at_least", "count": before + 1}]
    assert eligibility.validate_rules(rule) == rule
    async with db.read() as session:
        facts = await eligibility.company_facts(session, company, "active")
    verdict = eligibility.evaluate(rule, facts, program_id=None, program_kind="ai_factory_basic", now=utcnow())
    already = before >= 1 and staff.person_id is not None
    assert verdict.eligible is False and "AI 교육 수료 인원" in verdict.verdicts[0].message
    async with db.write() as session:
        session.add(
            Enrollment(
                session_id=free,
                person_id=staff.person_id,
                company_id=company_id,
                status=EnrollmentStatus.COMPLETED,
                completed_at=utcnow(),
            )
        )
    async with db.read() as session:
        facts = await eligibility.company_facts(session, company, "active")
        admitted = await eligibility.preview_admitted(session, rule, program_kind="ai_factory_basic", now=utcnow())
        independent = await session.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(Enrollment.company_id)
                .join(Company, Company.id == Enrollment.company_id)
                .where(
                    Enrollment.status == EnrollmentStatus.COMPLETED,
                    Company.deleted_at.is_(None),
                    Company.size_class != "large",
                )
                .group_by(Enrollment.company_id)
                .having(sa.func.count(sa.distinct(Enrollment.person_id)) >= before + 1)
                .subquery()
            )
        )
    expected = before + (0 if already and facts.trained_staff == before else 1)
    assert facts.trained_staff == expected
    verdict = eligibility.evaluate(rule, facts, program_id=None, program_kind="ai_factory_basic", now=utcnow())
    assert verdict.eligible is (facts.trained_staff >= before + 1)
    assert admitted == independent and admitted >= 1
