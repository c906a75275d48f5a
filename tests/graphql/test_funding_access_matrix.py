"""The access matrix for funding applications: every persona × own / other / anonymous × every funding
mutation, each run against applications brought to the state the mutation needs.

"own" is the demo SME's application (supplier: the demo specialist; screened by 경기테크노파크, decided by
스마트제조혁신추진단); "other" is the application of a company outside 경기 to the same call (screened by its own 테크노파크).
Invisible applications answer NOT_FOUND; visible ones whose caller lacks the right answer
TRANSITION_NOT_ALLOWED; staff of the deciding agency may decide both.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from m24.integrations.nts.client import BusinessState
from m24.integrations.nts.simulator import SimulatedBusiness
from m24.integrations.nts.simulator import SimulatorServer as NtsServer
from m24.kit.db import Database
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.funding import service
from m24.portal.funding.models import FundingApplication, FundingProgram
from m24.portal.people.models import CompanyMembership, CompanyRole
from tests.funding_support import (
    META,
    approve,
    form_for,
    only_the_persona_reviews,
    person_principal,
    review_all,
    submit,
    to_review,
    world,
)
from tests.graphql.test_access_matrix import outcome
from tests.helpers import Api

PERSONAS = ["sme", "sme-staff", "specialist", "regional-reviewer", "central-approver", "admin", None]
OK, NF, TNA, U, FB = "ok", "NOT_FOUND", "TRANSITION_NOT_ALLOWED", "UNAUTHENTICATED", "FORBIDDEN"


async def register_demo_sme(api: Api, nts_server: NtsServer) -> None:
    """The simulated NTS knows the demo SME as an active business (the seed's numbers are made up)."""
    w = await world(api.db)
    async with api.db.read() as session:
        company = await session.get(Company, w.company_id)
    assert company is not None
    nts_server.register(company.business_number, SimulatedBusiness(BusinessState.ACTIVE, date(2015, 3, 2), "박정호"))


async def _other_company(db: Database, program: FundingProgram) -> tuple[uuid.UUID, uuid.UUID]:
    """A company outside 경기 (and its representative) that qualifies for the call and has not applied."""
    async with db.read() as session:
        rows = (
            await session.execute(
                sa.select(Company.id, CompanyMembership.person_id)
                .join(CompanyMembership, CompanyMembership.company_id == Company.id)
                .where(
                    Company.region != "GYEONGGI",
                    ~sa.exists().where(
                        FundingApplication.company_id == Company.id, FundingApplication.program_id == program.id
                    ),
                    Company.is_specialist.is_(False),
                    CompanyMembership.role == CompanyRole.REPRESENTATIVE,
                )
                .order_by(Company.name)
            )
        ).all()
        for company_id, person_id in rows:
            if (await service.check(session, program, company_id, "active")).eligible:
                return company_id, person_id
    raise AssertionError("no eligible company outside 경기 in the seed")


STATES = [
    "draft",
    "screening",
    "decision",
    "rejected",
    "approved",
    "agreement",
    "in_progress",
    "inspection_ready",
    "final_inspection",
    "completed",
]


async def build(api: Api, state: str) -> tuple[str, str, str, str]:
    """(own application, other application, own program, a program run by another agency)."""
    db = api.db
    w = await world(db)
    other_company, other_rep = await _other_company(db, w.program)
    other_principal = await person_principal(db, other_rep)
    await only_the_persona_reviews(db, w.company_id)
    ids: list[uuid.UUID] = []
    for who, company, supplier in ((w.sme, w.company_id, w.supplier_id), (other_principal, other_company, None)):
        async with db.write() as session:
            application = await service.create_application(
                session,
                who,
                META,
                program_id=w.program.id,
                company_id=company,
                requested_amount_krw=min(20_000_000, w.program.max_award_krw),
                form_data=form_for(w.program),
                supplier_company_id=supplier,
            )
        ids.append(application.id)
    target = STATES.index(state)
    for application_id, who in zip(ids, (w.sme, other_principal), strict=True):
        if target >= 1:
            await submit(db, who, application_id)
            await to_review(db, application_id)
        if target >= 2:
            await review_all(db, application_id)
        if target == 3:
            async with db.write() as session:
                await service.decide_application(
                    session, w.approver, META, application_id, approve=False, reason="예산"
                )
        if target >= 4:
            await approve(db, w, application_id)
        if target >= 5:
            async with db.write() as session:
                await service.propose_agreement(
                    session,
                    w.approver,
                    META,
                    application_id,
                    milestones=[
                        service.MilestoneInput("설치", date.today() + timedelta(days=30)),
                        service.MilestoneInput("운영", date.today() + timedelta(days=60)),
                    ],
                    kpis=[service.KpiInput("defect_rate", baseline=3.0, target=1.5)],
                )
        if target >= 6:
            async with db.write() as session:
                await service.sign_agreement(session, who, META, application_id)
        if target >= 7:
            for position in (1, 2):
                async with db.write() as session:
                    await service.complete_milestone(session, who, META, application_id, position=position, note=None)
        if target >= 8:
            async with db.write() as session:
                await service.request_inspection(session, who, META, application_id)
        if target >= 9:
            async with db.write() as session:
                await service.inspect(session, w.approver, META, application_id, passed=True, note=None)
    async with db.read() as session:
        elsewhere = await session.scalar(
            sa.select(FundingProgram.id)
            .join(Agency, Agency.id == FundingProgram.operator_agency_id)
            .where(Agency.code == "TP-BUSAN")
        )
    return str(ids[0]), str(ids[1]), str(w.program.id), str(elsewhere)


Op = Callable[[Api, str | None, str], Awaitable[str]]


def _mutation(field: str, args: str, variables: Callable[[str | None, str], dict[str, Any]], decl: str) -> Op:
    async def op(api: Api, persona: str | None, target: str) -> str:
        body = await api.gql(
            f"mutation({decl}) {{ {field}({args}) {{ errors {{ code }} }} }}", variables(persona, target), as_=persona
        )
        return outcome(body, field, "x")

    return op


def _by_id(field: str, extra: str = "", extra_decl: str = "", extra_vars: dict[str, Any] | None = None) -> Op:
    args = "id: $id" + (", " + extra if extra else "")
    decl = "$id: ID!" + (", " + extra_decl if extra_decl else "")
    return _mutation(field, args, lambda p, t: {"id": t, **(extra_vars or {})}, decl)


SCORES = {"necessity": 15, "feasibility": 20, "capability": 15, "outcome": 10, "safety": 5, "environment": 5}
FORM_EDIT = {"goals": "불량률 절반으로"}

#: operation → (state, op, program-level?, {persona: (own, other)})
MATRIX: dict[str, tuple[str, Op, bool, dict[str | None, tuple[str | None, str]]]] = {
    "updateFundingApplication": (
        "draft",
        _mutation(
            "updateFundingApplication",
            "input: {id: $id, formData: $f}",
            lambda p, t: {"id": t, "f": FORM_EDIT},
            "$id: ID!, $f: JSON",
        ),
        False,
        {
            "sme": (OK, NF),
            "sme-staff": (OK, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (NF, NF),
            "central-approver": (NF, NF),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "submitFundingApplication": (
        "draft",
        _by_id("submitFundingApplication", 'idempotencyKey: "matrix-key-001"'),
        False,
        {
            "sme": (OK, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (NF, NF),
            "central-approver": (NF, NF),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "withdrawFundingApplication": (
        "draft",
        _by_id("withdrawFundingApplication"),
        False,
        {
            "sme": (OK, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (NF, NF),
            "central-approver": (NF, NF),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "confirmSupplierParticipation": (
        "draft",
        _by_id("confirmSupplierParticipation"),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (OK, NF),
            "regional-reviewer": (NF, NF),
            "central-approver": (NF, NF),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "reviewFundingApplication": (
        "screening",
        _by_id("reviewFundingApplication", "scores: $s", "$s: JSON!", {"s": SCORES}),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (OK, NF),
            "central-approver": (TNA, TNA),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "requestSupplement": (
        "screening",
        _by_id("requestSupplement", 'items: ["견적서"]'),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (OK, NF),
            "central-approver": (TNA, TNA),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "decideFundingApplication": (
        "decision",
        _by_id("decideFundingApplication", "approve: true"),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (OK, OK),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "appealFundingApplication": (
        "rejected",
        _by_id("appealFundingApplication", 'reason: "재검토 요청"'),
        False,
        {
            "sme": (OK, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (TNA, TNA),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "proposeAgreement": (
        "approved",
        _by_id(
            "proposeAgreement",
            "milestones: $m, kpis: $k",
            "$m: [MilestoneInput!]!, $k: [KpiInput!]!",
            {
                "m": [{"title": "설치", "dueOn": (date.today() + timedelta(days=30)).isoformat()}],
                "k": [{"metric": "productivity", "baseline": 100, "target": 120}],
            },
        ),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (OK, OK),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "signAgreement": (
        "agreement",
        _by_id("signAgreement"),
        False,
        {
            "sme": (OK, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (TNA, TNA),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "completeMilestone": (
        "in_progress",
        _mutation(
            "completeMilestone",
            "id: $id, position: $p",
            lambda p, t: {"id": t, "p": 2 if p == "sme-staff" else 1},
            "$id: ID!, $p: Int!",
        ),
        False,
        {
            "sme": (OK, NF),
            "sme-staff": (OK, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (TNA, TNA),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "requestFinalInspection": (
        "inspection_ready",
        _by_id("requestFinalInspection"),
        False,
        {
            "sme": (OK, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (TNA, TNA),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "recordFinalInspection": (
        "final_inspection",
        _by_id("recordFinalInspection", "passed: true"),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (OK, OK),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "settleFundingApplication": (
        "completed",
        _by_id("settleFundingApplication", "settledKrw: 1000000"),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (OK, OK),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "recoupFundingApplication": (
        "completed",
        _by_id("recoupFundingApplication", 'amountKrw: 1000000, reason: "목표 미달"'),
        False,
        {
            "sme": (TNA, NF),
            "sme-staff": (TNA, NF),
            "specialist": (TNA, NF),
            "regional-reviewer": (TNA, NF),
            "central-approver": (OK, OK),
            "admin": (TNA, TNA),
            None: (U, U),
        },
    ),
    "publishEligibilityRules": (
        "draft",
        _mutation(
            "publishEligibilityRules",
            "programId: $id, rulesJson: $r",
            lambda p, t: {"id": t, "r": [{"rule": "size_class_in", "values": ["small"]}, {"rule": "business_active"}]},
            "$id: ID!, $r: JSON!",
        ),
        True,
        {
            "sme": (FB, FB),
            "sme-staff": (FB, FB),
            "specialist": (FB, FB),
            "regional-reviewer": (FB, FB),
            "central-approver": (OK, FB),
            "admin": (OK, OK),
            None: (U, U),
        },
    ),
}


@pytest.mark.parametrize("operation", sorted(MATRIX))
async def test_funding_access_matrix(api: Api, nts_server: NtsServer, operation: str) -> None:
    state, op, program_level, expected = MATRIX[operation]
    await register_demo_sme(api, nts_server)
    own_app, other_app, own_program, other_program = await build(api, state)
    own, other = (own_program, other_program) if program_level else (own_app, other_app)
    seen: dict[str | None, tuple[str | None, str]] = {}
    # "other" first, and personas whose own change succeeds last, so a successful change cannot hide
    # what another persona would have been allowed to do.
    for persona in sorted(PERSONAS, key=lambda p: expected[p][0] == OK):
        other_result = await op(api, persona, other)
        seen[persona] = (await op(api, persona, own), other_result)
    assert seen == expected


QUERIES: dict[str, tuple[str, dict[str | None, str]]] = {
    "supportLedgerFlags": (
        "{ supportLedgerFlags { kind detail evidence { programTitle } } }",
        {
            "sme": FB,
            "sme-staff": FB,
            "specialist": FB,
            "regional-reviewer": OK,
            "central-approver": OK,
            "admin": OK,
            None: U,
        },
    ),
    "stuckApplications": (
        "{ stuckApplications { applicationId reason } }",
        {
            "sme": FB,
            "sme-staff": FB,
            "specialist": FB,
            "regional-reviewer": FB,
            "central-approver": FB,
            "admin": OK,
            None: U,
        },
    ),
}


@pytest.mark.parametrize("field", sorted(QUERIES))
async def test_staff_queries_are_gated(api: Api, field: str) -> None:
    query, expected = QUERIES[field]
    seen = {}
    for persona in PERSONAS:
        body = await api.gql(query, as_=persona)
        result = outcome(body, field)
        seen[persona] = OK if result in (OK, "empty") else result
    assert seen == expected


async def test_check_eligibility_answers_only_for_your_own_company(api: Api, nts_server: NtsServer) -> None:
    w = await world(api.db)
    await register_demo_sme(api, nts_server)
    query = "query($p: ID!, $c: ID!) { checkEligibility(programId: $p, companyId: $c) { eligible } }"
    mine = await api.gql(query, {"p": str(w.program.id), "c": str(w.company_id)}, as_="sme")
    assert mine["data"]["checkEligibility"]["eligible"] is True
    theirs = await api.gql(query, {"p": str(w.program.id), "c": str(w.supplier_id)}, as_="sme")
    assert theirs["data"]["checkEligibility"] is None
    anonymous = await api.gql(query, {"p": str(w.program.id), "c": str(w.company_id)})
    assert anonymous["errors"][0]["extensions"]["code"] == U
