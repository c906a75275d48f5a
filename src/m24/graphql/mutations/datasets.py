"""Dataset mutations: access requests and decisions, signed download links, contribution and review."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.file_uploads import Upload
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.mutations.running import error, in_transaction
from m24.graphql.permissions import Authenticated, Public
from m24.graphql.types.datasets import Dataset, DatasetAccessRequest, datasets_of, requests_of
from m24.graphql.types.private import MutationError
from m24.kit.errors import AppError, ErrorCode, ValidationFailed
from m24.portal.datasets import service
from m24.portal.datasets.files import inspect_dataset_file
from m24.portal.datasets.metadata import DatasetMetadata
from m24.portal.funding.documents import DocumentStore


@strawberry.input(description="DCAT-AP metadata of a contributed dataset plus the manufacturing facets.")
class DatasetSubmission:
    title: str
    description: str
    theme: str
    keywords: list[str]
    license: str
    access_tier: str
    data_kind: str
    temporal_start: str | None = None
    temporal_end: str | None = None
    spatial: str | None = None
    ksic_prefix: str | None = None
    process: str | None = None
    equipment: str | None = None
    is_labelled: bool = False
    data_standard: str | None = None


@strawberry.type
class DatasetAccessRequestPayload:
    request: DatasetAccessRequest | None
    errors: list[MutationError]


@strawberry.type
class DownloadLinkPayload:
    url: str | None
    expires_at: datetime | None
    errors: list[MutationError]


@strawberry.type
class DatasetPayload:
    dataset: Dataset | None
    errors: list[MutationError]


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, f"{field}: YYYY-MM-DD 형식의 날짜를 입력하세요.", field=field
        ) from None


@strawberry.type
class DatasetMutations:
    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="Ask the owning agency for access to an approval-tier or restricted dataset (restricted: for your company).",
    )
    async def request_dataset_access(
        self,
        info: Info[Context, None],
        dataset_id: strawberry.ID,
        purpose: str,
        company_id: strawberry.ID | None = None,
    ) -> DatasetAccessRequestPayload:
        async def work(session: AsyncSession) -> DatasetAccessRequest:
            row = await service.request_access(
                session,
                info.context.principal,
                parse_id(dataset_id, field="datasetId"),
                purpose,
                parse_id(company_id, field="companyId") if company_id else None,
                info.context.meta,
            )
            return (await requests_of(session, [row]))[0]

        request, errors = await in_transaction(info, work)
        return DatasetAccessRequestPayload(request=request, errors=errors)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="The owning agency's approver approves or rejects (a reason is required to reject; the requester sees it).",
    )
    async def decide_dataset_access(
        self, info: Info[Context, None], id: strawberry.ID, approve: bool, reason: str | None = None
    ) -> DatasetAccessRequestPayload:
        async def work(session: AsyncSession) -> DatasetAccessRequest:
            row = await service.decide_access(
                session, info.context.principal, parse_id(id), approve=approve, reason=reason, meta=info.context.meta
            )
            return (await requests_of(session, [row]))[0]

        request, errors = await in_transaction(info, work)
        return DatasetAccessRequestPayload(request=request, errors=errors)

    @strawberry.mutation(
        permission_classes=[Public],
        description="A signed link for one download of one file, valid for a few minutes; the access tier decides who gets one.",
    )
    async def dataset_download_url(
        self, info: Info[Context, None], distribution_id: strawberry.ID
    ) -> DownloadLinkPayload:
        settings = info.context.settings

        async def work(session: AsyncSession) -> tuple[str, datetime]:
            return await service.download_link(
                session,
                info.context.principal,
                parse_id(distribution_id, field="distributionId"),
                secret=settings.effective_secret_key,
                minutes=settings.download_link_minutes,
                meta=info.context.meta,
            )

        result, errors = await in_transaction(info, work)
        if result is None:
            return DownloadLinkPayload(url=None, expires_at=None, errors=errors)
        token, expires = result
        return DownloadLinkPayload(
            url=f"{settings.public_url.rstrip('/')}/datasets/download/{token}", expires_at=expires, errors=[]
        )

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description=(
            "A company contributes a dataset: metadata (checked for obvious personal data) and 1–5 files "
            "(CSV, JSON, ZIP, Parquet, PNG, JPEG, TIFF; checked by content, size-limited). The owning agency reviews it."
        ),
    )
    async def submit_dataset(
        self, info: Info[Context, None], company_id: strawberry.ID, input: DatasetSubmission, files: list[Upload]
    ) -> DatasetPayload:
        settings = info.context.settings
        limit = settings.max_dataset_mb * 1024 * 1024
        store = DocumentStore(settings.effective_datasets_dir)
        stored: list[str] = []
        try:
            metadata = DatasetMetadata(
                title=input.title,
                description=input.description,
                theme=input.theme,
                keywords=tuple(input.keywords),
                license=input.license,
                access_tier=input.access_tier,
                data_kind=input.data_kind,
                temporal_start=_date(input.temporal_start, "temporalStart"),
                temporal_end=_date(input.temporal_end, "temporalEnd"),
                spatial=input.spatial,
                ksic_prefix=input.ksic_prefix,
                process=input.process,
                equipment=input.equipment,
                is_labelled=input.is_labelled,
                data_standard=input.data_standard,
            ).validated()
            if not 1 <= len(files) <= service.MAX_FILES:
                raise ValidationFailed(
                    ErrorCode.INVALID_INPUT, f"files: 파일을 1~{service.MAX_FILES}개 올려 주세요.", field="files"
                )
            incoming = []
            for upload in files:
                content: bytes = await upload.read(limit + 1)  # type: ignore[attr-defined]
                name = getattr(upload, "filename", "") or ""
                inspected = inspect_dataset_file(name, content[:8192], content[-8:], len(content), limit)
                key = store.put(content)
                stored.append(key)
                incoming.append(
                    service.IncomingFile(
                        title=name.rsplit(".", 1)[0] or "data",
                        inspected=inspected,
                        storage_key=key,
                        size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                    )
                )
        except AppError as err:
            for key in stored:
                store.delete(key)
            return DatasetPayload(dataset=None, errors=error(err))

        async def work(session: AsyncSession) -> Dataset:
            row = await service.submit_dataset(
                session,
                info.context.principal,
                parse_id(company_id, field="companyId"),
                metadata,
                incoming,
                info.context.meta,
            )
            return (await datasets_of(session, info.context.principal, [row]))[0]

        dataset, errors = await in_transaction(info, work)
        if dataset is None:
            for key in stored:  # nothing stored survives a refused submission
                store.delete(key)
        return DatasetPayload(dataset=dataset, errors=errors)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="The owning agency publishes a submitted dataset, or returns it with a note for the contributor.",
    )
    async def review_dataset(
        self, info: Info[Context, None], dataset_id: strawberry.ID, publish: bool, note: str | None = None
    ) -> DatasetPayload:
        async def work(session: AsyncSession) -> Dataset:
            row = await service.review_dataset(
                session,
                info.context.principal,
                parse_id(dataset_id, field="datasetId"),
                publish=publish,
                note=note,
                meta=info.context.meta,
            )
            return (await datasets_of(session, info.context.principal, [row]))[0]

        dataset, errors = await in_transaction(info, work)
        return DatasetPayload(dataset=dataset, errors=errors)
