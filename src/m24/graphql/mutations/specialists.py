"""Specialist directory mutations: references (past projects) and ratings after completed projects.

Profiles and offerings are edited with `updateCompanyProfile` and the offering mutations; designation
is applied for, assessed and decided with the funding mutations on a call whose
`grantsDesignation` is true (the workflow machinery is the funding one)."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from m24.graphql.context import Context
from m24.graphql.ids import parse_id
from m24.graphql.mutations.running import in_transaction
from m24.graphql.permissions import Authenticated
from m24.graphql.types.private import MutationError
from m24.graphql.types.search import SpecialistReference
from m24.portal.specialists import directory


@strawberry.input(description="실적: a past project; link a completed funded project you supplied to mark it verified.")
class SpecialistReferenceInput:
    title: str
    client_name: str
    year: int
    summary: str = ""
    application_id: strawberry.ID | None = None


@strawberry.type
class SpecialistReferencePayload:
    reference: SpecialistReference | None
    errors: list[MutationError]


@strawberry.type(description="A rating of a supplier after a completed project.")
class SupplierRating:
    application_id: strawberry.ID
    supplier_id: strawberry.ID
    score: int
    comment: str


@strawberry.type
class SupplierRatingPayload:
    rating: SupplierRating | None
    errors: list[MutationError]


@strawberry.type
class SpecialistMutations:
    @strawberry.mutation(permission_classes=[Authenticated], description="Specialist firm: add a past project.")
    async def add_specialist_reference(
        self, info: Info[Context, None], company_id: strawberry.ID, input: SpecialistReferenceInput
    ) -> SpecialistReferencePayload:
        data = directory.ReferenceInput(
            title=input.title,
            client_name=input.client_name,
            year=input.year,
            summary=input.summary,
            application_id=parse_id(input.application_id, field="applicationId") if input.application_id else None,
        )

        async def work(session: AsyncSession) -> SpecialistReference:
            row = await directory.add_reference(
                session, info.context.principal, parse_id(company_id, field="companyId"), data, info.context.meta
            )
            return SpecialistReference.from_model(row)

        reference, errors = await in_transaction(info, work)
        return SpecialistReferencePayload(reference=reference, errors=errors)

    @strawberry.mutation(permission_classes=[Authenticated], description="Specialist firm: remove a past project.")
    async def remove_specialist_reference(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> SpecialistReferencePayload:
        async def work(session: AsyncSession) -> SpecialistReference:
            row = await directory.remove_reference(session, info.context.principal, parse_id(id), info.context.meta)
            return SpecialistReference.from_model(row)

        reference, errors = await in_transaction(info, work)
        return SpecialistReferencePayload(reference=reference, errors=errors)

    @strawberry.mutation(
        permission_classes=[Authenticated],
        description="The SME of a completed project rates its supplier (1–5), once per project.",
    )
    async def rate_supplier(
        self, info: Info[Context, None], application_id: strawberry.ID, score: int, comment: str = ""
    ) -> SupplierRatingPayload:
        async def work(session: AsyncSession) -> SupplierRating:
            row = await directory.rate_supplier(
                session,
                info.context.principal,
                parse_id(application_id, field="applicationId"),
                score,
                comment,
                info.context.meta,
            )
            return SupplierRating(
                application_id=strawberry.ID(str(row.application_id)),
                supplier_id=strawberry.ID(str(row.supplier_company_id)),
                score=row.score,
                comment=row.comment,
            )

        rating, errors = await in_transaction(info, work)
        return SupplierRatingPayload(rating=rating, errors=errors)
