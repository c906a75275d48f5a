"""Dataset files and the catalogue export: signed single-use downloads and DCAT in JSON-LD."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from m24.kit.db import Database
from m24.kit.errors import AppError, ErrorCode
from m24.portal.agencies.models import Agency
from m24.portal.datasets import service
from m24.portal.datasets.dcat import catalog_jsonld
from m24.portal.datasets.models import Dataset, DatasetStatus, Distribution
from m24.portal.funding.documents import DocumentStore

router = APIRouter()

_STATUS = {
    ErrorCode.DOWNLOAD_LINK_INVALID: 403,
    ErrorCode.DOWNLOAD_LINK_EXPIRED: 410,
    ErrorCode.DOWNLOAD_LINK_USED: 410,
}


@router.get("/datasets/download/{token}", include_in_schema=False)
async def download(request: Request, token: str) -> Response:
    settings = request.app.state.settings
    db: Database = request.app.state.db
    try:
        async with db.write() as session:  # the link is used up and the download logged in one commit
            found = await service.redeem(
                session,
                token,
                secret=settings.effective_secret_key,
                max_age_seconds=settings.download_link_minutes * 60,
                client_ip=request.client.host if request.client else None,
            )
    except AppError as error:
        return JSONResponse(
            {"error": {"code": error.code.value, "message": error.message}}, status_code=_STATUS.get(error.code, 400)
        )
    content = DocumentStore(settings.effective_datasets_dir).open_bytes(found.storage_key)
    return Response(
        content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/datasets/catalog.jsonld", include_in_schema=False)
async def catalog(request: Request) -> Response:
    """Every published dataset as a DCAT-AP catalogue in JSON-LD."""
    db: Database = request.app.state.db
    async with db.read() as session:
        datasets = list(
            await session.scalars(
                sa.select(Dataset)
                .where(Dataset.status == DatasetStatus.PUBLISHED, Dataset.deleted_at.is_(None))
                .order_by(Dataset.slug)
            )
        )
        names = dict((await session.execute(sa.select(Agency.id, Agency.name))).all())
        distributions: dict[Any, list[Distribution]] = {}
        for d in await session.scalars(
            sa.select(Distribution).where(Distribution.dataset_id.in_([x.id for x in datasets]))
        ):
            distributions.setdefault(d.dataset_id, []).append(d)
    document = catalog_jsonld(
        datasets,
        base_url=request.app.state.settings.public_url.rstrip("/"),
        publisher_names=names,
        distributions_by_dataset=distributions,
    )
    return JSONResponse(document, media_type="application/ld+json")
