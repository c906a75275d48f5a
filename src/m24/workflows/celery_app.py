"""The Celery application, configured from :class:`m24.config.Settings`.

Production uses RabbitMQ (AMQP): acknowledgements are late (after the task ran) so a crashed worker's
task is redelivered, and long countdowns (SLA timers) are not redelivered early the way Redis'
visibility timeout would. The embedded default uses kombu's SQLAlchemy transport on a SQLite file,
so a real worker process runs with no broker server installed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Celery
from kombu import Exchange, Queue

from m24.config import Settings, get_settings
from m24.workflows.queues import QUEUES


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    broker_url = settings.effective_broker_url
    if broker_url.startswith("sqla+sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = Celery(
        "m24",
        broker=broker_url,
        include=[
            "m24.workflows.tasks.programs",
            "m24.workflows.tasks.identity",
            "m24.workflows.tasks.funding",
            "m24.workflows.tasks.notifications",
            "m24.workflows.tasks.search",
            "m24.workflows.tasks.datasets",
        ],
    )
    exchange = Exchange("m24", type="direct")
    conf: dict[str, Any] = {
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": "default",
        "task_default_exchange": "m24",
        "task_default_routing_key": "default",
        "task_queues": [Queue(name, exchange, routing_key=name) for name in QUEUES],
        "task_serializer": "json",
        "accept_content": ["json"],
        "broker_connection_retry_on_startup": True,
        # Publishing happens after a request's commit: fail fast when the broker is down (the job is
        # logged and the beat sweep re-sends work left waiting) instead of holding the request.
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
        "worker_hijack_root_logger": False,
        "timezone": "Asia/Seoul",
        "enable_utc": True,
        "beat_schedule": {
            "refresh-all-program-counters": {
                "task": "m24.programs.refresh_all_counters",
                "schedule": timedelta(hours=1),
            },
            "funding-sla-sweep": {"task": "m24.funding.sla_sweep", "schedule": timedelta(minutes=5)},
            "notifications-sweep": {"task": "m24.notifications.sweep", "schedule": timedelta(minutes=1)},
            # Catches up after a lost publish or an Elasticsearch outage.
            "search-relay-sweep": {"task": "m24.search.relay", "schedule": timedelta(seconds=10)},
            "designation-sweep": {"task": "m24.specialists.designation_sweep", "schedule": timedelta(hours=6)},
        },
    }
    if broker_url.startswith("sqla+"):
        # kombu's SQLAlchemy transport polls; a short interval keeps the embedded worker responsive.
        conf["broker_transport_options"] = {}
        conf["broker_pool_limit"] = 1
    app.conf.update(conf)
    return app


celery_app = make_celery()
