"""GraphQL list latency against page size: with dataloaders, 100 rows should cost far less than
10× the time of 10 rows. Baseline (first: 10) and large page (first: 100) in the same run.

    .venv/bin/python bench/graphql_page_size.py --url sqlite
    .venv/bin/python bench/graphql_page_size.py --url postgresql://m24:m24@127.0.0.1:55432/m24

Results are appended to bench/results/graphql_page_size.jsonl.
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
from m24.config import Settings
from m24.kit.db import Database
from m24.migrations import runner
from m24.portal.seed import seed

RESULTS = Path(__file__).resolve().parent / "results" / "graphql_page_size.jsonl"

QUERY = """
query($first: Int) {
  companies(first: $first) { totalCount edges { node { name region { name } industry { name } offerings { title } } } }
  fundingPrograms(first: $first) { totalCount edges { node {
    title ownerAgency { name } operatorAgency { name regions { code } } regions { code } industries { code }
    stages { name } eligibilityRules { version } } } }
}
"""


async def measure(url: str, data_dir: Path, rounds: int) -> dict[str, float]:
    db = Database(url)
    app = create_app(Settings(database_url=url, data_dir=data_dir, log_json=False), database=db)
    timings: dict[int, list[float]] = {10: [], 100: []}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for _ in range(3):  # warm-up
            for first in timings:
                await client.post("/graphql", json={"query": QUERY, "variables": {"first": first}})
        for _ in range(rounds):
            for first in timings:
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": QUERY, "variables": {"first": first}})
                timings[first].append(time.perf_counter() - started)
                assert "errors" not in response.json(), response.text
    await db.dispose()
    return {str(k): statistics.median(v) * 1000 for k, v in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="sqlite")
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, handle = fresh_database(args.url, Path(tmp))
        try:
            runner.upgrade(url)
            seed(url, scale=args.scale, today=date(2026, 11, 23))
            medians = asyncio.run(measure(url, Path(tmp), args.rounds))
        finally:
            drop(handle)
    backend = "sqlite" if args.url == "sqlite" else "postgresql"
    result = {
        "bench": "graphql_page_size",
        "backend": backend,
        "median_ms_first_10": round(medians["10"], 2),
        "median_ms_first_100": round(medians["100"], 2),
        "ratio_100_over_10": round(medians["100"] / medians["10"], 2),
        "rows_ratio": 10,
        "command": f"python bench/graphql_page_size.py --url {'sqlite' if backend == 'sqlite' else '<postgresql-url>'} "
        f"--scale {args.scale} --rounds {args.rounds}",
    }
    record(RESULTS, result)


if __name__ == "__main__":
    main()
