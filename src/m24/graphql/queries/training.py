"""Training reads: the public course catalogue, certificate verification, and the enrollments a
person, an employer or a course provider may see."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_choice, parse_id
from m24.graphql.paging import page_of
from m24.graphql.permissions import Authenticated, Public
from m24.graphql.types.common import Connection
from m24.graphql.types.training import (
    CertificateVerification,
    Course,
    Enrollment,
    TrainingRecord,
    courses_of,
    enrollments_of,
)
from m24.kit.errors import ErrorCode, NotFound, ValidationFailed
from m24.kit.pagination import Page
from m24.portal.reference.regions import parse_region
from m24.portal.text_filter import clean_text
from m24.portal.training import repository, service
from m24.portal.training.models import Audience, CourseFormat, CourseLevel


@strawberry.type
class TrainingQueries:
    @strawberry.field(
        permission_classes=[Public],
        description="AI-literacy courses by audience, level, format and region, with their sessions. `first` ≤ 100.",
    )
    async def courses(
        self,
        info: Info[Context, None],
        audience: str | None = None,
        level: str | None = None,
        format: str | None = None,
        region: str | None = None,
        text: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Course]:
        flt = repository.CourseFilter(
            audience=parse_choice(audience, Audience, "audience"),
            level=parse_choice(level, CourseLevel, "level"),
            format=parse_choice(format, CourseFormat, "format"),
            region=parse_region(region).code if region is not None else None,
            text=clean_text(text),
        )
        page = page_of(info, first, after, repository.CURSOR_KIND)
        async with info.context.db.read() as session:
            result = await repository.list_courses(session, flt, page)
            nodes = await courses_of(session, result.items)
        by_id = {c.id: c for c in nodes}
        return Connection.of(
            Page(items=result.items, total=result.total, has_next=result.has_next),
            repository.CURSOR_KIND,
            repository.cursor_key,
            lambda row: by_id[strawberry.ID(str(row.id))],
        )

    @strawberry.field(permission_classes=[Public], description="One course with its sessions, or null.")
    async def course(self, info: Info[Context, None], id: strawberry.ID) -> Course | None:
        async with info.context.db.read() as session:
            row = await repository.get_course(session, parse_id(id))
            return (await courses_of(session, [row]))[0] if row else None

    @strawberry.field(
        permission_classes=[Public],
        description="Check a completion certificate's code (anyone; typos in the code are detected).",
    )
    async def verify_certificate(self, info: Info[Context, None], code: str) -> CertificateVerification:
        if len(code) > 64:
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "code: 확인 코드가 너무 깁니다.", field="code")
        async with info.context.db.read() as session:
            found = await service.verify_certificate(session, code)
        if found is None:
            return CertificateVerification(valid=False, code=code.strip())
        return CertificateVerification(
            valid=True,
            code=found.code,
            holder=found.holder,
            course_title=found.course_title,
            hours=found.hours,
            completed_on=found.completed_on,
            attendance_pct=found.attendance_pct,
        )

    @strawberry.field(permission_classes=[Authenticated], description="My enrollments, newest first.")
    async def my_enrollments(self, info: Info[Context, None]) -> list[Enrollment]:
        person_id = info.context.principal.person_id
        assert person_id is not None
        async with info.context.db.write() as session:  # certificates of older completions are issued on first look
            rows = await repository.enrollments_of_person(session, person_id)
            for row in rows:
                await service.ensure_certificate(session, row)
            return await enrollments_of(session, rows, info.context.settings.public_url)

    @strawberry.field(
        permission_classes=[Authenticated],
        description="Course provider staff: everyone enrolled in or waiting for a session (to approve and record attendance).",
    )
    async def session_enrollments(self, info: Info[Context, None], session_id: strawberry.ID) -> list[Enrollment]:
        principal = info.context.principal
        async with info.context.db.read() as session:
            course_session, course = await service._session_and_course(session, parse_id(session_id, field="sessionId"))
            if not service.is_provider_staff(principal, course):
                raise NotFound("교육 일정을 찾을 수 없습니다.", field="sessionId")
            rows = await repository.enrollments_of_session(session, course_session.id)
            return await enrollments_of(session, rows, info.context.settings.public_url)

    @strawberry.field(
        permission_classes=[Authenticated],
        description="A company's staff training record (its members and platform admins).",
    )
    async def company_training_record(self, info: Info[Context, None], company_id: strawberry.ID) -> TrainingRecord:
        principal = info.context.principal
        key = parse_id(company_id, field="companyId")
        if not principal.is_platform_admin and principal.company_role(key) is None:
            raise NotFound("기업을 찾을 수 없습니다.", field="companyId")
        async with info.context.db.read() as session:
            rows = await repository.enrollments_of_company(session, key)
            return TrainingRecord(
                trained_staff=await service.trained_staff_count(session, key),
                enrollments=await enrollments_of(session, rows, info.context.settings.public_url),
            )
