"""Search fixtures: one seeded SQLite corpus and both search backends built over that same content.

The corpus is seeded at :data:`CORPUS_SCALE`, the smallest scale at which every offering title of
``m24.portal.seed.data.OFFERINGS`` is on the market (published by a listed specialist): measured with
the seed as committed, 200 shows 47 titles, 300–400 show 49 and 500 shows all 51 (41 specialists,
127 visible offerings; seeding takes ~0.2 s). The fixture asserts that, so a change to the seed that
hides a title fails here rather than silently lowering the relevance scores.

The seed gives no specialist a rating (ratings come from completed projects), so a fixed, deterministic
set of ratings is written before the indices are built, for the rating sort to have something to sort.

Session-scoped async fixtures run on the session event loop (``asyncio_default_fixture_loop_scope =
"session"`` in pyproject.toml), which is also the tests' loop.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.orm import Session

from m24.kit.db import Database, make_sync_engine
from m24.portal.companies.models import Company
from m24.portal.seed import data, seed
from m24.portal.specialists.models import Offering
from m24.search import documents, service
from m24.search.backend import SearchBackend
from m24.search.database import DatabaseBackend
from m24.search.elastic import ElasticsearchBackend
from tests.conftest import SEED_TODAY, SqliteDatabases
from tests.helpers import ES_URL

CORPUS_SCALE = 500
BACKEND_NAMES = ("database", "elasticsearch")
ES_TIMEOUT = 30.0

_scratch_ids = itertools.count(1)


@dataclass(frozen=True)
class VisibleOffering:
    offering_id: uuid.UUID
    company_id: uuid.UUID
    title: str
    kind: str
    price_model: str


@dataclass
class Corpus:
    """The seeded database and what search should be able to find in it (read from the database)."""

    path: Path
    url: str
    offerings: list[VisibleOffering]
    #: company id (as the search documents' ``group``) → its visible offerings
    by_company: dict[str, list[VisibleOffering]] = field(default_factory=dict)

    @property
    def titles(self) -> set[str]:
        return {o.title for o in self.offerings}


def _rate_some_specialists(engine: sa.Engine) -> None:
    """Give two of every three listed specialists a rating (ties included: the count breaks them)."""
    with Session(engine) as session, session.begin():
        companies = session.scalars(
            sa.select(Company).where(Company.is_specialist.is_(True), Company.deleted_at.is_(None)).order_by(Company.id)
        ).all()
        for n, company in enumerate(companies):
            if n % 3 == 2:
                continue
            company.rating_average = (3.0, 3.5, 4.0, 4.5, 5.0)[n % 5]
            company.rating_count = 1 + (n * 7) % 11
            company.profile_version += 1


def _visible_offerings(engine: sa.Engine) -> list[VisibleOffering]:
    with Session(engine) as session:
        rows = session.execute(
            sa.select(Offering, Company).join(Company, Company.id == Offering.company_id).order_by(Offering.id)
        ).all()
        return [
            VisibleOffering(o.id, c.id, o.title, o.kind.value, o.price_model.value)
            for o, c in rows
            if documents.offering_visible(o, c)
        ]


@pytest.fixture(scope="session")
def corpus(sqlite_databases: SqliteDatabases) -> Corpus:
    url = sqlite_databases.fresh()
    seed(url, scale=CORPUS_SCALE, today=SEED_TODAY)
    engine = make_sync_engine(url)
    try:
        _rate_some_specialists(engine)
        offerings = _visible_offerings(engine)
    finally:
        engine.dispose()
    result = Corpus(Path(sa.make_url(url).database or ""), url, offerings)
    for o in offerings:
        result.by_company.setdefault(str(o.company_id), []).append(o)
    missing = {spec.title for spec in data.OFFERINGS} - result.titles
    assert not missing, f"scale {CORPUS_SCALE} leaves offering titles off the market: {sorted(missing)}"
    return result


@pytest_asyncio.fixture(scope="session")
async def corpus_db(corpus: Corpus) -> AsyncIterator[Database]:
    db = Database(corpus.url)
    yield db
    await db.dispose()


def _ignore_progress(index: str, written: int) -> None:
    return None


@pytest_asyncio.fixture(scope="session")
async def database_backend(corpus: Corpus, corpus_db: Database) -> DatabaseBackend:
    backend = DatabaseBackend(corpus_db)
    counts = await service.rebuild(corpus_db, backend, _ignore_progress)
    assert counts[documents.SPECIALISTS] == len(corpus.offerings)
    return backend


def _require_elasticsearch() -> str:
    if not ES_URL:
        # tests/conftest.py refuses to start without it when M24_REQUIRE_REAL_SERVICES=1.
        pytest.skip("Elasticsearch not configured (run through scripts/test.sh)")
    return ES_URL


async def _elasticsearch_over(db: Database, prefix: str) -> ElasticsearchBackend:
    backend = ElasticsearchBackend(_require_elasticsearch(), prefix, ES_TIMEOUT)
    await backend.drop_all()  # a leftover of an earlier run with the same pid
    await service.rebuild(db, backend, _ignore_progress)
    await backend.refresh()
    return backend


@pytest_asyncio.fixture(scope="session")
async def elasticsearch_backend(corpus: Corpus, corpus_db: Database) -> AsyncIterator[ElasticsearchBackend]:
    _require_elasticsearch()
    backend = await _elasticsearch_over(corpus_db, f"m24t-search-{os.getpid()}")
    try:
        yield backend
    finally:
        await backend.drop_all()
        await backend.close()


@pytest.fixture(params=BACKEND_NAMES)
def search_backend(request: pytest.FixtureRequest) -> SearchBackend:
    """Each backend in turn, over the shared corpus (read-only: do not write to it)."""
    backend: SearchBackend = request.getfixturevalue(f"{request.param}_backend")
    return backend


@dataclass
class Scratch:
    """A private copy of the corpus and a backend indexing it, for tests that write."""

    db: Database
    backend: Any  # DatabaseBackend | ElasticsearchBackend (both have refresh())

    async def refresh(self) -> None:
        await self.backend.refresh()


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a database in WAL mode (copying the file alone could miss the log)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


@pytest_asyncio.fixture(params=BACKEND_NAMES)
async def scratch(
    request: pytest.FixtureRequest, corpus: Corpus, database_backend: DatabaseBackend, tmp_path: Path
) -> AsyncIterator[Scratch]:
    """Each backend in turn over a private copy of the corpus (its database index already built)."""
    path = tmp_path / "scratch.sqlite3"
    _copy_sqlite(corpus.path, path)
    db = Database(f"sqlite:///{path}")
    backend: Any
    if request.param == "database":
        backend = DatabaseBackend(db)
    else:
        _require_elasticsearch()
        backend = await _elasticsearch_over(db, f"m24t-scratch-{os.getpid()}-{next(_scratch_ids)}")
    try:
        yield Scratch(db, backend)
    finally:
        if isinstance(backend, ElasticsearchBackend):
            await backend.drop_all()
            await backend.close()
        await db.dispose()
