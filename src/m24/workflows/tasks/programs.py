"""Tasks about funding programs. Idempotent: each loads by id, locks, recomputes."""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa

from m24.portal.funding import service
from m24.portal.funding.models import FundingProgram
from m24.workflows import runtime
from m24.workflows.celery_app import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name=service.REFRESH_COUNTERS_JOB, acks_late=True)
def refresh_counters(program_id: str) -> int | None:
    async def body() -> int | None:
        async with runtime.database().write() as session:
            return await service.refresh_counters(session, uuid.UUID(program_id))

    count = runtime.run(body())
    log.info("program %s application_count=%s", program_id, count)
    return count


@celery_app.task(name="m24.programs.refresh_all_counters", acks_late=True)
def refresh_all_counters() -> int:
    """Beat sweep: recount every program (catches up if a publish was ever lost)."""

    async def body() -> int:
        async with runtime.database().read() as session:
            ids = (await session.scalars(sa.select(FundingProgram.id))).all()
        for program_id in ids:
            async with runtime.database().write() as session:
                await service.refresh_counters(session, program_id)
        return len(ids)

    return runtime.run(body())
