"""The public GraphQL surface over the seeded database (real PostgreSQL in CI)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import sqlalchemy as sa

from tests.helpers import gql

HANGUL = re.compile(r"[가-힣]")

PROGRAMS = """
query Programs($status: CallStatus, $region: String, $industry: String, $text: String, $first: Int, $after: String) {
  fundingPrograms(status: $status, region: $region, industry: $industry, text: $text, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id code title status statusLabel applicationStartsAt applicationEndsAt budgetKrw
      governmentSharePct companySharePct
      ownerAgency { name tier } operatorAgency { name tier region { code name } }
      agencies { role agency { code } }
      regions { code name } industries { code name }
      stages { position name } eligibilityRules { version rules }
    } }
  }
}
"""


def _connection(body: dict[str, Any], field: str = "fundingPrograms") -> dict[str, Any]:
    assert "errors" not in body, body.get("errors")
    result: dict[str, Any] = body["data"][field]
    return result


async def test_open_calls_are_the_seeded_open_calls_with_korean_titles(client: httpx.AsyncClient, seeded_db) -> None:
    from m24.portal.funding.models import FundingProgram

    now = datetime.now(UTC)
    async with seeded_db.read() as session:
        expected = set(
            (
                await session.scalars(
                    sa.select(FundingProgram.code).where(
                        FundingProgram.application_starts_at <= now,
                        FundingProgram.application_ends_at > now,
                        FundingProgram.published_at.is_not(None),
                        FundingProgram.deleted_at.is_(None),
                    )
                )
            ).all()
        )
    assert len(expected) >= 5
    conn = _connection(await gql(client, PROGRAMS, {"status": "OPEN", "first": 100}))
    nodes = [e["node"] for e in conn["edges"]]
    assert {n["code"] for n in nodes} == expected
    assert conn["totalCount"] == len(expected)
    for node in nodes:
        assert node["status"] == "OPEN" and node["statusLabel"] == "접수 중"
        assert HANGUL.search(node["title"]), node["title"]
        assert node["governmentSharePct"] + node["companySharePct"] == 100
        assert node["ownerAgency"]["name"] and node["operatorAgency"]["name"]
        assert [s["position"] for s in node["stages"]] == sorted(s["position"] for s in node["stages"])
    ends = [n["applicationEndsAt"] for n in nodes]
    assert ends == sorted(ends), "closing soonest first"


async def test_statuses_partition_the_calls(client: httpx.AsyncClient) -> None:
    totals = {}
    for status in ("OPEN", "UPCOMING", "CLOSED", None):
        conn = _connection(await gql(client, PROGRAMS, {"status": status, "first": 1}))
        totals[status] = conn["totalCount"]
    assert totals["OPEN"] >= 5 and totals["UPCOMING"] >= 5 and totals["CLOSED"] >= 5
    assert totals["OPEN"] + totals["UPCOMING"] + totals["CLOSED"] == totals[None]


async def test_pagination_walks_every_call_once(client: httpx.AsyncClient) -> None:
    seen: list[str] = []
    after = None
    total = None
    for _ in range(100):
        conn = _connection(await gql(client, PROGRAMS, {"first": 4, "after": after}))
        total = conn["totalCount"]
        seen.extend(e["node"]["id"] for e in conn["edges"])
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(seen) == total == len(set(seen))


async def test_region_and_industry_filters(client: httpx.AsyncClient) -> None:
    everything = _connection(await gql(client, PROGRAMS, {"first": 100}))
    by_region = _connection(await gql(client, PROGRAMS, {"region": "부산", "first": 100}))
    assert 0 < by_region["totalCount"] < everything["totalCount"]
    for edge in by_region["edges"]:
        codes = [r["code"] for r in edge["node"]["regions"]]
        assert codes == [] or "BUSAN" in codes  # nationwide or Busan
    food = _connection(await gql(client, PROGRAMS, {"industry": "10711", "first": 100}))
    for edge in food["edges"]:
        prefixes = [i["code"] for i in edge["node"]["industries"]]
        assert prefixes == [] or any("10711".startswith(p) for p in prefixes)
    assert any(edge["node"]["industries"] for edge in food["edges"]), "an industry-specific food call exists"


async def test_text_filter_finds_korean_words(client: httpx.AsyncClient) -> None:
    conn = _connection(await gql(client, PROGRAMS, {"text": "스마트공장", "first": 100}))
    assert conn["totalCount"] > 0
    summaries = await gql(
        client, '{ fundingPrograms(text: "스마트공장", first: 100) { edges { node { title summary } } } }'
    )
    for edge in summaries["data"]["fundingPrograms"]["edges"]:
        assert "스마트공장" in edge["node"]["title"] + edge["node"]["summary"]
    none = _connection(await gql(client, PROGRAMS, {"text": "존재하지않는단어xyz", "first": 100}))
    assert none["totalCount"] == 0 and none["edges"] == []


async def test_single_program_and_unknown_id(client: httpx.AsyncClient) -> None:
    first = _connection(await gql(client, PROGRAMS, {"first": 1}))["edges"][0]["node"]
    body = await gql(client, "query($id: ID!) { fundingProgram(id: $id) { id title } }", {"id": first["id"]})
    assert body["data"]["fundingProgram"]["title"] == first["title"]
    body = await gql(
        client, "query($id: ID!) { fundingProgram(id: $id) { id } }", {"id": "00000000-0000-4000-8000-000000000000"}
    )
    assert body["data"]["fundingProgram"] is None and "errors" not in body


async def test_agencies_cover_all_tiers_and_seventeen_technoparks(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ agencies { name tier tierLabel region { code } regions { code } } }")
    agencies = body["data"]["agencies"]
    tiers = {a["tier"] for a in agencies}
    assert tiers == {"CENTRAL", "REGIONAL", "PRIVATE"}
    names = {a["name"] for a in agencies}
    assert {"중소벤처기업부", "스마트제조혁신추진단"} <= names
    technoparks = [a for a in agencies if a["name"].endswith("테크노파크")]
    assert len({a["region"]["code"] for a in technoparks}) == 17
    regional = await gql(client, '{ agencies(tier: REGIONAL, region: "경남") { name } }')
    assert regional["data"]["agencies"] and all(a["name"] for a in regional["data"]["agencies"])


async def test_companies_expose_public_fields_only(client: httpx.AsyncClient) -> None:
    body = await gql(
        client,
        "{ companies(first: 10, specialistsOnly: true) { totalCount edges { node { id name region { name } "
        "industry { code name } sizeClassLabel isSpecialist offerings { title kindLabel } } } } }",
    )
    conn = _connection(body, "companies")
    assert conn["totalCount"] > 0
    assert all(e["node"]["isSpecialist"] for e in conn["edges"])
    assert any(e["node"]["offerings"] for e in conn["edges"])
    for private in ("businessNumber", "representativeName", "employees", "address"):
        body = await gql(client, f"{{ companies(first: 1) {{ edges {{ node {{ {private} }} }} }} }}")
        assert body.get("errors"), f"{private} must not be queryable"


async def test_me_is_null_when_anonymous(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ me { id name } }")
    assert body == {"data": {"me": None}}


async def test_check_business_number(client: httpx.AsyncClient) -> None:
    ok = await gql(client, '{ checkBusinessNumber(number: "124-81-00998") { digits formatted } }')
    assert ok["data"]["checkBusinessNumber"] == {"digits": "1248100998", "formatted": "124-81-00998"}
