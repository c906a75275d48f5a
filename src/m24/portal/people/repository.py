"""All SQL about people."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.portal.people.models import Person


async def get_person(session: AsyncSession, person_id: uuid.UUID) -> Person | None:
    return (await session.scalars(sa.select(Person).where(Person.id == person_id))).first()


async def names_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await session.execute(sa.select(Person.id, Person.name).where(Person.id.in_(set(ids))))
    return {pid: name for pid, name in rows.all()}
