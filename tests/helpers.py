"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os

import httpx

from m24.config import Settings

BROKER_URL = os.environ.get("M24_TEST_BROKER_URL")


def settings_for(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"env": "development", "database_url": database_url, "log_json": False}
    if BROKER_URL and not database_url.startswith("sqlite"):
        values["broker_url"] = BROKER_URL
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def gql(client: httpx.AsyncClient, query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body
