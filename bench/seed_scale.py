"""Seed throughput at scale: a small baseline and a large run on the same backend, in one run.

    .venv/bin/python bench/seed_scale.py --url sqlite --large 100000
    .venv/bin/python bench/seed_scale.py --url postgresql://m24:m24@127.0.0.1:55432/m24 --large 100000

Reports seconds per run and the ratio of per-company cost (large / baseline); a ratio near 1 means
the seed scales linearly. Results are appended to bench/results/seed_scale.jsonl.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from m24.kit.db import make_sync_engine
from m24.migrations import runner
from m24.portal.seed import seed

RESULTS = Path(__file__).resolve().parent / "results" / "seed_scale.jsonl"


def record(path: Path, result: dict[str, object]) -> None:
    """Append one result line (with the command that reproduces it) and show it."""
    path.parent.mkdir(exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


def fresh_database(base: str, workdir: Path) -> tuple[str, object]:
    if base == "sqlite":
        path = workdir / f"{uuid.uuid4().hex}.sqlite3"
        return f"sqlite:///{path}", None
    name = f"m24bench_{uuid.uuid4().hex[:8]}"
    admin = make_sync_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return make_url(base).set(database=name).render_as_string(hide_password=False), (admin, name)


def drop(handle: object) -> None:
    if handle is None:
        return
    admin, name = handle  # type: ignore[misc]
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name})
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin.dispose()


def timed_seed(base: str, scale: int, workdir: Path) -> float:
    url, handle = fresh_database(base, workdir)
    try:
        runner.upgrade(url)
        started = time.perf_counter()
        report = seed(url, scale=scale, today=date(2026, 11, 23))
        elapsed = time.perf_counter() - started
        assert not report.skipped
        return elapsed
    finally:
        drop(handle)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="sqlite", help="'sqlite' or a PostgreSQL server URL (a database is created)")
    parser.add_argument("--baseline", type=int, default=2000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = timed_seed(args.url, args.baseline, Path(tmp))
        large = timed_seed(args.url, args.large, Path(tmp))
    backend = "sqlite" if args.url == "sqlite" else "postgresql"
    result = {
        "bench": "seed_scale",
        "backend": backend,
        "baseline_companies": args.baseline,
        "baseline_seconds": round(small, 2),
        "large_companies": args.large,
        "large_seconds": round(large, 2),
        "per_company_cost_ratio": round((large / args.large) / (small / args.baseline), 3),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "command": f"python bench/seed_scale.py --url {'sqlite' if backend == 'sqlite' else '<postgresql-url>'} "
        f"--baseline {args.baseline} --large {args.large}",
    }
    record(RESULTS, result)


if __name__ == "__main__":
    main()
