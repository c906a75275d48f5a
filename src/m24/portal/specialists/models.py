"""What specialist firms (공급기업, 제조AI 전문기업) offer."""

from __future__ import annotations

import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, str_enum


class OfferingKind(enum.StrEnum):
    VISION_INSPECTION = "vision_inspection"  # AI 비전검사
    PREDICTIVE_MAINTENANCE = "predictive_maintenance"  # 예지보전
    PROCESS_OPTIMIZATION = "process_optimization"  # 공정 최적화
    MES_ERP_SAAS = "mes_erp_saas"  # MES/ERP 구독형
    ROBOTICS = "robotics"  # 제조로봇·자동화
    DATA_PLATFORM = "data_platform"  # 데이터 플랫폼
    CONSULTING = "consulting"  # 컨설팅


class PriceModel(enum.StrEnum):
    FIXED = "fixed"  # 구축형 일시불
    SUBSCRIPTION = "subscription"  # 구독형 (월 요금)
    QUOTE = "quote"  # 견적 협의


class Offering(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "specialist_offerings"
    __table_args__ = (
        sa.CheckConstraint("monthly_price_krw IS NULL OR monthly_price_krw >= 0", name="price_non_negative"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OfferingKind] = mapped_column(str_enum(OfferingKind, "offering_kind"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    price_model: Mapped[PriceModel] = mapped_column(str_enum(PriceModel, "offering_price_model"))
    monthly_price_krw: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: KSIC prefixes and 시·도 codes served; empty means all.
    industries: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    regions: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    is_published: Mapped[bool] = mapped_column(sa.Boolean, default=True)
