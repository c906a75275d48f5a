"""Client of the notification gateway: one HTTP interface in front of the email, SMS and 알림톡 providers.

The protocol is specified in :mod:`m24.integrations.notify.simulator`. Contract of this client:

* ``send(message, idempotency_key=...)`` makes exactly **one** attempt per call and answers a
  :class:`SentMessage`. It never retries: the caller (a Celery task) retries with backoff, sending the
  same ``idempotency_key`` every time, so a call that timed out after the gateway accepted it is answered
  with the first message's id (``replayed=True``) instead of a second notification.
* Timeouts, connection failures, HTTP 5xx and 429 are :class:`TransientIntegrationError`; a 429 is the
  subclass :class:`RateLimited`, whose ``retry_after`` is the gateway's ``Retry-After`` in seconds (or
  ``None`` when absent or unreadable). HTTP 400/401/404/409, any other 4xx and a malformed answer are
  :class:`PermanentIntegrationError`, with the gateway's ``error`` code (and ``detail``) in the message.
* The client does not check addresses or template codes: the gateway is the authority and answers 400
  (permanent). Only the idempotency key is checked before the call (``ValueError``), since a bad one is
  a programming error. ``to`` must already be in the gateway's form (an email address, or phone digits
  without hyphens).
* The API key travels in the ``Authorization: Bearer`` header; it never appears in our messages or in
  ``repr``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import MappingProxyType, TracebackType
from typing import Any, Final, NoReturn, Self
from urllib.parse import quote

import httpx

from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError
from m24.integrations.http import make_client, probe

SYSTEM: Final = "notify"
MESSAGES_PATH: Final = "/v1/messages"
HEALTH_PATH: Final = "/v1/health"
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY_LENGTH: Final = 100
#: A template code: 1 to 64 characters of lowercase letters, digits, ``_`` and ``.``.
TEMPLATE_PATTERN: Final = re.compile(r"[a-z0-9_.]{1,64}")
#: A mobile number for SMS and 알림톡: 10 or 11 digits starting with 01.
PHONE_PATTERN: Final = re.compile(r"01[0-9]{8,9}")


class Channel(enum.StrEnum):
    """How a message reaches a person."""

    EMAIL = "email"
    SMS = "sms"
    KAKAO = "kakao"  # 카카오 알림톡


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One notification to send: a template code and its variables, rendered by the gateway.

    ``to`` is an email address for :attr:`Channel.EMAIL`, phone digits (e.g. ``01012345678``) otherwise;
    ``subject`` is used by email only. ``variables`` is copied into a read-only mapping.
    """

    channel: Channel
    to: str
    template: str
    variables: Mapping[str, str | int] = field(default_factory=dict)
    subject: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", Channel(self.channel))
        object.__setattr__(self, "variables", MappingProxyType(dict(self.variables)))

    def to_json(self) -> dict[str, Any]:
        """The request body of ``POST /v1/messages``."""
        body: dict[str, Any] = {
            "channel": self.channel.value,
            "to": self.to,
            "template": self.template,
            "variables": dict(self.variables),
        }
        if self.subject is not None:
            body["subject"] = self.subject
        return body


@dataclass(frozen=True, slots=True)
class SentMessage:
    """The gateway's receipt: ``replayed`` is True when the idempotency key had already been accepted."""

    message_id: str
    accepted_at: datetime
    replayed: bool


@dataclass(frozen=True, slots=True)
class MessageStatus:
    """A message as the gateway reports it later (``GET /v1/messages/{id}``)."""

    message_id: str
    channel: Channel
    to: str
    template: str
    status: str
    accepted_at: datetime


class RateLimited(TransientIntegrationError):
    """HTTP 429: the gateway asks us to wait ``retry_after`` seconds (None when it did not say)."""

    def __init__(self, system: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(system, message)
        self.retry_after = retry_after


def check_idempotency_key(key: str) -> str:
    """The key when it is 1..100 printable ASCII characters; ValueError otherwise."""
    if not (1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH and key.isascii() and key.isprintable()):
        raise ValueError(f"idempotency_key must be 1..{MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters")
    return key


class NotifyClient:
    """Async client of the notification gateway; see the module docstring for the contract.

    Use as ``async with NotifyClient(url, key) as notify:`` or call :meth:`aclose` when done.
    ``transport`` replaces the network (tests).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("api_key is required")
        self._http = make_client(
            base_url.rstrip("/"),
            timeout=timeout,
            headers={"Accept": "application/json", "Authorization": f"Bearer {api_key}"},
            transport=transport,
        )

    def __repr__(self) -> str:  # never show the key
        return f"NotifyClient(base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- public calls --

    async def send(self, message: OutgoingMessage, *, idempotency_key: str) -> SentMessage:
        """Hand one message to the gateway (one attempt; the caller retries with the same key).

        Raises ValueError for a bad idempotency key (before any call), RateLimited or
        TransientIntegrationError when a retry may help, PermanentIntegrationError when it cannot.
        """
        check_idempotency_key(idempotency_key)
        response = await self._request(
            "POST", MESSAGES_PATH, json=message.to_json(), headers={IDEMPOTENCY_HEADER: idempotency_key}
        )
        if response.status_code not in (200, 202):
            _fail(response)
        answer = _object(response)
        message_id = answer.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise PermanentIntegrationError(SYSTEM, f"HTTP {response.status_code}: answer lacks message_id")
        if answer.get("status") != "accepted":
            raise PermanentIntegrationError(SYSTEM, f"HTTP {response.status_code}: unexpected status")
        return SentMessage(
            message_id=message_id,
            accepted_at=_timestamp(answer.get("accepted_at")),
            replayed=response.status_code == 200,
        )

    async def status(self, message_id: str) -> MessageStatus:
        """What the gateway knows of a message; PermanentIntegrationError (HTTP 404) for an unknown id."""
        if not message_id:
            raise ValueError("message_id is required")
        response = await self._request("GET", f"{MESSAGES_PATH}/{quote(message_id, safe='')}")
        if response.status_code != 200:
            _fail(response)
        answer = _object(response)
        texts = {k: answer.get(k) for k in ("message_id", "channel", "to", "template", "status")}
        if not all(isinstance(v, str) and v for v in texts.values()):
            raise PermanentIntegrationError(SYSTEM, "HTTP 200: malformed message status")
        try:
            channel = Channel(str(texts["channel"]))
        except ValueError:
            raise PermanentIntegrationError(SYSTEM, f"HTTP 200: unknown channel {texts['channel']!r}") from None
        return MessageStatus(
            message_id=str(texts["message_id"]),
            channel=channel,
            to=str(texts["to"]),
            template=str(texts["template"]),
            status=str(texts["status"]),
            accepted_at=_timestamp(answer.get("accepted_at")),
        )

    async def health(self) -> None:
        """Return when the gateway answers its health check; raise a typed error otherwise."""
        await probe(SYSTEM, self._http, HEALTH_PATH)

    # -- transport --

    async def _request(
        self, method: str, path: str, *, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        try:
            return await self._http.request(method, path, json=json, headers=headers)
        except httpx.TimeoutException as exc:
            raise TransientIntegrationError(SYSTEM, f"timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise TransientIntegrationError(SYSTEM, f"{type(exc).__name__}: {exc}") from None


def _object(response: httpx.Response) -> Mapping[str, Any]:
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise PermanentIntegrationError(SYSTEM, f"HTTP {response.status_code}: answer is not a JSON object")
    return payload


def _timestamp(value: Any) -> datetime:
    """An aware datetime from an ISO 8601 text; PermanentIntegrationError otherwise."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    raise PermanentIntegrationError(SYSTEM, f"malformed accepted_at {value!r}")


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(seconds, 0.0)


def _fail(response: httpx.Response) -> NoReturn:
    """Raise the typed error a non-success answer stands for."""
    http = response.status_code
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None
    code = str(payload.get("error", "")) if isinstance(payload, dict) else ""
    detail = str(payload.get("detail", "")) if isinstance(payload, dict) else ""
    text = f"HTTP {http} {code}".rstrip() + (f": {detail}" if detail else "")
    if http == 429:
        raise RateLimited(SYSTEM, text, retry_after=retry_after_seconds(response.headers.get("Retry-After")))
    if http >= 500:
        raise TransientIntegrationError(SYSTEM, text)
    if http >= 400:
        raise PermanentIntegrationError(SYSTEM, text)
    raise PermanentIntegrationError(SYSTEM, f"HTTP {http}: unexpected answer")


__all__ = [
    "HEALTH_PATH",
    "IDEMPOTENCY_HEADER",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "MESSAGES_PATH",
    "PHONE_PATTERN",
    "SYSTEM",
    "TEMPLATE_PATTERN",
    "Channel",
    "MessageStatus",
    "NotifyClient",
    "OutgoingMessage",
    "RateLimited",
    "SentMessage",
    "check_idempotency_key",
    "retry_after_seconds",
]
