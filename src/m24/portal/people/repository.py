"""All SQL about people."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.portal.people.models import Person


async def get_person(session: AsyncSession, person_id: uuid.UUID) -> Person | None:
    return (await session.scalars(sa.select(Person).where(Person.id == person_id))).first()
