"""Validated commands about companies, shared by GraphQL and web forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from m24.kit import brn
from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.companies.models import MaturityLevel, SizeClass
from m24.portal.reference.ksic import parse_ksic
from m24.portal.reference.regions import parse_region


@dataclass(frozen=True)
class RegisterCompany:
    business_number: str
    name: str
    representative_name: str
    ksic_code: str
    region: str
    size_class: SizeClass
    employees: int
    maturity_level: MaturityLevel = MaturityLevel.NONE
    founded_on: date | None = None
    address: str | None = None

    @classmethod
    def parse(
        cls,
        *,
        business_number: str,
        name: str,
        representative_name: str,
        ksic_code: str,
        region: str,
        size_class: str,
        employees: int,
        maturity_level: str = MaturityLevel.NONE.value,
        founded_on: date | None = None,
        address: str | None = None,
    ) -> RegisterCompany:
        """Validate every field before anything is written; the first problem is raised naming its field."""
        clean_name = name.strip()
        if not 1 <= len(clean_name) <= 200:
            raise ValidationFailed(ErrorCode.INVALID_INPUT, "name: 기업명은 1~200자입니다.", field="name")
        rep = representative_name.strip()
        if not 1 <= len(rep) <= 100:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "representativeName: 대표자명은 1~100자입니다.", field="representativeName"
            )
        if employees < 0 or employees > 1_000_000:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, "employees: 0 이상의 인원수를 입력하세요.", field="employees"
            )
        try:
            size = SizeClass(size_class)
        except ValueError:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT, f"sizeClass: 알 수 없는 기업 규모입니다: {size_class!r}", field="sizeClass"
            ) from None
        try:
            maturity = MaturityLevel(maturity_level)
        except ValueError:
            raise ValidationFailed(
                ErrorCode.INVALID_INPUT,
                f"maturityLevel: 알 수 없는 수준입니다: {maturity_level!r}",
                field="maturityLevel",
            ) from None
        return cls(
            business_number=brn.normalize(business_number, field="businessNumber"),
            name=clean_name,
            representative_name=rep,
            ksic_code=parse_ksic(ksic_code, field="ksicCode"),
            region=parse_region(region, field="region").code,
            size_class=size,
            employees=employees,
            maturity_level=maturity,
            founded_on=founded_on,
            address=address.strip() if address else None,
        )
