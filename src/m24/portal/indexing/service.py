"""Saying that a searchable row changed: one outbox row, in the caller's transaction, plus a relay job
that is published only if that transaction commits."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.jobs import enqueue_job, pending_jobs
from m24.portal.indexing.models import SearchOutbox

RELAY_JOB = "m24.search.relay"


class IndexedKind(enum.StrEnum):
    OFFERING = "offering"  # one document per offering, carrying its specialist's profile
    SPECIALIST = "specialist"  # a profile change: every offering of the company is re-projected
    PROGRAM = "program"
    COURSE = "course"
    DATASET = "dataset"


async def mark_changed(session: AsyncSession, kind: IndexedKind, entity_ids: Iterable[uuid.UUID]) -> None:
    rows = [{"kind": kind.value, "entity_id": entity_id} for entity_id in entity_ids]
    if not rows:
        return
    await session.execute(sa.insert(SearchOutbox), rows)
    if not any(job.name == RELAY_JOB for job in pending_jobs(session)):
        enqueue_job(session, RELAY_JOB)
