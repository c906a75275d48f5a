"""Datasets' access matrix: every persona (and anonymous) against the dataset mutations and the
agency queue, on a contribution of another firm owned by 경기테크노파크."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.test_dataset_flow import CSV, METADATA, REQUEST, REVIEW, data_api, submit  # noqa: F401
from tests.helpers import Api

PERSONAS = ["sme", "sme-staff", "specialist", "regional-reviewer", "central-approver", "admin", None]
NF, FB, U = "NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"


def _code(body: dict[str, Any], field: str) -> str:
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    value = body["data"][field]
    if isinstance(value, dict) and value.get("errors"):
        return str(value["errors"][0]["code"])
    return "ok"


@pytest.mark.parametrize("data_api", ["postgresql"], indirect=True)
async def test_dataset_access_matrix(data_api: Api) -> None:  # noqa: F811
    api = data_api
    dataset = (await submit(api, "specialist", {**METADATA, "accessTier": "approval"}, [("a.csv", CSV)]))["dataset"]
    distribution = dataset["distributions"][0]["id"]
    review = (
        'mutation($d: ID!) { reviewDataset(datasetId: $d, publish: false, note: "단위 표기 보완") { errors { code } } }'
    )
    link = "mutation($d: ID!) { datasetDownloadUrl(distributionId: $d) { url errors { code } } }"

    # In review: only the contributor and the owning agency see it; only the agency reviews it
    # (the reviewer, who sends it back, goes last; an admin may review too — checked below).
    seen = {}
    for persona in ["sme", "sme-staff", "specialist", "central-approver", "admin", None, "regional-reviewer"]:
        seen[persona] = (
            _code(await api.gql(review, {"d": dataset["id"]}, as_=persona), "reviewDataset")
            if persona != "admin"
            else "-",
            _code(await api.gql(link, {"d": distribution}, as_=persona), "datasetDownloadUrl"),
        )
    assert seen == {
        "sme": (NF, NF),
        "sme-staff": (NF, NF),
        "specialist": (NF, "ok"),  # the contributor downloads its own files, reviews nothing
        "central-approver": (NF, NF),
        "admin": ("-", "ok"),
        None: (U, NF),
        "regional-reviewer": ("ok", "ok"),
    }

    # Published (by an admin): every signed-in person may ask; only the owning agency decides.
    second = (await submit(api, "specialist", {**METADATA, "accessTier": "approval"}, [("b.csv", CSV)]))["dataset"]
    assert _code(await api.gql(REVIEW, {"d": second["id"]}, as_="admin"), "reviewDataset") == "ok"
    asked = {}
    for persona in PERSONAS:
        body = await api.gql(REQUEST, {"d": second["id"], "c": None}, as_=persona)
        asked[persona] = _code(body, "requestDatasetAccess")
    assert asked == {p: ("ok" if p else U) for p in PERSONAS}
    queue = (
        await api.gql('{ datasetAccessRequests(status: "pending") { id requesterName } }', as_="regional-reviewer")
    )["data"]["datasetAccessRequests"]
    smes = next(r["id"] for r in queue if r["requesterName"] == "박정호")
    decide = (
        'mutation($id: ID!) { decideDatasetAccess(id: $id, approve: false, reason: "목적 불명확") { errors { code } } }'
    )
    decided = {}
    for persona in ["sme", "sme-staff", "specialist", "central-approver", None, "regional-reviewer"]:
        decided[persona] = _code(await api.gql(decide, {"id": smes}, as_=persona), "decideDatasetAccess")
    assert decided == {
        "sme": NF,  # the requester cannot decide its own request
        "sme-staff": NF,
        "specialist": NF,  # the contributor neither: the owning agency decides
        "central-approver": NF,
        None: U,
        "regional-reviewer": "ok",
    }
