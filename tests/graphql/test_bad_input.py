"""Bad input gets a GraphQL error with a stable code and a message naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers import gql


def _error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    error: dict[str, Any] = body["errors"][0]
    return error


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ('{ fundingPrograms(region: "아틀란티스") { totalCount } }', "UNKNOWN_REGION", "region"),
        ('{ fundingPrograms(industry: "99999") { totalCount } }', "UNKNOWN_INDUSTRY", "industry"),
        ('{ fundingPrograms(after: "not-a-cursor") { totalCount } }', "INVALID_CURSOR", "after"),
        ("{ fundingPrograms(first: 101) { totalCount } }", "PAGE_TOO_LARGE", "first"),
        ("{ fundingPrograms(first: 0) { totalCount } }", "INVALID_INPUT", "first"),
        ('{ fundingProgram(id: "123") { id } }', "INVALID_ID", "id"),
        ('{ companies(region: "Mars") { totalCount } }', "UNKNOWN_REGION", "region"),
        ('{ checkBusinessNumber(number: "124-81-00997") { digits } }', "INVALID_BUSINESS_NUMBER", "number"),
        ('{ checkBusinessNumber(number: "12345") { digits } }', "INVALID_BUSINESS_NUMBER", "number"),
    ],
)
async def test_coded_errors_name_the_field(client: httpx.AsyncClient, query: str, code: str, field: str) -> None:
    error = _error(await gql(client, query))
    assert error["extensions"]["code"] == code
    assert error["extensions"]["field"] == field
    assert error["message"].startswith(f"{field}:")


async def test_cursor_of_another_list_is_refused(client: httpx.AsyncClient) -> None:
    companies = await gql(client, "{ companies(first: 1) { pageInfo { endCursor } } }")
    cursor = companies["data"]["companies"]["pageInfo"]["endCursor"]
    error = _error(await gql(client, "query($a: String) { fundingPrograms(after: $a) { totalCount } }", {"a": cursor}))
    assert error["extensions"]["code"] == "INVALID_CURSOR"


async def test_overlong_and_control_character_text(client: httpx.AsyncClient) -> None:
    error = _error(
        await gql(client, "query($t: String) { fundingPrograms(text: $t) { totalCount } }", {"t": "가" * 10_000})
    )
    assert error["extensions"]["code"] == "INVALID_INPUT" and error["extensions"]["field"] == "text"
    body = await gql(client, "query($t: String) { fundingPrograms(text: $t) { totalCount } }", {"t": "\x00\x07%_\\"})
    assert "errors" not in body  # control characters dropped, LIKE wildcards escaped


async def test_depth_alias_and_token_limits(seeded_url: str, seeded_db, tmp_path) -> None:
    from m24.app import create_app
    from tests.helpers import settings_for

    settings = settings_for(seeded_url, data_dir=tmp_path, graphql_max_depth=5)
    app = create_app(settings, database=seeded_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        shallow = "{ fundingPrograms { edges { node { ownerAgency { name } } } } }"
        assert "errors" not in await gql(client, shallow)
        deep = "{ fundingPrograms { edges { node { agencies { agency { regions { name } } } } } } }"
        error = _error(await gql(client, deep))
        assert "depth" in error["message"].lower()
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        aliases = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(20)) + " }"
        error = _error(await gql(client, aliases))
        assert "alias" in error["message"].lower()
        tokens = "{ " + " ".join("me { id }" for _ in range(800)) + " }"
        error = _error(await gql(client, tokens))
        assert "token" in error["message"].lower()
        # Parsed and validated documents are cached: a repeated offender is refused again, not waved through.
        for query, word in ((deep, "depth"), (aliases, "alias"), (tokens, "token")):
            assert word in _error(await gql(client, query))["message"].lower()
