"""Page requests for connections: the configured default and cap, two-part keyset cursors."""

from __future__ import annotations

from strawberry.types import Info

from m24.graphql.context import Context
from m24.kit.pagination import PageRequest, page_request


def page_of(info: Info[Context, None], first: int | None, after: str | None, kind: str) -> PageRequest:
    settings = info.context.settings
    return page_request(
        first, after, kind=kind, arity=2, default=settings.page_size_default, maximum=settings.page_size_max
    )
