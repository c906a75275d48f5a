"""Training mutations: enroll (oneself or a team), cancel, approve or refuse, and — for the course
provider — attendance, assessment and closing a session (completion and certificates)."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.mutations.running import in_transaction
from m24.graphql.permissions import Authenticated
from m24.graphql.types.private import MutationError
from m24.graphql.types.training import Enrollment, enrollments_of
from m24.portal.training import service
from m24.portal.training.models import Enrollment as EnrollmentModel


@strawberry.type
class EnrollmentsPayload:
    enrollments: list[Enrollment]
    errors: list[MutationError]


@strawberry.type
class EnrollmentPayload:
    enrollment: Enrollment | None
    errors: list[MutationError]


async def _one(info: Info[Context, None], session: AsyncSession, row: EnrollmentModel) -> Enrollment:
    return (await enrollments_of(session, [row], info.context.settings.public_url))[0]


@strawberry.type
class TrainingMutations:
    @strawberry.mutation(
        permission_classes=[Authenticated],
        description=(
            "Enroll in a session: yourself (for `companyId`, your employer, or none), or — as the company's "
            "representative — several staff at once (`personIds`, all or none). A full session puts you on "
            "the first-come waitlist when it has one."
        ),
    )
    async def enroll_in_course(
        self,
        info: Info[Context, None],
        session_id: strawberry.ID,
        company_id: strawberry.ID | None = None,
        person_ids: list[strawberry.ID] | None = None,
    ) -> EnrollmentsPayload:
        request = service.EnrollRequest(
            session_id=parse_id(session_id, field="sessionId"),
            company_id=parse_id(company_id, field="companyId") if company_id else None,
            person_ids=tuple(parse_id(p, field="personIds") for p in person_ids or []),
        )

        async def work(session: AsyncSession) -> list[Enrollment]:
            rows = await service.enroll(session, info.context.principal, request, info.context.meta)
            return await enrollments_of(session, rows, info.context.settings.public_url)

        enrollments, errors = await in_transaction(info, work)
        return EnrollmentsPayload(enrollments=enrollments or [], errors=errors)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="The enrollee or their employer cancels before the cancellation deadline; the first waitlisted person gets the seat.",
    )
    async def cancel_enrollment(self, info: Info[Context, None], id: strawberry.ID) -> EnrollmentPayload:
        async def work(session: AsyncSession) -> Enrollment:
            row = await service.cancel(session, info.context.principal, parse_id(id), info.context.meta)
            return await _one(info, session, row)

        enrollment, errors = await in_transaction(info, work)
        return EnrollmentPayload(enrollment=enrollment, errors=errors)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="The employer (company representative), then the providing agency where required, approves or refuses (with a reason).",
    )
    async def approve_enrollment(
        self, info: Info[Context, None], id: strawberry.ID, approve: bool = True, reason: str | None = None
    ) -> EnrollmentPayload:
        async def work(session: AsyncSession) -> Enrollment:
            row = await service.decide(
                session, info.context.principal, parse_id(id), approve=approve, reason=reason, meta=info.context.meta
            )
            return await _one(info, session, row)

        enrollment, errors = await in_transaction(info, work)
        return EnrollmentPayload(enrollment=enrollment, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Course provider: presence on one day.")
    async def record_attendance(
        self, info: Info[Context, None], enrollment_id: strawberry.ID, day: date, present: bool = True
    ) -> EnrollmentPayload:
        async def work(session: AsyncSession) -> Enrollment:
            row = await service.record_attendance(
                session,
                info.context.principal,
                parse_id(enrollment_id, field="enrollmentId"),
                day,
                present,
                info.context.meta,
            )
            return await _one(info, session, row)

        enrollment, errors = await in_transaction(info, work)
        return EnrollmentPayload(enrollment=enrollment, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Course provider: the assessment result.")
    async def record_assessment(
        self, info: Info[Context, None], enrollment_id: strawberry.ID, passed: bool
    ) -> EnrollmentPayload:
        async def work(session: AsyncSession) -> Enrollment:
            row = await service.record_assessment(
                session,
                info.context.principal,
                parse_id(enrollment_id, field="enrollmentId"),
                passed,
                info.context.meta,
            )
            return await _one(info, session, row)

        enrollment, errors = await in_transaction(info, work)
        return EnrollmentPayload(enrollment=enrollment, errors=errors)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Course provider, on or after the last day: decide completion for everyone enrolled and issue certificates.",
    )
    async def complete_session(self, info: Info[Context, None], session_id: strawberry.ID) -> EnrollmentsPayload:
        async def work(session: AsyncSession) -> list[Enrollment]:
            rows = await service.complete_session(
                session, info.context.principal, parse_id(session_id, field="sessionId"), info.context.meta
            )
            return await enrollments_of(session, rows, info.context.settings.public_url)

        enrollments, errors = await in_transaction(info, work)
        return EnrollmentsPayload(enrollments=enrollments or [], errors=errors)
