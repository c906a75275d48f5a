"""The portal against the real Keycloak (scripts/keycloak.sh): bearer tokens from the realm, the web
login through Keycloak's own login form (authorization code + PKCE), role sync through the Admin
API, and a Keycloak outage — tokens already issued keep working from the key cache, new logins
fail with a clear message."""

from __future__ import annotations

import os
import re
import signal
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa

from m24.app import create_app
from m24.auth.principal import Principal
from m24.kit.db import Database
from m24.portal.audit.service import RequestMeta
from m24.portal.people import identity as people_identity
from m24.portal.people import service as people
from m24.portal.people.models import Person
from m24.workflows.tasks.identity import admin_for, sync_person_roles
from tests.helpers import NTS_TEST_KEY, settings_for

KC_URL = os.environ.get("M24_TEST_KEYCLOAK_URL", "").rstrip("/")
REQUIRE_REAL = os.environ.get("M24_REQUIRE_REAL_SERVICES") == "1"
SERVICES_DIR = Path(os.environ.get("M24_SERVICES_DIR", "/var/tmp/m24-services"))
DEMO_PASSWORD = "demo1234!"

pytestmark = pytest.mark.skipif(not KC_URL and not REQUIRE_REAL, reason="M24_TEST_KEYCLOAK_URL not set")

ME = "{ me { email roles companies { name role } agencies { name role } } }"


def keycloak_settings(database_url: str, data_dir: Path, nts_url: str) -> object:
    return settings_for(
        database_url,
        data_dir=data_dir,
        keycloak_url=KC_URL,
        oidc_client_secret="m24-web-dev-secret",
        keycloak_admin_client_secret="m24-admin-dev-secret",
        nts_url=nts_url,
        nts_service_key=NTS_TEST_KEY,
    )


@pytest_asyncio.fixture
async def kc_app(
    seeded_fresh_url: str, nts_server, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    if not KC_URL:
        pytest.fail("M24_REQUIRE_REAL_SERVICES=1 but M24_TEST_KEYCLOAK_URL is not set")
    db = Database(seeded_fresh_url)
    app = create_app(keycloak_settings(seeded_fresh_url, tmp_path, nts_server.url), database=db)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000") as client:
        yield client, db
    await db.dispose()


async def password_token(email: str) -> str:
    async with httpx.AsyncClient(timeout=20) as http:
        response = await http.post(
            f"{KC_URL}/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "m24-cli",
                "username": email,
                "password": DEMO_PASSWORD,
                "scope": "openid",
            },
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def gql(client: httpx.AsyncClient, token: str, query: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("email", "role", "membership"),
    [
        ("sme@demo.m24.kr", "sme_representative", ("(주)한빛정밀", "representative")),
        ("regional-reviewer@demo.m24.kr", "agency_reviewer", ("경기테크노파크", "reviewer")),
        ("admin@demo.m24.kr", "platform_admin", None),
    ],
)
async def test_keycloak_tokens_resolve_to_our_people(kc_app, email: str, role: str, membership) -> None:
    client, _ = kc_app
    response = await gql(client, await password_token(email), ME)
    assert response.status_code == 200, response.text
    me = response.json()["data"]["me"]
    assert me["email"] == email and role in me["roles"]
    if membership is not None:
        rows = [(m["name"], m["role"]) for m in me["companies"] + me["agencies"]]
        assert membership in rows


async def test_keycloak_tokens_for_another_client_or_tampered_are_refused(kc_app) -> None:
    client, _ = kc_app
    token = await password_token("sme@demo.m24.kr")
    header, payload, signature = token.split(".")
    tampered = ".".join([header, payload[:-4] + ("AAAA" if not payload.endswith("AAAA") else "BBBB"), signature])
    response = await gql(client, tampered, ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["reason"] in ("TOKEN_BAD_SIGNATURE", "TOKEN_MALFORMED")


def _form_action(html: str) -> str:
    match = re.search(r'<form[^>]+id="kc-form-login"[^>]+action="([^"]+)"', html) or re.search(
        r'<form[^>]+action="([^"]+)"', html
    )
    assert match, html[:500]
    return unescape(match.group(1))


async def test_browser_login_through_keycloak_and_logout(kc_app) -> None:
    client, _ = kc_app
    start = await client.get("/login?next=/")
    assert start.status_code == 303
    authorize = start.headers["location"]
    assert authorize.startswith(KC_URL) and "code_challenge_method=S256" in authorize
    async with httpx.AsyncClient(timeout=20, follow_redirects=False) as browser:
        page = await browser.get(authorize)
        assert page.status_code == 200, page.text[:300]
        # Keycloak marks its login cookies Secure; a browser on http://127.0.0.1 still sends them
        # (loopback is a secure context), httpx does not, so pass them on as a browser would.
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("set-cookie"))
        posted = await browser.post(
            _form_action(page.text),
            data={"username": "sme-staff@demo.m24.kr", "password": DEMO_PASSWORD},
            headers={"Cookie": cookies},
        )
        assert posted.status_code == 302, posted.text[:300]
        back = posted.headers["location"]
    parts = urlsplit(back)
    assert parts.path == "/auth/callback" and "code" in parse_qs(parts.query)
    done = await client.get(f"{parts.path}?{parts.query}")
    assert done.status_code == 303 and done.headers["location"] == "/", done.text[:300]
    landing = await client.get("/")
    assert "이수진님" in landing.text and "(주)한빛정밀" in landing.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', landing.text)
    assert csrf
    # GraphQL with the session cookie needs the CSRF header to count as logged in.
    without = await client.post("/graphql", json={"query": "{ me { email } }"})
    assert without.json()["data"]["me"] is None
    with_header = await client.post(
        "/graphql", json={"query": "{ me { email } }"}, headers={"X-CSRF-Token": csrf.group(1)}
    )
    assert with_header.json()["data"]["me"]["email"] == "sme-staff@demo.m24.kr"
    out = await client.post("/logout", data={"csrf_token": csrf.group(1)})
    assert out.status_code == 303
    assert out.headers["location"].startswith(KC_URL + "/protocol/openid-connect/logout")
    assert "id_token_hint=" in out.headers["location"]
    assert "로그인" in (await client.get("/")).text


async def test_role_sync_follows_memberships(kc_app) -> None:
    _, db = kc_app
    settings = keycloak_settings(db.url, Path("/tmp"), "http://127.0.0.1:9")
    email = f"invitee-{uuid.uuid4().hex[:10]}@test.m24.kr"
    async with db.read() as session:
        rep_person = (await session.scalars(sa.select(Person).where(Person.email == "sme@demo.m24.kr"))).one()
        principal: Principal = await people_identity.principal_for_person(session, rep_person, frozenset())
    company_id = principal.companies[0].company_id
    async with db.write() as session:
        membership = await people.invite_company_member(session, principal, company_id, email, "오신입", RequestMeta())
    async with admin_for(settings) as admin:  # type: ignore[arg-type]
        assert await sync_person_roles(db, admin, membership.person_id) == set()
        user = await admin.find_user_by_email(email)
        assert user is not None, "the invitee has a Keycloak account"
        async with db.read() as session:
            invitee = await session.get(Person, membership.person_id)
            assert invitee is not None
            invitee_principal = await people_identity.principal_for_person(session, invitee, frozenset())
        async with db.write() as session:
            await people.accept_invitation(session, invitee_principal, membership.id, RequestMeta())
        assert await sync_person_roles(db, admin, membership.person_id) == {"sme_staff"}
        assert "sme_staff" in await admin.realm_role_names(str(user["id"]))
        async with db.write() as session:
            await people.revoke_company_member(session, principal, membership.id, RequestMeta())
        assert await sync_person_roles(db, admin, membership.person_id) == set()
        assert "sme_staff" not in await admin.realm_role_names(str(user["id"]))
        await admin.delete_user(str(user["id"]))


@contextmanager
def keycloak_paused() -> Iterator[None]:
    """Freeze the Keycloak process (SIGSTOP): it stops answering, like a hung server; SIGCONT after."""
    pid_file = SERVICES_DIR / "keycloak" / "keycloak.pid"
    if not pid_file.exists():
        pytest.fail(f"cannot pause Keycloak: {pid_file} not found (Keycloak not started by scripts/keycloak.sh)")
    pid = int(pid_file.read_text().strip())
    os.killpg(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pid, signal.SIGCONT)


async def test_keycloak_outage_keeps_issued_tokens_working(kc_app) -> None:
    client, _ = kc_app
    token = await password_token("sme@demo.m24.kr")
    assert (await gql(client, token, ME)).status_code == 200  # keys now cached
    with keycloak_paused():
        during = await gql(client, token, ME)
        assert during.status_code == 200 and during.json()["data"]["me"]["email"] == "sme@demo.m24.kr"
        login = await client.get("/login")
        assert login.status_code == 503 and "인증 서버에 연결할 수 없습니다" in login.text
    after = await gql(client, await password_token("sme@demo.m24.kr"), ME)
    assert after.status_code == 200
