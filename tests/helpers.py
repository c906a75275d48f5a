"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from m24.auth.personas import PERSONAS, Persona
from m24.config import Settings
from m24.kit.db import Database

BROKER_URL = os.environ.get("M24_TEST_BROKER_URL")
ES_URL = os.environ.get("M24_TEST_ELASTICSEARCH_URL")
NTS_TEST_KEY = "nts-test-key"


#: Elasticsearch indices of this test session start with this (several sessions may share a server).
SEARCH_PREFIX_ROOT = f"m24t{os.getpid()}"


def search_prefix_for(database_url: str) -> str:
    return f"{SEARCH_PREFIX_ROOT}-" + hashlib.sha1(database_url.encode()).hexdigest()[:12]


def settings_for(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"env": "development", "database_url": database_url, "log_json": False}
    if BROKER_URL and not database_url.startswith("sqlite"):
        values["broker_url"] = BROKER_URL
    if ES_URL and not database_url.startswith("sqlite"):
        # The full stack searches Elasticsearch; each database gets its own indices.
        values["elasticsearch_url"] = ES_URL
        values["search_index_prefix"] = search_prefix_for(database_url)
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def gql(client: httpx.AsyncClient, query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@dataclass
class Api:
    """GraphQL over HTTP as a given persona (dev-issuer tokens), anonymous when none is given."""

    app: FastAPI
    client: httpx.AsyncClient
    db: Database

    def token(self, who: str) -> str:
        issuer = self.app.state.identity.dev_issuer
        persona = PERSONAS.get(who) or Persona(key=who, email=who, name="시험사용자", roles=frozenset(), description="")
        token: str = issuer.tokens_for(persona, client_id="m24-cli")["access_token"]
        return token

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token(as_)}"} if as_ else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
