"""HTTP face of the development issuer (embedded default only): discovery, JWKS, a login page that
lists the demo personas, the authorization-code endpoint with PKCE, and logout — the paths Keycloak
uses, so the login code is the same for both. Never mounted in production."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from m24.auth.dev_issuer import DevIssuer
from m24.auth.personas import PERSONAS, Persona
from m24.kit.db import Database
from m24.portal.people.models import Person
from m24.web.templating import TEMPLATES

CODE_LIFETIME = 60


@dataclass(frozen=True)
class _Grant:
    persona: Persona
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    expires: float


def build_router(issuer: DevIssuer, *, secret_key: str, public_url: str, db: Database) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    codes: dict[str, _Grant] = {}
    tickets = URLSafeTimedSerializer(secret_key, salt="m24-dev-issuer-login")
    base = public_url.rstrip("/")

    def _allowed_redirect(uri: str) -> bool:
        return uri.startswith(base + "/")

    @router.get("/.well-known/openid-configuration")
    async def discovery() -> JSONResponse:
        return JSONResponse(issuer.discovery())

    @router.get("/protocol/openid-connect/certs")
    async def certs() -> JSONResponse:
        return JSONResponse(issuer.jwks())

    @router.get("/protocol/openid-connect/auth")
    async def authorize(
        request: Request,
        client_id: str = "",
        redirect_uri: str = "",
        state: str = "",
        nonce: str | None = None,
        code_challenge: str = "",
        code_challenge_method: str = "",
        response_type: str = "",
    ) -> Response:
        if response_type != "code" or code_challenge_method != "S256" or not code_challenge:
            return _bad(request, "authorization code + PKCE (S256)만 지원합니다.")
        if not _allowed_redirect(redirect_uri):
            return _bad(request, "허용되지 않은 redirect_uri 입니다.")
        ticket = tickets.dumps(
            {"client_id": client_id, "redirect_uri": redirect_uri, "state": state, "nonce": nonce, "cc": code_challenge}
        )
        return TEMPLATES.TemplateResponse(
            request, "dev_login.html", {"personas": list(PERSONAS.values()), "ticket": ticket}
        )

    @router.post("/protocol/openid-connect/auth")
    async def choose(
        request: Request, ticket: str = Form(""), persona: str = Form(""), email: str = Form("")
    ) -> Response:
        try:
            params = tickets.loads(ticket, max_age=600)
        except BadSignature:
            return _bad(request, "로그인 요청이 만료되었습니다. 다시 시도하세요.")
        chosen = PERSONAS.get(persona)
        if chosen is None and email.strip():
            chosen = await _person_as_persona(db, email.strip().lower())
        if chosen is None:
            return _bad(request, "데모 사용자를 선택하거나 등록된 이메일을 입력하세요.")
        code = secrets.token_urlsafe(32)
        now = time.monotonic()
        for stale in [k for k, g in codes.items() if g.expires < now]:
            codes.pop(stale, None)
        codes[code] = _Grant(
            chosen, params["client_id"], params["redirect_uri"], params["cc"], params["nonce"], now + CODE_LIFETIME
        )
        return RedirectResponse(params["redirect_uri"] + "?" + urlencode({"code": code, "state": params["state"]}), 303)

    @router.post("/protocol/openid-connect/token")
    async def token(
        grant_type: str = Form(""),
        code: str = Form(""),
        redirect_uri: str = Form(""),
        client_id: str = Form(""),
        code_verifier: str = Form(""),
    ) -> JSONResponse:
        grant = codes.pop(code, None)  # single use
        if grant_type != "authorization_code" or grant is None or grant.expires < time.monotonic():
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        expected = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
        if (
            not secrets.compare_digest(expected, grant.code_challenge)
            or redirect_uri != grant.redirect_uri
            or client_id != grant.client_id
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(issuer.tokens_for(grant.persona, client_id=client_id, nonce=grant.nonce))

    @router.get("/protocol/openid-connect/logout")
    async def logout(post_logout_redirect_uri: str = "") -> Response:
        target = post_logout_redirect_uri if _allowed_redirect(post_logout_redirect_uri) else base + "/"
        return RedirectResponse(target, 303)

    return router


async def _person_as_persona(db: Database, email: str) -> Persona | None:
    """Any person already in the database (e.g. invited staff) can log in; roles come from memberships."""
    async with db.read() as session:
        person = (await session.scalars(sa.select(Person).where(sa.func.lower(Person.email) == email))).first()
    if person is None:
        return None
    return Persona(key=email, email=person.email, name=person.name, roles=frozenset(), description="")


def _bad(request: Request, message: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request, "message.html", {"title": "개발용 로그인", "message": message}, status_code=400
    )
