"""Browser login: OpenID Connect authorization code with PKCE against the configured issuer
(Keycloak, or the development issuer in the embedded default — the same code either way)."""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from m24.auth.tokens import InvalidToken, TokenError
from m24.web.identity import SESSION_COOKIE, Identity
from m24.web.templating import TEMPLATES

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

FLOW_COOKIE = "m24_oidc"
FLOW_MAX_AGE = 600


def _identity(request: Request) -> Identity:
    identity: Identity = request.app.state.identity
    return identity


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.effective_secret_key, salt="m24-oidc-flow")


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _safe_next(value: str | None) -> str:
    """Only same-site relative paths: no open redirects."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


async def discovery(identity: Identity) -> dict[str, Any]:
    async with identity.http_factory() as client:
        response = await client.get(identity.settings.issuer_url + "/.well-known/openid-configuration")
        response.raise_for_status()
        config: dict[str, Any] = response.json()
    return config


def _error_page(request: Request, message: str, status: int = 400) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request, "message.html", {"title": "로그인 오류", "message": message}, status_code=status
    )


@router.get("/login")
async def login(request: Request, next: str | None = None) -> Response:
    identity = _identity(request)
    try:
        config = await discovery(identity)
    except httpx.HTTPError:
        log.warning("identity provider unreachable at login")
        return _error_page(request, "인증 서버에 연결할 수 없습니다. 잠시 후 다시 시도하세요.", 503)
    verifier, challenge = pkce_pair()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    settings = identity.settings
    params = {
        "client_id": settings.oidc_client_id,
        "response_type": "code",
        "scope": "openid email profile",
        "redirect_uri": settings.public_url.rstrip("/") + "/auth/callback",
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    response = RedirectResponse(config["authorization_endpoint"] + "?" + urlencode(params), status_code=303)
    flow = _serializer(request).dumps({"state": state, "nonce": nonce, "verifier": verifier, "next": _safe_next(next)})
    response.set_cookie(
        FLOW_COOKIE, flow, max_age=FLOW_MAX_AGE, httponly=True, secure=settings.cookies_secure, samesite="lax"
    )
    return response


@router.get("/auth/callback")
async def callback(request: Request, code: str = "", state: str = "", error: str | None = None) -> Response:
    identity = _identity(request)
    settings = identity.settings
    if error:
        return _error_page(request, f"로그인이 취소되었거나 실패했습니다 ({error[:60]}).")
    try:
        flow = _serializer(request).loads(request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_MAX_AGE)
    except BadSignature:
        return _error_page(request, "로그인 요청이 만료되었습니다. 다시 로그인하세요.")
    if not code or not secrets.compare_digest(str(flow.get("state", "")), state):
        return _error_page(request, "로그인 요청이 올바르지 않습니다 (state 불일치).")
    try:
        config = await discovery(identity)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": settings.public_url.rstrip("/") + "/auth/callback",
            "client_id": settings.oidc_client_id,
            "code_verifier": flow["verifier"],
        }
        if settings.oidc_client_secret is not None:
            form["client_secret"] = settings.oidc_client_secret.get_secret_value()
        async with identity.http_factory() as client:
            answer = await client.post(config["token_endpoint"], data=form)
    except httpx.HTTPError:
        return _error_page(request, "인증 서버에 연결할 수 없습니다. 잠시 후 다시 시도하세요.", 503)
    if answer.status_code != 200:
        return _error_page(request, "로그인 코드를 확인하지 못했습니다. 다시 로그인하세요.")
    tokens = answer.json()
    try:
        claims = await identity.validator.validate(tokens.get("access_token", ""))
        await _check_id_token(identity, tokens.get("id_token", ""), flow["nonce"])
        principal = await identity.principal_for_claims(claims)
    except InvalidToken as exc:
        return _error_page(request, f"로그인 토큰이 올바르지 않습니다 ({exc.reason.value}).")
    assert principal.person_id is not None
    client_ip = request.client.host if request.client else None
    token, _csrf = await identity.start_session(principal.person_id, tokens.get("id_token"), client_ip)
    response = RedirectResponse(flow["next"], status_code=303)
    response.delete_cookie(FLOW_COOKIE)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        secure=settings.cookies_secure,
        samesite="lax",
    )
    return response


async def _check_id_token(identity: Identity, id_token: str, nonce: str) -> None:
    """The ID token must be signed by the issuer for our client and carry our nonce (replay guard)."""
    try:
        header = jwt.get_unverified_header(id_token)
        key = await identity.validator.keys.key(str(header.get("kid", "")))
        if key is None or header.get("alg") not in ("RS256", "ES256"):
            raise InvalidToken(TokenError.UNKNOWN_KEY)
        claims = jwt.decode(
            id_token,
            key=key.key,
            algorithms=[header["alg"]],
            audience=identity.settings.oidc_client_id,
            issuer=identity.settings.issuer_url,
            leeway=60,
        )
    except jwt.PyJWTError:
        raise InvalidToken(TokenError.BAD_SIGNATURE, "id_token") from None
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise InvalidToken(TokenError.MALFORMED, "nonce mismatch")


@router.post("/logout")
async def logout(request: Request, csrf_token: str = Form("")) -> Response:
    identity = _identity(request)
    settings = identity.settings
    web_session = getattr(request.state, "web_session", None)
    if web_session is None:
        return RedirectResponse("/", status_code=303)
    if not secrets.compare_digest(web_session.csrf_token, csrf_token):
        return _error_page(request, "요청을 확인할 수 없습니다 (CSRF 토큰 불일치). 페이지를 새로고침하세요.", 403)
    ended = await identity.end_session(request.cookies.get(SESSION_COOKIE, ""))
    target = "/"
    try:
        config = await discovery(identity)
        params = {
            "post_logout_redirect_uri": settings.public_url.rstrip("/") + "/",
            "client_id": settings.oidc_client_id,
        }
        if ended is not None and ended.id_token:
            params["id_token_hint"] = ended.id_token
        target = config["end_session_endpoint"] + "?" + urlencode(params)
    except httpx.HTTPError:
        log.warning("identity provider unreachable at logout; local session ended")
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
