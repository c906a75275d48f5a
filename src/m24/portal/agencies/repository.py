"""All SQL about agencies."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.db import grouped_values
from m24.portal.agencies.models import Agency, AgencyIndustry, AgencyRegion, AgencyTier

_TIER_ORDER = sa.case(
    {AgencyTier.CENTRAL.value: 0, AgencyTier.REGIONAL.value: 1, AgencyTier.PRIVATE.value: 2}, value=Agency.tier
)


async def list_agencies(
    session: AsyncSession, *, tier: AgencyTier | None = None, region: str | None = None
) -> Sequence[Agency]:
    """Agencies are public: every agency, central first, then regional, then private, by name."""
    stmt = sa.select(Agency).order_by(_TIER_ORDER, Agency.region.nulls_first(), Agency.name)
    if tier is not None:
        stmt = stmt.where(Agency.tier == tier)
    if region is not None:
        stmt = stmt.where(Agency.region == region)
    return (await session.scalars(stmt)).all()


async def agencies_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Agency]:
    rows = await session.scalars(sa.select(Agency).where(Agency.id.in_(set(ids))))
    return {row.id: row for row in rows}


async def regions_by_agency(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    return await grouped_values(session, AgencyRegion.agency_id, AgencyRegion.region, ids)


async def industries_by_agency(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    return await grouped_values(session, AgencyIndustry.agency_id, AgencyIndustry.ksic_prefix, ids)
