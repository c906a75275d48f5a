"""The funding issue's "done when", through GraphQL, on both stacks, with real worker processes:

an SME finds an open call, passes the eligibility check and applies with a supplier; Celery routes it
to the 테크노파크 of its 시·도, whose reviewers score it; the central agency's approver approves it; the
award lands in the support ledger and the applicant is notified through the gateway.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from m24.portal.companies.models import Company
from m24.portal.funding.models import ReviewAssignment, SupportAward
from m24.portal.people.models import Person
from tests.workflows.stack import Stack, eventually, open_api

OPEN_CALLS = """
{ fundingPrograms(status: OPEN, first: 100) { edges { node {
    id title kind formSchema operatorAgency { code } } } } }
"""
APPLICATION = """
query($id: ID!) { fundingApplication(id: $id) {
  id status statusLabel receiptNumber rowVersion supplierName reviewScore awardKrw
  allowedActions { action label }
  route { position kind status agency { code name } }
  events { sequence kind }
  revisions { revision }
  reviews { reviewerName status total }
} }
"""
CREATE = """
mutation($input: CreateFundingApplicationInput!) { createFundingApplication(input: $input) {
  application { id status rowVersion allowedActions { action } } errors { field code message } } }
"""
SUBMIT = """
mutation($id: ID!, $key: String!) { submitFundingApplication(id: $id, idempotencyKey: $key) {
  receiptNumber replayed application { status submittedAt } errors { field code message } } }
"""
REVIEW = """
mutation($id: ID!, $scores: JSON!) { reviewFundingApplication(id: $id, scores: $scores, comment: "양호") {
  application { status currentStep reviewScore } errors { field code message } } }
"""
DECIDE = """
mutation($id: ID!) { decideFundingApplication(id: $id, approve: true) {
  application { status awardKrw allowedActions { action } } errors { field code message } } }
"""
SCORES = {"necessity": 18, "feasibility": 21, "capability": 17, "outcome": 12, "safety": 8, "environment": 7}


def _form(schema: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "project_title": "AI 비전 외관검사 라인 구축",
        "project_months": 8,
        "total_project_cost_krw": 120_000_000,
        "employees": 34,
        "current_maturity": "basic",
        "contact_phone": "031-355-1234",
        "goals": "불량률 30% 감소",
        "safety_plan": "협착 사고 예방 센서 연동",
        "environment_plan": "공정 에너지 사용량 모니터링",
        "subscription_plan": "MES 스탠다드",
        "robot_units": 2,
        "sponsor_mentoring": True,
    }
    return {k: v for k, v in values.items() if k in schema["properties"]}


async def test_sme_applies_and_the_regional_technopark_and_central_agency_decide(stack: Stack) -> None:
    api, close = await open_api(stack)
    stack.start_worker()
    try:
        me = await api.gql("{ me { companies { id name role } } }", as_="sme")
        company_id = me["data"]["me"]["companies"][0]["id"]
        supplier = await api.gql("{ me { companies { id } } }", as_="specialist")
        supplier_id = supplier["data"]["me"]["companies"][0]["id"]

        # 1. An open call run by the central agency, which the SME qualifies for and has not applied to.
        calls = [e["node"] for e in (await api.gql(OPEN_CALLS, as_="sme"))["data"]["fundingPrograms"]["edges"]]
        mine = await api.gql("{ fundingApplications(first: 100) { edges { node { programId } } } }", as_="sme")
        applied = {e["node"]["programId"] for e in mine["data"]["fundingApplications"]["edges"]}
        chosen = None
        verdicts_seen = []
        for call in calls:
            if call["operatorAgency"]["code"] != "KOSMO" or call["id"] in applied or call["kind"] == "win_win":
                continue
            check = await api.gql(
                "query($p: ID!, $c: ID!) { checkEligibility(programId: $p, companyId: $c) {"
                " eligible ruleSetVersion verdicts { rule passed message } } }",
                {"p": call["id"], "c": company_id},
                as_="sme",
            )
            result = check["data"]["checkEligibility"]
            verdicts_seen.append((call["title"], result))
            assert all(v["message"] for v in result["verdicts"]), "every rule explains itself in Korean"
            if result["eligible"]:
                assert {v["rule"] for v in result["verdicts"]} >= {"business_active", "no_overlapping_support"}
                chosen = call
                break
        assert chosen is not None, f"no open central call the demo SME qualifies for: {verdicts_seen}"

        # 2. Apply with a supplier, then submit: the receipt comes back at once.
        created = await api.gql(
            CREATE,
            {
                "input": {
                    "programId": chosen["id"],
                    "companyId": company_id,
                    "requestedAmountKrw": 20_000_000,
                    "formData": _form(chosen["formSchema"]),
                    "supplierId": supplier_id,
                }
            },
            as_="sme",
        )
        payload = created["data"]["createFundingApplication"]
        assert payload["errors"] == [], payload
        application_id = payload["application"]["id"]
        assert "submit" in {a["action"] for a in payload["application"]["allowedActions"]}
        key = f"submit-{uuid.uuid4()}"
        submitted = (await api.gql(SUBMIT, {"id": application_id, "key": key}, as_="sme"))["data"]
        receipt = submitted["submitFundingApplication"]["receiptNumber"]
        assert receipt and receipt.startswith("M24-") and not submitted["submitFundingApplication"]["replayed"]
        again = (await api.gql(SUBMIT, {"id": application_id, "key": key}, as_="sme"))["data"]
        assert again["submitFundingApplication"]["receiptNumber"] == receipt
        assert again["submitFundingApplication"]["replayed"] is True

        # 3. The workers check eligibility, route to 경기테크노파크 and assign reviewers.
        async def under_review() -> dict[str, Any] | None:
            view = (await api.gql(APPLICATION, {"id": application_id}, as_="regional-reviewer"))["data"]
            app = view["fundingApplication"]
            return app if app and app["status"] == "under_review" else None

        app = await eventually(under_review, timeout=90, what="routing and reviewer assignment", logs=stack.worker_logs)
        assert [(s["kind"], s["agency"]["code"]) for s in app["route"]] == [
            ("screening", "TP-GYEONGGI"),
            ("decision", "KOSMO"),
        ]
        kinds = [e["kind"] for e in app["events"]]
        assert kinds == ["created", "submitted", "eligibility_checked", "routed", "review_started"]
        assert [e["sequence"] for e in app["events"]] == [1, 2, 3, 4, 5]
        assert app["supplierName"] == "(주)누리비전AI"
        assert len(app["reviews"]) == 2 and all(r["status"] == "assigned" for r in app["reviews"])

        # The central approver may not decide while the 테크노파크 is still screening.
        early = (await api.gql(DECIDE, {"id": application_id}, as_="central-approver"))["data"]
        assert early["decideFundingApplication"]["errors"][0]["code"] == "TRANSITION_NOT_ALLOWED"

        # 4. Each assigned 경기테크노파크 reviewer scores it (the reviewer persona among them when assigned).
        async with api.db.read() as session:
            reviewers = (
                await session.scalars(
                    sa.select(Person.email)
                    .join(ReviewAssignment, ReviewAssignment.reviewer_person_id == Person.id)
                    .where(ReviewAssignment.application_id == uuid.UUID(application_id))
                )
            ).all()
        for email in reviewers:
            as_who = "regional-reviewer" if email == "regional-reviewer@demo.m24.kr" else email
            reviewed = (await api.gql(REVIEW, {"id": application_id, "scores": SCORES}, as_=as_who))["data"]
            assert reviewed["reviewFundingApplication"]["errors"] == [], reviewed
        final = reviewed["reviewFundingApplication"]["application"]
        assert final["currentStep"] == 2 and final["reviewScore"] == sum(SCORES.values())

        # 5. 스마트제조혁신추진단 approves; the award is in the ledger; the SME sees "선정".
        approved = (await api.gql(DECIDE, {"id": application_id}, as_="central-approver"))["data"]
        assert approved["decideFundingApplication"]["errors"] == [], approved
        assert approved["decideFundingApplication"]["application"]["status"] == "approved"
        seen = (await api.gql(APPLICATION, {"id": application_id}, as_="sme"))["data"]["fundingApplication"]
        assert seen["statusLabel"] == "선정" and seen["reviews"] == [], "applicants never see reviewers' scores"
        async with api.db.read() as session:
            award = (
                await session.scalars(
                    sa.select(SupportAward).where(SupportAward.application_id == uuid.UUID(application_id))
                )
            ).one()
            company = await session.get(Company, uuid.UUID(company_id))
            assert company is not None
            assert award.business_number == company.business_number and award.award_krw == 20_000_000

        # 6. Notifications went out through the gateway (receipt to the applicant, assignments, decision).
        async def delivered() -> list[dict[str, Any]] | None:
            templates = [m["template"] for m in stack.notify.messages]
            wanted = {"application.submitted", "application.routed", "review.assigned", "application.decided"}
            return stack.notify.messages if wanted <= set(templates) else None

        messages = await eventually(delivered, timeout=60, what="notifications", logs=stack.worker_logs)
        submitted_mail = [m for m in messages if m["template"] == "application.submitted"]
        assert len(submitted_mail) == 1 and submitted_mail[0]["variables"]["receipt_number"] == receipt
    finally:
        await close()
