"""The development identity issuer for the embedded default.

Its own RSA signing key (kept in the data directory so tokens survive restarts), a JWKS, and
access/ID tokens with the same claim shape as the Keycloak realm: ``iss``, ``sub``, ``aud`` (the API
audience), ``azp``, ``typ``, ``realm_access.roles``, ``email``, ``name``, ``sid``. Refused in production.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from m24.auth.personas import Persona

DEV_SUBJECT_NAMESPACE = uuid.UUID("5f0c7f5e-3f1e-4b8a-9a51-6d2b9d1c2400")


class DevIssuerRefused(RuntimeError):
    """The development issuer never runs in production."""


def subject_for(email: str) -> str:
    """A stable subject per email, like a Keycloak user id."""
    return str(uuid.uuid5(DEV_SUBJECT_NAMESPACE, email.lower()))


class DevIssuer:
    def __init__(
        self, issuer: str, key_path: Path, *, production: bool, audience: str, token_lifetime: int = 300
    ) -> None:
        if production:
            raise DevIssuerRefused("the development issuer is refused when M24_ENV=production")
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.token_lifetime = token_lifetime
        self._key = self._load_or_create(key_path)
        public_numbers = self._key.public_key().public_numbers()
        self.kid = "dev-" + uuid.uuid5(DEV_SUBJECT_NAMESPACE, str(public_numbers.n)).hex[:16]

    @staticmethod
    def _load_or_create(path: Path) -> rsa.RSAPrivateKey:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError(f"{path} does not hold an RSA key")
            return key
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        tmp.replace(path)
        return key

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/protocol/openid-connect/auth",
            "token_endpoint": f"{self.issuer}/protocol/openid-connect/token",
            "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs",
            "end_session_endpoint": f"{self.issuer}/protocol/openid-connect/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["public"],
        }

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"})

    def tokens_for(
        self, persona: Persona, *, client_id: str, nonce: str | None = None, session_id: str | None = None
    ) -> dict[str, Any]:
        """An access token (and an ID token) for a persona, shaped like Keycloak's."""
        now = int(time.time())
        sid = session_id or secrets.token_hex(16)
        common = {
            "iss": self.issuer,
            "sub": subject_for(persona.email),
            "iat": now,
            "exp": now + self.token_lifetime,
            "sid": sid,
            "email": persona.email,
            "email_verified": True,
            "name": persona.name,
            "preferred_username": persona.email,
        }
        access = {
            **common,
            "jti": secrets.token_hex(16),
            "typ": "Bearer",
            "aud": [self.audience, "account"],
            "azp": client_id,
            "realm_access": {"roles": sorted(persona.roles)},
            "scope": "openid email profile",
        }
        id_claims = {**common, "jti": secrets.token_hex(16), "typ": "ID", "aud": client_id, "azp": client_id}
        if nonce:
            id_claims["nonce"] = nonce
        return {
            "access_token": self._sign(access),
            "id_token": self._sign(id_claims),
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
        }
