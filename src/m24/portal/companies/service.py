"""Company rules: registration (the identity issue adds the NTS status check and memberships)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.errors import AppError, ErrorCode
from m24.portal.audit.models import AuditEntry
from m24.portal.companies.models import Company
from m24.portal.companies.schemas import RegisterCompany


class DuplicateCompany(AppError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            ErrorCode.CONFLICT, "businessNumber: 이미 등록된 사업자등록번호입니다.", field="businessNumber"
        )


async def register_company(
    session: AsyncSession, command: RegisterCompany, *, request_id: str | None = None
) -> Company:
    """Create a company from a validated command and audit it; a duplicate number changes nothing."""
    existing = await session.scalar(sa.select(Company.id).where(Company.business_number == command.business_number))
    if existing is not None:
        raise DuplicateCompany()
    company = Company(
        business_number=command.business_number,
        name=command.name,
        representative_name=command.representative_name,
        ksic_code=command.ksic_code,
        region=command.region,
        size_class=command.size_class,
        employees=command.employees,
        maturity_level=command.maturity_level,
        founded_on=command.founded_on,
        address=command.address,
    )
    session.add(company)
    await session.flush()
    session.add(
        AuditEntry(action="company.registered", object_type="company", object_id=company.id, request_id=request_id)
    )
    return company
