"""The training half of issue 6's "done when", through GraphQL on both backends: a staff persona
enrolls, is waitlisted, is promoted when someone cancels, attends, and receives a certificate that
verifies (GraphQL, the public page and the PDF). Bad input is refused with coded errors and changes
nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa

from m24.app import create_app
from m24.kit.db import Database, utcnow
from m24.portal.agencies.models import Agency
from m24.portal.training.models import Audience, Course, CourseFormat, CourseLevel, CourseSession, Enrollment
from m24.portal.training.service import KST
from tests.conftest import BACKENDS
from tests.helpers import Api, settings_for

ENROLL = """
mutation($s: ID!, $c: ID, $p: [ID!]) { enrollInCourse(sessionId: $s, companyId: $c, personIds: $p) {
  enrollments { id status statusLabel waitlistPosition personName } errors { field code message } } }
"""
CANCEL = "mutation($id: ID!) { cancelEnrollment(id: $id) { enrollment { status } errors { code field } } }"
APPROVE = """
mutation($id: ID!, $ok: Boolean!, $r: String) { approveEnrollment(id: $id, approve: $ok, reason: $r) {
  enrollment { status needsEmployerApproval refusalReason } errors { code field } } }
"""
ATTEND = """
mutation($id: ID!, $d: Date!) { recordAttendance(enrollmentId: $id, day: $d, present: true) {
  enrollment { status } errors { code field } } }
"""
COMPLETE = "mutation($s: ID!) { completeSession(sessionId: $s) { enrollments { id status attendancePct } errors { code field } } }"
MINE = "{ myEnrollments { id status waitlistPosition courseTitle certificate { code verifyUrl downloadUrl } } }"
VERIFY = "query($c: String!) { verifyCertificate(code: $c) { valid code holder courseTitle hours completedOn } }"
ME = "{ me { id companies { id role } } }"


@pytest_asyncio.fixture(params=BACKENDS)
async def training_api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    databases = request.getfixturevalue("pg_databases" if request.param == "postgresql" else "sqlite_databases")
    url = databases.fresh_seeded()
    db = Database(url)
    app = create_app(settings_for(url, data_dir=tmp_path), database=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(app=app, client=client, db=db)
    await db.dispose()


async def _course_session(db: Database, *, capacity: int, waitlist: bool = True) -> tuple[uuid.UUID, list[Any]]:
    """A two-day course session run by 경기테크노파크 (the regional-reviewer persona's agency), ending
    today, still open for enrollment and cancellation for an hour."""
    now = utcnow()
    today = now.astimezone(KST).date()
    starts = datetime.combine(today - timedelta(days=1), datetime.min.time(), KST) + timedelta(hours=9)
    async with db.write() as session:
        agency = await session.scalar(sa.select(Agency.id).where(Agency.code == "TP-GYEONGGI"))
        course = Course(
            code=f"T-{uuid.uuid4().hex[:8]}",
            title="현장 작업자를 위한 AI 비전검사 실습",
            summary="불량 이미지 수집부터 모델 판정까지 실습합니다.",
            audience=Audience.FIELD_WORKER,
            level=CourseLevel.INTRO,
            format=CourseFormat.OFFLINE,
            provider_agency_id=agency,
            region="GYEONGGI",
            hours=16,
            completion_rule={"min_attendance_pct": 80, "assessment_required": False},
        )
        session.add(course)
        await session.flush()
        course_session = CourseSession(
            course_id=course.id,
            starts_at=starts,
            ends_at=max(starts + timedelta(days=1, hours=8), now + timedelta(minutes=1)),
            venue="경기테크노파크 교육장",
            region="GYEONGGI",
            capacity=capacity,
            waitlist_enabled=waitlist,
            enrollment_deadline=now + timedelta(hours=1),
            cancellation_deadline=now + timedelta(hours=1),
        )
        session.add(course_session)
        await session.flush()
        return course_session.id, [today - timedelta(days=1), today]


async def _enrollment_state(db: Database, session_id: uuid.UUID) -> tuple[Any, ...]:
    async with db.read() as session:
        seats = await session.scalar(sa.select(CourseSession.seats_taken).where(CourseSession.id == session_id))
        rows = (
            await session.execute(
                sa.select(Enrollment.person_id, Enrollment.status, Enrollment.waitlist_position)
                .where(Enrollment.session_id == session_id)
                .order_by(Enrollment.person_id)
            )
        ).all()
    return seats, [tuple(r) for r in rows]


def _payload(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][field]
    return payload


async def test_staff_is_waitlisted_promoted_attends_and_gets_a_certificate_that_verifies(training_api: Api) -> None:
    api = training_api
    session_id, days = await _course_session(api.db, capacity=2)
    sid = str(session_id)
    sme = (await api.gql(ME, as_="sme"))["data"]["me"]
    company = sme["companies"][0]["id"]

    # Two seats: the representative and an individual take them.
    first = _payload(await api.gql(ENROLL, {"s": sid, "c": company}, as_="sme"), "enrollInCourse")
    assert first["errors"] == [] and first["enrollments"][0]["status"] == "enrolled"
    other = _payload(await api.gql(ENROLL, {"s": sid}, as_="specialist"), "enrollInCourse")
    assert other["enrollments"][0]["status"] == "enrolled"

    # The staff member asks for their employer: full, so first on the waitlist.
    staff = _payload(await api.gql(ENROLL, {"s": sid, "c": company}, as_="sme-staff"), "enrollInCourse")
    waiting = staff["enrollments"][0]
    assert waiting["status"] == "waitlisted" and waiting["waitlistPosition"] == 1, staff
    # The employer approves while the staff member waits.
    approved = _payload(await api.gql(APPROVE, {"id": waiting["id"], "ok": True}, as_="sme"), "approveEnrollment")
    assert approved["errors"] == [] and approved["enrollment"]["status"] == "waitlisted"
    assert approved["enrollment"]["needsEmployerApproval"] is False

    # Someone cancels: the seat goes to the first waitlisted person at once.
    cancelled = _payload(
        await api.gql(CANCEL, {"id": other["enrollments"][0]["id"]}, as_="specialist"), "cancelEnrollment"
    )
    assert cancelled["errors"] == [] and cancelled["enrollment"]["status"] == "cancelled"
    mine = _payload(await api.gql(MINE, as_="sme-staff"), "myEnrollments")
    assert any(e["id"] == waiting["id"] and e["status"] == "enrolled" and e["waitlistPosition"] is None for e in mine)

    # The provider (경기테크노파크) records attendance on both days and closes the session.
    for day in days:
        marked = _payload(
            await api.gql(ATTEND, {"id": waiting["id"], "d": day.isoformat()}, as_="regional-reviewer"),
            "recordAttendance",
        )
        assert marked["errors"] == [], marked
    closed = _payload(await api.gql(COMPLETE, {"s": sid}, as_="regional-reviewer"), "completeSession")
    results = {e["id"]: e for e in closed["enrollments"]}
    assert results[waiting["id"]]["status"] == "completed" and results[waiting["id"]]["attendancePct"] == 100
    # The representative attended no day: not completed.
    assert results[first["enrollments"][0]["id"]]["status"] == "not_completed"

    certificate = next(
        e for e in _payload(await api.gql(MINE, as_="sme-staff"), "myEnrollments") if e["id"] == waiting["id"]
    )["certificate"]
    assert certificate is not None
    verified = _payload(
        await api.gql(VERIFY, {"c": certificate["code"].lower().replace("-", " ")}), "verifyCertificate"
    )
    assert verified["valid"] and verified["code"] == certificate["code"]
    assert verified["holder"] == "이*진" and verified["hours"] == 16
    tampered = certificate["code"][:-1] + ("A" if certificate["code"][-1] != "A" else "B")
    assert _payload(await api.gql(VERIFY, {"c": tampered}), "verifyCertificate")["valid"] is False

    page = await api.client.get(f"/certificates/{certificate['code']}")
    assert page.status_code == 200 and "유효한 수료증" in page.text and "이*진" in page.text
    assert (await api.client.get(f"/certificates/{tampered}")).status_code == 404
    pdf = await api.client.get(
        f"/me/certificates/{waiting['id']}.pdf", headers={"Authorization": f"Bearer {api.token('sme-staff')}"}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    stranger = await api.client.get(
        f"/me/certificates/{waiting['id']}.pdf", headers={"Authorization": f"Bearer {api.token('sme')}"}
    )
    assert stranger.status_code == 404


async def test_bad_enrollment_requests_are_coded_and_change_nothing(training_api: Api) -> None:
    api = training_api
    session_id, _ = await _course_session(api.db, capacity=1, waitlist=False)
    sid = str(session_id)
    company = (await api.gql(ME, as_="sme"))["data"]["me"]["companies"][0]["id"]
    assert _payload(await api.gql(ENROLL, {"s": sid, "c": company}, as_="sme"), "enrollInCourse")["errors"] == []
    before = await _enrollment_state(api.db, session_id)
    staff_id = (await api.gql(ME, as_="sme-staff"))["data"]["me"]["id"]
    cases = [
        ("sme", {"s": sid, "c": company}, "ALREADY_ENROLLED"),  # twice
        ("sme-staff", {"s": sid, "c": company}, "SESSION_FULL"),  # full, no waitlist
        ("sme-staff", {"s": sid, "c": company, "p": [staff_id]}, "SESSION_FULL"),
        (
            "sme-staff",
            {"s": sid, "c": company, "p": [staff_id, str(uuid.uuid4())]},
            "FORBIDDEN",
        ),  # staff enrolling others
        ("sme", {"s": sid, "c": company, "p": [staff_id, str(uuid.uuid4())]}, "NOT_FOUND"),  # a stranger in the team
        ("specialist", {"s": sid, "c": company}, "NOT_FOUND"),  # not their company
        ("sme", {"s": str(uuid.uuid4())}, "NOT_FOUND"),
        ("sme", {"s": "not-an-id"}, "INVALID_ID"),
    ]
    for who, variables, code in cases:
        body = await api.gql(ENROLL, variables, as_=who)
        codes = (
            [e["code"] for e in body["data"]["enrollInCourse"]["errors"]]
            if body.get("data")
            else [e["extensions"]["code"] for e in body["errors"]]
        )
        assert codes == [code], (who, variables, body)
        assert await _enrollment_state(api.db, session_id) == before
    # After the deadline nobody enrolls or cancels.
    async with api.db.write() as session:
        await session.execute(
            sa.update(CourseSession)
            .where(CourseSession.id == session_id)
            .values(
                enrollment_deadline=utcnow() - timedelta(minutes=1),
                cancellation_deadline=utcnow() - timedelta(minutes=1),
            )
        )
    late = await api.gql(ENROLL, {"s": sid}, as_="specialist")
    assert [e["code"] for e in late["data"]["enrollInCourse"]["errors"]] == ["ENROLLMENT_CLOSED"]
    mine = _payload(await api.gql(MINE, as_="sme"), "myEnrollments")
    own = next(e for e in mine if e["status"] == "enrolled")
    refused = await api.gql(CANCEL, {"id": own["id"]}, as_="sme")
    assert [e["code"] for e in refused["data"]["cancelEnrollment"]["errors"]] == ["CANCELLATION_CLOSED"]
    assert await _enrollment_state(api.db, session_id) == before
