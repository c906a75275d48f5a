"""Training's access matrix: every persona (and anonymous) against each training mutation and private
query, on objects that are theirs and objects that are not. Invisible objects answer NOT_FOUND."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.test_training_flow import ENROLL, ME, _course_session, training_api  # noqa: F401
from tests.helpers import Api

PERSONAS = ["sme", "sme-staff", "specialist", "regional-reviewer", "central-approver", "admin", None]
NF, FB, U = "NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"


def _code(body: dict[str, Any], field: str) -> str:
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    value = body["data"][field]
    if isinstance(value, dict) and value.get("errors"):
        return str(value["errors"][0]["code"])
    return "ok"


@pytest.mark.parametrize("training_api", ["postgresql"], indirect=True)
async def test_training_access_matrix(training_api: Api) -> None:  # noqa: F811
    api = training_api
    session_id, days = await _course_session(api.db, capacity=5)  # run by 경기테크노파크
    sid = str(session_id)
    company = (await api.gql(ME, as_="sme"))["data"]["me"]["companies"][0]["id"]
    # The staff member's own request waits for the employer: the object of approve and cancel.
    pending = (await api.gql(ENROLL, {"s": sid, "c": company}, as_="sme-staff"))["data"]["enrollInCourse"][
        "enrollments"
    ][0]
    assert pending["status"] == "pending_employer"

    approve = (
        'mutation($id: ID!) { approveEnrollment(id: $id, approve: false, reason: "일정 중복") { errors { code } } }'
    )
    attend = "mutation($id: ID!, $d: Date!) { recordAttendance(enrollmentId: $id, day: $d) { errors { code } } }"
    roster = "query($s: ID!) { sessionEnrollments(sessionId: $s) { id } }"
    record = "query($c: ID!) { companyTrainingRecord(companyId: $c) { trainedStaff } }"
    seen: dict[str | None, dict[str, str]] = {}
    # The employer, whose refusal succeeds, goes last so it cannot hide what the others may do.
    for persona in sorted(PERSONAS, key=lambda p: p == "sme"):
        seen[persona] = {
            "approve": _code(await api.gql(approve, {"id": pending["id"]}, as_=persona), "approveEnrollment"),
            "roster": _code(await api.gql(roster, {"s": sid}, as_=persona), "sessionEnrollments"),
            "record": _code(await api.gql(record, {"c": company}, as_=persona), "companyTrainingRecord"),
            "mine": _code(await api.gql("{ myEnrollments { id } }", as_=persona), "myEnrollments"),
        }
    assert seen == {
        "sme": {"approve": "ok", "roster": NF, "record": "ok", "mine": "ok"},
        "sme-staff": {"approve": FB, "roster": NF, "record": "ok", "mine": "ok"},
        "specialist": {"approve": NF, "roster": NF, "record": NF, "mine": "ok"},
        # Provider staff see the roster; the employer's stage is not theirs to decide.
        "regional-reviewer": {"approve": FB, "roster": "ok", "record": NF, "mine": "ok"},
        "central-approver": {"approve": NF, "roster": NF, "record": NF, "mine": "ok"},
        "admin": {"approve": FB, "roster": "ok", "record": "ok", "mine": "ok"},
        None: {"approve": U, "roster": U, "record": U, "mine": U},
    }

    # Attendance and completion: the provider only (the refused request above is not attendable).
    enrolled = (await api.gql(ENROLL, {"s": sid, "c": company}, as_="sme"))["data"]["enrollInCourse"]["enrollments"][0]
    for persona, expected in (
        ("sme", FB),  # the enrollee sees the enrollment but does not take the register
        ("sme-staff", NF),
        ("specialist", NF),
        ("central-approver", NF),
        (None, U),
        ("regional-reviewer", "ok"),
    ):
        body = await api.gql(attend, {"id": enrolled["id"], "d": days[0].isoformat()}, as_=persona)
        assert _code(body, "recordAttendance") == expected, (persona, body)
    complete = "mutation($s: ID!) { completeSession(sessionId: $s) { errors { code } } }"
    for persona, expected in (
        ("sme", NF),
        ("specialist", NF),
        ("central-approver", NF),
        (None, U),
        ("regional-reviewer", "ok"),
    ):
        assert _code(await api.gql(complete, {"s": sid}, as_=persona), "completeSession") == expected, persona
