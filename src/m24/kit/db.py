"""Database foundation: declarative base with a constraint naming convention, portable column types,
URL handling for async/sync drivers, and the :class:`Database` that hands out read and write sessions.

Commit happens at the edge (``async with db.write()``); jobs enqueued inside a write block are
published only after the commit succeeds (see :mod:`m24.kit.jobs`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, QueryableAttribute, mapped_column

from m24.kit import jobs

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored as UTC and come
    back tagged as UTC. Naive datetimes are refused: they are always a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use a timezone-aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: sa.JSON(), list[Any]: sa.JSON()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=sa.func.now())


class SoftDeleteMixin:
    """Rows whose history matters are hidden, not deleted."""

    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


def str_enum(enum_cls: type[Any], name: str) -> sa.Enum:
    """A portable enum column: stored as its string value with a named CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# --- URLs -------------------------------------------------------------------------------------------


def async_url(url: str) -> str:
    """The async-driver form of a database URL (asyncpg / aiosqlite)."""
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "postgresql":
        return u.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    if backend == "sqlite":
        return u.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    raise ValueError(f"M24_DATABASE_URL: unsupported database {backend!r} (use postgresql or sqlite)")


def sync_url(url: str) -> str:
    """The sync-driver form of a database URL (psycopg 3 / sqlite3), for migrations and bulk seeding."""
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "postgresql":
        return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite":
        return u.set(drivername="sqlite").render_as_string(hide_password=False)
    raise ValueError(f"M24_DATABASE_URL: unsupported database {backend!r} (use postgresql or sqlite)")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def install_sqlite_pragmas(engine: sa.Engine) -> None:
    event.listen(engine, "connect", _sqlite_pragmas)


def make_sync_engine(url: str, **kwargs: Any) -> sa.Engine:
    engine = sa.create_engine(sync_url(url), **kwargs)
    if is_sqlite(url):
        install_sqlite_pragmas(engine)
    return engine


def make_async_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(async_url(url), **kwargs)
        install_sqlite_pragmas(engine.sync_engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(async_url(url), **kwargs)


class Database:
    """One async engine and its session factory; the only way code reaches the database."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_async_engine(url, **engine_kwargs)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        jobs.install()

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; it never commits."""
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits on success (then publishes its jobs), rolls back on error."""
        async with self._sessions() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


async def grouped_values(
    session: AsyncSession, key: QueryableAttribute[Any], value: QueryableAttribute[Any], keys: Iterable[Any]
) -> dict[Any, list[Any]]:
    """``{key: [values…]}`` for the given keys in one statement, values in ascending order.

    The batch shape every one-to-many dataloader needs (e.g. regions per program).
    """
    result: dict[Any, list[Any]] = defaultdict(list)
    rows = await session.execute(sa.select(key, value).where(key.in_(set(keys))).order_by(key, value))
    for k, v in rows:
        result[k].append(v)
    return result
