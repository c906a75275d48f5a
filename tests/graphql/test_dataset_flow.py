"""The dataset half of issue 6's "done when", through GraphQL on both backends: a specialist firm
contributes a restricted dataset and the owning agency (경기테크노파크) publishes it; the SME persona
finds it, requests access, the agency approves, and the signed download link works once and expires.
Forged and expired links, oversize and mistyped files and personal data in metadata are refused with
coded errors, and nothing is stored."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa

from m24.app import create_app
from m24.kit.db import Database, utcnow
from m24.portal.datasets import service
from m24.portal.datasets.models import Dataset, DatasetDownload, DownloadGrant
from tests.conftest import BACKENDS
from tests.helpers import Api, settings_for

CSV = (
    "측정시각,설비,진동_rms,온도\n2026-11-01T09:00:00,CNC-01,0.42,36.5\n2026-11-01T09:00:01,CNC-01,0.44,36.6\n".encode()
)
SUBMIT = """
mutation($c: ID!, $i: DatasetSubmission!, $f: [Upload!]!) { submitDataset(companyId: $c, input: $i, files: $f) {
  dataset { id title status accessTier distributions { id format byteSize hasFile } } errors { field code message } } }
"""
REVIEW = """
mutation($d: ID!) { reviewDataset(datasetId: $d, publish: true) { dataset { status publishedAt } errors { code } } }
"""
FIND = """
query { datasets(accessTier: "restricted", first: 50) { edges { node {
  id title accessTier distributions { id } access { canDownload needsRequest requestStatus } statistics { views } } } } }
"""
LINK = """
mutation($d: ID!) { datasetDownloadUrl(distributionId: $d) { url expiresAt errors { code field } } }
"""
REQUEST = """
mutation($d: ID!, $c: ID) { requestDatasetAccess(datasetId: $d, purpose: "사출 설비 예지보전 모델 학습에 사용합니다.", companyId: $c) {
  request { id status statusLabel routed } errors { code field } } }
"""
QUEUE = '{ datasetAccessRequests(status: "pending") { id datasetTitle requesterName companyName purpose routed } }'
DECIDE = """
mutation($id: ID!) { decideDatasetAccess(id: $id, approve: true) { request { status expiresAt } errors { code } } }
"""
DETAIL = "query($id: ID!) { dataset(id: $id) { id statistics { views requests approvals downloads } } }"
ME = "{ me { companies { id } } }"
METADATA = {
    "title": "CNC 스핀들 진동·온도 시계열 (1초 간격)",
    "description": "가공 라인 CNC 스핀들의 진동 RMS와 온도를 1초 간격으로 측정한 데이터입니다.",
    "theme": "예지보전",
    "keywords": ["CNC", "진동", "예지보전"],
    "license": "KOGL-3",
    "accessTier": "restricted",
    "dataKind": "time_series",
    "temporalStart": "2026-11-01",
    "temporalEnd": "2026-11-07",
    "process": "절삭가공",
    "equipment": "CNC 선반",
    "isLabelled": False,
    "dataStandard": "AAS 상태 모니터링 서브모델",
}


@pytest_asyncio.fixture(params=BACKENDS)
async def data_api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    databases = request.getfixturevalue("pg_databases" if request.param == "postgresql" else "sqlite_databases")
    url = databases.fresh_seeded()
    db = Database(url)
    app = create_app(settings_for(url, data_dir=tmp_path, max_dataset_mb=1), database=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(app=app, client=client, db=db)
    await db.dispose()


async def submit(api: Api, who: str, metadata: dict[str, Any], files: list[tuple[str, bytes]]) -> dict[str, Any]:
    company = (await api.gql(ME, as_=who))["data"]["me"]["companies"][0]["id"]
    operations = {"query": SUBMIT, "variables": {"c": company, "i": metadata, "f": [None] * len(files)}}
    response = await api.client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({str(i): [f"variables.f.{i}"] for i in range(len(files))}),
        },
        files={str(i): (name, content, "application/octet-stream") for i, (name, content) in enumerate(files)},
        headers={"Authorization": f"Bearer {api.token(who)}"},
    )
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["submitDataset"]
    return payload


def _stored(api: Api) -> list[Path]:
    root = api.app.state.settings.effective_datasets_dir
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


async def test_restricted_dataset_request_approval_and_a_link_that_works_once_and_expires(data_api: Api) -> None:
    api = data_api
    submitted = await submit(api, "specialist", METADATA, [("spindle_vibration.csv", CSV)])
    assert submitted["errors"] == [], submitted
    dataset = submitted["dataset"]
    assert dataset["status"] == "in_review" and dataset["distributions"][0]["format"].lower() == "csv"
    published = (await api.gql(REVIEW, {"d": dataset["id"]}, as_="regional-reviewer"))["data"]["reviewDataset"]
    assert published["errors"] == [] and published["dataset"]["status"] == "published"

    # The SME finds it among restricted datasets and may not download yet.
    found = [e["node"] for e in (await api.gql(FIND, as_="sme"))["data"]["datasets"]["edges"]]
    mine = next(d for d in found if d["id"] == dataset["id"])
    assert mine["access"] == {"canDownload": False, "needsRequest": True, "requestStatus": None}
    assert mine["statistics"] is None, "statistics are the owner's"
    distribution = mine["distributions"][0]["id"]
    denied = (await api.gql(LINK, {"d": distribution}, as_="sme"))["data"]["datasetDownloadUrl"]
    assert denied["url"] is None and denied["errors"][0]["code"] == "ACCESS_DENIED"

    company = (await api.gql(ME, as_="sme"))["data"]["me"]["companies"][0]["id"]
    requested = (await api.gql(REQUEST, {"d": dataset["id"], "c": company}, as_="sme"))["data"]["requestDatasetAccess"]
    assert requested["errors"] == [] and requested["request"]["status"] == "pending"
    again = (await api.gql(REQUEST, {"d": dataset["id"], "c": company}, as_="sme"))["data"]["requestDatasetAccess"]
    assert again["errors"][0]["code"] == "ALREADY_REQUESTED"
    # The routing step (a Celery task on the agency's queue) delivers it to the agency's staff.
    async with api.db.write() as session:
        assert await service.route_request(session, _uuid(requested["request"]["id"])) == "routed"
        assert await service.route_request(session, _uuid(requested["request"]["id"])) == "skipped"
    queue = (await api.gql(QUEUE, as_="regional-reviewer"))["data"]["datasetAccessRequests"]
    pending = next(r for r in queue if r["id"] == requested["request"]["id"])
    assert pending["routed"] and pending["requesterName"] == "박정호" and pending["companyName"]
    assert (await api.gql(QUEUE, as_="sme"))["data"]["datasetAccessRequests"] == []
    decided = (await api.gql(DECIDE, {"id": pending["id"]}, as_="regional-reviewer"))["data"]["decideDatasetAccess"]
    assert decided["errors"] == [] and decided["request"]["status"] == "approved"

    # The link works once.
    link = (await api.gql(LINK, {"d": distribution}, as_="sme"))["data"]["datasetDownloadUrl"]
    assert link["errors"] == [] and link["url"].startswith("http")
    path = httpx.URL(link["url"]).path
    first = await api.client.get(path)
    assert first.status_code == 200 and first.content == CSV
    second = await api.client.get(path)
    assert second.status_code == 410 and second.json()["error"]["code"] == "DOWNLOAD_LINK_USED"
    # A forged link (one character changed) and an expired one are refused.
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (await api.client.get(forged)).json()["error"]["code"] == "DOWNLOAD_LINK_INVALID"
    later = (await api.gql(LINK, {"d": distribution}, as_="sme"))["data"]["datasetDownloadUrl"]
    async with api.db.write() as session:
        await session.execute(
            sa.update(DownloadGrant)
            .where(DownloadGrant.used_at.is_(None))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = await api.client.get(httpx.URL(later["url"]).path)
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "DOWNLOAD_LINK_EXPIRED"

    # The owner sees the statistics; every download is logged.
    stats = (await api.gql(DETAIL, {"id": dataset["id"]}, as_="regional-reviewer"))["data"]["dataset"]["statistics"]
    assert stats["requests"] == 1 and stats["approvals"] == 1 and stats["downloads"] == 1 and stats["views"] >= 1
    async with api.db.read() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(DatasetDownload)) == 1
    catalog = (await api.client.get("/datasets/catalog.jsonld")).json()
    assert METADATA["title"] in json.dumps(catalog, ensure_ascii=False)


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "x,y\n1,2\n")
    return buffer.getvalue()


async def test_bad_contributions_are_refused_and_nothing_is_stored(data_api: Api) -> None:
    api = data_api
    async with api.db.read() as session:
        before = await session.scalar(sa.select(sa.func.count()).select_from(Dataset))
    cases = [
        (
            {**METADATA, "description": "담당자 연락처 010-1234-5678 로 문의"},
            [("a.csv", CSV)],
            "PERSONAL_DATA_IN_METADATA",
        ),
        ({**METADATA, "keywords": ["hong@example.co.kr"]}, [("a.csv", CSV)], "PERSONAL_DATA_IN_METADATA"),
        (METADATA, [("data.csv", _zip())], "DATASET_FILE_MISMATCH"),
        (METADATA, [("big.csv", CSV * 20_000)], "DATASET_FILE_TOO_LARGE"),
        (METADATA, [("empty.csv", b"")], "DATASET_FILE_TYPE_NOT_ALLOWED"),
        (METADATA, [("tool.exe", b"MZ\x90\x00" + b"\x00" * 100)], "DATASET_FILE_TYPE_NOT_ALLOWED"),
        ({**METADATA, "temporalStart": "2026-12-01"}, [("a.csv", CSV)], "INVALID_INPUT"),
        ({**METADATA, "license": "WTFPL"}, [("a.csv", CSV)], "INVALID_INPUT"),
        (METADATA, [("a.csv", CSV), ("ok.zip", _zip()), ("bad.csv", _zip())], "DATASET_FILE_MISMATCH"),
    ]
    for metadata, files, code in cases:
        payload = await submit(api, "specialist", metadata, files)
        assert payload["dataset"] is None and payload["errors"][0]["code"] == code, (code, payload)
        assert _stored(api) == [], f"{code}: a refused contribution leaves no file behind"
    async with api.db.read() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Dataset)) == before


async def test_catalogue_pages(data_api: Api) -> None:
    api = data_api
    courses = await api.client.get("/courses")
    assert courses.status_code == 200 and "교육과정 (" in courses.text and "남은 자리" in courses.text
    listing = await api.client.get("/datasets", params={"tier": "approval"})
    assert listing.status_code == 200 and "승인 후 이용" in listing.text
    async with api.db.read() as session:
        slug = await session.scalar(
            sa.select(Dataset.slug).where(Dataset.status == "published").order_by(Dataset.slug).limit(1)
        )
    detail = await api.client.get(f"/datasets/{slug}")
    assert detail.status_code == 200 and "배포 파일" in detail.text
    # A contribution under review is not shown to the public, but is to its contributor.
    draft = (await submit(api, "specialist", METADATA, [("a.csv", CSV)]))["dataset"]
    async with api.db.read() as session:
        draft_slug = await session.scalar(sa.select(Dataset.slug).where(Dataset.id == _uuid(draft["id"])))
    assert (await api.client.get(f"/datasets/{draft_slug}")).status_code == 404
    own = await api.client.get(
        f"/datasets/{draft_slug}", headers={"Authorization": f"Bearer {api.token('specialist')}"}
    )
    assert own.status_code == 200 and METADATA["title"] in own.text
    assert (await api.client.get("/datasets", params={"q": "가" * 200})).status_code == 422
