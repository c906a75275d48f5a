"""A local stand-in for the notification gateway — and the specification of its interface.

Email (SMTP), SMS and KakaoTalk 알림톡 are reached through provider HTTP APIs that all differ, so the portal
talks to this one interface; an adapter in front of the real providers (or this simulator, in tests and
development) implements it. Paths are relative to wherever the app is served or mounted.

Authentication: every ``/v1/messages`` call carries ``Authorization: Bearer <api key>``. A missing or
wrong key → 401 ``{"error": "unauthorized"}``. ``/v1/health`` needs no key.

``POST /v1/messages`` — accept one message for delivery.

* Header ``Idempotency-Key`` (required): 1 to 100 printable ASCII characters chosen by the caller, the
  same for every retry of one logical message.
* JSON body::

      {"channel": "email" | "sms" | "kakao",
       "to": "<email address, or phone digits>",
       "template": "<template code>",
       "variables": {"<name>": "<text>" | <integer>, ...},
       "subject": "<text>"}              # optional (used by email); may be null

  ``to`` is an address with one ``@`` and text on both sides for email, and 10–11 digits starting with
  ``01`` (no hyphens) for sms and kakao. ``template`` is 1–64 characters of ``[a-z0-9_.]``.
  ``variables`` may be omitted (empty); its values are strings or integers (not booleans, not null).
  Unknown fields are rejected.
* 202 ``{"message_id": "msg_<hex>", "status": "accepted", "accepted_at": "<ISO 8601 with offset>"}``
  the first time a key is seen.
* 200 with the very same answer (same ``message_id`` and ``accepted_at``) when the key was already
  accepted with the same body (compared as parsed JSON, so key order and whitespace do not matter, and
  an absent ``subject`` equals ``null``); no second message is sent.
* 409 ``{"error": "idempotency_key_reused", "detail": ...}`` when the key was accepted with a different
  body.
* 400 ``{"error": "invalid_request", "detail": "<사람이 읽을 설명>"}`` for a body that is not JSON, a
  missing or malformed field (including the Idempotency-Key header) or an unknown channel.
* 429 ``{"error": "rate_limited"}`` with a ``Retry-After: <seconds>`` header: slow down.
* 5xx ``{"error": "internal"}``: the gateway failed; the message may or may not have been accepted, so
  retry with the same Idempotency-Key.

``GET /v1/messages/{message_id}`` → 200 ``{"message_id", "channel", "to", "template", "status",
"accepted_at"}`` or 404 ``{"error": "not_found"}``. The simulator delivers at once, so its ``status``
is always ``"delivered"``; a real adapter may also answer ``"accepted"`` or ``"failed"``.

``GET /v1/health`` → 200 ``{"status": "ok"}``.

Retries are the caller's: 5xx, 429 and timeouts are worth retrying (with backoff, honouring
``Retry-After``), 4xx are not. A call the caller gave up on (timeout) may still have been accepted —
the simulator, like a real gateway, finishes a delayed call even when the client has gone — which is
what the Idempotency-Key is for.

Knobs for tests (thread-safe, settable while the server runs), acting on the next calls to the
``/v1/messages`` endpoints that pass the key check (never on ``/v1/health``): ``fail_next(n, status)``
answers n calls with a 5xx, ``rate_limit_next(n, retry_after)`` answers n calls with 429 (pending
failures are used first), ``delay_next(n, seconds)`` sleeps before answering n calls. ``messages``
holds the accepted messages, ``calls`` the (endpoint, HTTP status) of every call answered.

Standalone: ``python -m m24.integrations.notify.simulator --port 58182 [--api-key KEY]``.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hmac
import json
import os
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from m24.integrations.local_server import LocalServer
from m24.integrations.notify.client import (
    HEALTH_PATH,
    IDEMPOTENCY_HEADER,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    MESSAGES_PATH,
    PHONE_PATTERN,
    TEMPLATE_PATTERN,
    Channel,
)

#: The standalone server's key when neither --api-key nor M24_NOTIFY_API_KEY is given.
DEV_API_KEY: Final = "m24-dev-notify-key"

_FIELDS: Final = frozenset({"channel", "to", "template", "variables", "subject"})
_MAX_EMAIL_LENGTH: Final = 254


@dataclass
class SimulatorState:
    """Mutable knobs, accepted messages and the call log, shared between the server and test threads."""

    fail_remaining: int = 0
    fail_status: int = 500
    rate_limit_remaining: int = 0
    retry_after: int = 1
    delay_remaining: int = 0
    delay_seconds: float = 0.0
    #: Accepted messages in order; each also carries its ``idempotency_key``.
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: Idempotency key → (the normalised request, the message accepted for it).
    by_key: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self) -> tuple[JSONResponse | None, float]:
        """(forced answer or None, seconds to sleep first), consuming one unit of the knobs used."""
        with self.lock:
            delay = 0.0
            if self.delay_remaining > 0:
                self.delay_remaining -= 1
                delay = self.delay_seconds
            if self.fail_remaining > 0:
                self.fail_remaining -= 1
                return _error(self.fail_status, "internal"), delay
            if self.rate_limit_remaining > 0:
                self.rate_limit_remaining -= 1
                response = _error(429, "rate_limited")
                response.headers["Retry-After"] = str(self.retry_after)
                return response, delay
            return None, delay

    def record(self, endpoint: str, response: JSONResponse) -> JSONResponse:
        with self.lock:
            self.calls.append((endpoint, response.status_code))
        return response


def _error(status: int, code: str, detail: str | None = None) -> JSONResponse:
    body = {"error": code} if detail is None else {"error": code, "detail": detail}
    return JSONResponse(body, status_code=status)


def _invalid(detail: str) -> JSONResponse:
    return _error(400, "invalid_request", detail)


def _valid_email(to: str) -> bool:
    local, at, domain = to.partition("@")
    return (
        bool(at and local and domain)
        and "@" not in domain
        and len(to) <= _MAX_EMAIL_LENGTH
        and not any(c.isspace() for c in to)
    )


def normalise_request(payload: Any) -> dict[str, Any] | str:
    """The request with defaults filled in, or the reason (Korean, for people) it is malformed."""
    if not isinstance(payload, dict):
        return "요청 본문은 JSON 객체여야 합니다."
    unknown = sorted(set(payload) - _FIELDS)
    if unknown:
        return f"알 수 없는 필드입니다: {', '.join(unknown)}"
    channel = payload.get("channel")
    if not isinstance(channel, str) or channel not in {c.value for c in Channel}:
        return "channel은 email, sms, kakao 중 하나여야 합니다."
    to = payload.get("to")
    if not isinstance(to, str) or not to:
        return "to(수신자)가 필요합니다."
    if channel == Channel.EMAIL:
        if not _valid_email(to):
            return "to: 올바른 이메일 주소가 아닙니다."
    elif not PHONE_PATTERN.fullmatch(to):
        return "to: 휴대전화 번호는 01로 시작하는 10~11자리 숫자여야 합니다."
    template = payload.get("template")
    if not isinstance(template, str) or not TEMPLATE_PATTERN.fullmatch(template):
        return "template은 영문 소문자·숫자·_·. 로 된 1~64자여야 합니다."
    variables = payload.get("variables", {})
    if not isinstance(variables, dict) or not all(
        isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)) for v in variables.values()
    ):
        return "variables는 값이 문자열 또는 정수인 객체여야 합니다."
    subject = payload.get("subject")
    if subject is not None and not isinstance(subject, str):
        return "subject는 문자열이어야 합니다."
    return {"channel": channel, "to": to, "template": template, "variables": dict(variables), "subject": subject}


def _receipt(message: Mapping[str, Any], status: int) -> JSONResponse:
    return JSONResponse(
        {"message_id": message["message_id"], "status": "accepted", "accepted_at": message["accepted_at"]},
        status_code=status,
    )


def create_app(api_key: str) -> Starlette:
    """The simulator as an ASGI app; its :class:`SimulatorState` is ``app.state.notify``."""
    if not api_key:
        raise ValueError("api_key is required")
    state = SimulatorState()
    expected = f"Bearer {api_key}".encode()

    async def _prelude(request: Request) -> JSONResponse | None:
        """Key check and forced faults common to the message endpoints."""
        given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected):
            return _error(401, "unauthorized")
        forced, delay = state.take_fault()
        if delay:
            await asyncio.sleep(delay)
        return forced

    async def send(request: Request) -> JSONResponse:
        body = await request.body()  # read before any delay: the client may be gone by then
        failure = await _prelude(request)
        if failure is not None:
            return state.record("send", failure)
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None or not (1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH and key.isascii() and key.isprintable()):
            detail = f"{IDEMPOTENCY_HEADER} 헤더(1~{MAX_IDEMPOTENCY_KEY_LENGTH}자)가 필요합니다."
            return state.record("send", _invalid(detail))
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return state.record("send", _invalid("요청 본문이 올바른 JSON이 아닙니다."))
        normalised = normalise_request(payload)
        if isinstance(normalised, str):
            return state.record("send", _invalid(normalised))
        with state.lock:
            seen = state.by_key.get(key)
            if seen is None:
                message: dict[str, Any] = {
                    "message_id": f"msg_{uuid.uuid4().hex}",
                    **normalised,
                    "status": "delivered",
                    "accepted_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "idempotency_key": key,
                }
                state.by_key[key] = (normalised, message)
                state.messages.append(message)
                answer = _receipt(message, 202)
            elif seen[0] == normalised:
                answer = _receipt(seen[1], 200)
            else:
                answer = _error(409, "idempotency_key_reused", "같은 Idempotency-Key로 다른 내용의 요청을 보냈습니다.")
            state.calls.append(("send", answer.status_code))
        return answer

    async def status(request: Request) -> JSONResponse:
        failure = await _prelude(request)
        if failure is not None:
            return state.record("status", failure)
        message_id = request.path_params["message_id"]
        with state.lock:
            found = next((m for m in state.messages if m["message_id"] == message_id), None)
        if found is None:
            return state.record("status", _error(404, "not_found", "메시지를 찾을 수 없습니다."))
        keys = ("message_id", "channel", "to", "template", "status", "accepted_at")
        return state.record("status", JSONResponse({k: found[k] for k in keys}))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = Starlette(
        routes=[
            Route(MESSAGES_PATH, send, methods=["POST"]),
            Route(MESSAGES_PATH + "/{message_id}", status, methods=["GET"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ]
    )
    app.state.notify = state
    return app


class SimulatorServer(LocalServer):
    """Runs the simulator with uvicorn on 127.0.0.1 (a free port unless given) in a background thread.

    ``with SimulatorServer(api_key="key") as sim: NotifyClient(sim.url, "key")``. The knobs act on the
    running app.
    """

    name = "notification-gateway simulator"

    def __init__(self, api_key: str = DEV_API_KEY, *, port: int = 0) -> None:
        super().__init__(create_app(api_key), port=port)
        self._state: SimulatorState = self.app.state.notify

    # knobs
    def fail_next(self, n: int, status: int = 500) -> None:
        """Answer the next n message calls with ``status`` (a 5xx) ``{"error": "internal"}``."""
        if not 500 <= status <= 599:
            raise ValueError("status must be a 5xx")
        with self._state.lock:
            self._state.fail_remaining = n
            self._state.fail_status = status

    def rate_limit_next(self, n: int, retry_after: int = 1) -> None:
        """Answer the next n message calls with 429 and ``Retry-After: retry_after``."""
        with self._state.lock:
            self._state.rate_limit_remaining = n
            self._state.retry_after = retry_after

    def delay_next(self, n: int, seconds: float) -> None:
        """Sleep ``seconds`` before answering each of the next n message calls."""
        with self._state.lock:
            self._state.delay_remaining = n
            self._state.delay_seconds = seconds

    @property
    def messages(self) -> list[dict[str, Any]]:
        """A copy of the accepted messages, oldest first (each with its ``idempotency_key``)."""
        with self._state.lock:
            return copy.deepcopy(self._state.messages)

    @property
    def calls(self) -> list[tuple[str, int]]:
        """("send" or "status", HTTP status) for each message call answered."""
        with self._state.lock:
            return list(self._state.calls)

    def reset(self) -> None:
        """Clear knobs, accepted messages, idempotency keys and the call log."""
        with self._state.lock:
            self._state.fail_remaining = self._state.rate_limit_remaining = self._state.delay_remaining = 0
            self._state.fail_status = 500
            self._state.retry_after = 1
            self._state.delay_seconds = 0.0
            self._state.messages.clear()
            self._state.by_key.clear()
            self._state.calls.clear()


def main(argv: list[str] | None = None) -> None:
    """Run the simulator in the foreground (for development: point the portal's notify URL at it)."""
    parser = argparse.ArgumentParser(description="알림 게이트웨이(이메일·SMS·알림톡) 시뮬레이터")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=58182)
    parser.add_argument("--api-key", default=os.environ.get("M24_NOTIFY_API_KEY", DEV_API_KEY))
    args = parser.parse_args(argv)
    print(f"notification-gateway simulator on http://{args.host}:{args.port}")
    uvicorn.run(create_app(args.api_key), host=args.host, port=args.port, log_level="info", access_log=False)


if __name__ == "__main__":
    main()
