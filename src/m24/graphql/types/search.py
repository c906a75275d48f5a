"""Specialist directory and portal-wide search types."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.types.common import Industry, Region
from m24.graphql.types.company import Offering
from m24.graphql.types.program import FundingProgram
from m24.kit.db import utcnow
from m24.portal.companies.models import Company as CompanyModel
from m24.portal.specialists.directory import designation_is_valid
from m24.portal.specialists.models import SpecialistReference as ReferenceModel
from m24.search.backend import Sort


@strawberry.enum(description="Order of specialist search results.")
class SpecialistSort(enum.Enum):
    RELEVANCE = Sort.RELEVANCE.value
    RATING = Sort.RATING.value
    RECENT = Sort.RECENT.value


@strawberry.input(description="Narrow a specialist search; values are those the facets return.")
class SpecialistFilterInput:
    industries: list[str] | None = None
    regions: list[str] | None = None
    kinds: list[str] | None = None
    price_models: list[str] | None = None
    designated: bool | None = None


@strawberry.type(description="A past project a specialist shows; verified when linked to a completed funded project.")
class SpecialistReference:
    id: strawberry.ID
    title: str
    client_name: str
    year: int
    summary: str
    verified: bool

    @staticmethod
    def from_model(model: ReferenceModel) -> SpecialistReference:
        return SpecialistReference(
            id=strawberry.ID(str(model.id)),
            title=model.title,
            client_name=model.client_name,
            year=model.year,
            summary=model.summary,
            verified=model.application_id is not None,
        )


@strawberry.type(description="A specialist firm (공급기업) as the directory shows it.")
class Specialist:
    id: strawberry.ID
    name: str
    description: str | None
    homepage: str | None
    certifications: list[str]
    designated: bool = strawberry.field(description="제조AI 전문기업 designation currently valid.")
    designated_until: date | None
    rating_average: float | None
    rating_count: int
    _id: strawberry.Private[uuid.UUID]
    _region: strawberry.Private[str]
    _ksic: strawberry.Private[str]

    @strawberry.field
    def region(self) -> Region:
        return Region.of(self._region)

    @strawberry.field
    def industry(self) -> Industry:
        return Industry.of(self._ksic)

    @strawberry.field(description="Published offerings.")
    async def offerings(self, info: Info[Context, None]) -> list[Offering]:
        return [Offering.from_model(o) for o in await info.context.loaders.company_offerings.load(self._id)]

    @strawberry.field(description="Past projects, newest first.")
    async def references(self, info: Info[Context, None]) -> list[SpecialistReference]:
        rows = await info.context.loaders.specialist_references.load(self._id)
        return [SpecialistReference.from_model(r) for r in rows]

    @strawberry.field(description="Firms offering similar solutions (this one excluded). `first` is 1–10.")
    async def similar(self, info: Info[Context, None], first: int = 5) -> list[SpecialistHit]:
        from m24.graphql.queries.search import similar_hits

        return await similar_hits(info, self._id, first)

    @staticmethod
    def from_model(model: CompanyModel) -> Specialist:
        valid = designation_is_valid(model, utcnow().date())
        return Specialist(
            id=strawberry.ID(str(model.id)),
            name=model.name,
            description=model.description,
            homepage=model.homepage,
            certifications=[str(c) for c in model.certifications or []],
            designated=valid,
            designated_until=model.designated_until if valid else None,
            rating_average=model.rating_average,
            rating_count=model.rating_count,
            _id=model.id,
            _region=model.region,
            _ksic=model.ksic_code,
        )


@strawberry.type(description="A matched field with the matching words wrapped in <em> (HTML-escaped otherwise).")
class Highlight:
    field: str
    fragment: str


@strawberry.type(description="One specialist in a search, with the offering that matched best.")
class SpecialistHit:
    specialist: Specialist
    offering: Offering
    score: float | None
    highlights: list[Highlight]


@strawberry.type
class FacetBucket:
    value: str
    label: str
    count: int = strawberry.field(description="Distinct specialists in this bucket.")


@strawberry.type(description="Counts over everything the query and filters match.")
class Facet:
    name: str
    label: str
    buckets: list[FacetBucket]


@strawberry.type
class SpecialistSearchResult:
    total_count: int = strawberry.field(description="Distinct specialists matching.")
    hits: list[SpecialistHit]
    facets: list[Facet]
    has_next_page: bool
    end_cursor: str | None
    backend: str = strawberry.field(description="`elasticsearch` or `database` (the embedded default).")


# --- portal-wide search ------------------------------------------------------------------------------


@strawberry.type(description="A funding call found by the portal-wide search.")
class ProgramSearchHit:
    program: FundingProgram
    score: float | None
    highlights: list[Highlight]


@strawberry.type(description="An AI-literacy course found by the portal-wide search.")
class CourseSearchHit:
    id: strawberry.ID
    title: str
    summary: str
    score: float | None
    highlights: list[Highlight]


@strawberry.type(description="A manufacturing dataset found by the portal-wide search.")
class DatasetSearchHit:
    id: strawberry.ID
    title: str
    description: str
    access_tier: str
    score: float | None
    highlights: list[Highlight]


SearchHit = Annotated[
    SpecialistHit | ProgramSearchHit | CourseSearchHit | DatasetSearchHit,
    strawberry.union("SearchHit", description="One hit of the portal-wide search, typed by what it is."),
]
