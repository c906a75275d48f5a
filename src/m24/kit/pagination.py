"""Keyset pagination: opaque cursors and capped page sizes."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from m24.kit.errors import ErrorCode, ValidationFailed

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows, the total matching the filter, and whether more follow."""

    items: Sequence[T]
    total: int
    has_next: bool


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: tuple[Any, ...] | None


def encode_cursor(kind: str, key: tuple[Any, ...]) -> str:
    raw = json.dumps([kind, *key], separators=(",", ":"), ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str, arity: int, field: str = "after") -> tuple[Any, ...]:
    """Decode a cursor made by :func:`encode_cursor` for ``kind``; anything else is INVALID_CURSOR."""
    if len(cursor) > 512:
        raise ValidationFailed(ErrorCode.INVALID_CURSOR, f"{field}: 커서가 너무 깁니다.", field=field)
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise ValidationFailed(
            ErrorCode.INVALID_CURSOR, f"{field}: 올바르지 않은 커서입니다 (invalid cursor).", field=field
        ) from None
    if not isinstance(data, list) or len(data) != arity + 1 or data[0] != kind:
        raise ValidationFailed(
            ErrorCode.INVALID_CURSOR,
            f"{field}: 이 목록의 커서가 아닙니다 (cursor does not belong to this list).",
            field=field,
        )
    return tuple(data[1:])


def page_request(
    first: int | None, after: str | None, *, kind: str, arity: int, default: int, maximum: int
) -> PageRequest:
    size = default if first is None else first
    if size < 1:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "first: 1 이상이어야 합니다.", field="first")
    if size > maximum:
        raise ValidationFailed(
            ErrorCode.PAGE_TOO_LARGE,
            f"first: 한 번에 최대 {maximum}건까지 요청할 수 있습니다 (requested {size}).",
            field="first",
        )
    key = decode_cursor(kind, after, arity) if after else None
    return PageRequest(first=size, after=key)


def after_key(
    sort_column: QueryableAttribute[Any],
    id_column: QueryableAttribute[Any],
    key: tuple[Any, ...],
    parse_sort: Callable[[str], Any] = str,
) -> sa.ColumnElement[bool]:
    """The keyset condition "strictly after (sort value, id)" for a list ordered by both ascending.

    ``key`` is a decoded two-part cursor; a value that does not parse is INVALID_CURSOR.
    """
    try:
        sort_value, id_value = parse_sort(str(key[0])), uuid.UUID(str(key[1]))
    except ValueError:
        raise ValidationFailed(ErrorCode.INVALID_CURSOR, "after: 올바르지 않은 커서입니다.", field="after") from None
    return sa.or_(sort_column > sort_value, sa.and_(sort_column == sort_value, id_column > id_value))
