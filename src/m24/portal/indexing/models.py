"""Search outbox and the database search backend's inverted index."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, utcnow

#: SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class SearchOutbox(Base):
    """One row per change to a searchable entity, written in the same transaction as the change.

    The relay reads rows in id order, projects the entity's *current* row (so several rows for one
    entity collapse into one write) and deletes the rows it handled. No unique key on purpose: a
    change made while the relay works must leave a row behind for the next pass.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchDocument(Base):
    """A document of the database search backend (the embedded default's Elasticsearch stand-in)."""

    __tablename__ = "search_documents"

    index_name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    doc_id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: External version: a write with a version not above this one is ignored, as in Elasticsearch.
    version: Mapped[int] = mapped_column(sa.BigInteger)
    #: A deleted document stays as a tombstone with its version, so a late stale write cannot revive it.
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    source: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: Token count per analysed field, for BM25 length normalisation (0 = field absent).
    len_title: Mapped[int] = mapped_column(sa.Integer, default=0)
    len_body: Mapped[int] = mapped_column(sa.Integer, default=0)
    len_profile: Mapped[int] = mapped_column(sa.Integer, default=0)
    len_grams: Mapped[int] = mapped_column(sa.Integer, default=0)
    len_words: Mapped[int] = mapped_column(sa.Integer, default=0)


class SearchPosting(Base):
    """Term frequency of one term in one field of one document."""

    __tablename__ = "search_postings"
    __table_args__ = (sa.Index("ix_search_postings_term", "index_name", "field", "term"),)

    index_name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    doc_id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    field: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    tf: Mapped[int] = mapped_column(sa.Integer)
