"""Per-worker-process runtime: one event loop and one async engine, created after fork.

Tasks are sync functions (Celery's model) that run their async body on the process' loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from celery.signals import worker_process_init, worker_process_shutdown

import m24.portal.models  # noqa: F401  (every mapper must be configured before the first query)
from m24.config import get_settings
from m24.kit.db import Database
from m24.search.backend import SearchBackend
from m24.search.service import make_backend

T = TypeVar("T")

_loop: asyncio.AbstractEventLoop | None = None
_db: Database | None = None
_search: SearchBackend | None = None


def database() -> Database:
    global _db
    if _db is None:
        url = get_settings().effective_database_url
        _db = Database(url) if url.startswith("sqlite") else Database(url, pool_size=2, max_overflow=2)
    return _db


def search_backend() -> SearchBackend:
    """This process's search backend (Elasticsearch client or the database backend)."""
    global _search
    if _search is None:
        _search = make_backend(get_settings(), database())
    return _search


def run(coro: Coroutine[Any, Any, T]) -> T:
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    return _loop.run_until_complete(coro)


@worker_process_init.connect
def _reset_after_fork(**_: Any) -> None:
    # The parent's engine and loop must never be shared with a forked child.
    global _loop, _db, _search
    _loop = None
    _db = None
    _search = None


@worker_process_shutdown.connect
def _shutdown(**_: Any) -> None:
    global _db
    if _db is not None and _loop is not None and not _loop.is_closed():
        _loop.run_until_complete(_db.dispose())
    _db = None
