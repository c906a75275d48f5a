"""Keeping the search index current, and the designation calendar.

The relay is published after every commit that changed something searchable and also runs on a
beat every few seconds, so a lost publish or an Elasticsearch outage only delays the index: outbox
rows stay until a write succeeds, and versioned writes make repeats harmless.
"""

from __future__ import annotations

import logging

from m24.kit.db import utcnow
from m24.portal.indexing.service import RELAY_JOB
from m24.portal.specialists.directory import designation_sweep
from m24.search.backend import SearchUnavailable
from m24.search.service import relay_all
from m24.workflows import runtime
from m24.workflows.celery_app import celery_app

log = logging.getLogger(__name__)

DESIGNATION_SWEEP_JOB = "m24.specialists.designation_sweep"


@celery_app.task(name=RELAY_JOB, acks_late=True)
def relay() -> int:
    """Write every pending outbox change to the search backend; 0 when search is down (retried by beat)."""

    async def body() -> int:
        try:
            return await relay_all(runtime.database(), runtime.search_backend())
        except SearchUnavailable as error:
            log.warning("search relay: search unavailable, outbox kept for the next pass: %s", error.detail)
            return 0

    return runtime.run(body())


@celery_app.task(name=DESIGNATION_SWEEP_JOB, acks_late=True)
def sweep_designations() -> dict[str, int]:
    async def body() -> dict[str, int]:
        async with runtime.database().write() as session:
            result = await designation_sweep(session, utcnow().date())
        return {"reminded": result.reminded, "expired": result.expired}

    return runtime.run(body())
