"""The audit log: who did what, for which company or agency. Append-only (database triggers)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, utcnow


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    acting_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    acting_agency_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("agencies.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    #: Where the request came from (client address), for the personal-data access record.
    client_ip: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
