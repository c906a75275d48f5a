"""Application forms (JSON Schema per program) and review scoring forms.

A program stores its own form in ``form_schema``; null means :func:`standard_form` for its kind. Drafts
are checked on every save without the ``required`` list (a half-filled draft is fine, a wrong type is
not); submission checks the whole schema. Errors name the field (``formData.<path>``) in Korean.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from m24.kit.errors import ErrorCode, ValidationFailed

_BASE_PROPERTIES: dict[str, Any] = {
    "project_title": {"type": "string", "title": "과제명", "minLength": 2, "maxLength": 200},
    "project_months": {"type": "integer", "title": "사업 기간(개월)", "minimum": 1, "maximum": 24},
    "total_project_cost_krw": {"type": "integer", "title": "총 사업비(원)", "minimum": 0},
    "employees": {"type": "integer", "title": "상시근로자 수", "minimum": 0},
    "current_maturity": {
        "type": "string",
        "title": "현재 스마트공장 수준",
        "enum": ["none", "basic", "intermediate_1", "intermediate_2", "advanced"],
    },
    "contact_phone": {"type": "string", "title": "담당자 연락처", "pattern": "^0\\d{1,2}-?\\d{3,4}-?\\d{4}$"},
    "goals": {"type": "string", "title": "도입 목표", "maxLength": 4000},
    "safety_plan": {"type": "string", "title": "산업안전 개선 계획", "maxLength": 4000},
    "environment_plan": {"type": "string", "title": "에너지·환경 개선 계획", "maxLength": 4000},
}
_BASE_REQUIRED = ["project_title", "project_months", "total_project_cost_krw", "contact_phone"]

_KIND_EXTRA: dict[str, tuple[dict[str, Any], list[str]]] = {
    "subscription": (
        {"subscription_plan": {"type": "string", "title": "구독 요금제", "maxLength": 100}},
        ["subscription_plan"],
    ),
    "robot": (
        {"robot_units": {"type": "integer", "title": "도입 로봇 대수", "minimum": 1, "maximum": 100}},
        ["robot_units"],
    ),
    "win_win": ({"sponsor_mentoring": {"type": "boolean", "title": "대기업 멘토링 희망"}}, []),
}


def standard_form(kind: str) -> dict[str, Any]:
    """The standard application form of a program kind, as a JSON Schema."""
    extra, required = _KIND_EXTRA.get(kind, ({}, []))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": "지원사업 신청서",
        "properties": {**_BASE_PROPERTIES, **extra},
        "required": [*_BASE_REQUIRED, *required],
        "additionalProperties": False,
    }


def check_schema(schema: Any) -> dict[str, Any]:
    """A program's form must itself be a valid JSON Schema object."""
    if not isinstance(schema, dict):
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "신청서 양식은 JSON 객체여야 합니다.", field="formSchema")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, f"신청서 양식이 올바른 JSON Schema가 아닙니다: {exc.message}", field="formSchema"
        ) from exc
    return schema


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_VALUES = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _without_required(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy with every ``required`` list dropped, in every subschema (items, $defs, allOf, …) —
    but never a *property* that happens to be called "required"."""
    relaxed = copy.deepcopy(schema)
    stack: list[Any] = [relaxed]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        node.pop("required", None)
        for key in _SCHEMA_MAPS:
            children = node.get(key)
            if isinstance(children, dict):
                stack.extend(children.values())
        stack.extend(node[key] for key in _SCHEMA_VALUES if key in node)
        for key in _SCHEMA_LISTS:
            if isinstance(node.get(key), list):
                stack.extend(node[key])
    return relaxed


def validate_form(schema: dict[str, Any], data: Any, *, complete: bool) -> dict[str, Any]:
    """Validate form data; ``complete`` (submission) also enforces required fields.

    Raises ``FORM_INVALID`` naming the first offending field, e.g. ``formData.project_months``.
    """
    if not isinstance(data, dict):
        raise ValidationFailed(ErrorCode.FORM_INVALID, "신청서 내용은 JSON 객체여야 합니다.", field="formData")
    validator = Draft202012Validator(schema if complete else _without_required(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.message))
    if not errors:
        return data
    first = errors[0]
    path = [str(p) for p in first.absolute_path]
    if first.validator == "required":
        missing = str(first.message).split("'")[1] if "'" in first.message else ""
        path.append(missing)
        title = _title(schema, path) or missing
        message = f"필수 항목 '{title}'이(가) 비어 있습니다."
    elif first.validator == "additionalProperties":
        message = f"양식에 없는 항목이 있습니다: {first.message}"
    else:
        title = _title(schema, path) or ".".join(path)
        message = f"'{title}' 값이 올바르지 않습니다 ({first.validator}: {first.message})"
    field = "formData" + ("." + ".".join(path) if path else "")
    raise ValidationFailed(ErrorCode.FORM_INVALID, message, field=field)


def _title(schema: dict[str, Any], path: list[str]) -> str | None:
    node: Any = schema
    for part in path:
        node = (node.get("properties") or {}).get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node.get("title") if isinstance(node, dict) else None


#: The standard review form: the 3.0 policy asks every project to be judged on its safety and
#: environment effects as well as its technology and business case.
STANDARD_SCORING_FORM: tuple[dict[str, Any], ...] = (
    {"key": "necessity", "label": "도입 필요성", "max": 20},
    {"key": "feasibility", "label": "기술 실현 가능성", "max": 25},
    {"key": "capability", "label": "수행 역량(공급기업 포함)", "max": 20},
    {"key": "outcome", "label": "기대 성과(생산성·품질)", "max": 15},
    {"key": "safety", "label": "산업안전 개선 효과", "max": 10},
    {"key": "environment", "label": "에너지·환경 개선 효과", "max": 10},
)


def scoring_form(stored: list[Any] | None) -> list[dict[str, Any]]:
    return [dict(c) for c in (stored or STANDARD_SCORING_FORM)]


def validate_scores(form: list[dict[str, Any]], scores: dict[str, Any]) -> float:
    """Every criterion scored with an integer in 0..max, nothing extra; returns the total."""
    keys = {c["key"] for c in form}
    extra = sorted(set(scores) - keys)
    if extra:
        raise ValidationFailed(ErrorCode.SCORE_INVALID, f"평가표에 없는 항목입니다: {', '.join(extra)}", field="scores")
    total = 0.0
    for criterion in form:
        value = scores.get(criterion["key"])
        field = f"scores.{criterion['key']}"
        if value is None:
            raise ValidationFailed(ErrorCode.SCORE_INVALID, f"'{criterion['label']}' 점수가 없습니다.", field=field)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= int(criterion["max"]):
            raise ValidationFailed(
                ErrorCode.SCORE_INVALID,
                f"'{criterion['label']}' 점수는 0~{criterion['max']} 사이의 정수여야 합니다.",
                field=field,
            )
        total += value
    return total
