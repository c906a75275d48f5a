"""Pages of the web UI. Data comes from the same portal repositories as GraphQL."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from m24.kit.db import Database, utcnow
from m24.kit.pagination import PageRequest
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.datasets.models import Dataset
from m24.portal.funding import repository as funding_repo
from m24.portal.funding.models import CallStatus
from m24.portal.training.models import Course
from m24.web.templating import TEMPLATES

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def landing(request: Request) -> HTMLResponse:
    db: Database = request.app.state.db
    now = utcnow()
    async with db.read() as session:
        open_calls = await funding_repo.list_programs(
            session, funding_repo.ProgramFilter(status=CallStatus.OPEN), PageRequest(first=12, after=None), now=now
        )
        counts = {
            "agencies": await session.scalar(sa.select(sa.func.count()).select_from(Agency)),
            "companies": await session.scalar(
                sa.select(sa.func.count()).select_from(Company).where(Company.deleted_at.is_(None))
            ),
            "specialists": await session.scalar(
                sa.select(sa.func.count())
                .select_from(Company)
                .where(Company.is_specialist.is_(True), Company.deleted_at.is_(None))
            ),
            "courses": await session.scalar(sa.select(sa.func.count()).select_from(Course)),
            "datasets": await session.scalar(sa.select(sa.func.count()).select_from(Dataset)),
        }
    settings = request.app.state.settings
    return TEMPLATES.TemplateResponse(
        request,
        "landing.html",
        {
            "open_calls": open_calls.items,
            "open_total": open_calls.total,
            "counts": counts,
            "graphiql": not settings.is_production,
            "embedded": settings.embedded_components(),
            "principal": getattr(request.state, "principal", None),
            "web_session": getattr(request.state, "web_session", None),
        },
    )
