"""The HTTP surface: health, readiness, metrics, request ids, the landing page, GraphiQL and production hardening."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from m24.app import create_app
from m24.config import Settings
from m24.observability import JsonFormatter
from tests.helpers import ES_URL


async def test_healthz_and_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"] == "abc-123"
    generated = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces\n"})
    assert generated.headers["x-request-id"] != "bad id with spaces\n" and len(generated.headers["x-request-id"]) == 32


async def test_readyz_reports_each_backend_and_which_are_embedded(client: httpx.AsyncClient, seeded_url: str) -> None:
    response = await client.get("/readyz")
    report = response.json()
    assert response.status_code == 200, report
    assert report["ready"] is True
    assert set(report["checks"]) == {"database", "broker", "search", "identity"}
    # The full stack searches the real Elasticsearch; the SQLite stack the database backend.
    full_stack = not seeded_url.startswith("sqlite") and ES_URL is not None
    assert report["checks"]["search"]["embedded"] is not full_stack
    assert report["checks"]["identity"]["embedded"] is True
    assert all(check["ok"] for check in report["checks"].values())


async def test_readyz_fails_when_a_configured_backend_is_down(seeded_url: str, seeded_db, tmp_path) -> None:
    from tests.helpers import settings_for

    settings = settings_for(seeded_url, data_dir=tmp_path, elasticsearch_url="http://127.0.0.1:9")
    app = create_app(settings, database=seeded_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False
    assert response.json()["checks"]["search"]["embedded"] is False


async def test_metrics_count_requests(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    text = (await client.get("/metrics")).text
    assert 'm24_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "m24_http_request_duration_seconds_bucket" in text


async def test_landing_page_is_korean_and_lists_open_calls(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="ko">' in html and "지금 접수 중인 지원사업" in html
    assert "접수 마감" in html and 'href="/graphql"' in html


async def test_graphiql_is_served_in_development(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


def _production_settings() -> Settings:
    return Settings(
        env="production",
        database_url="postgresql://m24:m24@127.0.0.1:9/m24",
        broker_url="amqp://m24:m24@127.0.0.1:9/m24",
        elasticsearch_url="http://127.0.0.1:9",
        keycloak_url="http://127.0.0.1:9/realms/m24",
        secret_key="not-used-here",
        oidc_client_secret="not-used-here",
        keycloak_admin_client_secret="not-used-here",
        nts_url="http://127.0.0.1:9",
        nts_service_key="not-used-here",
        notify_url="http://127.0.0.1:9",
        notify_api_key="not-used-here",
    )


async def test_production_hides_introspection_suggestions_and_graphiql() -> None:
    app = create_app(_production_settings())
    from m24.kit.db import Database

    app.state.db = Database(_production_settings().effective_database_url)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        ide = await c.get("/graphql", headers={"Accept": "text/html"})
        assert ide.status_code != 200 or "graphiql" not in ide.text.lower()
        body = (await c.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        assert body["errors"] and "introspection" in body["errors"][0]["message"].lower()
        body = (await c.post("/graphql", json={"query": "{ fundingProgram { titl } }"})).json()
        assert body["errors"] and all("Did you mean" not in e["message"] for e in body["errors"])
        docs = await c.get("/docs")
        assert docs.status_code == 404
    await app.state.db.dispose()


async def test_development_suggests_fields(client: httpx.AsyncClient) -> None:
    body = (await client.post("/graphql", json={"query": "{ agencies { nam } }"})).json()
    assert any("Did you mean" in e["message"] for e in body["errors"])


def test_json_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("m24.test", logging.INFO, __file__, 1, "안녕 %s", ("세계",), None)
    record.request_id = "rid-1"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "안녕 세계" and line["request_id"] == "rid-1" and line["level"] == "INFO"


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/readyz"])
async def test_operational_endpoints_are_not_in_the_api_docs(client: httpx.AsyncClient, path: str) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert path not in spec.get("paths", {})
