"""Companies: demand SMEs (수요기업), specialist suppliers (공급기업) and large firms."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, str_enum


class SizeClass(enum.StrEnum):
    MICRO = "micro"  # 소공인 (제조업 10인 미만)
    SMALL = "small"  # 소기업
    MEDIUM = "medium"  # 중기업
    MID_SIZED = "mid_sized"  # 중견기업
    LARGE = "large"  # 대기업


class MaturityLevel(enum.StrEnum):
    """스마트공장 수준확인 levels."""

    NONE = "none"  # ICT 미적용
    BASIC = "basic"  # 기초
    INTERMEDIATE_1 = "intermediate_1"  # 중간1
    INTERMEDIATE_2 = "intermediate_2"  # 중간2
    ADVANCED = "advanced"  # 고도화


SIZE_CLASS_LABELS = {
    SizeClass.MICRO: "소공인",
    SizeClass.SMALL: "소기업",
    SizeClass.MEDIUM: "중기업",
    SizeClass.MID_SIZED: "중견기업",
    SizeClass.LARGE: "대기업",
}

MATURITY_LABELS = {
    MaturityLevel.NONE: "ICT 미적용",
    MaturityLevel.BASIC: "기초",
    MaturityLevel.INTERMEDIATE_1: "중간1",
    MaturityLevel.INTERMEDIATE_2: "중간2",
    MaturityLevel.ADVANCED: "고도화",
}


class Company(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "companies"
    __table_args__ = (
        sa.CheckConstraint("employees >= 0", name="employees_non_negative"),
        sa.CheckConstraint("length(business_number) = 10", name="business_number_length"),
    )

    #: 사업자등록번호, 10 digits without hyphens, check digit validated on the way in.
    business_number: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    representative_name: Mapped[str] = mapped_column(sa.String(100))
    ksic_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    region: Mapped[str] = mapped_column(sa.String(16), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(300))
    size_class: Mapped[SizeClass] = mapped_column(str_enum(SizeClass, "company_size_class"))
    employees: Mapped[int] = mapped_column(sa.Integer, default=0)
    founded_on: Mapped[date | None] = mapped_column(sa.Date)
    maturity_level: Mapped[MaturityLevel] = mapped_column(
        str_enum(MaturityLevel, "company_maturity_level"), default=MaturityLevel.NONE
    )
    #: 공급기업: offers AI / smart-factory solutions to other companies.
    is_specialist: Mapped[bool] = mapped_column(sa.Boolean, default=False, index=True)
    #: 제조AI 전문기업 designation and its validity.
    is_designated_ai_specialist: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    designated_until: Mapped[date | None] = mapped_column(sa.Date)
    homepage: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: Whether the public profile is listed; private fields (numbers, people) are never public.
    is_listed: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    #: Specialist profile: certifications held (e.g. "GS인증 1등급", "ISO 9001"), free text each.
    certifications: Mapped[list[Any]] = mapped_column(sa.JSON, default=list, server_default="[]")
    #: Ratings by SMEs after completed projects, kept as aggregates for listing and sorting.
    rating_average: Mapped[float | None] = mapped_column(sa.Float, default=None)
    rating_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    #: Bumped on every change the search projection shows (profile, rating, designation); a search
    #: document's version is this plus its offering's version, so either change raises it.
    profile_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
