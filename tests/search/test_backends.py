"""Both search backends, over the same seeded corpus: what Korean queries find, facets, sorting,
paging, suggestions, mixed search, similar firms, hostile input, versioned writes, verify and relay.

Tests taking ``search_backend`` run once per backend over the shared corpus and must not write;
tests taking ``scratch`` get a private copy of the corpus (database and index) per backend.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from m24.kit.db import Database, utcnow
from m24.kit.errors import ValidationFailed
from m24.portal.indexing.models import SearchDocument, SearchPosting
from m24.portal.indexing.service import IndexedKind, mark_changed
from m24.portal.seed import data
from m24.portal.specialists.models import Offering, OfferingKind, PriceModel
from m24.search import documents, service
from m24.search.backend import SearchBackend, Sort, SpecialistFilters
from m24.search.database import DatabaseBackend
from m24.search.documents import SPECIALISTS, SearchDoc, Tombstone
from m24.search.elastic import ElasticsearchBackend
from tests.helpers import ES_URL, settings_for
from tests.search.conftest import Corpus, Scratch

VISION_TITLES = {s.title for s in data.OFFERINGS if s.kind == OfferingKind.VISION_INSPECTION.value}
#: Enough to return every specialist of the corpus on one page.
ALL = 200


def groups_of(found: service.SpecialistSearch) -> list[str]:
    return [h.group for h in found.results.hits]


# --- Korean queries ---------------------------------------------------------------------------------


async def test_a_query_with_a_particle_finds_vision_inspection(search_backend: SearchBackend) -> None:
    found = await service.search_specialists(search_backend, "비전검사를", size=10)
    top = found.results.hits[0]
    assert top.source["title"] == "AI 비전검사 솔루션"
    assert top.source["offering_kind"] == OfferingKind.VISION_INSPECTION.value
    assert sum(h.source["title"] in VISION_TITLES for h in found.results.hits) >= 8
    assert found.terms.tokens == ("비전", "검사")
    # The highlight marks the written word in the stored title, not the analysed tokens.
    assert found.hits[0].highlights["title"] == "AI <em>비전검사</em> 솔루션"


async def test_mes_subscription_finds_the_subscription_mes(search_backend: SearchBackend) -> None:
    found = await service.search_specialists(search_backend, "MES 구독", size=10)
    top = found.results.hits[0]
    assert top.source["title"] == "구독형 MES"
    assert top.source["price_model"] == PriceModel.SUBSCRIPTION.value
    assert top.source["offering_kind"] == OfferingKind.MES_ERP_SAAS.value


async def test_a_misspelling_still_finds_predictive_maintenance(search_backend: SearchBackend) -> None:
    found = await service.search_specialists(search_backend, "예지보존", size=10)
    titles = [h.source["title"] for h in found.results.hits]
    assert found.terms.tokens == ("예지보존",)  # no such word: only the bigrams can match
    assert "예지보전" in titles[0]
    assert sum("예지보전" in t for t in titles) >= 2
    # Every hit is about it: 예지 in the title, or a predictive-maintenance offering (the kind's label,
    # 예지보전, is in every such offering's body).
    for hit in found.results.hits:
        assert "예지" in hit.source["title"] or hit.source["offering_kind"] == "predictive_maintenance", titles


async def test_spacing_variants_find_the_same_firms(search_backend: SearchBackend) -> None:
    joined = await service.search_specialists(search_backend, "비전검사", size=10)
    spaced = await service.search_specialists(search_backend, "비전 검사를", size=10)
    assert groups_of(joined)[:5] == groups_of(spaced)[:5]


# --- facets and filters -----------------------------------------------------------------------------

FACET_FILTERS: dict[str, Callable[[str], SpecialistFilters]] = {
    "kind": lambda v: SpecialistFilters(kinds=(v,)),
    "price_model": lambda v: SpecialistFilters(price_models=(v,)),
    "designated": lambda v: SpecialistFilters(designated=v == "true"),
}


@pytest.mark.parametrize("text", ["", "AI"])
@pytest.mark.parametrize("facet", sorted(FACET_FILTERS))
async def test_a_facet_count_is_what_filtering_by_it_returns(
    search_backend: SearchBackend, corpus: Corpus, facet: str, text: str
) -> None:
    everything = await service.search_specialists(search_backend, text, size=ALL)
    total = everything.results.total
    assert total == len(everything.results.hits) <= len(corpus.by_company)
    buckets = everything.results.facets[facet]
    assert len(buckets) >= 2
    attribute = {"kind": "offering_kind", "price_model": "price_model", "designated": "designated"}[facet]
    for bucket in buckets:
        filtered = await service.search_specialists(search_backend, text, FACET_FILTERS[facet](bucket.value), size=ALL)
        hits = filtered.results.hits
        assert filtered.results.total == len(set(groups_of(filtered))) == bucket.count, (facet, bucket)
        assert 0 < bucket.count <= total
        for hit in hits:
            value = hit.source[attribute]
            assert (str(value).lower() if isinstance(value, bool) else value) == bucket.value
        # Within the filter, that facet has a single bucket: the filter's value, with the same count.
        assert [(b.value, b.count) for b in filtered.results.facets[facet]] == [(bucket.value, bucket.count)]
    assert any(b.count < total for b in buckets)  # some filter narrows


async def test_the_region_filter_includes_nationwide_offerings(search_backend: SearchBackend) -> None:
    """A region filter also matches offerings serving everywhere ("*"), which the region's own bucket
    does not count: the bucket is a lower bound of what filtering by it returns (see the report)."""
    everything = await service.search_specialists(search_backend, "", size=ALL)
    buckets = {b.value: b.count for b in everything.results.facets["region"]}
    nationwide = buckets[documents.ALL]
    nationwide_only = await service.search_specialists(
        search_backend, "", SpecialistFilters(regions=(documents.ALL,)), size=ALL
    )
    assert nationwide_only.results.total == nationwide
    for region, count in list(buckets.items())[:6]:
        filtered = await service.search_specialists(search_backend, "", SpecialistFilters(regions=(region,)), size=ALL)
        assert count <= filtered.results.total <= count + nationwide
        assert filtered.results.total <= everything.results.total
        for hit in filtered.results.hits:
            assert region in hit.source["regions"] or documents.ALL in hit.source["regions"]


async def test_filters_combine_and_narrow(search_backend: SearchBackend) -> None:
    vision = SpecialistFilters(kinds=(OfferingKind.VISION_INSPECTION.value,))
    narrower = dataclasses.replace(vision, designated=True, price_models=(PriceModel.QUOTE.value, "fixed"))
    wide = await service.search_specialists(search_backend, "검사", vision, size=ALL)
    narrow = await service.search_specialists(search_backend, "검사", narrower, size=ALL)
    assert 0 < narrow.results.total < wide.results.total
    assert set(groups_of(narrow)) <= set(groups_of(wide))
    for hit in narrow.results.hits:
        assert hit.source["offering_kind"] == OfferingKind.VISION_INSPECTION.value
        assert hit.source["designated"] is True
        assert hit.source["price_model"] in ("quote", "fixed")


async def test_facets_are_the_same_on_both_backends(
    database_backend: DatabaseBackend, elasticsearch_backend: ElasticsearchBackend
) -> None:
    for text in ("", "AI 비전검사", "예지보존"):
        db = await service.search_specialists(database_backend, text, size=ALL)
        es = await service.search_specialists(elasticsearch_backend, text, size=ALL)
        assert db.results.total == es.results.total, text
        for facet, buckets in db.results.facets.items():
            # Bucket order among equal-looking counts may differ (ES orders by offerings, not firms).
            assert {(b.value, b.count) for b in buckets} == {(b.value, b.count) for b in es.results.facets[facet]}


# --- sorting and paging -----------------------------------------------------------------------------


def _rating_key(source: dict[str, Any]) -> tuple[bool, float, int]:
    rating = source.get("rating")
    return (rating is None, -(rating or 0.0), -int(source.get("rating_count") or 0))


@pytest.mark.parametrize("text", ["", "AI"])
async def test_sorting_by_rating_puts_the_best_rated_first(search_backend: SearchBackend, text: str) -> None:
    found = await service.search_specialists(search_backend, text, sort=Sort.RATING, size=ALL)
    keys = [_rating_key(h.source) for h in found.results.hits]
    assert keys == sorted(keys)
    assert found.results.hits[0].source["rating"] == 5.0
    assert any(h.source["rating"] is None for h in found.results.hits)  # unrated firms last, not dropped


@pytest.mark.parametrize("text", ["", "AI"])
async def test_sorting_by_recent_puts_the_newest_first(search_backend: SearchBackend, text: str) -> None:
    found = await service.search_specialists(search_backend, text, sort=Sort.RECENT, size=ALL)
    stamps = [int(h.source["updated_at"]) for h in found.results.hits]
    assert len(stamps) > 10
    assert stamps == sorted(stamps, reverse=True)


async def test_both_backends_sort_alike(
    database_backend: DatabaseBackend, elasticsearch_backend: ElasticsearchBackend
) -> None:
    for sort in (Sort.RATING, Sort.RECENT):
        db = await service.search_specialists(database_backend, "AI", sort=sort, size=ALL)
        es = await service.search_specialists(elasticsearch_backend, "AI", sort=sort, size=ALL)
        assert [h.doc_id for h in db.results.hits] == [h.doc_id for h in es.results.hits], sort


@pytest.mark.parametrize(("text", "sort"), [("", Sort.RELEVANCE), ("AI", Sort.RELEVANCE), ("검사", Sort.RATING)])
async def test_pages_are_disjoint_and_follow_each_other(search_backend: SearchBackend, text: str, sort: Sort) -> None:
    whole = await service.search_specialists(search_backend, text, sort=sort, size=30)
    pages = [await service.search_specialists(search_backend, text, sort=sort, offset=o, size=10) for o in (0, 10, 20)]
    seen: list[str] = []
    for page in pages:
        assert page.results.total == whole.results.total
        assert not set(groups_of(page)) & set(seen)
        seen.extend(groups_of(page))
    assert seen == groups_of(whole)
    assert len(seen) == len(set(seen)) == min(30, whole.results.total)
    beyond = await service.search_specialists(search_backend, text, sort=sort, offset=whole.results.total, size=10)
    assert beyond.results.hits == []


async def test_an_offset_past_the_limit_is_refused(search_backend: SearchBackend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await service.search_specialists(search_backend, "AI", offset=service.MAX_OFFSET + 1)
    assert refused.value.field == "after"


# --- suggestions, everything, similar ---------------------------------------------------------------


async def test_suggest_completes_a_word_being_typed(search_backend: SearchBackend) -> None:
    suggestions = await service.suggest(search_backend, "비전검")
    assert suggestions
    offering_titles = {s.title for s in data.OFFERINGS}
    titles = [s for s in suggestions if s in offering_titles]
    assert titles and all("비전검사" in t for t in titles), suggestions
    assert "예지보전" in (await service.suggest(search_backend, "예지보"))[0]
    assert await service.suggest(search_backend, "") == []
    assert await service.suggest(search_backend, "*:*") == []


async def test_suggest_completes_across_a_compound(search_backend: SearchBackend) -> None:
    assert "AI 비전검사 솔루션" in await service.suggest(search_backend, "비전검")
    assert "스마트공장 수준확인 대비 컨설팅" in await service.suggest(search_backend, "스마트공")


async def test_suggest_offers_the_same_titles_on_both_backends(
    database_backend: DatabaseBackend, elasticsearch_backend: ElasticsearchBackend
) -> None:
    titles = {s.title for s in data.OFFERINGS}
    for prefix in ("비전검", "예지보", "협동", "구독형 M", "식품 이"):
        db = [s for s in await service.suggest(database_backend, prefix) if s in titles]
        es = [s for s in await service.suggest(elasticsearch_backend, prefix) if s in titles]
        assert db == es, prefix


async def test_suggest_ranks_alike_on_both_backends(
    database_backend: DatabaseBackend, elasticsearch_backend: ElasticsearchBackend
) -> None:
    prefix = "구독형 M"
    assert await service.suggest(database_backend, prefix) == await service.suggest(elasticsearch_backend, prefix)


async def test_search_everything_mixes_kinds(search_backend: SearchBackend) -> None:
    found = await service.search_everything(search_backend, "데이터", 20)
    kinds = {h.hit.kind for h in found}
    assert "offering" in kinds
    assert kinds & {"dataset", "course", "program"}, kinds
    assert len({h.hit.group for h in found}) == len(found)  # one hit per firm or portal entry
    for h in found[:10]:
        assert "데이터" in h.hit.source["title"] + h.hit.source["summary"]
    assert any("<em>" in text for h in found for text in h.highlights.values())
    assert await service.search_everything(search_backend, "", 20) == []


async def test_similar_specialists_are_other_firms_offering_the_same_kind(
    search_backend: SearchBackend, corpus: Corpus, corpus_db: Database
) -> None:
    shares: list[float] = []
    for company_id, offerings in corpus.by_company.items():
        kinds = {o.kind for o in offerings}
        similar = await service.similar_specialists(search_backend, corpus_db, uuid.UUID(company_id))
        groups = groups_of(similar)
        assert groups and company_id not in groups
        assert len(groups) == len(set(groups)) <= 5
        assert set(groups) <= set(corpus.by_company)
        overlapping = [bool(kinds & {o.kind for o in corpus.by_company[g]}) for g in groups]
        assert overlapping[0], (kinds, company_id)  # the most similar firm offers something of the same kind
        shares.append(sum(overlapping) / len(overlapping))
    # Measured: 0.91 of the similar firms share a kind (every top one does).
    assert sum(shares) / len(shares) >= 0.85


async def test_similar_specialists_of_a_firm_without_offerings_is_empty(
    search_backend: SearchBackend, corpus_db: Database
) -> None:
    similar = await service.similar_specialists(search_backend, corpus_db, uuid.uuid4())
    assert similar.results.hits == [] and similar.results.total == 0


# --- hostile input ----------------------------------------------------------------------------------

HOSTILE = [
    '"비전 (검사',
    "*:*",
    "title:x OR 1=1",
    '{"query":{"match_all":{}}}',
    "\x00\x1b",
    "비전\x00검사",
    "[]{}()~^!:\\/",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_malformed_queries_are_plain_text(search_backend: SearchBackend, text: str) -> None:
    found = await service.search_specialists(search_backend, text, size=10)
    await service.search_everything(search_backend, text, 10)
    await service.suggest(search_backend, text)
    # The same as the words in it, punctuation and control characters dropped.
    plain = " ".join("".join(c if c.isalnum() else " " for c in text).split())
    same = await service.search_specialists(search_backend, plain, size=10)
    assert [h.doc_id for h in found.results.hits] == [h.doc_id for h in same.results.hits]
    assert found.results.total == same.results.total


async def test_query_syntax_finds_nothing_special(search_backend: SearchBackend) -> None:
    browse = await service.search_specialists(search_backend, "", size=ALL)
    # *:* is no "match everything": it has no words, so it is the empty query (a browse, newest first).
    star = await service.search_specialists(search_backend, "*:*", size=ALL)
    assert star.terms.empty
    assert groups_of(star) == groups_of(browse)
    # A JSON query is the words query, match and all, none of which is in the catalogue.
    as_json = await service.search_specialists(search_backend, '{"query":{"match_all":{}}}', size=ALL)
    assert as_json.results.total == 0 and as_json.results.hits == []
    # "title:x" is no field query: title and x are words; OR is a word, 1=1 two numbers.
    injected = await service.search_specialists(search_backend, "title:x OR 1=1", size=ALL)
    assert injected.terms.tokens == ("title", "x", "or", "1")
    assert injected.results.total < browse.results.total
    words = await service.search_specialists(search_backend, "title x or 1", size=ALL)
    assert groups_of(injected) == groups_of(words)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda b, t: service.search_specialists(b, t), "query"),
        (lambda b, t: service.search_everything(b, t, 10), "query"),
        (lambda b, t: service.suggest(b, t), "prefix"),
    ],
)
async def test_an_overlong_query_is_refused_naming_the_field(
    search_backend: SearchBackend, call: Callable[[SearchBackend, str], Any], field: str
) -> None:
    for text in ("비" * 10_000, "x" * (service.MAX_QUERY_LENGTH + 1)):
        with pytest.raises(ValidationFailed) as refused:
            await call(search_backend, text)
        assert refused.value.field == field
        assert field in refused.value.message
    await call(search_backend, "검" * service.MAX_QUERY_LENGTH)  # the limit itself is fine


async def test_elasticsearch_never_receives_user_text_as_query_syntax(
    elasticsearch_backend: ElasticsearchBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []
    original = elasticsearch_backend.client.search

    async def recording_search(**kwargs: Any) -> Any:
        sent.append(kwargs)
        return await original(**kwargs)

    monkeypatch.setattr(elasticsearch_backend.client, "search", recording_search)
    for text in HOSTILE:
        await service.search_specialists(elasticsearch_backend, text, size=10)
        await service.search_everything(elasticsearch_backend, text, 10)
        await service.suggest(elasticsearch_backend, text)
    assert sent
    for request in sent:
        body = json.dumps(request, ensure_ascii=False)
        for forbidden in ("query_string", "simple_query_string", "match_all", "regexp", "wildcard", "script"):
            assert forbidden not in body, (forbidden, body)
        for text in HOSTILE:
            assert json.dumps(text, ensure_ascii=False)[1:-1] not in body, (text, body)


# --- versioned writes -------------------------------------------------------------------------------


async def _projection_of(scratch: Scratch, offering_id: uuid.UUID) -> SearchDoc:
    async with scratch.db.read() as session:
        (projection,) = await documents.project(session, IndexedKind.OFFERING, [offering_id])
    assert isinstance(projection, SearchDoc)
    return projection


def _variant(doc: SearchDoc, version: int, word: str) -> SearchDoc:
    """The document at another version, with a title containing a word found nowhere else."""
    fields = {**doc.fields, "title": [*doc.fields["title"], word]}
    return dataclasses.replace(doc, version=version, fields=fields, source={**doc.source, "title": f"{word} 제목"})


async def _find(scratch: Scratch, word: str) -> list[str]:
    found = await service.search_specialists(scratch.backend, word, size=10)
    return [h.doc_id for h in found.results.hits]


async def test_a_write_older_than_what_is_stored_is_ignored(scratch: Scratch, corpus: Corpus) -> None:
    offering = corpus.offerings[0]
    current = await _projection_of(scratch, offering.offering_id)
    stored = await scratch.backend.indexed_versions(SPECIALISTS)
    assert stored[current.doc_id] == current.version

    await scratch.backend.write([_variant(current, current.version - 1, "stalezz")])
    await scratch.backend.write([_variant(current, current.version, "samezz")])  # a repeat is no update
    await scratch.refresh()
    assert await _find(scratch, "stalezz") == []
    assert await _find(scratch, "samezz") == []
    assert (await scratch.backend.indexed_versions(SPECIALISTS))[current.doc_id] == current.version
    hit_titles = {
        h.source["title"]
        for h in (await service.search_specialists(scratch.backend, offering.title, size=ALL)).results.hits
        if h.doc_id == current.doc_id
    }
    assert hit_titles <= {offering.title}

    # A newer one replaces it (the check above is not vacuous).
    await scratch.backend.write([_variant(current, current.version + 1, "newerzz")])
    await scratch.refresh()
    assert await _find(scratch, "newerzz") == [current.doc_id]
    assert (await scratch.backend.indexed_versions(SPECIALISTS))[current.doc_id] == current.version + 1


async def test_a_tombstone_older_than_what_is_stored_does_not_delete(scratch: Scratch, corpus: Corpus) -> None:
    current = await _projection_of(scratch, corpus.offerings[1].offering_id)
    await scratch.backend.write([_variant(current, current.version + 1, "tombzz")])
    await scratch.refresh()
    assert await _find(scratch, "tombzz") == [current.doc_id]

    stale = Tombstone(SPECIALISTS, current.doc_id, IndexedKind.OFFERING.value, current.version)
    await scratch.backend.write([stale])
    await scratch.refresh()
    assert await _find(scratch, "tombzz") == [current.doc_id]
    assert current.doc_id in await scratch.backend.indexed_versions(SPECIALISTS)

    # A newer tombstone deletes, and an older document written afterwards does not bring it back.
    await scratch.backend.write([dataclasses.replace(stale, version=current.version + 2)])
    await scratch.refresh()
    assert await _find(scratch, "tombzz") == []
    assert current.doc_id not in await scratch.backend.indexed_versions(SPECIALISTS)
    await scratch.backend.write([_variant(current, current.version + 1, "zombiezz")])
    await scratch.refresh()
    assert await _find(scratch, "zombiezz") == []
    assert current.doc_id not in await scratch.backend.indexed_versions(SPECIALISTS)


async def test_the_newest_of_several_writes_in_one_batch_wins(scratch: Scratch, corpus: Corpus) -> None:
    current = await _projection_of(scratch, corpus.offerings[2].offering_id)
    words = {1: "qxbatchone", 2: "qxbatchtwo", 3: "qxbatchthree"}
    batch = [_variant(current, current.version + n, words[n]) for n in (2, 3, 1)]
    await scratch.backend.write(batch)
    await scratch.refresh()
    assert await _find(scratch, "qxbatchthree") == [current.doc_id]
    assert await _find(scratch, "qxbatchtwo") == await _find(scratch, "qxbatchone") == []
    assert (await scratch.backend.indexed_versions(SPECIALISTS))[current.doc_id] == current.version + 3


# --- verify and relay -------------------------------------------------------------------------------


async def _delete_from_index(scratch: Scratch, doc_id: str) -> None:
    backend = scratch.backend
    if isinstance(backend, ElasticsearchBackend):
        await backend.client.delete(index=backend.read_alias(SPECIALISTS), id=doc_id, refresh=True)
        return
    async with scratch.db.write() as session:
        for table in (SearchPosting, SearchDocument):
            await session.execute(sa.delete(table).where(table.index_name == SPECIALISTS, table.doc_id == doc_id))


async def test_verify_is_clean_after_a_rebuild_and_reports_a_missing_document(scratch: Scratch, corpus: Corpus) -> None:
    drifts = {d.index: d for d in await service.verify(scratch.db, scratch.backend)}
    assert set(drifts) == set(documents.INDICES)
    assert all(d.clean for d in drifts.values()), drifts
    assert drifts[SPECIALISTS].expected == drifts[SPECIALISTS].indexed == len(corpus.offerings)
    assert drifts[documents.PORTAL].expected == drifts[documents.PORTAL].indexed > 0

    gone = str(corpus.offerings[3].offering_id)
    await _delete_from_index(scratch, gone)
    drifts = {d.index: d for d in await service.verify(scratch.db, scratch.backend)}
    assert drifts[SPECIALISTS].missing == [gone]
    assert drifts[SPECIALISTS].stale == drifts[SPECIALISTS].extra == []
    assert drifts[SPECIALISTS].indexed == len(corpus.offerings) - 1
    assert drifts[documents.PORTAL].clean


async def test_the_relay_applies_changes_and_verify_sees_stale_ones_before(scratch: Scratch, corpus: Corpus) -> None:
    renamed, removed = corpus.offerings[4], corpus.offerings[5]
    async with scratch.db.write() as session:
        offering = await session.get(Offering, renamed.offering_id)
        assert offering is not None
        offering.title = "Zqrelay 신규 서비스"
        offering.version += 1
        other = await session.get(Offering, removed.offering_id)
        assert other is not None
        other.deleted_at = utcnow()
        other.version += 1
        await mark_changed(session, IndexedKind.OFFERING, [renamed.offering_id, removed.offering_id])

    drifts = {d.index: d for d in await service.verify(scratch.db, scratch.backend)}
    assert drifts[SPECIALISTS].stale == [str(renamed.offering_id)]
    assert drifts[SPECIALISTS].extra == [str(removed.offering_id)]

    assert await service.relay_all(scratch.db, scratch.backend) == 2
    assert await service.relay_all(scratch.db, scratch.backend) == 0
    assert await service.outbox_backlog(scratch.db) == 0
    await scratch.refresh()

    found = await service.search_specialists(scratch.backend, "zqrelay", size=10)
    assert [h.doc_id for h in found.results.hits] == [str(renamed.offering_id)]
    assert found.results.hits[0].source["title"] == "Zqrelay 신규 서비스"
    assert all(d.clean for d in await service.verify(scratch.db, scratch.backend))
    assert str(removed.offering_id) not in await scratch.backend.indexed_versions(SPECIALISTS)


# --- choosing a backend -----------------------------------------------------------------------------


async def test_make_backend_picks_elasticsearch_only_when_configured(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    db = Database(url)
    try:
        assert isinstance(service.make_backend(settings_for(url), db), DatabaseBackend)
        configured = settings_for(url, elasticsearch_url=ES_URL or "http://127.0.0.1:9", search_index_prefix="m24t-x")
        backend = service.make_backend(configured, db)
        assert isinstance(backend, ElasticsearchBackend)
        assert backend.read_alias(SPECIALISTS) == "m24t-x-specialists"
        await backend.close()
    finally:
        await db.dispose()
