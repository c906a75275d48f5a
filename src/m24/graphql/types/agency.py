from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.types.common import Industry, Region
from m24.portal.agencies.models import Agency as AgencyModel
from m24.portal.agencies.models import AgencyTier as AgencyTierModel

AgencyTier = strawberry.enum(
    AgencyTierModel, name="AgencyTier", description="central 중앙 · regional 지역 · private 민간"
)

TIER_LABELS = {AgencyTierModel.CENTRAL: "중앙", AgencyTierModel.REGIONAL: "지역", AgencyTierModel.PRIVATE: "민간"}


@strawberry.type(description="An agency that delivers programs (중앙·지역·민간 기관).")
class Agency:
    id: strawberry.ID
    code: str
    name: str
    tier: AgencyTier  # type: ignore[valid-type]
    tier_label: str
    homepage: str | None
    description: str | None
    _id: strawberry.Private[uuid.UUID]
    _region: strawberry.Private[str | None]

    @strawberry.field(description="Home region; null for central agencies.")
    def region(self) -> Region | None:
        return Region.of(self._region) if self._region else None

    @strawberry.field(description="Regions under the agency's jurisdiction.")
    async def regions(self, info: Info[Context, None]) -> list[Region]:
        return [Region.of(code) for code in await info.context.loaders.agency_regions.load(self._id)]

    @strawberry.field(description="Industries the agency specialises in.")
    async def industries(self, info: Info[Context, None]) -> list[Industry]:
        return [Industry.of(code) for code in await info.context.loaders.agency_industries.load(self._id)]

    @staticmethod
    def from_model(model: AgencyModel) -> Agency:
        return Agency(
            id=strawberry.ID(str(model.id)),
            code=model.code,
            name=model.name,
            tier=model.tier,
            tier_label=TIER_LABELS[model.tier],
            homepage=model.homepage,
            description=model.description,
            _id=model.id,
            _region=model.region,
        )
