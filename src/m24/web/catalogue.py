"""교육과정 and 제조 데이터: read-only catalogue pages over the same repositories and visibility rules
as GraphQL (enrolling and requesting go through the GraphQL mutations)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from m24.auth.principal import ANONYMOUS, Principal
from m24.kit.db import Database, utcnow
from m24.kit.errors import AppError
from m24.kit.pagination import PageRequest
from m24.portal.agencies.models import Agency
from m24.portal.datasets import repository as catalogue
from m24.portal.datasets import service as datasets
from m24.portal.datasets.models import AccessTier, DataKind, Dataset, Distribution
from m24.portal.text_filter import clean_text
from m24.portal.training import repository as training
from m24.portal.training import service as enrollment
from m24.portal.training.models import AUDIENCE_LABELS, FORMAT_LABELS
from m24.web.templating import TEMPLATES

router = APIRouter()

AUDIENCES = {audience.value: label for audience, label in AUDIENCE_LABELS.items()}
DATA_KINDS = {"image": "이미지", "time_series": "시계열", "tabular": "정형(표)", "text": "텍스트", "mixed": "복합"}


def _principal(request: Request) -> Principal:
    return getattr(request.state, "principal", ANONYMOUS)


@router.get("/courses", response_class=HTMLResponse, include_in_schema=False)
async def courses(request: Request) -> Response:
    audience = request.query_params.get("audience")
    audience = audience if audience in AUDIENCES else None
    db: Database = request.app.state.db
    async with db.read() as session:
        page = await training.list_courses(
            session, training.CourseFilter(audience=audience), PageRequest(first=100, after=None)
        )
        sessions = await training.sessions_by_course(session, [c.id for c in page.items])
    now = utcnow()
    rows = [
        {
            "course": c,
            "audience": AUDIENCE_LABELS[c.audience],
            "format": FORMAT_LABELS[c.format],
            "sessions": [
                {
                    "s": s,
                    "left": max(0, s.capacity - s.seats_taken),
                    "open": enrollment.enrollment_open(s, now),
                    "starts": s.starts_at.astimezone(enrollment.KST),
                }
                for s in sessions.get(c.id, [])
            ],
        }
        for c in page.items
    ]
    return TEMPLATES.TemplateResponse(
        request, "courses.html", {"rows": rows, "audiences": AUDIENCES, "audience": audience, "total": page.total}
    )


@router.get("/datasets", response_class=HTMLResponse, include_in_schema=False)
async def dataset_list(request: Request) -> Response:
    principal = _principal(request)
    kind = request.query_params.get("kind")
    tier = request.query_params.get("tier")
    kind = kind if kind in {k.value for k in DataKind} else None
    tier = tier if tier in {t.value for t in AccessTier} else None
    error = None
    try:
        words = clean_text(request.query_params.get("q"), "q")
    except AppError as exc:
        words, error = None, exc.message
    conditions = catalogue.catalogue_conditions(
        principal, catalogue.DatasetFilter(data_kind=kind, access_tier=tier, text=words)
    )
    db: Database = request.app.state.db
    async with db.read() as session:
        rows = list(await session.scalars(sa.select(Dataset).where(*conditions).order_by(Dataset.title).limit(100)))
        agencies = dict((await session.execute(sa.select(Agency.id, Agency.name))).all())
    return TEMPLATES.TemplateResponse(
        request,
        "datasets.html",
        {
            "rows": rows,
            "agencies": agencies,
            "tiers": {t.value: label for t, label in datasets.TIER_LABELS.items()},
            "kinds": DATA_KINDS,
            "kind": kind,
            "tier": tier,
            "q": request.query_params.get("q", ""),
            "error": error,
        },
        status_code=422 if error else 200,
    )


@router.get("/datasets/{slug}", response_class=HTMLResponse, include_in_schema=False)
async def dataset_detail(request: Request, slug: str) -> Response:
    principal = _principal(request)
    db: Database = request.app.state.db
    async with db.write() as session:
        row = (await session.scalars(sa.select(Dataset).where(Dataset.slug == slug[:100]))).first()
        if row is None or not datasets.can_view(principal, row):
            return TEMPLATES.TemplateResponse(
                request,
                "message.html",
                {"title": "데이터셋을 찾을 수 없습니다", "message": "목록에 없는 데이터셋입니다."},
                status_code=404,
            )
        await datasets.count_view(session, row.id)
        files = list(await session.scalars(sa.select(Distribution).where(Distribution.dataset_id == row.id)))
        publisher = await session.scalar(sa.select(Agency.name).where(Agency.id == row.publisher_agency_id))
    return TEMPLATES.TemplateResponse(
        request,
        "dataset.html",
        {
            "d": row,
            "files": files,
            "publisher": publisher,
            "tier": datasets.TIER_LABELS[row.access_tier],
            "kind": DATA_KINDS[row.data_kind.value],
        },
    )
