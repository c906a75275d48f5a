"""Dataset access requests are routed by the workflow, on both stacks: the request's job goes to the
owning agency's queue, and a real worker delivers it to that agency's staff (notification outbox)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from m24.portal.agencies.models import Agency
from m24.portal.datasets.models import AccessRequest, AccessTier, Dataset, DatasetStatus
from m24.portal.notifications.models import Notification
from tests.workflows.stack import Stack, eventually, open_api

REQUEST = """
mutation($d: ID!, $c: ID) { requestDatasetAccess(datasetId: $d, purpose: "품질 예측 모델 학습용으로 이용하려 합니다.", companyId: $c) {
  request { id status } errors { code field } } }
"""


async def test_an_access_request_is_routed_to_the_owning_agency_by_a_worker(stack: Stack) -> None:
    api, close = await open_api(stack)
    try:
        async with api.db.read() as session:
            dataset = (
                await session.scalars(
                    sa.select(Dataset)
                    .where(Dataset.status == DatasetStatus.PUBLISHED, Dataset.access_tier == AccessTier.APPROVAL)
                    .order_by(Dataset.slug)
                    .limit(1)
                )
            ).first()
            assert dataset is not None, "the seed has approval-tier datasets"
            agency = await session.get(Agency, dataset.publisher_agency_id)
            assert agency is not None
        stack.start_worker()
        company = (await api.gql("{ me { companies { id } } }", as_="sme"))["data"]["me"]["companies"][0]["id"]
        body = await api.gql(REQUEST, {"d": str(dataset.id), "c": company}, as_="sme")
        payload = body["data"]["requestDatasetAccess"]
        assert payload["errors"] == [], body
        request_id = uuid.UUID(payload["request"]["id"])

        async def routed() -> bool:
            async with api.db.read() as session:
                request = await session.get(AccessRequest, request_id)
                return request is not None and request.routed_at is not None

        await eventually(routed, timeout=60, what=f"routing on {agency.code}'s queue", logs=stack.worker_logs)
        async with api.db.read() as session:
            keys = list(
                await session.scalars(
                    sa.select(Notification.dedupe_key).where(Notification.template == "dataset.access_requested")
                )
            )
        assert any(str(request_id) in key for key in keys), "the owning agency's staff were notified"
    finally:
        await close()
