"""Declared permissions. Every root field names one; a schema-walking test enforces it.

Role gates live here (at the edge); row scope lives in the portal's repositories and policies.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from m24.graphql.context import Context


class Public(BasePermission):
    """Anyone, including anonymous visitors; the resolver returns public data only."""

    message = "공개 정보입니다."

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return True


class Authenticated(BasePermission):
    """A logged-in person."""

    message = "로그인이 필요합니다."
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return info.context.principal.is_authenticated
