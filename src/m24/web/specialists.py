"""전문기업 찾기: the specialist directory as a server-rendered page (search box, facets, highlights)
and one firm's profile. Same search service and the same visibility rules as GraphQL's
`searchSpecialists`: the backend returns ids, the page shows only listed firms and published
offerings that the database still holds."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from m24.kit.db import Database, utcnow
from m24.kit.errors import AppError
from m24.portal.companies import repository as companies_repo
from m24.portal.reference.regions import REGIONS, region_name
from m24.portal.specialists.directory import designation_is_valid, references_of
from m24.portal.specialists.models import OFFERING_KIND_LABELS, PRICE_MODEL_LABELS, OfferingKind, PriceModel
from m24.search import service as search
from m24.search.backend import Sort, SpecialistFilters
from m24.search.presentation import bucket_label, hydrate_specialists
from m24.web.templating import TEMPLATES

router = APIRouter()
PAGE = 10

FACET_TITLES = {
    "kind": "솔루션 유형",
    "region": "지역",
    "industry": "업종",
    "designated": "전문기업 지정",
    "price_model": "가격 방식",
}
SORT_LABELS = {"relevance": "관련도순", "rating": "평점순", "recent": "최신순"}


def _one(request: Request, name: str, allowed: set[str] | None = None) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and allowed is not None and value not in allowed:
        return None
    return value


@router.get("/specialists", response_class=HTMLResponse, include_in_schema=False)
async def specialist_search(request: Request) -> Response:
    db: Database = request.app.state.db
    query = request.query_params.get("q", "")
    kind = _one(request, "kind", {k.value for k in OfferingKind})
    region = _one(request, "region", {r.code for r in REGIONS})
    price = _one(request, "price", {p.value for p in PriceModel})
    designated = {"true": True, "false": False}.get(request.query_params.get("designated", ""))
    sort = Sort(_one(request, "sort", {s.value for s in Sort}) or "relevance")
    try:
        page = max(0, min(int(request.query_params.get("page", "0")), search.MAX_OFFSET // PAGE - 1))
    except ValueError:
        page = 0
    filters = SpecialistFilters(
        kinds=(kind,) if kind else (),
        regions=(region,) if region else (),
        price_models=(price,) if price else (),
        designated=designated,
    )
    context: dict[str, Any] = {
        "query": query,
        "kind": kind,
        "region": region,
        "price": price,
        "designated": request.query_params.get("designated", ""),
        "sort": sort.value,
        "sort_labels": SORT_LABELS,
        "page": page,
        "error": None,
        "hits": [],
        "facets": [],
        "total": 0,
    }
    try:
        found = await search.search_specialists(
            search.backend_of_app(request.app.state), query, filters, sort, page * PAGE, PAGE
        )
    except AppError as error:
        context["error"] = error.message
        return TEMPLATES.TemplateResponse(request, "specialists.html", context, status_code=error.status_code)
    today = utcnow().date()
    for match in await hydrate_specialists(db, found.hits):
        company, offering = match.company, match.offering
        context["hits"].append(
            {
                "company": company,
                "offering": offering,
                "kind": OFFERING_KIND_LABELS[offering.kind],
                "price": PRICE_MODEL_LABELS[offering.price_model],
                "designated": designation_is_valid(company, today),
                "region": region_name(company.region),
                "title": match.found.highlights.get("title"),
                "summary": match.found.highlights.get("summary"),
            }
        )
    context["total"] = found.results.total
    context["facets"] = [
        {
            "name": name,
            "title": FACET_TITLES[name],
            "buckets": [
                {"value": b.value, "label": bucket_label(name, b.value), "count": b.count} for b in buckets[:12]
            ],
        }
        for name, buckets in found.results.facets.items()
        if name in ("kind", "region", "designated", "price_model")
    ]
    context["has_next"] = (page + 1) * PAGE < found.results.total
    return TEMPLATES.TemplateResponse(request, "specialists.html", context)


@router.get("/specialists/{company_id}", response_class=HTMLResponse, include_in_schema=False)
async def specialist_profile(request: Request, company_id: str) -> Response:
    db: Database = request.app.state.db
    try:
        key = uuid.UUID(company_id)
    except ValueError:
        key = None
    company = None
    if key is not None:
        async with db.read() as session:
            company = await companies_repo.get_public_company(session, key)
            if company is not None and company.is_specialist:
                offerings = (await companies_repo.offerings_by_company(session, [key])).get(key, [])
                references = (await references_of(session, [key])).get(key, [])
    if key is None or company is None or not company.is_specialist:
        return TEMPLATES.TemplateResponse(
            request,
            "message.html",
            {"title": "전문기업을 찾을 수 없습니다", "message": "목록에 없는 기업입니다."},
            status_code=404,
        )
    similar = await search.similar_specialists(search.backend_of_app(request.app.state), db, key, 5)
    async with db.read() as session:
        others = await companies_repo.public_companies_by_ids(session, [uuid.UUID(f.hit.group) for f in similar.hits])
    return TEMPLATES.TemplateResponse(
        request,
        "specialist.html",
        {
            "company": company,
            "region": region_name(company.region),
            "designated": designation_is_valid(company, utcnow().date()),
            "offerings": [
                {"o": o, "kind": OFFERING_KIND_LABELS[o.kind], "price": PRICE_MODEL_LABELS[o.price_model]}
                for o in offerings
            ],
            "references": references,
            "similar": [others[uuid.UUID(f.hit.group)] for f in similar.hits if uuid.UUID(f.hit.group) in others],
        },
    )
