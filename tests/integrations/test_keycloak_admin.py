"""The Keycloak Admin client and the m24 realm, against a real Keycloak (scripts/keycloak.sh).

Skipped when M24_TEST_KEYCLOAK_URL is unset, unless M24_REQUIRE_REAL_SERVICES=1 (scripts/test.sh),
where a missing Keycloak fails instead.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError
from m24.integrations.keycloak_admin import KeycloakAdmin

KC_URL = os.environ.get("M24_TEST_KEYCLOAK_URL", "").rstrip("/")
KC_ADMIN_URL = os.environ.get("M24_TEST_KEYCLOAK_ADMIN_URL") or KC_URL.split("/realms/", 1)[0]
REALM = KC_URL.rsplit("/realms/", 1)[-1] if "/realms/" in KC_URL else "m24"
REQUIRE_REAL = os.environ.get("M24_REQUIRE_REAL_SERVICES") == "1"

# Development values from deploy/keycloak/m24-realm.json.
ADMIN_CLIENT_ID = "m24-admin"
ADMIN_CLIENT_SECRET = "m24-admin-dev-secret"
CLI_CLIENT_ID = "m24-cli"
DEMO_PASSWORD = "demo1234!"
PERSONAS = [
    ("sme@demo.m24.kr", "sme_representative"),
    ("sme-staff@demo.m24.kr", "sme_staff"),
    ("specialist@demo.m24.kr", "specialist_member"),
    ("regional-reviewer@demo.m24.kr", "agency_reviewer"),
    ("central-approver@demo.m24.kr", "agency_approver"),
    ("admin@demo.m24.kr", "platform_admin"),
]

pytestmark = pytest.mark.skipif(
    not KC_URL and not REQUIRE_REAL, reason="M24_TEST_KEYCLOAK_URL not set (run scripts/keycloak.sh up)"
)


@pytest.fixture(scope="module", autouse=True)
def _keycloak_configured() -> None:
    if not KC_URL:
        pytest.fail("M24_REQUIRE_REAL_SERVICES=1 but M24_TEST_KEYCLOAK_URL is not set (scripts/keycloak.sh up)")


@pytest.fixture
async def kc() -> AsyncIterator[KeycloakAdmin]:
    async with KeycloakAdmin(KC_ADMIN_URL, REALM, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) as client:
        yield client


@pytest.fixture
async def new_user(kc: KeycloakAdmin) -> AsyncIterator[tuple[str, str]]:
    """A fresh user (id, email), deleted afterwards."""
    email = f"kc-test-{uuid.uuid4().hex[:12]}@test.m24.kr"
    user_id = await kc.create_user(email, "길동", "홍", email_verified=True)
    yield user_id, email
    await kc.delete_user(user_id)


async def test_create_user_is_idempotent_and_findable(kc: KeycloakAdmin) -> None:
    email = f"kc-test-{uuid.uuid4().hex[:12]}@test.m24.kr"
    assert await kc.find_user_by_email(email) is None
    user_id = await kc.create_user(email, "길동", "홍")
    try:
        assert await kc.create_user(email, "다른", "이름") == user_id
        found = await kc.find_user_by_email(email.upper())
        assert found is not None
        assert found["id"] == user_id
        assert found["username"] == email
        assert (found["firstName"], found["lastName"]) == ("길동", "홍")
        assert found["enabled"] is True
        assert found["emailVerified"] is False
    finally:
        await kc.delete_user(user_id)
    assert await kc.get_user(user_id) is None
    await kc.delete_user(user_id)  # deleting again is fine


async def test_assign_and_remove_realm_roles(kc: KeycloakAdmin, new_user: tuple[str, str]) -> None:
    user_id, _ = new_user
    await kc.assign_realm_roles(user_id, ["sme_staff", "specialist_member"])
    await kc.assign_realm_roles(user_id, ["sme_staff"])  # again: no error, no change
    assert {"sme_staff", "specialist_member"} <= await kc.realm_role_names(user_id)

    await kc.remove_realm_roles(user_id, ["sme_staff"])
    await kc.remove_realm_roles(user_id, ["sme_staff"])  # not granted any more: fine
    roles = await kc.realm_role_names(user_id)
    assert "specialist_member" in roles
    assert "sme_staff" not in roles

    with pytest.raises(PermanentIntegrationError):
        await kc.assign_realm_roles(user_id, ["no_such_role"])


async def test_disable_user_and_logout(kc: KeycloakAdmin, new_user: tuple[str, str]) -> None:
    user_id, _ = new_user
    await kc.set_user_enabled(user_id, False)
    user = await kc.get_user(user_id)
    assert user is not None
    assert user["enabled"] is False
    assert (user["firstName"], user["lastName"]) == ("길동", "홍")  # the rest is kept
    await kc.set_user_enabled(user_id, False)  # idempotent
    await kc.logout_user(user_id)
    await kc.set_user_enabled(user_id, True)
    user = await kc.get_user(user_id)
    assert user is not None
    assert user["enabled"] is True


async def test_unknown_user_is_permanent(kc: KeycloakAdmin) -> None:
    with pytest.raises(PermanentIntegrationError):
        await kc.set_user_enabled(str(uuid.uuid4()), False)


async def test_service_account_token_is_reused(kc: KeycloakAdmin, new_user: tuple[str, str]) -> None:
    user_id, email = new_user
    await kc.find_user_by_email(email)
    await kc.realm_role_names(user_id)
    await kc.get_user(user_id)
    assert kc.token_fetches == 1


async def test_wrong_client_secret_is_permanent() -> None:
    async with KeycloakAdmin(KC_ADMIN_URL, REALM, ADMIN_CLIENT_ID, "wrong-secret") as client:
        with pytest.raises(PermanentIntegrationError):
            await client.find_user_by_email("sme@demo.m24.kr")
        assert client.token_fetches == 0


async def test_unreachable_server_is_transient() -> None:
    with socket.socket() as sock:  # a port that nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with KeycloakAdmin(
        f"http://127.0.0.1:{port}", REALM, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, timeout=1.0, retry_base_delay=0.01
    ) as client:
        with pytest.raises(TransientIntegrationError):
            await client.find_user_by_email("sme@demo.m24.kr")


@pytest.mark.parametrize(("email", "role"), PERSONAS)
def test_demo_persona_password_grant(email: str, role: str) -> None:
    with httpx.Client(timeout=10.0) as http:
        response = http.post(
            f"{KC_URL}/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": CLI_CLIENT_ID,
                "username": email,
                "password": DEMO_PASSWORD,
                "scope": "openid",
            },
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        jwks = http.get(f"{KC_URL}/protocol/openid-connect/certs").json()

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    assert key["kty"] == "RSA"
    claims = jwt.decode(
        token, jwt.PyJWK(key).key, algorithms=["RS256"], audience="m24-api", issuer=KC_URL, options={"require": ["exp"]}
    )
    assert "m24-api" in claims["aud"]
    assert claims["azp"] == CLI_CLIENT_ID
    assert role in claims["realm_access"]["roles"]
    assert claims["email"] == email
    assert claims["preferred_username"] == email
    assert claims["email_verified"] is True
    assert claims["name"]
