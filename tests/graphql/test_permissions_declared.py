"""Every root field declares its permission (the identity issue extends this to object fields)."""

from __future__ import annotations

import strawberry

from m24.config import Settings
from m24.graphql.permissions import Public
from m24.graphql.schema import build_schema


def undeclared_root_fields(schema: strawberry.Schema) -> list[str]:
    missing = []
    for root in (schema.query, schema.mutation, schema.subscription):
        if root is None:
            continue
        definition = root.__strawberry_definition__  # type: ignore[attr-defined]
        missing += [f"{definition.name}.{f.python_name}" for f in definition.fields if not f.permission_classes]
    return missing


def test_every_root_field_declares_a_permission() -> None:
    schema = build_schema(Settings())
    assert undeclared_root_fields(schema) == []
    fields = {f.python_name for f in schema.query.__strawberry_definition__.fields}  # type: ignore[attr-defined]
    assert {"agencies", "funding_programs", "funding_program", "companies", "me"} <= fields


def test_the_walk_catches_an_undeclared_field() -> None:
    @strawberry.type
    class Query:
        @strawberry.field(permission_classes=[Public])
        def fine(self) -> int:
            return 1

        @strawberry.field
        def forgotten(self) -> int:
            return 2

    assert undeclared_root_fields(strawberry.Schema(query=Query)) == ["Query.forgotten"]
