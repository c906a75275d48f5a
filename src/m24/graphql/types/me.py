from __future__ import annotations

import strawberry


@strawberry.type(description="A membership of the current user in a company or an agency.")
class MembershipRef:
    id: strawberry.ID
    name: str
    role: str


@strawberry.type(description="An agency membership of the current user.")
class AgencyMembershipRef:
    id: strawberry.ID
    name: str
    role: str
    tier: str
    region: str | None


@strawberry.type(description="The logged-in person.")
class Me:
    id: strawberry.ID
    name: str | None
    email: str | None
    roles: list[str]
    companies: list[MembershipRef]
    agencies: list[AgencyMembershipRef]
