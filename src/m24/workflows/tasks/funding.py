"""Funding workflow tasks: eligibility check, routing, reviewer assignment, the SLA sweep.

Every task is idempotent (the pipeline step locks the application and checks its status first), runs
with late acknowledgement (a worker killed mid-task leaves the message to be redelivered), and only
publishes follow-up jobs after its transaction commits. Transient outside failures (the NTS) are retried
with backoff; a task that fails for good leaves a :class:`WorkflowFailure` row for `m24 workflows stuck`.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import Task

from m24.config import get_settings
from m24.integrations.errors import IntegrationError, TransientIntegrationError
from m24.integrations.nts import NtsClient
from m24.portal.companies.models import Company
from m24.portal.companies.service import BusinessState
from m24.portal.funding import pipeline, service
from m24.portal.funding.models import FundingApplication
from m24.workflows import runtime
from m24.workflows.celery_app import celery_app

log = logging.getLogger(__name__)

SLA_SWEEP_JOB = "m24.funding.sla_sweep"


class RecordedTask(Task):  # type: ignore[type-arg]
    """A task whose final failure (after its retries) is written down for `m24 workflows stuck`."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        application_id = kwargs.get("application_id") if isinstance(kwargs, dict) else None

        async def body() -> None:
            async with runtime.database().write() as session:
                await pipeline.record_failure(
                    session,
                    self.name,
                    uuid.UUID(application_id) if application_id else None,
                    dict(kwargs or {}),
                    f"{type(exc).__name__}: {exc}",
                )

        try:
            runtime.run(body())
        except Exception:  # the failure record is best effort; the log still has it
            log.exception("could not record the failure of %s", self.name)


_RETRYING: dict[str, Any] = {
    "base": RecordedTask,
    "acks_late": True,
    "autoretry_for": (TransientIntegrationError, ConnectionError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 6,
}


async def _business_state(application_id: uuid.UUID) -> BusinessState | None:
    """Ask the NTS about the applicant (outside any transaction: no locks held while waiting)."""
    async with runtime.database().read() as session:
        application = await session.get(FundingApplication, application_id)
        if application is None:
            return None
        company = await session.get(Company, application.company_id)
    if company is None:
        return None
    async with NtsClient.configured(get_settings()) as nts:
        return BusinessState.from_nts(await nts.state_of(company.business_number))


@celery_app.task(name=service.CHECK_ELIGIBILITY_JOB, **_RETRYING)
def check_eligibility(application_id: str) -> str:
    async def body() -> str:
        app_id = uuid.UUID(application_id)
        async with runtime.database().read() as session:
            application = await session.get(FundingApplication, app_id)
            if application is None or application.status.value != "submitted":
                return "skipped"
        try:
            state = await _business_state(app_id)
        except TransientIntegrationError:
            raise
        except IntegrationError as exc:  # a permanent NTS refusal: nothing to retry
            log.warning("NTS refused for %s: %s", application_id, exc)
            state = None
        async with runtime.database().write() as session:
            return await pipeline.check_eligibility(session, app_id, state)

    outcome = runtime.run(body())
    log.info("eligibility %s: %s", application_id, outcome)
    return outcome


@celery_app.task(name=service.ROUTE_JOB, **_RETRYING)
def route(application_id: str) -> str:
    async def body() -> str:
        async with runtime.database().write() as session:
            return await pipeline.route(session, uuid.UUID(application_id))

    outcome = runtime.run(body())
    log.info("route %s: %s", application_id, outcome)
    return outcome


@celery_app.task(name=service.ASSIGN_REVIEWERS_JOB, **_RETRYING)
def assign_reviewers(application_id: str) -> str:
    async def body() -> str:
        async with runtime.database().write() as session:
            return await pipeline.assign_reviewers(session, uuid.UUID(application_id))

    outcome = runtime.run(body())
    log.info("assign reviewers %s: %s", application_id, outcome)
    return outcome


@celery_app.task(name=SLA_SWEEP_JOB, base=RecordedTask, acks_late=True)
def sla_sweep() -> dict[str, int]:
    async def body() -> pipeline.SweepResult:
        async with runtime.database().write() as session:
            return await pipeline.sla_sweep(session)

    result = runtime.run(body())
    log.info("sla sweep: %s", result)
    return {"escalated": result.escalated, "expired": result.expired, "rekicked": result.rekicked}
