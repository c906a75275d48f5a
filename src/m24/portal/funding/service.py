"""Funding rules. Counters are maintained by a job, never in the request that changes applications."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from m24.portal.funding import repository

REFRESH_COUNTERS_JOB = "m24.programs.refresh_counters"


async def refresh_counters(session: AsyncSession, program_id: uuid.UUID) -> int | None:
    """Recount a program's applications and store the figure; idempotent (lock, recount, write).

    Returns the stored count, or ``None`` when the program no longer exists.
    """
    program = await repository.lock_program(session, program_id)
    if program is None:
        return None
    count = await repository.count_applications(session, program_id)
    if program.application_count != count:
        program.application_count = count
    return count
