"""Hands jobs committed by the domain core (:mod:`m24.kit.jobs`) to Celery."""

from __future__ import annotations

from celery import Celery

from m24.kit import jobs
from m24.portal.notifications.service import DELIVER_JOB

#: Task name → queue when the job does not name one; unlisted tasks go to ``default``. Jobs that belong
#: to one agency (reviewer assignment) carry that agency's queue (see ``portal.funding.routing.queue_for``).
ROUTES: dict[str, str] = {DELIVER_JOB: "notifications"}


def queue_of(job: jobs.Job) -> str:
    return job.queue or ROUTES.get(job.name, "default")


def install(app: Celery) -> None:
    def publish(job: jobs.Job) -> None:
        app.send_task(job.name, kwargs=dict(job.kwargs), queue=queue_of(job))

    jobs.set_publisher(publish)
