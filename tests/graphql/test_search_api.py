"""The search API through GraphQL on both backends (PostgreSQL + Elasticsearch, SQLite + the database
backend) over the shared read-only seed: bad and hostile queries, typed portal-wide hits, the
specialist page, autocomplete, similar firms, paging and sorting."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from m24.app import create_app
from m24.kit.db import Database
from m24.kit.pagination import encode_cursor
from m24.search import service as search
from m24.search.backend import SpecialistQuery
from m24.search.elastic import specialist_request
from tests.helpers import Api, settings_for

_built: set[str] = set()

HOSTILE = [
    '"비전 (검사',
    "*:*",
    "title_tokens:* OR 1=1",
    '{"query":{"match_all":{}}}',
    "비전\x00검사\x1b[31m",
    "비전검사 AND NOT 불량 ~2 ^10 /정규식.*/",
    "\\\\\\",
    "<script>alert(1)</script> 비전",
]

SEARCH = """
query($q: String, $f: SpecialistFilterInput, $sort: SpecialistSort, $first: Int, $after: String) {
  searchSpecialists(query: $q, filters: $f, sort: $sort, first: $first, after: $after) {
    totalCount hasNextPage endCursor
    hits { specialist { id name ratingAverage ratingCount } offering { id title kind } highlights { field fragment } }
  }
}
"""


@pytest_asyncio.fixture
async def search_api(seeded_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    db = Database(seeded_url)
    settings = settings_for(seeded_url, data_dir=tmp_path)
    if seeded_url not in _built:
        backend = search.make_backend(settings, db)
        await search.rebuild(db, backend, lambda index, n: None)
        await backend.close()
        _built.add(seeded_url)
    app = create_app(settings, database=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(app=app, client=client, db=db)
    await db.dispose()


def _result(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["searchSpecialists"]
    return result


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_queries_are_plain_words(search_api: Api, text: str) -> None:
    body = await search_api.gql(SEARCH, {"q": text, "first": 5})
    result = _result(body)
    for hit in result["hits"]:
        for mark in hit["highlights"]:
            assert "<script>" not in mark["fragment"]  # highlights escape the source text


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def _match_texts(node: Any) -> list[str]:
    """Every string a `match` clause asks for."""
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key == "match":
                found.extend(spec["query"] for spec in value.values())
            else:
                found.extend(_match_texts(value))
        return found
    if isinstance(node, list):
        return [t for v in node for t in _match_texts(v)]
    return []


def test_user_text_never_reaches_elasticsearch_as_query_syntax() -> None:
    syntax = {"query_string", "simple_query_string", "script", "script_score", "regexp", "wildcard", "prefix"}
    for text in HOSTILE:
        terms = search.analyse_query(text)
        body = specialist_request(SpecialistQuery(terms=terms))
        assert not _keys(body) & syntax, text
        # User text arrives only as analysed tokens inside `match` clauses (matched as plain terms
        # by the whitespace analyser), never as the raw string.
        for asked in _match_texts(body):
            assert asked in (" ".join(terms.tokens), " ".join(terms.grams)), (text, asked)
        assert text not in json.dumps(body, ensure_ascii=False) or text.isalnum()


async def test_overlong_and_bad_arguments_are_coded_errors(search_api: Api) -> None:
    cases = [
        ({"q": "가" * 10_000}, "INVALID_INPUT", "query"),
        ({"q": "비전", "first": 500}, "PAGE_TOO_LARGE", "first"),
        ({"q": "비전", "after": "not-a-cursor"}, "INVALID_CURSOR", "after"),
        # A well-formed cursor of this list whose position is not a number.
        ({"q": "비전", "after": encode_cursor("specialist-search", ("x",))}, "INVALID_CURSOR", "after"),
        ({"q": "비전", "f": {"kinds": ["teleportation"]}}, "INVALID_INPUT", "filters.kinds"),
        ({"q": "비전", "f": {"regions": ["아틀란티스"]}}, "UNKNOWN_REGION", "filters.regions"),
    ]
    for variables, code, field in cases:
        body = await search_api.gql(SEARCH, variables)
        error = body["errors"][0]
        assert error["extensions"]["code"] == code, (variables, body)
        assert error["extensions"]["field"] == field
        assert "INTERNAL" not in json.dumps(body)


async def test_portal_search_returns_typed_hits(search_api: Api) -> None:
    query = """
    query($q: String!) { search(query: $q, first: 30) {
      __typename
      ... on SpecialistHit { specialist { name } offering { title } }
      ... on ProgramSearchHit { program { title } highlights { field fragment } }
      ... on CourseSearchHit { title }
      ... on DatasetSearchHit { title accessTier }
    } }
    """
    kinds: set[str] = set()
    for text in ("데이터", "스마트공장 지원사업", "AI 교육"):
        body = await search_api.gql(query, {"q": text})
        assert "errors" not in body, body
        kinds |= {hit["__typename"] for hit in body["data"]["search"]}
    assert {"SpecialistHit", "DatasetSearchHit", "ProgramSearchHit", "CourseSearchHit"} <= kinds, kinds


async def test_specialist_page_suggestions_and_similar_firms(search_api: Api) -> None:
    hits = _result(await search_api.gql(SEARCH, {"q": "비전검사", "first": 1}))["hits"]
    firm = hits[0]["specialist"]["id"]
    body = await search_api.gql(
        """query($id: ID!) { specialist(id: $id) {
             id name certifications offerings { title } references { title }
             similar(first: 5) { specialist { id } offering { kind } } } }""",
        {"id": firm},
    )
    page = body["data"]["specialist"]
    assert page["id"] == firm and page["offerings"]
    similar = page["similar"]
    assert similar and firm not in {s["specialist"]["id"] for s in similar}
    suggestions = (await search_api.gql('{ suggestSpecialists(prefix: "비전검") }'))["data"]["suggestSpecialists"]
    assert any("비전검사" in s for s in suggestions), suggestions
    # A company that is not a specialist has no specialist page.
    sme = await search_api.gql("{ me { companies { id } } }", as_="sme")
    own = sme["data"]["me"]["companies"][0]["id"]
    assert (await search_api.gql("query($id: ID!) { specialist(id: $id) { id } }", {"id": own}))["data"][
        "specialist"
    ] is None


async def test_paging_is_disjoint_and_sorts_hold(search_api: Api) -> None:
    first = _result(await search_api.gql(SEARCH, {"q": "AI", "first": 5}))
    assert first["hasNextPage"] and len(first["hits"]) == 5
    second = _result(await search_api.gql(SEARCH, {"q": "AI", "first": 5, "after": first["endCursor"]}))
    ids = [h["specialist"]["id"] for h in first["hits"]] + [h["specialist"]["id"] for h in second["hits"]]
    assert len(ids) == len(set(ids)) == 10
    rated = _result(await search_api.gql(SEARCH, {"q": None, "sort": "RATING", "first": 50}))["hits"]
    ratings = [h["specialist"]["ratingAverage"] for h in rated]
    present = [r for r in ratings if r is not None]
    assert present == sorted(present, reverse=True)
    assert ratings[: len(present)] == present, "unrated firms come last"


async def test_web_directory_pages(search_api: Api) -> None:
    client = search_api.client
    page = await client.get("/specialists", params={"q": "비전검사를"})
    assert page.status_code == 200
    assert "<em>" in page.text and "/specialists/" in page.text and "개 기업" in page.text
    narrowed = await client.get("/specialists", params={"q": "비전검사를", "kind": "vision_inspection"})
    assert narrowed.status_code == 200 and "AI 비전검사" in narrowed.text
    too_long = await client.get("/specialists", params={"q": "가" * 300})
    assert too_long.status_code == 422 and "200자 이하" in too_long.text
    hits = _result(await search_api.gql(SEARCH, {"q": "MES 구독", "first": 1}))["hits"]
    profile = await client.get(f"/specialists/{hits[0]['specialist']['id']}")
    assert (
        profile.status_code == 200 and hits[0]["specialist"]["name"] in profile.text and "제공 솔루션" in profile.text
    )
    assert (await client.get("/specialists/not-a-uuid")).status_code == 404
