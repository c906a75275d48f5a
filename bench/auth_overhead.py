"""Cost of an authenticated GraphQL request against an anonymous one, in the same run.

The authenticated request carries a development-issuer bearer token (RS256 signature check, claim
checks) and resolves the principal from the database (person and memberships).

    .venv/bin/python -m bench.auth_overhead --url sqlite
    .venv/bin/python -m bench.auth_overhead --url postgresql://m24:m24@127.0.0.1:55432/m24

Results are appended to bench/results/auth_overhead.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from bench.seed_scale import drop, fresh_database, record
from m24.app import create_app
from m24.auth.personas import PERSONAS
from m24.config import Settings
from m24.kit.db import Database
from m24.migrations import runner
from m24.portal.seed import seed

RESULTS = Path(__file__).resolve().parent / "results" / "auth_overhead.jsonl"
QUERY = "{ fundingPrograms(first: 5) { totalCount edges { node { title } } } me { name } }"


async def measure(url: str, data_dir: Path, rounds: int) -> dict[str, float]:
    db = Database(url)
    app = create_app(Settings(database_url=url, data_dir=data_dir, log_json=False), database=db)
    token = app.state.identity.dev_issuer.tokens_for(PERSONAS["sme"], client_id="m24-cli")["access_token"]
    headers = {"anonymous": {}, "authenticated": {"Authorization": f"Bearer {token}"}}
    timings: dict[str, list[float]] = {k: [] for k in headers}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for _ in range(5):
            for h in headers.values():
                await client.post("/graphql", json={"query": QUERY}, headers=h)
        for _ in range(rounds):
            for kind, h in headers.items():  # interleaved, so drift affects both alike
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": QUERY}, headers=h)
                timings[kind].append(time.perf_counter() - started)
                assert response.status_code == 200 and "errors" not in response.json(), response.text
    await db.dispose()
    return {k: statistics.median(v) * 1000 for k, v in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="sqlite")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, handle = fresh_database(args.url, Path(tmp))
        try:
            runner.upgrade(url)
            seed(url, scale=500, today=date(2026, 11, 23))
            medians = asyncio.run(measure(url, Path(tmp), args.rounds))
        finally:
            drop(handle)
    backend = "sqlite" if args.url == "sqlite" else "postgresql"
    record(
        RESULTS,
        {
            "bench": "auth_overhead",
            "backend": backend,
            "median_ms_anonymous": round(medians["anonymous"], 2),
            "median_ms_authenticated": round(medians["authenticated"], 2),
            "ratio_authenticated_over_anonymous": round(medians["authenticated"] / medians["anonymous"], 2),
            "command": f"python -m bench.auth_overhead --url {'sqlite' if backend == 'sqlite' else '<postgresql-url>'} "
            f"--rounds {args.rounds}",
        },
    )


if __name__ == "__main__":
    main()
