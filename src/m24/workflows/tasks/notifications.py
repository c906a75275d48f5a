"""Delivering the notification outbox through the gateway client.

At-least-once and still exactly one message: the outbox row's id is the gateway's idempotency key, so a
task redelivered after a crash between "gateway accepted" and "row marked sent" gets the gateway's
replay of the first message, not a second one.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from m24.config import get_settings
from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError
from m24.integrations.notify import Channel, NotifyClient, OutgoingMessage
from m24.kit.db import Database, utcnow
from m24.kit.jobs import enqueue_job
from m24.portal.notifications.models import DeliveryStatus, Notification
from m24.portal.notifications.service import DELIVER_JOB
from m24.workflows import runtime
from m24.workflows.celery_app import celery_app

log = logging.getLogger(__name__)

SWEEP_JOB = "m24.notifications.sweep"
MAX_ATTEMPTS = 8


async def deliver_one(db: Database, notification_id: uuid.UUID, client: NotifyClient) -> str:
    """Send one pending outbox row; ``"sent"``, ``"retry"`` (transient), ``"failed"`` (refused or out of
    attempts) or ``"skipped"`` (already handled)."""
    async with db.read() as session:
        row = await session.get(Notification, notification_id)
        if row is None:
            return "missing"
        if row.status is not DeliveryStatus.PENDING:
            return "skipped"
        message = OutgoingMessage(
            channel=Channel(row.channel.value),
            to=row.recipient,
            template=row.template,
            variables={k: v for k, v in row.variables.items() if isinstance(v, str | int)},
            subject=row.subject,
        )
    outcome = "sent"
    error: str | None = None
    message_id: str | None = None
    try:
        sent = await client.send(message, idempotency_key=str(notification_id))
        message_id = sent.message_id
    except PermanentIntegrationError as exc:
        outcome, error = "failed", str(exc)
    except TransientIntegrationError as exc:
        outcome, error = "retry", str(exc)
    async with db.write() as session:
        row = (
            await session.scalars(sa.select(Notification).where(Notification.id == notification_id).with_for_update())
        ).first()
        if row is None or row.status is not DeliveryStatus.PENDING:
            return "skipped"
        row.attempts += 1
        if outcome == "sent":
            row.status = DeliveryStatus.SENT
            row.sent_at = utcnow()
            row.gateway_message_id = message_id
        elif outcome == "failed" or row.attempts >= MAX_ATTEMPTS:
            row.status = DeliveryStatus.FAILED
            row.last_error = error
            outcome = "failed"
        else:
            row.last_error = error
            row.next_attempt_at = utcnow() + timedelta(seconds=min(600, 5 * 2**row.attempts))
    return outcome


def _client() -> NotifyClient:
    settings = get_settings()
    return NotifyClient(
        settings.effective_notify_url, settings.effective_notify_api_key, timeout=settings.http_timeout_seconds
    )


@celery_app.task(name=DELIVER_JOB, bind=True, acks_late=True, max_retries=MAX_ATTEMPTS)
def deliver(self: Any, notification_id: str) -> str:
    async def body() -> str:
        async with _client() as client:
            return await deliver_one(runtime.database(), uuid.UUID(notification_id), client)

    outcome = runtime.run(body())
    log.info("notification %s: %s", notification_id, outcome)
    if outcome == "retry":
        # Transient gateway trouble (5xx, 429, timeouts): back off; the outbox sweep is the safety net.
        raise self.retry(countdown=min(300, 5 * 2**self.request.retries))
    return outcome


@celery_app.task(name=SWEEP_JOB, acks_late=True)
def sweep() -> int:
    """Beat: re-publish pending notifications whose delivery job was lost or is due for another try."""

    async def body() -> int:
        now = utcnow()
        async with runtime.database().write() as session:
            ids = (
                await session.scalars(
                    sa.select(Notification.id)
                    .where(
                        Notification.status == DeliveryStatus.PENDING,
                        Notification.created_at < now - timedelta(minutes=2),
                        sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
                    )
                    .limit(500)
                )
            ).all()
            for notification_id in ids:
                enqueue_job(session, DELIVER_JOB, notification_id=notification_id)
        return len(ids)

    return runtime.run(body())
