"""The specialist directory through the portal services (main backends): designation through the
funding workflow, renewal reminders and expiry, ratings after completed projects, references, and
the search outbox rows every searchable change leaves behind. Refusals change nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
import pytest_asyncio
import sqlalchemy as sa

from m24.auth.principal import Principal
from m24.kit import jobs
from m24.kit.db import Database, utcnow
from m24.kit.errors import AppError
from m24.portal.companies import service as companies
from m24.portal.companies.models import Company
from m24.portal.funding import service
from m24.portal.funding.models import (
    ApplicationStatus,
    FundingApplication,
    FundingProgram,
    ReviewAssignment,
    SupportAward,
)
from m24.portal.indexing.models import SearchOutbox
from m24.portal.notifications.models import Notification
from m24.portal.people.models import CompanyMembership, CompanyRole
from m24.portal.specialists import directory
from m24.portal.specialists.models import SpecialistRating, SpecialistReference
from tests.funding_support import META, person_principal, principal, submit, to_review


@pytest.fixture(autouse=True)
def _published() -> Iterator[list[jobs.Job]]:
    published: list[jobs.Job] = []
    previous = jobs.get_publisher()
    jobs.set_publisher(published.append)
    yield published
    jobs.set_publisher(previous)


@pytest_asyncio.fixture
async def db(seeded_fresh_url: str) -> AsyncIterator[Database]:
    database = Database(seeded_fresh_url)
    yield database
    await database.dispose()


async def _company(db: Database, company_id: uuid.UUID) -> Company:
    async with db.read() as session:
        company = await session.get(Company, company_id)
    assert company is not None
    return company


async def _outbox(db: Database) -> list[tuple[str, uuid.UUID]]:
    async with db.read() as session:
        return [(k, e) for k, e in (await session.execute(sa.select(SearchOutbox.kind, SearchOutbox.entity_id))).all()]


# --- designation -------------------------------------------------------------------------------------


async def _designation_call(db: Database) -> FundingProgram:
    async with db.read() as session:
        program = await session.scalar(sa.select(FundingProgram).where(FundingProgram.grants_designation.is_(True)))
    assert program is not None
    return program


async def test_designation_runs_through_the_funding_workflow_and_extends_validity(
    db: Database, _published: list[jobs.Job]
) -> None:
    program = await _designation_call(db)
    specialist = await principal(db, "specialist@demo.m24.kr")
    company_id = specialist.companies[0].company_id
    before = await _company(db, company_id)
    assert before.designated_until is not None
    async with db.write() as session:
        application = await service.create_application(
            session,
            specialist,
            META,
            program_id=program.id,
            company_id=company_id,
            requested_amount_krw=0,
            form_data={
                "project_title": "제조AI 전문기업 지정 신청",
                "project_months": 12,
                "total_project_cost_krw": 0,
                "contact_phone": "02-555-0100",
            },
        )
        application_id = application.id
    receipt = await submit(db, specialist, application_id, "designation-key-1")
    assert receipt.application.receipt_number
    await to_review(db, application_id)
    # Assessors score the call's own capability criteria, not the funding scoring form.
    async with db.read() as session:
        reviewers = (
            await session.scalars(
                sa.select(ReviewAssignment.reviewer_person_id).where(ReviewAssignment.application_id == application_id)
            )
        ).all()
    assert reviewers, "reviewers were assigned to the designation application"
    capability = {"technology": 30, "track_record": 20, "experts": 16, "quality_security": 17}
    for person_id in reviewers:
        reviewer = await person_principal(db, person_id)
        async with db.write() as session:
            await service.review_application(session, reviewer, META, application_id, scores=capability, comment="적합")
    approver = await principal(db, "central-approver@demo.m24.kr")
    _published.clear()
    async with db.write() as session:
        decided = await service.decide_application(session, approver, META, application_id, approve=True)
        assert decided.status is ApplicationStatus.APPROVED
        assert decided.award_krw is None
    after = await _company(db, company_id)
    assert after.is_designated_ai_specialist
    # An unexpired designation is extended from its current end by three years.
    assert after.designated_until == before.designated_until + directory.DESIGNATION_VALIDITY
    assert after.profile_version == before.profile_version + 1
    async with db.read() as session:
        awards = await session.scalar(
            sa.select(sa.func.count()).select_from(SupportAward).where(SupportAward.application_id == application_id)
        )
    assert awards == 0, "a designation grants no money and writes nothing to the support ledger"
    assert ("specialist", company_id) in await _outbox(db)
    assert any(job.name == "m24.search.relay" for job in _published)


async def test_only_specialists_may_apply_for_designation(db: Database) -> None:
    program = await _designation_call(db)
    sme = await principal(db, "sme@demo.m24.kr")
    with pytest.raises(AppError) as caught:
        async with db.write() as session:
            await service.create_application(
                session,
                sme,
                META,
                program_id=program.id,
                company_id=sme.companies[0].company_id,
                requested_amount_krw=0,
                form_data={},
            )
    assert caught.value.code.value == "NOT_A_SPECIALIST"
    async with db.read() as session:
        count = await session.scalar(
            sa.select(sa.func.count())
            .select_from(FundingApplication)
            .where(FundingApplication.program_id == program.id)
        )
    assert count == 0


async def test_renewal_reminders_once_per_threshold_and_expiry(db: Database) -> None:
    specialist = await principal(db, "specialist@demo.m24.kr")
    company_id = specialist.companies[0].company_id
    today = utcnow().date()
    async with db.write() as session:
        company = await session.get(Company, company_id)
        assert company is not None
        company.designated_until = today + timedelta(days=20)
    async with db.write() as session:
        first = await directory.designation_sweep(session, today)
    async with db.write() as session:
        again = await directory.designation_sweep(session, today)
    assert first.reminded >= 1 and again.reminded == 0
    async with db.read() as session:
        reminders = (
            await session.scalars(
                sa.select(Notification.dedupe_key).where(Notification.template == "designation.renewal")
            )
        ).all()
    assert any(f"designation-renewal:{company_id}:" in key and ":30:" in key for key in reminders)

    version = (await _company(db, company_id)).profile_version
    async with db.write() as session:
        company = await session.get(Company, company_id)
        assert company is not None
        company.designated_until = today - timedelta(days=1)
    async with db.write() as session:
        swept = await directory.designation_sweep(session, today)
    assert swept.expired >= 1
    expired = await _company(db, company_id)
    assert not expired.is_designated_ai_specialist
    assert expired.profile_version == version + 1
    assert ("specialist", company_id) in await _outbox(db)


# --- ratings -----------------------------------------------------------------------------------------


async def _completed_project(db: Database) -> tuple[FundingApplication, Principal]:
    """A seeded completed project whose supplier is not the demo specialist, and its applicant."""
    demo = (await principal(db, "specialist@demo.m24.kr")).companies[0].company_id
    async with db.read() as session:
        application = await session.scalar(
            sa.select(FundingApplication)
            .where(
                FundingApplication.status == ApplicationStatus.COMPLETED,
                FundingApplication.supplier_company_id.is_not(None),
                FundingApplication.supplier_company_id != demo,
            )
            .order_by(FundingApplication.id)
        )
        assert application is not None, "the seed has completed projects with suppliers"
        person_id = await session.scalar(
            sa.select(CompanyMembership.person_id).where(
                CompanyMembership.company_id == application.company_id,
                CompanyMembership.role == CompanyRole.REPRESENTATIVE,
            )
        )
    assert person_id is not None
    return application, await person_principal(db, person_id)


async def _rating_state(db: Database, supplier_id: uuid.UUID) -> tuple[object, ...]:
    async with db.read() as session:
        count = await session.scalar(
            sa.select(sa.func.count())
            .select_from(SpecialistRating)
            .where(SpecialistRating.supplier_company_id == supplier_id)
        )
    company = await _company(db, supplier_id)
    return count, company.rating_count, company.rating_average, company.profile_version


async def test_rating_after_a_completed_project_once(db: Database) -> None:
    application, rater = await _completed_project(db)
    supplier_id = application.supplier_company_id
    assert supplier_id is not None
    # The seed rates its completed projects; start this one afresh.
    async with db.write() as session:
        await session.execute(sa.delete(SpecialistRating).where(SpecialistRating.application_id == application.id))
    before = await _rating_state(db, supplier_id)
    async with db.write() as session:
        await directory.rate_supplier(session, rater, application.id, 4, "납기와 사후관리 모두 만족", META)
    count, rating_count, average, version = await _rating_state(db, supplier_id)
    assert count == before[0] + 1 and rating_count == count and version == before[3] + 1
    assert average is not None and 1 <= average <= 5
    assert ("specialist", supplier_id) in await _outbox(db)

    rated = await _rating_state(db, supplier_id)
    for code, who, app_id, score in (
        ("ALREADY_RATED", rater, application.id, 5),
        ("NOT_FOUND", await principal(db, "sme@demo.m24.kr"), application.id, 5),  # not the applicant
        ("NOT_FOUND", rater, uuid.uuid4(), 5),
    ):
        with pytest.raises(AppError) as caught:
            async with db.write() as session:
                await directory.rate_supplier(session, who, app_id, score, "", META)
        assert caught.value.code.value == code
        assert await _rating_state(db, supplier_id) == rated


async def test_rating_refused_before_completion_and_out_of_range(db: Database) -> None:
    async with db.read() as session:
        application = await session.scalar(
            sa.select(FundingApplication)
            .where(
                FundingApplication.status != ApplicationStatus.COMPLETED,
                FundingApplication.supplier_company_id.is_not(None),
            )
            .order_by(FundingApplication.id)
            .limit(1)
        )
        assert application is not None
        person_id = await session.scalar(
            sa.select(CompanyMembership.person_id).where(
                CompanyMembership.company_id == application.company_id,
                CompanyMembership.role == CompanyRole.REPRESENTATIVE,
            )
        )
    assert person_id is not None
    rater = await person_principal(db, person_id)
    async with db.read() as session:
        before = await session.scalar(sa.select(sa.func.count()).select_from(SpecialistRating))
    for score, code in ((4, "PROJECT_NOT_COMPLETED"), (9, "INVALID_INPUT")):
        with pytest.raises(AppError) as caught:
            async with db.write() as session:
                await directory.rate_supplier(session, rater, application.id, score, "", META)
        assert caught.value.code.value == code
    async with db.read() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(SpecialistRating)) == before


# --- references and profile ----------------------------------------------------------------------------


async def test_references_link_only_completed_projects_the_firm_supplied(db: Database) -> None:
    application, _ = await _completed_project(db)
    assert application.supplier_company_id is not None
    async with db.read() as session:
        person_id = await session.scalar(
            sa.select(CompanyMembership.person_id).where(
                CompanyMembership.company_id == application.supplier_company_id
            )
        )
    assert person_id is not None
    supplier = await person_principal(db, person_id)
    async with db.write() as session:
        linked = await directory.add_reference(
            session,
            supplier,
            application.supplier_company_id,
            directory.ReferenceInput("비전검사 라인 구축", "시험고객", 2025, "완료 과제", application.id),
            META,
        )
    assert linked.application_id == application.id
    specialist = await principal(db, "specialist@demo.m24.kr")
    own = specialist.companies[0].company_id
    attempts = (
        # someone else's project
        ("NOT_FOUND", specialist, own, application.id),
        # someone else's firm
        ("NOT_FOUND", specialist, application.supplier_company_id, None),
        # the same project twice
        ("CONFLICT", supplier, application.supplier_company_id, application.id),
    )
    for code, who, company_id, app_id in attempts:
        with pytest.raises(AppError) as caught:
            async with db.write() as session:
                await directory.add_reference(
                    session, who, company_id, directory.ReferenceInput("실적", "고객", 2024, "", app_id), META
                )
        assert caught.value.code.value == code, (code, caught.value.message)
    async with db.read() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(SpecialistReference)) == 1


async def test_profile_and_offering_changes_leave_outbox_rows(db: Database) -> None:
    from m24.portal.specialists import service as offerings

    specialist = await principal(db, "specialist@demo.m24.kr")
    company_id = specialist.companies[0].company_id
    version = (await _company(db, company_id)).profile_version
    async with db.write() as session:
        await companies.update_profile(
            session, specialist, company_id, companies.ProfileChange(certifications=("GS인증 1등급", "ISO 9001")), META
        )
    company = await _company(db, company_id)
    assert company.certifications == ["GS인증 1등급", "ISO 9001"] and company.profile_version == version + 1
    async with db.write() as session:
        created = await offerings.create_offering(
            session,
            specialist,
            company_id,
            offerings.OfferingInput("consulting", "AI 도입 컨설팅", "현장 진단", "fixed"),
            META,
        )
    async with db.write() as session:
        updated = await offerings.update_offering(
            session,
            specialist,
            created.id,
            offerings.OfferingInput("consulting", "AI 도입 컨설팅 2", "현장 진단", "fixed"),
            META,
        )
    assert updated.version == 2
    rows = await _outbox(db)
    assert ("specialist", company_id) in rows and rows.count(("offering", created.id)) == 2
    # Refused: an SME adding certifications is not a specialist; nothing moves.
    sme = await principal(db, "sme@demo.m24.kr")
    with pytest.raises(AppError) as caught:
        async with db.write() as session:
            await companies.update_profile(
                session, sme, sme.companies[0].company_id, companies.ProfileChange(certifications=("ISO",)), META
            )
    assert caught.value.code.value == "NOT_A_SPECIALIST"
    assert len(await _outbox(db)) == len(rows)
