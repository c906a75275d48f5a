"""Readiness: check each configured backend and say which run on their embedded default."""

from __future__ import annotations

import asyncio
from typing import Any

from kombu import Connection

from m24.config import Settings
from m24.integrations.http import make_client, probe
from m24.kit.db import Database


async def _check(coro: Any) -> dict[str, Any]:
    try:
        await asyncio.wait_for(coro, timeout=5.0)
        return {"ok": True}
    except Exception as exc:  # readiness reports every failure, whatever it is
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _broker_ping(url: str) -> None:
    with Connection(url, connect_timeout=3) as conn:
        conn.ensure_connection(max_retries=1)


async def check_all(settings: Settings, db: Database) -> dict[str, Any]:
    embedded = settings.embedded_components()
    checks: dict[str, Any] = {}
    checks["database"] = await _check(db.ping())
    checks["broker"] = await _check(asyncio.to_thread(_broker_ping, settings.effective_broker_url))
    if settings.elasticsearch_url:
        async with make_client(settings.elasticsearch_url, timeout=3.0) as client:
            checks["search"] = await _check(probe("elasticsearch", client, "/_cluster/health"))
    else:
        checks["search"] = {"ok": True, "detail": "database search (embedded)"}
    if settings.keycloak_url:
        async with make_client(settings.keycloak_url, timeout=3.0) as client:
            checks["identity"] = await _check(probe("keycloak", client, "/.well-known/openid-configuration"))
    else:
        checks["identity"] = {"ok": True, "detail": "development issuer (embedded)"}
    for name, result in checks.items():
        result["embedded"] = embedded[name]
    return {"ready": all(c["ok"] for c in checks.values()), "env": settings.env.value, "checks": checks}
