"""Parsing ids that arrive from clients."""

from __future__ import annotations

import uuid

from m24.kit.errors import ErrorCode, ValidationFailed


def parse_id(value: str, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationFailed(ErrorCode.INVALID_ID, f"{field}: 올바른 ID 형식이 아닙니다.", field=field) from None
