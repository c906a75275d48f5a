"""Korean vocabularies for the demo seed: names, places, agencies, program calls, offerings, courses, datasets.

Pure data: nothing here touches the database or draws random numbers. The generator combines these
lists with a seeded ``random.Random`` so the same inputs always give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- People -----------------------------------------------------------------------------------------

#: Korean family names with rough population weights (per mille).
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("김", 215),
    ("이", 147),
    ("박", 84),
    ("최", 47),
    ("정", 43),
    ("강", 23),
    ("조", 21),
    ("윤", 20),
    ("장", 19),
    ("임", 17),
    ("한", 15),
    ("오", 15),
    ("서", 15),
    ("신", 14),
    ("권", 14),
    ("황", 13),
    ("안", 13),
    ("송", 13),
    ("류", 12),
    ("전", 11),
    ("홍", 11),
    ("고", 9),
    ("문", 9),
    ("양", 8),
    ("손", 8),
    ("배", 8),
    ("백", 7),
    ("허", 6),
    ("유", 6),
    ("남", 5),
    ("심", 5),
    ("노", 5),
    ("하", 4),
    ("곽", 4),
    ("성", 4),
    ("차", 4),
    ("주", 4),
    ("우", 3),
    ("구", 3),
    ("민", 3),
)

#: Given names typical of business owners and managers (born 1955–1985).
GIVEN_NAMES_SENIOR: tuple[str, ...] = (
    "영수", "정호", "성민", "상철", "영호", "광수", "동현", "성훈", "재훈", "종민",
    "현우", "준호", "승현", "병철", "태식", "용준", "기현", "명수", "진우", "경호",
    "미경", "정희", "은숙", "선영", "혜정", "영미", "순자", "경희", "현정", "미숙",
    "지영", "수정", "은정", "윤희", "정숙", "창호", "대현", "형준", "상훈", "재성",
)  # fmt: skip

#: Given names typical of staff and younger founders (born 1985–2003).
GIVEN_NAMES_JUNIOR: tuple[str, ...] = (
    "민준", "서준", "도윤", "예준", "시우", "하준", "주원", "지호", "지후", "준우",
    "서연", "서윤", "지우", "서현", "민서", "하은", "하윤", "윤서", "지민", "채원",
    "수빈", "지원", "다은", "예은", "유진", "현서", "은비", "소연", "가은", "나연",
    "태민", "건우", "우진", "민재", "현준", "정우", "승민", "지훈", "동건", "준서",
)  # fmt: skip

# --- Companies --------------------------------------------------------------------------------------

#: First words of company names (상호).
COMPANY_WORDS: tuple[str, ...] = (
    "대성", "한빛", "세원", "동양", "삼정", "우진", "태광", "신흥", "금강", "대명",
    "진영", "한솔", "성진", "해성", "일진", "동아", "새한", "청운", "두원", "유성",
    "대원", "삼우", "영신", "한국", "미래", "현대", "서진", "경동", "화신", "동일",
    "태성", "정우", "대한", "성우", "한결", "다온", "가온", "누리", "한울", "으뜸",
    "보광", "동신", "명진", "신성", "대광", "태양", "상아", "광명", "선진", "대진",
    "제일", "삼화", "한성", "동진", "원일", "부광", "진성", "세광", "한양", "우성",
    "에이스", "유니", "그린", "케이", "코리아", "제이", "에스", "비전", "하나", "참",
)  # fmt: skip

#: Corporate-form markers; "(주)" dominates among manufacturers with more than a handful of staff.
CORPORATE_PREFIX = "(주)"
CORPORATE_SUFFIX_RATE = 0.15  # share of corporations written "상호(주)" rather than "(주)상호"


@dataclass(frozen=True)
class Sector:
    """A manufacturing sector: KSIC codes to draw from, name suffixes, and its weight among SMEs."""

    key: str
    label: str
    ksic_codes: tuple[str, ...]
    suffixes: tuple[str, ...]
    weight: int


#: Sectors of demand SMEs (수요기업). Codes are KSIC 11th-revision classes from ``reference.ksic``.
SECTORS: tuple[Sector, ...] = (
    Sector("food", "식품", ("10711", "10301", "10121"), ("식품", "푸드", "F&B", "제과", "농산"), 14),
    Sector("cosmetics", "화장품", ("20423",), ("화장품", "코스메틱", "바이오랩", "뷰티"), 5),
    Sector("machinery", "기계", ("29221", "29180"), ("정밀", "기계", "엠텍", "메카트로닉스", "기공"), 15),
    Sector("electronics", "전자", ("26299", "26111"), ("전자", "일렉트로닉스", "반도체", "디스플레이"), 11),
    Sector("auto_parts", "자동차부품", ("30332", "30399"), ("오토텍", "모터스", "산업", "오토모티브"), 12),
    Sector("metal", "금속가공", ("25112", "25911"), ("금속", "메탈", "금형", "스틸", "정공"), 14),
    Sector("plastics", "플라스틱", ("22241",), ("화성", "플라텍", "폴리머", "산업"), 9),
    Sector("textiles", "섬유", ("13102",), ("섬유", "텍스타일", "방직"), 5),
    Sector("pharma", "제약", ("21210",), ("제약", "바이오팜", "약품"), 3),
    Sector("electrical", "전기장비", ("28111",), ("전기", "파워텍", "모터"), 6),
    Sector("primary_metal", "1차금속", ("24122",), ("철강", "압연", "알루미늄"), 4),
)

#: KSIC classes and name suffixes of specialist suppliers (공급기업: software, IT services, engineering).
SPECIALIST_KSIC_CODES: tuple[str, ...] = ("58221", "58222", "62010", "62021", "63112", "72129")
SPECIALIST_SUFFIXES: tuple[str, ...] = (
    "AI", "에이아이", "시스템즈", "소프트", "데이터랩", "테크", "솔루션", "인포텍", "엔지니어링", "로보틱스",
)  # fmt: skip

#: Opening sentence of a specialist's profile, per the offering kind it is best known for.
SPECIALIST_INTROS: dict[str, tuple[str, ...]] = {
    "vision_inspection": (
        "머신비전과 딥러닝 기반 외관검사 솔루션을 중소 제조기업에 맞춤형으로 구축하는 제조AI 전문기업입니다.",
        "카메라·조명 설계부터 불량 판정 AI 모델 개발까지 비전검사 전 과정을 직접 수행합니다.",
    ),
    "predictive_maintenance": (
        "설비 진동·전류 데이터 기반 예지보전 플랫폼을 제공하는 제조AI 전문기업입니다.",
        "IoT 센서와 AI 이상탐지로 설비 고장을 미리 알려 비계획 정지를 줄이는 일을 합니다.",
    ),
    "process_optimization": (
        "제조 현장의 공정 데이터를 수집·분석하여 불량 예측과 공정조건 최적화를 지원하는 제조AI 전문기업입니다.",
        "품질·에너지·생산계획 데이터를 AI로 분석해 원가 절감과 수율 향상을 돕습니다.",
    ),
    "mes_erp_saas": (
        "구독형 MES·ERP 클라우드 서비스로 초기 투자 부담 없이 스마트공장을 시작할 수 있도록 돕습니다.",
        "중소 제조기업 업종별 생산관리 노하우를 담은 SaaS를 개발·운영합니다.",
    ),
    "robotics": (
        "협동로봇과 AI 비전을 결합한 자동화 셀을 설계·구축하고 유지보수까지 책임집니다.",
        "용접·도장·물류 등 3D 공정의 로봇 자동화를 전문으로 하는 시스템 통합(SI) 기업입니다.",
    ),
    "data_platform": (
        "제조 데이터 표준화와 데이터 플랫폼 구축, 현장 맞춤형 AI 모델 개발을 수행합니다.",
        "PLC·센서 데이터 수집부터 디지털 트윈과 생성형 AI 활용까지 제조 데이터 전 주기를 지원합니다.",
    ),
    "consulting": (
        "스마트공장 구축 전 공정 진단과 AI 도입 로드맵 수립을 전문으로 하는 컨설팅 기업입니다.",
        "제조 현장 출신 컨설턴트가 지원사업 기획부터 사후관리까지 함께합니다.",
    ),
}

#: Second sentence of a specialist's profile: ``{projects}`` past projects over ``{years}`` years.
SPECIALIST_TRACK_RECORDS: tuple[str, ...] = (
    "최근 {years}년간 중소 제조기업 {projects}곳 이상과 프로젝트를 수행한 실적을 보유하고 있습니다.",
    "스마트공장 보급사업 공급기업으로 {projects}건의 구축 실적이 있으며 사후 유지보수를 직접 수행합니다.",
    "설립 {years}년 차로 {projects}개 이상의 제조 현장에 솔루션을 적용했습니다.",
    "{projects}곳 이상의 고객사 현장에서 검증된 솔루션과 전담 기술지원 인력을 갖추고 있습니다.",
)

#: Short Korean labels of the KSIC prefixes offerings name, for specialist profiles.
INDUSTRY_SHORT_LABELS: dict[str, str] = {
    "10": "식품",
    "13": "섬유",
    "20": "화학·화장품",
    "21": "제약",
    "22": "플라스틱·사출",
    "24": "1차금속",
    "25": "금속가공",
    "26": "전자부품",
    "28": "전기장비",
    "29": "기계",
    "30": "자동차부품",
}

#: Certifications a specialist may hold: each group yields at most one entry, with those chances.
CERTIFICATION_GROUPS: tuple[tuple[tuple[str, float], ...], ...] = (
    (("스마트공장 공급기업 등록", 0.75),),
    (("벤처기업 인증", 0.6),),
    (("이노비즈(기술혁신형 중소기업)", 0.35), ("메인비즈(경영혁신형 중소기업)", 0.1)),
    (("기업부설연구소", 0.6), ("연구개발전담부서", 0.2)),
    (("GS인증 1등급", 0.3), ("GS인증 2등급", 0.15)),
    (("ISO 9001", 0.5),),
    (("ISO/IEC 27001", 0.15),),
    (("ISO 14001", 0.1),),
    (("소프트웨어사업자 신고", 0.4),),
    (("NEP(신제품 인증)", 0.06), ("NET(신기술 인증)", 0.06)),
)

#: 시·도 weights among manufacturers (경기 dominates; every region appears at least once anyway).
REGION_WEIGHTS: dict[str, int] = {
    "GYEONGGI": 30,
    "SEOUL": 8,
    "GYEONGNAM": 10,
    "GYEONGBUK": 8,
    "INCHEON": 7,
    "CHUNGNAM": 6,
    "BUSAN": 6,
    "DAEGU": 6,
    "CHUNGBUK": 5,
    "ULSAN": 4,
    "JEONBUK": 3,
    "JEONNAM": 3,
    "GWANGJU": 3,
    "DAEJEON": 3,
    "GANGWON": 2,
    "SEJONG": 1,
    "JEJU": 1,
}

#: Per 시·도: (시·군·구 [읍·면], road names) where manufacturers cluster.
DISTRICTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "SEOUL": (
        ("금천구", ("가산디지털1로", "가산디지털2로")),
        ("구로구", ("디지털로", "경인로")),
        ("성동구", ("성수이로", "아차산로")),
        ("영등포구", ("문래로", "도림로")),
    ),
    "BUSAN": (
        ("강서구", ("녹산산업중로", "녹산산업대로")),
        ("사상구", ("학장로", "새벽로")),
        ("사하구", ("다대로", "신산로")),
        ("기장군 장안읍", ("장안산단로",)),
    ),
    "DAEGU": (
        ("달서구", ("성서공단로", "달서대로")),
        ("달성군 유가읍", ("테크노중앙대로", "테크노상업로")),
        ("북구", ("검단로", "침산로")),
    ),
    "INCHEON": (
        ("남동구", ("남동대로", "남동서로")),
        ("서구", ("가좌로", "봉오대로")),
        ("부평구", ("부평대로", "청천로")),
        ("연수구", ("송도과학로",)),
    ),
    "GWANGJU": (("광산구", ("하남산단로", "평동산단로")), ("북구", ("첨단과기로", "첨단연신로"))),
    "DAEJEON": (("대덕구", ("대화로", "문평서로")), ("유성구", ("테크노2로", "테크노4로"))),
    "ULSAN": (("남구", ("산업로", "용잠로")), ("울주군 온산읍", ("온산로",)), ("북구", ("효문로", "산업로"))),
    "SEJONG": (("전의면", ("산단길",)), ("연서면", ("청연로",)), ("부강면", ("부강외천로",))),
    "GYEONGGI": (
        ("화성시 향남읍", ("발안공단로", "상신하길로")),
        ("안산시 단원구", ("산단로", "별망로")),
        ("시흥시", ("공단1대로", "엠티브이북로")),
        ("평택시 포승읍", ("포승공단순환로",)),
        ("김포시 양촌읍", ("황금로", "양촌역길")),
        ("용인시 처인구", ("백암면 백원로", "남사읍 형제로")),
        ("파주시", ("문발로", "월롱산로")),
        ("성남시 중원구", ("둔촌대로", "사기막골로")),
        ("부천시", ("오정로", "삼작로")),
        ("수원시 권선구", ("산업로", "평동로")),
    ),
    "GANGWON": (("원주시 문막읍", ("동화공단로",)), ("춘천시", ("퇴계농공로",)), ("강릉시", ("과학단지로",))),
    "CHUNGBUK": (
        ("청주시 흥덕구", ("직지대로", "옥산산단로")),
        ("충주시", ("기업도시1로",)),
        ("음성군 대소면", ("대풍산단로",)),
        ("진천군 덕산읍", ("산수산단로",)),
    ),
    "CHUNGNAM": (
        ("천안시 서북구", ("3공단1로", "백석공단로")),
        ("아산시 둔포면", ("아산밸리로",)),
        ("당진시", ("송악읍 부곡로",)),
        ("서산시", ("성연면 테크노밸리로",)),
    ),
    "JEONBUK": (
        ("전주시 덕진구", ("팔과정로", "기린대로")),
        ("군산시", ("외항로", "자유로")),
        ("익산시", ("석암로",)),
        ("완주군 봉동읍", ("완주산단로",)),
    ),
    "JEONNAM": (
        ("여수시", ("여수산단로",)),
        ("광양시", ("제철로", "백운로")),
        ("목포시", ("삽진산단로",)),
        ("나주시", ("혁신산단로",)),
    ),
    "GYEONGBUK": (
        ("구미시", ("1공단로", "3공단3로")),
        ("포항시 남구", ("철강로", "괴동로")),
        ("경산시 진량읍", ("공단로",)),
        ("칠곡군 왜관읍", ("공단로",)),
        ("김천시", ("어모공단로",)),
    ),
    "GYEONGNAM": (
        ("창원시 성산구", ("공단로", "완암로")),
        ("김해시", ("김해대로", "진영읍 서부로")),
        ("양산시", ("산막공단로", "유산공단길")),
        ("진주시", ("사봉산단로",)),
        ("거제시", ("연초면 거제대로",)),
        ("함안군 칠서면", ("공단동길",)),
    ),
    "JEJU": (("제주시", ("첨단로", "한림읍 한림로")), ("서귀포시", ("중산간동로",))),
}

#: Size classes of generated SMEs with weights; 소공인 (micro) are the largest group of manufacturers.
SIZE_WEIGHTS: tuple[tuple[str, int], ...] = (("micro", 38), ("small", 42), ("medium", 17), ("mid_sized", 3))

#: Employee counts per size class (inclusive bounds).
EMPLOYEE_RANGES: dict[str, tuple[int, int]] = {
    "micro": (1, 9),
    "small": (10, 49),
    "medium": (50, 299),
    "mid_sized": (300, 999),
    "large": (1000, 120000),
}

#: 수준확인 maturity weights per size class (ICT 미적용 → 고도화).
MATURITY_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "micro": (("none", 55), ("basic", 35), ("intermediate_1", 9), ("intermediate_2", 1), ("advanced", 0)),
    "small": (("none", 25), ("basic", 45), ("intermediate_1", 22), ("intermediate_2", 7), ("advanced", 1)),
    "medium": (("none", 8), ("basic", 32), ("intermediate_1", 35), ("intermediate_2", 18), ("advanced", 7)),
    "mid_sized": (("none", 2), ("basic", 18), ("intermediate_1", 35), ("intermediate_2", 30), ("advanced", 15)),
}

# --- Agencies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencySpec:
    """A fixed agency. ``firm`` names the large-firm company row a private agency stands for."""

    code: str
    name: str
    tier: str
    kind: str
    description: str
    region: str | None = None
    homepage: str | None = None
    industries: tuple[str, ...] = ()
    firm: str | None = None


CENTRAL_AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "MSS",
        "중소벤처기업부",
        "central",
        "ministry",
        "중소기업 스마트제조혁신 정책을 총괄하고 지원사업을 소관하는 중앙행정기관입니다.",
        homepage="https://www.mss.go.kr",
    ),
    AgencySpec(
        "KOSMO",
        "스마트제조혁신추진단",
        "central",
        "promotion_agency",
        "AI 스마트공장 보급·확산 사업의 전담기관으로 공고, 선정평가, 사후관리를 수행합니다.",
        homepage="https://www.smart-factory.kr",
    ),
    AgencySpec(
        "TIPA",
        "중소기업기술정보진흥원",
        "central",
        "promotion_agency",
        "중소기업 기술개발과 제조 데이터 활용 사업을 수행하는 준정부기관입니다.",
        homepage="https://www.tipa.or.kr",
    ),
)

#: 테크노파크 descriptions are built per region from this template.
TECHNOPARK_DESCRIPTION = "{region} 지역 중소 제조기업의 스마트공장 구축 신청 접수, 요건 검토와 현장 점검을 담당합니다."

INDUSTRY_INSTITUTES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "FOODPOLIS",
        "한국식품산업클러스터진흥원",
        "regional",
        "industry_institute",
        "식품 제조기업의 AI 품질관리와 HACCP 연계 스마트공장 구축을 지원합니다.",
        region="JEONBUK",
        industries=("10",),
    ),
    AgencySpec(
        "KCII",
        "대한화장품산업연구원",
        "regional",
        "industry_institute",
        "화장품 제조기업의 품질·공정 데이터 기반 AI 전환을 지원합니다.",
        region="CHUNGBUK",
        industries=("20423",),
    ),
)


@dataclass(frozen=True)
class LargeFirmSpec:
    """A large firm (대기업) sponsoring 상생형 programs, with its company row and its agency."""

    key: str
    company_name: str
    ksic_code: str
    region: str
    employees: int
    agency_code: str
    agency_name: str
    description: str


LARGE_FIRMS: tuple[LargeFirmSpec, ...] = (
    LargeFirmSpec(
        "samsung",
        "삼성전자(주)",
        "26111",
        "GYEONGGI",
        120000,
        "SAMSUNG-SFC",
        "삼성전자 스마트공장지원센터",
        "제조 현장 혁신 전문가를 파견하여 중소기업의 스마트공장 구축과 AI 도입을 돕습니다.",
    ),
    LargeFirmSpec(
        "hyundai",
        "현대자동차(주)",
        "30121",
        "SEOUL",
        72000,
        "HYUNDAI-WINWIN",
        "현대자동차 상생협력",
        "자동차 부품 협력사의 품질 고도화와 AI 공장 전환을 지원합니다.",
    ),
    LargeFirmSpec(
        "lg",
        "LG전자(주)",
        "28",
        "SEOUL",
        36000,
        "LG-WINWIN",
        "LG전자 상생협력센터",
        "협력사 생산성 향상과 제조 데이터 기반 자동화를 지원합니다.",
    ),
    LargeFirmSpec(
        "posco",
        "(주)포스코",
        "24111",
        "GYEONGBUK",
        18000,
        "POSCO-WINWIN",
        "포스코 상생협력",
        "철강 협력사와 지역 중소기업의 AI 스마트공장 구축을 지원합니다.",
    ),
)

#: Agency staff per kind: (reviewers, approvers, admins).
AGENCY_STAFFING: dict[str, tuple[int, int, int]] = {
    "ministry": (0, 1, 1),
    "promotion_agency": (3, 2, 1),
    "technopark": (2, 1, 1),
    "regional_center": (1, 1, 0),
    "industry_institute": (1, 1, 1),
    "large_firm": (1, 1, 0),
}

# --- Demo personas ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    """A fixed login persona; ``kind`` says where it belongs (sme, sme_staff, specialist, reviewer, …)."""

    kind: str
    email: str
    name: str
    phone: str


PERSONAS: tuple[Persona, ...] = (
    Persona("sme", "sme@demo.m24.kr", "박정호", "010-2401-0001"),
    Persona("sme_staff", "sme-staff@demo.m24.kr", "이수진", "010-2401-0002"),
    Persona("specialist", "specialist@demo.m24.kr", "최민준", "010-2401-0003"),
    Persona("regional_reviewer", "regional-reviewer@demo.m24.kr", "정은비", "010-2401-0004"),
    Persona("central_approver", "central-approver@demo.m24.kr", "강동현", "010-2401-0005"),
    Persona("admin", "admin@demo.m24.kr", "한지원", "010-2401-0006"),
)

DEMO_SME: dict[str, Any] = {
    "name": "(주)한빛정밀",
    "ksic_code": "29221",
    "region": "GYEONGGI",
    "address": "경기도 화성시 향남읍 발안공단로 128",
    "size_class": "small",
    "employees": 34,
    "maturity_level": "basic",
    "description": "CNC 정밀가공 부품을 생산하는 경기 화성 소재 소기업입니다. AI 품질검사 도입을 준비하고 있습니다.",
}

DEMO_SPECIALIST: dict[str, Any] = {
    "name": "(주)누리비전AI",
    "ksic_code": "62010",
    "region": "GYEONGGI",
    "address": "경기도 성남시 중원구 둔촌대로 457",
    "size_class": "small",
    "employees": 42,
    "maturity_level": "intermediate_2",
    "description": (
        "딥러닝 비전검사와 구독형 MES를 제공하는 제조AI 전문기업입니다. "
        "금속가공·전자부품 중소기업 60여 곳에 AI 외관검사를 구축했습니다."
    ),
    "certifications": ["GS인증 1등급", "ISO 9001", "벤처기업 인증", "기업부설연구소", "스마트공장 공급기업 등록"],
}

# --- Funding programs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramSpec:
    """One call (공고). Offsets are days from ``today``; the year and round in the title are derived.

    ``operator`` is an agency code, or ``TP:<region>`` for a 테크노파크. ``sponsor`` is a large-firm key.
    ``rules``, when given, replaces the kind's :data:`ELIGIBILITY_RULES` and :data:`COMMON_RULES` (region and
    industry rules are still derived from the call). ``scoring_form`` replaces the standard review form.
    A ``grants_designation`` call (제조AI 전문기업 지정) awards no money: it has a budget of 0, a nominal
    maximum award of 1 won and ``target_awards`` firms to designate; the seed files no applications to it.
    """

    kind: str
    stem: str
    summary: str
    start_offset: int
    duration: int
    operator: str = "KOSMO"
    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    sponsor: str | None = None
    budget_eok: int = 100
    max_award_manwon: int = 10000
    government_share: int = 50
    grants_designation: bool = False
    target_awards: int | None = None
    rules: tuple[dict[str, Any], ...] | None = None
    scoring_form: tuple[dict[str, Any], ...] | None = None


#: Stage names in :class:`StageKind` order with (start, end) day offsets. 사전 컨설팅 is placed relative to the
#: start of the call, 신청·접수 is the call period itself, and every later stage is relative to its deadline.
STAGES: tuple[tuple[str, str, int, int], ...] = (
    ("pre_consulting", "사전 컨설팅", -60, -1),
    ("application", "신청·접수", 0, 0),
    ("eligibility", "요건 검토", 1, 14),
    ("review", "평가", 15, 35),
    ("decision", "선정", 36, 42),
    ("agreement", "협약", 43, 60),
    ("build", "구축", 61, 240),
    ("final_inspection", "최종점검", 241, 260),
    ("outcome_evaluation", "성과평가", 261, 300),
    ("settlement", "정산", 301, 330),
)

#: Review form of a 제조AI 전문기업 지정 call: the firm's capability, not a project's business case.
DESIGNATION_SCORING_FORM: tuple[dict[str, Any], ...] = (
    {"key": "technology", "label": "기술역량(AI 솔루션·자체 기술 보유)", "max": 35},
    {"key": "track_record", "label": "수행실적(최근 3년 구축·공급 실적)", "max": 25},
    {"key": "experts", "label": "전문인력(AI·데이터·현장 엔지니어)", "max": 20},
    {"key": "quality_security", "label": "품질·보안 관리(인증, 유지보수 체계)", "max": 20},
)

_BASIC = "AI 스마트공장 구축 지원사업(기초)"
_ADV = "AI 스마트공장 구축 지원사업(고도화)"

PROGRAMS: tuple[ProgramSpec, ...] = (
    # Closed calls (their deadlines lie before today).
    ProgramSpec(
        "ai_factory_basic",
        _BASIC,
        "ICT 미적용·기초 수준 중소 제조기업의 AI 기반 생산관리 시스템 도입을 지원합니다.",
        -400,
        45,
        budget_eok=420,
        max_award_manwon=10000,
    ),
    ProgramSpec(
        "ai_factory_advanced",
        _ADV,
        "기초 수준 이상 기업의 AI 공정최적화·품질예측 등 고도화 구축을 지원합니다.",
        -380,
        40,
        budget_eok=380,
        max_award_manwon=40000,
    ),
    ProgramSpec(
        "win_win",
        "삼성 상생형 AI 공장 구축 지원",
        "삼성전자와 정부가 함께 중소 제조기업의 AI 공장 구축비와 현장 혁신 멘토링을 지원합니다.",
        -300,
        30,
        sponsor="samsung",
        budget_eok=200,
        max_award_manwon=20000,
        government_share=30,
    ),
    ProgramSpec(
        "subscription",
        "구독형 스마트공장 보급 사업",
        "클라우드 기반 MES·ERP 등 구독형 솔루션 이용료를 최대 2년간 지원합니다.",
        -250,
        60,
        budget_eok=60,
        max_award_manwon=3000,
    ),
    ProgramSpec(
        "robot",
        "제조로봇 도입 지원사업",
        "협동로봇·AI 비전 결합 자동화 설비 도입과 공정 재설계를 지원합니다.",
        -200,
        30,
        budget_eok=150,
        max_award_manwon=15000,
    ),
    ProgramSpec(
        "micro",
        "소공인 스마트제조 지원사업",
        "10인 미만 소공인의 스마트 장비·공정관리 솔루션 도입을 지원합니다.",
        -180,
        45,
        operator="TIPA",
        budget_eok=80,
        max_award_manwon=2000,
        government_share=70,
    ),
    ProgramSpec(
        "consulting",
        "스마트공장 사전 컨설팅 지원",
        "구축 전 공정 진단과 AI 도입 로드맵 수립을 위한 전문가 컨설팅을 지원합니다.",
        -150,
        30,
        budget_eok=20,
        max_award_manwon=1000,
        government_share=100,
    ),
    ProgramSpec(
        "ai_factory_advanced",
        "경남 AI 스마트공장 고도화 지원사업",
        "경남 소재 기계·조선 부품 제조기업의 AI 고도화 구축을 지원합니다.",
        -120,
        30,
        operator="TP:GYEONGNAM",
        regions=("GYEONGNAM",),
        budget_eok=40,
        max_award_manwon=20000,
    ),
    ProgramSpec(
        "ai_factory_basic",
        "식품 제조 AI 스마트공장 지원사업",
        "식품 제조기업의 위생·이물 검출 AI와 HACCP 연계 공정관리 구축을 지원합니다.",
        -90,
        30,
        operator="FOODPOLIS",
        industries=("10",),
        budget_eok=50,
        max_award_manwon=10000,
    ),
    ProgramSpec(
        "data",
        "제조 데이터 활용 지원사업",
        "공정·설비 데이터의 수집·정제와 AI 학습용 데이터셋 구축 및 활용 과제를 지원합니다.",
        -60,
        30,
        operator="TIPA",
        budget_eok=70,
        max_award_manwon=5000,
        government_share=70,
    ),
    # Open calls (today lies inside the application period).
    ProgramSpec(
        "ai_factory_basic",
        _BASIC,
        "ICT 미적용·기초 수준 중소 제조기업의 AI 기반 생산관리 시스템 도입을 지원합니다.",
        -20,
        40,
        budget_eok=450,
        max_award_manwon=10000,
    ),
    ProgramSpec(
        "win_win",
        "현대자동차 상생형 AI 공장 구축 지원",
        "자동차 부품 협력 중소기업의 AI 품질검사·예지보전 구축을 현대자동차와 함께 지원합니다.",
        -10,
        30,
        sponsor="hyundai",
        industries=("30", "22", "25"),
        budget_eok=150,
        max_award_manwon=20000,
        government_share=30,
    ),
    ProgramSpec(
        "ai_factory_basic",
        "경기도 AI 스마트공장 구축 지원사업",
        "경기도 소재 중소 제조기업의 AI 스마트공장 기초 구축을 도비와 함께 지원합니다.",
        -5,
        30,
        operator="TP:GYEONGGI",
        regions=("GYEONGGI",),
        budget_eok=60,
        max_award_manwon=8000,
    ),
    ProgramSpec(
        "ai_factory_advanced",
        "화장품 제조 AI 품질관리 지원사업",
        "화장품 제조기업의 충진·포장 공정 AI 품질관리와 배합 데이터 분석을 지원합니다.",
        -14,
        35,
        operator="KCII",
        industries=("20423",),
        budget_eok=30,
        max_award_manwon=15000,
    ),
    ProgramSpec(
        "micro",
        "소공인 스마트제조 지원사업",
        "10인 미만 소공인의 스마트 장비·공정관리 솔루션 도입을 지원합니다.",
        -7,
        25,
        operator="TIPA",
        budget_eok=90,
        max_award_manwon=2000,
        government_share=70,
    ),
    ProgramSpec(
        "subscription",
        "구독형 스마트공장 보급 사업",
        "클라우드 기반 MES·ERP 등 구독형 솔루션 이용료를 최대 2년간 지원합니다.",
        -25,
        60,
        budget_eok=70,
        max_award_manwon=3000,
    ),
    ProgramSpec(
        "robot",
        "동남권 제조로봇 도입 지원사업",
        "부산·울산 소재 제조기업의 협동로봇 및 자동화 설비 도입을 지원합니다.",
        -3,
        21,
        operator="TP:BUSAN",
        regions=("BUSAN", "ULSAN"),
        budget_eok=35,
        max_award_manwon=15000,
    ),
    # Upcoming calls (their application period starts after today).
    ProgramSpec(
        "ai_factory_advanced",
        _ADV,
        "기초 수준 이상 기업의 AI 공정최적화·품질예측 등 고도화 구축을 지원합니다.",
        20,
        40,
        budget_eok=400,
        max_award_manwon=40000,
    ),
    ProgramSpec(
        "win_win",
        "LG 상생형 AI 공장 구축 지원",
        "LG전자 협력사와 중소 제조기업의 AI 기반 자동화·데이터 연계 구축을 지원합니다.",
        35,
        30,
        sponsor="lg",
        budget_eok=120,
        max_award_manwon=20000,
        government_share=30,
    ),
    ProgramSpec(
        "win_win",
        "포스코 상생형 AI 공장 구축 지원",
        "포항·광양 지역 철강 협력사의 AI 공정관리와 안전 모니터링 구축을 지원합니다.",
        60,
        30,
        sponsor="posco",
        regions=("GYEONGBUK", "JEONNAM"),
        budget_eok=80,
        max_award_manwon=20000,
        government_share=30,
    ),
    ProgramSpec(
        "data",
        "제조 데이터 활용 지원사업",
        "공정·설비 데이터의 수집·정제와 AI 학습용 데이터셋 구축 및 활용 과제를 지원합니다.",
        45,
        30,
        operator="TIPA",
        budget_eok=80,
        max_award_manwon=5000,
        government_share=70,
    ),
    ProgramSpec(
        "ai_factory_basic",
        "대구 AI 스마트공장 구축 지원사업",
        "대구 소재 중소 제조기업의 AI 스마트공장 기초 구축을 지원합니다.",
        15,
        30,
        operator="TP:DAEGU",
        regions=("DAEGU",),
        budget_eok=30,
        max_award_manwon=8000,
    ),
    ProgramSpec(
        "consulting",
        "스마트공장 사전 컨설팅 지원",
        "구축 전 공정 진단과 AI 도입 로드맵 수립을 위한 전문가 컨설팅을 지원합니다.",
        90,
        30,
        budget_eok=25,
        max_award_manwon=1000,
        government_share=100,
    ),
    ProgramSpec(
        "robot",
        "제조로봇 도입 지원사업",
        "협동로봇·AI 비전 결합 자동화 설비 도입과 공정 재설계를 지원합니다.",
        200,
        30,
        budget_eok=160,
        max_award_manwon=15000,
    ),
    ProgramSpec(
        "ai_factory_basic",
        _BASIC,
        "ICT 미적용·기초 수준 중소 제조기업의 AI 기반 생산관리 시스템 도입을 지원합니다.",
        300,
        45,
        budget_eok=480,
        max_award_manwon=10000,
    ),
    # A designation call (open): specialist firms apply to be designated 제조AI 전문기업.
    ProgramSpec(
        "consulting",
        "제조AI 전문기업 지정 (2차)",
        "AI 기술역량과 스마트공장 구축 실적을 갖춘 공급기업을 제조AI 전문기업으로 지정합니다. "
        "지정 기업은 지정 기간 동안 지원사업 공급기업 평가에서 우대받습니다.",
        -12,
        30,
        industries=("58", "62", "63", "72"),
        budget_eok=0,
        max_award_manwon=0,
        government_share=100,
        grants_designation=True,
        target_awards=60,
        rules=(
            {"rule": "size_class_in", "values": ["micro", "small", "medium", "mid_sized"]},
            {"rule": "business_active"},
        ),
        scoring_form=DESIGNATION_SCORING_FORM,
    ),
)

#: Base eligibility rules per program kind; region and industry rules are added from the call.
ELIGIBILITY_RULES: dict[str, tuple[dict[str, Any], ...]] = {
    "ai_factory_basic": (
        {"rule": "size_class_in", "values": ["micro", "small", "medium"]},
        {"rule": "maturity_at_most", "value": "basic"},
    ),
    "ai_factory_advanced": (
        {"rule": "size_class_in", "values": ["small", "medium", "mid_sized"]},
        {"rule": "maturity_at_least", "value": "basic"},
    ),
    "win_win": ({"rule": "size_class_in", "values": ["small", "medium"]},),
    "subscription": (
        {"rule": "size_class_in", "values": ["micro", "small"]},
        {"rule": "maturity_at_most", "value": "basic"},
    ),
    "robot": ({"rule": "size_class_in", "values": ["micro", "small", "medium"]},),
    "micro": ({"rule": "size_class_in", "values": ["micro"]},),
    "consulting": ({"rule": "size_class_in", "values": ["micro", "small", "medium"]},),
    "data": ({"rule": "size_class_in", "values": ["small", "medium", "mid_sized"]},),
}

#: Rules every call carries after the kind-specific ones.
COMMON_RULES: tuple[dict[str, Any], ...] = (
    {"rule": "business_active"},
    {"rule": "no_overlapping_support", "years": 3},
)

#: Project titles applicants write, per program kind.
PROJECT_TITLES: dict[str, tuple[str, ...]] = {
    "ai_factory_basic": (
        "AI 기반 생산실적 관리 시스템 구축",
        "공정 데이터 수집 및 작업지시 자동화",
        "품질 이력 추적 시스템 도입",
    ),
    "ai_factory_advanced": ("AI 공정조건 최적화 시스템 구축", "딥러닝 외관검사 고도화", "설비 예지보전 AI 고도화"),
    "win_win": (
        "상생형 AI 품질검사 라인 구축",
        "협력사 공급망 데이터 연계 및 AI 수요예측",
        "AI 비전 기반 조립 검사 자동화",
    ),
    "subscription": ("구독형 MES 도입", "클라우드 ERP·MES 연계 구독 서비스 도입", "구독형 설비 모니터링 도입"),
    "robot": ("협동로봇 기반 머신텐딩 자동화", "AI 비전 피킹 로봇 셀 도입", "용접 공정 로봇 자동화"),
    "micro": ("소공인 작업공정 스마트화", "스마트 재봉·가공 장비 도입", "간이 생산관리 앱 도입"),
    "consulting": ("AI 도입 준비도 진단 및 로드맵 수립", "스마트공장 구축 사전 공정 진단"),
    "data": ("공정 센서 데이터 수집·정제 및 AI 학습데이터 구축", "불량 이미지 데이터셋 구축 및 활용"),
}

SUPPLEMENT_ITEMS: tuple[str, ...] = (
    "4대보험 가입자 명부",
    "최근 3개년 재무제표",
    "공급기업 견적서",
    "사업계획서 3장 성과지표 보완",
    "공장등록증명서",
)

REJECTION_REASONS: tuple[str, ...] = (
    "평가 점수 미달(60점 미만)",
    "최근 3년 내 유사 지원사업 중복 수혜",
    "사업계획의 구체성 부족",
    "자부담 확보 계획 미흡",
)

# --- Specialist offerings ---------------------------------------------------------------------------

#: What SMEs write when they rate a supplier after a completed project.
RATING_COMMENTS: tuple[str, ...] = (
    "일정대로 구축했고 현장 교육이 꼼꼼했습니다.",
    "불량 검출률이 눈에 띄게 좋아졌습니다.",
    "초기 데이터 수집에 시간이 걸렸지만 결과는 만족합니다.",
    "사후관리 대응이 빨랐습니다.",
    "현장 작업자 의견을 잘 반영해 주었습니다.",
    "",
)


@dataclass(frozen=True)
class OfferingSpec:
    """A solution a specialist firm offers; ``monthly`` is the (min, max) price for subscriptions."""

    kind: str
    title: str
    summary: str
    price_model: str
    monthly: tuple[int, int] | None = None
    industries: tuple[str, ...] = field(default_factory=tuple)


OFFERINGS: tuple[OfferingSpec, ...] = (
    OfferingSpec(
        "vision_inspection",
        "AI 비전검사 솔루션",
        "딥러닝 기반 외관 불량 검출로 육안검사를 자동화합니다. 소량 불량 이미지로도 학습 가능합니다.",
        "fixed",
    ),
    OfferingSpec(
        "vision_inspection",
        "식품 이물 검출 AI 비전 시스템",
        "포장 라인에서 이물·실링 불량을 실시간 검출하고 HACCP 기록과 연동합니다.",
        "fixed",
        industries=("10",),
    ),
    OfferingSpec(
        "vision_inspection",
        "PCB 외관검사 AI 모듈",
        "기존 AOI 장비에 AI 재판정 모듈을 붙여 과검출을 줄입니다.",
        "quote",
        industries=("26",),
    ),
    OfferingSpec(
        "predictive_maintenance",
        "설비 예지보전 플랫폼",
        "진동·전류 센서 데이터로 설비 이상을 조기에 감지하고 정비 시점을 추천합니다.",
        "subscription",
        (300_000, 1_500_000),
    ),
    OfferingSpec(
        "predictive_maintenance",
        "CNC 공구 마모 예측 서비스",
        "스핀들 부하와 진동 데이터로 공구 교체 시점을 예측해 불량과 공구비를 줄입니다.",
        "subscription",
        (200_000, 800_000),
        industries=("25", "29"),
    ),
    OfferingSpec(
        "process_optimization",
        "사출성형 공정조건 최적화 AI",
        "사출 압력·온도 데이터를 학습해 불량을 줄이는 최적 공정조건을 추천합니다.",
        "fixed",
        industries=("22",),
    ),
    OfferingSpec(
        "process_optimization",
        "AI 생산계획 최적화",
        "수주·설비·인력 제약을 반영해 생산계획을 자동으로 수립합니다.",
        "quote",
    ),
    OfferingSpec(
        "mes_erp_saas",
        "구독형 MES",
        "설치 없이 바로 쓰는 클라우드 MES로 작업지시, 생산실적, 품질이력을 관리합니다.",
        "subscription",
        (150_000, 900_000),
    ),
    OfferingSpec(
        "mes_erp_saas",
        "소공인용 간편 생산관리 앱",
        "스마트폰으로 작업일지와 재고를 관리하는 소공인 맞춤 구독 서비스입니다.",
        "subscription",
        (30_000, 120_000),
    ),
    OfferingSpec(
        "robotics",
        "협동로봇 자동화 패키지",
        "머신텐딩·팔레타이징용 협동로봇 셀을 설계부터 설치, 교육까지 일괄 제공합니다.",
        "fixed",
    ),
    OfferingSpec(
        "robotics",
        "AI 비전 피킹 로봇",
        "비정형 부품을 AI 비전으로 인식해 집어 옮기는 로봇 시스템입니다.",
        "quote",
    ),
    OfferingSpec(
        "data_platform",
        "제조 데이터 수집 게이트웨이",
        "PLC·센서 데이터를 표준 형식으로 수집해 클라우드로 전송하는 엣지 게이트웨이입니다.",
        "subscription",
        (100_000, 500_000),
    ),
    OfferingSpec(
        "data_platform",
        "제조 데이터 레이크 구축",
        "공정·품질·설비 데이터를 통합 저장하고 분석할 수 있는 데이터 플랫폼을 구축합니다.",
        "quote",
    ),
    OfferingSpec(
        "consulting",
        "AI 도입 준비도 진단 컨설팅",
        "공정·데이터 현황을 진단하고 단계별 AI 도입 로드맵을 제시합니다.",
        "fixed",
    ),
    OfferingSpec(
        "consulting",
        "스마트공장 수준확인 대비 컨설팅",
        "수준확인 기준에 맞춘 현황 점검과 개선 과제 도출을 지원합니다.",
        "fixed",
    ),
    # --- Appended: keep the 15 above in place, DEMO_SPECIALIST_OFFERINGS points at them. ---
    OfferingSpec(
        "vision_inspection",
        "용접 비드 품질 AI 검사 시스템",
        "용접 비드 이미지를 딥러닝으로 분석해 기공·언더컷·크랙 등 용접 불량을 자동 판정합니다. "
        "로봇 용접 라인에 바로 설치할 수 있습니다.",
        "fixed",
        industries=("25", "29", "30"),
    ),
    OfferingSpec(
        "vision_inspection",
        "도장 표면 결함 AI 검사",
        "자동차 부품 도장면의 흐름·먼지·핀홀·색차를 조명 일체형 카메라와 딥러닝으로 검출합니다. "
        "도장 라인 속도에 맞춰 전수검사합니다.",
        "quote",
        industries=("30",),
    ),
    OfferingSpec(
        "vision_inspection",
        "프레스·금속 가공품 외관검사 AI",
        "프레스·절삭 가공품의 버(burr), 찍힘, 크랙, 녹을 고속 라인에서 전수 검사합니다. "
        "뿌리산업 현장의 육안검사 인력 부담을 줄여 줍니다.",
        "fixed",
        industries=("24", "25"),
    ),
    OfferingSpec(
        "vision_inspection",
        "섬유 원단 결함 자동 검단 시스템",
        "라인 스캔 카메라와 AI로 원단의 얼룩·올풀림·구멍 등 결함을 검출하고 롤별 결함 지도를 출력합니다.",
        "fixed",
        industries=("13",),
    ),
    OfferingSpec(
        "vision_inspection",
        "화장품 용기·라벨 비전검사",
        "충진 후 용기 캡 체결, 라벨 위치·인쇄 불량, 제조번호(로트) 인쇄를 카메라로 자동 검사합니다.",
        "fixed",
        industries=("20",),
    ),
    OfferingSpec(
        "vision_inspection",
        "AI OCR 각인·라벨 판독 솔루션",
        "부품 각인, 바코드, 라벨 문자를 AI OCR로 읽어 MES 작업지시와 자동 대조합니다. 오삽입과 이종 혼입을 막습니다.",
        "subscription",
        (200_000, 700_000),
    ),
    OfferingSpec(
        "vision_inspection",
        "AI 영상 기반 작업자 안전 모니터링",
        "CCTV 영상을 AI로 분석해 보호구 미착용, 위험구역 진입, 작업자 쓰러짐을 실시간 감지하고 관리자에게 알립니다. "
        "중대재해처벌법 대응을 위한 산업안전 기록도 남깁니다.",
        "subscription",
        (150_000, 900_000),
    ),
    OfferingSpec(
        "predictive_maintenance",
        "회전설비 진동 모니터링 IoT 센서 패키지",
        "모터·펌프·팬에 무선 진동·온도 센서를 부착해 베어링 손상과 축 정렬 불량을 조기에 알려 줍니다. "
        "센서와 대시보드를 월 구독으로 제공합니다.",
        "subscription",
        (100_000, 600_000),
    ),
    OfferingSpec(
        "predictive_maintenance",
        "프레스 금형 파손 예지 AI",
        "프레스 하중과 음향 데이터를 분석해 금형 파손·마모 징후를 미리 감지하고 금형 정비 시점을 알려 줍니다.",
        "quote",
        industries=("25", "30"),
    ),
    OfferingSpec(
        "predictive_maintenance",
        "공기압축기·유틸리티 설비 이상 감지 서비스",
        "공기압축기, 냉동기, 보일러 등 유틸리티 설비의 전력·압력 데이터로 고장 징후와 에어 누설을 찾아냅니다.",
        "subscription",
        (200_000, 900_000),
    ),
    OfferingSpec(
        "predictive_maintenance",
        "사출기 예지보전·가동률(OEE) 모니터링",
        "사출기 PLC 데이터로 유압·히터 이상을 감지하고 설비종합효율(OEE)과 비가동 원인을 실시간으로 보여 줍니다.",
        "subscription",
        (250_000, 1_200_000),
        industries=("22",),
    ),
    OfferingSpec(
        "predictive_maintenance",
        "정비 이력 기반 고장 원인 분석 AI",
        "설비 정비 일지와 알람 이력을 LLM으로 분석해 고장 원인과 조치 방법을 추천하고 예방정비 계획을 세워 줍니다.",
        "quote",
    ),
    OfferingSpec(
        "process_optimization",
        "공장 에너지 관리 시스템(FEMS)",
        "설비별 전력 사용량을 실시간 계측하고 AI로 피크 전력을 예측해 에너지 비용과 탄소 배출을 줄입니다.",
        "subscription",
        (300_000, 2_000_000),
    ),
    OfferingSpec(
        "process_optimization",
        "AI 품질예측·SPC 통계적 공정관리",
        "공정 데이터를 실시간 SPC 관리도로 감시하고, AI가 품질 이상과 불량 발생 가능성을 미리 경고합니다.",
        "subscription",
        (200_000, 800_000),
    ),
    OfferingSpec(
        "process_optimization",
        "열처리 공정 온도 최적화 AI",
        "열처리로의 온도·분위기 가스 데이터를 학습해 경도 편차를 줄이는 가열·냉각 조건을 제시합니다. "
        "열처리 뿌리기업에 맞춰 구축합니다.",
        "fixed",
        industries=("24", "25"),
    ),
    OfferingSpec(
        "process_optimization",
        "식품 배합·살균 공정 최적화 AI",
        "원료 배합비와 살균 온도·시간을 최적화해 품질 편차와 원료 손실을 줄이고, HACCP 중요관리점(CCP) 기록을 자동화합니다.",
        "fixed",
        industries=("10",),
    ),
    OfferingSpec(
        "process_optimization",
        "다이캐스팅 주조 불량 예측 AI",
        "사출 속도·금형 온도 등 주조 조건으로 기공·수축 불량을 예측하고 공정조건 보정값을 제시합니다.",
        "quote",
        industries=("24", "25"),
    ),
    OfferingSpec(
        "mes_erp_saas",
        "중소 제조기업용 클라우드 ERP",
        "구매·영업·재고·회계를 하나로 관리하는 SaaS ERP입니다. MES와 연동해 생산실적이 원가에 바로 반영됩니다.",
        "subscription",
        (100_000, 600_000),
    ),
    OfferingSpec(
        "mes_erp_saas",
        "식품 HACCP 연계 MES",
        "원료 입고부터 생산·출하까지 로트 이력을 추적하고 HACCP 일지와 CCP 모니터링 기록을 전자화합니다.",
        "subscription",
        (200_000, 800_000),
        industries=("10",),
    ),
    OfferingSpec(
        "mes_erp_saas",
        "화장품 CGMP 생산관리 시스템",
        "CGMP 기준에 맞춰 칭량·제조·충진 기록서를 전자화하고 원료 사용기한과 배치(제조번호) 이력을 관리합니다.",
        "subscription",
        (250_000, 1_000_000),
        industries=("20",),
    ),
    OfferingSpec(
        "mes_erp_saas",
        "금형 제작 공정관리 SaaS",
        "금형 설계·가공·조립 일정과 부품별 공정 진척을 한 화면에서 관리하는 금형업체 전용 구독 서비스입니다.",
        "subscription",
        (100_000, 400_000),
        industries=("25", "29"),
    ),
    OfferingSpec(
        "mes_erp_saas",
        "뿌리산업 맞춤형 POP 생산실적 집계",
        "주조·용접·열처리·도금 현장의 설비 신호로 생산수량과 비가동 시간을 자동 집계하는 생산시점관리(POP) 시스템입니다.",
        "subscription",
        (80_000, 350_000),
        industries=("24", "25"),
    ),
    OfferingSpec(
        "robotics",
        "협동로봇 용접 자동화 셀",
        "협동로봇과 용접기를 결합해 소량 다품종 용접을 자동화합니다. 티칭이 쉬워 숙련 용접공 부족 문제를 덜어 줍니다.",
        "fixed",
        industries=("25", "29", "30"),
    ),
    OfferingSpec(
        "robotics",
        "도장 로봇 시스템",
        "스프레이 도장 로봇과 도장 경로 자동 생성 소프트웨어로 도막 두께 편차와 도료 사용량을 줄입니다.",
        "quote",
    ),
    OfferingSpec(
        "robotics",
        "AGV·AMR 공장 내 물류 자동화",
        "자율주행 물류로봇(AMR)과 AGV가 공정 간 자재를 운반하고 MES 작업지시와 연동해 이송 대기 시간을 줄입니다.",
        "quote",
    ),
    OfferingSpec(
        "robotics",
        "식품 포장 팔레타이징 로봇",
        "포장이 끝난 박스를 로봇이 팔레트에 자동 적재해 고중량 반복 작업과 근골격계 부담을 없앱니다.",
        "fixed",
        industries=("10",),
    ),
    OfferingSpec(
        "robotics",
        "사출 취출 로봇 후공정 자동화",
        "사출기 취출 로봇에 게이트 커팅, 비전검사, 적재를 묶은 무인 후공정 셀입니다.",
        "fixed",
        industries=("22",),
    ),
    OfferingSpec(
        "data_platform",
        "설비 가동 모니터링 IoT 대시보드",
        "PLC·센서 신호를 연결해 설비 가동·정지 현황과 생산수량을 스마트폰과 현황판에서 실시간으로 확인합니다.",
        "subscription",
        (50_000, 300_000),
    ),
    OfferingSpec(
        "data_platform",
        "디지털 트윈 공장 시뮬레이션",
        "공장 레이아웃과 설비·물류 흐름을 3D 디지털 트윈으로 구현해 병목 공정을 찾고 라인 변경 효과를 미리 검증합니다.",
        "quote",
    ),
    OfferingSpec(
        "data_platform",
        "제조 AI 학습데이터 라벨링 서비스",
        "불량 이미지와 센서 데이터의 라벨링, 정제, 품질 검수를 대행해 AI 모델 학습용 데이터셋을 만들어 드립니다.",
        "quote",
    ),
    OfferingSpec(
        "data_platform",
        "제조 현장 생성형 AI(LLM) 지식 검색",
        "작업표준서, 설비 매뉴얼, 품질 기준서를 학습한 사내 LLM 챗봇이 현장 질문에 바로 답합니다. 사내 서버 설치형도 지원합니다.",
        "subscription",
        (300_000, 2_500_000),
    ),
    OfferingSpec(
        "consulting",
        "스마트공장 지원사업 사업계획서 컨설팅",
        "AI 스마트공장 구축 지원사업 공고 분석부터 사업계획서 작성, 발표평가 준비까지 함께합니다.",
        "fixed",
    ),
    OfferingSpec(
        "consulting",
        "중대재해 대응 산업안전 진단 컨설팅",
        "위험성평가와 안전보건관리체계 점검으로 중대재해처벌법 대응 과제를 도출하고 IoT·AI 안전장치 도입 방안을 제시합니다.",
        "fixed",
    ),
    OfferingSpec(
        "consulting",
        "에너지 진단·탄소중립 컨설팅",
        "공장 에너지 진단과 온실가스 배출량 산정, 탄소중립 로드맵 수립, ISO 50001 인증 준비를 지원합니다.",
        "fixed",
    ),
    OfferingSpec(
        "consulting",
        "스마트공장 정보보안 점검 컨설팅",
        "스마트공장 네트워크와 설비 PC의 보안 취약점을 점검하고 망분리·접근통제 등 보안 관리체계를 수립합니다.",
        "fixed",
    ),
    OfferingSpec(
        "consulting",
        "제조 공정 진단·개선 컨설팅",
        "현장 동선과 공정 흐름을 분석해 낭비와 병목을 찾고, 스마트공장 구축 전에 표준작업과 생산관리 기준을 정비합니다.",
        "fixed",
    ),
)

#: Offering indexes the fixed demo specialist firm offers.
DEMO_SPECIALIST_OFFERINGS: tuple[int, ...] = (0, 7)

# --- Courses ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseSpec:
    """An AI-literacy course. ``provider`` is an agency code, ``TP:<region>`` or ``specialist``."""

    code: str
    title: str
    summary: str
    audience: str
    level: str
    format: str
    provider: str
    hours: int
    requires_agency_approval: bool = False
    min_attendance_pct: int = 80
    assessment_required: bool = False
    region: str | None = None


COURSES: tuple[CourseSpec, ...] = (
    CourseSpec(
        "AIL-EXEC-101",
        "경영진을 위한 제조 AI 리터러시",
        "AI 전환의 투자 판단, 성공·실패 사례, 지원사업 활용 전략을 다룹니다.",
        "executive",
        "intro",
        "offline",
        "KOSMO",
        8,
        region="SEOUL",
    ),
    CourseSpec(
        "AIL-EXEC-201",
        "AI 공장 전환 전략 워크숍",
        "자사 공정의 AI 적용 과제를 도출하고 투자 로드맵을 작성합니다.",
        "executive",
        "intermediate",
        "blended",
        "KOSMO",
        12,
        requires_agency_approval=True,
        assessment_required=True,
    ),
    CourseSpec(
        "AIL-EXEC-102",
        "상생형 AI 공장 CEO 세미나",
        "대기업 상생 프로그램 참여 요건과 협력사 AI 전환 사례를 공유합니다.",
        "executive",
        "intro",
        "offline",
        "SAMSUNG-SFC",
        4,
        region="GYEONGGI",
    ),
    CourseSpec(
        "AIL-MGR-101",
        "관리자를 위한 제조 데이터 분석 입문",
        "생산·품질 데이터를 엑셀과 파이썬으로 분석하는 기초를 배웁니다.",
        "manager",
        "intro",
        "online",
        "TIPA",
        16,
        assessment_required=True,
    ),
    CourseSpec(
        "AIL-MGR-201",
        "AI 품질관리 실무 과정",
        "비전검사 AI의 데이터 수집, 라벨링, 성능 평가와 현장 적용을 실습합니다.",
        "manager",
        "intermediate",
        "blended",
        "specialist",
        24,
        assessment_required=True,
    ),
    CourseSpec(
        "AIL-MGR-202",
        "스마트공장 구축 사업관리 과정",
        "지원사업 협약, 구축 관리, 최종점검과 정산 실무를 익힙니다.",
        "manager",
        "intermediate",
        "offline",
        "TP:GYEONGGI",
        12,
        region="GYEONGGI",
    ),
    CourseSpec(
        "AIL-MGR-203",
        "경남 제조 AI 관리자 과정",
        "기계·조선 부품 공정의 AI 적용 사례와 데이터 관리 방법을 다룹니다.",
        "manager",
        "intermediate",
        "offline",
        "TP:GYEONGNAM",
        16,
        region="GYEONGNAM",
    ),
    CourseSpec(
        "AIL-MGR-301",
        "설비 예지보전 AI 심화",
        "진동·전류 데이터 전처리와 이상탐지 모델 운영을 실습합니다.",
        "manager",
        "advanced",
        "blended",
        "specialist",
        32,
        requires_agency_approval=True,
        assessment_required=True,
    ),
    CourseSpec(
        "AIL-FLD-101",
        "현장작업자를 위한 AI 기초",
        "현장에서 만나는 AI 시스템의 원리와 올바른 사용법을 쉽게 배웁니다.",
        "field_worker",
        "intro",
        "online",
        "KOSMO",
        6,
        min_attendance_pct=90,
    ),
    CourseSpec(
        "AIL-FLD-102",
        "협동로봇 안전 운영 교육",
        "협동로봇 작업 안전수칙과 기본 티칭을 실습합니다.",
        "field_worker",
        "intro",
        "offline",
        "TP:BUSAN",
        8,
        region="BUSAN",
    ),
    CourseSpec(
        "AIL-FLD-103",
        "식품 현장 AI 위생관리 교육",
        "AI 이물 검출 장비 운용과 HACCP 기록 관리 방법을 익힙니다.",
        "field_worker",
        "intro",
        "offline",
        "FOODPOLIS",
        6,
        region="JEONBUK",
    ),
    CourseSpec(
        "AIL-FLD-201",
        "비전검사 데이터 라벨링 실습",
        "불량 이미지 수집과 라벨링 기준을 실습하고 품질을 점검합니다.",
        "field_worker",
        "intermediate",
        "blended",
        "specialist",
        12,
        assessment_required=True,
    ),
    CourseSpec(
        "AIL-PRE-101",
        "취업준비생 제조 AI 입문",
        "제조업 공정과 AI 활용 직무를 이해하고 기초 데이터 분석을 실습합니다.",
        "pre_employment",
        "intro",
        "online",
        "TIPA",
        20,
        assessment_required=True,
    ),
    CourseSpec(
        "AIL-PRE-201",
        "스마트공장 운영 인력 양성 과정",
        "MES·PLC·비전검사 장비 운영을 실습하는 취업 연계 과정입니다.",
        "pre_employment",
        "intermediate",
        "offline",
        "TP:CHUNGNAM",
        80,
        requires_agency_approval=True,
        assessment_required=True,
        region="CHUNGNAM",
    ),
    CourseSpec(
        "AIL-PRE-202",
        "화장품 제조 데이터 실무",
        "화장품 배합·충진 공정 데이터 관리와 품질분석 실무를 배웁니다.",
        "pre_employment",
        "intermediate",
        "blended",
        "KCII",
        40,
        assessment_required=True,
        region="CHUNGBUK",
    ),
)

#: Venue names per region for offline sessions ("{short}테크노파크 교육장" is added for every region).
VENUE_ROOMS: tuple[str, ...] = ("대회의실", "교육장 2층", "스마트공장 실습장", "AI 교육센터")

# --- Datasets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetSpec:
    """A manufacturing dataset (DCAT-ish). ``publisher`` is an agency code or ``TP:<region>``."""

    slug: str
    title: str
    description: str
    theme: str
    keywords: tuple[str, ...]
    ksic_prefix: str | None
    process: str
    equipment: str
    data_kind: str
    access_tier: str
    publisher: str = "KOSMO"
    is_labelled: bool = False
    data_standard: str | None = None
    region: str | None = None


DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec(
        "injection-molding-sensor",
        "사출성형 공정 센서 데이터",
        "사출기 금형 온도·압력·사이클타임 1초 단위 센서 데이터와 양불 판정 결과입니다.",
        "공정 최적화",
        ("사출성형", "센서", "공정조건", "불량예측"),
        "22",
        "사출성형",
        "사출성형기",
        "time_series",
        "open",
        is_labelled=True,
        data_standard="KS X 9101",
    ),
    DatasetSpec(
        "pcb-defect-images",
        "PCB 외관 불량 이미지",
        "SMT 공정 PCB 외관 이미지와 납땜 불량 유형(브릿지, 미납, 틀어짐) 라벨입니다.",
        "품질검사",
        ("PCB", "외관검사", "이미지", "불량분류"),
        "26",
        "SMT 실장",
        "AOI 검사기",
        "image",
        "login",
        is_labelled=True,
    ),
    DatasetSpec(
        "food-packaging-vision",
        "식품 포장 라인 비전검사 이미지",
        "식품 포장 실링 불량과 이물 혼입 이미지, 바운딩박스 라벨을 포함합니다.",
        "품질검사",
        ("식품", "포장", "비전검사", "이물"),
        "10",
        "포장",
        "비전 카메라",
        "image",
        "approval",
        publisher="FOODPOLIS",
        is_labelled=True,
        region="JEONBUK",
    ),
    DatasetSpec(
        "cnc-tool-wear-vibration",
        "CNC 공구 마모 진동 데이터",
        "CNC 선반 가공 중 스핀들 진동·전류 데이터와 공구 마모량 측정값입니다.",
        "예지보전",
        ("CNC", "공구마모", "진동", "예지보전"),
        "29",
        "절삭가공",
        "CNC 선반",
        "time_series",
        "open",
        is_labelled=True,
    ),
    DatasetSpec(
        "press-die-acoustic",
        "프레스 금형 음향 데이터",
        "자동차 부품 프레스 공정의 음향·하중 데이터와 금형 파손 이력입니다.",
        "예지보전",
        ("프레스", "금형", "음향", "이상탐지"),
        "30",
        "프레스",
        "프레스기",
        "time_series",
        "approval",
        publisher="TP:GYEONGNAM",
        region="GYEONGNAM",
    ),
    DatasetSpec(
        "welding-bead-images",
        "용접 비드 외관 이미지",
        "아크 용접 비드 이미지와 기공·언더컷 불량 라벨입니다.",
        "품질검사",
        ("용접", "비드", "이미지", "불량검출"),
        "25",
        "용접",
        "용접 로봇",
        "image",
        "login",
        is_labelled=True,
    ),
    DatasetSpec(
        "cosmetics-filling-weight",
        "화장품 충진 중량 데이터",
        "화장품 충진기 노즐별 충진 중량과 점도·온도 공정 데이터입니다.",
        "공정 최적화",
        ("화장품", "충진", "중량", "공정관리"),
        "20423",
        "충진",
        "충진기",
        "tabular",
        "approval",
        publisher="KCII",
        region="CHUNGBUK",
    ),
    DatasetSpec(
        "textile-fabric-defects",
        "원단 결함 이미지",
        "직물 원단 표면의 얼룩·올풀림·구멍 결함 이미지입니다.",
        "품질검사",
        ("섬유", "원단", "결함", "이미지"),
        "13",
        "검단",
        "검단기",
        "image",
        "open",
        is_labelled=True,
    ),
    DatasetSpec(
        "motor-current-signature",
        "전동기 전류 신호 데이터",
        "산업용 전동기의 3상 전류 신호와 베어링·회전자 고장 라벨입니다.",
        "예지보전",
        ("전동기", "전류", "고장진단", "예지보전"),
        "28",
        "구동",
        "유도전동기",
        "time_series",
        "open",
        is_labelled=True,
    ),
    DatasetSpec(
        "bakery-oven-temperature",
        "제과 오븐 온도 프로파일",
        "터널 오븐 구간별 온도와 제품 색도·수분 측정 데이터입니다.",
        "공정 최적화",
        ("제과", "오븐", "온도", "품질"),
        "10",
        "소성",
        "터널 오븐",
        "time_series",
        "login",
        publisher="FOODPOLIS",
    ),
    DatasetSpec(
        "metal-powder-sintering",
        "분말야금 소결 공정 데이터",
        "소결로 온도·분위기 가스와 소결 밀도 측정 결과입니다.",
        "공정 최적화",
        ("분말야금", "소결", "밀도"),
        "25",
        "소결",
        "소결로",
        "tabular",
        "restricted",
    ),
    DatasetSpec(
        "auto-parts-assembly-torque",
        "자동차 부품 조립 체결 토크 데이터",
        "볼트 체결 토크·각도 곡선과 체결 불량 판정입니다.",
        "품질검사",
        ("조립", "토크", "체결", "자동차부품"),
        "30",
        "조립",
        "너트러너",
        "time_series",
        "approval",
        is_labelled=True,
    ),
    DatasetSpec(
        "plastic-extrusion-quality",
        "플라스틱 압출 품질 데이터",
        "압출기 스크루 속도·온도와 제품 두께 편차 데이터입니다.",
        "공정 최적화",
        ("압출", "플라스틱", "두께", "품질"),
        "22",
        "압출",
        "압출기",
        "tabular",
        "open",
    ),
    DatasetSpec(
        "semiconductor-wafer-map",
        "웨이퍼 맵 불량 패턴",
        "웨이퍼 테스트 결과 맵과 불량 패턴(엣지, 링, 스크래치) 라벨입니다.",
        "품질검사",
        ("반도체", "웨이퍼", "불량패턴"),
        "26",
        "웨이퍼 테스트",
        "프로버",
        "image",
        "restricted",
        is_labelled=True,
    ),
    DatasetSpec(
        "pharma-tablet-inspection",
        "정제 외관검사 이미지",
        "완제의약품 정제의 깨짐·변색·이물 외관 이미지입니다.",
        "품질검사",
        ("의약품", "정제", "외관검사"),
        "21",
        "타정",
        "정제 검사기",
        "image",
        "restricted",
        is_labelled=True,
    ),
    DatasetSpec(
        "compressor-energy",
        "공기압축기 에너지 사용 데이터",
        "공장 공기압축기의 전력·압력·유량 데이터로 에너지 절감 분석용입니다.",
        "에너지",
        ("에너지", "공기압축기", "전력"),
        None,
        "유틸리티",
        "공기압축기",
        "time_series",
        "open",
    ),
    DatasetSpec(
        "cnc-machining-quality",
        "CNC 가공 치수 품질 데이터",
        "가공 조건과 3차원 측정기 치수 측정 결과를 연결한 데이터입니다.",
        "품질검사",
        ("CNC", "치수", "측정", "품질예측"),
        "29",
        "절삭가공",
        "머시닝센터",
        "tabular",
        "login",
        publisher="TP:GYEONGGI",
        region="GYEONGGI",
    ),
    DatasetSpec(
        "steel-surface-defects",
        "강판 표면 결함 이미지",
        "냉연 강판 표면의 스크래치·개재물·스케일 결함 이미지입니다.",
        "품질검사",
        ("철강", "강판", "표면결함"),
        "24",
        "냉간압연",
        "표면검사기",
        "image",
        "approval",
        publisher="POSCO-WINWIN",
        is_labelled=True,
        region="GYEONGBUK",
    ),
    DatasetSpec(
        "food-cold-chain",
        "식품 냉장 유통 온도 데이터",
        "냉장 창고와 운송 차량의 온습도 로그와 품질 이탈 이력입니다.",
        "물류",
        ("콜드체인", "온도", "식품"),
        "10",
        "보관",
        "냉장창고",
        "time_series",
        "open",
        publisher="FOODPOLIS",
    ),
    DatasetSpec(
        "robot-arm-joint-torque",
        "협동로봇 관절 토크 데이터",
        "협동로봇 6축 관절 토크·위치 데이터와 충돌 감지 이벤트입니다.",
        "자동화",
        ("협동로봇", "토크", "충돌감지"),
        "29",
        "조립",
        "협동로봇",
        "time_series",
        "login",
    ),
    DatasetSpec(
        "mold-temperature-thermal",
        "금형 열화상 이미지",
        "다이캐스팅 금형 표면 열화상 이미지와 냉각 불량 라벨입니다.",
        "품질검사",
        ("다이캐스팅", "열화상", "금형"),
        "24",
        "다이캐스팅",
        "다이캐스팅기",
        "image",
        "approval",
        is_labelled=True,
    ),
    DatasetSpec(
        "spinning-yarn-quality",
        "방적 원사 품질 데이터",
        "방적기 운전 조건과 원사 강도·균제도 측정 데이터입니다.",
        "공정 최적화",
        ("방적", "원사", "품질"),
        "13",
        "방적",
        "정방기",
        "tabular",
        "open",
    ),
    DatasetSpec(
        "battery-cell-inspection",
        "전지 셀 외관 이미지",
        "이차전지 셀 파우치 외관의 주름·찍힘 이미지와 라벨입니다.",
        "품질검사",
        ("이차전지", "셀", "외관검사"),
        "28",
        "조립",
        "비전 카메라",
        "image",
        "restricted",
        is_labelled=True,
    ),
    DatasetSpec(
        "mes-work-orders",
        "중소 제조 MES 작업실적 샘플",
        "익명화한 MES 작업지시·실적·불량 기록 샘플로 생산관리 분석용입니다.",
        "생산관리",
        ("MES", "작업실적", "생산관리"),
        None,
        "생산관리",
        "MES",
        "tabular",
        "open",
        data_standard="ISA-95",
    ),
    DatasetSpec(
        "paint-booth-environment",
        "도장 부스 환경 데이터",
        "도장 부스 온습도·풍속과 도막 두께 측정 결과입니다.",
        "공정 최적화",
        ("도장", "환경", "도막"),
        "30",
        "도장",
        "도장 부스",
        "time_series",
        "login",
        publisher="HYUNDAI-WINWIN",
    ),
    DatasetSpec(
        "meat-processing-hygiene",
        "육가공 위생 점검 데이터",
        "가금류 가공 라인 위생 점검 기록과 미생물 검사 결과입니다.",
        "품질검사",
        ("육가공", "위생", "HACCP"),
        "10",
        "가공",
        "세척기",
        "tabular",
        "approval",
        publisher="FOODPOLIS",
    ),
    DatasetSpec(
        "bearing-run-to-failure",
        "베어링 수명 시험 데이터",
        "베어링 가속 수명 시험의 진동 데이터를 고장까지 기록했습니다.",
        "예지보전",
        ("베어링", "수명", "진동"),
        "29",
        "시험",
        "베어링 시험기",
        "time_series",
        "open",
        is_labelled=True,
    ),
    DatasetSpec(
        "worker-safety-video",
        "작업자 안전 행동 영상 프레임",
        "프레스 작업장의 작업자 위치·보호구 착용 라벨 영상 프레임입니다.",
        "안전",
        ("안전", "영상", "보호구"),
        "25",
        "프레스",
        "CCTV",
        "image",
        "restricted",
        is_labelled=True,
    ),
    DatasetSpec(
        "maintenance-logs-text",
        "설비 정비 일지 텍스트",
        "설비 고장 증상과 조치 내용을 적은 정비 일지 텍스트(개인정보 제거)입니다.",
        "예지보전",
        ("정비일지", "텍스트", "고장원인"),
        None,
        "정비",
        "범용 설비",
        "text",
        "login",
        publisher="TIPA",
    ),
    DatasetSpec(
        "smart-factory-maturity",
        "스마트공장 수준확인 통계",
        "시·도, 업종, 규모별 스마트공장 수준확인 결과 집계 통계입니다.",
        "정책통계",
        ("수준확인", "통계", "스마트공장"),
        None,
        "통계",
        "해당없음",
        "tabular",
        "open",
        publisher="MSS",
    ),
)

LICENSES: dict[str, str] = {
    "open": "공공누리 제1유형(출처표시)",
    "login": "CC BY 4.0",
    "approval": "제조 AI 24 데이터 이용약관(비영리)",
    "restricted": "제조 AI 24 제한 데이터 이용계약",
}

#: Distribution formats per data kind: (format, media type, title suffix).
DISTRIBUTION_FORMATS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "image": (("ZIP", "application/zip", "이미지 압축 파일"), ("CSV", "text/csv", "라벨 목록")),
    "time_series": (("Parquet", "application/vnd.apache.parquet", "Parquet"), ("CSV", "text/csv", "CSV 샘플")),
    "tabular": (("CSV", "text/csv", "CSV"), ("Parquet", "application/vnd.apache.parquet", "Parquet")),
    "text": (("ZIP", "application/zip", "텍스트 압축 파일"),),
    "mixed": (("ZIP", "application/zip", "전체 압축 파일"),),
}

ACCESS_PURPOSES: tuple[str, ...] = (
    "자사 비전검사 AI 모델 학습 및 성능 비교",
    "스마트공장 고도화 사업 사전 검증(PoC)",
    "예지보전 알고리즘 연구 및 논문 작성",
    "공급기업 솔루션 데모 데이터로 활용",
)
