"""Who may do what to a company. Decisions, never exceptions; services turn them into 404/403."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from m24.auth.principal import Principal


@dataclass(frozen=True)
class Decision:
    allowed: bool
    #: ``hidden``: the object is not visible to this principal at all (report 404, not 403).
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)
HIDDEN = Decision(False, "hidden")


def can_view_private(principal: Principal, company_id: uuid.UUID) -> Decision:
    """Private profile and member list: the company's own members and platform admins."""
    if principal.is_platform_admin or principal.company_role(company_id) is not None:
        return ALLOW
    return HIDDEN


def can_manage_members(principal: Principal, company_id: uuid.UUID) -> Decision:
    if not can_view_private(principal, company_id):
        return HIDDEN
    if principal.company_role(company_id) == "representative":
        return ALLOW
    return Decision(False, "representative_only")


def can_edit_profile(principal: Principal, company_id: uuid.UUID, *, is_specialist: bool) -> Decision:
    """The representative; for specialist firms any member (they keep their listing current)."""
    role = principal.company_role(company_id)
    if role is None:
        return HIDDEN
    if role == "representative" or is_specialist:
        return ALLOW
    return Decision(False, "representative_only")


def can_manage_offerings(principal: Principal, company_id: uuid.UUID, *, is_specialist: bool) -> Decision:
    """Only members of the specialist firm itself change its offerings."""
    if principal.company_role(company_id) is None:
        return HIDDEN
    if not is_specialist:
        return Decision(False, "not_a_specialist")
    return ALLOW
