import pytest

from m24.kit import brn
from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.reference.ksic import industry_name, parse_ksic
from m24.portal.reference.regions import REGIONS, parse_region


def test_check_digit_matches_published_algorithm() -> None:
    # 124-81-00998: weights 1,3,7,1,3,7,1,3,5 → 1+6+28+8+3+0+0+27+45 = 118, + floor(9*5/10)=4 → 122 → (10-2)%10 = 8
    assert brn.check_digit("124810099") == 8
    assert brn.is_valid("124-81-00998")
    assert not brn.is_valid("124-81-00997")


@pytest.mark.parametrize("first_nine", ["000000000", "123456789", "999999999", "105870001", "220811234"])
def test_make_number_always_validates(first_nine: str) -> None:
    number = brn.make_number(first_nine)
    assert brn.is_valid(number)
    assert brn.normalize(brn.format_number(number)) == number


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("12345", "10자리"), ("124-81-00997", "검증번호"), ("12a4810099", "숫자 10자리"), ("", "숫자 10자리")],
)
def test_invalid_numbers_name_the_field(value: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        brn.normalize(value, field="businessNumber")
    assert info.value.code is ErrorCode.INVALID_BUSINESS_NUMBER
    assert info.value.field == "businessNumber"
    assert fragment in info.value.message


def test_all_seventeen_regions_parse_by_code_and_korean_name() -> None:
    assert len(REGIONS) == 17
    for region in REGIONS:
        assert parse_region(region.code) is region
        assert parse_region(region.name) is region
        assert parse_region(region.short_name) is region
    assert parse_region("gyeonggi").code == "GYEONGGI"


def test_unknown_region_is_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_region("아틀란티스")
    assert info.value.code is ErrorCode.UNKNOWN_REGION and info.value.field == "region"


def test_ksic_codes() -> None:
    assert parse_ksic("10") == "10"
    assert parse_ksic("C20423") == "20423"
    assert industry_name("20423") == "화장품 제조업"
    assert industry_name("29") == "기타 기계 및 장비 제조업"
    for bad in ("99", "1", "123456", "ab", "05"):
        with pytest.raises(ValidationFailed) as info:
            parse_ksic(bad)
        assert info.value.code is ErrorCode.UNKNOWN_INDUSTRY
