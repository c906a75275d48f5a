"""Parsing ids that arrive from clients."""

from __future__ import annotations

import enum
import uuid

from m24.kit.errors import ErrorCode, ValidationFailed


def parse_id(value: str, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationFailed(ErrorCode.INVALID_ID, f"{field}: 올바른 ID 형식이 아닙니다.", field=field) from None


def parse_choice(value: str | None, allowed: type[enum.StrEnum], field: str) -> str | None:
    """A value of a string enum given as a filter argument; None passes through (no filter)."""
    if value is not None and value not in {m.value for m in allowed}:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, f"{field}: 알 수 없는 값입니다: {value!r}", field=field)
    return value


def parse_choices(values: list[str] | None, allowed: type[enum.StrEnum], field: str) -> tuple[str, ...]:
    """Several values of a string enum (a multi-select filter); each is checked as by :func:`parse_choice`."""
    for value in values or []:
        parse_choice(value, allowed, field)
    return tuple(values or [])
