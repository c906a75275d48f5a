"""Specialist search on Elasticsearch at scale: GraphQL against the same request sent directly with the
Elasticsearch client, and the index rebuild against the client's raw bulk helper, in one run.

    .venv/bin/python -m bench.search_latency --url postgresql://m24:m24@127.0.0.1:55432/m24 \
        --es http://127.0.0.1:59200 --offerings 100000

Preparation: a fresh, migrated PostgreSQL database seeded with ``--scale`` companies (about 8% are specialist
firms), a deterministic rating on about 60% of the specialists the seed left unrated (the rating sort is
measured), then topped up with bulk inserts into ``specialist_offerings`` until ``--offerings`` offerings are
visible (published, by a listed specialist). The extra offerings are spread over the listed specialists with
log-normal weights (a few large catalogues, many small ones), each firm's being variants of the offerings
the seed dealt it (so a query matches the firms that offer such a thing, not every firm): titles and
summaries from ``m24.portal.seed.data.OFFERINGS``, often with an industry, region or edition word added to
the title and a closing sentence added to the summary; industries, regions, prices and dates varied as the
seed varies them. Indices use the prefix ``m24bench-<pid>``; they and the database are dropped at the end,
also on failure.

Rebuild (docs/s of the ``specialists`` index):

* ours: ``m24.search.service.rebuild(db, backend, progress)`` with an ``ElasticsearchBackend`` (both indices
  are rebuilt, as the CLI does; the ``specialists`` figure is the backend's ``rebuild`` call for that index:
  keyset-paged reads from PostgreSQL, projection and Korean analysis of every document, the bulk load with
  external versions, then refresh and the alias swap). Any ``functools`` caches of the analysis and
  projection modules are emptied first (building the raw bodies filled them), so it starts cold, as a
  fresh ``m24 search rebuild`` process does; their statistics afterwards are recorded;
* raw: ``elasticsearch.helpers.async_bulk`` (chunk size 1000, as ours) loading the very same document
  bodies, built beforehand with ``documents.iterate_index`` + ``body_of`` outside the timing, with the same
  ids and external versions, into a scratch index with the same mapping and settings (refresh off during the
  load): index creation, the load, turning refresh back on and a refresh are timed, as in ours. After an
  untimed warm-up load of 20,000 documents it runs once before and once after ours (drift on the shared
  machine hits both sides); the ratio is ours over their mean.

Latency, in the same run: ``--queries`` realistic Korean queries (from the judged relevance set in
tests/search/judged_queries.py, copied here because bench does not import tests), some with filters
(kinds, regions, industries, designated) and sorts, ``first: 20``, each

* through GraphQL: ``searchSpecialists`` selecting hits (score, specialist, offering, highlights), facets
  and totalCount, through the whole app in-process (httpx ``ASGITransport``: middleware, Strawberry, query
  analysis, the Elasticsearch request, highlights, hydration of hits from PostgreSQL, serialisation);
* directly: ``AsyncElasticsearch.search(index=<read alias>, **specialist_request(query))``, the exact
  request body the GraphQL path sends, on a client configured like the backend's (httpx node); the query
  is analysed beforehand, outside the timing.

After a warm-up (which also checks that both paths return the same offerings and totals), ``--rounds``
rounds each send every query once through each path, interleaved per query, the first path alternating per
round. p50 and p95 per path and their ratios (aim: p50 within 1.25x, p95 within 1.5x of direct). Then an
instrumented pass (wrappers around the service, backend and resolver functions; not in the figures above)
splits the GraphQL time into analysis, the Elasticsearch round trip, parsing the response, highlights,
hydration from PostgreSQL, and the rest (ASGI, middleware, Strawberry execution and serialisation).
``--cprofile`` additionally prints a cProfile of GraphQL requests to stderr.

Results are appended to bench/results/search_latency.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import io
import itertools
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa
from elastic_transport import HttpxAsyncHttpNode
from elasticsearch import AsyncElasticsearch
from elasticsearch.helpers import async_bulk
from strawberry.schema.schema import Schema as StrawberrySchema

import m24.graphql.queries.search as graphql_search
from bench._workflow_stack import revision
from bench.seed_scale import drop, fresh_database, record
from m24.app import create_app
from m24.config import Settings
from m24.kit.db import Database, make_sync_engine
from m24.migrations import runner
from m24.portal import models
from m24.portal.reference.regions import BY_CODE
from m24.portal.seed import data, seed
from m24.portal.specialists.models import OfferingKind, PriceModel
from m24.search import analysis, documents, service
from m24.search.backend import Progress, Sort, SpecialistFilters, SpecialistQuery
from m24.search.elastic import MAPPING, ElasticsearchBackend, body_of, specialist_request

RESULTS = Path(__file__).resolve().parent / "results" / "search_latency.jsonl"
SEED_TODAY = date(2026, 11, 23)
ANCHOR = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CHUNK = 1000
INSERT_BATCH = 5000
PAGE = 20

QUERY = """
query($query: String, $filters: SpecialistFilterInput, $sort: SpecialistSort, $first: Int) {
  searchSpecialists(query: $query, filters: $filters, sort: $sort, first: $first) {
    totalCount
    hits {
      score
      specialist { id name designated ratingAverage }
      offering { id title kind }
      highlights { field fragment }
    }
    facets { name buckets { value label count } }
  }
}
"""


@dataclass(frozen=True)
class Case:
    text: str
    filters: SpecialistFilters = field(default_factory=SpecialistFilters)
    sort: Sort = Sort.RELEVANCE

    def variables(self) -> dict[str, Any]:
        f = self.filters
        filters: dict[str, Any] = {}
        for name, values in (
            ("industries", f.industries),
            ("regions", f.regions),
            ("kinds", f.kinds),
            ("priceModels", f.price_models),
        ):
            if values:
                filters[name] = list(values)
        if f.designated is not None:
            filters["designated"] = f.designated
        return {"query": self.text, "filters": filters or None, "sort": self.sort.name, "first": PAGE}


def _f(
    *,
    industries: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
    designated: bool | None = None,
) -> SpecialistFilters:
    return SpecialistFilters(industries=industries, regions=regions, kinds=kinds, designated=designated)


#: Query texts exactly as in tests/search/judged_queries.py (JUDGED_QUERIES); filters and sorts added here.
CASES: tuple[Case, ...] = (
    Case("비전검사"),
    Case("비전검사를 도입하고 싶어요"),
    Case("비젼검사", _f(regions=("GYEONGGI",))),
    Case("AI 불량 검출", _f(kinds=("vision_inspection",)), Sort.RATING),
    Case("예지보전"),
    Case("예지보존", _f(designated=True)),
    Case("설비 고장을 미리 알 수 있나요"),
    Case("모터 베어링 진동", _f(regions=("GYEONGNAM", "BUSAN"))),
    Case("사출 불량이 많아요", _f(industries=("22",))),
    Case("다이캐스팅 기공 불량"),
    Case("품질관리 SPC", sort=Sort.RECENT),
    Case("식품 이물 검출", _f(industries=("10",))),
    Case("용접 품질 검사", _f(designated=True), Sort.RATING),
    Case("PCB 검사"),
    Case("생산관리", _f(kinds=("mes_erp_saas",), regions=("SEOUL",))),
    Case("MES 구독", _f(kinds=("mes_erp_saas",)), Sort.RATING),
    Case("HACCP"),
    Case("디지털 트윈"),
    Case("협동로봇", _f(regions=("GYEONGGI",), designated=True)),
    Case("에너지 절감", sort=Sort.RECENT),
    Case("사업계획서 작성 도와주세요", _f(kinds=("consulting",))),
    Case("OEE"),
)


# --- preparation ----------------------------------------------------------------------------------------

_INDUSTRY_WORDS = ("자동차부품", "식품", "전자부품", "금속가공", "화장품", "플라스틱", "섬유", "뿌리산업")
_EDITIONS = ("Pro", "Lite", "2.0", "클라우드형", "중소기업형", "구축형")
_CLOSINGS = (
    "도입 후 6개월간 무상 유지보수를 제공합니다.",
    "스마트공장 보급·확산사업과 연계해 도입할 수 있습니다.",
    "현장 데이터가 적어도 사전 학습 모델로 빠르게 시작합니다.",
    "기존 설비와 PLC를 교체하지 않고 연동합니다.",
    "도입 효과를 3개월 단위로 측정해 보고서를 드립니다.",
)
_SECTOR_CODES = ("10", "20", "22", "24", "25", "26", "29", "30")


def _title(rng: random.Random, spec: data.OfferingSpec, region: str) -> str:
    roll = rng.random()
    if roll < 0.35:
        return spec.title
    if roll < 0.60:
        return f"{rng.choice(_INDUSTRY_WORDS)}용 {spec.title}"
    if roll < 0.80:
        return f"{spec.title} ({BY_CODE[region].short_name})"
    return f"{spec.title} {rng.choice(_EDITIONS)}"


def _summary(rng: random.Random, spec: data.OfferingSpec, region: str) -> str:
    roll = rng.random()
    if roll < 0.5:
        return spec.summary
    if roll < 0.7:
        return f"{spec.summary} {BY_CODE[region].name} 현장 방문 설치를 지원합니다."
    return f"{spec.summary} {rng.choice(_CLOSINGS)}"


def top_up(url: str, offerings: int) -> dict[str, int]:
    """Ratings on most specialists, then offerings until ``offerings`` are visible; returns counts."""
    rng = random.Random("m24-bench/search-latency")  # demo data, not security
    tables = models.Base.metadata.tables
    companies, offering_table = tables["companies"], tables["specialist_offerings"]
    engine = make_sync_engine(url)
    try:
        with engine.begin() as conn:
            listed = conn.execute(
                sa.select(companies.c.id, companies.c.region, companies.c.rating_count)
                .where(companies.c.is_specialist, companies.c.is_listed, companies.c.deleted_at.is_(None))
                .order_by(companies.c.id)
            ).all()
            rated = [
                {"cid": cid, "avg": round(rng.uniform(3.0, 5.0), 1), "cnt": rng.randint(1, 40)}
                for cid, _, count in listed
                if not count and rng.random() < 0.6
            ]
            if rated:
                conn.execute(
                    sa.update(companies)
                    .where(companies.c.id == sa.bindparam("cid"))
                    .values(rating_average=sa.bindparam("avg"), rating_count=sa.bindparam("cnt")),
                    rated,
                )
            # A firm's catalogue: the offerings the seed dealt it (mostly one kind); its extra offerings
            # are variants of those, so a query matches the firms that offer such a thing, not every firm.
            by_title = {spec.title: spec for spec in data.OFFERINGS}
            hands: dict[uuid.UUID, list[data.OfferingSpec]] = {cid: [] for cid, _, _ in listed}
            for cid, title in conn.execute(
                sa.select(offering_table.c.company_id, offering_table.c.title)
                .where(offering_table.c.company_id.in_(list(hands)))
                .order_by(offering_table.c.company_id, offering_table.c.title)
            ):
                if title in by_title and by_title[title] not in hands[cid]:
                    hands[cid].append(by_title[title])
            visible = visible_offerings(conn)
        missing = max(0, offerings - visible)
        firms = [(cid, region, hands[cid] or list(data.OFFERINGS)) for cid, region, _ in listed]
        # Firm sizes vary: a few large catalogues, many small ones.
        weights = list(itertools.accumulate(rng.lognormvariate(0, 1) for _ in firms))
        done = 0
        while done < missing:
            rows = []
            for _ in range(min(INSERT_BATCH, missing - done)):
                (company_id, company_region, hand) = rng.choices(firms, cum_weights=weights)[0]
                spec = hand[rng.randrange(len(hand))]
                region = rng.choice(list(BY_CODE))
                if spec.industries:
                    industries = list(spec.industries)
                elif rng.random() < 0.5:
                    industries = []
                else:
                    industries = sorted(rng.sample(_SECTOR_CODES, rng.randint(1, 3)))
                regions = [] if rng.random() < 0.6 else sorted({company_region, *rng.sample(list(BY_CODE), 2)})
                monthly = None
                if spec.monthly is not None:
                    monthly = rng.randint(spec.monthly[0] // 10_000, spec.monthly[1] // 10_000) * 10_000
                created = ANCHOR - timedelta(seconds=rng.randint(86400, 700 * 86400))
                updated = created + timedelta(seconds=rng.randint(0, 60 * 86400))
                rows.append(
                    {
                        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "created_at": created,
                        "updated_at": min(updated, ANCHOR),
                        "deleted_at": None,
                        "company_id": company_id,
                        "kind": OfferingKind(spec.kind),
                        "title": _title(rng, spec, region),
                        "summary": _summary(rng, spec, region),
                        "price_model": PriceModel(spec.price_model),
                        "monthly_price_krw": monthly,
                        "industries": industries,
                        "regions": regions,
                        "is_published": True,
                        "version": 1,
                    }
                )
            with engine.begin() as conn:
                conn.execute(sa.insert(offering_table), rows)
            done += len(rows)
        with engine.begin() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(offering_table)).scalar_one())
            visible = visible_offerings(conn)
            conn.exec_driver_sql("ANALYZE")
        return {"listed_specialists": len(listed), "bench_rated_specialists": len(rated), "offering_rows": total,
                "visible_offerings": visible, "inserted": missing}  # fmt: skip
    finally:
        engine.dispose()


def visible_offerings(conn: sa.Connection) -> int:
    tables = models.Base.metadata.tables
    companies, offerings = tables["companies"], tables["specialist_offerings"]
    statement = (
        sa.select(sa.func.count())
        .select_from(offerings.join(companies, companies.c.id == offerings.c.company_id))
        .where(
            offerings.c.deleted_at.is_(None),
            offerings.c.is_published,
            companies.c.deleted_at.is_(None),
            companies.c.is_listed,
            companies.c.is_specialist,
        )
    )
    return int(conn.execute(statement).scalar_one())


# --- rebuild --------------------------------------------------------------------------------------------


class TimedBackend(ElasticsearchBackend):
    """The real backend, timing each index's ``rebuild`` call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seconds: dict[str, float] = {}

    async def rebuild(self, index: str, batches: AsyncIterator[list[documents.SearchDoc]], progress: Progress) -> int:
        started = time.perf_counter()
        written = await super().rebuild(index, batches, progress)
        self.seconds[index] = time.perf_counter() - started
        return written


def make_client(url: str, timeout: float) -> AsyncElasticsearch:
    """A client configured as :class:`ElasticsearchBackend` configures its own."""
    return AsyncElasticsearch(
        url, node_class=HttpxAsyncHttpNode, request_timeout=timeout, max_retries=1, retry_on_timeout=False
    )


async def built_documents(db: Database) -> list[tuple[str, int, dict[str, Any]]]:
    docs: list[tuple[str, int, dict[str, Any]]] = []
    async with db.read() as session:
        async for batch in documents.iterate_index(session, documents.SPECIALISTS):
            docs.extend((d.doc_id, d.version, body_of(d)) for d in batch)
    return docs


async def raw_bulk(client: AsyncElasticsearch, name: str, docs: list[tuple[str, int, dict[str, Any]]]) -> float:
    """Seconds for the client's bulk helper to load ``docs`` into a fresh index ``name`` (dropped after)."""
    actions = [
        {"_op_type": "index", "_index": name, "_id": i, "version": v, "version_type": "external", "_source": body}
        for i, v, body in docs
    ]
    started = time.perf_counter()
    await client.indices.create(
        index=name,
        settings={"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"},
        mappings=MAPPING,
    )
    ok, errors = await async_bulk(client, actions, chunk_size=CHUNK, raise_on_error=True)
    await client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
    await client.indices.refresh(index=name)
    elapsed = time.perf_counter() - started
    assert ok == len(docs) and not errors, (ok, errors)
    count = (await client.count(index=name))["count"]
    assert count == len(docs), (count, len(docs))
    await client.indices.delete(index=name)
    return elapsed


def clear_memos() -> dict[str, Any]:
    """Empty every ``functools`` cache of the analysis and projection modules; return them by name."""
    memos = {}
    for module in (analysis, documents):
        for name, value in vars(module).items():
            if callable(getattr(value, "cache_clear", None)) and callable(getattr(value, "cache_info", None)):
                value.cache_clear()
                memos[f"{module.__name__}.{name}"] = value
    return memos


def progress_printer(label: str) -> Callable[[str, int], None]:
    started = time.perf_counter()
    last = [0.0]

    def progress(index: str, written: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 10:
            last[0] = now
            print(f"  {label} {index}: {written:,} ({written / (now - started):,.0f}/s)", file=sys.stderr)

    return progress


# --- latency --------------------------------------------------------------------------------------------


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


_T = TypeVar("_T")


class Breakdown:
    """Wrappers that add up time per part of the GraphQL path (installed for the instrumented pass only)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._undo: list[Callable[[], None]] = []

    def _add(self, part: str, seconds: float) -> None:
        self.totals[part] = self.totals.get(part, 0.0) + seconds

    def wrap_sync(self, owner: object, attribute: str, part: str) -> None:
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._add(part, time.perf_counter() - started)

        self._patch(owner, attribute, original, timed)

    def wrap_async(self, owner: object, attribute: str, part: str) -> None:
        original = getattr(owner, attribute)

        @functools.wraps(original)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                self._add(part, time.perf_counter() - started)

        self._patch(owner, attribute, original, timed)

    def _patch(self, owner: object, attribute: str, original: object, replacement: object) -> None:
        setattr(owner, attribute, replacement)
        self._undo.append(lambda: setattr(owner, attribute, original))

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


async def timed(call: Callable[[], Awaitable[_T]]) -> tuple[float, _T]:
    started = time.perf_counter()
    result = await call()
    return time.perf_counter() - started, result


async def measure(args: argparse.Namespace, url: str, prefix: str, data_dir: Path) -> dict[str, Any]:
    analysis.warm_up()
    db = Database(url)
    admin = make_client(args.es, 120.0)
    out: dict[str, Any] = {}
    try:
        nodes = (await admin.nodes.info(node_id="_local", filter_path="nodes.*.version")).body
        out["elasticsearch"] = next(iter(nodes["nodes"].values()))["version"]

        # -- rebuild ---------------------------------------------------------------------------------
        started = time.perf_counter()
        docs = await built_documents(db)
        out["build_documents_s"] = round(time.perf_counter() - started, 1)
        print(f"built {len(docs):,} document bodies in {out['build_documents_s']} s", file=sys.stderr)
        await raw_bulk(admin, f"{prefix}-raw-warmup", docs[:20_000])  # JIT and caches of Elasticsearch
        raw_before = await raw_bulk(admin, f"{prefix}-raw-before", docs)
        print(f"raw bulk: {len(docs) / raw_before:,.0f} docs/s", file=sys.stderr)
        backend = TimedBackend(args.es, prefix=prefix, timeout=60.0)
        try:
            await backend.ensure_ready()  # the empty initial indices, not part of a rebuild
            # Building the bodies above filled any analysis memo: start cold, as `m24 search rebuild` does.
            memos = clear_memos()
            started = time.perf_counter()
            counts = await service.rebuild(db, backend, progress_printer("rebuild"))
            service_s = time.perf_counter() - started
        finally:
            await backend.close()
        ours = backend.seconds[documents.SPECIALISTS]
        print(f"ours: {counts[documents.SPECIALISTS] / ours:,.0f} docs/s", file=sys.stderr)
        raw_after = await raw_bulk(admin, f"{prefix}-raw-after", docs)
        print(f"raw bulk: {len(docs) / raw_after:,.0f} docs/s", file=sys.stderr)
        assert counts[documents.SPECIALISTS] == len(docs), (counts, len(docs))
        raw_rates = [len(docs) / raw_before, len(docs) / raw_after]
        ours_rate = counts[documents.SPECIALISTS] / ours
        out["rebuild"] = {
            "documents": len(docs),
            "ours_s": round(ours, 2),
            "ours_docs_per_s": round(ours_rate),
            "raw_s": [round(raw_before, 2), round(raw_after, 2)],
            "raw_docs_per_s": [round(r) for r in raw_rates],
            "ratio_ours_over_raw": round(ours_rate / statistics.mean(raw_rates), 3),
            "service_rebuild_s": round(service_s, 2),
            "portal_documents": counts[documents.PORTAL],
            "analysis_memos": {name: str(memo.cache_info()) for name, memo in memos.items()},
        }
        del docs

        # -- latency ---------------------------------------------------------------------------------
        out["latency"] = await latency(args, db, url, prefix, data_dir)
    finally:
        try:
            names = list((await admin.indices.get(index=f"{prefix}-*", allow_no_indices=True)).body)
            if names:
                await admin.indices.delete(index=",".join(names), ignore_unavailable=True)
        finally:
            await admin.close()
            await db.dispose()
    return out


async def latency(args: argparse.Namespace, db: Database, url: str, prefix: str, data_dir: Path) -> dict[str, Any]:
    settings = Settings(
        database_url=url, elasticsearch_url=args.es, search_index_prefix=prefix, data_dir=data_dir, log_json=False
    )
    app = create_app(settings, database=db)
    cases = CASES[: args.queries]
    alias = f"{prefix}-{documents.SPECIALISTS}"
    client = make_client(args.es, settings.search_timeout_seconds)
    bodies = [
        specialist_request(
            SpecialistQuery(terms=service.analyse_query(c.text), filters=c.filters, sort=c.sort, size=PAGE)
        )
        for c in cases
    ]
    graphql_ms: list[float] = []
    direct_ms: list[float] = []
    took_ms: list[int] = []
    per_case: dict[str, list[list[float]]] = {c.text: [[], []] for c in cases}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

        async def graphql(case: Case) -> dict[str, Any]:
            response = await http.post("/graphql", json={"query": QUERY, "variables": case.variables()})
            return dict(response.json())

        async def send(case: Case, body: dict[str, Any]) -> dict[str, Any]:
            return dict((await client.search(index=alias, **body)).body)

        # Warm-up, and both paths must return the same thing.
        checked = []
        for _ in range(args.warmup):
            for case, body in zip(cases, bodies, strict=True):
                answer = await graphql(case)
                assert "errors" not in answer, answer
                raw = await send(case, body)
                found = answer["data"]["searchSpecialists"]
                same = [h["offering"]["id"] for h in found["hits"]] == [h["_id"] for h in raw["hits"]["hits"]]
                total = raw["aggregations"]["total"]["value"]
                checked.append((case.text, same, found["totalCount"] == total, found["totalCount"], len(found["hits"])))
        mismatched = sorted({text for text, same, totals, *_ in checked if not (same and totals)})
        if mismatched:
            print(f"WARNING: GraphQL and direct differ for {mismatched}", file=sys.stderr)
        matches = {text: (count, hits) for text, _, _, count, hits in checked}

        for round_ in range(args.rounds):
            for case, body in zip(cases, bodies, strict=True):
                order = ("graphql", "direct") if round_ % 2 == 0 else ("direct", "graphql")
                for path in order:
                    if path == "graphql":
                        seconds, answer = await timed(functools.partial(graphql, case))
                        assert "errors" not in answer, answer
                        graphql_ms.append(seconds * 1000)
                        per_case[case.text][0].append(seconds * 1000)
                    else:
                        seconds, raw = await timed(functools.partial(send, case, body))
                        direct_ms.append(seconds * 1000)
                        took_ms.append(int(raw["took"]))
                        per_case[case.text][1].append(seconds * 1000)

        # Instrumented pass: where the GraphQL time goes. Strawberry's parse + validate step and its
        # execution are private methods of its Schema: wrapped only if this Strawberry has them.
        backend = app.state.search
        parts = Breakdown()
        parts.wrap_async(service, "search_specialists", "service")
        parts.wrap_sync(service, "analyse_query", "analysis")
        parts.wrap_async(backend, "search_specialists", "backend")
        parts.wrap_async(backend, "_call", "es_round_trip")
        parts.wrap_sync(service, "highlights_for", "highlights")
        parts.wrap_async(graphql_search, "_hydrate_specialists", "hydration")
        for method, part in (("_prepare_operation_async", "prepare"), ("_execute_operation", "execute")):
            if hasattr(StrawberrySchema, method):
                parts.wrap_async(StrawberrySchema, method, part)
        instrumented = 0.0
        try:
            for _ in range(args.breakdown_rounds):
                for case in cases:
                    seconds, _answer = await timed(functools.partial(graphql, case))
                    instrumented += seconds
        finally:
            parts.undo()
        n = args.breakdown_rounds * len(cases)
        t = {k: v / n * 1000 for k, v in parts.totals.items()}
        breakdown_ms = {
            "request": instrumented / n * 1000,
            "analysis": t.get("analysis", 0.0),
            "es_round_trip": t.get("es_round_trip", 0.0),
            "es_response_to_results": t.get("backend", 0.0) - t.get("es_round_trip", 0.0),
            "highlights": t.get("highlights", 0.0),
            "hydration": t.get("hydration", 0.0),
            "service_rest": t.get("service", 0.0)
            - t.get("analysis", 0.0)
            - t.get("backend", 0.0)
            - t.get("highlights", 0.0),
        }
        if "prepare" in t and "execute" in t:
            # Parsing and validating the query document (every request: no parser or validation cache).
            breakdown_ms["graphql_parse_validate"] = t["prepare"]
            # Resolver glue (facets, cursors) and completing/serialising ~400 fields (the facet buckets).
            breakdown_ms["graphql_execution_rest"] = t["execute"] - t.get("service", 0.0) - t.get("hydration", 0.0)
        accounted = sum(v for k, v in breakdown_ms.items() if k != "request")
        # HTTP over ASGI: middleware (request context, identity), routing, JSON bodies.
        breakdown_ms["asgi_http_rest"] = breakdown_ms["request"] - accounted

        if args.cprofile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.cprofile):
                for case in cases:
                    await graphql(case)
            profiler.disable()
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(60)
            print(text.getvalue(), file=sys.stderr)
    await client.close()

    g50, g95 = statistics.median(graphql_ms), percentile(graphql_ms, 95)
    d50, d95 = statistics.median(direct_ms), percentile(direct_ms, 95)
    return {
        "queries": len(cases),
        "samples_each": len(graphql_ms),
        "page": PAGE,
        "graphql_p50_ms": round(g50, 2),
        "graphql_p95_ms": round(g95, 2),
        "direct_p50_ms": round(d50, 2),
        "direct_p95_ms": round(d95, 2),
        "ratio_p50": round(g50 / d50, 3),
        "ratio_p95": round(g95 / d95, 3),
        "aim_p50_1_25_met": g50 / d50 <= 1.25,
        "aim_p95_1_5_met": g95 / d95 <= 1.5,
        "es_took_p50_ms": statistics.median(took_ms),
        "difference_p50_ms": round(g50 - d50, 2),
        "mismatched_queries": mismatched,
        "breakdown_ms_per_request": {k: round(v, 2) for k, v in breakdown_ms.items()},
        "per_query_p50_ms": {
            text: {
                "graphql": round(statistics.median(g), 2),
                "direct": round(statistics.median(d), 2),
                "total_count": matches[text][0],
                "hits": matches[text][1],
            }
            for text, (g, d) in per_case.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="a PostgreSQL server URL (a database is created)")
    parser.add_argument("--es", required=True, help="Elasticsearch URL")
    parser.add_argument("--offerings", type=int, default=100_000)
    parser.add_argument("--scale", type=int, default=20_000, help="companies seeded before the top-up")
    parser.add_argument("--queries", type=int, default=len(CASES))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--breakdown-rounds", type=int, default=5)
    parser.add_argument("--cprofile", type=int, default=0, help="rounds of GraphQL requests to profile (0: none)")
    args = parser.parse_args()
    if args.url == "sqlite":
        parser.error("--url must be a PostgreSQL server URL")
    prefix = f"m24bench-{os.getpid()}"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        url, handle = fresh_database(args.url, Path(tmp))
        try:
            runner.upgrade(url)
            t0 = time.perf_counter()
            seed(url, scale=args.scale, today=SEED_TODAY)
            seed_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            corpus = top_up(url, args.offerings)
            top_up_s = time.perf_counter() - t0
            print(f"seeded in {seed_s:.1f} s, topped up in {top_up_s:.1f} s: {corpus}", file=sys.stderr)
            figures = asyncio.run(measure(args, url, prefix, Path(tmp)))
        finally:
            drop(handle)
    rebuild, lat = figures["rebuild"], figures["latency"]
    result = {
        "bench": "search_latency",
        "revision": revision(),
        "backend": f"postgresql+elasticsearch {figures['elasticsearch']}",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "scale": args.scale,
        "offerings": args.offerings,
        **corpus,
        "seed_s": round(seed_s, 1),
        "top_up_s": round(top_up_s, 1),
        "build_documents_s": figures["build_documents_s"],
        "rebuild": rebuild,
        "latency": lat,
        "runtime_s": round(time.perf_counter() - started, 1),
        "command": "python -m bench.search_latency --url <postgresql-url> --es <elasticsearch-url> "
        f"--offerings {args.offerings} --scale {args.scale} --queries {args.queries} --rounds {args.rounds}",
    }
    record(RESULTS, result)


if __name__ == "__main__":
    main()
