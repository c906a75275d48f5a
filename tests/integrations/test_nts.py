"""The NTS client against the simulator over real HTTP (uvicorn on 127.0.0.1 in a thread)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date

import httpx
import pytest
import pytest_asyncio

from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError
from m24.integrations.nts import BusinessState, NtsClient
from m24.integrations.nts.client import STATUS_PATH, make_number
from m24.integrations.nts.simulator import (
    ACTIVE_NUMBER,
    CLOSED_NUMBER,
    SUSPENDED_NUMBER,
    UNREGISTERED_NUMBER,
    SimulatorServer,
)
from m24.kit.errors import ValidationFailed

KEY = "test+key/with==specials"  # data.go.kr keys are base64: +, / and = must survive the query string


async def _no_sleep(_: float) -> None:
    return None


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    with SimulatorServer(KEY) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(sim: SimulatorServer) -> None:
    sim.reset()


@pytest_asyncio.fixture
async def nts(sim: SimulatorServer) -> AsyncIterator[NtsClient]:
    async with NtsClient(sim.url, KEY, timeout=2.0, sleep=_no_sleep) as client:
        yield client


def _hyphenated(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


async def test_states_are_mapped(nts: NtsClient, sim: SimulatorServer) -> None:
    answer = await nts.status([ACTIVE_NUMBER, SUSPENDED_NUMBER, CLOSED_NUMBER, UNREGISTERED_NUMBER])

    assert list(answer) == [ACTIVE_NUMBER, SUSPENDED_NUMBER, CLOSED_NUMBER, UNREGISTERED_NUMBER]
    active, suspended, closed, unregistered = answer.values()
    assert (active.state, active.state_label, active.tax_type) == (
        BusinessState.ACTIVE,
        "계속사업자",
        "부가가치세 일반과세자",
    )
    assert active.is_active and active.closed_on is None
    assert (suspended.state, suspended.state_label) == (BusinessState.SUSPENDED, "휴업자")
    assert (closed.state, closed.state_label, closed.closed_on) == (BusinessState.CLOSED, "폐업자", date(2023, 6, 30))
    assert closed.raw["end_dt"] == "20230630"
    assert unregistered.state is BusinessState.UNREGISTERED
    assert unregistered.state_label == "미등록"
    assert unregistered.tax_type == "국세청에 등록되지 않은 사업자등록번호입니다."
    assert sim.calls == [("status", 4)]


async def test_250_numbers_take_three_calls(nts: NtsClient, sim: SimulatorServer) -> None:
    numbers = [make_number(f"5{i:08d}") for i in range(247)] + [ACTIVE_NUMBER, SUSPENDED_NUMBER, CLOSED_NUMBER]

    answer = await nts.status(numbers)

    assert len(answer) == 250 and set(answer) == set(numbers)
    assert sim.calls == [("status", 100), ("status", 100), ("status", 50)]
    assert answer[CLOSED_NUMBER].state is BusinessState.CLOSED
    assert sum(s.state is BusinessState.UNREGISTERED for s in answer.values()) == 247


async def test_hyphenated_and_duplicate_input_is_normalised(nts: NtsClient, sim: SimulatorServer) -> None:
    answer = await nts.status([_hyphenated(ACTIVE_NUMBER), ACTIVE_NUMBER, f" {SUSPENDED_NUMBER} "])

    assert set(answer) == {ACTIVE_NUMBER, SUSPENDED_NUMBER}
    assert answer[ACTIVE_NUMBER].state is BusinessState.ACTIVE
    assert sim.calls == [("status", 2)]


@pytest.mark.parametrize("bad", [ACTIVE_NUMBER[:9] + str((int(ACTIVE_NUMBER[9]) + 1) % 10), "12345", "12a4567890"])
async def test_invalid_number_is_rejected_before_any_call(nts: NtsClient, sim: SimulatorServer, bad: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await nts.status([ACTIVE_NUMBER, bad])
    assert "사업자등록번호" in caught.value.message
    assert sim.calls == []


async def test_wrong_service_key_is_permanent_and_not_retried(sim: SimulatorServer) -> None:
    async with NtsClient(sim.url, "not-the-key", sleep=_no_sleep) as client:
        with pytest.raises(PermanentIntegrationError) as caught:
            await client.status([ACTIVE_NUMBER])
    assert "-4" in str(caught.value)
    assert "not-the-key" not in str(caught.value)


async def test_percent_encoded_key_is_not_encoded_twice(sim: SimulatorServer) -> None:
    encoded = "test%2Bkey%2Fwith%3D%3Dspecials"
    async with NtsClient(sim.url, encoded, sleep=_no_sleep) as client:
        answer = await client.status([ACTIVE_NUMBER])
    assert answer[ACTIVE_NUMBER].is_active


async def test_two_500s_then_success(sim: SimulatorServer) -> None:
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    sim.fail_next(2)
    async with NtsClient(sim.url, KEY, max_attempts=3, backoff=0.1, sleep=record) as client:
        answer = await client.status([ACTIVE_NUMBER])

    assert answer[ACTIVE_NUMBER].is_active
    assert delays == [0.1, 0.2]
    assert sim.calls == [("status", -1), ("status", -1), ("status", 1)]


async def test_persistent_500_is_transient_after_max_attempts(nts: NtsClient, sim: SimulatorServer) -> None:
    sim.fail_next(10)
    with pytest.raises(TransientIntegrationError, match="INTERNAL_ERROR"):
        await nts.status([ACTIVE_NUMBER])
    assert len(sim.calls) == 3


async def test_timeout_is_transient(sim: SimulatorServer) -> None:
    sim.delay_next(2, 1.0)
    async with NtsClient(sim.url, KEY, timeout=0.2, max_attempts=2, sleep=_no_sleep) as client:
        with pytest.raises(TransientIntegrationError, match="timeout"):
            await client.status([ACTIVE_NUMBER])


async def test_unreachable_server_is_transient() -> None:
    async with NtsClient("http://127.0.0.1:9", KEY, max_attempts=2, sleep=_no_sleep) as client:
        with pytest.raises(TransientIntegrationError):
            await client.status([ACTIVE_NUMBER])


async def test_validate(nts: NtsClient) -> None:
    assert await nts.validate(_hyphenated(ACTIVE_NUMBER), date(2015, 3, 2), "김정밀") is True
    assert await nts.validate(ACTIVE_NUMBER, date(2015, 3, 3), "김정밀") is False
    assert await nts.validate(ACTIVE_NUMBER, date(2015, 3, 2), "김다름") is False
    assert await nts.validate(UNREGISTERED_NUMBER, date(2015, 3, 2), "김정밀") is False
    with pytest.raises(ValidationFailed):
        await nts.validate(ACTIVE_NUMBER, date(2015, 3, 2), "  ")


# The simulator's error answers, seen by a plain HTTP client (the NtsClient never sends them).


async def test_simulator_error_shapes(sim: SimulatorServer) -> None:
    url = sim.url + STATUS_PATH
    async with httpx.AsyncClient() as http:
        too_large = await http.post(url, params={"serviceKey": KEY}, json={"b_no": [ACTIVE_NUMBER] * 101})
        bad_json = await http.post(url, params={"serviceKey": KEY}, content=b"{not json")
        missing = await http.post(url, params={"serviceKey": KEY}, json={"numbers": [ACTIVE_NUMBER]})
        no_key = await http.post(url, json={"b_no": [ACTIVE_NUMBER]})
    assert (too_large.status_code, too_large.json()) == (413, {"status_code": "TOO_LARGE_REQUEST"})
    assert (bad_json.status_code, bad_json.json()) == (400, {"status_code": "BAD_JSON_REQUEST"})
    assert (missing.status_code, missing.json()) == (411, {"status_code": "REQUEST_DATA_MALFORMED"})
    assert no_key.json()["code"] == -4


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (413, {"status_code": "TOO_LARGE_REQUEST"}, PermanentIntegrationError),
        (400, {"status_code": "BAD_JSON_REQUEST"}, PermanentIntegrationError),
        (200, {"code": -4, "msg": "등록되지 않은 인증키 입니다."}, PermanentIntegrationError),
        (200, {"status_code": "OK", "data": "nope"}, PermanentIntegrationError),
        (500, {"status_code": "INTERNAL_ERROR"}, TransientIntegrationError),
        (429, {}, TransientIntegrationError),
    ],
)
async def test_error_answers_are_classified(status: int, body: dict[str, object], error: type[Exception]) -> None:
    """Answers the simulator never gives on its own path (e.g. a key error under HTTP 200)."""
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(status, json=body)

    client = NtsClient(
        "http://nts.invalid", KEY, max_attempts=2, sleep=_no_sleep, transport=httpx.MockTransport(handler)
    )
    async with client:
        with pytest.raises(error) as caught:
            await client.status([ACTIVE_NUMBER])
    code = body.get("status_code")
    if isinstance(code, str) and code != "OK":
        assert code in str(caught.value)
    assert calls == (2 if error is TransientIntegrationError else 1)


async def test_non_json_answer_is_permanent() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, text="<html>maintenance</html>"))
    client = NtsClient("http://nts.invalid", KEY, sleep=_no_sleep, transport=transport)
    async with client:
        with pytest.raises(PermanentIntegrationError, match="not a JSON object"):
            await client.status([ACTIVE_NUMBER])


async def test_service_key_never_logged(nts: NtsClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await nts.status([ACTIVE_NUMBER])
    assert "serviceKey=***" in caplog.text
    assert "test%2Bkey" not in caplog.text and KEY not in caplog.text
    assert "test" not in repr(nts)
