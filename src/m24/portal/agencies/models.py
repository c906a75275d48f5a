"""Agencies that deliver the programs: central (중앙), regional (지역) and private (민간)."""

from __future__ import annotations

import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, TimestampMixin, str_enum


class AgencyTier(enum.StrEnum):
    CENTRAL = "central"  # 중소벤처기업부, 스마트제조혁신추진단
    REGIONAL = "regional"  # 17 시·도 테크노파크, 지역 센터
    PRIVATE = "private"  # 대기업 partners (상생형)


class AgencyKind(enum.StrEnum):
    MINISTRY = "ministry"
    PROMOTION_AGENCY = "promotion_agency"
    TECHNOPARK = "technopark"
    REGIONAL_CENTER = "regional_center"
    INDUSTRY_INSTITUTE = "industry_institute"
    LARGE_FIRM = "large_firm"


class Agency(IdMixin, TimestampMixin, Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    tier: Mapped[AgencyTier] = mapped_column(str_enum(AgencyTier, "agency_tier"), index=True)
    kind: Mapped[AgencyKind] = mapped_column(str_enum(AgencyKind, "agency_kind"))
    #: Home region (시·도 code); central agencies have none.
    region: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    homepage: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: A private agency backed by a large firm (상생형 sponsor) points at that firm's company row.
    company_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("companies.id", ondelete="SET NULL"))


class AgencyRegion(Base):
    """Regions an agency has jurisdiction over (a 테크노파크 its own 시·도)."""

    __tablename__ = "agency_regions"

    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


class AgencyIndustry(Base):
    """Industries (KSIC prefixes) an agency specialises in, e.g. food or cosmetics."""

    __tablename__ = "agency_industries"

    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    ksic_prefix: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
