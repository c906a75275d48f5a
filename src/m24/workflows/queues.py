"""Queue names (no Celery import, so the CLI can list them cheaply).

Queues per agency tier and region (``regional.<시·도>``), so an agency can run its own worker on its own
queue (``m24 worker --queues regional.gyeonggi``); the default worker consumes them all.
"""

from __future__ import annotations

from m24.portal.reference.regions import REGIONS

QUEUES: tuple[str, ...] = (
    "default",
    # Notification deliveries (four or so per application) must not queue in front of routing work.
    "notifications",
    "central",
    "private",
    "regional",
    *(f"regional.{r.code.lower()}" for r in REGIONS),
)
