"""Search as the rest of the portal uses it: validated queries, highlights, similar specialists,
the outbox relay, rebuild and verify — the same for both backends."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from m24.config import Settings
from m24.kit.db import Database
from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.companies import repository as companies_repo
from m24.portal.indexing.models import SearchOutbox
from m24.portal.indexing.service import IndexedKind
from m24.search import documents
from m24.search.analysis import analyse, highlight, query_terms
from m24.search.backend import (
    Hit,
    IndexDrift,
    SearchBackend,
    Sort,
    SpecialistFilters,
    SpecialistQuery,
    SpecialistResults,
    Terms,
)
from m24.search.database import DatabaseBackend

log = logging.getLogger("m24.search")

MAX_QUERY_LENGTH = 200
MAX_OFFSET = 1000
#: Outbox rows handled per relay pass.
RELAY_BATCH = 500


def make_backend(settings: Settings, db: Database) -> SearchBackend:
    """Elasticsearch when a URL is configured, else the database backend (the embedded default)."""
    if settings.elasticsearch_url:
        from m24.search.elastic import ElasticsearchBackend

        return ElasticsearchBackend(
            settings.elasticsearch_url, settings.search_index_prefix, settings.search_timeout_seconds
        )
    return DatabaseBackend(db)


def backend_of_app(state: Any) -> SearchBackend:
    """The web app's search backend (``app.state.search``), built on first use: the database may
    only exist once the app has started. Closed by the app's lifespan."""
    backend: SearchBackend | None = getattr(state, "search", None)
    if backend is None:
        backend = make_backend(state.settings, state.db)
        state.search = backend
    return backend


# --- queries -----------------------------------------------------------------------------------------


def clean_query(text: str | None, field_name: str = "query") -> str:
    """Control characters become spaces; over-long text is refused with the limit named."""
    if text is None:
        return ""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT,
            f"{field_name}: 검색어는 {MAX_QUERY_LENGTH}자 이하로 입력하세요 (입력 {len(cleaned):,}자).",
            field=field_name,
        )
    return cleaned


def analyse_query(text: str | None, field_name: str = "query") -> Terms:
    """User text → analysed terms. Quotes, operators and brackets are not query syntax here: the
    analyser drops punctuation, and what remains is matched as plain tokens."""
    analysed = query_terms(clean_query(text, field_name))
    return Terms(tuple(analysed.tokens), tuple(analysed.grams), tuple(analysed.words))


@dataclass
class HighlightedHit:
    hit: Hit
    highlights: dict[str, str] = field(default_factory=dict)


def highlights_for(hit: Hit, terms: Terms) -> dict[str, str]:
    wanted = set(terms.tokens)
    spans = hit.source.get("spans") or {}
    out = {}
    for name in ("title", "summary", "company_name"):
        text = hit.source.get(name)
        if not isinstance(text, str) or not wanted:
            continue
        marked = highlight(text, spans.get(name) or [], wanted)
        if marked is not None:
            out[name] = marked
    return out


@dataclass
class SpecialistSearch:
    results: SpecialistResults
    terms: Terms
    hits: list[HighlightedHit]


async def search_specialists(
    backend: SearchBackend,
    text: str | None,
    filters: SpecialistFilters = SpecialistFilters(),
    sort: Sort = Sort.RELEVANCE,
    offset: int = 0,
    size: int = 20,
) -> SpecialistSearch:
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationFailed(
            ErrorCode.INVALID_CURSOR, f"after: 검색 결과는 {MAX_OFFSET:,}번째까지 넘겨 볼 수 있습니다.", field="after"
        )
    terms = analyse_query(text)
    results = await backend.search_specialists(
        SpecialistQuery(terms=terms, filters=filters, sort=sort, offset=offset, size=size)
    )
    return SpecialistSearch(results, terms, [HighlightedHit(h, highlights_for(h, terms)) for h in results.hits])


async def search_everything(backend: SearchBackend, text: str | None, size: int) -> list[HighlightedHit]:
    terms = analyse_query(text)
    hits = await backend.search_all(terms, size)
    return [HighlightedHit(h, highlights_for(h, terms)) for h in hits]


async def suggest(backend: SearchBackend, text: str | None, size: int = 8) -> list[str]:
    """Completions for what is being typed: offering titles and firm names, most relevant first."""
    terms = analyse_query(text, "prefix")
    if not terms.words:
        return []
    hits = await backend.suggest(terms, size * 2)
    last = terms.words[-1]
    out: list[str] = []
    for h in hits:
        # The hit matched through its title or its firm's name: offer whichever completes the word.
        for name in ("title", "company_name"):
            value = h.source.get(name)
            if isinstance(value, str) and value not in out and any(w.startswith(last) for w in analyse(value).words):
                out.append(value)
    return out[:size]


async def similar_specialists(
    backend: SearchBackend, db: Database, company_id: uuid.UUID, size: int = 5
) -> SpecialistSearch:
    """Firms offering what this one offers: its offerings' most characteristic tokens as a query,
    the firm itself excluded (the same query path as a typed search, so both backends agree)."""
    async with db.read() as session:
        offerings = (await companies_repo.offerings_by_company(session, [company_id])).get(company_id, [])
    counts: Counter[str] = Counter()
    for offering in offerings:
        counts.update(query_terms(offering.title).tokens * 2)
        counts.update(query_terms(offering.summary).tokens)
    tokens = tuple(t for t, _ in counts.most_common(12))
    if not tokens:
        return SpecialistSearch(SpecialistResults([], 0, {}), Terms(), [])
    terms = Terms(tokens, ())
    results = await backend.search_specialists(
        SpecialistQuery(terms=terms, size=size, exclude_group=company_id, with_facets=False)
    )
    return SpecialistSearch(results, terms, [HighlightedHit(h) for h in results.hits])


# --- keeping the index current -----------------------------------------------------------------------


async def relay_once(db: Database, backend: SearchBackend, batch: int = RELAY_BATCH) -> int:
    """Project the rows named in the oldest outbox entries and write them; delete the entries only
    after the write succeeded. Returns how many entries were handled (0: nothing to do).

    If the backend is down this raises :class:`~m24.search.backend.SearchUnavailable` and the entries
    stay for the next pass; writes are versioned, so a pass repeated after a crash is harmless.
    """
    async with db.read() as session:
        entries = (
            await session.execute(
                sa.select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.entity_id)
                .order_by(SearchOutbox.id)
                .limit(batch)
            )
        ).all()
        if not entries:
            return 0
        by_kind: dict[IndexedKind, set[uuid.UUID]] = {}
        for _, kind, entity_id in entries:
            by_kind.setdefault(IndexedKind(kind), set()).add(entity_id)
        projections: list[documents.Projection] = []
        for kind, ids in by_kind.items():
            projections.extend(await documents.project(session, kind, sorted(ids)))
    await backend.write(projections)
    async with db.write() as session:
        await session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_([e[0] for e in entries])))
    return len(entries)


async def relay_all(db: Database, backend: SearchBackend) -> int:
    total = 0
    while handled := await relay_once(db, backend):
        total += handled
    return total


async def outbox_backlog(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) or 0)


async def rebuild(db: Database, backend: SearchBackend, progress: Callable[[str, int], None]) -> dict[str, int]:
    """Project every row into fresh indices and swap them in; the old ones answer until the swap."""
    counts: dict[str, int] = {}
    for index in documents.INDICES:
        async with db.read() as session:

            def report(written: int, index: str = index) -> None:
                progress(index, written)

            counts[index] = await backend.rebuild(index, documents.iterate_index(session, index), report)
    return counts


async def verify(db: Database, backend: SearchBackend) -> list[IndexDrift]:
    """Compare what the database says each index should hold with what it holds."""
    drifts = []
    for index in documents.INDICES:
        async with db.read() as session:
            expected = await documents.expected_versions(session, index)
        indexed = await backend.indexed_versions(index)
        drift = IndexDrift(index, len(expected), len(indexed))
        drift.missing = sorted(set(expected) - set(indexed))
        drift.extra = sorted(set(indexed) - set(expected))
        drift.stale = sorted(d for d in set(expected) & set(indexed) if indexed[d] < expected[d])
        drifts.append(drift)
    return drifts
