"""The 17 first-level administrative regions (시·도) of Korea."""

from __future__ import annotations

from dataclasses import dataclass

from m24.kit.errors import ErrorCode, ValidationFailed


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    short_name: str
    admin_code: str  # 행정표준코드 시·도 two-digit code


REGIONS: tuple[Region, ...] = (
    Region("SEOUL", "서울특별시", "서울", "11"),
    Region("BUSAN", "부산광역시", "부산", "26"),
    Region("DAEGU", "대구광역시", "대구", "27"),
    Region("INCHEON", "인천광역시", "인천", "28"),
    Region("GWANGJU", "광주광역시", "광주", "29"),
    Region("DAEJEON", "대전광역시", "대전", "30"),
    Region("ULSAN", "울산광역시", "울산", "31"),
    Region("SEJONG", "세종특별자치시", "세종", "36"),
    Region("GYEONGGI", "경기도", "경기", "41"),
    Region("GANGWON", "강원특별자치도", "강원", "51"),
    Region("CHUNGBUK", "충청북도", "충북", "43"),
    Region("CHUNGNAM", "충청남도", "충남", "44"),
    Region("JEONBUK", "전북특별자치도", "전북", "52"),
    Region("JEONNAM", "전라남도", "전남", "46"),
    Region("GYEONGBUK", "경상북도", "경북", "47"),
    Region("GYEONGNAM", "경상남도", "경남", "48"),
    Region("JEJU", "제주특별자치도", "제주", "50"),
)

BY_CODE: dict[str, Region] = {r.code: r for r in REGIONS}
_LOOKUP: dict[str, Region] = {}
for _r in REGIONS:
    for _key in (_r.code, _r.name, _r.short_name, _r.admin_code):
        _LOOKUP[_key.upper()] = _r


def parse_region(value: str, field: str = "region") -> Region:
    """Accept a code (``GYEONGGI``), a full or short Korean name (경기도, 경기) or the admin code (41)."""
    region = _LOOKUP.get(value.strip().upper())
    if region is None:
        raise ValidationFailed(
            ErrorCode.UNKNOWN_REGION,
            f"{field}: 알 수 없는 시·도입니다: {value[:40]!r} (예: SEOUL, 경기도, 부산)",
            field=field,
        )
    return region


def region_name(code: str | None) -> str | None:
    if code is None:
        return None
    region = BY_CODE.get(code)
    return region.name if region else None
