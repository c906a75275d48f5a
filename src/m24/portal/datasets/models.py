"""Manufacturing datasets (DCAT-AP metadata plus manufacturing facets) and access requests."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, str_enum, utcnow


class AccessTier(enum.StrEnum):
    OPEN = "open"
    LOGIN = "login"
    APPROVAL = "approval"
    RESTRICTED = "restricted"


class DataKind(enum.StrEnum):
    IMAGE = "image"
    TIME_SERIES = "time_series"
    TABULAR = "tabular"
    TEXT = "text"
    MIXED = "mixed"


class DatasetStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class AccessRequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Dataset(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "datasets"

    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text)
    publisher_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    contributor_company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    theme: Mapped[str] = mapped_column(sa.String(100))
    keywords: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    license: Mapped[str] = mapped_column(sa.String(100))
    access_tier: Mapped[AccessTier] = mapped_column(str_enum(AccessTier, "dataset_access_tier"), index=True)
    temporal_start: Mapped[date | None] = mapped_column(sa.Date)
    temporal_end: Mapped[date | None] = mapped_column(sa.Date)
    spatial: Mapped[str | None] = mapped_column(sa.String(100))
    ksic_prefix: Mapped[str | None] = mapped_column(sa.String(5))
    process: Mapped[str | None] = mapped_column(sa.String(100))
    equipment: Mapped[str | None] = mapped_column(sa.String(100))
    data_kind: Mapped[DataKind] = mapped_column(str_enum(DataKind, "dataset_data_kind"))
    is_labelled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    data_standard: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[DatasetStatus] = mapped_column(
        str_enum(DatasetStatus, "dataset_status"), default=DatasetStatus.DRAFT
    )
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Who submitted a contributed dataset (no foreign key: adding one would make SQLite copy this
    #: table, which other tables reference), and what the reviewing agency said when it sent it back.
    submitted_by_person_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, default=None)
    review_note: Mapped[str | None] = mapped_column(sa.Text, default=None)
    #: Detail-page views (the owner's statistics).
    view_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")


class Distribution(IdMixin, TimestampMixin, Base):
    __tablename__ = "dataset_distributions"
    __table_args__ = (sa.CheckConstraint("byte_size >= 0", name="size_non_negative"),)

    dataset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    format: Mapped[str] = mapped_column(sa.String(20))
    byte_size: Mapped[int] = mapped_column(sa.BigInteger)
    #: Generated storage name outside the web root; never the uploaded file name.
    storage_key: Mapped[str | None] = mapped_column(sa.String(200))
    checksum_sha256: Mapped[str | None] = mapped_column(sa.String(64))


class AccessRequest(IdMixin, TimestampMixin, Base):
    __tablename__ = "dataset_access_requests"

    dataset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("datasets.id"), index=True)
    requester_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"), index=True)
    company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id"))
    purpose: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[AccessRequestStatus] = mapped_column(
        str_enum(AccessRequestStatus, "dataset_access_request_status"), default=AccessRequestStatus.PENDING
    )
    decided_by_person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    #: When the routing job delivered the request to the data-owning agency's queue.
    routed_at: Mapped[datetime | None] = mapped_column(default=None)


class DownloadGrant(IdMixin, Base):
    """One signed, time-limited, single-use download link for one distribution."""

    __tablename__ = "dataset_download_grants"

    distribution_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("dataset_distributions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    access_request_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("dataset_access_requests.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class DatasetDownload(IdMixin, Base):
    """Every download, logged (the owner's statistics and the audit trail)."""

    __tablename__ = "dataset_downloads"

    dataset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    distribution_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("dataset_distributions.id", ondelete="CASCADE"))
    grant_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("dataset_download_grants.id"), unique=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    client_ip: Mapped[str | None] = mapped_column(sa.String(64))
    downloaded_at: Mapped[datetime] = mapped_column(default=utcnow)
