"""The `m24` command end to end on the embedded default: db upgrade, seed, serve (API + worker process)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from m24.kit.db import make_sync_engine, utcnow
from m24.portal.funding.models import FundingApplication, WorkflowFailure

M24 = [sys.executable, "-m", "m24.cli"]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("M24_")}
    env.update({"M24_ENV": "development", "M24_DATA_DIR": str(data_dir), "M24_LOG_JSON": "true"})
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_production_refuses_to_start_without_services(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "M24_ENV": "production"}
    result = subprocess.run([*M24, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "M24_DATABASE_URL" in result.stderr and "M24_KEYCLOAK_URL" in result.stderr


@pytest.mark.sqlite_only
def test_embedded_default_end_to_end(tmp_path: Path) -> None:
    env = _env(tmp_path)
    run = {"env": env, "capture_output": True, "text": True, "timeout": 300}
    assert subprocess.run([*M24, "db", "upgrade"], **run).returncode == 0  # type: ignore[call-overload]
    seeded = subprocess.run([*M24, "seed", "--scale", "40"], **run)  # type: ignore[call-overload]
    assert seeded.returncode == 0, seeded.stderr
    again = subprocess.run([*M24, "seed", "--scale", "40"], **run)  # type: ignore[call-overload]
    assert again.returncode == 0 and "skipped" in again.stdout

    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*M24, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        ready = None
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"{base}/readyz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert ready is not None, (tmp_path / "serve.log").read_text()[-2000:]
        report = ready.json()
        assert ready.status_code == 200 and all(c["embedded"] for c in report["checks"].values()), report
        landing = httpx.get(base + "/", timeout=10)
        assert "지금 접수 중인 지원사업" in landing.text
        body = httpx.post(
            base + "/graphql",
            json={"query": "{ fundingPrograms(status: OPEN) { totalCount edges { node { title } } } }"},
            timeout=10,
        ).json()
        assert body["data"]["fundingPrograms"]["totalCount"] >= 5
        # A dev token printed now carries the issuer of this server (it runs on a random port).
        token = subprocess.run(
            [*M24, "auth", "dev-token", "sme"], env=env, capture_output=True, text=True, timeout=60, check=True
        ).stdout.strip()
        me = httpx.post(
            base + "/graphql",
            json={"query": "{ me { email } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        assert me["data"]["me"]["email"] == "sme@demo.m24.kr", me
        _apply_and_wait_for_routing(base, env, token)
        # The embedded worker is a real Celery worker process, child of `m24 serve`.
        children = subprocess.run(
            ["ps", "-o", "args=", "--ppid", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout
        assert "celery" in children and "worker" in children, children
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _apply_and_wait_for_routing(base: str, env: dict[str, str], token: str) -> None:
    """Submit an application through the served API; the embedded worker (reaching the built-in NTS
    simulator at the served address) checks it and routes it to the 테크노파크 of 경기."""

    def gql(query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
        response = httpx.post(
            base + "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
        )
        body: dict[str, object] = response.json()
        return body

    company = gql("{ me { companies { id } } }")["data"]["me"]["companies"][0]["id"]  # type: ignore[index]
    calls = gql("{ fundingPrograms(status: OPEN, first: 50) { edges { node { id kind formSchema } } } }")
    chosen = None
    for edge in calls["data"]["fundingPrograms"]["edges"]:  # type: ignore[index]
        verdict = gql(
            "query($p: ID!, $c: ID!) { checkEligibility(programId: $p, companyId: $c) { eligible } }",
            {"p": edge["node"]["id"], "c": company},
        )
        if verdict["data"]["checkEligibility"]["eligible"]:  # type: ignore[index]
            created = gql(
                "mutation($i: CreateFundingApplicationInput!) { createFundingApplication(input: $i) {"
                " application { id } errors { code } } }",
                {
                    "i": {
                        "programId": edge["node"]["id"],
                        "companyId": company,
                        "requestedAmountKrw": 1000000,
                        "formData": {k: v for k, v in FORM.items() if k in edge["node"]["formSchema"]["properties"]},
                    }
                },
            )["data"]["createFundingApplication"]  # type: ignore[index]
            if not created["errors"]:
                chosen = created["application"]["id"]
                break
    assert chosen is not None, "the demo SME can apply to an open call"
    submitted = gql(
        'mutation($id: ID!) { submitFundingApplication(id: $id, idempotencyKey: "cli-e2e-0001") { receiptNumber } }',
        {"id": chosen},
    )
    assert submitted["data"]["submitFundingApplication"]["receiptNumber"]  # type: ignore[index]
    deadline = time.monotonic() + 60
    status = None
    while time.monotonic() < deadline:
        view = gql(
            "query($id: ID!) { fundingApplication(id: $id) { status route { agency { code } } } }", {"id": chosen}
        )
        application = view["data"]["fundingApplication"]  # type: ignore[index]
        status = application["status"]
        if status in ("under_review", "rejected"):
            break
        time.sleep(0.5)
    assert status == "under_review", status
    assert application["route"][0]["agency"]["code"] == "TP-GYEONGGI"


FORM = {
    "project_title": "AI 비전검사",
    "project_months": 6,
    "total_project_cost_krw": 50_000_000,
    "contact_phone": "031-355-1234",
    "subscription_plan": "MES",
    "robot_units": 1,
}


def test_workflows_stuck_lists_failures_and_exits_nonzero(seeded_fresh_url: str, tmp_path: Path) -> None:
    env = {**_env(tmp_path), "M24_DATABASE_URL": seeded_fresh_url}
    engine = make_sync_engine(seeded_fresh_url)
    try:
        with engine.begin() as conn:
            application_id = conn.execute(sa.select(FundingApplication.id).limit(1)).scalar_one()
            conn.execute(
                sa.insert(WorkflowFailure).values(
                    id=uuid.uuid4(),
                    task_name="m24.funding.route",
                    application_id=application_id,
                    arguments={},
                    error="라우팅 규칙이 없습니다",
                    failed_at=utcnow(),
                )
            )
    finally:
        engine.dispose()
    result = subprocess.run([*M24, "workflows", "stuck", "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    failed = [r for r in rows if r["application_id"] == str(application_id)]
    assert failed and "라우팅 규칙이 없습니다" in failed[0]["reason"] and "m24.funding.route" in failed[0]["reason"]


def test_search_rebuild_and_verify(seeded_fresh_url: str, tmp_path: Path) -> None:
    """`m24 search rebuild` then `verify` on the main backend's search (Elasticsearch on the full stack,
    the database backend on SQLite): clean after a rebuild, exit 1 naming the document once one drifts."""
    from m24.portal.specialists.models import Offering
    from tests.helpers import settings_for

    settings = settings_for(seeded_fresh_url)
    env = {**_env(tmp_path), "M24_DATABASE_URL": seeded_fresh_url}
    if settings.elasticsearch_url:
        env.update(
            {
                "M24_ELASTICSEARCH_URL": settings.elasticsearch_url,
                "M24_SEARCH_INDEX_PREFIX": settings.search_index_prefix,
            }
        )
    run = {"env": env, "capture_output": True, "text": True, "timeout": 300}
    rebuilt = subprocess.run([*M24, "search", "rebuild"], **run)  # type: ignore[call-overload]
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "검색 색인 완료" in rebuilt.stdout and "specialists" in rebuilt.stdout
    clean = subprocess.run([*M24, "search", "verify"], **run)  # type: ignore[call-overload]
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "specialists: 일치" in clean.stdout and "portal: 일치" in clean.stdout

    # An offering changed behind the outbox's back (a bulk fix in SQL, say): verify reports it stale.
    engine = make_sync_engine(seeded_fresh_url)
    try:
        with engine.begin() as conn:
            offering_id = conn.execute(
                sa.select(Offering.id).where(Offering.deleted_at.is_(None), Offering.is_published.is_(True)).limit(1)
            ).scalar_one()
            conn.execute(sa.update(Offering).where(Offering.id == offering_id).values(version=Offering.version + 1))
    finally:
        engine.dispose()
    drift = subprocess.run([*M24, "search", "verify"], **run)  # type: ignore[call-overload]
    assert drift.returncode == 1, drift.stdout
    assert "specialists: 불일치" in drift.stdout and f"구버전\t{offering_id}" in drift.stdout
