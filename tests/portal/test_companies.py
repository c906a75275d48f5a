"""Company registration validates everything first; a failure writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from m24.kit import brn
from m24.kit.db import Database
from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.audit.models import AuditEntry
from m24.portal.companies import service
from m24.portal.companies.models import Company
from m24.portal.companies.schemas import RegisterCompany

GOOD_NUMBER = brn.make_number("130860001")
BAD_NUMBER = GOOD_NUMBER[:9] + str((int(GOOD_NUMBER[9]) + 1) % 10)

VALID = {
    "business_number": brn.format_number(GOOD_NUMBER),
    "name": "(주)한결정밀",
    "representative_name": "김민준",
    "ksic_code": "29221",
    "region": "경남",
    "size_class": "small",
    "employees": 23,
}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"business_number": BAD_NUMBER}, ErrorCode.INVALID_BUSINESS_NUMBER, "businessNumber"),
        ({"ksic_code": "00"}, ErrorCode.UNKNOWN_INDUSTRY, "ksicCode"),
        ({"region": "평양"}, ErrorCode.UNKNOWN_REGION, "region"),
        ({"size_class": "huge"}, ErrorCode.INVALID_INPUT, "sizeClass"),
        ({"employees": -1}, ErrorCode.INVALID_INPUT, "employees"),
        ({"name": "  "}, ErrorCode.INVALID_INPUT, "name"),
    ],
)
def test_invalid_commands_name_the_field(change: dict[str, object], code: ErrorCode, field: str) -> None:
    assert not brn.is_valid(BAD_NUMBER)
    with pytest.raises(ValidationFailed) as info:
        RegisterCompany.parse(**{**VALID, **change})  # type: ignore[arg-type]
    assert info.value.code is code and info.value.field == field


async def test_register_and_duplicate_leaves_the_first_untouched(migrated_db_url: str) -> None:
    db = Database(migrated_db_url)
    try:
        command = RegisterCompany.parse(**VALID)  # type: ignore[arg-type]
        assert command.region == "GYEONGNAM" and command.business_number.isdigit()
        async with db.write() as session:
            first = await service.register_company(session, command, request_id="r1")
        duplicate = RegisterCompany.parse(**{**VALID, "name": "다른 이름"})  # type: ignore[arg-type]
        with pytest.raises(service.DuplicateCompany):
            async with db.write() as session:
                await service.register_company(session, duplicate)
        async with db.read() as session:
            rows = (await session.scalars(sa.select(Company))).all()
            audits = (await session.scalars(sa.select(AuditEntry))).all()
        assert [(c.id, c.name) for c in rows] == [(first.id, "(주)한결정밀")]
        assert [(a.action, a.object_id) for a in audits] == [("company.registered", first.id)]
    finally:
        await db.dispose()
