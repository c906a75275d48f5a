"""Bearer-token validation against an OpenID Connect issuer's published keys.

Accepts only asymmetric signatures (RS256, ES256) whose key type matches the JWK, the exact issuer,
our API audience, an allowed authorized party (``azp``), a live expiry (60 s skew at most) and an
access token (Keycloak's ``typ: Bearer``; ID and refresh tokens are refused). Every refusal carries a
stable reason code; nothing here ever raises anything but :class:`InvalidToken` for a bad token.

Keys come from a :class:`KeySource`: the issuer's JWKS over HTTP (cached; an unknown ``kid``
triggers one refetch, rate-limited by a cooldown; if the issuer is down, the last good keys keep
validating), or the development issuer's own key in the embedded default.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import jwt
from jwt import PyJWK

from m24.integrations.errors import IntegrationError, PermanentIntegrationError, TransientIntegrationError
from m24.integrations.http import make_client, raise_for_outcome

ALLOWED_ALGORITHMS = ("RS256", "ES256")
_KTY_FOR_ALG = {"RS256": "RSA", "ES256": "EC"}
MAX_LEEWAY_SECONDS = 60


class TokenError(enum.StrEnum):
    MALFORMED = "TOKEN_MALFORMED"
    UNSUPPORTED_ALGORITHM = "TOKEN_UNSUPPORTED_ALGORITHM"
    UNKNOWN_KEY = "TOKEN_UNKNOWN_KEY"
    BAD_SIGNATURE = "TOKEN_BAD_SIGNATURE"
    EXPIRED = "TOKEN_EXPIRED"
    NOT_YET_VALID = "TOKEN_NOT_YET_VALID"
    WRONG_ISSUER = "TOKEN_WRONG_ISSUER"
    WRONG_AUDIENCE = "TOKEN_WRONG_AUDIENCE"
    WRONG_CLIENT = "TOKEN_WRONG_CLIENT"
    NOT_ACCESS_TOKEN = "TOKEN_NOT_ACCESS_TOKEN"
    MISSING_CLAIM = "TOKEN_MISSING_CLAIM"
    ISSUER_UNAVAILABLE = "TOKEN_ISSUER_UNAVAILABLE"


_MESSAGES = {
    TokenError.MALFORMED: "토큰 형식이 올바르지 않습니다.",
    TokenError.UNSUPPORTED_ALGORITHM: "허용되지 않은 서명 알고리즘입니다.",
    TokenError.UNKNOWN_KEY: "알 수 없는 서명 키입니다.",
    TokenError.BAD_SIGNATURE: "토큰 서명이 올바르지 않습니다.",
    TokenError.EXPIRED: "토큰이 만료되었습니다. 다시 로그인하세요.",
    TokenError.NOT_YET_VALID: "아직 유효하지 않은 토큰입니다.",
    TokenError.WRONG_ISSUER: "이 포털이 신뢰하는 발급자의 토큰이 아닙니다.",
    TokenError.WRONG_AUDIENCE: "이 API를 위한 토큰이 아닙니다.",
    TokenError.WRONG_CLIENT: "허용되지 않은 클라이언트가 발급받은 토큰입니다.",
    TokenError.NOT_ACCESS_TOKEN: "액세스 토큰이 아닙니다 (ID·리프레시 토큰은 사용할 수 없습니다).",
    TokenError.MISSING_CLAIM: "필수 클레임이 없습니다.",
    TokenError.ISSUER_UNAVAILABLE: "인증 서버에 연결할 수 없어 토큰을 확인하지 못했습니다.",
}


class InvalidToken(Exception):
    def __init__(self, reason: TokenError, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.message = _MESSAGES[reason]


class KeySource(Protocol):
    async def key(self, kid: str) -> PyJWK | None:
        """The key with this id, or None if the issuer does not publish it."""
        ...


class StaticKeys:
    """Keys known in-process (the development issuer's own key)."""

    def __init__(self, jwks: Mapping[str, Any]) -> None:
        self._keys = {k["kid"]: PyJWK(dict(k)) for k in jwks.get("keys", []) if "kid" in k}

    async def key(self, kid: str) -> PyJWK | None:
        return self._keys.get(kid)


class HttpJwks:
    """The issuer's JWKS over HTTP, cached. Unknown kid → one refetch, at most once per cooldown."""

    def __init__(
        self,
        jwks_url: str,
        *,
        timeout: float = 5.0,
        cooldown_seconds: float = 30.0,
        client_factory: Callable[[], httpx.AsyncClient] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.jwks_url = jwks_url
        self._timeout = timeout
        self._cooldown = cooldown_seconds
        self._client_factory = client_factory or (lambda: make_client(timeout=timeout))
        self._clock = clock
        self._keys: dict[str, PyJWK] = {}
        self._last_fetch: float | None = None
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def key(self, kid: str) -> PyJWK | None:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid in self._keys:
                return self._keys[kid]
            now = self._clock()
            if self._last_fetch is not None and now - self._last_fetch < self._cooldown:
                if not self._keys:
                    # Never had keys: the issuer is still the problem, not the token.
                    raise TransientIntegrationError("jwks", "no signing keys yet; the issuer was unreachable")
                return None  # refetched recently: an unknown kid does not get to hammer the issuer
            try:
                await self._refresh()
            except IntegrationError:
                if not self._keys:
                    raise
                return None  # issuer down: keep validating with the last good keys
            finally:
                self._last_fetch = now
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self.fetch_count += 1
        try:
            async with self._client_factory() as client:
                response = await client.get(self.jwks_url)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise TransientIntegrationError("jwks", f"{type(exc).__name__}: {exc}") from exc
        raise_for_outcome("jwks", response)
        try:
            document = response.json()
        except ValueError:
            raise PermanentIntegrationError("jwks", "the key set is not JSON") from None
        published = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(published, list):
            raise PermanentIntegrationError("jwks", "the key set has no 'keys' list")
        keys: dict[str, PyJWK] = {}
        for jwk in published:
            if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str) or jwk.get("use", "sig") != "sig":
                continue
            if jwk.get("alg") and jwk["alg"] not in ALLOWED_ALGORITHMS:
                continue
            try:
                keys[jwk["kid"]] = PyJWK(jwk)
            except (jwt.PyJWTError, ValueError, TypeError, KeyError):
                continue
        self._keys = keys


@dataclass(frozen=True)
class AccessClaims:
    subject: str
    issuer: str
    email: str | None
    email_verified: bool
    name: str | None
    roles: frozenset[str]
    client_id: str
    session_id: str | None
    expires_at: int
    raw: Mapping[str, Any] = field(repr=False)


class TokenValidator:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        allowed_clients: frozenset[str],
        keys: KeySource,
        leeway_seconds: int = MAX_LEEWAY_SECONDS,
    ) -> None:
        if leeway_seconds > MAX_LEEWAY_SECONDS:
            raise ValueError("clock skew above 60 s is not allowed")
        self.issuer = issuer
        self.audience = audience
        self.allowed_clients = allowed_clients
        self.keys = keys
        self.leeway = leeway_seconds

    async def validate(self, token: str) -> AccessClaims:
        """Validate a bearer token; raise :class:`InvalidToken` with a reason code otherwise."""
        if not token or len(token) > 16_384 or token.count(".") != 2 or not token.isascii():
            raise InvalidToken(TokenError.MALFORMED)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(TokenError.MALFORMED, str(exc)) from None
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise InvalidToken(TokenError.UNSUPPORTED_ALGORITHM, str(alg)[:20])
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken(TokenError.UNKNOWN_KEY, "no kid")
        try:
            jwk = await self.keys.key(kid)
        except IntegrationError as exc:
            raise InvalidToken(TokenError.ISSUER_UNAVAILABLE, str(exc)) from None
        if jwk is None:
            raise InvalidToken(TokenError.UNKNOWN_KEY, kid[:64])
        if jwk.key_type != _KTY_FOR_ALG[alg]:
            raise InvalidToken(TokenError.UNSUPPORTED_ALGORITHM, f"{alg} with a {jwk.key_type} key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=jwk.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken(TokenError.EXPIRED) from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken(TokenError.NOT_YET_VALID) from None
        except jwt.InvalidIssuerError:
            raise InvalidToken(TokenError.WRONG_ISSUER) from None
        except jwt.InvalidAudienceError:
            raise InvalidToken(TokenError.WRONG_AUDIENCE) from None
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidToken(TokenError.MISSING_CLAIM, exc.claim) from None
        except jwt.InvalidSignatureError:
            raise InvalidToken(TokenError.BAD_SIGNATURE) from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(TokenError.MALFORMED, type(exc).__name__) from None
        if claims.get("typ") != "Bearer":
            raise InvalidToken(TokenError.NOT_ACCESS_TOKEN, str(claims.get("typ"))[:20])
        azp = claims.get("azp")
        if not isinstance(azp, str) or azp not in self.allowed_clients:
            raise InvalidToken(TokenError.WRONG_CLIENT, str(azp)[:64])
        realm_access = claims.get("realm_access")
        roles = realm_access.get("roles") if isinstance(realm_access, dict) else None
        if not isinstance(roles, list):
            roles = []
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise InvalidToken(TokenError.MISSING_CLAIM, "sub")
        return AccessClaims(
            subject=claims["sub"],
            issuer=claims["iss"],
            email=claims.get("email") if isinstance(claims.get("email"), str) else None,
            email_verified=claims.get("email_verified") is True,
            name=_display_name(claims),
            roles=frozenset(r for r in roles if isinstance(r, str)),
            client_id=azp,
            session_id=claims.get("sid") if isinstance(claims.get("sid"), str) else None,
            expires_at=int(claims["exp"]),
            raw=claims,
        )


def _display_name(claims: Mapping[str, Any]) -> str | None:
    """Korean names read family name first (박정호), where Keycloak's ``name`` says "정호 박"."""
    given, family = claims.get("given_name"), claims.get("family_name")
    if isinstance(given, str) and isinstance(family, str) and any("가" <= ch <= "힣" for ch in given + family):
        return f"{family}{given}"
    name = claims.get("name")
    return name if isinstance(name, str) else None
