"""The shared httpx client factory and error classification used by every outside-system client."""

from __future__ import annotations

import ssl
from functools import lru_cache

import certifi
import httpx

from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError

USER_AGENT = "m24-portal/0.1 (+https://github.com/m24)"


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process. Building one loads the whole CA bundle (tens of
    milliseconds of CPU); a client per outside call would pay that every time."""
    return ssl.create_default_context(cafile=certifi.where())


def make_client(
    base_url: str = "",
    *,
    timeout: float = 5.0,
    headers: dict[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient with an explicit timeout on connect/read/write/pool and our user agent.

    ``transport`` replaces the network (tests: an in-process app, or a scripted answer)."""
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        follow_redirects=False,
        verify=tls_context(),
    )


def raise_for_outcome(system: str, response: httpx.Response) -> None:
    """Classify a response: 5xx/429 transient, other 4xx permanent, 2xx/3xx fine."""
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientIntegrationError(system, f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise PermanentIntegrationError(system, f"HTTP {response.status_code}")


async def probe(system: str, client: httpx.AsyncClient, path: str) -> None:
    """GET a readiness path; raise a typed error when the system is not ready."""
    try:
        response = await client.get(path)
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        raise TransientIntegrationError(system, f"{type(exc).__name__}: {exc}") from exc
    raise_for_outcome(system, response)
