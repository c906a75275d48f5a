"""Dataset metadata as a publisher submits it: field rules, licences, and a screen for personal data.

Metadata is public (it is shown in listings and exported as DCAT-AP), so a title, description or
keyword that carries a resident registration number, a mobile number or an e-mail address is
refused rather than published. The screen looks for obvious shapes only; it is a safety net, not a
guarantee, and it never repeats the value it found (the message may be logged or shown to others).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.datasets.models import AccessTier, DataKind

#: Accepted licence codes and how they are shown.
LICENSES: dict[str, str] = {
    "KOGL-1": "공공누리 제1유형 (출처표시)",
    "KOGL-2": "공공누리 제2유형 (출처표시, 상업적 이용금지)",
    "KOGL-3": "공공누리 제3유형 (출처표시, 변경금지)",
    "KOGL-4": "공공누리 제4유형 (출처표시, 상업적 이용금지, 변경금지)",
    "CC-BY-4.0": "크리에이티브 커먼즈 저작자표시 4.0 국제 (CC BY 4.0)",
    "CC-BY-NC-4.0": "크리에이티브 커먼즈 저작자표시-비영리 4.0 국제 (CC BY-NC 4.0)",
    "CC0-1.0": "크리에이티브 커먼즈 퍼블릭 도메인 (CC0 1.0)",
    "PROPRIETARY": "이용 허락 조건 별도",
}

TITLE_MAX = 300
DESCRIPTION_MAX = 5000
THEME_MAX = 100
KEYWORDS_MAX = 20
KEYWORD_MAX = 50
SHORT_TEXT_MAX = 100

_KSIC_PREFIX = re.compile(r"\d{2,5}")


@dataclass(frozen=True)
class DatasetMetadata:
    """The descriptive part of a dataset; `validated()` returns a cleaned copy or raises ValidationFailed."""

    title: str
    description: str
    theme: str
    keywords: tuple[str, ...]
    license: str
    access_tier: str
    data_kind: str
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: str | None = None
    ksic_prefix: str | None = None
    process: str | None = None
    equipment: str | None = None
    is_labelled: bool = False
    data_standard: str | None = None

    def validated(self) -> DatasetMetadata:
        """A copy with text stripped (empty optional text becomes None, duplicate keywords dropped).

        Fields are checked in declaration order and the first fault is raised: a ValidationFailed
        whose `field` is the GraphQL (camelCase) name — INVALID_INPUT for a rule broken,
        PERSONAL_DATA_IN_METADATA when a text field looks like it carries personal data.
        """
        title = _required_text(self.title, "title", "제목", TITLE_MAX)
        description = _required_text(self.description, "description", "설명", DESCRIPTION_MAX)
        theme = _required_text(self.theme, "theme", "주제", THEME_MAX)
        keywords = _keywords(self.keywords)
        license_code = (self.license or "").strip()
        if license_code not in LICENSES:
            raise _invalid("license", f"알 수 없는 이용 허락 조건입니다. 다음 중에서 고르세요: {', '.join(LICENSES)}")
        access_tier = _enum_value(self.access_tier, AccessTier, "accessTier", "공개 수준")
        data_kind = _enum_value(self.data_kind, DataKind, "dataKind", "데이터 유형")
        if (
            self.temporal_start is not None
            and self.temporal_end is not None
            and self.temporal_start > self.temporal_end
        ):
            raise _invalid("temporalEnd", "수집 기간의 종료일이 시작일보다 빠릅니다.")
        spatial = _optional_text(self.spatial, "spatial", "지역", SHORT_TEXT_MAX)
        ksic_prefix = (self.ksic_prefix or "").strip() or None
        if ksic_prefix is not None and not _KSIC_PREFIX.fullmatch(ksic_prefix):
            raise _invalid("ksicPrefix", "표준산업분류(KSIC) 코드는 숫자 2~5자리로 입력하세요. (예: 29, 29172)")
        process = _optional_text(self.process, "process", "공정", SHORT_TEXT_MAX)
        equipment = _optional_text(self.equipment, "equipment", "설비", SHORT_TEXT_MAX)
        data_standard = _optional_text(self.data_standard, "dataStandard", "데이터 표준", SHORT_TEXT_MAX)
        return replace(
            self,
            title=title,
            description=description,
            theme=theme,
            keywords=keywords,
            license=license_code,
            access_tier=access_tier,
            data_kind=data_kind,
            spatial=spatial,
            ksic_prefix=ksic_prefix,
            process=process,
            equipment=equipment,
            is_labelled=bool(self.is_labelled),
            data_standard=data_standard,
        )


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(ErrorCode.INVALID_INPUT, f"{field}: {message}", field=field)


def _particle(word: str, after_consonant: str, after_vowel: str) -> str:
    """`word` with the particle its last syllable takes ("제목은", "주제는")."""
    last = word[-1]
    has_final = "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0
    return word + (after_consonant if has_final else after_vowel)


def _screened(value: str, field: str) -> str:
    kind = find_personal_data(value)
    if kind is not None:
        raise ValidationFailed(
            ErrorCode.PERSONAL_DATA_IN_METADATA,
            f"{field}: 메타데이터에 개인정보({kind})로 보이는 내용이 있습니다. 지우고 다시 제출하세요.",
            field=field,
        )
    return value


def _required_text(value: str | None, field: str, label: str, maximum: int) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(field, f"{_particle(label, '을', '를')} 입력하세요.")
    if len(text) > maximum:
        raise _invalid(field, f"{_particle(label, '은', '는')} {maximum:,}자 이하로 입력하세요.")
    return _screened(text, field)


def _optional_text(value: str | None, field: str, label: str, maximum: int) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > maximum:
        raise _invalid(field, f"{_particle(label, '은', '는')} {maximum:,}자 이하로 입력하세요.")
    return _screened(text, field)


def _keywords(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    if isinstance(values, str):  # a lone string would otherwise be split into characters
        values = (values,)
    cleaned: list[str] = []
    for value in values:
        keyword = (value or "").strip()
        if not 1 <= len(keyword) <= KEYWORD_MAX:
            raise _invalid("keywords", f"키워드는 하나에 1~{KEYWORD_MAX}자로 입력하세요.")
        if keyword not in cleaned:
            cleaned.append(keyword)
    if len(cleaned) > KEYWORDS_MAX:
        raise _invalid("keywords", f"키워드는 {KEYWORDS_MAX}개까지 입력할 수 있습니다.")
    for keyword in cleaned:
        _screened(keyword, "keywords")
    return tuple(cleaned)


def _enum_value(value: str, enum_cls: type[AccessTier] | type[DataKind], field: str, label: str) -> str:
    text = str(value or "").strip().lower()
    allowed = [member.value for member in enum_cls]
    if text not in allowed:
        raise _invalid(field, f"알 수 없는 {label}입니다. 다음 중에서 고르세요: {', '.join(allowed)}")
    return text


# --- personal data ---------------------------------------------------------------------------------

RESIDENT_NUMBER = "주민등록번호"
FOREIGNER_NUMBER = "외국인등록번호"
MOBILE_NUMBER = "휴대전화번호"
EMAIL_ADDRESS = "이메일 주소"

# Dashes people (and word processors) type between digits, folded to "-" before matching.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣－", "-"))

# YYMMDD, an optional "-" or space, then the 7th digit (1-4 Korean, 5-8 foreign) and six more.
# Not inside a longer run of digits; the date must exist (checked below), which rules out most
# serial and part numbers, and dates such as "2024-01-15" never have a 6-digit and 7-digit group.
_REGISTRATION = re.compile(r"(?<![\d.])(\d{2})(\d{2})(\d{2})[- ]?([1-8])\d{6}(?![\d.])")

# 010/011/016-019, with "-", ".", spaces or nothing between the groups, or +82 (0)10 …
_MOBILE = re.compile(
    r"(?<![\d.,])(?:\+\s?82[-\s.]?(?:\(0\)\s?)?0?|0)1[016789](?:[-\s.]?)\d{3,4}(?:[-\s.]?)\d{4}(?![\d.,]?\d)"
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def find_personal_data(text: str) -> str | None:
    """The kind of personal data `text` seems to contain (a Korean label), or None.

    Looks for 주민등록번호 and 외국인등록번호 (YYMMDD-NNNNNNN, with or without the "-", the date
    real for the century the 7th digit gives), Korean mobile numbers (010-1234-5678, 01012345678,
    +82 10-1234-5678) and e-mail addresses. Full-width digits and typographic dashes count as their
    plain forms. Dates, KSIC codes, ISO standard numbers, part numbers such as "A-123456-7" and
    decimal measurements are not matched.
    """
    normalized = unicodedata.normalize("NFKC", text).translate(_DASHES)
    for match in _REGISTRATION.finditer(normalized):
        year, month, day, marker = (int(group) for group in match.groups())
        century = 1900 if marker in (1, 2, 5, 6) else 2000
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return RESIDENT_NUMBER if marker <= 4 else FOREIGNER_NUMBER
    if _MOBILE.search(normalized):
        return MOBILE_NUMBER
    if _EMAIL.search(normalized):
        return EMAIL_ADDRESS
    return None
