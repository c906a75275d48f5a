"""상생형 routing with the sponsor's co-approval, the notification outbox delivered through the gateway
simulator (retries, permanent refusals, no duplicates), and the eligibility-rule preview for staff."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
import sqlalchemy as sa

from m24.integrations.notify import NotifyClient
from m24.integrations.notify.simulator import SimulatorServer as NotifyServer
from m24.kit import jobs
from m24.kit.db import Database, utcnow
from m24.kit.errors import AppError
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.funding import eligibility, repository, rules, service
from m24.portal.funding.models import FundingApplication, FundingProgram, ProgramKind, RouteStep
from m24.portal.notifications.models import DeliveryStatus, Notification
from m24.portal.notifications.service import notify
from m24.portal.people.models import AgencyMembership, AgencyRole, CompanyMembership, CompanyRole
from m24.workflows.tasks.notifications import deliver_one
from tests.funding_support import META, SCORES, form_for, person_principal, principal, refused, submit, to_review

KEY = "outbox-test-key"


@pytest.fixture(autouse=True)
def _no_publisher() -> Iterator[None]:
    previous = jobs.get_publisher()
    jobs.set_publisher(lambda job: None)
    yield
    jobs.set_publisher(previous)


@pytest_asyncio.fixture
async def db(seeded_fresh_url: str) -> AsyncIterator[Database]:
    database = Database(seeded_fresh_url)
    yield database
    await database.dispose()


async def test_win_win_goes_through_the_sponsors_co_approval(db: Database) -> None:
    approver = await principal(db, "central-approver@demo.m24.kr")
    async with db.read() as session:
        calls = (
            await session.scalars(sa.select(FundingProgram).where(FundingProgram.kind == ProgramKind.WIN_WIN))
        ).all()
        program = next(c for c in calls if repository.call_status(c).value == "open")
        candidates = (
            await session.execute(
                sa.select(Company.id, CompanyMembership.person_id)
                .join(CompanyMembership, CompanyMembership.company_id == Company.id)
                .where(CompanyMembership.role == CompanyRole.REPRESENTATIVE, Company.is_specialist.is_(False))
                .order_by(Company.name)
            )
        ).all()
        applicant = None
        for company_id, person_id in candidates:
            if (await service.check(session, program, company_id, "active")).eligible:
                applicant = (company_id, person_id)
                break
        assert applicant is not None, "a seeded SME qualifies for the open 상생형 call"
        sponsor_company = await service.sponsor_company_of(session, program)
        sponsor_agency = await session.scalar(sa.select(Agency).where(Agency.company_id == sponsor_company))
        assert sponsor_agency is not None
        sponsor_approver_id = await session.scalar(
            sa.select(AgencyMembership.person_id).where(
                AgencyMembership.agency_id == sponsor_agency.id, AgencyMembership.role == AgencyRole.APPROVER
            )
        )
    assert sponsor_approver_id is not None
    sponsor_approver = await person_principal(db, sponsor_approver_id)
    company_id = applicant[0]
    sme = await person_principal(db, applicant[1])
    async with db.write() as session:
        application = await service.create_application(
            session,
            sme,
            META,
            program_id=program.id,
            company_id=company_id,
            requested_amount_krw=10_000_000,
            form_data=form_for(program),
        )
    assert application.sponsor_company_id == sponsor_company, "the call's sponsor is named automatically"
    await submit(db, sme, application.id)
    await to_review(db, application.id)
    async with db.read() as session:
        reviewers = (
            await session.scalars(
                sa.text("SELECT reviewer_person_id FROM review_assignments WHERE application_id = :a").bindparams(
                    a=application.id
                )
            )
        ).all()
    for reviewer_id in reviewers:
        reviewer = await person_principal(db, uuid.UUID(str(reviewer_id)))
        async with db.write() as session:
            await service.review_application(session, reviewer, META, application.id, scores=SCORES, comment=None)
    decide = lambda s: service.decide_application(s, approver, META, application.id, approve=True)  # noqa: E731
    await refused(db, application.id, "TRANSITION_NOT_ALLOWED", decide)  # the sponsor has not co-approved yet
    async with db.write() as session:
        await service.co_approve(session, sponsor_approver, META, application.id, comment="협력사 추천")
    async with db.write() as session:
        await service.decide_application(session, approver, META, application.id, approve=True)
    async with db.read() as session:
        steps = (
            await session.execute(
                sa.select(RouteStep.kind, RouteStep.status, Agency.tier)
                .join(Agency, Agency.id == RouteStep.agency_id)
                .where(RouteStep.application_id == application.id)
                .order_by(RouteStep.position)
            )
        ).all()
        done = await session.get(FundingApplication, application.id)
    assert [(k.value, s.value, t.value) for k, s, t in steps] == [
        ("screening", "done", "regional"),
        ("co_approval", "done", "private"),
        ("decision", "done", "central"),
    ]
    assert done is not None and done.status.value == "approved"


async def test_outbox_delivery_retries_refuses_and_never_duplicates(db: Database) -> None:
    sme = await principal(db, "sme@demo.m24.kr")
    assert sme.person_id is not None
    async with db.write() as session:
        created = await notify(
            session, [sme.person_id], "application.submitted", {"receipt_number": "M24-1"}, "outbox-1"
        )
        again = await notify(session, [sme.person_id], "application.submitted", {"receipt_number": "M24-1"}, "outbox-1")
    assert len(created) == 1 and again == [], "the same announcement is queued once"
    notification_id = created[0].id
    with NotifyServer(api_key=KEY) as gateway:
        async with NotifyClient(gateway.url, KEY, timeout=2) as client:
            gateway.fail_next(1, status=503)
            assert await deliver_one(db, notification_id, client) == "retry"
            assert await deliver_one(db, notification_id, client) == "sent"
            assert await deliver_one(db, notification_id, client) == "skipped", "a redelivered job sends nothing"
            assert len(gateway.messages) == 1
            async with db.write() as session:
                bad = await notify(session, [sme.person_id], "application.submitted", {"x": 1}, "outbox-2")
                await session.execute(
                    sa.update(Notification).where(Notification.id == bad[0].id).values(recipient="not-an-address")
                )
            assert await deliver_one(db, bad[0].id, client) == "failed"
    async with db.read() as session:
        sent = await session.get(Notification, notification_id)
        failed = await session.get(Notification, bad[0].id)
    assert sent is not None and sent.status is DeliveryStatus.SENT and sent.attempts == 2 and sent.gateway_message_id
    assert failed is not None and failed.status is DeliveryStatus.FAILED and "400" in (failed.last_error or "")


async def test_staff_preview_a_draft_rule_set_before_publishing(db: Database) -> None:
    approver = await principal(db, "central-approver@demo.m24.kr")
    sme = await principal(db, "sme@demo.m24.kr")
    async with db.read() as session:
        program = await session.scalar(
            sa.select(FundingProgram)
            .join(Agency, Agency.id == FundingProgram.operator_agency_id)
            .where(Agency.code == "KOSMO")
            .order_by(FundingProgram.code)
            .limit(1)
        )
        assert program is not None
        loose = [{"rule": "size_class_in", "values": ["micro", "small", "medium"]}]
        strict = [*loose, {"rule": "region_in", "values": ["GYEONGGI"]}]
        wide = await rules.preview(session, approver, program.id, loose)
        narrow = await rules.preview(session, approver, program.id, strict)
        direct = await eligibility.preview_admitted(session, strict, program_kind=program.kind.value, now=utcnow())
        with pytest.raises(AppError) as forbidden:
            await rules.preview(session, sme, program.id, loose)
    assert 0 < narrow < wide and narrow == direct
    assert forbidden.value.code.value == "FORBIDDEN"
    async with db.write() as session:
        published = await rules.publish(session, approver, META, program.id, strict)
    async with db.read() as session:
        current = (await repository.current_rule_sets(session, [program.id]))[program.id]
    assert current.version == published.version >= 2 and current.rules == strict
