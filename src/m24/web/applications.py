"""신청 현황: the applications a logged-in person may see, in their own words (applicant or agency
wording), with what they may do next and, for one application, its route and history.

Read-only pages over the same portal services as GraphQL (scope, labels and allowed actions come from
the transition table); changes go through the GraphQL mutations.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from m24.auth.principal import ANONYMOUS, Principal
from m24.kit.db import Database
from m24.kit.pagination import PageRequest
from m24.portal.agencies.models import Agency
from m24.portal.audit.service import RequestMeta
from m24.portal.funding import applications as scope
from m24.portal.funding import service
from m24.portal.funding.models import FundingProgram, RouteStep
from m24.portal.funding.workflow import EVENT_LABELS, allowed_actions, speaks_as_staff, status_label
from m24.web.templating import TEMPLATES

router = APIRouter()


def _principal(request: Request) -> Principal:
    return getattr(request.state, "principal", ANONYMOUS)


def _meta(request: Request) -> RequestMeta:
    return RequestMeta(
        request_id=getattr(request.state, "request_id", None), client_ip=request.client.host if request.client else None
    )


@router.get("/applications", response_class=HTMLResponse, include_in_schema=False)
async def application_list(request: Request) -> Response:
    principal = _principal(request)
    if not principal.is_authenticated:
        return RedirectResponse("/login?next=/applications", status_code=303)
    db: Database = request.app.state.db
    async with db.write() as session:  # agency staff's reads of applicants' names are recorded
        page = await scope.list_applications(session, principal, PageRequest(first=100, after=None), _meta(request))
        rows = []
        for application, applicant in page.items:
            program = await session.get(FundingProgram, application.program_id)
            assert program is not None
            _, parties, facts = await service.context_for(session, principal, application, program)
            rows.append(
                {
                    "id": application.id,
                    "program": program.title,
                    "receipt": application.receipt_number,
                    "status": status_label(application.status, staff=speaks_as_staff(parties)),
                    "applicant": applicant.name,
                    "due": application.due_at,
                    "actions": [a.label for a in allowed_actions(application.status, parties, facts)],
                }
            )
    return TEMPLATES.TemplateResponse(
        request, "applications.html", {"principal": principal, "rows": rows, "total": page.total}
    )


@router.get("/applications/{application_id}", response_class=HTMLResponse, include_in_schema=False)
async def application_detail(request: Request, application_id: str) -> Response:
    principal = _principal(request)
    if not principal.is_authenticated:
        return RedirectResponse(f"/login?next=/applications/{application_id}", status_code=303)
    try:
        wanted = uuid.UUID(application_id)
    except ValueError:
        wanted = None
    db: Database = request.app.state.db
    async with db.write() as session:
        found = await scope.get_application(session, principal, wanted, _meta(request)) if wanted else None
        if found is None:
            return TEMPLATES.TemplateResponse(
                request,
                "message.html",
                {"title": "신청서를 찾을 수 없습니다", "message": "없는 신청서이거나 볼 수 있는 권한이 없습니다."},
                status_code=404,
            )
        application, applicant = found
        program = await session.get(FundingProgram, application.program_id)
        assert program is not None
        _, parties, facts = await service.context_for(session, principal, application, program)
        events = (await scope.events_by_application(session, [application.id])).get(application.id, [])
        steps = (
            await session.execute(
                sa.select(RouteStep, Agency.name)
                .join(Agency, Agency.id == RouteStep.agency_id)
                .where(RouteStep.application_id == application.id)
                .order_by(RouteStep.position)
            )
        ).all()
    return TEMPLATES.TemplateResponse(
        request,
        "application.html",
        {
            "principal": principal,
            "application": application,
            "program": program,
            "applicant": applicant,
            "status": status_label(application.status, staff=speaks_as_staff(parties)),
            "actions": [a.label for a in allowed_actions(application.status, parties, facts)],
            "events": [(e, EVENT_LABELS.get(e.kind, e.kind)) for e in events],
            "steps": [
                (s, name, {"screening": "평가", "co_approval": "공동 승인", "decision": "선정"}[s.kind.value])
                for s, name in steps
            ],
        },
    )
