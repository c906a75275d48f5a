"""A local stand-in for the NTS business status API, answering in the real API's shapes.

Endpoints (relative to wherever the app is served or mounted):

* ``POST /api/nts-businessman/v1/status?serviceKey=KEY`` with ``{"b_no": [...]}``;
* ``POST /api/nts-businessman/v1/validate?serviceKey=KEY`` with ``{"businesses": [{b_no, start_dt, p_nm}]}``.

Answers and errors, as published for the real API and its data-portal gateway (api.odcloud.kr):

* OK: HTTP 200 ``{"status_code": "OK", "match_cnt", "request_cnt", "data": [...]}`` (validate uses
  ``valid_cnt``); a number not in the registry gets the "unregistered" entry (empty ``b_stt_cd``,
  ``tax_type`` = "국세청에 등록되지 않은 사업자등록번호입니다.").
* body not JSON → 400 ``BAD_JSON_REQUEST``; ``b_no``/``businesses`` (or a required field) missing →
  411 ``REQUEST_DATA_MALFORMED``; more than 100 items → 413 ``TOO_LARGE_REQUEST``; a forced failure →
  500 ``INTERNAL_ERROR``. Bodies are ``{"status_code": CODE}``.
* a missing or wrong service key → the gateway's answer ``{"code": -4, "msg": "등록되지 않은 인증키 입니다."}``
  with HTTP 401. ASSUMPTION: the code and message are those public clients report; the HTTP status of
  that answer is not published consistently (reports show 200, 400 and 401), so clients must classify it
  by body, which ours does.

Knobs for tests (thread-safe, settable while the server runs): ``fail_next(n)`` answers the next n calls
with 500, ``delay_next(n, seconds)`` sleeps before answering the next n calls. ``calls`` records the
number of items in every call received.

Standalone: ``python -m m24.integrations.nts.simulator --port 58181 [--service-key KEY]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from m24.integrations.local_server import LocalServer
from m24.integrations.nts.client import (
    MAX_NUMBERS_PER_CALL,
    STATUS_PATH,
    UNREGISTERED_TAX_TYPE,
    VALIDATE_PATH,
    BusinessState,
    make_number,
)

#: The standalone server's key when neither --service-key nor M24_NTS_SERVICE_KEY is given
#: (the same development key m24.config uses for the embedded simulator).
DEV_SERVICE_KEY: Final = "m24-dev-nts-key"

_STATE_CODES: Final = {
    BusinessState.ACTIVE: ("01", "계속사업자"),
    BusinessState.SUSPENDED: ("02", "휴업자"),
    BusinessState.CLOSED: ("03", "폐업자"),
}
_TAX_TYPE_CODES: Final = {
    "01": "부가가치세 일반과세자",
    "02": "부가가치세 간이과세자",
    "03": "부가가치세 과세특례자",
    "04": "부가가치세 면세사업자",
    "05": "수익사업을 영위하지 않는 비영리법인이거나 고유번호가 부여된 단체,국가기관 등",
    "06": "고유번호가 부여된 단체",
    "07": "부가가치세 간이과세자(세금계산서 발급사업자)",
}


@dataclass(frozen=True, slots=True)
class SimulatedBusiness:
    """A registered business: its state, tax type code, opening date, representative, closing date."""

    state: BusinessState
    start_date: date
    representative: str
    tax_type_cd: str = "01"
    end_date: date | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.state is BusinessState.UNREGISTERED:
            raise ValueError("an unregistered business is simply absent from the registry")
        if self.tax_type_cd not in _TAX_TYPE_CODES:
            raise ValueError(f"unknown tax_type_cd {self.tax_type_cd!r}")


ACTIVE_NUMBER: Final = make_number("124810001")
ACTIVE_NUMBER_2: Final = make_number("220810002")
SUSPENDED_NUMBER: Final = make_number("314860003")
CLOSED_NUMBER: Final = make_number("411810004")
UNREGISTERED_NUMBER: Final = make_number("999990005")

DEFAULT_REGISTRY: Final[Mapping[str, SimulatedBusiness]] = {
    ACTIVE_NUMBER: SimulatedBusiness(BusinessState.ACTIVE, date(2015, 3, 2), "김정밀", name="(주)한빛정밀"),
    ACTIVE_NUMBER_2: SimulatedBusiness(
        BusinessState.ACTIVE, date(2019, 7, 15), "이가공", tax_type_cd="02", name="대성가공"
    ),
    SUSPENDED_NUMBER: SimulatedBusiness(BusinessState.SUSPENDED, date(2012, 1, 9), "박사출", name="세진사출"),
    CLOSED_NUMBER: SimulatedBusiness(
        BusinessState.CLOSED, date(2008, 5, 20), "최도금", end_date=date(2023, 6, 30), name="미래도금"
    ),
}


@dataclass
class SimulatorState:
    """Mutable knobs and the call log, shared between the server thread and the test thread."""

    fail_remaining: int = 0
    delay_remaining: int = 0
    delay_seconds: float = 0.0
    calls: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self) -> tuple[bool, float]:
        """(fail this call?, seconds to sleep first), consuming one unit of each pending knob."""
        with self.lock:
            fail = self.fail_remaining > 0
            if fail:
                self.fail_remaining -= 1
            delay = 0.0
            if self.delay_remaining > 0:
                self.delay_remaining -= 1
                delay = self.delay_seconds
            return fail, delay


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"status_code": code}, status_code=status)


class _Registry(dict[str, SimulatedBusiness]):
    """The simulated tax registry; ``unknown`` (when set) answers for numbers not listed."""

    def __init__(self, entries: Mapping[str, SimulatedBusiness], unknown: SimulatedBusiness | None) -> None:
        super().__init__(entries)
        self.unknown = unknown

    def lookup(self, number: str) -> SimulatedBusiness | None:
        return self.get(number, self.unknown)


def _status_entry(number: str, business: SimulatedBusiness | None) -> dict[str, str]:
    if business is None:
        return {
            "b_no": number,
            "b_stt": "",
            "b_stt_cd": "",
            "tax_type": UNREGISTERED_TAX_TYPE,
            "tax_type_cd": "",
            "end_dt": "",
            "utcc_yn": "",
            "tax_type_change_dt": "",
            "invoice_apply_dt": "",
            "rbf_tax_type": "",
            "rbf_tax_type_cd": "",
        }
    code, label = _STATE_CODES[business.state]
    return {
        "b_no": number,
        "b_stt": label,
        "b_stt_cd": code,
        "tax_type": _TAX_TYPE_CODES[business.tax_type_cd],
        "tax_type_cd": business.tax_type_cd,
        "end_dt": business.end_date.strftime("%Y%m%d") if business.end_date else "",
        "utcc_yn": "N",
        "tax_type_change_dt": "",
        "invoice_apply_dt": "",
        "rbf_tax_type": "해당없음",
        "rbf_tax_type_cd": "99",
    }


#: What the embedded development mount answers for a number not in its registry: a registered,
#: active business (so the seeded demo companies can apply). Tests use explicit registries instead.
DEV_UNKNOWN = SimulatedBusiness(BusinessState.ACTIVE, date(2010, 1, 4), "개발용")


def create_app(
    service_key: str,
    registry: Mapping[str, SimulatedBusiness] | None = None,
    *,
    fail_next: int = 0,
    unknown: SimulatedBusiness | None = None,
) -> Starlette:
    """The simulator as an ASGI app; its :class:`SimulatorState` is ``app.state.nts`` and its registry
    ``app.state.registry`` (tests may add businesses while it runs). A number not in the registry is
    unregistered, unless ``unknown`` is given (the development mount) — then it is that business."""
    businesses = _Registry(DEFAULT_REGISTRY if registry is None else registry, unknown)
    state = SimulatorState(fail_remaining=fail_next)

    async def _prelude(request: Request, endpoint: str) -> tuple[Any, JSONResponse | None]:
        """Key check, forced faults and JSON parsing common to both endpoints."""
        if request.query_params.get("serviceKey") != service_key:
            return None, JSONResponse({"code": -4, "msg": "등록되지 않은 인증키 입니다."}, status_code=401)
        fail, delay = state.take_fault()
        if delay:
            await asyncio.sleep(delay)
        if fail:
            with state.lock:
                state.calls.append((endpoint, -1))
            return None, _error(500, "INTERNAL_ERROR")
        try:
            payload = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return None, _error(400, "BAD_JSON_REQUEST")
        return payload, None

    async def status(request: Request) -> JSONResponse:
        payload, failure = await _prelude(request, "status")
        if failure is not None:
            return failure
        numbers = payload.get("b_no") if isinstance(payload, dict) else None
        if not isinstance(numbers, list) or not numbers or not all(isinstance(n, str) for n in numbers):
            return _error(411, "REQUEST_DATA_MALFORMED")
        with state.lock:
            state.calls.append(("status", len(numbers)))
        if len(numbers) > MAX_NUMBERS_PER_CALL:
            return _error(413, "TOO_LARGE_REQUEST")
        data = [_status_entry(n, businesses.lookup(n)) for n in numbers]
        matched = sum(1 for n in numbers if businesses.lookup(n) is not None)
        return JSONResponse({"request_cnt": len(numbers), "match_cnt": matched, "status_code": "OK", "data": data})

    async def validate(request: Request) -> JSONResponse:
        payload, failure = await _prelude(request, "validate")
        if failure is not None:
            return failure
        items = payload.get("businesses") if isinstance(payload, dict) else None
        if not isinstance(items, list) or not items:
            return _error(411, "REQUEST_DATA_MALFORMED")
        required = ("b_no", "start_dt", "p_nm")
        if not all(isinstance(i, dict) and all(isinstance(i.get(k), str) and i[k] for k in required) for i in items):
            return _error(411, "REQUEST_DATA_MALFORMED")
        with state.lock:
            state.calls.append(("validate", len(items)))
        if len(items) > MAX_NUMBERS_PER_CALL:
            return _error(413, "TOO_LARGE_REQUEST")
        data: list[dict[str, Any]] = []
        for item in items:
            business = businesses.lookup(item["b_no"])
            request_param = {k: item.get(k, "") for k in ("b_no", "start_dt", "p_nm", "p_nm2", "b_nm", "corp_no")}
            if (
                business is not None
                and business.start_date.strftime("%Y%m%d") == item["start_dt"]
                and business.representative == item["p_nm"].strip()
            ):
                data.append(
                    {
                        "b_no": item["b_no"],
                        "valid": "01",
                        "request_param": request_param,
                        "status": _status_entry(item["b_no"], business),
                    }
                )
            else:
                data.append(
                    {
                        "b_no": item["b_no"],
                        "valid": "02",
                        "valid_msg": "확인할 수 없습니다.",
                        "request_param": request_param,
                    }
                )
        valid = sum(1 for d in data if d["valid"] == "01")
        return JSONResponse({"status_code": "OK", "request_cnt": len(items), "valid_cnt": valid, "data": data})

    app = Starlette(
        routes=[
            Route(STATUS_PATH, status, methods=["POST"]),
            Route(VALIDATE_PATH, validate, methods=["POST"]),
        ]
    )
    app.state.nts = state
    app.state.registry = businesses
    return app


class SimulatorServer(LocalServer):
    """Runs the simulator with uvicorn on 127.0.0.1 (a free port unless given) in a background thread.

    ``with SimulatorServer("key") as sim: NtsClient(sim.url, "key")``. The knobs act on the running app.
    """

    name = "NTS simulator"

    def __init__(
        self,
        service_key: str,
        registry: Mapping[str, SimulatedBusiness] | None = None,
        *,
        port: int = 0,
        fail_next: int = 0,
    ) -> None:
        super().__init__(create_app(service_key, registry, fail_next=fail_next), port=port)
        self._state: SimulatorState = self.app.state.nts

    # knobs
    def fail_next(self, n: int) -> None:
        """Answer the next n calls with HTTP 500 INTERNAL_ERROR."""
        with self._state.lock:
            self._state.fail_remaining = n

    def delay_next(self, n: int, seconds: float) -> None:
        """Sleep ``seconds`` before answering each of the next n calls."""
        with self._state.lock:
            self._state.delay_remaining = n
            self._state.delay_seconds = seconds

    @property
    def calls(self) -> list[tuple[str, int]]:
        """(endpoint, item count) for each call received; -1 items for a forced failure."""
        with self._state.lock:
            return list(self._state.calls)

    def register(self, number: str, business: SimulatedBusiness) -> None:
        """Add (or replace) a business in the running simulator's registry."""
        with self._state.lock:
            self.app.state.registry[number] = business

    def reset(self) -> None:
        """Clear knobs and the call log."""
        with self._state.lock:
            self._state.fail_remaining = self._state.delay_remaining = 0
            self._state.delay_seconds = 0.0
            self._state.calls.clear()


def main(argv: list[str] | None = None) -> None:
    """Run the simulator in the foreground (for development: point M24_NTS_URL at it)."""
    parser = argparse.ArgumentParser(description="국세청 사업자등록 상태조회 API 시뮬레이터")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=58181)
    parser.add_argument("--service-key", default=os.environ.get("M24_NTS_SERVICE_KEY", DEV_SERVICE_KEY))
    args = parser.parse_args(argv)
    print(f"NTS simulator on http://{args.host}:{args.port}")
    print(f"  active {ACTIVE_NUMBER}, suspended {SUSPENDED_NUMBER}, closed {CLOSED_NUMBER}")
    uvicorn.run(create_app(args.service_key), host=args.host, port=args.port, log_level="info", access_log=False)


if __name__ == "__main__":
    main()
