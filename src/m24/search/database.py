"""The database search backend: the embedded default's stand-in for Elasticsearch.

An inverted index in two ordinary tables (``search_documents``, ``search_postings``; portable, so it
also runs on PostgreSQL) over the very same analysed tokens, scored with the formula Elasticsearch
uses (BM25 with the (k1 + 1) factor, k1 = 1.2, b = 0.75, per-field statistics, the field weights of
:mod:`m24.search.documents`). Filtering, collapsing to one hit per specialist, facet counting and
sorting happen in Python over the matching documents, which is fine at the scale one machine with no
search server serves (thousands of documents) and is the documented difference: it does not scale
to the 100,000-offering catalogue the Elasticsearch backend is benchmarked with. Elasticsearch also
stores field lengths lossily, so scores can differ in the last digits and near-ties may order
differently.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.db import Database
from m24.portal.indexing.models import SearchDocument, SearchPosting
from m24.search.backend import (
    FACETS,
    FacetBucket,
    Hit,
    Progress,
    Sort,
    SpecialistFilters,
    SpecialistQuery,
    SpecialistResults,
    Terms,
    prefix_expansion,
)
from m24.search.documents import (
    ALL,
    FIELD_BOOSTS,
    GRAMS_BOOST,
    GRAMS_MIN_SHARE,
    INDICES,
    SPECIALISTS,
    Projection,
    SearchDoc,
    Tombstone,
)

K1 = 1.2
B = 0.75
_FIELDS = ("title", "body", "profile", "grams", "words")
_LENGTH = {
    "title": SearchDocument.len_title,
    "body": SearchDocument.len_body,
    "profile": SearchDocument.len_profile,
    "grams": SearchDocument.len_grams,
    "words": SearchDocument.len_words,
}


@dataclass
class _Stats:
    docs: int
    avgdl: float


@dataclass
class _Candidate:
    doc_id: str
    score: float
    source: dict[str, Any]


def _posting_rows(index: str, doc: SearchDoc) -> list[dict[str, Any]]:
    rows = []
    for field, tokens in doc.fields.items():
        for term, tf in Counter(tokens).items():
            rows.append({"index_name": index, "doc_id": doc.doc_id, "field": field, "term": term[:100], "tf": tf})
    return rows


def _document_row(doc: SearchDoc) -> dict[str, Any]:
    return {
        "index_name": doc.index,
        "doc_id": doc.doc_id,
        "kind": doc.kind,
        "version": doc.version,
        "deleted": False,
        "source": doc.source,
        **{f"len_{f}": len(doc.fields.get(f, [])) for f in _FIELDS},
    }


def _matches_filters(source: dict[str, Any], filters: SpecialistFilters) -> bool:
    if source.get("kind") != "offering":
        return False
    if filters.industries:
        wanted = {p for code in filters.industries for p in prefix_expansion(code)} | {ALL}
        if not wanted & set(source.get("industries", [])):
            return False
    if filters.regions and not (set(filters.regions) | {ALL}) & set(source.get("regions", [])):
        return False
    if filters.kinds and source.get("offering_kind") not in filters.kinds:
        return False
    if filters.price_models and source.get("price_model") not in filters.price_models:
        return False
    return filters.designated is None or bool(source.get("designated")) is filters.designated


def _sort_key(sort: Sort, has_text: bool) -> Any:
    def relevance(c: _Candidate) -> tuple[Any, ...]:
        return (-c.score, c.source.get("entity_id", c.doc_id))

    def recent(c: _Candidate) -> tuple[Any, ...]:
        return (-int(c.source.get("updated_at", 0)), c.source.get("entity_id", c.doc_id))

    def rating(c: _Candidate) -> tuple[Any, ...]:
        value = c.source.get("rating")
        return (
            value is None,
            -(value or 0.0),
            -int(c.source.get("rating_count") or 0),
            -c.score,
            c.source.get("entity_id", c.doc_id),
        )

    if sort is Sort.RATING:
        return rating
    if sort is Sort.RECENT or not has_text:
        return recent
    return relevance


def _facet_values(source: dict[str, Any], attribute: str) -> list[str]:
    value = source.get(attribute)
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [] if value is None else [str(value)]


class DatabaseBackend:
    name = "database"

    def __init__(self, db: Database) -> None:
        self.db = db

    async def ensure_ready(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def refresh(self) -> None:
        return None  # writes are visible on commit

    # -- writes --------------------------------------------------------------------------------------

    async def _apply(self, session: AsyncSession, projections: Sequence[Projection]) -> None:
        keys = {(p.index, p.doc_id) for p in projections}
        existing: dict[tuple[str, str], int] = {}
        for index in {k[0] for k in keys}:
            ids = [k[1] for k in keys if k[0] == index]
            rows = await session.execute(
                sa.select(SearchDocument.doc_id, SearchDocument.version).where(
                    SearchDocument.index_name == index, SearchDocument.doc_id.in_(ids)
                )
            )
            existing.update({(index, doc_id): version for doc_id, version in rows.all()})
        newest: dict[tuple[str, str], Projection] = {}
        for p in projections:
            key = (p.index, p.doc_id)
            if key in existing and existing[key] >= p.version:
                continue  # stale or repeated: what is stored is as new or newer
            if key not in newest or newest[key].version < p.version:
                newest[key] = p
        if not newest:
            return
        for index in {k[0] for k in newest}:
            ids = [k[1] for k in newest if k[0] == index]
            await session.execute(
                sa.delete(SearchPosting).where(SearchPosting.index_name == index, SearchPosting.doc_id.in_(ids))
            )
            await session.execute(
                sa.delete(SearchDocument).where(SearchDocument.index_name == index, SearchDocument.doc_id.in_(ids))
            )
        documents: list[dict[str, Any]] = []
        postings: list[dict[str, Any]] = []
        for p in newest.values():
            if isinstance(p, Tombstone):
                documents.append(
                    {
                        "index_name": p.index,
                        "doc_id": p.doc_id,
                        "kind": p.kind,
                        "version": p.version,
                        "deleted": True,
                        "source": {},
                        **{f"len_{f}": 0 for f in _FIELDS},
                    }
                )
            else:
                documents.append(_document_row(p))
                postings.extend(_posting_rows(p.index, p))
        await session.execute(sa.insert(SearchDocument), documents)
        if postings:
            await session.execute(sa.insert(SearchPosting), postings)

    async def write(self, projections: Sequence[Projection]) -> None:
        if not projections:
            return
        async with self.db.write() as session:
            await self._apply(session, projections)

    async def rebuild(self, index: str, batches: AsyncIterator[list[SearchDoc]], progress: Progress) -> int:
        """Replace the index in one transaction: readers see the old one until it commits."""
        written = 0
        async with self.db.write() as session:
            await session.execute(sa.delete(SearchPosting).where(SearchPosting.index_name == index))
            await session.execute(sa.delete(SearchDocument).where(SearchDocument.index_name == index))
            async for batch in batches:
                await session.execute(sa.insert(SearchDocument), [_document_row(d) for d in batch])
                postings = [row for d in batch for row in _posting_rows(index, d)]
                if postings:
                    await session.execute(sa.insert(SearchPosting), postings)
                written += len(batch)
                progress(written)
        return written

    # -- scoring -------------------------------------------------------------------------------------

    async def _stats(self, session: AsyncSession, index: str) -> dict[str, _Stats]:
        columns: list[sa.ColumnElement[Any]] = []
        for field in _FIELDS:
            length = _LENGTH[field]
            columns.append(sa.func.count().filter(length > 0))
            columns.append(sa.func.coalesce(sa.func.sum(length), 0))
        row = (
            await session.execute(
                sa.select(*columns).where(SearchDocument.index_name == index, SearchDocument.deleted.is_(False))
            )
        ).one()
        stats = {}
        for i, field in enumerate(_FIELDS):
            docs, total = int(row[2 * i]), int(row[2 * i + 1])
            stats[field] = _Stats(docs, total / docs if docs else 0.0)
        return stats

    async def _score(self, session: AsyncSession, indices: Iterable[str], terms: Terms) -> dict[tuple[str, str], float]:
        """BM25 over the matching documents of the given indices, as Elasticsearch's bool/should would."""
        scores: dict[tuple[str, str], float] = {}
        for index in indices:
            stats = await self._stats(session, index)
            wanted = sa.or_(
                sa.and_(SearchPosting.field.in_(tuple(FIELD_BOOSTS)), SearchPosting.term.in_(terms.tokens)),
                sa.and_(SearchPosting.field == "grams", SearchPosting.term.in_(terms.grams)),
            )
            rows = (
                await session.execute(
                    sa.select(SearchPosting.doc_id, SearchPosting.field, SearchPosting.term, SearchPosting.tf).where(
                        SearchPosting.index_name == index, wanted
                    )
                )
            ).all()
            if not rows:
                continue
            df: Counter[tuple[str, str]] = Counter((field, term) for _, field, term, _ in rows)
            doc_ids = list({doc_id for doc_id, *_ in rows})
            lengths: dict[str, dict[str, int]] = {}
            for chunk_start in range(0, len(doc_ids), 500):
                chunk = doc_ids[chunk_start : chunk_start + 500]
                for doc_row in (
                    await session.execute(
                        sa.select(SearchDocument.doc_id, *(_LENGTH[f] for f in _FIELDS)).where(
                            SearchDocument.index_name == index, SearchDocument.doc_id.in_(chunk)
                        )
                    )
                ).all():
                    lengths[doc_row[0]] = dict(zip(_FIELDS, doc_row[1:], strict=True))
            per_doc: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            grams_matched: Counter[str] = Counter()
            for doc_id, field, term, tf in rows:
                s = stats[field]
                if s.docs == 0 or doc_id not in lengths:
                    continue
                idf = math.log(1 + (s.docs - df[(field, term)] + 0.5) / (df[(field, term)] + 0.5))
                norm = K1 * (1 - B + B * lengths[doc_id][field] / s.avgdl)
                per_doc[doc_id][field] += idf * tf * (K1 + 1) / (tf + norm)
                if field == "grams":
                    grams_matched[doc_id] += 1
            need_grams = max(1, math.floor(len(terms.grams) * GRAMS_MIN_SHARE))
            for doc_id, fields in per_doc.items():
                total = sum(FIELD_BOOSTS[f] * v for f, v in fields.items() if f in FIELD_BOOSTS)
                if grams_matched[doc_id] >= need_grams:
                    total += GRAMS_BOOST * fields.get("grams", 0.0)
                elif total == 0.0:
                    continue
                scores[(index, doc_id)] = total
        return scores

    async def _sources(
        self, session: AsyncSession, index: str, doc_ids: Sequence[str] | None
    ) -> dict[str, dict[str, Any]]:
        statement = sa.select(SearchDocument.doc_id, SearchDocument.source).where(
            SearchDocument.index_name == index, SearchDocument.deleted.is_(False)
        )
        if doc_ids is None:
            return {doc_id: source for doc_id, source in (await session.execute(statement)).all()}
        sources: dict[str, dict[str, Any]] = {}
        for start in range(0, len(doc_ids), 500):
            chunk = list(doc_ids[start : start + 500])
            rows = await session.execute(statement.where(SearchDocument.doc_id.in_(chunk)))
            sources.update({doc_id: source for doc_id, source in rows.all()})
        return sources

    # -- reads ---------------------------------------------------------------------------------------

    async def search_specialists(self, query: SpecialistQuery) -> SpecialistResults:
        async with self.db.read() as session:
            if query.terms.empty:
                sources = await self._sources(session, SPECIALISTS, None)
                candidates = [_Candidate(d, 0.0, s) for d, s in sources.items()]
            else:
                scores = await self._score(session, [SPECIALISTS], query.terms)
                sources = await self._sources(session, SPECIALISTS, [d for _, d in scores])
                candidates = [_Candidate(d, scores[(SPECIALISTS, d)], sources[d]) for _, d in scores if d in sources]
        excluded = str(query.exclude_group) if query.exclude_group else None
        matching = [
            c for c in candidates if _matches_filters(c.source, query.filters) and c.source.get("group") != excluded
        ]
        facets: dict[str, list[FacetBucket]] = {}
        if query.with_facets:
            for facet, attribute in FACETS.items():
                groups: dict[str, set[str]] = defaultdict(set)
                for c in matching:
                    for value in _facet_values(c.source, attribute):
                        groups[value].add(c.source["group"])
                buckets = [FacetBucket(v, len(g)) for v, g in groups.items()]
                buckets.sort(key=lambda b: (-b.count, b.value))
                facets[facet] = buckets[:50]
        matching.sort(key=_sort_key(query.sort, not query.terms.empty))
        best: dict[str, _Candidate] = {}
        for c in matching:
            best.setdefault(c.source["group"], c)
        ordered = list(best.values())
        page = ordered[query.offset : query.offset + query.size]
        hits = [Hit(c.doc_id, c.source.get("kind", ""), c.source["group"], c.score, c.source) for c in page]
        return SpecialistResults(hits=hits, total=len(ordered), facets=facets)

    async def search_all(self, terms: Terms, size: int) -> list[Hit]:
        if terms.empty:
            return []
        async with self.db.read() as session:
            scores = await self._score(session, INDICES, terms)
            candidates: list[_Candidate] = []
            for index in INDICES:
                sources = await self._sources(session, index, [d for i, d in scores if i == index])
                candidates.extend(_Candidate(d, scores[(index, d)], s) for d, s in sources.items())
        candidates.sort(key=_sort_key(Sort.RELEVANCE, True))
        best: dict[str, _Candidate] = {}
        for c in candidates:
            best.setdefault(c.source.get("group", c.doc_id), c)
        return [
            Hit(c.doc_id, c.source.get("kind", ""), c.source.get("group", c.doc_id), c.score, c.source)
            for c in list(best.values())[:size]
        ]

    async def suggest(self, terms: Terms, size: int) -> list[Hit]:
        """As Elasticsearch's ``match_bool_prefix`` over the title's written words: earlier words
        match exactly (BM25, length-normalised), the last as a prefix (a constant score of 1)."""
        if not terms.words:
            return []
        *exact, last = terms.words
        async with self.db.read() as session:
            stats = (await self._stats(session, SPECIALISTS))["words"]
            escaped = last.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            condition = sa.or_(
                SearchPosting.term.in_(exact) if exact else sa.false(),
                SearchPosting.term.like(escaped + "%", escape="\\"),
            )
            rows = (
                await session.execute(
                    sa.select(SearchPosting.doc_id, SearchPosting.term, SearchPosting.tf).where(
                        SearchPosting.index_name == SPECIALISTS, SearchPosting.field == "words", condition
                    )
                )
            ).all()
            doc_ids = list({doc_id for doc_id, _, _ in rows})
            lengths: dict[str, int] = {}
            for start in range(0, len(doc_ids), 500):
                chunk = doc_ids[start : start + 500]
                found = await session.execute(
                    sa.select(SearchDocument.doc_id, SearchDocument.len_words).where(
                        SearchDocument.index_name == SPECIALISTS, SearchDocument.doc_id.in_(chunk)
                    )
                )
                lengths.update({doc_id: int(length) for doc_id, length in found.all()})
            df = Counter(term for _, term, _ in rows if term in exact)
            scores: dict[str, float] = defaultdict(float)
            prefix_seen: set[str] = set()
            for doc_id, term, tf in rows:
                if term.startswith(last) and doc_id not in prefix_seen:
                    prefix_seen.add(doc_id)
                    scores[doc_id] += 1.0  # a prefix query scores a constant, as in Elasticsearch
                if term in exact and stats.docs and doc_id in lengths:
                    idf = math.log(1 + (stats.docs - df[term] + 0.5) / (df[term] + 0.5))
                    norm = K1 * (1 - B + B * lengths[doc_id] / stats.avgdl)
                    scores[doc_id] += idf * tf * (K1 + 1) / (tf + norm)
            sources = await self._sources(session, SPECIALISTS, list(scores))
        ranked = sorted(
            (d for d in scores if d in sources and sources[d].get("kind") == "offering"),
            key=lambda d: (-scores[d], sources[d].get("entity_id", d)),
        )
        return [Hit(d, "offering", sources[d]["group"], scores[d], sources[d]) for d in ranked[:size]]

    async def indexed_versions(self, index: str) -> dict[str, int]:
        async with self.db.read() as session:
            rows = await session.execute(
                sa.select(SearchDocument.doc_id, SearchDocument.version).where(
                    SearchDocument.index_name == index, SearchDocument.deleted.is_(False)
                )
            )
            return {doc_id: int(version) for doc_id, version in rows.all()}
