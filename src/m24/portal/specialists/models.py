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
    #: Row version, bumped by every change; with the company's profile_version it is the search
    #: document's external version.
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")


class SpecialistReference(IdMixin, TimestampMixin, Base):
    """A past project a specialist shows on its profile; linked (and so verified) when it was a
    completed funding application the firm supplied."""

    __tablename__ = "specialist_references"
    __table_args__ = (sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),)

    company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    client_name: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("funding_applications.id", ondelete="SET NULL"), unique=True
    )


class SpecialistRating(IdMixin, TimestampMixin, Base):
    """An SME's rating of its supplier after a completed project: one per application."""

    __tablename__ = "specialist_ratings"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    application_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("funding_applications.id"), unique=True)
    supplier_company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    rater_company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id"))
    rater_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id"))
    score: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str] = mapped_column(sa.Text, default="")


OFFERING_KIND_LABELS: dict[OfferingKind, str] = {
    OfferingKind.VISION_INSPECTION: "AI 비전검사",
    OfferingKind.PREDICTIVE_MAINTENANCE: "예지보전",
    OfferingKind.PROCESS_OPTIMIZATION: "공정 최적화",
    OfferingKind.MES_ERP_SAAS: "MES/ERP 구독형",
    OfferingKind.ROBOTICS: "제조로봇·자동화",
    OfferingKind.DATA_PLATFORM: "데이터 플랫폼",
    OfferingKind.CONSULTING: "컨설팅",
}

PRICE_MODEL_LABELS: dict[PriceModel, str] = {
    PriceModel.FIXED: "구축형",
    PriceModel.SUBSCRIPTION: "구독형",
    PriceModel.QUOTE: "견적 협의",
}
