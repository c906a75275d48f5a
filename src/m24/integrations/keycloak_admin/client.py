"""An async client for the Keycloak Admin REST API, authenticated as a service account.

The portal owns who may do what; Keycloak owns credentials. This client mirrors portal users into
the realm: it creates users, grants and revokes realm roles, disables users and ends their sessions.

Contract of every public method:

- a timeout on every call (``timeout`` seconds; connect at most 3 s);
- timeouts, connection failures, HTTP 5xx and 429 raise ``TransientIntegrationError`` after up to
  ``max_attempts`` tries with exponential backoff;
- any other HTTP 4xx raises ``PermanentIntegrationError`` at once (never retried), except where a
  method documents an idempotent outcome (409 on create, an already granted role, and so on);
- a 401 from the Admin API (the cached token was revoked or expired early) refreshes the token once.

The service account (client credentials grant) needs the ``realm-management`` client roles
``manage-users``, ``view-users`` and ``query-users``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar, cast
from urllib.parse import quote

import httpx

from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError
from m24.integrations.http import make_client, raise_for_outcome

SYSTEM = "keycloak"

# Refresh the service-account token this long before Keycloak says it expires, so a token is never
# sent in its last seconds (clock skew, slow requests).
TOKEN_EXPIRY_MARGIN_S = 30.0

T = TypeVar("T")

JsonObject = dict[str, Any]


async def retry_transient(
    operation: Callable[[], Awaitable[T]], *, max_attempts: int = 3, base_delay: float = 0.2
) -> T:
    """Run ``operation``; on ``TransientIntegrationError`` try again, up to ``max_attempts`` in all.

    Waits ``base_delay * 2**n`` seconds (plus up to 50 % jitter) between tries. Permanent errors and
    any other exception propagate at once. The last transient error propagates when tries run out.
    """
    attempt = 1
    while True:
        try:
            return await operation()
        except TransientIntegrationError:
            if attempt >= max_attempts:
                raise
            delay = base_delay * 2 ** (attempt - 1)
            await asyncio.sleep(delay * (1 + random.random() / 2))  # noqa: S311 - jitter, not crypto
            attempt += 1


class KeycloakAdmin:
    """Keycloak Admin REST API for one realm, as the service account of ``client_id``.

    ``base_url`` is the server root (e.g. ``http://127.0.0.1:58080``), not the realm URL. The
    service-account token is fetched lazily and reused until ``TOKEN_EXPIRY_MARGIN_S`` before it
    expires. Use as ``async with KeycloakAdmin(...) as kc:`` or call ``aclose()``.
    """

    def __init__(
        self,
        base_url: str,
        realm: str,
        client_id: str,
        client_secret: str,
        timeout: float = 5.0,
        *,
        max_attempts: int = 3,
        retry_base_delay: float = 0.2,
    ) -> None:
        self._realm = realm
        self._client_id = client_id
        self._client_secret = client_secret
        self._max_attempts = max_attempts
        self._retry_base_delay = retry_base_delay
        self._http = make_client(base_url.rstrip("/"), timeout=timeout)
        self._token: str | None = None
        self._token_valid_until = 0.0
        self._token_lock = asyncio.Lock()
        self._token_fetches = 0

    async def __aenter__(self) -> KeycloakAdmin:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying HTTP connection pool."""
        await self._http.aclose()

    @property
    def token_fetches(self) -> int:
        """How many service-account tokens this client has obtained (for monitoring and tests)."""
        return self._token_fetches

    # ------------------------------------------------------------------ users ---

    async def find_user_by_email(self, email: str) -> JsonObject | None:
        """The user whose e-mail equals ``email`` (case-insensitive, exact match), or None."""
        response = await self._call("GET", "/users", params={"email": email, "exact": "true"})
        users = cast("list[JsonObject]", self._json(response))
        wanted = email.casefold()
        return next((u for u in users if str(u.get("email", "")).casefold() == wanted), None)

    async def get_user(self, user_id: str) -> JsonObject | None:
        """The user's representation, or None when no user has that id."""
        response = await self._call("GET", f"/users/{_seg(user_id)}", allow={404})
        if response.status_code == 404:
            return None
        return cast("JsonObject", self._json(response))

    async def create_user(
        self,
        email: str,
        first_name: str,
        last_name: str,
        *,
        enabled: bool = True,
        email_verified: bool = False,
    ) -> str:
        """Create a user whose username is ``email``; return its id.

        Idempotent: when the user already exists (HTTP 409) the existing user's id is returned and
        its attributes are left as they are. A 409 for another reason (the username or e-mail is
        held by a different user) raises ``PermanentIntegrationError``.
        """
        body = {
            "username": email,
            "email": email,
            "firstName": first_name,
            "lastName": last_name,
            "enabled": enabled,
            "emailVerified": email_verified,
        }
        response = await self._call("POST", "/users", json=body, allow={409})
        if response.status_code == 409:
            existing = await self.find_user_by_email(email)
            if existing is None or str(existing.get("username", "")).casefold() != email.casefold():
                raise PermanentIntegrationError(SYSTEM, f"user {email!r} conflicts with another user")
            return str(existing["id"])
        location = str(response.headers.get("Location") or "")
        user_id = location.rstrip("/").rsplit("/", 1)[-1]
        if response.status_code != 201 or not user_id:
            raise PermanentIntegrationError(
                SYSTEM, f"create user answered HTTP {response.status_code} without Location"
            )
        return user_id

    async def delete_user(self, user_id: str) -> None:
        """Delete the user and everything Keycloak holds for it. Idempotent: an unknown id is fine."""
        await self._call("DELETE", f"/users/{_seg(user_id)}", allow={404})

    async def set_user_enabled(self, user_id: str, enabled: bool) -> None:
        """Enable or disable a user (a disabled user cannot log in; sessions are not ended here).

        Idempotent. Reads the user and writes it back whole, so fields that a partial update would
        reset are kept. An unknown user raises ``PermanentIntegrationError``.
        """
        response = await self._call("GET", f"/users/{_seg(user_id)}")
        user = cast("JsonObject", self._json(response))
        if user.get("enabled") is enabled:
            return
        user["enabled"] = enabled
        await self._call("PUT", f"/users/{_seg(user_id)}", json=user)

    async def logout_user(self, user_id: str) -> None:
        """End all of the user's sessions (their refresh tokens stop working). Idempotent."""
        await self._call("POST", f"/users/{_seg(user_id)}/logout")

    # ------------------------------------------------------------ realm roles ---

    async def realm_role_names(self, user_id: str) -> set[str]:
        """Names of the realm roles mapped directly to the user (composites not expanded)."""
        response = await self._call("GET", f"/users/{_seg(user_id)}/role-mappings/realm")
        return {str(r["name"]) for r in cast("list[JsonObject]", self._json(response))}

    async def assign_realm_roles(self, user_id: str, role_names: Sequence[str]) -> None:
        """Grant realm roles to the user. Idempotent: roles already granted are left alone.

        An unknown role name (or one the service account may not grant) raises
        ``PermanentIntegrationError`` and grants nothing.
        """
        if not role_names:
            return
        granted, available = await self._realm_role_mappings(user_id)
        missing = [name for name in dict.fromkeys(role_names) if name not in granted]
        self._require_known(missing, available)
        if missing:
            roles = [available[name] for name in missing]
            await self._call("POST", f"/users/{_seg(user_id)}/role-mappings/realm", json=roles)

    async def remove_realm_roles(self, user_id: str, role_names: Sequence[str]) -> None:
        """Revoke realm roles from the user. Idempotent: roles not granted are ignored.

        An unknown role name raises ``PermanentIntegrationError`` and revokes nothing.
        """
        if not role_names:
            return
        granted, available = await self._realm_role_mappings(user_id)
        names = list(dict.fromkeys(role_names))
        self._require_known([name for name in names if name not in granted], available)
        roles = [granted[name] for name in names if name in granted]
        if roles:
            await self._call("DELETE", f"/users/{_seg(user_id)}/role-mappings/realm", json=roles)

    async def _realm_role_mappings(self, user_id: str) -> tuple[dict[str, JsonObject], dict[str, JsonObject]]:
        """(granted, grantable) realm roles of the user, by name, as ``{"id", "name"}`` objects.

        Read from the user's role mappings rather than ``/roles``, which needs ``view-realm``: the
        service account then needs no more than ``manage-users``.
        """
        base = f"/users/{_seg(user_id)}/role-mappings/realm"
        granted = cast("list[JsonObject]", self._json(await self._call("GET", base)))
        available = cast("list[JsonObject]", self._json(await self._call("GET", f"{base}/available")))
        return (
            {str(r["name"]): {"id": r["id"], "name": r["name"]} for r in granted},
            {str(r["name"]): {"id": r["id"], "name": r["name"]} for r in available},
        )

    def _require_known(self, names: Sequence[str], available: Mapping[str, JsonObject]) -> None:
        unknown = [name for name in names if name not in available]
        if unknown:
            raise PermanentIntegrationError(SYSTEM, f"no grantable realm roles {unknown} in realm {self._realm!r}")

    # ------------------------------------------------------------- transport ---

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        allow: frozenset[int] | set[int] = frozenset(),
    ) -> httpx.Response:
        """One Admin API call under /admin/realms/{realm}, with retries for transient errors.

        Statuses in ``allow`` are returned instead of raised.
        """
        url = f"/admin/realms/{_seg(self._realm)}{path}"

        async def attempt() -> httpx.Response:
            response = await self._send(method, url, params=params, json=json, token=await self._access_token())
            if response.status_code == 401:
                # Revoked or expired early: fetch a fresh token once, then judge the answer.
                self._token = None
                response = await self._send(method, url, params=params, json=json, token=await self._access_token())
            if response.status_code not in allow:
                raise_for_outcome(SYSTEM, response)
            return response

        return await retry_transient(attempt, max_attempts=self._max_attempts, base_delay=self._retry_base_delay)

    async def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        token: str | None = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return await self._http.request(method, url, params=params, json=json, data=data, headers=headers)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise TransientIntegrationError(SYSTEM, f"{method} {url}: {type(exc).__name__}: {exc}") from exc

    async def _access_token(self) -> str:
        """The cached service-account token, fetched anew when missing or about to expire."""
        async with self._token_lock:
            if self._token is not None and time.monotonic() < self._token_valid_until:
                return self._token
            token_url = f"/realms/{_seg(self._realm)}/protocol/openid-connect/token"
            form = {
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            }
            started = time.monotonic()
            response = await self._send("POST", token_url, data=form)
            # A wrong secret or unknown client is 400/401 here: permanent.
            raise_for_outcome(SYSTEM, response)
            body = self._json(response)
            if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
                raise PermanentIntegrationError(SYSTEM, "token endpoint answered without an access_token")
            lifetime = float(body.get("expires_in", 60))
            self._token = cast("str", body["access_token"])
            self._token_valid_until = started + max(lifetime - TOKEN_EXPIRY_MARGIN_S, lifetime / 2)
            self._token_fetches += 1
            return self._token

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise PermanentIntegrationError(SYSTEM, f"malformed JSON (HTTP {response.status_code})") from exc


def _seg(value: str) -> str:
    """``value`` quoted as a single URL path segment."""
    return quote(value, safe="")
