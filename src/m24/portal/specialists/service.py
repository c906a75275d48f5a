"""Specialist firms manage their own offerings; nobody else can."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.db import utcnow
from m24.kit.errors import ErrorCode, NotFound, ValidationFailed
from m24.portal.audit.service import RequestMeta, record
from m24.portal.companies import policies
from m24.portal.companies.service import enforce, load_company
from m24.portal.indexing.service import IndexedKind, mark_changed
from m24.portal.reference.ksic import parse_ksic
from m24.portal.reference.regions import parse_region
from m24.portal.specialists.models import Offering, OfferingKind, PriceModel


@dataclass(frozen=True)
class OfferingInput:
    kind: str
    title: str
    summary: str
    price_model: str
    monthly_price_krw: int | None = None
    industries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    def validated(self) -> OfferingInput:
        try:
            OfferingKind(self.kind)
        except ValueError:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, f"kind: 알 수 없는 유형입니다: {self.kind!r}", field="kind"
            ) from None
        try:
            model = PriceModel(self.price_model)
        except ValueError:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT,
                f"priceModel: 알 수 없는 가격 방식입니다: {self.price_model!r}",
                field="priceModel",
            ) from None
        title, summary = self.title.strip(), self.summary.strip()
        if not 1 <= len(title) <= 200:
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "title: 제목은 1~200자입니다.", field="title")
        if not 1 <= len(summary) <= 4000:
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "summary: 소개는 1~4,000자입니다.", field="summary")
        if model is PriceModel.SUBSCRIPTION and (self.monthly_price_krw is None or self.monthly_price_krw < 0):
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "monthlyPriceKrw: 구독형은 월 요금을 입력하세요.", field="monthlyPriceKrw"
            )
        if self.monthly_price_krw is not None and self.monthly_price_krw < 0:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "monthlyPriceKrw: 0 이상이어야 합니다.", field="monthlyPriceKrw"
            )
        return OfferingInput(
            kind=self.kind,
            title=title,
            summary=summary,
            price_model=self.price_model,
            monthly_price_krw=self.monthly_price_krw,
            industries=tuple(parse_ksic(i, field="industries") for i in self.industries),
            regions=tuple(parse_region(r, field="regions").code for r in self.regions),
        )


async def _company_for_offerings(session: AsyncSession, principal: Principal, company_id: uuid.UUID) -> None:
    company = await load_company(session, company_id)
    if company is None:
        raise NotFound("기업을 찾을 수 없습니다.")
    enforce(policies.can_manage_offerings(principal, company.id, is_specialist=company.is_specialist), "기업")


async def create_offering(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID, data: OfferingInput, meta: RequestMeta
) -> Offering:
    data = data.validated()
    await _company_for_offerings(session, principal, company_id)
    offering = Offering(
        company_id=company_id,
        kind=OfferingKind(data.kind),
        title=data.title,
        summary=data.summary,
        price_model=PriceModel(data.price_model),
        monthly_price_krw=data.monthly_price_krw,
        industries=list(data.industries),
        regions=list(data.regions),
    )
    session.add(offering)
    await session.flush()
    await mark_changed(session, IndexedKind.OFFERING, [offering.id])
    record(session, principal, "offering.created", "offering", offering.id, meta, company_id=company_id)
    return offering


async def _load_offering(session: AsyncSession, principal: Principal, offering_id: uuid.UUID) -> Offering:
    offering = await session.get(Offering, offering_id, with_for_update=True)
    if offering is None or offering.deleted_at is not None:
        raise NotFound("제공 서비스를 찾을 수 없습니다.")
    company = await load_company(session, offering.company_id)
    if company is None:
        raise NotFound("제공 서비스를 찾을 수 없습니다.")
    decision = policies.can_manage_offerings(principal, company.id, is_specialist=company.is_specialist)
    if decision.reason == "hidden":
        raise NotFound("제공 서비스를 찾을 수 없습니다.")
    enforce(decision, "제공 서비스")
    return offering


async def update_offering(
    session: AsyncSession, principal: Principal, offering_id: uuid.UUID, data: OfferingInput, meta: RequestMeta
) -> Offering:
    data = data.validated()
    offering = await _load_offering(session, principal, offering_id)
    offering.kind = OfferingKind(data.kind)
    offering.title = data.title
    offering.summary = data.summary
    offering.price_model = PriceModel(data.price_model)
    offering.monthly_price_krw = data.monthly_price_krw
    offering.industries = list(data.industries)
    offering.regions = list(data.regions)
    offering.version += 1
    await session.flush()
    await mark_changed(session, IndexedKind.OFFERING, [offering.id])
    record(session, principal, "offering.updated", "offering", offering.id, meta, company_id=offering.company_id)
    return offering


async def delete_offering(
    session: AsyncSession, principal: Principal, offering_id: uuid.UUID, meta: RequestMeta
) -> Offering:
    """Soft delete: references from past projects keep resolving."""
    offering = await _load_offering(session, principal, offering_id)
    offering.deleted_at = utcnow()
    offering.version += 1
    await session.flush()
    await mark_changed(session, IndexedKind.OFFERING, [offering.id])
    record(session, principal, "offering.deleted", "offering", offering.id, meta, company_id=offering.company_id)
    return offering
