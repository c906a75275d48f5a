"""The notification outbox: rows written in the same transaction as the change they announce."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, TimestampMixin, str_enum


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    KAKAO = "kakao"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(IdMixin, TimestampMixin, Base):
    __tablename__ = "notifications"

    #: Deduplicates repeated enqueues of the same announcement (e.g. a task that ran twice).
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "notification_channel"))
    recipient: Mapped[str] = mapped_column(sa.String(320))
    template: Mapped[str] = mapped_column(sa.String(64))
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    variables: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "notification_status"), default=DeliveryStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    gateway_message_id: Mapped[str | None] = mapped_column(sa.String(100))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
