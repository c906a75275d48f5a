"""The search projection: what a database row looks like as a search document.

Two logical indices: ``specialists`` holds one document per offering, carrying its specialist's
profile (so a query matches what a firm offers, and hits collapse to one per firm); ``portal`` holds
funding programs, courses and datasets. Every document has an external *version* taken from the
database, so a stale or repeated write can never overwrite a newer one:

* offering: ``offering.version + company.profile_version`` — both only grow, so their sum grows
  whenever either the offering or the firm's profile (rating, designation, description) changes;
* program, course, dataset: ``updated_at`` in microseconds, bumped by every update of the row.

A row that should not be found (deleted, unpublished, unlisted) becomes a :class:`Tombstone` with
the same version, which deletes the document.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.db import utcnow
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.datasets.models import Dataset, DatasetStatus
from m24.portal.funding.models import FundingProgram
from m24.portal.indexing.service import IndexedKind
from m24.portal.reference.ksic import industry_name
from m24.portal.reference.regions import region_name
from m24.portal.specialists.models import OFFERING_KIND_LABELS, PRICE_MODEL_LABELS, Offering
from m24.portal.training.models import Course
from m24.search.analysis import analyse

SPECIALISTS = "specialists"
PORTAL = "portal"
INDICES = (SPECIALISTS, PORTAL)

#: Analysed fields and their weights in a query; the same for both backends.
FIELD_BOOSTS: dict[str, float] = {"title": 3.0, "body": 1.0, "profile": 0.3}
GRAMS_BOOST = 0.5
#: Share of a query's bigrams a document must contain for the typo-tolerant field to count.
GRAMS_MIN_SHARE = 0.6
#: Placeholder facet value for "serves every industry / region".
ALL = "*"

_KIND_INDEX = {
    IndexedKind.OFFERING: SPECIALISTS,
    IndexedKind.PROGRAM: PORTAL,
    IndexedKind.COURSE: PORTAL,
    IndexedKind.DATASET: PORTAL,
}


@dataclass
class SearchDoc:
    index: str
    doc_id: str
    kind: str
    version: int
    #: field name → analysed tokens (title, body, profile, grams)
    fields: dict[str, list[str]]
    #: stored attributes: filters, facets, sort keys, display text and highlight spans
    source: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tombstone:
    index: str
    doc_id: str
    kind: str
    version: int


Projection = SearchDoc | Tombstone


def index_of(kind: IndexedKind) -> str:
    return _KIND_INDEX[kind]


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _today() -> date:
    return utcnow().date()


def _text_fields(
    title_parts: Sequence[str], body_parts: Sequence[str], profile_parts: Sequence[str]
) -> tuple[dict[str, list[str]], dict[str, list[list[Any]]]]:
    fields: dict[str, list[str]] = {"title": [], "body": [], "profile": [], "grams": [], "words": []}
    spans: dict[str, list[list[Any]]] = {}
    for name, parts in (("title", title_parts), ("body", body_parts), ("profile", profile_parts)):
        for i, part in enumerate(parts):
            if not part:
                continue
            analysed = analyse(part)
            fields[name].extend(analysed.tokens)
            if name != "profile":
                fields["grams"].extend(analysed.grams)
            if name == "title":
                fields["words"].extend(analysed.words)
            spans[f"{name}{i}"] = analysed.spans
    return fields, spans


# --- offerings ----------------------------------------------------------------------------------------


def offering_version(offering: Offering, company: Company) -> int:
    return offering.version + company.profile_version


def _designated(company: Company) -> bool:
    return bool(
        company.is_designated_ai_specialist
        and company.designated_until is not None
        and company.designated_until >= _today()
    )


def offering_visible(offering: Offering, company: Company) -> bool:
    return (
        offering.deleted_at is None
        and offering.is_published
        and company.deleted_at is None
        and company.is_listed
        and company.is_specialist
    )


def project_offering(offering: Offering, company: Company) -> Projection:
    version = offering_version(offering, company)
    doc_id = str(offering.id)
    if not offering_visible(offering, company):
        return Tombstone(SPECIALISTS, doc_id, IndexedKind.OFFERING.value, version)
    industries = list(offering.industries or [])
    regions = list(offering.regions or [])
    body = [
        offering.summary,
        OFFERING_KIND_LABELS[offering.kind],
        PRICE_MODEL_LABELS[offering.price_model],
        " ".join(industry_name(code) for code in industries),
        " ".join(region_name(code) or code for code in regions),
    ]
    profile = [company.description or "", " ".join(str(c) for c in company.certifications or [])]
    fields, spans = _text_fields([offering.title, company.name], body, profile)
    source = {
        "kind": IndexedKind.OFFERING.value,
        "entity_id": doc_id,
        "group": str(company.id),
        "company_id": str(company.id),
        "title": offering.title,
        "summary": offering.summary,
        "company_name": company.name,
        "offering_kind": offering.kind.value,
        "industries": industries or [ALL],
        "regions": regions or [ALL],
        "price_model": offering.price_model.value,
        "designated": _designated(company),
        "rating": company.rating_average,
        "rating_count": company.rating_count,
        "updated_at": int(offering.updated_at.timestamp() * 1000),
        "spans": {
            "title": spans.get("title0", []),
            "company_name": spans.get("title1", []),
            "summary": spans.get("body0", []),
        },
    }
    return SearchDoc(SPECIALISTS, doc_id, IndexedKind.OFFERING.value, version, fields, source)


def _offerings_statement() -> sa.Select[Offering, Company]:
    return sa.select(Offering, Company).join(Company, Company.id == Offering.company_id)


async def _project_offerings(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Projection]:
    rows = (await session.execute(_offerings_statement().where(Offering.id.in_(set(ids))))).all()
    return [project_offering(o, c) for o, c in rows]


async def _offering_ids_of_companies(session: AsyncSession, company_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    rows = await session.scalars(sa.select(Offering.id).where(Offering.company_id.in_(set(company_ids))))
    return list(rows)


# --- programs, courses, datasets -------------------------------------------------------------------------


def _portal_source(
    kind: IndexedKind,
    entity_id: uuid.UUID,
    title: str,
    summary: str,
    updated_at: datetime,
    spans: dict[str, list[list[Any]]],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "entity_id": str(entity_id),
        "group": str(entity_id),
        "title": title,
        "summary": summary,
        "updated_at": int(updated_at.timestamp() * 1000),
        "spans": {"title": spans.get("title0", []), "summary": spans.get("body0", [])},
        **extra,
    }


def project_program(program: FundingProgram, agency_name: str) -> Projection:
    version = _micros(program.updated_at)
    if program.deleted_at is not None or program.published_at is None:
        return Tombstone(PORTAL, str(program.id), IndexedKind.PROGRAM.value, version)
    fields, spans = _text_fields([program.title], [program.summary, agency_name], [])
    source = _portal_source(
        IndexedKind.PROGRAM,
        program.id,
        program.title,
        program.summary,
        program.updated_at,
        spans,
        ends_at=int(program.application_ends_at.timestamp() * 1000),
    )
    return SearchDoc(PORTAL, str(program.id), IndexedKind.PROGRAM.value, version, fields, source)


def project_course(course: Course) -> Projection:
    version = _micros(course.updated_at)
    if course.deleted_at is not None:
        return Tombstone(PORTAL, str(course.id), IndexedKind.COURSE.value, version)
    fields, spans = _text_fields([course.title], [course.summary, region_name(course.region) or ""], [])
    source = _portal_source(IndexedKind.COURSE, course.id, course.title, course.summary, course.updated_at, spans)
    return SearchDoc(PORTAL, str(course.id), IndexedKind.COURSE.value, version, fields, source)


def project_dataset(dataset: Dataset) -> Projection:
    version = _micros(dataset.updated_at)
    if dataset.deleted_at is not None or dataset.status is not DatasetStatus.PUBLISHED:
        return Tombstone(PORTAL, str(dataset.id), IndexedKind.DATASET.value, version)
    body = [
        dataset.description,
        " ".join(str(k) for k in dataset.keywords or []),
        dataset.theme,
        dataset.process or "",
        dataset.equipment or "",
        dataset.data_standard or "",
    ]
    fields, spans = _text_fields([dataset.title], body, [])
    source = _portal_source(
        IndexedKind.DATASET, dataset.id, dataset.title, dataset.description, dataset.updated_at, spans
    )
    return SearchDoc(PORTAL, str(dataset.id), IndexedKind.DATASET.value, version, fields, source)


async def _project_programs(session: AsyncSession, ids: Sequence[uuid.UUID] | None) -> list[Projection]:
    statement = sa.select(FundingProgram, Agency.name).join(Agency, Agency.id == FundingProgram.operator_agency_id)
    if ids is not None:
        statement = statement.where(FundingProgram.id.in_(set(ids)))
    return [project_program(p, name) for p, name in (await session.execute(statement)).all()]


async def _project_courses(session: AsyncSession, ids: Sequence[uuid.UUID] | None) -> list[Projection]:
    statement = sa.select(Course)
    if ids is not None:
        statement = statement.where(Course.id.in_(set(ids)))
    return [project_course(c) for c in await session.scalars(statement)]


async def _project_datasets(session: AsyncSession, ids: Sequence[uuid.UUID] | None) -> list[Projection]:
    statement = sa.select(Dataset)
    if ids is not None:
        statement = statement.where(Dataset.id.in_(set(ids)))
    return [project_dataset(d) for d in await session.scalars(statement)]


# --- entry points ----------------------------------------------------------------------------------------


async def project(session: AsyncSession, kind: IndexedKind, ids: Sequence[uuid.UUID]) -> list[Projection]:
    """The current projection of the given rows. Ids of rows that no longer exist are tombstoned at a
    version above any a live row could have had (hard deletes do not happen for these kinds)."""
    if not ids:
        return []
    if kind is IndexedKind.SPECIALIST:
        return await _project_offerings(session, await _offering_ids_of_companies(session, ids))
    if kind is IndexedKind.OFFERING:
        return await _project_offerings(session, ids)
    if kind is IndexedKind.PROGRAM:
        return await _project_programs(session, ids)
    if kind is IndexedKind.COURSE:
        return await _project_courses(session, ids)
    return await _project_datasets(session, ids)


async def iterate_index(session: AsyncSession, index: str, batch: int = 2000) -> AsyncIterator[list[SearchDoc]]:
    """Every live document of an index, in batches (keyset-paged, so 100,000 rows never sit in memory)."""
    if index == SPECIALISTS:
        after: uuid.UUID | None = None
        while True:
            statement = _offerings_statement().order_by(Offering.id).limit(batch)
            if after is not None:
                statement = statement.where(Offering.id > after)
            rows = (await session.execute(statement)).all()
            if not rows:
                return
            after = rows[-1][0].id
            docs = [d for d in (project_offering(o, c) for o, c in rows) if isinstance(d, SearchDoc)]
            if docs:
                yield docs
        return
    for loader in (_project_programs, _project_courses, _project_datasets):
        docs = [d for d in await loader(session, None) if isinstance(d, SearchDoc)]
        for start in range(0, len(docs), batch):
            yield docs[start : start + batch]


async def expected_versions(session: AsyncSession, index: str) -> dict[str, int]:
    """doc id → version of every document the index should hold, computed without analysing text."""
    expected: dict[str, int] = {}
    if index == SPECIALISTS:
        result = await session.execute(_offerings_statement())
        for offering, company in result.all():
            if offering_visible(offering, company):
                expected[str(offering.id)] = offering_version(offering, company)
        return expected
    for program in await session.scalars(sa.select(FundingProgram)):
        if program.deleted_at is None and program.published_at is not None:
            expected[str(program.id)] = _micros(program.updated_at)
    for course in await session.scalars(sa.select(Course)):
        if course.deleted_at is None:
            expected[str(course.id)] = _micros(course.updated_at)
    for dataset in await session.scalars(sa.select(Dataset)):
        if dataset.deleted_at is None and dataset.status is DatasetStatus.PUBLISHED:
            expected[str(dataset.id)] = _micros(dataset.updated_at)
    return expected
