"""Elasticsearch down, for real: the project's server is stopped mid-run with
`scripts/elasticsearch.sh stop` and started again.

While it is down, writes still succeed (the change waits in the outbox), and searches answer with a
coded "search unavailable" GraphQL error, never a 500. When it returns, the relay (the worker's beat
sweep, no manual step) catches up, and the index agrees with the database again.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import httpx

from m24.search import service as search
from tests.workflows.stack import Stack, eventually, open_api

ES_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "elasticsearch.sh"
SEARCH = """
query($q: String) { searchSpecialists(query: $q, first: 5) { totalCount hits { offering { id title } } } }
"""
EVERYTHING = "query($q: String!) { search(query: $q, first: 5) { __typename } }"
SUGGEST = 'query { suggestSpecialists(prefix: "비전검") }'
ME = "{ me { companies { id } } }"
SPECIALIST = (
    "query($id: ID!) { specialist(id: $id) { offerings { id kind title summary priceModel monthlyPriceKrw } } }"
)
UPDATE = """
mutation($id: ID!, $input: OfferingInput!) { updateOffering(id: $id, input: $input) {
  offering { id title } errors { field code message } } }
"""


def _elasticsearch(command: str) -> None:
    """Stop or start the server the script provisions (the URL the tests were given is that server's;
    without the variable removed the script would leave a given server alone)."""
    env = {k: v for k, v in os.environ.items() if k != "M24_TEST_ELASTICSEARCH_URL"}
    subprocess.run(["bash", str(ES_SCRIPT), command], check=True, capture_output=True, timeout=300, env=env)


def _reachable(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_cluster/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def _rename(api: Any, offering: dict[str, Any], title: str) -> dict[str, Any]:
    variables = {
        "id": offering["id"],
        "input": {
            "kind": offering["kind"],
            "title": title,
            "summary": offering["summary"],
            "priceModel": offering["priceModel"],
            "monthlyPriceKrw": offering["monthlyPriceKrw"],
        },
    }
    body: dict[str, Any] = await api.gql(UPDATE, variables, as_="specialist")
    return body


async def test_elasticsearch_down_writes_succeed_searches_say_unavailable_and_the_outbox_catches_up(
    real_stack: Stack,
) -> None:
    stack = real_stack
    url = stack.settings().elasticsearch_url
    assert url, "the full stack searches Elasticsearch"
    api, close = await open_api(stack)
    try:
        backend = search.make_backend(stack.settings(), api.db)
        await search.rebuild(api.db, backend, lambda index, n: None)
        await backend.close()
        stack.start_worker(beat=True)
        me = await api.gql(ME, as_="specialist")
        company_id = me["data"]["me"]["companies"][0]["id"]
        offering = (await api.gql(SPECIALIST, {"id": company_id}))["data"]["specialist"]["offerings"][0]

        _elasticsearch("stop")
        try:
            assert not _reachable(url), "Elasticsearch is down for this test"
            # The write succeeds; the change waits in the outbox.
            changed = await _rename(api, offering, "초분광 카메라 이물 선별 AI")
            assert changed["data"]["updateOffering"]["errors"] == [], changed
            assert changed["data"]["updateOffering"]["offering"]["title"] == "초분광 카메라 이물 선별 AI"
            # Searches: a coded error with a Korean message, HTTP 200, no internal error.
            for query, variables in ((SEARCH, {"q": "초분광 이물"}), (EVERYTHING, {"q": "비전검사"}), (SUGGEST, None)):
                response = await api.client.post(
                    "/graphql",
                    json={"query": query, "variables": variables or {}},
                    headers={"Authorization": f"Bearer {api.token('sme')}"},
                )
                assert response.status_code == 200, response.text
                body = response.json()
                assert body["data"] is None or all(v is None for v in body["data"].values()), body
                codes = [e["extensions"]["code"] for e in body["errors"]]
                assert codes == ["SEARCH_UNAVAILABLE"], body
                assert "검색" in body["errors"][0]["message"]

            async def relay_tried_and_kept() -> bool:
                return await search.outbox_backlog(api.db) >= 1 and "search unavailable" in stack.worker_logs()

            await eventually(relay_tried_and_kept, timeout=40, what="a failed relay pass", logs=stack.worker_logs)
        finally:
            _elasticsearch("start")

        async def caught_up() -> list[dict[str, Any]] | None:
            body = await api.gql(SEARCH, {"q": "초분광 이물 선별"}, as_="sme")
            if "errors" in body:
                return None
            hits = body["data"]["searchSpecialists"]["hits"]
            return [h for h in hits if h["offering"]["id"] == offering["id"]] or None

        seen = await eventually(caught_up, timeout=90, what="the outbox to catch up", logs=stack.worker_logs)
        assert seen[0]["offering"]["title"] == "초분광 카메라 이물 선별 AI"
        assert await search.outbox_backlog(api.db) == 0
        backend = search.make_backend(stack.settings(), api.db)
        try:
            drifts = await search.verify(api.db, backend)
        finally:
            await backend.close()
        assert all(d.clean for d in drifts), [(d.index, d.missing[:3], d.stale[:3], d.extra[:3]) for d in drifts]
    finally:
        if not _reachable(url):
            _elasticsearch("start")
        await close()
