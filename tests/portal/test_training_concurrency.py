"""No overbooking, on real PostgreSQL: many concurrent enrollments race for the last seats of one
session. Capacity holds, every other request is waitlisted with positions 1…n exactly once, and the
order is first-come: ordered by the moment each transaction held the session row, the seats went to
the first and the waitlist positions follow that order."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from m24.kit.db import Database, utcnow
from m24.portal.agencies.models import Agency
from m24.portal.audit.service import RequestMeta
from m24.portal.people.identity import principal_for_person_id
from m24.portal.people.models import Person
from m24.portal.training import service
from m24.portal.training.models import (
    Audience,
    Course,
    CourseFormat,
    CourseLevel,
    CourseSession,
    Enrollment,
    EnrollmentStatus,
)

RACERS = 40
SEATS_LEFT = 3


@pytest.fixture
def pg_url(pg_databases) -> str:  # type: ignore[no-untyped-def]
    url: str = pg_databases.fresh_seeded()
    return url


async def _session_with_last_seats(db: Database) -> uuid.UUID:
    now = utcnow()
    async with db.write() as session:
        agency = await session.scalar(sa.select(Agency.id).where(Agency.code == "KOSMO"))
        course = Course(
            code=f"RACE-{uuid.uuid4().hex[:6]}",
            title="AI 리터러시 기초",
            summary="경쟁 신청 시험",
            audience=Audience.MANAGER,
            level=CourseLevel.INTRO,
            format=CourseFormat.ONLINE,
            provider_agency_id=agency,
            hours=4,
        )
        session.add(course)
        await session.flush()
        course_session = CourseSession(
            course_id=course.id,
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=4),
            capacity=10,
            seats_taken=10 - SEATS_LEFT,  # the rest were taken earlier
            waitlist_enabled=True,
            enrollment_deadline=now + timedelta(days=6),
            cancellation_deadline=now + timedelta(days=6),
        )
        session.add(course_session)
        await session.flush()
        return course_session.id


async def test_concurrent_enrollments_never_overbook_and_queue_first_come(pg_url: str) -> None:
    db = Database(pg_url, pool_size=RACERS, max_overflow=5)
    try:
        session_id = await _session_with_last_seats(db)
        async with db.read() as session:
            people = list(await session.scalars(sa.select(Person.id).order_by(Person.id).limit(RACERS)))
            principals = [await principal_for_person_id(session, p) for p in people]
        assert len(people) == RACERS and all(principals)
        start = asyncio.Event()
        outcomes: list[tuple[uuid.UUID, EnrollmentStatus, int | None, float]] = []

        async def race(index: int) -> None:
            principal = principals[index]
            assert principal is not None
            await start.wait()
            async with db.write() as session:
                (enrollment,) = await service.enroll(
                    session, principal, service.EnrollRequest(session_id=session_id), RequestMeta(request_id="race")
                )
                # Still inside the transaction, so still holding the session row: the lock order.
                held_at = await session.scalar(sa.select(sa.extract("epoch", sa.func.clock_timestamp())))
                outcomes.append((enrollment.person_id, enrollment.status, enrollment.waitlist_position, float(held_at)))

        tasks = [asyncio.create_task(race(i)) for i in range(RACERS)]
        await asyncio.sleep(0.2)
        start.set()
        await asyncio.gather(*tasks)

        async with db.read() as session:
            seats = await session.scalar(sa.select(CourseSession.seats_taken).where(CourseSession.id == session_id))
            stored = (
                await session.execute(
                    sa.select(Enrollment.status, Enrollment.waitlist_position).where(
                        Enrollment.session_id == session_id
                    )
                )
            ).all()
        assert seats == 10, "capacity holds"
        assert sum(1 for status, _ in stored if status is EnrollmentStatus.ENROLLED) == SEATS_LEFT
        positions = sorted(p for status, p in stored if status is EnrollmentStatus.WAITLISTED)
        assert positions == list(range(1, RACERS - SEATS_LEFT + 1)), "each waitlist position exactly once"

        by_lock_order = sorted(outcomes, key=lambda o: o[3])
        assert [o[1] for o in by_lock_order[:SEATS_LEFT]] == [EnrollmentStatus.ENROLLED] * SEATS_LEFT
        assert [o[2] for o in by_lock_order[SEATS_LEFT:]] == list(range(1, RACERS - SEATS_LEFT + 1)), (
            "the waitlist is in the order the requests reached the session"
        )
    finally:
        await db.dispose()
