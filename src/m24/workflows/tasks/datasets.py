"""Dataset access requests, routed to the owning agency's queue (central, private or its 시·도)."""

from __future__ import annotations

import uuid

from m24.portal.datasets.service import ROUTE_JOB, route_request
from m24.workflows import runtime
from m24.workflows.celery_app import celery_app


@celery_app.task(name=ROUTE_JOB, acks_late=True)
def route_access_request(request_id: str) -> str:
    """Deliver a request to the agency's approvers; idempotent (a routed request is skipped)."""

    async def body() -> str:
        async with runtime.database().write() as session:
            return await route_request(session, uuid.UUID(request_id))

    return runtime.run(body())
