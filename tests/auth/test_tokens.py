"""Bearer-token validation: dev-issuer tokens, every refusal reason, fuzzing, and the JWKS over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import string
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from m24.auth.dev_issuer import DevIssuer, subject_for
from m24.auth.personas import PERSONAS
from m24.auth.tokens import HttpJwks, InvalidToken, StaticKeys, TokenError, TokenValidator

ISSUER = "https://sso.m24.test/realms/m24"
AUDIENCE = "m24-api"
CLIENTS = frozenset({"m24-web", "m24-cli"})
B64URL = string.ascii_letters + string.digits + "-_"


# ---------------------------------------------------------------- helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def make_issuer(directory: Path) -> DevIssuer:
    return DevIssuer(ISSUER, directory / "dev-issuer.pem", production=False, audience=AUDIENCE)


def private_key_of(directory: Path) -> rsa.RSAPrivateKey:
    """The dev issuer's persisted signing key, read back from its file."""
    key = serialization.load_pem_private_key((directory / "dev-issuer.pem").read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def claims(**overrides: Any) -> dict[str, Any]:
    """Access-token claims shaped like Keycloak's; ``None`` removes a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "3f1c2d4e-0000-4000-8000-000000000001",
        "aud": [AUDIENCE, "account"],
        "azp": "m24-web",
        "typ": "Bearer",
        "iat": now,
        "exp": now + 300,
        "email": "someone@demo.m24.kr",
        "realm_access": {"roles": ["sme_staff"]},
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def validator(keys: Any, **kwargs: Any) -> TokenValidator:
    return TokenValidator(issuer=ISSUER, audience=AUDIENCE, allowed_clients=CLIENTS, keys=keys, **kwargs)


async def refusal(v: TokenValidator, token: str) -> TokenError:
    """The reason a token is refused; fails if anything but InvalidToken comes out."""
    with pytest.raises(InvalidToken) as caught:
        await v.validate(token)
    return caught.value.reason


class Signer:
    """Signs arbitrary claims with a persisted dev-issuer key (the trusted one, unless told otherwise)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.issuer = make_issuer(directory)
        self.key = private_key_of(directory)
        self.kid = self.issuer.kid

    def sign(self, payload: dict[str, Any], *, headers: dict[str, Any] | None = None, key: Any = None) -> str:
        return jwt.encode(
            payload, key or self.key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT", **(headers or {})}
        )

    def access_token(self, persona: str = "admin", client_id: str = "m24-web") -> str:
        return str(self.issuer.tokens_for(PERSONAS[persona], client_id=client_id)["access_token"])


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> Signer:
    return Signer(tmp_path_factory.mktemp("issuer-a"))


@pytest.fixture(scope="module")
def signer_b(tmp_path_factory: pytest.TempPathFactory) -> Signer:
    return Signer(tmp_path_factory.mktemp("issuer-b"))


@pytest.fixture(scope="module")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def static(signer: Signer) -> TokenValidator:
    return validator(StaticKeys(signer.issuer.jwks()))


# ---------------------------------------------------------------- 1. dev issuer tokens validate


@pytest.mark.parametrize("client_id", sorted(CLIENTS))
async def test_dev_issuer_access_token_validates_and_maps_claims(
    signer: Signer, static: TokenValidator, client_id: str
) -> None:
    persona = PERSONAS["central-approver"]
    tokens = signer.issuer.tokens_for(persona, client_id=client_id, nonce="n-1", session_id="sid-1")

    got = await static.validate(tokens["access_token"])

    assert got.subject == subject_for(persona.email)
    assert got.issuer == ISSUER
    assert got.email == persona.email
    assert got.email_verified is True
    assert got.name == persona.name
    assert got.roles == persona.roles
    assert got.client_id == client_id
    assert got.session_id == "sid-1"
    assert got.expires_at == got.raw["exp"]
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 300


async def test_dev_issuer_key_survives_a_restart(tmp_path: Path) -> None:
    first = make_issuer(tmp_path)
    token = first.tokens_for(PERSONAS["sme"], client_id="m24-cli")["access_token"]
    again = make_issuer(tmp_path)

    assert again.kid == first.kid
    assert again.jwks() == first.jwks()
    assert (await validator(StaticKeys(again.jwks())).validate(token)).roles == PERSONAS["sme"].roles


def test_leeway_above_sixty_seconds_is_refused(signer: Signer) -> None:
    keys = StaticKeys(signer.issuer.jwks())
    with pytest.raises(ValueError):
        validator(keys, leeway_seconds=61)
    assert validator(keys, leeway_seconds=60).leeway == 60


# ---------------------------------------------------------------- 2. refusals


async def test_signature_of_another_key_with_the_same_kid(
    signer: Signer, static: TokenValidator, other_rsa_key: rsa.RSAPrivateKey
) -> None:
    assert await refusal(static, signer.sign(claims(), key=other_rsa_key)) is TokenError.BAD_SIGNATURE


async def test_expiry_honours_sixty_seconds_of_leeway_and_no_more(signer: Signer, static: TokenValidator) -> None:
    now = int(time.time())
    assert await refusal(static, signer.sign(claims(iat=now - 600, exp=now - 90))) is TokenError.EXPIRED
    assert await refusal(static, signer.sign(claims(iat=now - 600, exp=now - 65))) is TokenError.EXPIRED
    accepted = await static.validate(signer.sign(claims(iat=now - 600, exp=now - 30)))
    assert accepted.expires_at == now - 30


async def test_not_before_in_the_future(signer: Signer, static: TokenValidator) -> None:
    now = int(time.time())
    assert await refusal(static, signer.sign(claims(nbf=now + 90))) is TokenError.NOT_YET_VALID
    assert await refusal(static, signer.sign(claims(iat=now + 600))) is TokenError.NOT_YET_VALID
    await static.validate(signer.sign(claims(nbf=now + 30)))


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "https://evil.example/realms/m24"}, TokenError.WRONG_ISSUER),
        ({"iss": ISSUER + "/"}, TokenError.WRONG_ISSUER),
        ({"aud": "other-api"}, TokenError.WRONG_AUDIENCE),
        ({"aud": ["account"]}, TokenError.WRONG_AUDIENCE),
        ({"azp": "m24-evil"}, TokenError.WRONG_CLIENT),
        ({"azp": None}, TokenError.WRONG_CLIENT),
        ({"azp": ["m24-web"]}, TokenError.WRONG_CLIENT),
        ({"typ": "Refresh"}, TokenError.NOT_ACCESS_TOKEN),
        ({"typ": "ID"}, TokenError.NOT_ACCESS_TOKEN),
        ({"typ": None}, TokenError.NOT_ACCESS_TOKEN),
        ({"sub": None}, TokenError.MISSING_CLAIM),
        ({"sub": ""}, TokenError.MISSING_CLAIM),
        ({"exp": None}, TokenError.MISSING_CLAIM),
        ({"iat": None}, TokenError.MISSING_CLAIM),
        ({"iss": None}, TokenError.MISSING_CLAIM),
        ({"aud": None}, TokenError.MISSING_CLAIM),
        ({"exp": "tomorrow"}, TokenError.MALFORMED),
        ({"sub": 42}, TokenError.MALFORMED),
    ],
    ids=repr,
)
async def test_claim_refusals(
    signer: Signer, static: TokenValidator, overrides: dict[str, Any], reason: TokenError
) -> None:
    assert await refusal(static, signer.sign(claims(**overrides))) is reason


async def test_id_token_is_not_an_access_token(signer: Signer, static: TokenValidator) -> None:
    id_token = signer.issuer.tokens_for(PERSONAS["admin"], client_id="m24-web", nonce="n")["id_token"]
    assert await refusal(static, id_token) in {TokenError.WRONG_AUDIENCE, TokenError.NOT_ACCESS_TOKEN}


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
async def test_alg_none(signer: Signer, static: TokenValidator, alg: str) -> None:
    header = b64json({"alg": alg, "typ": "JWT", "kid": signer.kid})
    for signature in ("", b64url(b"x")):
        token = f"{header}.{b64json(claims())}.{signature}"
        assert await refusal(static, token) is TokenError.UNSUPPORTED_ALGORITHM


async def test_hs256_signed_with_the_public_key_pem(signer: Signer, static: TokenValidator) -> None:
    pem = signer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for secret in (pem, pem.strip(), json.dumps(signer.issuer.jwks()["keys"][0]).encode()):
        signing_input = f"{b64json({'alg': 'HS256', 'typ': 'JWT', 'kid': signer.kid})}.{b64json(claims())}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        assert await refusal(static, f"{signing_input}.{b64url(mac)}") is TokenError.UNSUPPORTED_ALGORITHM


async def test_es256_header_with_the_rsa_kid(signer: Signer, static: TokenValidator) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(claims(), ec_key, algorithm="ES256", headers={"kid": signer.kid})
    assert await refusal(static, token) is TokenError.UNSUPPORTED_ALGORITHM


@pytest.mark.parametrize("alg", ["RS512", "PS256", "HS512", "EdDSA", "rs256"])
async def test_other_algorithms(signer: Signer, static: TokenValidator, alg: str) -> None:
    token = f"{b64json({'alg': alg, 'kid': signer.kid})}.{b64json(claims())}.{b64url(b'sig')}"
    assert await refusal(static, token) is TokenError.UNSUPPORTED_ALGORITHM


async def test_missing_and_unknown_kid(signer: Signer, static: TokenValidator) -> None:
    no_kid = jwt.encode(claims(), signer.key, algorithm="RS256")
    assert "kid" not in jwt.get_unverified_header(no_kid)
    assert await refusal(static, no_kid) is TokenError.UNKNOWN_KEY
    assert await refusal(static, signer.sign(claims(), headers={"kid": ""})) is TokenError.UNKNOWN_KEY
    assert await refusal(static, signer.sign(claims(), headers={"kid": "dev-0000000000000000"})) is (
        TokenError.UNKNOWN_KEY
    )


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "...",
        "..",
        "a.b",
        "a.b.c",
        "a.b.c.d",
        "Bearer x.y.z",
        "한글.토큰.입니다",
        f"{b64url(b'not json')}.{b64json({})}.",
        f"{b64json([1, 2])}.{b64json({})}.",
        f"{b64json('RS256')}.{b64json({})}.",
        "x" * 20_000,
        "a." * 5_000 + "a",
    ],
    ids=lambda t: repr(t[:30]) + (f"…({len(t)})" if len(t) > 30 else ""),
)
async def test_malformed(static: TokenValidator, token: str) -> None:
    assert await refusal(static, token) is TokenError.MALFORMED


async def test_oversized_but_validly_signed_token_is_malformed(signer: Signer, static: TokenValidator) -> None:
    token = signer.sign(claims(padding="p" * 15_000))
    assert len(token) > 20_000
    assert await refusal(static, token) is TokenError.MALFORMED


@pytest.mark.parametrize("roles", [5, None, "platform_admin", {"platform_admin": True}])
async def test_odd_realm_roles_shape_never_crashes(signer: Signer, static: TokenValidator, roles: Any) -> None:
    """A trusted issuer with a mis-set mapper: refuse or grant nothing, never raise something else."""
    token = signer.sign(claims(realm_access={"roles": roles}))
    try:
        got = await static.validate(token)
    except InvalidToken:
        return
    assert got.roles <= {"platform_admin"}


# ---------------------------------------------------------------- 3. property: nothing but InvalidToken


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

segments = st.one_of(
    st.binary(max_size=120).map(b64url),
    st.text(alphabet=B64URL + "=+/", max_size=80),
    st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit", "b64"]), st.from_type(type(None)) | st.text()).map(
        b64json
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(text=st.text(max_size=400))
async def test_arbitrary_text_is_refused(static: TokenValidator, text: str) -> None:
    await refusal(static, text)


@FUZZ
@given(parts=st.lists(segments, min_size=1, max_size=5))
async def test_dot_joined_segments_are_refused(static: TokenValidator, parts: list[str]) -> None:
    await refusal(static, ".".join(parts))


@FUZZ
@given(
    alg=st.sampled_from(["RS256", "ES256", "HS256", "none", "PS256"]),
    use_kid=st.booleans(),
    payload=json_values,
    signature=st.binary(max_size=300),
)
async def test_structured_forgeries_are_refused(
    signer: Signer, static: TokenValidator, alg: str, use_kid: bool, payload: Any, signature: bytes
) -> None:
    header = {"alg": alg, "typ": "JWT", **({"kid": signer.kid} if use_kid else {})}
    await refusal(static, f"{b64json(header)}.{b64json(payload)}.{b64url(signature)}")


@st.composite
def mutations(draw: st.DrawFn, token: str) -> str:
    kind = draw(st.sampled_from(["flip", "truncate", "duplicate", "original"]))
    if kind == "original":
        return token
    if kind == "flip":
        i = draw(st.integers(0, len(token) - 1))
        c = draw(st.sampled_from(B64URL + ".=+/ ~é").filter(lambda c: c != token[i]))
        return token[:i] + c + token[i + 1 :]
    if kind == "truncate":
        return token[: draw(st.integers(0, len(token) - 1))]
    h, p, s = token.split(".")
    parts = {"h": h, "p": p, "s": s}
    layout = draw(st.sampled_from(["hhs", "hpp", "pps", "hss", "php", "sph", "hpss", "hhps", "hpshps", "hp", "ps"]))
    return ".".join(parts[c] for c in layout)


@pytest.fixture(scope="module")
def valid_token(signer: Signer) -> str:
    return signer.access_token()


@FUZZ
@given(data=st.data())
async def test_mutated_tokens_are_refused(static: TokenValidator, valid_token: str, data: st.DataObject) -> None:
    mutated = data.draw(mutations(valid_token))
    if mutated == valid_token:
        assert (await static.validate(mutated)).client_id == "m24-web"
    else:
        await refusal(static, mutated)


# ---------------------------------------------------------------- 4. HttpJwks over real HTTP


class JwksServer:
    """A mutable JWKS served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self) -> None:
        self.body: Any = {"keys": []}
        self.raw: bytes | None = None
        self.status = 200
        self.hits = 0
        self.url = ""
        self._lock = threading.Lock()

        async def certs(_: Request) -> Response:
            with self._lock:
                self.hits += 1
                if self.raw is not None:
                    return Response(self.raw, status_code=self.status, media_type="text/html")
                return JSONResponse(self.body, status_code=self.status)

        self.app = Starlette(routes=[Route("/certs", certs)])

    def serve(self, *jwks: dict[str, Any]) -> None:
        with self._lock:
            self.body = {"keys": [k for s in jwks for k in s["keys"]]}
            self.raw = None
            self.status = 200

    def start(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert self._thread.is_alive() and time.monotonic() < deadline, "the JWKS server did not start"
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/certs"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def server() -> Iterator[JwksServer]:
    running = JwksServer()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def jwks_server(server: JwksServer) -> JwksServer:
    server.serve()
    server.hits = 0
    return server


async def test_keys_are_fetched_once_and_cached(jwks_server: JwksServer, signer: Signer) -> None:
    jwks_server.serve(signer.issuer.jwks())
    keys = HttpJwks(jwks_server.url)
    v = validator(keys)

    for persona in ("sme", "sme-staff", "specialist", "admin") * 5:
        assert (await v.validate(signer.access_token(persona))).roles == PERSONAS[persona].roles

    assert keys.fetch_count == 1
    assert jwks_server.hits == 1


async def test_key_rotation_refetches_once(jwks_server: JwksServer, signer: Signer, signer_b: Signer) -> None:
    clock = FakeClock()
    keys = HttpJwks(jwks_server.url, cooldown_seconds=30, clock=clock)
    v = validator(keys)
    jwks_server.serve(signer.issuer.jwks())
    await v.validate(signer.access_token())
    assert keys.fetch_count == 1

    jwks_server.serve(signer_b.issuer.jwks())
    clock.now += 31
    token_b = signer_b.access_token("sme")
    assert (await v.validate(token_b)).roles == PERSONAS["sme"].roles
    assert keys.fetch_count == 2
    for _ in range(5):
        await v.validate(token_b)
    assert keys.fetch_count == 2
    assert jwks_server.hits == 2


async def test_unknown_kids_are_rate_limited_by_the_cooldown(
    jwks_server: JwksServer, signer: Signer, signer_b: Signer
) -> None:
    clock = FakeClock()
    keys = HttpJwks(jwks_server.url, cooldown_seconds=30, clock=clock)
    v = validator(keys)
    jwks_server.serve(signer.issuer.jwks())
    await v.validate(signer.access_token())
    assert keys.fetch_count == 1

    clock.now += 100
    assert await refusal(v, signer.sign(claims(), headers={"kid": "unknown-0"})) is TokenError.UNKNOWN_KEY
    assert keys.fetch_count == 2

    jwks_server.serve(signer.issuer.jwks(), signer_b.issuer.jwks())
    token_b = signer_b.access_token()
    for i in range(1, 20):
        clock.now += 1
        assert await refusal(v, signer.sign(claims(), headers={"kid": f"unknown-{i}"})) is TokenError.UNKNOWN_KEY
        assert await refusal(v, token_b) is TokenError.UNKNOWN_KEY  # published, but not refetched yet
        await v.validate(signer.access_token())
    assert keys.fetch_count == 2
    assert jwks_server.hits == 2

    clock.now += 12  # now past the cooldown
    await v.validate(token_b)
    assert keys.fetch_count == 3
    assert jwks_server.hits == 3


async def test_outage_keeps_the_cached_keys(signer: Signer) -> None:
    own = JwksServer()
    own.start()
    own.serve(signer.issuer.jwks())
    clock = FakeClock()
    keys = HttpJwks(own.url, timeout=2.0, cooldown_seconds=30, clock=clock)
    v = validator(keys)
    await v.validate(signer.access_token())
    own.stop()

    await v.validate(signer.access_token("sme"))
    assert keys.fetch_count == 1

    clock.now += 100
    assert await refusal(v, signer.sign(claims(), headers={"kid": "rotated"})) is TokenError.UNKNOWN_KEY
    assert keys.fetch_count == 2  # it tried, it failed, the cached keys stay
    assert (await v.validate(signer.access_token("specialist"))).roles == PERSONAS["specialist"].roles

    cold = HttpJwks(own.url, timeout=2.0, cooldown_seconds=30, clock=clock)
    assert await refusal(validator(cold), signer.access_token()) is TokenError.ISSUER_UNAVAILABLE
    assert cold.fetch_count == 1


async def test_issuer_down_with_no_keys_stays_issuer_unavailable_during_the_cooldown(signer: Signer) -> None:
    own = JwksServer()
    own.start()
    url = own.url
    own.stop()
    clock = FakeClock()
    cold = HttpJwks(url, timeout=2.0, cooldown_seconds=30, clock=clock)
    v = validator(cold)

    assert await refusal(v, signer.access_token()) is TokenError.ISSUER_UNAVAILABLE
    clock.now += 1
    # Never got a key set at all: the token's kid is not "unknown", the issuer is unavailable.
    assert await refusal(v, signer.access_token()) is TokenError.ISSUER_UNAVAILABLE
    assert cold.fetch_count == 1


@pytest.mark.parametrize("status", [500, 503, 429, 404])
async def test_error_answers_without_cached_keys(jwks_server: JwksServer, signer: Signer, status: int) -> None:
    jwks_server.serve(signer.issuer.jwks())
    jwks_server.status = status
    v = validator(HttpJwks(jwks_server.url))
    assert await refusal(v, signer.access_token()) is TokenError.ISSUER_UNAVAILABLE


@pytest.mark.parametrize(
    "raw", [b"<html>Service Unavailable</html>", b"[]", b'{"keys": "none"}', b'{"keys": [1]}'], ids=repr
)
async def test_garbage_jwks_body_is_a_refusal_not_a_crash(jwks_server: JwksServer, signer: Signer, raw: bytes) -> None:
    jwks_server.raw = raw
    v = validator(HttpJwks(jwks_server.url))
    assert await refusal(v, signer.access_token()) in {TokenError.ISSUER_UNAVAILABLE, TokenError.UNKNOWN_KEY}


async def test_jwks_ignores_encryption_and_symmetric_keys(
    jwks_server: JwksServer, signer: Signer, signer_b: Signer
) -> None:
    enc_key = {**signer_b.issuer.jwks()["keys"][0], "use": "enc", "kid": "enc-key"}
    hs_key = {"kty": "oct", "k": b64url(b"s" * 32), "alg": "HS256", "use": "sig", "kid": "hs-key"}
    hs_no_alg = {"kty": "oct", "k": b64url(b"s" * 32), "kid": "oct-key"}
    rs512 = {**signer_b.issuer.jwks()["keys"][0], "alg": "RS512", "kid": "rs512-key"}
    broken = {"kty": "RSA", "kid": "broken", "use": "sig", "alg": "RS256"}
    no_kid = {k: v for k, v in signer_b.issuer.jwks()["keys"][0].items() if k != "kid"}
    jwks_server.body = {"keys": [enc_key, hs_key, hs_no_alg, rs512, broken, no_kid, *signer.issuer.jwks()["keys"]]}
    keys = HttpJwks(jwks_server.url, cooldown_seconds=30)
    v = validator(keys)

    await v.validate(signer.access_token())
    for kid in ("enc-key", "hs-key", "rs512-key", "broken"):
        assert await keys.key(kid) is None, kid
    assert keys.fetch_count == 1

    as_enc = signer_b.sign(claims(), headers={"kid": "enc-key"}, key=signer_b.key)
    assert await refusal(v, as_enc) is TokenError.UNKNOWN_KEY
    assert await refusal(v, signer.sign(claims(), headers={"kid": "hs-key"})) is TokenError.UNKNOWN_KEY
    # An oct key without alg may load, but an RS256 token can never be checked against it.
    assert await refusal(v, signer.sign(claims(), headers={"kid": "oct-key"})) in {
        TokenError.UNKNOWN_KEY,
        TokenError.UNSUPPORTED_ALGORITHM,
    }
    hs_token = jwt.encode(claims(), b"s" * 32, algorithm="HS256", headers={"kid": "hs-key"})
    assert await refusal(v, hs_token) is TokenError.UNSUPPORTED_ALGORITHM
