"""The Elasticsearch backend.

Index layout: each logical index (``specialists``, ``portal``) is a concrete index
``<prefix>-<name>-v<millis>`` behind two aliases: ``<prefix>-<name>`` for reading and
``<prefix>-<name>-write`` for writing. The write alias may point at two indices during a rebuild, so
the relay writes to each index behind it explicitly; external versions make the overlap harmless.

Analysed text arrives as whitespace-separated tokens (see :mod:`m24.search.analysis`) and is indexed
with the built-in ``whitespace`` analyser, which the stripped test build has as well as production.
Queries are built from analysed tokens with ``match``/``terms`` clauses only: user text never reaches
Elasticsearch as query syntax.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, HttpxAsyncHttpNode, TransportError
from elasticsearch import ApiError, AsyncElasticsearch, NotFoundError
from elasticsearch.helpers import async_streaming_bulk

from m24.search.backend import (
    FACETS,
    FacetBucket,
    Hit,
    Progress,
    SearchUnavailable,
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

log = logging.getLogger("m24.search")

_TEXT = {"type": "text", "analyzer": "whitespace"}
_KEYWORD = {"type": "keyword"}
MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "kind": _KEYWORD,
        "entity_id": _KEYWORD,
        "group": _KEYWORD,
        "company_id": _KEYWORD,
        "offering_kind": _KEYWORD,
        "industries": _KEYWORD,
        "regions": _KEYWORD,
        "price_model": _KEYWORD,
        "designated": {"type": "boolean"},
        "rating": {"type": "float"},
        "rating_count": {"type": "integer"},
        "updated_at": {"type": "date", "format": "epoch_millis"},
        "title_tokens": _TEXT,
        "body_tokens": _TEXT,
        "profile_tokens": _TEXT,
        "grams": _TEXT,
        "title_words": _TEXT,
    },
}
_EXCLUDED_SOURCE = ["title_tokens", "body_tokens", "profile_tokens", "grams", "title_words"]
_FIELD_NAMES = {
    "title": "title_tokens",
    "body": "body_tokens",
    "profile": "profile_tokens",
    "grams": "grams",
    "words": "title_words",
}
_UNAVAILABLE = (TransportConnectionError, ConnectionTimeout)


def body_of(doc: SearchDoc) -> dict[str, Any]:
    body = dict(doc.source)
    for name, tokens in doc.fields.items():
        body[_FIELD_NAMES[name]] = " ".join(tokens)
    return body


def text_clauses(terms: Terms) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if terms.tokens:
        text = " ".join(terms.tokens)
        for name, boost in FIELD_BOOSTS.items():
            clauses.append({"match": {f"{name}_tokens": {"query": text, "boost": boost}}})
    if terms.grams:
        share = f"{int(GRAMS_MIN_SHARE * 100)}%"
        clauses.append(
            {"match": {"grams": {"query": " ".join(terms.grams), "minimum_should_match": share, "boost": GRAMS_BOOST}}}
        )
    return clauses


def filter_clauses(filters: SpecialistFilters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [{"term": {"kind": "offering"}}]
    if filters.industries:
        values = sorted({p for code in filters.industries for p in prefix_expansion(code)} | {ALL})
        clauses.append({"terms": {"industries": values}})
    if filters.regions:
        clauses.append({"terms": {"regions": sorted(set(filters.regions) | {ALL})}})
    if filters.kinds:
        clauses.append({"terms": {"offering_kind": sorted(set(filters.kinds))}})
    if filters.price_models:
        clauses.append({"terms": {"price_model": sorted(set(filters.price_models))}})
    if filters.designated is not None:
        clauses.append({"term": {"designated": filters.designated}})
    return clauses


def sort_clause(sort: Sort, has_text: bool) -> list[Any]:
    tie = {"entity_id": "asc"}
    if sort is Sort.RATING:
        return [
            {"rating": {"order": "desc", "missing": "_last"}},
            {"rating_count": "desc"},
            "_score",
            tie,
        ]
    if sort is Sort.RECENT or not has_text:
        return [{"updated_at": "desc"}, tie]
    return ["_score", tie]


def specialist_request(query: SpecialistQuery) -> dict[str, Any]:
    """The request body for a specialist search (also what the benchmark sends directly)."""
    should = text_clauses(query.terms)
    boolean: dict[str, Any] = {"filter": filter_clauses(query.filters)}
    if should:
        boolean["should"] = should
        boolean["minimum_should_match"] = 1
    if query.exclude_group is not None:
        boolean["must_not"] = [{"term": {"group": str(query.exclude_group)}}]
    body: dict[str, Any] = {
        "query": {"bool": boolean},
        "collapse": {"field": "group"},
        "sort": sort_clause(query.sort, bool(should)),
        "track_scores": True,
        "track_total_hits": False,
        "from": query.offset,
        "size": query.size,
        "_source": {"excludes": _EXCLUDED_SOURCE},
    }
    if query.with_facets:
        groups = {"groups": {"cardinality": {"field": "group", "precision_threshold": 40000}}}
        aggs: dict[str, Any] = {"total": groups["groups"]}
        for facet, attribute in FACETS.items():
            aggs[facet] = {"terms": {"field": attribute, "size": 50}, "aggs": groups}
        body["aggs"] = aggs
    return body


def _hit(raw: dict[str, Any]) -> Hit:
    source = raw.get("_source") or {}
    return Hit(
        doc_id=raw["_id"],
        kind=source.get("kind", ""),
        group=source.get("group", raw["_id"]),
        score=raw.get("_score"),
        source=source,
    )


def _bucket_value(bucket: dict[str, Any]) -> str:
    key = bucket.get("key_as_string", bucket["key"])
    return str(key).lower() if isinstance(key, str) and key in ("true", "false") else str(key)


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "m24", timeout: float = 5.0) -> None:
        self.prefix = prefix
        self.client = AsyncElasticsearch(
            url, node_class=HttpxAsyncHttpNode, request_timeout=timeout, max_retries=1, retry_on_timeout=False
        )
        self._ready = False

    # -- names ---------------------------------------------------------------------------------------

    def read_alias(self, index: str) -> str:
        return f"{self.prefix}-{index}"

    def write_alias(self, index: str) -> str:
        return f"{self.prefix}-{index}-write"

    def _new_index_name(self, index: str) -> str:
        return f"{self.prefix}-{index}-v{time.time_ns() // 1000}"

    # -- lifecycle -----------------------------------------------------------------------------------

    async def close(self) -> None:
        await self.client.close()

    async def _create_index(self, name: str, *, loading: bool = False) -> None:
        settings: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
        settings["refresh_interval"] = "-1" if loading else "1s"
        await self.client.indices.create(index=name, settings=settings, mappings=MAPPING)

    async def ensure_ready(self) -> None:
        if self._ready:
            return
        for index in INDICES:
            if await self._call(self.client.indices.exists_alias, name=self.read_alias(index)):
                continue
            name = self._new_index_name(index)
            await self._call(self._create_index, name=name)
            await self._call(
                self.client.indices.update_aliases,
                actions=[
                    {"add": {"index": name, "alias": self.read_alias(index)}},
                    {"add": {"index": name, "alias": self.write_alias(index)}},
                ],
            )
        self._ready = True

    async def _call(self, method: Any, **kwargs: Any) -> Any:
        try:
            return await method(**kwargs)
        except _UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error
        except ApiError as error:
            if error.meta.status >= 500 or error.meta.status == 429:
                raise SearchUnavailable(str(error)) from error
            raise
        except TransportError as error:
            raise SearchUnavailable(str(error)) from error

    async def _write_targets(self, index: str) -> list[str]:
        try:
            aliases = await self._call(self.client.indices.get_alias, name=self.write_alias(index))
        except NotFoundError:
            return []
        return sorted(aliases.body)

    # -- writes --------------------------------------------------------------------------------------

    async def write(self, projections: Sequence[Projection]) -> None:
        if not projections:
            return
        await self.ensure_ready()
        operations: list[dict[str, Any]] = []
        for index in INDICES:
            mine = [p for p in projections if p.index == index]
            if not mine:
                continue
            for target in await self._write_targets(index):
                for p in mine:
                    meta = {"_index": target, "_id": p.doc_id, "version": p.version, "version_type": "external"}
                    if isinstance(p, Tombstone):
                        operations.append({"delete": meta})
                    else:
                        operations.append({"index": meta})
                        operations.append(body_of(p))
        if not operations:
            return
        response = await self._call(self.client.bulk, operations=operations)
        if not response.get("errors"):
            return
        failures = []
        for item in response["items"]:
            ((action, result),) = item.items()
            status = result.get("status", 200)
            # 409: a newer version is already there (stale or repeated write); 404: deleting what is gone.
            if status < 300 or status == 409 or (action == "delete" and status == 404):
                continue
            failures.append(f"{action} {result.get('_id')}: {status} {result.get('error')}")
        if failures:
            raise SearchUnavailable("bulk write failed: " + "; ".join(failures[:5]))

    async def rebuild(self, index: str, batches: AsyncIterator[list[SearchDoc]], progress: Progress) -> int:
        client = self.client
        await self.ensure_ready()
        name = self._new_index_name(index)
        await self._call(self._create_index, name=name, loading=True)
        old = await self._write_targets(index)
        # Writes from the relay reach the new index from now on, so nothing changed during the load is lost.
        await self._call(
            client.indices.update_aliases, actions=[{"add": {"index": name, "alias": self.write_alias(index)}}]
        )
        written = 0

        async def actions() -> AsyncIterator[dict[str, Any]]:
            async for batch in batches:
                for doc in batch:
                    yield {
                        "_op_type": "index",
                        "_index": name,
                        "_id": doc.doc_id,
                        "version": doc.version,
                        "version_type": "external",
                        "_source": body_of(doc),
                    }

        try:
            async for ok, item in async_streaming_bulk(
                client, actions(), chunk_size=1000, raise_on_error=False, raise_on_exception=True
            ):
                ((_, result),) = item.items()
                if not ok and result.get("status") != 409:
                    raise SearchUnavailable(f"rebuild write failed: {result}")
                written += 1
                if written % 1000 == 0:
                    progress(written)
            progress(written)
            await self._call(client.indices.put_settings, index=name, settings={"refresh_interval": "1s"})
            await self._call(client.indices.refresh, index=name)
            actions_: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.read_alias(index)}}]
            for previous in old:
                actions_.append({"remove": {"index": previous, "alias": self.read_alias(index)}})
                actions_.append({"remove": {"index": previous, "alias": self.write_alias(index)}})
            await self._call(client.indices.update_aliases, actions=actions_)
        except BaseException:
            await client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for previous in old:
            await self._call(client.indices.delete, index=previous, ignore_unavailable=True)
        return written

    # -- reads ---------------------------------------------------------------------------------------

    async def search_specialists(self, query: SpecialistQuery) -> SpecialistResults:
        await self.ensure_ready()
        response = await self._call(self.client.search, index=self.read_alias(SPECIALISTS), **specialist_request(query))
        hits = [_hit(raw) for raw in response["hits"]["hits"]]
        aggregations = response.get("aggregations") or {}
        facets = {
            facet: [
                FacetBucket(_bucket_value(b), int(b["groups"]["value"]))
                for b in aggregations.get(facet, {}).get("buckets", [])
            ]
            for facet in FACETS
            if facet in aggregations
        }
        total = int(aggregations["total"]["value"]) if "total" in aggregations else len(hits)
        return SpecialistResults(hits=hits, total=total, facets=facets)

    async def search_all(self, terms: Terms, size: int) -> list[Hit]:
        await self.ensure_ready()
        should = text_clauses(terms)
        if not should:
            return []
        response = await self._call(
            self.client.search,
            index=",".join(self.read_alias(i) for i in INDICES),
            query={"bool": {"should": should, "minimum_should_match": 1}},
            collapse={"field": "group"},
            sort=["_score", {"entity_id": "asc"}],
            size=size,
            track_total_hits=False,
            source={"excludes": _EXCLUDED_SOURCE},
        )
        return [_hit(raw) for raw in response["hits"]["hits"]]

    async def suggest(self, terms: Terms, size: int) -> list[Hit]:
        await self.ensure_ready()
        if not terms.words:
            return []
        response = await self._call(
            self.client.search,
            index=self.read_alias(SPECIALISTS),
            query={
                "bool": {
                    "must": [{"match_bool_prefix": {"title_words": " ".join(terms.words)}}],
                    "filter": [{"term": {"kind": "offering"}}],
                }
            },
            sort=["_score", {"entity_id": "asc"}],
            size=size,
            track_total_hits=False,
            source={"includes": ["kind", "group", "title", "company_name", "spans"]},
        )
        return [_hit(raw) for raw in response["hits"]["hits"]]

    async def indexed_versions(self, index: str) -> dict[str, int]:
        await self.ensure_ready()
        versions: dict[str, int] = {}
        after: list[Any] | None = None
        while True:
            kwargs: dict[str, Any] = {
                "index": self.read_alias(index),
                "query": {"match_all": {}},
                "sort": [{"entity_id": "asc"}],
                "size": 5000,
                "version": True,
                "source": False,
                "track_total_hits": False,
            }
            if after is not None:
                kwargs["search_after"] = after
            response = await self._call(self.client.search, **kwargs)
            page = response["hits"]["hits"]
            if not page:
                return versions
            for raw in page:
                versions[raw["_id"]] = int(raw["_version"])
            after = page[-1]["sort"]

    async def refresh(self) -> None:
        """Make every write visible now (tests and the CLI; production relies on the 1 s interval)."""
        for index in INDICES:
            await self._call(self.client.indices.refresh, index=self.read_alias(index))

    async def drop_all(self) -> None:
        """Delete this prefix's indices (tests)."""
        await self._call(self.client.indices.delete, index=f"{self.prefix}-*", ignore_unavailable=True)
        self._ready = False
