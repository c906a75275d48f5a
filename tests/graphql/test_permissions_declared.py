"""Schema walk: every root field declares its permission, every object type declares its audience,
and no private type is reachable from a public root field (so public queries expose public fields only)."""

from __future__ import annotations

import strawberry
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLType

from m24.config import Settings
from m24.graphql.permissions import TYPE_AUDIENCE, Authenticated, Public
from m24.graphql.schema import build_schema


def undeclared_root_fields(schema: strawberry.Schema) -> list[str]:
    missing = []
    for root in (schema.query, schema.mutation, schema.subscription):
        if root is None:
            continue
        definition = root.__strawberry_definition__  # type: ignore[attr-defined]
        missing += [f"{definition.name}.{f.python_name}" for f in definition.fields if not f.permission_classes]
    return missing


def _named(t: GraphQLType) -> GraphQLType:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def reachable_object_types(graphql_schema: GraphQLSchema, root: GraphQLObjectType, field: str) -> set[str]:
    seen: set[str] = set()
    stack = [_named(root.fields[field].type)]
    while stack:
        current = stack.pop()
        if not isinstance(current, GraphQLObjectType) or current.name in seen:
            continue
        seen.add(current.name)
        stack.extend(_named(f.type) for f in current.fields.values())
    return seen


def test_every_root_field_declares_a_permission() -> None:
    schema = build_schema(Settings())
    assert undeclared_root_fields(schema) == []
    fields = {f.python_name for f in schema.query.__strawberry_definition__.fields}  # type: ignore[attr-defined]
    assert {"agencies", "funding_programs", "funding_program", "companies", "me"} <= fields


def test_every_object_type_declares_its_audience() -> None:
    graphql_schema = build_schema(Settings())._schema
    object_types = {
        name
        for name, t in graphql_schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__") and name not in ("Query", "Mutation")
    }
    assert sorted(object_types - set(TYPE_AUDIENCE)) == [], "declare these in m24.graphql.permissions.TYPE_AUDIENCE"
    assert sorted(set(TYPE_AUDIENCE) - object_types) == [], "stale entries in TYPE_AUDIENCE"


def test_public_root_fields_reach_only_public_types() -> None:
    schema = build_schema(Settings())
    graphql_schema = schema._schema
    query_type = graphql_schema.query_type
    assert query_type is not None
    for field in schema.query.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        graphql_name = schema.config.name_converter.get_graphql_name(field)
        reached = reachable_object_types(graphql_schema, query_type, graphql_name)
        audiences = {TYPE_AUDIENCE[t] for t in reached}
        if Public in field.permission_classes:
            allowed = {"public", "self"} if graphql_name == "me" else {"public"}
            assert audiences <= allowed, f"public field {graphql_name} reaches {audiences - allowed} types"
        else:
            assert Authenticated in field.permission_classes, graphql_name


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
