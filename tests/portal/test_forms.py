"""Application forms (JSON Schema) and review scoring sheets."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.funding.forms import (
    STANDARD_SCORING_FORM,
    check_schema,
    scoring_form,
    standard_form,
    validate_form,
    validate_scores,
)
from m24.portal.seed.data import ELIGIBILITY_RULES

KINDS = sorted(ELIGIBILITY_RULES)

COMPLETE: dict[str, Any] = {
    "project_title": "AI 기반 생산실적 관리 시스템 구축",
    "project_months": 12,
    "total_project_cost_krw": 150_000_000,
    "employees": 23,
    "current_maturity": "basic",
    "contact_phone": "031-123-4567",
    "goals": "불량률 30% 감소",
    "safety_plan": "협착 사고 위험 공정 자동화",
    "environment_plan": "공기압축기 에너지 10% 절감",
}


def form_error(schema: dict[str, Any], data: Any, *, complete: bool) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        validate_form(schema, data, complete=complete)
    assert info.value.code is ErrorCode.FORM_INVALID
    return info.value


# --- standard_form / check_schema ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*KINDS, "unknown_kind"])
def test_standard_form_is_a_valid_2020_12_schema(kind: str) -> None:
    schema = standard_form(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert check_schema(schema) is schema
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["required"]) <= set(schema["properties"])
    assert {"project_title", "project_months", "total_project_cost_krw", "contact_phone"} <= set(schema["required"])
    for name, prop in schema["properties"].items():
        assert prop.get("title"), name


def test_standard_form_kind_extras() -> None:
    assert "subscription_plan" in standard_form("subscription")["required"]
    assert "robot_units" in standard_form("robot")["required"]
    win_win = standard_form("win_win")
    assert win_win["properties"]["sponsor_mentoring"]["type"] == "boolean"
    assert "sponsor_mentoring" not in win_win["required"]
    basic = standard_form("ai_factory_basic")
    assert not {"subscription_plan", "robot_units", "sponsor_mentoring"} & set(basic["properties"])
    assert {"safety_plan", "environment_plan"} <= set(basic["properties"])


def test_standard_form_returns_independent_copies() -> None:
    first = standard_form("robot")
    first["required"].append("goals")
    first["properties"]["extra"] = {"type": "string"}
    second = standard_form("robot")
    assert "goals" not in second["required"]
    assert "extra" not in second["properties"]


@pytest.mark.parametrize("schema", [None, [], "object", 5, True])
def test_check_schema_refuses_non_objects(schema: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        check_schema(schema)
    assert info.value.code is ErrorCode.INVALID_INPUT
    assert info.value.field == "formSchema"
    assert info.value.message == "신청서 양식은 JSON 객체여야 합니다."


@pytest.mark.parametrize(
    "schema",
    [
        {"type": 5},
        {"type": "object", "properties": {"a": {"type": "text"}}},
        {"type": "object", "required": "a"},
        {"type": "string", "minLength": -1},
    ],
)
def test_check_schema_refuses_invalid_schemas(schema: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as info:
        check_schema(schema)
    assert info.value.code is ErrorCode.INVALID_INPUT
    assert info.value.field == "formSchema"
    assert info.value.message.startswith("신청서 양식이 올바른 JSON Schema가 아닙니다: ")


# --- validate_form -------------------------------------------------------------------------------------


def test_complete_form_is_accepted_both_ways() -> None:
    schema = standard_form("ai_factory_basic")
    assert validate_form(schema, COMPLETE, complete=True) is COMPLETE
    assert validate_form(schema, COMPLETE, complete=False) is COMPLETE


@pytest.mark.parametrize(
    "draft",
    [{}, {"project_title": "AI 공정"}, {"project_months": 6, "contact_phone": "010-1234-5678"}],
)
def test_partial_draft_is_accepted(draft: dict[str, Any]) -> None:
    schema = standard_form("robot")
    before = copy.deepcopy(schema)
    assert validate_form(schema, draft, complete=False) == draft
    # Relaxing the draft check must not drop `required` from the stored schema.
    assert schema == before


@pytest.mark.parametrize(
    ("data", "field", "title", "validator"),
    [
        ({"project_months": "12"}, "formData.project_months", "사업 기간(개월)", "type"),
        ({"project_months": 12.5}, "formData.project_months", "사업 기간(개월)", "type"),
        ({"project_months": 25}, "formData.project_months", "사업 기간(개월)", "maximum"),
        ({"project_months": 0}, "formData.project_months", "사업 기간(개월)", "minimum"),
        ({"project_title": "A"}, "formData.project_title", "과제명", "minLength"),
        ({"contact_phone": "12345"}, "formData.contact_phone", "담당자 연락처", "pattern"),
        ({"current_maturity": "expert"}, "formData.current_maturity", "현재 스마트공장 수준", "enum"),
        ({"total_project_cost_krw": -1}, "formData.total_project_cost_krw", "총 사업비(원)", "minimum"),
    ],
)
@pytest.mark.parametrize("complete", [False, True])
def test_wrong_value_names_the_field_and_title(
    data: dict[str, Any], field: str, title: str, validator: str, complete: bool
) -> None:
    # On submission everything else is filled in, so the bad value is the only error.
    payload = {**COMPLETE, **data} if complete else data
    error = form_error(standard_form("ai_factory_basic"), payload, complete=complete)
    assert error.field == field
    assert error.message.startswith(f"'{title}' 값이 올바르지 않습니다 ({validator}: ")


def test_robot_units_type_in_draft() -> None:
    error = form_error(standard_form("robot"), {"robot_units": "two"}, complete=False)
    assert error.field == "formData.robot_units"
    assert "'도입 로봇 대수'" in error.message


@pytest.mark.parametrize(
    ("kind", "missing", "title"),
    [
        ("ai_factory_basic", "contact_phone", "담당자 연락처"),
        ("ai_factory_basic", "project_title", "과제명"),
        ("ai_factory_basic", "project_months", "사업 기간(개월)"),
        ("robot", "robot_units", "도입 로봇 대수"),
        ("subscription", "subscription_plan", "구독 요금제"),
    ],
)
def test_submission_refuses_a_missing_required_field(kind: str, missing: str, title: str) -> None:
    extra = {"robot": {"robot_units": 2}, "subscription": {"subscription_plan": "베이직"}}.get(kind, {})
    data = {k: v for k, v in {**COMPLETE, **extra}.items() if k != missing}
    # The same data is a fine draft.
    assert validate_form(standard_form(kind), data, complete=False) == data
    error = form_error(standard_form(kind), data, complete=True)
    assert error.field == f"formData.{missing}"
    assert error.message == f"필수 항목 '{title}'이(가) 비어 있습니다."


def test_submission_of_empty_form_names_a_required_field() -> None:
    error = form_error(standard_form("ai_factory_basic"), {}, complete=True)
    assert error.field in {
        "formData.project_title",
        "formData.project_months",
        "formData.total_project_cost_krw",
        "formData.contact_phone",
    }
    assert error.message.startswith("필수 항목 '")


@pytest.mark.parametrize("complete", [False, True])
def test_additional_properties_are_refused(complete: bool) -> None:
    data = {**COMPLETE, "bank_password": "1234"} if complete else {"bank_password": "1234"}
    error = form_error(standard_form("ai_factory_basic"), data, complete=complete)
    assert error.field == "formData"
    assert error.message.startswith("양식에 없는 항목이 있습니다: ")
    assert "bank_password" in error.message


def test_kind_specific_field_is_extra_on_other_kinds() -> None:
    assert validate_form(standard_form("robot"), {"robot_units": 3}, complete=False) == {"robot_units": 3}
    error = form_error(standard_form("consulting"), {"robot_units": 3}, complete=False)
    assert error.field == "formData" and "robot_units" in error.message


@pytest.mark.parametrize("data", [None, [], ["project_title"], "제목", 12])
@pytest.mark.parametrize("complete", [False, True])
def test_non_object_data_is_refused(data: Any, complete: bool) -> None:
    error = form_error(standard_form("ai_factory_basic"), data, complete=complete)
    assert error.field == "formData"
    assert error.message == "신청서 내용은 JSON 객체여야 합니다."


NESTED: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "site": {
            "type": "object",
            "title": "사업장",
            "properties": {
                "address": {"type": "string", "title": "사업장 주소"},
                "area_m2": {"type": "integer", "title": "공장 면적(㎡)", "minimum": 1},
            },
            "required": ["address", "area_m2"],
        },
        "equipment": {
            "type": "array",
            "title": "도입 장비",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string", "title": "장비명"}, "units": {"type": "integer"}},
                "required": ["name", "units"],
            },
        },
    },
    "required": ["site"],
}


def test_nested_fields_are_named_with_their_path_and_title() -> None:
    check_schema(NESTED)
    assert validate_form(NESTED, {"site": {"address": "경기도 화성시"}}, complete=False) == {
        "site": {"address": "경기도 화성시"}
    }
    error = form_error(NESTED, {"site": {"address": "경기도 화성시"}}, complete=True)
    assert error.field == "formData.site.area_m2"
    assert error.message == "필수 항목 '공장 면적(㎡)'이(가) 비어 있습니다."
    error = form_error(NESTED, {"site": {"area_m2": 0}}, complete=False)
    assert error.field == "formData.site.area_m2"
    assert error.message.startswith("'공장 면적(㎡)' 값이 올바르지 않습니다 (minimum: ")


def test_array_item_errors_name_the_index() -> None:
    data = {"equipment": [{"name": "협동로봇", "units": 2}, {"name": "비전 카메라", "units": "3"}]}
    error = form_error(NESTED, data, complete=False)
    assert error.field == "formData.equipment.1.units"
    # No title for array items: the path is used instead.
    assert error.message.startswith("'equipment.1.units' 값이 올바르지 않습니다 (type: ")


def test_draft_with_half_filled_array_item_is_accepted() -> None:
    draft = {"equipment": [{"name": "협동로봇"}]}
    assert validate_form(NESTED, draft, complete=False) == draft
    with pytest.raises(ValidationFailed) as caught:
        validate_form(NESTED, draft, complete=True)
    assert caught.value.code is ErrorCode.FORM_INVALID


def test_a_property_named_required_survives_draft_relaxation() -> None:
    schema = {
        "type": "object",
        "properties": {"required": {"type": "integer", "title": "필수인원"}},
        "additionalProperties": False,
    }
    with pytest.raises(ValidationFailed) as caught:
        validate_form(schema, {"required": "many"}, complete=False)
    assert caught.value.field == "formData.required"


# --- scoring -------------------------------------------------------------------------------------------

FULL_SHEET = {"necessity": 18, "feasibility": 20, "capability": 15, "outcome": 12, "safety": 8, "environment": 7}


def score_error(scores: dict[str, Any], form: list[dict[str, Any]] | None = None) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        validate_scores(form if form is not None else scoring_form(None), scores)
    assert info.value.code is ErrorCode.SCORE_INVALID
    return info.value


def test_standard_scoring_form_has_safety_and_environment() -> None:
    form = scoring_form(None)
    assert [c["key"] for c in form] == ["necessity", "feasibility", "capability", "outcome", "safety", "environment"]
    by_key = {c["key"]: c for c in form}
    assert by_key["safety"] == {"key": "safety", "label": "산업안전 개선 효과", "max": 10}
    assert by_key["environment"] == {"key": "environment", "label": "에너지·환경 개선 효과", "max": 10}
    assert sum(c["max"] for c in form) == 100


def test_scoring_form_copies() -> None:
    form = scoring_form(None)
    form[0]["max"] = 999
    assert STANDARD_SCORING_FORM[0]["max"] == 20
    assert scoring_form([]) == [dict(c) for c in STANDARD_SCORING_FORM]
    custom = [{"key": "fit", "label": "적합성", "max": 50}]
    result = scoring_form(custom)
    assert result == custom and result[0] is not custom[0]


def test_full_valid_sheet_totals() -> None:
    total = validate_scores(scoring_form(None), FULL_SHEET)
    assert total == 80.0 and isinstance(total, float)
    assert validate_scores(scoring_form(None), dict.fromkeys(FULL_SHEET, 0)) == 0.0
    top = {c["key"]: c["max"] for c in STANDARD_SCORING_FORM}
    assert validate_scores(scoring_form(None), top) == 100.0


def test_custom_form_totals() -> None:
    form = [{"key": "fit", "label": "적합성", "max": 50}, {"key": "plan", "label": "계획", "max": 50}]
    assert validate_scores(form, {"fit": 41, "plan": 50}) == 91.0


@pytest.mark.parametrize("missing", list(FULL_SHEET))
def test_missing_criterion(missing: str) -> None:
    scores = {k: v for k, v in FULL_SHEET.items() if k != missing}
    error = score_error(scores)
    label = {c["key"]: c["label"] for c in STANDARD_SCORING_FORM}[missing]
    assert error.field == f"scores.{missing}"
    assert error.message == f"'{label}' 점수가 없습니다."


def test_none_counts_as_missing() -> None:
    error = score_error({**FULL_SHEET, "outcome": None})
    assert error.field == "scores.outcome" and error.message == "'기대 성과(생산성·품질)' 점수가 없습니다."


@pytest.mark.parametrize(
    ("key", "value", "maximum"),
    [
        ("necessity", 21, 20),
        ("necessity", -1, 20),
        ("feasibility", 26, 25),
        ("safety", 11, 10),
        ("environment", 100, 10),
        ("safety", True, 10),
        ("environment", False, 10),
        ("outcome", 10.0, 15),
        ("outcome", 7.5, 15),
        ("capability", "15", 20),
        ("capability", [15], 20),
    ],
)
def test_bad_score_values(key: str, value: Any, maximum: int) -> None:
    error = score_error({**FULL_SHEET, key: value})
    label = {c["key"]: c["label"] for c in STANDARD_SCORING_FORM}[key]
    assert error.field == f"scores.{key}"
    assert error.message == f"'{label}' 점수는 0~{maximum} 사이의 정수여야 합니다."


def test_extra_keys_are_refused() -> None:
    error = score_error({**FULL_SHEET, "bonus": 5, "attitude": 3})
    assert error.field == "scores"
    assert error.message == "평가표에 없는 항목입니다: attitude, bonus"


def test_extra_keys_are_reported_before_missing_ones() -> None:
    error = score_error({"bonus": 5})
    assert error.field == "scores"
