"""Jobs buffered per transaction and published only after commit (dropped on rollback).

The domain core calls :func:`enqueue_job` with a task name and IDs only. Which transport carries the
job is decided by whoever calls :func:`set_publisher` at startup (the workflows layer registers
Celery); the core never imports it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_INFO_KEY = "m24.jobs"
JobArg = str | int | UUID


@dataclass(frozen=True)
class Job:
    name: str
    kwargs: Mapping[str, str | int] = field(default_factory=dict)
    #: The queue to publish on (e.g. an agency's ``regional.gyeonggi``); None: the task's default route.
    queue: str | None = None


Publisher = Callable[[Job], None]

_lock = threading.Lock()
_publisher: Publisher | None = None


def set_publisher(publisher: Publisher | None) -> None:
    """Register the function that hands committed jobs to the job transport."""
    global _publisher
    with _lock:
        _publisher = publisher


def get_publisher() -> Publisher | None:
    return _publisher


def enqueue_job(session: AsyncSession | Session, name: str, *, queue: str | None = None, **ids: JobArg) -> Job:
    """Buffer a job in the session's transaction; it is published after the commit succeeds.

    Arguments must be IDs (UUIDs, strings, integers), never objects: the task loads what it needs.
    ``queue`` names the queue when the work belongs to one agency's queue.
    """
    kwargs: dict[str, str | int] = {}
    for key, value in ids.items():
        if isinstance(value, UUID):
            kwargs[key] = str(value)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            kwargs[key] = value
        else:
            raise TypeError(f"job argument {key!r} must be an id (UUID, str or int), got {type(value).__name__}")
    job = Job(name=name, kwargs=kwargs, queue=queue)
    sync_session = session.sync_session if isinstance(session, AsyncSession) else session
    sync_session.info.setdefault(_INFO_KEY, []).append(job)
    return job


def pending_jobs(session: AsyncSession | Session) -> list[Job]:
    sync_session = session.sync_session if isinstance(session, AsyncSession) else session
    return list(sync_session.info.get(_INFO_KEY, []))


def _after_commit(session: Session) -> None:
    buffered: list[Job] = session.info.pop(_INFO_KEY, [])
    if not buffered:
        return
    publisher = _publisher
    if publisher is None:
        log.warning("no job publisher registered; dropping %d committed jobs", len(buffered))
        return
    for job in buffered:
        try:
            publisher(job)
        except Exception:  # the commit stands; a failed publish is logged, and beat sweeps catch up
            log.exception("publishing job %s failed", job.name)


def _after_rollback(session: Session) -> None:
    session.info.pop(_INFO_KEY, None)


def install() -> None:
    """Attach the after-commit / after-rollback hooks to every ORM session (idempotent)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)


def _after_soft_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        _after_rollback(session)
