"""Dataset reads: the catalogue (with the caller's access), one dataset (counted as a view), and
access requests for the requester and for the owning agency."""

from __future__ import annotations

import sqlalchemy as sa
import strawberry
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_choice, parse_id
from m24.graphql.paging import page_of
from m24.graphql.permissions import Authenticated, Public
from m24.graphql.types.common import Connection
from m24.graphql.types.datasets import Dataset, DatasetAccessRequest, datasets_of, requests_of
from m24.kit.pagination import Page, after_key
from m24.portal.datasets import repository, service
from m24.portal.datasets.models import AccessRequest, AccessRequestStatus, AccessTier, DataKind
from m24.portal.datasets.models import Dataset as DatasetModel
from m24.portal.text_filter import clean_text

CURSOR_KIND = "dataset"


@strawberry.type
class DatasetQueries:
    @strawberry.field(
        permission_classes=[Public],
        description="The dataset catalogue: filter by theme, data kind, access tier, process, equipment, labelling, standard or words. `first` ≤ 100.",
    )
    async def datasets(
        self,
        info: Info[Context, None],
        theme: str | None = None,
        data_kind: str | None = None,
        access_tier: str | None = None,
        process: str | None = None,
        equipment: str | None = None,
        labelled: bool | None = None,
        standard: str | None = None,
        text: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Dataset]:
        principal = info.context.principal
        conditions = repository.catalogue_conditions(
            principal,
            repository.DatasetFilter(
                theme=clean_text(theme, "theme"),
                data_kind=parse_choice(data_kind, DataKind, "dataKind"),
                access_tier=parse_choice(access_tier, AccessTier, "accessTier"),
                process=clean_text(process, "process"),
                equipment=clean_text(equipment, "equipment"),
                labelled=labelled,
                standard=clean_text(standard, "standard"),
                text=clean_text(text),
            ),
        )
        page = page_of(info, first, after, CURSOR_KIND)
        async with info.context.db.read() as session:
            total = (
                await session.execute(sa.select(sa.func.count()).select_from(DatasetModel).where(*conditions))
            ).scalar_one()
            statement = sa.select(DatasetModel).where(*conditions)
            if page.after is not None:
                statement = statement.where(after_key(DatasetModel.slug, DatasetModel.id, page.after))
            rows = (
                await session.scalars(statement.order_by(DatasetModel.slug, DatasetModel.id).limit(page.first + 1))
            ).all()
            items = rows[: page.first]
            nodes = {n.id: n for n in await datasets_of(session, principal, items)}
        return Connection.of(
            Page(items=items, total=total, has_next=len(rows) > page.first),
            CURSOR_KIND,
            lambda d: (d.slug, str(d.id)),
            lambda d: nodes[strawberry.ID(str(d.id))],
        )

    @strawberry.field(permission_classes=[Public], description="One dataset (counted as a view), or null.")
    async def dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset | None:
        principal = info.context.principal
        async with info.context.db.write() as session:
            row = await session.get(DatasetModel, parse_id(id))
            if row is None or not service.can_view(principal, row):
                return None
            await service.count_view(session, row.id)
            await session.refresh(row)
            return (await datasets_of(session, principal, [row]))[0]

    @strawberry.field(permission_classes=[Authenticated], description="My dataset access requests, newest first.")
    async def my_dataset_access_requests(self, info: Info[Context, None]) -> list[DatasetAccessRequest]:
        async with info.context.db.read() as session:
            rows = (
                await session.scalars(
                    sa.select(AccessRequest)
                    .where(AccessRequest.requester_person_id == info.context.principal.person_id)
                    .order_by(AccessRequest.created_at.desc())
                )
            ).all()
            return await requests_of(session, rows)

    @strawberry.field(
        permission_classes=[Authenticated],
        description="Agency staff: access requests for datasets their agency owns (pending first).",
    )
    async def dataset_access_requests(
        self, info: Info[Context, None], status: str | None = None
    ) -> list[DatasetAccessRequest]:
        principal = info.context.principal
        wanted = parse_choice(status, AccessRequestStatus, "status")
        async with info.context.db.read() as session:
            statement = sa.select(AccessRequest).join(DatasetModel, DatasetModel.id == AccessRequest.dataset_id)
            if not principal.is_platform_admin:
                statement = statement.where(DatasetModel.publisher_agency_id.in_(principal.agency_ids or [None]))
            if wanted is not None:
                statement = statement.where(AccessRequest.status == wanted)
            rows = (await session.scalars(statement.order_by(AccessRequest.created_at).limit(200))).all()
            return await requests_of(session, rows)
