"""The schema and its protective limits."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from m24.config import Settings
from m24.graphql.errors import ErrorShaper
from m24.graphql.mutations.datasets import DatasetMutations
from m24.graphql.mutations.funding import FundingMutations
from m24.graphql.mutations.identity import IdentityMutations
from m24.graphql.mutations.specialists import SpecialistMutations
from m24.graphql.mutations.training import TrainingMutations
from m24.graphql.queries.datasets import DatasetQueries
from m24.graphql.queries.funding import FundingQueries
from m24.graphql.queries.private import PrivateQueries
from m24.graphql.queries.public import PublicQueries
from m24.graphql.queries.search import SearchQueries
from m24.graphql.queries.training import TrainingQueries
from m24.graphql.types.common import SCALAR_MAP


@strawberry.type
class Query(PublicQueries, PrivateQueries, FundingQueries, SearchQueries, TrainingQueries, DatasetQueries):
    pass


@strawberry.type
class Mutation(IdentityMutations, FundingMutations, SpecialistMutations, TrainingMutations, DatasetMutations):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        ErrorShaper,
        # Parsed and validated documents are cached by their text: the same few operations repeat.
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=settings.is_production, scalar_map=dict(SCALAR_MAP.items())),
    )
