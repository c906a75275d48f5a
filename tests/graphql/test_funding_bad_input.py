"""Malformed input to the funding mutations: a coded error naming the field, never an internal error."""

from __future__ import annotations

import pytest

from tests.helpers import Api

CASES = [
    (
        'mutation { submitFundingApplication(id: "not-a-uuid", idempotencyKey: "k-000001") { errors { field code } } }',
        "submitFundingApplication",
        ("id", "INVALID_ID"),
    ),
    (
        'mutation { withdrawFundingApplication(id: "123") { errors { field code } } }',
        "withdrawFundingApplication",
        ("id", "INVALID_ID"),
    ),
    (
        'mutation { createFundingApplication(input: {programId: "00000000-0000-0000-0000-000000000000",'
        ' companyId: "x", requestedAmountKrw: 1, formData: {}}) { errors { field code } } }',
        "createFundingApplication",
        ("companyId", "INVALID_ID"),
    ),
    (
        'mutation { createFundingApplication(input: {programId: "00000000-0000-0000-0000-000000000000",'
        ' companyId: "00000000-0000-0000-0000-000000000000", requestedAmountKrw: 1, formData: [1, 2]})'
        " { errors { field code } } }",
        "createFundingApplication",
        ("formData", "INVALID_INPUT"),
    ),
    (
        'mutation { reviewFundingApplication(id: "00000000-0000-0000-0000-000000000000", scores: "높음")'
        " { errors { field code } } }",
        "reviewFundingApplication",
        ("scores", "INVALID_INPUT"),
    ),
    (
        "mutation { decideFundingApplications(ids: [], approve: true) { errors { field code } } }",
        "decideFundingApplications",
        ("ids", "INVALID_INPUT"),
    ),
    (
        'mutation { submitFundingApplication(id: "00000000-0000-0000-0000-000000000000", idempotencyKey: "short")'
        " { errors { field code } } }",
        "submitFundingApplication",
        ("idempotencyKey", "INVALID_INPUT"),
    ),
    (
        'mutation { publishEligibilityRules(programId: "00000000-0000-0000-0000-000000000000",'
        ' rulesJson: {rule: "size_class_in"}) { errors { field code } } }',
        "publishEligibilityRules",
        ("programId", "NOT_FOUND"),
    ),
]


@pytest.mark.parametrize(("query", "field", "expected"), CASES, ids=[c[1] + str(i) for i, c in enumerate(CASES)])
async def test_malformed_funding_input_is_a_coded_error(
    api: Api, query: str, field: str, expected: tuple[str, str]
) -> None:
    body = await api.gql(query, as_="sme")
    assert "errors" not in body, body
    errors = body["data"][field]["errors"]
    assert (errors[0]["field"], errors[0]["code"]) == expected
