"""Entry point for `celery -A m24.workflows.worker`: the app with every task registered and the
job publisher installed (tasks may enqueue follow-up jobs)."""

from __future__ import annotations

from m24.workflows import publisher
from m24.workflows.celery_app import celery_app
from m24.workflows.tasks import funding, identity, notifications, programs

publisher.install(celery_app)

__all__ = ["celery_app", "funding", "identity", "notifications", "programs"]
