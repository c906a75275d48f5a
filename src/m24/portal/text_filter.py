"""Plain substring matching used by list filters until the search projection answers them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from m24.kit.errors import ErrorCode, ValidationFailed

MAX_TEXT_LENGTH = 100


def clean_text(value: str | None, field: str = "text") -> str | None:
    """Strip control characters and surrounding space; refuse overlong input; empty means no filter."""
    if value is None:
        return None
    cleaned = "".join(ch for ch in value if ch.isprintable()).strip()
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, f"{field}: 검색어는 {MAX_TEXT_LENGTH}자 이하로 입력하세요.", field=field
        )
    return cleaned or None


def contains_all_words(
    text: str, *columns: sa.ColumnElement[str] | InstrumentedAttribute[str]
) -> sa.ColumnElement[bool]:
    """Every whitespace-separated word occurs (case-insensitively) in one of the columns."""
    clauses = []
    for word in text.split():
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(sa.or_(*(sa.func.lower(col).like(pattern, escape="\\") for col in columns)))
    return sa.and_(*clauses)
