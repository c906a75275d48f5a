"""Who is asking: the principal every service call is scoped by."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompanyMembershipRef:
    company_id: uuid.UUID
    role: str


@dataclass(frozen=True)
class AgencyMembershipRef:
    agency_id: uuid.UUID
    role: str
    tier: str
    region: str | None


@dataclass(frozen=True)
class Principal:
    """An authenticated person, or :data:`ANONYMOUS` (``person_id is None``)."""

    person_id: uuid.UUID | None = None
    subject: str | None = None
    name: str | None = None
    roles: frozenset[str] = frozenset()
    companies: tuple[CompanyMembershipRef, ...] = field(default=())
    agencies: tuple[AgencyMembershipRef, ...] = field(default=())

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None


ANONYMOUS = Principal()
