"""Hands jobs committed by the domain core (:mod:`m24.kit.jobs`) to Celery."""

from __future__ import annotations

from celery import Celery

from m24.kit import jobs

#: Task name → queue; unlisted tasks go to ``default``. Routing by agency tier arrives with workflows.
ROUTES: dict[str, str] = {}


def install(app: Celery) -> None:
    def publish(job: jobs.Job) -> None:
        app.send_task(job.name, kwargs=dict(job.kwargs), queue=ROUTES.get(job.name, "default"))

    jobs.set_publisher(publish)
