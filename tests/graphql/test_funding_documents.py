"""Documents attached to applications through GraphQL multipart uploads: checked by content, stored
outside the web root under generated names, refused uploads leave no row and no file."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from m24.app import create_app
from m24.kit.db import Database
from tests.funding_support import draft, world
from tests.helpers import Api, settings_for
from tests.portal.test_documents import PDF, _png

UPLOAD = """
mutation($id: ID!, $purpose: String!, $file: Upload!) {
  uploadApplicationDocument(id: $id, purpose: $purpose, file: $file) { documentId sha256 errors { field code message } }
}"""


@pytest_asyncio.fixture
async def small_limit_api(seeded_fresh_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """The app with a 1 MB document limit and its own data directory."""
    db = Database(seeded_fresh_url)
    app = create_app(settings_for(seeded_fresh_url, data_dir=tmp_path, max_document_mb=1), database=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(app=app, client=client, db=db)
    await db.dispose()


async def upload(api: Api, who: str, application_id: str, name: str, content: bytes) -> dict[str, Any]:
    operations = {"query": UPLOAD, "variables": {"id": application_id, "purpose": "quotation", "file": None}}
    response = await api.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {api.token(who)}"},
    )
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["uploadApplicationDocument"]
    return payload


def stored_files(root: Path) -> list[Path]:
    documents = root / "documents"
    return [p for p in documents.rglob("*") if p.is_file()] if documents.exists() else []


async def test_upload_accepts_real_documents_and_refuses_forgeries(small_limit_api: Api, tmp_path: Path) -> None:
    api = small_limit_api
    w = await world(api.db)
    application_id = str(await draft(api.db, w))

    ok = await upload(api, "sme", application_id, "견적서.pdf", PDF)
    assert ok["errors"] == [] and len(ok["sha256"]) == 64
    supplier = await upload(api, "specialist", application_id, "장비사진.png", _png())
    assert supplier["errors"] == [], "the named supplier may attach its quotation"
    files = stored_files(tmp_path)
    assert len(files) == 2
    assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    assert all("견적서" not in f.name and not f.suffix for f in files), "stored under generated names"

    refusals = [
        ("sme", "견적서.pdf", b"MZ\x90\x00" + b"\x00" * 200, "DOCUMENT_TYPE_NOT_ALLOWED"),
        ("sme", "사업계획서.hwp", b"<html><script>alert(1)</script></html>", "DOCUMENT_TYPE_NOT_ALLOWED"),
        ("sme", "사진.pdf", _png(), "DOCUMENT_CONTENT_MISMATCH"),
        ("sme", "run.exe", PDF, "DOCUMENT_CONTENT_MISMATCH"),
        ("sme", "큰파일.pdf", PDF[:-6] + b"\x00" * (1024 * 1024) + b"%%EOF\n", "DOCUMENT_TOO_LARGE"),
        ("sme", "빈파일.pdf", b"", "DOCUMENT_EMPTY"),
        ("regional-reviewer", "견적서.pdf", PDF, "NOT_FOUND"),
        ("admin", "견적서.pdf", PDF, "TRANSITION_NOT_ALLOWED"),
    ]
    for who, name, content, code in refusals:
        refused = await upload(api, who, application_id, name, content)
        assert refused["documentId"] is None and refused["errors"][0]["code"] == code, (name, refused)
    assert len(stored_files(tmp_path)) == 2, "refused uploads leave no file behind"

    view = await api.gql(
        "query($id: ID!) { fundingApplication(id: $id) { documents { filename kind contentType sha256 }"
        " events { kind } } }",
        {"id": application_id},
        as_="sme",
    )
    documents = view["data"]["fundingApplication"]["documents"]
    assert [(d["filename"], d["kind"], d["contentType"]) for d in documents] == [
        ("견적서.pdf", "pdf", "application/pdf"),
        ("장비사진.png", "png", "image/png"),
    ]
    assert documents[0]["sha256"] == ok["sha256"]
    kinds = [e["kind"] for e in view["data"]["fundingApplication"]["events"]]
    assert kinds.count("document_attached") == 2
