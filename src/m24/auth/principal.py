"""Who is asking: the principal every service call is scoped by."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompanyMembershipRef:
    company_id: uuid.UUID
    company_name: str
    role: str
    is_specialist: bool = False


@dataclass(frozen=True)
class AgencyMembershipRef:
    agency_id: uuid.UUID
    agency_name: str
    role: str
    tier: str
    region: str | None


@dataclass(frozen=True)
class Principal:
    """An authenticated person, or :data:`ANONYMOUS` (``person_id is None``)."""

    person_id: uuid.UUID | None = None
    subject: str | None = None
    name: str | None = None
    email: str | None = None
    is_platform_admin: bool = False
    roles: frozenset[str] = frozenset()
    companies: tuple[CompanyMembershipRef, ...] = field(default=())
    agencies: tuple[AgencyMembershipRef, ...] = field(default=())

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None

    def company_role(self, company_id: uuid.UUID) -> str | None:
        """This person's active role in the company, or None."""
        return next((m.role for m in self.companies if m.company_id == company_id), None)

    def agency_roles(self, agency_id: uuid.UUID) -> frozenset[str]:
        return frozenset(m.role for m in self.agencies if m.agency_id == agency_id)

    @property
    def agency_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(m.agency_id for m in self.agencies)

    @property
    def company_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(m.company_id for m in self.companies)


ANONYMOUS = Principal()
