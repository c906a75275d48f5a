"""Certificates on the web: the public verification page (anyone with the code) and the PDF download
(the holder only)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from m24.auth.principal import ANONYMOUS, Principal
from m24.kit.db import Database
from m24.portal.people.models import Person
from m24.portal.training import repository as training
from m24.portal.training import service
from m24.portal.training.certificates import CertificateData, render_pdf
from m24.portal.training.models import Course, CourseSession, Enrollment, EnrollmentStatus
from m24.web.templating import TEMPLATES

router = APIRouter()


@router.get("/certificates/{code}", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(request: Request, code: str) -> Response:
    db: Database = request.app.state.db
    async with db.read() as session:
        found = await service.verify_certificate(session, code[:64])
    return TEMPLATES.TemplateResponse(
        request, "certificate.html", {"found": found, "code": code[:64]}, status_code=200 if found else 404
    )


@router.get("/me/certificates/{enrollment_id}.pdf", include_in_schema=False)
async def download(request: Request, enrollment_id: str) -> Response:
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    if not principal.is_authenticated:
        return RedirectResponse(f"/login?next=/me/certificates/{enrollment_id}.pdf", status_code=303)
    try:
        key = uuid.UUID(enrollment_id)
    except ValueError:
        return Response("수료증을 찾을 수 없습니다.", status_code=404, media_type="text/plain; charset=utf-8")
    db: Database = request.app.state.db
    async with db.write() as session:
        row = (
            await session.execute(
                sa.select(Enrollment, CourseSession, Course, Person.name)
                .join(CourseSession, CourseSession.id == Enrollment.session_id)
                .join(Course, Course.id == CourseSession.course_id)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Enrollment.id == key)
            )
        ).first()
        # Only the holder downloads; anyone else learns nothing about the enrollment.
        if row is None or row[0].person_id != principal.person_id or row[0].status is not EnrollmentStatus.COMPLETED:
            return Response("수료증을 찾을 수 없습니다.", status_code=404, media_type="text/plain; charset=utf-8")
        enrollment, course_session, course, name = row
        code = await service.ensure_certificate(session, enrollment)
        assert code is not None
        provider = course.provider_agency_id or course.provider_company_id
        names = await training.provider_names(session, [course])
        # The certificate must name a provider; the portal itself stands in if the row is gone.
        provider_name = (names.get(provider) if provider else None) or "제조 AI 24"
    first, last = service.session_days(course_session)[0], service.session_days(course_session)[-1]
    base = request.app.state.settings.public_url.rstrip("/")
    pdf = render_pdf(
        CertificateData(
            holder_name=name,
            course_title=course.title,
            course_hours=course.hours,
            provider_name=provider_name,
            session_period=f"{first:%Y.%m.%d} ~ {last:%Y.%m.%d}",
            attendance_pct=enrollment.attendance_pct or 0,
            assessment_passed=enrollment.assessment_passed,
            issued_on=(enrollment.completed_at or enrollment.updated_at).astimezone(service.KST).date(),
            code=code,
            verify_url=f"{base}/certificates/{code}",
        )
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{code}.pdf"', "Cache-Control": "no-store"},
    )
