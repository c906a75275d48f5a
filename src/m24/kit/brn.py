"""사업자등록번호 (business registration number): 10 digits, the last a check digit.

Weights 1,3,7,1,3,7,1,3,5 on the first nine digits; add floor(9th digit × 5 / 10); the check digit is
(10 − sum mod 10) mod 10. Passing the check does not mean the business is active — only the
National Tax Service can say that.
"""

from __future__ import annotations

import re

from m24.kit.errors import ErrorCode, ValidationFailed

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_ALLOWED = re.compile(r"^[0-9\- ]+$")


def check_digit(first_nine: str) -> int:
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True))
    total += (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def is_valid(number: str) -> bool:
    digits = number.replace("-", "").replace(" ", "")
    return len(digits) == 10 and digits.isdigit() and check_digit(digits[:9]) == int(digits[9])


def normalize(value: str, field: str = "businessNumber") -> str:
    """Return the 10 digits of a valid number (hyphens and spaces allowed), or raise naming the field."""
    if not _ALLOWED.match(value or ""):
        raise ValidationFailed(
            ErrorCode.INVALID_BUSINESS_NUMBER,
            f"{field}: 사업자등록번호는 숫자 10자리입니다 (예: 123-45-67890).",
            field=field,
        )
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) != 10:
        raise ValidationFailed(
            ErrorCode.INVALID_BUSINESS_NUMBER,
            f"{field}: 사업자등록번호는 숫자 10자리입니다 ({len(digits)}자리 입력됨).",
            field=field,
        )
    if check_digit(digits[:9]) != int(digits[9]):
        raise ValidationFailed(
            ErrorCode.INVALID_BUSINESS_NUMBER,
            f"{field}: 사업자등록번호의 검증번호(마지막 자리)가 맞지 않습니다.",
            field=field,
        )
    return digits


def format_number(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def make_number(first_nine: str) -> str:
    """Complete nine digits with their check digit (used by the seed and tests)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("nine digits expected")
    return first_nine + str(check_digit(first_nine))
