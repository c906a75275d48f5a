"""Client of the National Tax Service business status API (국세청 사업자등록정보 진위확인 및 상태조회).

Contract:

* ``status(numbers)`` answers one :class:`BusinessStatus` per distinct number, keyed by its 10 digits.
  Numbers are normalised first (hyphens and spaces allowed); a malformed number or a wrong check digit
  raises :class:`~m24.kit.errors.ValidationFailed` before any call. The API takes at most 100 numbers
  per call, so longer lists are sent in chunks of 100.
* ``validate(number, start_date, representative_name)`` answers whether the three facts match the
  registry (진위확인).
* Timeouts, connection failures, HTTP 5xx/429 and the API's ``INTERNAL_ERROR`` are
  :class:`TransientIntegrationError`; they are retried with exponential backoff up to ``max_attempts``
  calls in all, then raised. Everything else — an unregistered service key, ``TOO_LARGE_REQUEST``,
  ``BAD_JSON_REQUEST``, ``REQUEST_DATA_MALFORMED``, a non-JSON or malformed answer — is
  :class:`PermanentIntegrationError`, raised at once with the API's code in the message.
* The service key travels URL-encoded in the ``serviceKey`` query parameter (the API requires it
  there). Give the portal's decoded key (일반 인증키 Decoding); an already percent-encoded key (the
  portal's "Encoding" form, recognisable by ``%``) is decoded first so it is not encoded twice. The key
  never appears in our messages, and the ``httpx`` logger's request lines are redacted.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType, TracebackType
from typing import Any, Final, Protocol, Self
from urllib.parse import unquote

import httpx

from m24.integrations.errors import IntegrationError, PermanentIntegrationError, TransientIntegrationError
from m24.integrations.http import make_client, raise_for_outcome
from m24.kit import brn
from m24.kit.errors import ErrorCode, ValidationFailed

SYSTEM: Final = "nts"
STATUS_PATH: Final = "/api/nts-businessman/v1/status"
VALIDATE_PATH: Final = "/api/nts-businessman/v1/validate"
MAX_NUMBERS_PER_CALL: Final = 100
UNREGISTERED_TAX_TYPE: Final = "국세청에 등록되지 않은 사업자등록번호입니다."

# Gateway (api.odcloud.kr) codes answered instead of the API's own body, e.g. {"code": -4, "msg": ...}.
_GATEWAY_QUOTA_EXCEEDED: Final = -10

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


def normalize_number(value: str, field: str = "businessNumber") -> str:
    """The 10 digits of a valid number (hyphens and spaces allowed); ValidationFailed otherwise."""
    return brn.normalize(value, field=field)


make_number = brn.make_number


# --- answers -----------------------------------------------------------------------------------------


class BusinessState(enum.StrEnum):
    """A business's registration state (b_stt_cd "01"/"02"/"03", empty when unregistered)."""

    ACTIVE = "ACTIVE"  # 계속사업자
    SUSPENDED = "SUSPENDED"  # 휴업자
    CLOSED = "CLOSED"  # 폐업자
    UNREGISTERED = "UNREGISTERED"  # 국세청에 등록되지 않은 번호


_STATE_BY_CODE: Final = {
    "01": BusinessState.ACTIVE,
    "02": BusinessState.SUSPENDED,
    "03": BusinessState.CLOSED,
    "": BusinessState.UNREGISTERED,
}
_DEFAULT_LABELS: Final = {
    BusinessState.ACTIVE: "계속사업자",
    BusinessState.SUSPENDED: "휴업자",
    BusinessState.CLOSED: "폐업자",
    BusinessState.UNREGISTERED: "미등록",
}


@dataclass(frozen=True, slots=True)
class BusinessStatus:
    """One number's answer.

    ``state_label`` is the API's Korean label (b_stt), or "미등록" for an unregistered number;
    ``tax_type`` is the API's text (for an unregistered number, the API's explanation);
    ``closed_on`` is the closing date (end_dt) when the API gives one; ``raw`` is the entry as received
    (read-only, values as strings).
    """

    number: str
    state: BusinessState
    state_label: str
    tax_type: str
    closed_on: date | None
    raw: Mapping[str, str] = field(repr=False)

    @property
    def is_active(self) -> bool:
        return self.state is BusinessState.ACTIVE


def _parse_status_entry(entry: Mapping[str, Any]) -> BusinessStatus:
    raw = {str(k): "" if v is None else str(v) for k, v in entry.items()}
    number = raw.get("b_no", "")
    code = raw.get("b_stt_cd", "").strip()
    state = _STATE_BY_CODE.get(code)
    if state is None:
        raise PermanentIntegrationError(SYSTEM, f"unknown b_stt_cd {code!r} for {number}")
    end_dt = raw.get("end_dt", "").strip()
    closed_on: date | None = None
    if end_dt:
        try:
            closed_on = datetime.strptime(end_dt, "%Y%m%d").date()  # noqa: DTZ007  (a calendar date)
        except ValueError as exc:
            raise PermanentIntegrationError(SYSTEM, f"malformed end_dt {end_dt!r} for {number}") from exc
    return BusinessStatus(
        number=number,
        state=state,
        state_label=raw.get("b_stt", "").strip() or _DEFAULT_LABELS[state],
        tax_type=raw.get("tax_type", "").strip(),
        closed_on=closed_on,
        raw=MappingProxyType(raw),
    )


# --- redaction ---------------------------------------------------------------------------------------

_KEY_IN_URL: Final = re.compile(r"(serviceKey=)[^&\s\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    """Text with every ``serviceKey=...`` value replaced by ``***``."""
    return _KEY_IN_URL.sub(r"\1***", text)


class _RedactServiceKey(logging.Filter):
    """Rewrites log records that carry a request URL so the service key never reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "servicekey=" in message.lower():
            record.msg = redact(message)
            record.args = ()
        return True


def _install_redaction() -> None:
    for name in ("httpx", "httpcore"):
        target = logging.getLogger(name)
        if not any(isinstance(f, _RedactServiceKey) for f in target.filters):
            target.addFilter(_RedactServiceKey())


_install_redaction()


# --- the client --------------------------------------------------------------------------------------


class _NotRetried(TransientIntegrationError):
    """Transient, but retrying within this call cannot help (the daily quota is spent)."""


class NtsConfig(Protocol):
    """Where the NTS API is and how to reach it (``m24.config.Settings`` provides these)."""

    @property
    def effective_nts_url(self) -> str: ...

    @property
    def effective_nts_service_key(self) -> str: ...

    @property
    def http_timeout_seconds(self) -> float: ...


class NtsClient:
    """Async client of the NTS status and validate endpoints; see the module docstring for the contract.

    ``backoff`` is the first retry delay in seconds (doubled per retry); ``sleep`` is injectable so tests
    need not wait. Use as ``async with NtsClient(...) as nts:`` or call :meth:`aclose` when done.
    """

    def __init__(
        self,
        base_url: str,
        service_key: str,
        *,
        timeout: float = 5.0,
        max_attempts: int = 3,
        backoff: float = 0.2,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not service_key:
            raise ValueError("service_key is required")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._http = make_client(
            base_url.rstrip("/"), timeout=timeout, headers={"Accept": "application/json"}, transport=transport
        )
        self._service_key = unquote(service_key) if "%" in service_key else service_key
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._sleep = sleep

    @classmethod
    def configured(cls, config: NtsConfig) -> NtsClient:
        """The client for the configured NTS (or the embedded simulator)."""
        return cls(config.effective_nts_url, config.effective_nts_service_key, timeout=config.http_timeout_seconds)

    def __repr__(self) -> str:  # never show the key
        return f"NtsClient(base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- public calls --

    async def status(self, numbers: Sequence[str]) -> dict[str, BusinessStatus]:
        """The status of each distinct number, keyed by its 10 digits, in first-seen order.

        Raises ValidationFailed (before any call) for a malformed number, TransientIntegrationError
        or PermanentIntegrationError as described in the module docstring.
        """
        if isinstance(numbers, str):
            raise TypeError("numbers must be a sequence of strings, not one string")
        wanted = list(dict.fromkeys(normalize_number(n, field="numbers") for n in numbers))
        result: dict[str, BusinessStatus] = {}
        for start in range(0, len(wanted), MAX_NUMBERS_PER_CALL):
            chunk = wanted[start : start + MAX_NUMBERS_PER_CALL]
            answer = await self._call(STATUS_PATH, {"b_no": chunk})
            by_number = {s.number: s for s in map(_parse_status_entry, _entries(answer))}
            missing = [n for n in chunk if n not in by_number]
            if missing:
                raise PermanentIntegrationError(SYSTEM, f"answer lacks {len(missing)} of {len(chunk)} numbers")
            result.update((n, by_number[n]) for n in chunk)
        return result

    async def state_of(self, number: str) -> BusinessState:
        """One number's state (the ``status`` call for a single number)."""
        digits = normalize_number(number)
        return (await self.status([digits]))[digits].state

    async def validate(self, number: str, start_date: date, representative_name: str) -> bool:
        """True when the number, opening date (개업일자) and representative (대표자성명) match the registry.

        Raises ValidationFailed for a malformed number or an empty name, integration errors as above.
        """
        digits = normalize_number(number)
        name = representative_name.strip()
        if not name:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "representativeName: 대표자 성명을 입력하세요.", field="representativeName"
            )
        business = {"b_no": digits, "start_dt": start_date.strftime("%Y%m%d"), "p_nm": name}
        answer = await self._call(VALIDATE_PATH, {"businesses": [business]})
        entries = _entries(answer)
        entry = next((e for e in entries if str(e.get("b_no", "")) == digits), None)
        if entry is None:
            raise PermanentIntegrationError(SYSTEM, "validate answer lacks the number")
        valid = str(entry.get("valid", ""))
        if valid not in ("01", "02"):
            raise PermanentIntegrationError(SYSTEM, f"unexpected valid code {valid!r}")
        return valid == "01"

    # -- transport --

    async def _call(self, path: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        """POST with retries; the answer's JSON object when status_code is OK."""
        attempt = 1
        while True:
            try:
                return await self._once(path, body)
            except _NotRetried:
                raise
            except TransientIntegrationError as exc:
                if attempt >= self._max_attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning(
                    "nts %s attempt %d/%d failed (%s); retrying in %.2fs", path, attempt, self._max_attempts, exc, delay
                )
                attempt += 1
                await self._sleep(delay)

    async def _once(self, path: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        try:
            response = await self._http.post(path, params={"serviceKey": self._service_key}, json=body)
        except httpx.TimeoutException as exc:
            raise TransientIntegrationError(SYSTEM, f"timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise TransientIntegrationError(SYSTEM, f"{type(exc).__name__}: {redact(str(exc))}") from None
        return _classify(response)


def _classify(response: httpx.Response) -> Mapping[str, Any]:
    """The answer object of a successful call, or the typed error the response stands for."""
    http = response.status_code
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None

    if isinstance(payload, dict) and isinstance(payload.get("code"), int) and payload["code"] < 0:
        # The data-portal gateway answered, e.g. {"code": -4, "msg": "등록되지 않은 인증키 입니다."}.
        code, msg = payload["code"], str(payload.get("msg", ""))
        if code == _GATEWAY_QUOTA_EXCEEDED:
            raise _NotRetried(SYSTEM, f"HTTP {http} gateway code {code}: {msg}")
        if http >= 500:
            raise TransientIntegrationError(SYSTEM, f"HTTP {http} gateway code {code}: {msg}")
        raise PermanentIntegrationError(SYSTEM, f"HTTP {http} gateway code {code}: {msg}")

    api_code = str(payload.get("status_code", "")) if isinstance(payload, dict) else ""
    if http >= 500 or http == 429 or api_code == "INTERNAL_ERROR":
        raise TransientIntegrationError(SYSTEM, f"HTTP {http} {api_code}".rstrip())
    if http >= 400:
        if api_code:
            raise PermanentIntegrationError(SYSTEM, f"HTTP {http} {api_code}")
        raise_for_outcome(SYSTEM, response)
    if not isinstance(payload, dict):
        raise PermanentIntegrationError(SYSTEM, f"HTTP {http}: answer is not a JSON object")
    if api_code != "OK":
        raise PermanentIntegrationError(SYSTEM, f"HTTP {http} {api_code or 'no status_code'}")
    return payload


def _entries(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    data = answer.get("data")
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise PermanentIntegrationError(SYSTEM, "answer has no data list")
    return data


__all__ = [
    "MAX_NUMBERS_PER_CALL",
    "UNREGISTERED_TAX_TYPE",
    "BusinessState",
    "BusinessStatus",
    "IntegrationError",
    "NtsClient",
    "make_number",
    "normalize_number",
    "redact",
]
