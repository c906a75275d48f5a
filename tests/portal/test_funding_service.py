"""Funding applications through the portal services, on a private seeded database (main backend).

Workflow tasks are run here by calling their pipeline steps directly (the worker tests run them through
the real broker). Every refused action is checked to change nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa

from m24.kit import jobs
from m24.kit.db import Database, utcnow
from m24.kit.errors import AppError
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.funding import cohorts, ledger, pipeline, repository, service
from m24.portal.funding.models import (
    ApplicationEvent,
    ApplicationRevision,
    ApplicationStatus,
    FundingApplication,
    FundingProgram,
    ProgramKind,
    ReviewAssignment,
    ReviewerConflict,
    RouteStep,
    SupportAward,
    WorkflowFailure,
)
from m24.portal.funding.routing import plan_route
from m24.portal.people.models import AgencyMembership, AgencyRole, CompanyMembership, CompanyRole, Person
from tests.funding_support import (
    META,
    SCORES,
    approve,
    draft,
    form_for,
    person_principal,
    principal,
    refused,
    review_all,
    submit,
    to_review,
    world,
)


@pytest.fixture(autouse=True)
def _no_publisher() -> Iterator[list[jobs.Job]]:
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


# --- submission --------------------------------------------------------------------------------------


async def test_submission_receipt_replay_and_key_reuse(db: Database) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    first = await submit(db, w.sme, application_id, "rush-key-1")
    assert first.application.receipt_number.startswith("M24-") and not first.replayed
    again = await submit(db, w.sme, application_id, "rush-key-1")
    assert again.replayed and again.application.receipt_number == first.application.receipt_number
    await refused(
        db,
        application_id,
        "IDEMPOTENCY_KEY_REUSED",
        lambda s: service.submit_application(
            s, w.sme, META, application_id, idempotency_key="another-key", business_state="active"
        ),
    )
    async with db.read() as session:
        revisions = (
            await session.scalars(
                sa.select(ApplicationRevision).where(ApplicationRevision.application_id == application_id)
            )
        ).all()
    assert [r.revision for r in revisions] == [1], "submission keeps the submitted content as revision 1"


async def test_submitting_after_the_deadline_is_refused(db: Database) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    async with db.write() as session:
        program = await session.get(FundingProgram, w.program.id)
        assert program is not None
        program.application_ends_at = utcnow() - timedelta(minutes=1)
    error = await refused(
        db,
        application_id,
        "CALL_NOT_OPEN",
        lambda s: service.submit_application(
            s, w.sme, META, application_id, idempotency_key="late-key-1", business_state="active"
        ),
    )
    assert "접수 기간" in error.message


async def test_an_ineligible_or_unknown_business_cannot_submit(db: Database) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    error = await refused(
        db,
        application_id,
        "INELIGIBLE",
        lambda s: service.submit_application(
            s, w.sme, META, application_id, idempotency_key="closed-key", business_state="closed"
        ),
    )
    assert "폐업자" in error.message
    await refused(
        db,
        application_id,
        "EXTERNAL_UNAVAILABLE",
        lambda s: service.submit_application(
            s, w.sme, META, application_id, idempotency_key="nts-down-key", business_state=None
        ),
    )


async def test_incomplete_form_and_staff_submission_are_refused(db: Database) -> None:
    w = await world(db)
    async with db.write() as session:
        application = await service.create_application(
            session, w.sme, META, program_id=w.program.id, company_id=w.company_id, requested_amount_krw=0, form_data={}
        )
    error = await refused(
        db,
        application.id,
        "FORM_INVALID",
        lambda s: service.submit_application(
            s, w.sme, META, application.id, idempotency_key="form-key-1", business_state="active"
        ),
    )
    assert error.field and error.field.startswith("formData.")
    async with db.write() as session:
        await service.update_application(session, w.staff, META, application.id, form_data=form_for(w.program))
    await refused(
        db,
        application.id,
        "TRANSITION_NOT_ALLOWED",
        lambda s: service.submit_application(
            s, w.staff, META, application.id, idempotency_key="staff-key-1", business_state="active"
        ),
    )


async def test_bad_drafts_are_refused(db: Database) -> None:
    w = await world(db)
    async with db.read() as session:
        plain = await session.scalar(
            sa.select(Company.id).where(Company.is_specialist.is_(False), Company.id != w.company_id).limit(1)
        )
    cases = [
        ({"supplier_company_id": plain}, "INVALID_INPUT", "supplierId"),
        ({"supplier_company_id": w.company_id}, "INVALID_INPUT", "supplierId"),
        ({"requested_amount_krw": w.program.max_award_krw + 1}, "INVALID_INPUT", "requestedAmountKrw"),
        ({"form_data": {"project_months": "여섯"}}, "FORM_INVALID", "formData.project_months"),
        ({"form_data": {"unknown_field": 1}}, "FORM_INVALID", "formData"),
        ({"company_id": w.supplier_id}, "NOT_FOUND", "companyId"),
    ]
    for overrides, code, field in cases:
        kwargs: dict[str, Any] = {
            "program_id": w.program.id,
            "company_id": w.company_id,
            "requested_amount_krw": 1_000_000,
            "form_data": {},
            **overrides,
        }
        with pytest.raises(AppError) as caught:
            async with db.write() as session:
                await service.create_application(session, w.sme, META, **kwargs)
        assert (caught.value.code.value, caught.value.field) == (code, field), overrides
    await draft(db, w)
    with pytest.raises(AppError) as duplicate:
        await draft(db, w)
    assert duplicate.value.code.value == "DUPLICATE_APPLICATION"


async def test_stale_edit_is_refused(db: Database) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    async with db.read() as session:
        version = (await session.get(FundingApplication, application_id)).row_version  # type: ignore[union-attr]
    async with db.write() as session:
        await service.update_application(
            session, w.sme, META, application_id, expected_version=version, requested_amount_krw=5_000_000
        )
    await refused(
        db,
        application_id,
        "STALE_VERSION",
        lambda s: service.update_application(
            s, w.sme, META, application_id, expected_version=version, requested_amount_krw=6_000_000
        ),
    )


# --- routing, review, decision ----------------------------------------------------------------------


async def test_forbidden_transitions_along_the_way(db: Database) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    approve_it = lambda s: service.decide_application(s, w.approver, META, application_id, approve=True)  # noqa: E731
    await refused(db, application_id, "NOT_FOUND", approve_it)  # a draft is the applicant's alone
    await submit(db, w.sme, application_id)
    await to_review(db, application_id)
    await refused(db, application_id, "TRANSITION_NOT_ALLOWED", approve_it)  # still at the 테크노파크 step
    await refused(
        db,
        application_id,
        "TRANSITION_NOT_ALLOWED",
        lambda s: service.review_application(s, w.approver, META, application_id, scores=SCORES, comment=None),
    )
    await refused(
        db,
        application_id,
        "NOT_FOUND",
        lambda s: service.withdraw_application(s, w.specialist, META, uuid.uuid4(), reason=None),
    )
    outsider = await principal(db, "admin@demo.m24.kr")
    await refused(
        db,
        application_id,
        "TRANSITION_NOT_ALLOWED",
        lambda s: service.withdraw_application(s, outsider, META, application_id, reason=None),
    )


async def test_routing_review_supplement_and_decision(db: Database, _no_publisher: list[jobs.Job]) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    await submit(db, w.sme, application_id)
    await to_review(db, application_id)
    assert any(j.queue == "regional.gyeonggi" for j in _no_publisher), "reviewer assignment goes to the TP's queue"
    async with db.read() as session:
        steps = (
            await session.execute(
                sa.select(RouteStep.kind, Agency.code)
                .join(Agency, Agency.id == RouteStep.agency_id)
                .where(RouteStep.application_id == application_id)
                .order_by(RouteStep.position)
            )
        ).all()
        assigned = (
            await session.scalars(sa.select(ReviewAssignment).where(ReviewAssignment.application_id == application_id))
        ).all()
    assert [(k.value, c) for k, c in steps] == [("screening", "TP-GYEONGGI"), ("decision", "KOSMO")]
    assert len(assigned) == 2

    # A reviewer asks for a supplement; the applicant edits (a revision is kept) and hands it in.
    first_reviewer = await person_principal(db, assigned[0].reviewer_person_id)
    bad_scores = {**SCORES, "safety": 11}
    await refused(
        db,
        application_id,
        "SCORE_INVALID",
        lambda s: service.review_application(s, first_reviewer, META, application_id, scores=bad_scores, comment=None),
    )
    async with db.write() as session:
        await service.request_supplement(session, first_reviewer, META, application_id, items=["견적서 재제출"], days=7)
    async with db.write() as session:
        await service.update_application(session, w.sme, META, application_id, requested_amount_krw=25_000_000)
    async with db.write() as session:
        await service.submit_supplement(session, w.sme, META, application_id, note="견적서 첨부")
    await review_all(db, application_id)
    await approve(db, w, application_id)
    async with db.read() as session:
        application = await session.get(FundingApplication, application_id)
        assert application is not None
        revisions = (
            await session.scalars(
                sa.select(ApplicationRevision.requested_amount_krw)
                .where(ApplicationRevision.application_id == application_id)
                .order_by(ApplicationRevision.revision)
            )
        ).all()
        kinds = (
            await session.scalars(
                sa.select(ApplicationEvent.kind)
                .where(ApplicationEvent.application_id == application_id)
                .order_by(ApplicationEvent.sequence)
            )
        ).all()
    assert application.status.value == "approved" and application.award_krw == 25_000_000
    assert application.review_score == sum(SCORES.values())
    assert list(revisions) == [30_000_000, 25_000_000][: len(revisions)] and len(revisions) == 2
    assert kinds == [
        "created",
        "submitted",
        "eligibility_checked",
        "routed",
        "review_started",
        "supplement_requested",
        "edited",
        "supplement_submitted",
        "reviewed",
        "reviewed",
        "step_started",
        "approved",
    ]


async def test_rejection_appeal_and_the_full_project_life(db: Database) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    await submit(db, w.sme, application_id)
    await to_review(db, application_id)
    await review_all(db, application_id)
    async with db.write() as session:
        await service.decide_application(
            session, w.approver, META, application_id, approve=False, reason="사업비 산정 근거 부족"
        )
    async with db.write() as session:
        await service.appeal(session, w.sme, META, application_id, reason="근거 자료를 보완했습니다")
    async with db.write() as session:
        await service.decide_appeal(session, w.approver, META, application_id, accept=True, reason="재심사")
    await approve(db, w, application_id)

    today = date.today()
    milestones = [
        service.MilestoneInput("설비 설치", today + timedelta(days=30)),
        service.MilestoneInput("시범 운영", today + timedelta(days=60)),
    ]
    kpis = [
        service.KpiInput("defect_rate", baseline=4.0, target=2.0),
        service.KpiInput("productivity", baseline=100, target=130),
    ]
    await refused(
        db,
        application_id,
        "INVALID_INPUT",
        lambda s: service.propose_agreement(
            s, w.approver, META, application_id, milestones=milestones, kpis=[service.KpiInput("happiness", baseline=1)]
        ),
    )
    async with db.write() as session:
        await service.propose_agreement(session, w.approver, META, application_id, milestones=milestones, kpis=kpis)
    await refused(
        db, application_id, "TRANSITION_NOT_ALLOWED", lambda s: service.sign_agreement(s, w.staff, META, application_id)
    )
    async with db.write() as session:
        await service.sign_agreement(session, w.sme, META, application_id)
    await refused(
        db,
        application_id,
        "TRANSITION_NOT_ALLOWED",
        lambda s: service.request_inspection(s, w.sme, META, application_id),
    )
    for position in (1, 2):
        async with db.write() as session:
            await service.complete_milestone(session, w.staff, META, application_id, position=position, note="완료")
    async with db.write() as session:
        await service.request_inspection(session, w.sme, META, application_id)
    async with db.write() as session:
        await service.inspect(session, w.approver, META, application_id, passed=True, note="적합")
    async with db.write() as session:
        rows = await service.report_outcomes(
            session,
            w.sme,
            META,
            application_id,
            results=[service.KpiInput("defect_rate", result=1.5), service.KpiInput("productivity", result=140)],
        )
    assert {k.metric: k.result for k in rows} == {"defect_rate": 1.5, "productivity": 140}
    async with db.write() as session:
        await service.settle(session, w.approver, META, application_id, settled_krw=27_000_000)
    await refused(
        db,
        application_id,
        "TRANSITION_NOT_ALLOWED",
        lambda s: service.settle(s, w.approver, META, application_id, settled_krw=1),
    )
    async with db.read() as session:
        application = await session.get(FundingApplication, application_id)
        award = (
            await session.scalars(sa.select(SupportAward).where(SupportAward.application_id == application_id))
        ).one()
    assert application is not None and application.status.value == "completed"
    assert award.award_krw == 30_000_000 and award.recouped_krw == 3_000_000, "unspent money is recouped in the ledger"


async def test_batch_decision_applies_each_on_its_own(db: Database) -> None:
    w = await world(db)
    ready = await draft(db, w)
    await submit(db, w.sme, ready)
    await to_review(db, ready)
    await review_all(db, ready)
    not_ready = uuid.uuid4()
    async with db.write() as session:
        outcomes = await service.decide_many(
            session, w.approver, META, [ready, not_ready], approve=False, reason="예산 소진"
        )
    assert [(o.application_id, o.error.code.value if o.error else None) for o in outcomes] == [
        (ready, None),
        (not_ready, "NOT_FOUND"),
    ]
    async with db.read() as session:
        assert (await session.get(FundingApplication, ready)).status.value == "rejected"  # type: ignore[union-attr]


# --- reviewers, routing rules, SLA, ledger, cohorts --------------------------------------------------


async def test_reviewers_with_a_conflict_are_never_assigned_and_load_is_balanced(db: Database) -> None:
    w = await world(db)
    async with db.read() as session:
        tp = await session.scalar(sa.select(Agency.id).where(Agency.code == "TP-GYEONGGI"))
        reviewers = (
            await session.scalars(
                sa.select(AgencyMembership.person_id).where(
                    AgencyMembership.agency_id == tp, AgencyMembership.role == AgencyRole.REVIEWER
                )
            )
        ).all()
    assert len(reviewers) >= 3
    conflicted = reviewers[0]
    async with db.write() as session:
        session.add(ReviewerConflict(person_id=conflicted, company_id=w.company_id, reason="친족 관계"))
    application_id = await draft(db, w)
    await submit(db, w.sme, application_id)
    async with db.read() as session:
        loads = await pipeline.reviewer_loads(session, [r for r in reviewers if r != conflicted])
    await to_review(db, application_id)
    async with db.read() as session:
        chosen = set(
            (
                await session.scalars(
                    sa.select(ReviewAssignment.reviewer_person_id).where(
                        ReviewAssignment.application_id == application_id
                    )
                )
            ).all()
        )
    assert conflicted not in chosen and len(chosen) == 2
    least = sorted(loads, key=lambda p: (loads[p], str(p)))[:2]
    assert chosen == set(least), "the least-loaded reviewers without a conflict"


async def test_industry_and_win_win_routing_and_a_call_no_rule_matches(db: Database) -> None:
    async with db.read() as session:
        food = await session.scalar(sa.select(FundingProgram).where(FundingProgram.title.contains("식품")))
        win_win = (
            await session.scalars(sa.select(FundingProgram).where(FundingProgram.kind == ProgramKind.WIN_WIN))
        ).first()
        any_company = await session.scalar(
            sa.select(Company).where(Company.region == "GYEONGGI", Company.is_specialist.is_(False)).limit(1)
        )
        assert food is not None and win_win is not None and any_company is not None
        draft_app = FundingApplication(program_id=food.id, company_id=any_company.id, applicant_person_id=uuid.uuid4())
        _rule, steps = await plan_route(session, draft_app, food, any_company)
        assert [(s.kind.value, s.agency.code) for s in steps] == [("screening", "FOODPOLIS"), ("decision", "FOODPOLIS")]
        sponsor = await service.sponsor_company_of(session, win_win)
        draft_app = FundingApplication(
            program_id=win_win.id,
            company_id=any_company.id,
            applicant_person_id=uuid.uuid4(),
            sponsor_company_id=sponsor,
        )
        _rule, steps = await plan_route(session, draft_app, win_win, any_company)
        assert [s.kind.value for s in steps] == ["screening", "co_approval", "decision"]
        assert steps[0].agency.code == "TP-GYEONGGI" and steps[1].agency.tier.value == "private"
    # Through the routing task's own path (the call's industries read with the locked application).
    async with db.write() as session:
        applicant = await session.scalar(sa.select(Person.id).limit(1))
        stored = FundingApplication(
            program_id=food.id,
            company_id=any_company.id,
            applicant_person_id=applicant,
            status=ApplicationStatus.ELIGIBILITY_CHECK,
        )
        session.add(stored)
    async with db.write() as session:
        assert await pipeline.route(session, stored.id) == "routed"
    async with db.read() as session:
        codes = (
            await session.scalars(
                sa.select(Agency.code)
                .join(RouteStep, RouteStep.agency_id == Agency.id)
                .where(RouteStep.application_id == stored.id)
                .order_by(RouteStep.position)
            )
        ).all()
    assert list(codes) == ["FOODPOLIS", "FOODPOLIS"]
    # With every rule switched off, routing fails for good and the application shows up as stuck.
    w = await world(db)
    application_id = await draft(db, w)
    await submit(db, w.sme, application_id)
    async with db.write() as session:
        await session.execute(sa.text("UPDATE routing_rules SET active = false"))
    async with db.write() as session:
        assert await pipeline.check_eligibility(session, application_id, "active") == "eligible"
    async with db.write() as session:
        assert await pipeline.route(session, application_id) == "failed"
    async with db.read() as session:
        failures = (
            await session.scalars(sa.select(WorkflowFailure).where(WorkflowFailure.application_id == application_id))
        ).all()
        stuck = await pipeline.stuck(session)
    assert len(failures) == 1 and "라우팅 규칙이 없습니다" in failures[0].error
    assert any(s.application_id == application_id and "작업 실패" in s.reason for s in stuck)
    # Once the rules are fixed, `m24 workflows retry` closes the failure and sends the job again.
    async with db.write() as session:
        await session.execute(sa.text("UPDATE routing_rules SET active = true"))
    async with db.write() as session:
        assert await pipeline.retry(session, application_id) == service.ROUTE_JOB
    async with db.write() as session:
        assert await pipeline.route(session, application_id) == "routed"
    async with db.read() as session:
        assert not [s for s in await pipeline.stuck(session) if s.application_id == application_id]


async def test_sla_sweep_escalates_once_and_expires_unanswered_supplements(db: Database) -> None:
    w = await world(db)
    application_id = await draft(db, w)
    await submit(db, w.sme, application_id)
    await to_review(db, application_id)
    later = utcnow() + timedelta(days=w.program.review_sla_days + 1)
    async with db.write() as session:
        result = await pipeline.sla_sweep(session, now=later)
    assert result.escalated >= 1
    async with db.write() as session:
        again = await pipeline.sla_sweep(session, now=later)
    async with db.read() as session:
        escalations = await session.scalar(
            sa.select(sa.func.count())
            .select_from(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id, ApplicationEvent.kind == "sla_escalated")
        )
        stuck = await pipeline.stuck(session, now=later)
    assert escalations == 1 and again.escalated == 0
    assert any(s.application_id == application_id and "기한 경과" in s.reason for s in stuck)
    reviewer = await person_principal(db, (await _assignment(db, application_id)).reviewer_person_id)
    async with db.write() as session:
        await service.request_supplement(session, reviewer, META, application_id, items=["재무제표"], days=3)
    async with db.write() as session:
        expired = await pipeline.sla_sweep(session, now=utcnow() + timedelta(days=4))
    async with db.read() as session:
        application = await session.get(FundingApplication, application_id)
    assert expired.expired >= 1 and application is not None and application.status.value == "rejected"


async def _assignment(db: Database, application_id: uuid.UUID) -> ReviewAssignment:
    async with db.read() as session:
        return (
            await session.scalars(sa.select(ReviewAssignment).where(ReviewAssignment.application_id == application_id))
        ).first()  # type: ignore[return-value]


async def test_ledger_blocks_overlapping_support_and_flags_repeated_pairs(db: Database) -> None:
    w = await world(db)
    async with db.write() as session:
        company = await session.get(Company, w.company_id)
        assert company is not None
        for days in (400, 200):
            session.add(
                SupportAward(
                    business_number=company.business_number,
                    company_id=company.id,
                    program_kind=w.program.kind.value,
                    program_title="2025년 이전 공고",
                    region=company.region,
                    award_krw=10_000_000,
                    awarded_at=utcnow() - timedelta(days=days),
                    supplier_company_id=w.supplier_id,
                )
            )
    async with db.read() as session:
        verdict = await service.check(session, w.program, w.company_id, "active")
        flags = await ledger.suspicious_patterns(session)
    overlap = next(v for v in verdict.verdicts if v.rule == "no_overlapping_support")
    assert overlap.passed is False and "2025년 이전 공고" in overlap.message
    pair = [f for f in flags if f.kind == "repeated_pair" and f.company_ids == (w.supplier_id, w.company_id)]
    assert len(pair) == 1 and len(pair[0].award_ids) >= 2
    application_id = await draft(db, w)
    await refused(
        db,
        application_id,
        "INELIGIBLE",
        lambda s: service.submit_application(
            s, w.sme, META, application_id, idempotency_key="overlap-key", business_state="active"
        ),
    )


async def test_cohort_creates_linked_drafts_only_for_its_sponsor(db: Database) -> None:
    async with db.read() as session:
        programs = (
            await session.scalars(sa.select(FundingProgram).where(FundingProgram.kind == ProgramKind.WIN_WIN))
        ).all()
        program = next(p for p in programs if repository.call_status(p).value == "open")
        sponsor_id = await service.sponsor_company_of(session, program)
        suppliers = (
            await session.scalars(
                sa.select(Company.id)
                .join(CompanyMembership, CompanyMembership.company_id == Company.id)
                .where(
                    CompanyMembership.role == CompanyRole.REPRESENTATIVE,
                    Company.is_specialist.is_(False),
                    Company.size_class.in_(["small", "medium"]),
                )
                .where(
                    ~sa.exists().where(
                        FundingApplication.company_id == Company.id, FundingApplication.program_id == program.id
                    )
                )
                .limit(3)
            )
        ).all()
    assert sponsor_id is not None and len(suppliers) == 3
    async with db.write() as session:  # the large firm's representative signs up
        person = Person(email="ceo@largefirm.example.kr", name="정대표")
        session.add(person)
        await session.flush()
        session.add(CompanyMembership(person_id=person.id, company_id=sponsor_id, role=CompanyRole.REPRESENTATIVE))
        rep = person.id
    sponsor = await person_principal(db, rep)
    sme = await principal(db, "sme@demo.m24.kr")
    with pytest.raises(AppError) as not_theirs:
        async with db.write() as session:
            await cohorts.open_cohort(
                session,
                sme,
                META,
                program_id=program.id,
                sponsor_company_id=sponsor_id,
                title="x",
                company_ids=suppliers,
            )
    assert not_theirs.value.code.value == "NOT_FOUND"
    async with db.write() as session:
        cohort = await cohorts.open_cohort(
            session,
            sponsor,
            META,
            program_id=program.id,
            sponsor_company_id=sponsor_id,
            title="2026 협력사 AI 전환",
            company_ids=suppliers,
        )
    async with db.read() as session:
        progress = await cohorts.cohort_progress(session, sponsor, cohort.id)
        with pytest.raises(AppError):
            await cohorts.cohort_progress(session, sme, cohort.id)
    assert progress.by_status == {"draft": 3}
    assert {a.company_id for a in progress.applications} == set(suppliers)
    assert all(a.sponsor_company_id == sponsor_id and a.cohort_id == cohort.id for a in progress.applications)
    # All or none: a second cohort naming one SME already in this call creates nothing.
    with pytest.raises(AppError) as duplicate:
        async with db.write() as session:
            await cohorts.open_cohort(
                session,
                sponsor,
                META,
                program_id=program.id,
                sponsor_company_id=sponsor_id,
                title="중복",
                company_ids=[suppliers[0]],
            )
    assert duplicate.value.field == "companyIds[0]"
