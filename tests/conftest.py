"""Test fixtures: real databases (PostgreSQL from the harness, SQLite for the embedded path).

`scripts/test.sh` exports M24_TEST_DATABASE_URL and M24_TEST_BROKER_URL (from scripts/services.sh)
and sets M24_REQUIRE_REAL_SERVICES=1, so a missing server fails the run instead of silently falling
back to SQLite. Without those variables (a developer's quick run) the main fixtures use SQLite.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from m24.app import create_app
from m24.integrations.nts.simulator import SimulatorServer
from m24.kit.db import Database, make_sync_engine
from m24.migrations import runner
from tests.helpers import NTS_TEST_KEY, SEARCH_PREFIX_ROOT, Api, settings_for

PG_URL = os.environ.get("M24_TEST_DATABASE_URL")
BROKER_URL = os.environ.get("M24_TEST_BROKER_URL")
ES_URL = os.environ.get("M24_TEST_ELASTICSEARCH_URL")
REQUIRE_REAL = os.environ.get("M24_REQUIRE_REAL_SERVICES") == "1"

if REQUIRE_REAL and not (PG_URL and BROKER_URL and ES_URL):
    raise RuntimeError(
        "M24_REQUIRE_REAL_SERVICES=1 but M24_TEST_DATABASE_URL / M24_TEST_BROKER_URL / "
        "M24_TEST_ELASTICSEARCH_URL are not set"
    )

SEED_TODAY = date.today()
SEED_SCALE = 200
SEED_SCALE_SMALL = 40


def _pg_admin_engine() -> sa.Engine:
    assert PG_URL
    return make_sync_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _pg_url_for(dbname: str) -> str:
    assert PG_URL
    return make_url(PG_URL).set(database=dbname).render_as_string(hide_password=False)


class PgDatabases:
    """Creates throwaway databases from a migrated template (CREATE DATABASE … TEMPLATE is fast)."""

    def __init__(self) -> None:
        self.prefix = f"m24t_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []
        self.template = f"{self.prefix}_tpl"
        self._create(self.template)
        runner.upgrade(_pg_url_for(self.template))
        # Close every connection to the template so it can be copied.
        with _pg_admin_engine().connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :d AND pid <> pg_backend_pid()"
                ),
                {"d": self.template},
            )

    def _create(self, name: str, template: str | None = None) -> str:
        engine = _pg_admin_engine()
        with engine.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
        engine.dispose()
        self.created.append(name)
        return _pg_url_for(name)

    def fresh(self, migrated: bool = True) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        return self._create(name, self.template if migrated else None)

    def fresh_seeded(self) -> str:
        """A private copy of a seeded database (for tests that write)."""
        if not hasattr(self, "seeded_template"):
            from m24.portal.seed import seed

            url = self.fresh()
            seed(url, scale=SEED_SCALE_SMALL, today=SEED_TODAY)
            self.seeded_template = make_url(url).database
            with _pg_admin_engine().connect() as conn:
                conn.execute(
                    sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                    {"d": self.seeded_template},
                )
        return self._create(f"{self.prefix}_{len(self.created)}", self.seeded_template)

    def drop_all(self) -> None:
        engine = _pg_admin_engine()
        with engine.connect() as conn:
            for name in reversed(self.created):
                conn.execute(
                    sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name}
                )
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        engine.dispose()


class SqliteDatabases:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self.template = root / "template.sqlite3"
        runner.upgrade(f"sqlite:///{self.template}")

    def fresh(self, migrated: bool = True) -> str:
        self.count += 1
        path = self.root / f"db{self.count}.sqlite3"
        if migrated:
            shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def fresh_seeded(self) -> str:
        seeded = self.root / "seeded-template.sqlite3"
        if not seeded.exists():
            from m24.portal.seed import seed

            shutil.copyfile(self.template, seeded)
            seed(f"sqlite:///{seeded}", scale=SEED_SCALE_SMALL, today=SEED_TODAY)
        self.count += 1
        path = self.root / f"db{self.count}.sqlite3"
        shutil.copyfile(seeded, path)
        return f"sqlite:///{path}"


@pytest.fixture(scope="session", autouse=True)
def _test_search_indices() -> Iterator[None]:
    """This session's Elasticsearch indices (named after its pid) are deleted when it ends."""
    yield
    if ES_URL:
        httpx.delete(
            f"{ES_URL}/{SEARCH_PREFIX_ROOT}-*",
            params={"ignore_unavailable": "true", "allow_no_indices": "true"},
            timeout=30,
        )


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (run through scripts/test.sh)")
    dbs = PgDatabases()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def main_databases(request: pytest.FixtureRequest) -> PgDatabases | SqliteDatabases:
    """The suite's main backend: real PostgreSQL when configured, else SQLite."""
    if PG_URL:
        return request.getfixturevalue("pg_databases")  # type: ignore[no-any-return]
    return request.getfixturevalue("sqlite_databases")  # type: ignore[no-any-return]


@pytest.fixture
def migrated_db_url(main_databases: PgDatabases | SqliteDatabases) -> str:
    """A fresh, empty database at the head migration on the main backend."""
    return main_databases.fresh()


@pytest.fixture
def sqlite_migrated_url(sqlite_databases: SqliteDatabases) -> str:
    return sqlite_databases.fresh()


@pytest.fixture(scope="session")
def seeded_db_url(main_databases: PgDatabases | SqliteDatabases) -> str:
    """One seeded database shared by read-only tests (do not write to it)."""
    from m24.portal.seed import seed

    url = main_databases.fresh()
    seed(url, scale=SEED_SCALE, today=SEED_TODAY)
    return url


@pytest.fixture(scope="session")
def seeded_sqlite_url(sqlite_databases: SqliteDatabases) -> str:
    from m24.portal.seed import seed

    url = sqlite_databases.fresh()
    seed(url, scale=SEED_SCALE, today=SEED_TODAY)
    return url


BACKENDS = ["postgresql", "sqlite"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(request: pytest.FixtureRequest) -> str:
    """The seeded database of each backend in turn: read-only GraphQL and HTTP tests run on both,
    since the embedded default must answer exactly like the real stack."""
    if request.param == "postgresql":
        return request.getfixturevalue("seeded_db_url")  # type: ignore[no-any-return]
    return request.getfixturevalue("seeded_sqlite_url")  # type: ignore[no-any-return]


@pytest_asyncio.fixture
async def seeded_db(seeded_url: str) -> AsyncIterator[Database]:
    db = Database(seeded_url)
    yield db
    await db.dispose()


@pytest_asyncio.fixture
async def client(seeded_url: str, seeded_db: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app over a seeded database (each backend in turn)."""
    app = create_app(settings_for(seeded_url, data_dir=tmp_path), database=seeded_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


@pytest.fixture
def seeded_fresh_url(main_databases: PgDatabases | SqliteDatabases) -> str:
    """A private seeded database on the main backend, for tests that change data."""
    return main_databases.fresh_seeded()


@pytest.fixture(scope="session")
def nts_server() -> Iterator[SimulatorServer]:
    """The NTS business-status simulator on a real local port (built from the published format)."""
    with SimulatorServer(service_key=NTS_TEST_KEY) as server:
        yield server


@pytest_asyncio.fixture
async def api(seeded_fresh_url: str, nts_server: SimulatorServer, tmp_path: Path) -> AsyncIterator[Api]:
    """The app over a private seeded database, with the NTS simulator; tokens from the dev issuer."""
    nts_server.reset()
    db = Database(seeded_fresh_url)
    settings = settings_for(seeded_fresh_url, data_dir=tmp_path, nts_url=nts_server.url, nts_service_key=NTS_TEST_KEY)
    app = create_app(settings, database=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield Api(app=app, client=c, db=db)
    await db.dispose()
