"""KSIC (한국표준산업분류, 11th revision) divisions the portal deals with, and code validation.

A KSIC code is 2 to 5 digits; the first two digits name the division (중분류). Manufacturing is
divisions 10–34 (section C); specialist firms are mostly in software, IT services and engineering.
"""

from __future__ import annotations

import re

from m24.kit.errors import ErrorCode, ValidationFailed

DIVISIONS: dict[str, str] = {
    "10": "식료품 제조업",
    "11": "음료 제조업",
    "12": "담배 제조업",
    "13": "섬유제품 제조업; 의복 제외",
    "14": "의복, 의복 액세서리 및 모피제품 제조업",
    "15": "가죽, 가방 및 신발 제조업",
    "16": "목재 및 나무제품 제조업; 가구 제외",
    "17": "펄프, 종이 및 종이제품 제조업",
    "18": "인쇄 및 기록매체 복제업",
    "19": "코크스, 연탄 및 석유정제품 제조업",
    "20": "화학 물질 및 화학제품 제조업; 의약품 제외",
    "21": "의료용 물질 및 의약품 제조업",
    "22": "고무 및 플라스틱제품 제조업",
    "23": "비금속 광물제품 제조업",
    "24": "1차 금속 제조업",
    "25": "금속 가공제품 제조업; 기계 및 가구 제외",
    "26": "전자 부품, 컴퓨터, 영상, 음향 및 통신장비 제조업",
    "27": "의료, 정밀, 광학 기기 및 시계 제조업",
    "28": "전기장비 제조업",
    "29": "기타 기계 및 장비 제조업",
    "30": "자동차 및 트레일러 제조업",
    "31": "기타 운송장비 제조업",
    "32": "가구 제조업",
    "33": "기타 제품 제조업",
    "34": "산업용 기계 및 장비 수리업",
    "46": "도매 및 상품 중개업",
    "58": "출판업",
    "62": "컴퓨터 프로그래밍, 시스템 통합 및 관리업",
    "63": "정보서비스업",
    "70": "연구개발업",
    "71": "전문 서비스업",
    "72": "건축 기술, 엔지니어링 및 기타 과학기술 서비스업",
    "73": "기타 전문, 과학 및 기술 서비스업",
}

#: Named classes used in seed data and filters (5-digit 세세분류 or shorter).
CLASSES: dict[str, str] = {
    "10711": "떡, 빵 및 과자류 제조업",
    "10301": "과실 및 채소 가공업",
    "10121": "가금류 가공 및 저장 처리업",
    "20423": "화장품 제조업",
    "22241": "운송장비 조립용 플라스틱제품 제조업",
    "25112": "구조용 금속판제품 및 금속공작물 제조업",
    "25911": "분말 야금제품 제조업",
    "26111": "메모리용 전자집적회로 제조업",
    "26299": "그 외 기타 전자부품 제조업",
    "28111": "전동기 및 발전기 제조업",
    "29180": "기체 여과기 제조업",
    "29221": "전자 응용 절삭기계 제조업",
    "30332": "자동차 차체용 신품 부품 제조업",
    "30399": "그 외 자동차용 신품 부품 제조업",
    "13102": "면 방적업",
    "21210": "완제 의약품 제조업",
    "24122": "냉간 압연 및 압출 제품 제조업",
    "58221": "시스템 소프트웨어 개발 및 공급업",
    "58222": "응용 소프트웨어 개발 및 공급업",
    "62010": "컴퓨터 프로그래밍 서비스업",
    "62021": "컴퓨터시스템 통합 자문 및 구축 서비스업",
    "63112": "호스팅 및 관련 서비스업",
    "71531": "경영 컨설팅업",
    "72129": "기타 엔지니어링 서비스업",
}

MANUFACTURING_DIVISIONS = tuple(code for code in DIVISIONS if 10 <= int(code) <= 34)

_CODE = re.compile(r"^\d{2,5}$")


def parse_ksic(value: str, field: str = "industry") -> str:
    """Validate a KSIC code or prefix (2–5 digits, an optional leading section letter ``C`` is dropped)."""
    code = value.strip().upper()
    if code[:1].isalpha() and len(code) > 1:
        code = code[1:]
    if not _CODE.match(code) or code[:2] not in DIVISIONS:
        raise ValidationFailed(
            ErrorCode.UNKNOWN_INDUSTRY,
            f"{field}: 알 수 없는 표준산업분류(KSIC) 코드입니다: {value[:40]!r} (예: 10 식료품, 20423 화장품)",
            field=field,
        )
    return code


def industry_name(code: str) -> str:
    """The most specific Korean name known for a code."""
    for length in (5, 4, 3):
        if code[:length] in CLASSES:
            return CLASSES[code[:length]]
    return DIVISIONS.get(code[:2], code)
