"""Scalars and small shared types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NewType, TypeVar

import strawberry
from strawberry.types.scalar import ScalarDefinition

from m24.kit.pagination import Page, encode_cursor
from m24.portal.reference.ksic import industry_name
from m24.portal.reference.regions import BY_CODE

BigInt = NewType("BigInt", int)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=int,
        description="An integer beyond GraphQL's 32-bit Int, e.g. amounts in KRW (원).",
    )
}

T = TypeVar("T")
M = TypeVar("M")


@strawberry.type(description="시·도 (first-level region).")
class Region:
    code: str = strawberry.field(description="Stable code, e.g. GYEONGGI.")
    name: str = strawberry.field(description="Korean name, e.g. 경기도.")

    @staticmethod
    def of(code: str) -> Region:
        region = BY_CODE.get(code)
        return Region(code=code, name=region.name if region else code)


@strawberry.type(description="KSIC industry code (표준산업분류) with its Korean name.")
class Industry:
    code: str
    name: str

    @staticmethod
    def of(code: str) -> Industry:
        return Industry(code=code, name=industry_name(code))


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @staticmethod
    def of(page: Page[M], kind: str, key: Callable[[M], tuple[Any, ...]], node: Callable[[M], T]) -> Connection[T]:
        """Wrap a repository page: one edge per row with its opaque cursor."""
        edges = [Edge(node=node(row), cursor=encode_cursor(kind, key(row))) for row in page.items]
        return Connection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            total_count=page.total,
        )
