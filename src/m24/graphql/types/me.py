from __future__ import annotations

import strawberry


@strawberry.type(description="A membership of the current user in a company or an agency.")
class MembershipRef:
    id: strawberry.ID
    role: str


@strawberry.type(description="The logged-in person.")
class Me:
    id: strawberry.ID
    name: str | None
    roles: list[str]
    companies: list[MembershipRef]
    agencies: list[MembershipRef]
