"""Search queries: the specialist directory and the portal-wide `search`.

The backend returns ids; every hit is hydrated from the database through the same visibility rules
as the rest of the API (listed specialists, published offerings and calls), so a document the index
still holds for a row that has since been hidden is dropped, never shown.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_choices, parse_id
from m24.graphql.permissions import Public
from m24.graphql.types.company import Offering
from m24.graphql.types.program import FundingProgram
from m24.graphql.types.search import (
    CourseSearchHit,
    DatasetSearchHit,
    Facet,
    FacetBucket,
    Highlight,
    ProgramSearchHit,
    SearchHit,
    Specialist,
    SpecialistFilterInput,
    SpecialistHit,
    SpecialistSearchResult,
    SpecialistSort,
)
from m24.kit.errors import ErrorCode, ValidationFailed
from m24.kit.pagination import encode_cursor, page_request
from m24.portal.companies import repository as companies_repo
from m24.portal.datasets.models import Dataset, DatasetStatus
from m24.portal.funding.models import FundingProgram as ProgramModel
from m24.portal.reference.ksic import parse_ksic
from m24.portal.reference.regions import parse_region
from m24.portal.specialists.models import OfferingKind, PriceModel
from m24.portal.training.models import Course
from m24.search import service
from m24.search.backend import Sort, SpecialistFilters
from m24.search.presentation import FACET_LABELS, bucket_label, hydrate_specialists
from m24.search.service import HighlightedHit

CURSOR_KIND = "specialist-search"
MAX_FIRST = 50


def _size(first: int | None, default: int, maximum: int) -> int:
    """A page size checked as every connection's is (errors name ``first``)."""
    return page_request(first, None, kind=CURSOR_KIND, arity=1, default=default, maximum=maximum).first


def _filters(flt: SpecialistFilterInput | None) -> SpecialistFilters:
    if flt is None:
        return SpecialistFilters()
    if sum(len(v or []) for v in (flt.industries, flt.regions, flt.kinds, flt.price_models)) > 60:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "filters: 조건이 너무 많습니다.", field="filters")
    return SpecialistFilters(
        industries=tuple(parse_ksic(v, field="filters.industries") for v in flt.industries or []),
        regions=tuple(parse_region(v, field="filters.regions").code for v in flt.regions or []),
        kinds=parse_choices(flt.kinds, OfferingKind, "filters.kinds"),
        price_models=parse_choices(flt.price_models, PriceModel, "filters.priceModels"),
        designated=flt.designated,
    )


def _highlights(found: HighlightedHit) -> list[Highlight]:
    return [Highlight(field=name, fragment=fragment) for name, fragment in found.highlights.items()]


async def _hydrate_specialists(info: Info[Context, None], found: list[HighlightedHit]) -> list[SpecialistHit]:
    return [
        SpecialistHit(
            specialist=Specialist.from_model(m.company),
            offering=Offering.from_model(m.offering),
            score=m.found.hit.score,
            highlights=_highlights(m.found),
        )
        for m in await hydrate_specialists(info.context.db, found)
    ]


async def similar_hits(info: Info[Context, None], company_id: uuid.UUID, first: int) -> list[SpecialistHit]:
    size = _size(first, 5, 10)
    found = await service.similar_specialists(info.context.search, info.context.db, company_id, size)
    return await _hydrate_specialists(info, found.hits)


async def _hydrate_all(info: Info[Context, None], found: list[HighlightedHit]) -> list[SearchHit]:
    by_kind: dict[str, list[uuid.UUID]] = {}
    for f in found:
        by_kind.setdefault(f.hit.kind, []).append(uuid.UUID(f.hit.doc_id))
    specialist_hits = {
        h.offering.id: h for h in await _hydrate_specialists(info, [f for f in found if f.hit.kind == "offering"])
    }
    async with info.context.db.read() as session:
        programs = {
            p.id: p
            for p in await session.scalars(
                sa.select(ProgramModel).where(
                    ProgramModel.id.in_(by_kind.get("program", [])),
                    ProgramModel.deleted_at.is_(None),
                    ProgramModel.published_at.is_not(None),
                )
            )
        }
        courses = {
            c.id: c
            for c in await session.scalars(
                sa.select(Course).where(Course.id.in_(by_kind.get("course", [])), Course.deleted_at.is_(None))
            )
        }
        datasets = {
            d.id: d
            for d in await session.scalars(
                sa.select(Dataset).where(
                    Dataset.id.in_(by_kind.get("dataset", [])),
                    Dataset.deleted_at.is_(None),
                    Dataset.status == DatasetStatus.PUBLISHED,
                )
            )
        }
    out: list[SearchHit] = []
    for f in found:
        entity = uuid.UUID(f.hit.doc_id)
        marks = _highlights(f)
        if f.hit.kind == "offering" and strawberry.ID(str(entity)) in specialist_hits:
            out.append(specialist_hits[strawberry.ID(str(entity))])
        elif f.hit.kind == "program" and entity in programs:
            out.append(
                ProgramSearchHit(
                    program=FundingProgram.from_model(programs[entity]), score=f.hit.score, highlights=marks
                )
            )
        elif f.hit.kind == "course" and entity in courses:
            c = courses[entity]
            out.append(
                CourseSearchHit(
                    id=strawberry.ID(str(c.id)), title=c.title, summary=c.summary, score=f.hit.score, highlights=marks
                )
            )
        elif f.hit.kind == "dataset" and entity in datasets:
            d = datasets[entity]
            out.append(
                DatasetSearchHit(
                    id=strawberry.ID(str(d.id)),
                    title=d.title,
                    description=d.description,
                    access_tier=d.access_tier.value,
                    score=f.hit.score,
                    highlights=marks,
                )
            )
    return out


@strawberry.type
class SearchQueries:
    @strawberry.field(
        permission_classes=[Public],
        description=(
            "Find specialist firms in Korean as you would describe the problem (particles, spacing, "
            "mixed Korean/English and small typos are handled). One hit per firm with its best-matching "
            "offering, facet counts over everything matched, and highlights. `first` ≤ 50; pages up to "
            "the 1,000th hit."
        ),
    )
    async def search_specialists(
        self,
        info: Info[Context, None],
        query: str | None = None,
        filters: SpecialistFilterInput | None = None,
        sort: SpecialistSort = SpecialistSort.RELEVANCE,
        first: int | None = None,
        after: str | None = None,
    ) -> SpecialistSearchResult:
        page = page_request(first, after, kind=CURSOR_KIND, arity=1, default=20, maximum=MAX_FIRST)
        try:
            size, offset = page.first, int(page.after[0]) if page.after else 0
        except (TypeError, ValueError):
            raise ValidationFailed(
                ErrorCode.INVALID_CURSOR, "after: 올바르지 않은 커서입니다.", field="after"
            ) from None
        found = await service.search_specialists(
            info.context.search, query, _filters(filters), Sort(sort.value), offset, size
        )
        hits = await _hydrate_specialists(info, found.hits)
        end = offset + len(found.hits)
        facets = [
            Facet(
                name=name,
                label=FACET_LABELS[name],
                buckets=[FacetBucket(value=b.value, label=bucket_label(name, b.value), count=b.count) for b in buckets],
            )
            for name, buckets in found.results.facets.items()
        ]
        has_next = end < found.results.total and end < service.MAX_OFFSET
        return SpecialistSearchResult(
            total_count=found.results.total,
            hits=hits,
            facets=facets,
            has_next_page=has_next,
            end_cursor=encode_cursor(CURSOR_KIND, (end,)) if found.hits else None,
            backend=info.context.search.name,
        )

    @strawberry.field(permission_classes=[Public], description="One listed specialist firm, or null.")
    async def specialist(self, info: Info[Context, None], id: strawberry.ID) -> Specialist | None:
        company_id = parse_id(id)
        async with info.context.db.read() as session:
            row = await companies_repo.get_public_company(session, company_id)
        if row is None or not row.is_specialist:
            return None
        return Specialist.from_model(row)

    @strawberry.field(
        permission_classes=[Public],
        description="Completions for a specialist search box: offering titles and firm names. At most 10.",
    )
    async def suggest_specialists(self, info: Info[Context, None], prefix: str, first: int = 8) -> list[str]:
        return await service.suggest(info.context.search, prefix, _size(first, 8, 10))

    @strawberry.field(
        permission_classes=[Public],
        description=(
            "One search across the portal: specialists, funding calls, courses and datasets, as typed "
            "hits in one relevance order. `first` ≤ 50."
        ),
    )
    async def search(self, info: Info[Context, None], query: str, first: int | None = None) -> list[SearchHit]:
        found = await service.search_everything(info.context.search, query, _size(first, 20, MAX_FIRST))
        return await _hydrate_all(info, found)
