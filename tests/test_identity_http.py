"""Identity over HTTP on the embedded default: the browser login through the development issuer
(authorization code + PKCE, same code as against Keycloak), CSRF, logout; hostile bearer tokens get
401 with a reason code; the development issuer and dev tokens refuse production."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import rsa

from m24.auth.dev_issuer import DevIssuer, DevIssuerRefused
from m24.auth.personas import PERSONAS
from m24.portal.audit.models import AuditEntry
from m24.web.identity import Identity
from tests.helpers import Api

ME = {"query": "{ me { email } }"}


async def test_browser_login_with_the_development_issuer(api: Api) -> None:
    # Server-to-issuer calls (discovery, token exchange) go to the same app, in process.
    api.app.state.identity = Identity.build(api.app.state.settings, api.db, transport=httpx.ASGITransport(app=api.app))
    client = api.client
    start = await client.get("/login?next=/")
    assert start.status_code == 303
    authorize = urlsplit(start.headers["location"])
    assert authorize.path == "/dev-issuer/protocol/openid-connect/auth"
    query = parse_qs(authorize.query)
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == ["m24-web"]
    page = await client.get(f"{authorize.path}?{authorize.query}")
    assert page.status_code == 200 and "데모 사용자로 로그인" in page.text
    for persona in PERSONAS.values():
        assert persona.email in page.text
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)
    assert ticket
    chosen = await client.post(authorize.path, data={"ticket": ticket.group(1), "persona": "central-approver"})
    assert chosen.status_code == 303
    back = urlsplit(chosen.headers["location"])
    assert back.path == "/auth/callback"
    # A forged state is refused; the real one completes the login.
    forged = await client.get(f"/auth/callback?code={parse_qs(back.query)['code'][0]}&state=forged")
    assert forged.status_code == 400
    done = await client.get(f"{back.path}?{back.query}")
    assert done.status_code == 303, done.text[:300]
    landing = await client.get("/")
    assert "강동현님" in landing.text and "스마트제조혁신추진단" in landing.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', landing.text)
    assert csrf
    assert (await client.post("/graphql", json=ME)).json()["data"]["me"] is None, "cookie alone does not count"
    me = await client.post("/graphql", json=ME, headers={"X-CSRF-Token": csrf.group(1)})
    assert me.json()["data"]["me"]["email"] == "central-approver@demo.m24.kr"
    refused = await client.post("/logout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    out = await client.post("/logout", data={"csrf_token": csrf.group(1)})
    assert out.status_code == 303 and "/dev-issuer/protocol/openid-connect/logout" in out.headers["location"]
    assert "강동현님" not in (await client.get("/")).text
    async with api.db.read() as session:
        actions = (await session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("session.%")))).all()
    assert sorted(actions) == ["session.login", "session.logout"]


def _b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_hostile_tokens_get_401_with_a_reason(api: Api) -> None:
    issuer: DevIssuer = api.app.state.identity.dev_issuer
    good = issuer.tokens_for(PERSONAS["sme"], client_id="m24-cli")
    claims = jwt.decode(good["access_token"], options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    cases = {
        "TOKEN_BAD_SIGNATURE": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": issuer.kid}),
        "TOKEN_EXPIRED": jwt.encode(
            {**claims, "exp": now - 120, "iat": now - 600}, issuer._key, algorithm="RS256", headers={"kid": issuer.kid}
        ),
        "TOKEN_WRONG_ISSUER": jwt.encode(
            {**claims, "iss": "https://evil.example/realms/m24"},
            issuer._key,
            algorithm="RS256",
            headers={"kid": issuer.kid},
        ),
        "TOKEN_WRONG_AUDIENCE": good["id_token"],
        "TOKEN_UNSUPPORTED_ALGORITHM": f"{_b64({'alg': 'none', 'kid': issuer.kid})}.{_b64(claims)}.",
        "TOKEN_MALFORMED": "not-a-token",
    }
    for reason, token in cases.items():
        response = await api.client.post("/graphql", json=ME, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (reason, response.text)
        body = response.json()
        assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}, reason
        assert "invalid_token" in response.headers["www-authenticate"]
    ok = await api.client.post("/graphql", json=ME, headers={"Authorization": f"Bearer {good['access_token']}"})
    assert ok.json()["data"]["me"]["email"] == "sme@demo.m24.kr"


def test_development_issuer_refuses_production(tmp_path: Path) -> None:
    with pytest.raises(DevIssuerRefused):
        DevIssuer("http://x/dev-issuer", tmp_path / "k.pem", production=True, audience="m24-api")
    assert not (tmp_path / "k.pem").exists()


def test_dev_token_cli(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "M24_DATA_DIR": str(tmp_path), "M24_ENV": "development"}
    ok = subprocess.run(
        [sys.executable, "-m", "m24.cli", "auth", "dev-token", "sme"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    claims = jwt.decode(ok.stdout.strip(), options={"verify_signature": False})
    assert claims["email"] == "sme@demo.m24.kr" and claims["azp"] == "m24-cli" and "m24-api" in claims["aud"]
    unknown = subprocess.run(
        [sys.executable, "-m", "m24.cli", "auth", "dev-token", "mallory"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode == 2 and "unknown persona" in unknown.stderr
    production = {**env, "M24_ENV": "production"}
    refused = subprocess.run(
        [sys.executable, "-m", "m24.cli", "auth", "dev-token", "sme"],
        env=production,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and refused.stdout == ""
