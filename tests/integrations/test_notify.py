"""The notification-gateway client against the simulator over real HTTP (uvicorn on 127.0.0.1 in a thread)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError
from m24.integrations.notify import Channel, NotifyClient, OutgoingMessage, RateLimited
from m24.integrations.notify.client import MESSAGES_PATH, retry_after_seconds
from m24.integrations.notify.simulator import DEV_API_KEY, SimulatorServer, create_app

KEY = "test-notify-key-s3cret"

WELCOME = OutgoingMessage(
    Channel.EMAIL,
    "kim@hanbit.example",
    "member.welcome",
    {"name": "김정밀", "count": 3},
    subject="가입을 환영합니다",
)
KAKAO = OutgoingMessage(Channel.KAKAO, "01012345678", "funding.approved", {"program": "스마트공장"})


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    with SimulatorServer(api_key=KEY) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(sim: SimulatorServer) -> None:
    sim.reset()


@pytest_asyncio.fixture
async def notify(sim: SimulatorServer) -> AsyncIterator[NotifyClient]:
    async with NotifyClient(sim.url, KEY, timeout=2.0) as client:
        yield client


async def _raw_post(sim: SimulatorServer, body: Any, *, idempotency_key: str | None = "raw-1") -> httpx.Response:
    headers = {"Authorization": f"Bearer {KEY}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    async with httpx.AsyncClient() as http:
        if isinstance(body, bytes):
            return await http.post(sim.url + MESSAGES_PATH, content=body, headers=headers)
        return await http.post(sim.url + MESSAGES_PATH, json=body, headers=headers)


async def test_message_is_accepted(notify: NotifyClient, sim: SimulatorServer) -> None:
    before = datetime.now(UTC)

    sent = await notify.send(WELCOME, idempotency_key="welcome-1")

    assert sent.message_id.startswith("msg_") and len(sent.message_id) > 4
    assert sent.replayed is False
    assert sent.accepted_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= sent.accepted_at <= datetime.now(UTC) + timedelta(seconds=1)
    [message] = sim.messages
    assert message["message_id"] == sent.message_id
    assert (message["channel"], message["to"], message["template"], message["subject"]) == (
        "email",
        "kim@hanbit.example",
        "member.welcome",
        "가입을 환영합니다",
    )
    assert message["variables"] == {"name": "김정밀", "count": 3}
    assert message["idempotency_key"] == "welcome-1"
    assert sim.calls == [("send", 202)]


async def test_same_key_and_body_is_replayed_not_sent_twice(notify: NotifyClient, sim: SimulatorServer) -> None:
    first = await notify.send(KAKAO, idempotency_key="approved-42")
    again = await notify.send(KAKAO, idempotency_key="approved-42")
    other = await notify.send(KAKAO, idempotency_key="approved-43")

    assert again.message_id == first.message_id
    assert again.accepted_at == first.accepted_at
    assert (first.replayed, again.replayed, other.replayed) == (False, True, False)
    assert other.message_id != first.message_id
    assert [m["message_id"] for m in sim.messages] == [first.message_id, other.message_id]
    assert sim.calls == [("send", 202), ("send", 200), ("send", 202)]


async def test_same_key_with_another_body_is_permanent(notify: NotifyClient, sim: SimulatorServer) -> None:
    await notify.send(KAKAO, idempotency_key="k-1")
    changed = OutgoingMessage(Channel.KAKAO, "01012345678", "funding.approved", {"program": "다른 사업"})

    with pytest.raises(PermanentIntegrationError, match="HTTP 409 idempotency_key_reused") as caught:
        await notify.send(changed, idempotency_key="k-1")

    assert caught.value.system == "notify"
    assert len(sim.messages) == 1


async def test_wrong_key_is_permanent(sim: SimulatorServer) -> None:
    async with NotifyClient(sim.url, "not-the-key") as client:
        with pytest.raises(PermanentIntegrationError, match="HTTP 401 unauthorized") as caught:
            await client.send(WELCOME, idempotency_key="w-1")
    assert not isinstance(caught.value, TransientIntegrationError)
    assert "not-the-key" not in str(caught.value)
    assert sim.messages == []


async def test_missing_key_is_unauthorized(sim: SimulatorServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(sim.url + MESSAGES_PATH, json=KAKAO.to_json(), headers={"Idempotency-Key": "x"})
    assert (response.status_code, response.json()) == (401, {"error": "unauthorized"})


async def test_500_is_transient_and_tried_once(notify: NotifyClient, sim: SimulatorServer) -> None:
    sim.fail_next(1)

    with pytest.raises(TransientIntegrationError, match="HTTP 500 internal") as caught:
        await notify.send(WELCOME, idempotency_key="w-1")
    assert not isinstance(caught.value, RateLimited)
    assert sim.calls == [("send", 500)]
    assert sim.messages == []

    sent = await notify.send(WELCOME, idempotency_key="w-1")  # the caller's retry
    assert sent.replayed is False
    assert sim.calls == [("send", 500), ("send", 202)]


async def test_other_5xx_is_transient(notify: NotifyClient, sim: SimulatorServer) -> None:
    sim.fail_next(1, status=503)
    with pytest.raises(TransientIntegrationError, match="HTTP 503"):
        await notify.send(WELCOME, idempotency_key="w-1")


async def test_429_is_rate_limited_with_retry_after(notify: NotifyClient, sim: SimulatorServer) -> None:
    sim.rate_limit_next(1, retry_after=7)

    with pytest.raises(RateLimited, match="HTTP 429 rate_limited") as caught:
        await notify.send(KAKAO, idempotency_key="r-1")

    assert isinstance(caught.value, TransientIntegrationError)
    assert caught.value.retry_after == 7.0
    assert sim.calls == [("send", 429)]
    assert (await notify.send(KAKAO, idempotency_key="r-1")).replayed is False


async def test_timeout_is_transient_and_retry_with_same_key_is_replayed(sim: SimulatorServer) -> None:
    sim.delay_next(1, 0.6)
    async with NotifyClient(sim.url, KEY, timeout=0.2) as client:
        started = time.monotonic()
        with pytest.raises(TransientIntegrationError, match="timeout"):
            await client.send(KAKAO, idempotency_key="slow-1")
        assert time.monotonic() - started < 0.55

        # The gateway finishes the call the client gave up on; the retry must not send a second message.
        for _ in range(60):
            if sim.messages:
                break
            await asyncio.sleep(0.05)
        [accepted] = sim.messages
        retried = await client.send(KAKAO, idempotency_key="slow-1")

    assert retried.replayed is True
    assert retried.message_id == accepted["message_id"]
    assert len(sim.messages) == 1


async def test_unreachable_gateway_is_transient() -> None:
    async with NotifyClient("http://127.0.0.1:9", KEY, timeout=1.0) as client:
        with pytest.raises(TransientIntegrationError):
            await client.send(KAKAO, idempotency_key="u-1")


async def test_invalid_address_via_client_is_permanent(notify: NotifyClient, sim: SimulatorServer) -> None:
    no_at = OutgoingMessage(Channel.EMAIL, "kim.hanbit.example", "member.welcome")
    with pytest.raises(PermanentIntegrationError, match="HTTP 400 invalid_request: to: 올바른 이메일"):
        await notify.send(no_at, idempotency_key="bad-1")
    assert sim.messages == []
    assert sim.calls == [("send", 400)]


@pytest.mark.parametrize(
    ("body", "detail_part"),
    [
        ({"channel": "fax", "to": "01012345678", "template": "a.b"}, "channel"),
        ({"channel": "email", "to": "kim.hanbit.example", "template": "a.b"}, "이메일"),
        ({"channel": "email", "to": "@hanbit.example", "template": "a.b"}, "이메일"),
        ({"channel": "sms", "to": "010-1234-5678", "template": "a.b"}, "휴대전화"),
        ({"channel": "kakao", "to": "0212345678", "template": "a.b"}, "휴대전화"),
        ({"channel": "sms", "to": "010123456789", "template": "a.b"}, "휴대전화"),
        ({"channel": "sms", "to": "01012345678", "template": "Welcome!"}, "template"),
        ({"channel": "sms", "to": "01012345678", "template": "x" * 65}, "template"),
        ({"channel": "sms", "to": "01012345678"}, "template"),
        ({"channel": "sms", "to": "01012345678", "template": "a.b", "variables": {"ok": True}}, "variables"),
        ({"channel": "sms", "to": "01012345678", "template": "a.b", "variables": ["x"]}, "variables"),
        ({"channel": "email", "to": "a@b.kr", "template": "a.b", "subject": 5}, "subject"),
        ({"channel": "sms", "to": "01012345678", "template": "a.b", "priority": "high"}, "priority"),
        (["not", "an", "object"], "객체"),
        (b"{not json", "JSON"),
    ],
)
async def test_simulator_rejects_bad_requests(sim: SimulatorServer, body: Any, detail_part: str) -> None:
    response = await _raw_post(sim, body)

    assert response.status_code == 400
    answer = response.json()
    assert answer["error"] == "invalid_request"
    assert detail_part in answer["detail"]
    assert sim.messages == []


@pytest.mark.parametrize("key", [None, "", "x" * 101])
async def test_simulator_requires_an_idempotency_key(sim: SimulatorServer, key: str | None) -> None:
    response = await _raw_post(sim, KAKAO.to_json(), idempotency_key=key)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "Idempotency-Key" in response.json()["detail"]


async def test_simulator_accepts_limits_and_treats_missing_subject_as_null(sim: SimulatorServer) -> None:
    longest = {"channel": "sms", "to": "0101234567", "template": "a" * 64}
    first = await _raw_post(sim, longest, idempotency_key="x" * 100)
    again = await _raw_post(sim, {**longest, "subject": None, "variables": {}}, idempotency_key="x" * 100)

    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json() == again.json()
    assert first.json()["status"] == "accepted"


async def test_status_of_a_sent_message(notify: NotifyClient, sim: SimulatorServer) -> None:
    sent = await notify.send(KAKAO, idempotency_key="s-1")

    status = await notify.status(sent.message_id)

    assert (status.message_id, status.channel, status.to, status.template, status.status) == (
        sent.message_id,
        Channel.KAKAO,
        "01012345678",
        "funding.approved",
        "delivered",
    )
    assert status.accepted_at == sent.accepted_at
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}) as http:
        raw = await http.get(f"{sim.url}{MESSAGES_PATH}/{sent.message_id}")
        missing = await http.get(f"{sim.url}{MESSAGES_PATH}/msg_0000")
    assert set(raw.json()) == {"message_id", "channel", "to", "template", "status", "accepted_at"}
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")


async def test_status_of_an_unknown_message_is_permanent(notify: NotifyClient) -> None:
    with pytest.raises(PermanentIntegrationError, match="HTTP 404 not_found"):
        await notify.status("msg_ffff")
    with pytest.raises(PermanentIntegrationError, match="HTTP 404"):
        await notify.status("msg/../health")


async def test_health(notify: NotifyClient, sim: SimulatorServer) -> None:
    sim.fail_next(1)  # the knobs never touch /v1/health
    await notify.health()
    async with httpx.AsyncClient() as http:
        response = await http.get(sim.url + "/v1/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_mounted_app_serves_the_same_interface() -> None:
    transport = httpx.ASGITransport(app=create_app(DEV_API_KEY))
    async with NotifyClient("http://notify.test", DEV_API_KEY, transport=transport) as client:
        sent = await client.send(WELCOME, idempotency_key="m-1")
        assert (await client.status(sent.message_id)).status == "delivered"


async def test_bad_idempotency_key_is_refused_before_any_call(notify: NotifyClient, sim: SimulatorServer) -> None:
    for key in ("", "x" * 101, "한글키", "line\nbreak"):
        with pytest.raises(ValueError, match="idempotency_key"):
            await notify.send(KAKAO, idempotency_key=key)
    assert sim.calls == []


async def test_api_key_never_shown(notify: NotifyClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await notify.send(KAKAO, idempotency_key="log-1")
    assert "HTTP Request" in caplog.text
    assert KEY not in caplog.text
    assert KEY not in repr(notify) and "s3cret" not in repr(notify)


def test_outgoing_message_is_immutable() -> None:
    variables: dict[str, str | int] = {"name": "김"}
    message = OutgoingMessage(Channel.SMS, "01012345678", "a.b", variables)
    variables["name"] = "이"
    assert message.variables == {"name": "김"}
    assert message.to_json() == {"channel": "sms", "to": "01012345678", "template": "a.b", "variables": {"name": "김"}}
    with pytest.raises(ValueError):
        OutgoingMessage("fax", "01012345678", "a.b")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "match"),
    [
        (200, "<html>maintenance</html>", {}, PermanentIntegrationError, "not a JSON object"),
        (
            202,
            {"status": "accepted", "accepted_at": "2025-01-02T03:04:05+00:00"},
            {},
            PermanentIntegrationError,
            "message_id",
        ),
        (
            202,
            {"message_id": "msg_1", "status": "accepted", "accepted_at": "2025-01-02T03:04:05"},
            {},
            PermanentIntegrationError,
            "accepted_at",
        ),
        (
            202,
            {"message_id": "msg_1", "status": "queued", "accepted_at": "2025-01-02T03:04:05Z"},
            {},
            PermanentIntegrationError,
            "status",
        ),
        (201, {"message_id": "msg_1"}, {}, PermanentIntegrationError, "HTTP 201"),
        (404, "", {}, PermanentIntegrationError, "HTTP 404"),
        (502, "<html>bad gateway</html>", {}, TransientIntegrationError, "HTTP 502"),
        (429, {"error": "rate_limited"}, {}, RateLimited, "HTTP 429"),
    ],
)
async def test_answers_are_classified(
    status: int, body: Any, headers: dict[str, str], error: type[Exception], match: str
) -> None:
    """Answers the simulator never gives on its own."""

    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    async with NotifyClient("http://notify.invalid", KEY, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(error, match=match) as caught:
            await client.send(KAKAO, idempotency_key="c-1")
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after is None


async def test_client_sends_the_protocol_headers_and_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            202, json={"message_id": "msg_ab", "status": "accepted", "accepted_at": "2025-01-02T03:04:05Z"}
        )

    async with NotifyClient("http://notify.invalid/", KEY, transport=httpx.MockTransport(handler)) as client:
        sent = await client.send(WELCOME, idempotency_key="h-1")

    assert sent.accepted_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/v1/messages")
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Idempotency-Key"] == "h-1"
    assert request.headers["Content-Type"] == "application/json"


def test_retry_after_parsing() -> None:
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(" 1.5 ") == 1.5
    assert retry_after_seconds("-3") == 0.0
    assert retry_after_seconds("Thu, 02 Jan 2025 03:04:35 GMT", now=now) == 30.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("nan") is None
