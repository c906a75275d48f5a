"""The search issue's "done when", through GraphQL on both stacks with a real worker relaying the
outbox: PostgreSQL + RabbitMQ + Elasticsearch, and SQLite + the SQLite broker + the database backend.

An SME persona finds suitable specialists with Korean queries typed the way people type them, narrows
them with facets; a specialist persona edits its own offering and the change is found in search
seconds later (the relay, not a rebuild, carries it).
"""

from __future__ import annotations

import time
from typing import Any

from m24.search import service as search
from tests.workflows.stack import Stack, eventually, open_api

SEARCH = """
query($q: String, $f: SpecialistFilterInput, $sort: SpecialistSort, $first: Int, $after: String) {
  searchSpecialists(query: $q, filters: $f, sort: $sort, first: $first, after: $after) {
    totalCount hasNextPage endCursor backend
    hits { score specialist { id name designated ratingAverage } offering { id kind title priceModel }
           highlights { field fragment } }
    facets { name label buckets { value label count } }
  }
}
"""
ME = "{ me { companies { id name role } } }"
SPECIALIST = """
query($id: ID!) { specialist(id: $id) { id name offerings { id kind title summary priceModel monthlyPriceKrw } } }
"""
UPDATE = """
mutation($id: ID!, $input: OfferingInput!) { updateOffering(id: $id, input: $input) {
  offering { id title } errors { field code message } } }
"""


def _hits(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    hits: list[dict[str, Any]] = body["data"]["searchSpecialists"]["hits"]
    return hits


async def test_sme_finds_specialists_and_a_specialist_edit_is_found_within_seconds(stack: Stack) -> None:
    api, close = await open_api(stack)
    try:
        # Seeded rows were bulk-written past the outbox: project them once, as `m24 seed` does.
        backend = search.make_backend(stack.settings(), api.db)
        await search.rebuild(api.db, backend, lambda index, n: None)
        await backend.close()
        stack.start_worker()
        expected_backend = "elasticsearch" if stack.settings().elasticsearch_url else "database"

        # --- an SME types the way people type ---------------------------------------------------
        body = await api.gql(SEARCH, {"q": "비전검사를", "first": 10}, as_="sme")
        result = body["data"]["searchSpecialists"]
        assert result["backend"] == expected_backend
        hits = _hits(body)
        assert hits, body
        assert hits[0]["offering"]["kind"] == "vision_inspection", hits[0]
        assert any(h["field"] == "title" and "<em>" in h["fragment"] for h in hits[0]["highlights"]), hits[0]
        # one hit per specialist
        assert len({h["specialist"]["id"] for h in hits}) == len(hits)
        spaced = _hits(await api.gql(SEARCH, {"q": "비전 검사", "first": 10}, as_="sme"))
        assert [h["offering"]["id"] for h in spaced][:3] == [h["offering"]["id"] for h in hits][:3]

        mes = _hits(await api.gql(SEARCH, {"q": "MES 구독", "first": 5}, as_="sme"))
        assert mes[0]["offering"]["kind"] == "mes_erp_saas" and mes[0]["offering"]["priceModel"] == "subscription"
        defects = _hits(await api.gql(SEARCH, {"q": "AI 불량 검출", "first": 5}, as_="sme"))
        assert defects and {h["offering"]["kind"] for h in defects} & {"vision_inspection", "process_optimization"}

        # --- and narrows with facets -------------------------------------------------------------
        facets = {f["name"]: f for f in result["facets"]}
        assert set(facets) == {"industry", "region", "kind", "designated", "price_model"}
        vision = next(b for b in facets["kind"]["buckets"] if b["value"] == "vision_inspection")
        assert vision["label"] == "AI 비전검사"
        narrowed = await api.gql(
            SEARCH, {"q": "비전검사를", "f": {"kinds": ["vision_inspection"]}, "first": 50}, as_="sme"
        )
        narrowed_result = narrowed["data"]["searchSpecialists"]
        assert narrowed_result["totalCount"] == vision["count"]
        assert all(h["offering"]["kind"] == "vision_inspection" for h in _hits(narrowed))
        designated = next(b for b in facets["designated"]["buckets"] if b["value"] == "true")
        only_designated = await api.gql(SEARCH, {"q": "비전검사를", "f": {"designated": True}, "first": 50}, as_="sme")
        assert only_designated["data"]["searchSpecialists"]["totalCount"] == designated["count"]
        assert all(h["specialist"]["designated"] for h in _hits(only_designated))

        # --- a specialist edits its own offering; search shows it within seconds ------------------
        me = await api.gql(ME, as_="specialist")
        company_id = me["data"]["me"]["companies"][0]["id"]
        profile = await api.gql(SPECIALIST, {"id": company_id}, as_="specialist")
        offering = profile["data"]["specialist"]["offerings"][0]
        new_title = "하이퍼스펙트럴 열화상 용접비드 검사 AI"
        changed = await api.gql(
            UPDATE,
            {
                "id": offering["id"],
                "input": {
                    "kind": offering["kind"],
                    "title": new_title,
                    "summary": offering["summary"],
                    "priceModel": offering["priceModel"],
                    "monthlyPriceKrw": offering["monthlyPriceKrw"],
                },
            },
            as_="specialist",
        )
        assert changed["data"]["updateOffering"]["errors"] == [], changed
        edited_at = time.monotonic()

        async def found() -> list[dict[str, Any]] | None:
            hits = _hits(await api.gql(SEARCH, {"q": "하이퍼스펙트럴 용접비드", "first": 5}, as_="sme"))
            return [h for h in hits if h["offering"]["id"] == offering["id"]] or None

        seen = await eventually(found, timeout=30, what="the edited offering in search", logs=stack.worker_logs)
        print(f"\n[{expected_backend}] edited offering found in search after {time.monotonic() - edited_at:.2f}s")
        assert seen[0]["offering"]["title"] == new_title
        assert seen[0]["specialist"]["id"] == company_id
        # The outbox is drained: nothing left behind, index and database agree.
        assert await search.outbox_backlog(api.db) == 0
        backend = search.make_backend(stack.settings(), api.db)
        try:
            assert all(d.clean for d in await search.verify(api.db, backend))
        finally:
            await backend.close()
    finally:
        await close()
