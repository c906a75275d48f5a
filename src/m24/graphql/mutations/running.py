"""Running a mutation: one write transaction, committed before the response; expected errors become
payload data and roll everything back (nothing half-written)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.types.private import MutationError
from m24.kit.errors import AppError

T = TypeVar("T")


async def in_transaction(
    info: Info[Context, None], work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[MutationError]]:
    try:
        async with info.context.db.write() as session:
            return await work(session), []
    except AppError as error:
        return None, [MutationError(field=error.field, code=error.code.value, message=error.message)]


def error(err: AppError) -> list[MutationError]:
    return [MutationError(field=err.field, code=err.code.value, message=err.message)]
