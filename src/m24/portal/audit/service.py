"""Recording who did what, acting for which company or agency, when and from where.

Every change and every read of another party's personal data by agency staff or platform admins
is recorded (개인정보 보호법: access records). No resident registration numbers are ever stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.portal.audit.models import AuditEntry


@dataclass(frozen=True)
class RequestMeta:
    request_id: str | None = None
    client_ip: str | None = None


def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: uuid.UUID | None,
    meta: RequestMeta,
    *,
    company_id: uuid.UUID | None = None,
    agency_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_person_id=principal.person_id,
        acting_company_id=company_id,
        acting_agency_id=agency_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        request_id=meta.request_id,
        client_ip=meta.client_ip,
        details=details or {},
    )
    session.add(entry)
    return entry
