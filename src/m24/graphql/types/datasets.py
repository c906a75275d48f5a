"""Manufacturing datasets: catalogue entries, distributions, access requests, owner statistics."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.graphql.types.common import BigInt
from m24.kit.db import utcnow
from m24.portal.agencies.models import Agency
from m24.portal.companies.models import Company
from m24.portal.datasets import service
from m24.portal.datasets.models import AccessRequest as RequestModel
from m24.portal.datasets.models import AccessRequestStatus, AccessTier
from m24.portal.datasets.models import Dataset as DatasetModel
from m24.portal.datasets.models import Distribution as DistributionModel
from m24.portal.people.models import Person


@strawberry.type(description="One downloadable file of a dataset (DCAT distribution).")
class Distribution:
    id: strawberry.ID
    title: str
    media_type: str
    format: str
    byte_size: BigInt
    checksum_sha256: str | None
    has_file: bool


@strawberry.type(
    description="Views, requests, approvals and downloads; only the owning agency and the contributor see them."
)
class DatasetStatistics:
    views: int
    requests: int
    approvals: int
    downloads: int


@strawberry.type(description="What the caller may do with a dataset right now.")
class DatasetAccess:
    can_download: bool
    needs_request: bool
    request_status: str | None
    request_status_label: str | None
    decision_reason: str | None
    expires_at: datetime | None


@strawberry.type(description="A manufacturing dataset with DCAT-AP metadata and manufacturing facets.")
class Dataset:
    id: strawberry.ID
    slug: str
    title: str
    description: str
    publisher_name: str
    theme: str
    keywords: list[str]
    license: str
    access_tier: str
    access_tier_label: str
    temporal_start: date | None
    temporal_end: date | None
    spatial: str | None
    ksic_prefix: str | None
    process: str | None
    equipment: str | None
    data_kind: str
    is_labelled: bool
    data_standard: str | None
    status: str
    published_at: datetime | None
    distributions: list[Distribution]
    access: DatasetAccess
    statistics: DatasetStatistics | None
    review_note: str | None


async def datasets_of(session: AsyncSession, principal: Principal, rows: Sequence[DatasetModel]) -> list[Dataset]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    agencies = dict(
        (
            await session.execute(
                sa.select(Agency.id, Agency.name).where(Agency.id.in_({r.publisher_agency_id for r in rows}))
            )
        ).all()
    )
    distributions: dict[uuid.UUID, list[DistributionModel]] = {}
    for d in await session.scalars(
        sa.select(DistributionModel).where(DistributionModel.dataset_id.in_(ids)).order_by(DistributionModel.title)
    ):
        distributions.setdefault(d.dataset_id, []).append(d)
    latest: dict[uuid.UUID, RequestModel] = {}
    if principal.person_id is not None:
        for r in await session.scalars(
            sa.select(RequestModel)
            .where(RequestModel.dataset_id.in_(ids), RequestModel.requester_person_id == principal.person_id)
            .order_by(RequestModel.created_at)
        ):
            latest[r.dataset_id] = r
    now = utcnow()
    out = []
    for row in rows:
        owner = service.is_owner_staff(principal, row)
        contributor = service.is_contributor(principal, row)
        request = latest.get(row.id)
        approved = (
            request is not None
            and request.status is AccessRequestStatus.APPROVED
            and (request.expires_at is None or request.expires_at > now)
        )
        gated = row.access_tier in (AccessTier.APPROVAL, AccessTier.RESTRICTED)
        can_download = (
            owner
            or contributor
            or (
                row.access_tier is AccessTier.OPEN
                or (row.access_tier is AccessTier.LOGIN and principal.person_id is not None)
                or (gated and approved)
            )
        )
        stats = await service.statistics(session, row) if owner or contributor else None
        out.append(
            Dataset(
                id=strawberry.ID(str(row.id)),
                slug=row.slug,
                title=row.title,
                description=row.description,
                publisher_name=agencies.get(row.publisher_agency_id, ""),
                theme=row.theme,
                keywords=[str(k) for k in row.keywords or []],
                license=row.license,
                access_tier=row.access_tier.value,
                access_tier_label=service.TIER_LABELS[row.access_tier],
                temporal_start=row.temporal_start,
                temporal_end=row.temporal_end,
                spatial=row.spatial,
                ksic_prefix=row.ksic_prefix,
                process=row.process,
                equipment=row.equipment,
                data_kind=row.data_kind.value,
                is_labelled=row.is_labelled,
                data_standard=row.data_standard,
                status=row.status.value,
                published_at=row.published_at,
                distributions=[
                    Distribution(
                        id=strawberry.ID(str(d.id)),
                        title=d.title,
                        media_type=d.media_type,
                        format=d.format,
                        byte_size=BigInt(d.byte_size),
                        checksum_sha256=d.checksum_sha256,
                        has_file=d.storage_key is not None,
                    )
                    for d in distributions.get(row.id, [])
                ],
                access=DatasetAccess(
                    can_download=bool(can_download),
                    needs_request=gated and not (owner or contributor or approved),
                    request_status=request.status.value if request else None,
                    request_status_label=service.REQUEST_LABELS[request.status] if request else None,
                    decision_reason=request.decision_reason if request else None,
                    expires_at=request.expires_at if request else None,
                ),
                statistics=DatasetStatistics(
                    views=stats.views, requests=stats.requests, approvals=stats.approvals, downloads=stats.downloads
                )
                if stats
                else None,
                review_note=row.review_note if owner or contributor else None,
            )
        )
    return out


@strawberry.type(description="A request to use a dataset, as the requester or the owning agency sees it.")
class DatasetAccessRequest:
    id: strawberry.ID
    dataset_id: strawberry.ID
    dataset_title: str
    requester_name: str
    company_name: str | None
    purpose: str
    status: str
    status_label: str
    routed: bool
    decision_reason: str | None
    decided_at: datetime | None
    expires_at: datetime | None
    created_at: datetime


async def requests_of(session: AsyncSession, rows: Sequence[RequestModel]) -> list[DatasetAccessRequest]:
    if not rows:
        return []
    titles = dict(
        (
            await session.execute(
                sa.select(DatasetModel.id, DatasetModel.title).where(DatasetModel.id.in_({r.dataset_id for r in rows}))
            )
        ).all()
    )
    names = dict(
        (
            await session.execute(
                sa.select(Person.id, Person.name).where(Person.id.in_({r.requester_person_id for r in rows}))
            )
        ).all()
    )
    company_ids = {r.company_id for r in rows if r.company_id}
    companies = (
        dict((await session.execute(sa.select(Company.id, Company.name).where(Company.id.in_(company_ids)))).all())
        if company_ids
        else {}
    )
    return [
        DatasetAccessRequest(
            id=strawberry.ID(str(r.id)),
            dataset_id=strawberry.ID(str(r.dataset_id)),
            dataset_title=titles.get(r.dataset_id, ""),
            requester_name=names.get(r.requester_person_id, ""),
            company_name=companies.get(r.company_id) if r.company_id else None,
            purpose=r.purpose,
            status=r.status.value,
            status_label=service.REQUEST_LABELS[r.status],
            routed=r.routed_at is not None,
            decision_reason=r.decision_reason,
            decided_at=r.decided_at,
            expires_at=r.expires_at,
            created_at=r.created_at,
        )
        for r in rows
    ]
