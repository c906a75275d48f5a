"""The `m24` command: serve, worker, beat, db, seed."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from typing import Annotated

import typer

from m24.config import Settings, get_settings
from m24.observability import configure_logging
from m24.workflows.queues import QUEUES

app = typer.Typer(help="제조 AI 24 portal backend.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
auth_app = typer.Typer(help="Identity helpers for development.", no_args_is_help=True)
app.add_typer(auth_app, name="auth")
workflows_app = typer.Typer(help="Funding workflows: what is waiting, late or failed.", no_args_is_help=True)
app.add_typer(workflows_app, name="workflows")
search_app = typer.Typer(
    help="The search index (Elasticsearch, or the database backend embedded): rebuild, verify, relay.",
    no_args_is_help=True,
)
app.add_typer(search_app, name="search")

log = logging.getLogger("m24.cli")

#: Where `m24 serve` records the URL it serves (development only), for `m24 auth dev-token`.
SERVED_URL_FILE = "served-url"


def _settings() -> Settings:
    try:
        return get_settings()
    except Exception as exc:  # ConfigurationError and pydantic validation errors name the variable
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


def _prepare_data_dir(settings: Settings) -> None:
    if any(settings.embedded_components()[k] for k in ("database", "broker")):
        settings.data_dir.mkdir(parents=True, exist_ok=True)


def _worker_argv(queues: str, concurrency: int, loglevel: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "m24.workflows.worker:celery_app",
        "worker",
        "--queues",
        queues,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        loglevel,
        "--without-gossip",
        "--without-mingle",
    ]


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """In the worker child: ask Linux to send SIGTERM if `m24 serve` dies without cleaning up."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    worker: Annotated[
        bool | None,
        typer.Option("--worker/--no-worker", help="Also run a Celery worker process (default in development)."),
    ] = None,
) -> None:
    """Run the API (and, in development, an embedded Celery worker process beside it)."""
    import uvicorn

    settings = _settings()
    if "public_url" not in settings.model_fields_set:
        # Login redirects and the development issuer's URL follow the address actually served.
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        settings = settings.model_copy(update={"public_url": f"http://{shown_host}:{port}"})
    configure_logging(settings.log_level, settings.log_json)
    _prepare_data_dir(settings)
    if not settings.is_production:
        # `m24 auth dev-token` reads this so its tokens carry the issuer of the portal actually served.
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        (settings.data_dir / SERVED_URL_FILE).write_text(settings.public_url, encoding="utf-8")
    run_worker = (not settings.is_production) if worker is None else worker
    child: subprocess.Popen[bytes] | None = None
    if run_worker:
        # The embedded worker also runs the beat schedule (SLA sweep, outbox sweep): one machine, one
        # worker, nothing else to start.
        beat = ["--beat", "--schedule", str(settings.data_dir / "celerybeat-schedule")]
        # The worker reaches the embedded stand-ins (NTS, notification gateway) at the served address.
        child = subprocess.Popen(  # noqa: S603
            [*_worker_argv(",".join(QUEUES), 1, "INFO"), *beat],
            env={**os.environ, "M24_PUBLIC_URL": settings.public_url},
            preexec_fn=_die_with_parent,  # only sets a kernel flag; no locks involved
        )
        log.info("embedded Celery worker started (pid %s)", child.pid)
        # uvicorn re-raises SIGTERM/SIGINT after its graceful shutdown; turning them into SystemExit
        # lets the `finally` below stop the worker cleanly instead of the process dying first.
        signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        from m24.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_config=None, proxy_headers=True)
    finally:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


@app.command()
def worker(
    queues: Annotated[
        str, typer.Option(help="Comma-separated queues (default: all; an agency may run e.g. regional.gyeonggi).")
    ] = ",".join(QUEUES),
    concurrency: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    loglevel: Annotated[str, typer.Option()] = "INFO",
) -> None:
    """Run a Celery worker (one event loop and one database engine per process)."""
    settings = _settings()
    _prepare_data_dir(settings)
    os.execv(sys.executable, _worker_argv(queues, concurrency, loglevel))  # noqa: S606


@app.command()
def beat(loglevel: Annotated[str, typer.Option()] = "INFO") -> None:
    """Run Celery beat (periodic sweeps, SLA timers)."""
    settings = _settings()
    _prepare_data_dir(settings)
    schedule = str(settings.data_dir / "celerybeat-schedule")
    argv = [sys.executable, "-m", "celery", "-A", "m24.workflows.worker:celery_app", "beat", "--loglevel", loglevel]
    os.execv(sys.executable, [*argv, "--schedule", schedule])  # noqa: S606


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from m24.migrations import runner

    settings = _settings()
    _prepare_data_dir(settings)
    runner.upgrade(settings.effective_database_url, revision)
    typer.echo(f"database at {runner.current_revision(settings.effective_database_url)}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (``base`` empties the schema)."""
    from m24.migrations import runner

    settings = _settings()
    runner.downgrade(settings.effective_database_url, revision)
    typer.echo(f"database at {runner.current_revision(settings.effective_database_url)}")


@db_app.command("current")
def db_current() -> None:
    """Print the applied revision."""
    from m24.migrations import runner

    settings = _settings()
    typer.echo(runner.current_revision(settings.effective_database_url) or "(empty)")


@app.command()
def seed(
    scale: Annotated[int, typer.Option(min=1, max=1_000_000, help="Number of companies to generate.")] = 200,
    reset: Annotated[bool, typer.Option(help="Delete existing data first.")] = False,
) -> None:
    """Load deterministic, realistic Korean demo data (idempotent: skips a database that has data)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from m24.migrations import runner
    from m24.portal.seed import seed as run_seed

    settings = _settings()
    _prepare_data_dir(settings)
    url = settings.effective_database_url
    if runner.current_revision(url) != runner.head_revision():
        typer.echo("database schema is not at head; run `m24 db upgrade` first", err=True)
        raise typer.Exit(1)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=max(total, 1))
            progress.update(tasks[step], completed=done, total=max(total, 1))

        result = run_seed(url, scale=scale, progress=report, reset=reset)
    elapsed = time.perf_counter() - started
    if result.skipped:
        typer.echo("database already has data; seed skipped (use --reset to start over)")
        return
    typer.echo(f"seeded in {elapsed:.1f}s: {result}")
    # Seeded rows are written in bulk, past the outbox: project them into the search index now.
    from m24.search.backend import SearchUnavailable

    try:
        _rebuild_search(settings)
    except SearchUnavailable as error:
        typer.echo(f"search index not built ({error.message} {error.detail}); run `m24 search rebuild` later", err=True)


def _rebuild_search(settings: Settings) -> dict[str, int]:
    import asyncio

    from m24.kit.db import Database
    from m24.search import service as search

    async def run() -> dict[str, int]:
        db = Database(settings.effective_database_url)
        backend = search.make_backend(settings, db)
        started = time.perf_counter()
        last = [0.0]

        def progress(index: str, written: int) -> None:
            now = time.perf_counter()
            if now - last[0] >= 1.0:
                last[0] = now
                typer.echo(f"  {index}: {written:,}건 색인 ({written / max(now - started, 1e-9):,.0f}건/초)", err=True)

        try:
            counts = await search.rebuild(db, backend, progress)
        finally:
            await backend.close()
            await db.dispose()
        elapsed = time.perf_counter() - started
        typer.echo(
            f"검색 색인 완료 ({backend.name}, {elapsed:.1f}s): "
            + ", ".join(f"{name} {count:,}건" for name, count in counts.items())
        )
        return counts

    return asyncio.run(run())


@search_app.command("rebuild")
def search_rebuild() -> None:
    """Project every row into fresh indices and swap them in (the old ones answer until the swap)."""
    from m24.search.backend import SearchUnavailable

    try:
        _rebuild_search(_settings())
    except SearchUnavailable as error:
        typer.echo(f"{error.message} ({error.detail})", err=True)
        raise typer.Exit(1) from None


@search_app.command("verify")
def search_verify(
    show: Annotated[int, typer.Option(min=0, max=10_000, help="Ids listed per kind of drift.")] = 10,
) -> None:
    """Compare the database with the index: missing, stale and extra documents. Exit 1 on any drift."""
    import asyncio

    from m24.kit.db import Database
    from m24.search import service as search
    from m24.search.backend import IndexDrift, SearchUnavailable

    settings = _settings()

    async def run() -> tuple[list[IndexDrift], int]:
        db = Database(settings.effective_database_url)
        backend = search.make_backend(settings, db)
        try:
            return await search.verify(db, backend), await search.outbox_backlog(db)
        finally:
            await backend.close()
            await db.dispose()

    try:
        drifts, backlog = asyncio.run(run())
    except SearchUnavailable as error:
        typer.echo(f"{error.message} ({error.detail})", err=True)
        raise typer.Exit(2) from None
    for drift in drifts:
        state = "일치" if drift.clean else "불일치"
        typer.echo(
            f"{drift.index}: {state} — DB {drift.expected:,}건, 색인 {drift.indexed:,}건, "
            f"누락 {len(drift.missing):,} · 구버전 {len(drift.stale):,} · 불필요 {len(drift.extra):,}"
        )
        for label, ids in (("누락", drift.missing), ("구버전", drift.stale), ("불필요", drift.extra)):
            for doc_id in ids[:show]:
                typer.echo(f"  {label}\t{doc_id}")
    typer.echo(f"outbox 대기 {backlog:,}건 (relay가 아직 반영하지 않은 변경)")
    raise typer.Exit(0 if all(d.clean for d in drifts) else 1)


@search_app.command("relay")
def search_relay() -> None:
    """Write every pending outbox change to the index now (the worker does this continuously)."""
    import asyncio

    from m24.kit.db import Database
    from m24.search import service as search
    from m24.search.backend import SearchUnavailable

    settings = _settings()

    async def run() -> int:
        db = Database(settings.effective_database_url)
        backend = search.make_backend(settings, db)
        try:
            return await search.relay_all(db, backend)
        finally:
            await backend.close()
            await db.dispose()

    try:
        typer.echo(f"{asyncio.run(run()):,}건 반영")
    except SearchUnavailable as error:
        typer.echo(f"{error.message} ({error.detail})", err=True)
        raise typer.Exit(1) from None


@workflows_app.command("stuck")
def workflows_stuck(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
) -> None:
    """List applications past their SLA, stalled in a system step, or with a task that failed for good.

    Exit status 0 when nothing is stuck, 1 when something is (usable from monitoring).
    """
    import asyncio
    import json

    from m24.kit.db import Database
    from m24.portal.funding import pipeline

    settings = _settings()

    async def load() -> list[pipeline.Stuck]:
        db = Database(settings.effective_database_url)
        try:
            async with db.read() as session:
                return await pipeline.stuck(session, limit=limit)
        finally:
            await db.dispose()

    found = asyncio.run(load())
    for item in found:
        if as_json:
            row = {
                "application_id": str(item.application_id),
                "receipt_number": item.receipt_number,
                "status": item.status,
                "reason": item.reason,
                "since": item.since.isoformat(),
            }
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            receipt = item.receipt_number or str(item.application_id)
            typer.echo(f"{receipt}\t{item.status}\t{item.since:%Y-%m-%d %H:%M}\t{item.reason}")
    if not as_json:
        typer.echo(f"{len(found)}건", err=True)
    raise typer.Exit(1 if found else 0)


@workflows_app.command("retry")
def workflows_retry(
    application_ids: Annotated[list[str], typer.Argument(help="Application ids (from `m24 workflows stuck`).")],
) -> None:
    """After fixing the cause (a routing rule, a reviewer, an outside system): close the recorded
    failures of these applications and send the job that moves each on again."""
    import asyncio
    import uuid

    from m24.kit.db import Database
    from m24.portal.funding import pipeline
    from m24.workflows import publisher
    from m24.workflows.celery_app import make_celery

    settings = _settings()
    publisher.install(make_celery(settings))
    try:
        ids = [uuid.UUID(value) for value in application_ids]
    except ValueError:
        typer.echo("application ids are UUIDs (see `m24 workflows stuck`)", err=True)
        raise typer.Exit(2) from None

    async def run() -> list[tuple[uuid.UUID, str | None]]:
        db = Database(settings.effective_database_url)
        try:
            done = []
            for application_id in ids:
                async with db.write() as session:
                    done.append((application_id, await pipeline.retry(session, application_id)))
            return done
        finally:
            await db.dispose()

    for application_id, job in asyncio.run(run()):
        typer.echo(f"{application_id}\t{job or '(다시 보낼 작업 없음)'}")


@auth_app.command("dev-token")
def dev_token(
    persona: Annotated[
        str, typer.Argument(help="sme, sme-staff, specialist, regional-reviewer, central-approver, admin")
    ],
    client_id: Annotated[str, typer.Option(help="The client the token is issued to (azp).")] = "m24-cli",
) -> None:
    """Print an access token from the development issuer (embedded default only)."""
    from m24.auth.dev_issuer import DevIssuer, DevIssuerRefused
    from m24.auth.personas import PERSONAS

    settings = _settings()
    if settings.is_production:
        typer.echo("m24 auth dev-token is refused when M24_ENV=production", err=True)
        raise typer.Exit(2)
    if settings.keycloak_url:
        typer.echo(
            "M24_KEYCLOAK_URL is set: get tokens from Keycloak instead (the API would not accept these)", err=True
        )
        raise typer.Exit(2)
    if persona not in PERSONAS:
        typer.echo(f"unknown persona {persona!r}; choose one of: {', '.join(PERSONAS)}", err=True)
        raise typer.Exit(2)
    served = settings.data_dir / SERVED_URL_FILE
    if "public_url" not in settings.model_fields_set and served.exists():
        settings = settings.model_copy(update={"public_url": served.read_text(encoding="utf-8").strip()})
    if client_id not in settings.token_clients:
        typer.echo(f"client {client_id!r} is not accepted by the API ({settings.accepted_token_clients})", err=True)
        raise typer.Exit(2)
    try:
        issuer = DevIssuer(
            settings.issuer_url,
            settings.data_dir / "dev-issuer-key.pem",
            production=settings.is_production,
            audience=settings.api_audience,
        )
    except DevIssuerRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(issuer.tokens_for(PERSONAS[persona], client_id=client_id)["access_token"])


def main() -> None:
    app()


if __name__ == "__main__":
    main()
