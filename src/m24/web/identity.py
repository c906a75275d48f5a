"""Who is calling: bearer tokens (API clients) and browser sessions (after OIDC login).

The middleware puts a :class:`~m24.auth.principal.Principal` on ``request.state.principal``; an
invalid bearer token is answered with 401 and a reason code before any handler runs. Browser
sessions are rows in ``web_sessions``; the cookie holds a random token whose hash is the key.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from m24.auth.dev_issuer import DevIssuer
from m24.auth.principal import ANONYMOUS, Principal
from m24.auth.tokens import AccessClaims, HttpJwks, InvalidToken, StaticKeys, TokenError, TokenValidator
from m24.config import Settings
from m24.integrations.http import make_client
from m24.kit.db import Database, utcnow
from m24.portal.audit.models import AuditEntry
from m24.portal.people import identity as people_identity
from m24.portal.people.models import WebSession

log = logging.getLogger(__name__)

SESSION_COOKIE = "m24_session"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Identity:
    """Token validation, session lookup and the HTTP client for talking to the issuer."""

    settings: Settings
    db: Database
    validator: TokenValidator
    dev_issuer: DevIssuer | None
    http_factory: Callable[[], httpx.AsyncClient]

    @classmethod
    def build(cls, settings: Settings, db: Database, *, transport: httpx.AsyncBaseTransport | None = None) -> Identity:
        def http_factory() -> httpx.AsyncClient:
            return make_client(timeout=settings.http_timeout_seconds, transport=transport)

        dev_issuer: DevIssuer | None = None
        if settings.keycloak_url:
            keys: HttpJwks | StaticKeys = HttpJwks(
                settings.issuer_url + "/protocol/openid-connect/certs",
                timeout=settings.http_timeout_seconds,
                client_factory=http_factory,
            )
        else:
            dev_issuer = DevIssuer(
                settings.issuer_url,
                settings.data_dir / "dev-issuer-key.pem",
                production=settings.is_production,
                audience=settings.api_audience,
            )
            keys = StaticKeys(dev_issuer.jwks())
        validator = TokenValidator(
            issuer=settings.issuer_url,
            audience=settings.api_audience,
            allowed_clients=settings.token_clients,
            keys=keys,
        )
        return cls(settings=settings, db=db, validator=validator, dev_issuer=dev_issuer, http_factory=http_factory)

    async def principal_for_claims(self, claims: AccessClaims) -> Principal:
        async with self.db.read() as session:
            person = await people_identity.person_for_claims(session, claims)
            if person is not None:
                return await people_identity.principal_for_person(session, person, claims.roles)
        try:
            async with self.db.write() as session:
                person = await people_identity.link_or_create_person(session, claims)
        except IntegrityError:
            pass  # a concurrent first request linked it; read again below
        async with self.db.read() as session:
            person = await people_identity.person_for_claims(session, claims)
            if person is None:
                raise RuntimeError("the person for this subject could not be linked or created")
            return await people_identity.principal_for_person(session, person, claims.roles)

    async def session_principal(self, token: str) -> tuple[Principal, WebSession] | None:
        async with self.db.read() as session:
            row = (
                await session.scalars(
                    sa.select(WebSession).where(WebSession.token_hash == _hash(token), WebSession.expires_at > utcnow())
                )
            ).first()
            if row is None:
                return None
            principal = await people_identity.principal_for_person_id(session, row.person_id)
        return (principal, row) if principal is not None else None

    async def start_session(self, person_id: Any, id_token: str | None, client_ip: str | None) -> tuple[str, str]:
        """Create a session; returns (cookie token, CSRF token)."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        async with self.db.write() as session:
            session.add(
                WebSession(
                    token_hash=_hash(token),
                    person_id=person_id,
                    csrf_token=csrf,
                    id_token=id_token,
                    client_ip=client_ip,
                    expires_at=utcnow() + timedelta(hours=self.settings.session_hours),
                )
            )
            session.add(
                AuditEntry(
                    actor_person_id=person_id,
                    action="session.login",
                    object_type="person",
                    object_id=person_id,
                    client_ip=client_ip,
                )
            )
        return token, csrf

    async def end_session(self, token: str) -> WebSession | None:
        async with self.db.write() as session:
            row = await session.get(WebSession, _hash(token))
            if row is not None:
                await session.delete(row)
                session.add(
                    AuditEntry(
                        actor_person_id=row.person_id,
                        action="session.logout",
                        object_type="person",
                        object_id=row.person_id,
                        client_ip=row.client_ip,
                    )
                )
            return row


def unauthorized(error: InvalidToken) -> JSONResponse:
    """401 in the GraphQL error shape, with the reason code; never a 500."""
    return JSONResponse(
        {
            "data": None,
            "errors": [
                {"message": error.message, "extensions": {"code": "UNAUTHENTICATED", "reason": error.reason.value}}
            ],
        },
        status_code=401,
        headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{error.reason.value}"'},
    )


def identity_middleware(
    identity_of: Callable[[Request], Identity],
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        identity = identity_of(request)
        request.state.principal = ANONYMOUS
        request.state.web_session = None
        authorization = request.headers.get("authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return unauthorized(InvalidToken(TokenError.MALFORMED, "not a Bearer credential"))
            try:
                claims = await identity.validator.validate(token.strip())
                request.state.principal = await identity.principal_for_claims(claims)
            except InvalidToken as error:
                log.info("bearer token refused: %s", error.reason.value)
                return unauthorized(error)
        else:
            cookie = request.cookies.get(SESSION_COOKIE)
            if cookie and len(cookie) < 200:
                found = await identity.session_principal(cookie)
                if found is not None:
                    principal, web_session = found
                    request.state.web_session = web_session
                    # A cookie rides along on cross-site requests too: for the API, it only counts
                    # on safe methods or with the session's CSRF token in a header.
                    unsafe_api_call = request.method not in ("GET", "HEAD", "OPTIONS") and request.url.path.startswith(
                        "/graphql"
                    )
                    header = request.headers.get("x-csrf-token", "")
                    if not unsafe_api_call or secrets.compare_digest(header, web_session.csrf_token):
                        request.state.principal = principal
        return await call_next(request)

    return middleware
