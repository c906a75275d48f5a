"""Errors as the API shows them: expected errors keep their stable code and field; anything else is
masked and logged with the request's trace id."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from m24.kit.errors import AppError

log = logging.getLogger("m24.graphql")


class ErrorShaper(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        shaped: list[GraphQLError] = []
        for error in result.errors:
            original = error.original_error
            if isinstance(original, AppError):
                error.extensions = {"code": original.code.value, "field": original.field}
                shaped.append(error)
            elif original is None:
                # Parse / validation errors (including depth, alias and token limits): the caller's fault.
                extensions = dict(error.extensions or {})
                extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
                error.extensions = extensions
                shaped.append(error)
            elif error.extensions and "code" in error.extensions:
                shaped.append(error)  # permission denials carry their own code
            else:
                log.error("unexpected error in GraphQL operation", exc_info=original, extra={"request_id": request_id})
                shaped.append(
                    GraphQLError(
                        f"내부 오류가 발생했습니다. 문의 시 추적번호를 알려 주세요: {request_id}",
                        nodes=error.nodes,
                        path=error.path,
                        extensions={"code": "INTERNAL_ERROR", "traceId": request_id},
                    )
                )
        result.errors = shaped
