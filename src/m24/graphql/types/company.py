from __future__ import annotations

import uuid
from typing import Any, Self

import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.types.common import BigInt, Industry, Region
from m24.portal.companies.models import MATURITY_LABELS, SIZE_CLASS_LABELS
from m24.portal.companies.models import Company as CompanyModel
from m24.portal.specialists.models import OFFERING_KIND_LABELS
from m24.portal.specialists.models import Offering as OfferingModel


@strawberry.type(description="A specialist firm's offering.")
class Offering:
    id: strawberry.ID
    kind: str
    kind_label: str
    title: str
    summary: str
    price_model: str
    monthly_price_krw: BigInt | None

    @staticmethod
    def from_model(model: OfferingModel) -> Offering:
        return Offering(
            id=strawberry.ID(str(model.id)),
            kind=model.kind.value,
            kind_label=OFFERING_KIND_LABELS[model.kind],
            title=model.title,
            summary=model.summary,
            price_model=model.price_model.value,
            monthly_price_krw=BigInt(model.monthly_price_krw) if model.monthly_price_krw is not None else None,
        )


@strawberry.type(description="A company's public profile. Registration number and people are never public.")
class Company:
    id: strawberry.ID
    name: str
    size_class: str
    size_class_label: str
    maturity_level: str
    maturity_level_label: str
    is_specialist: bool
    is_designated_ai_specialist: bool
    homepage: str | None
    description: str | None
    founded_year: int | None
    _id: strawberry.Private[uuid.UUID]
    _region: strawberry.Private[str]
    _ksic: strawberry.Private[str]

    @strawberry.field
    def region(self) -> Region:
        return Region.of(self._region)

    @strawberry.field
    def industry(self) -> Industry:
        return Industry.of(self._ksic)

    @strawberry.field(description="Published offerings (specialist firms only).")
    async def offerings(self, info: Info[Context, None]) -> list[Offering]:
        if not self.is_specialist:
            return []
        return [Offering.from_model(o) for o in await info.context.loaders.company_offerings.load(self._id)]

    @classmethod
    def from_model(cls, model: CompanyModel, **extra: Any) -> Self:
        return cls(
            id=strawberry.ID(str(model.id)),
            name=model.name,
            size_class=model.size_class.value,
            size_class_label=SIZE_CLASS_LABELS[model.size_class],
            maturity_level=model.maturity_level.value,
            maturity_level_label=MATURITY_LABELS[model.maturity_level],
            is_specialist=model.is_specialist,
            is_designated_ai_specialist=model.is_designated_ai_specialist,
            homepage=model.homepage,
            description=model.description,
            founded_year=model.founded_on.year if model.founded_on else None,
            _id=model.id,
            _region=model.region,
            _ksic=model.ksic_code,
            **extra,
        )
