"""Judged queries for measuring specialist-search relevance (nDCG@10) over the seeded offerings.

Each :class:`JudgedQuery` is a query as a Korean SME owner would type it into the portal's search box, with
graded relevance over offering *titles* from :data:`m24.portal.seed.data.OFFERINGS`. A search hit counts
for the title of the offering it returns (a title may be offered by several firms; judge each hit by its
title). Grades were assigned by reading each offering's title and summary, never by looking at what any
search engine returns:

* **3** — exactly what is asked: the offering is the solution the query names or the fix for the problem
  it describes;
* **2** — clearly useful: a close variant (another industry's version, a neighbouring solution that
  solves the same problem);
* **1** — related: same topic or a partial answer the searcher might still want to see;
* absent — **0**, not relevant.

The set covers particles and verb endings ("비전검사를 도입하고 싶어요"), spacing and compounds ("비전검사" /
"비전 검사", "생산관리" / "생산 관리"), mixed Korean–English ("AI 불량 검출", "MES 구독"), English-only
acronyms that occur in the catalogue ("FEMS", "OEE", "HACCP"), common misspellings ("예지보존", "비젼검사",
"파레타이징"), problem descriptions ("사출 불량이 많아요") and industry-specific needs ("식품 이물 검출").
English phrases that appear nowhere in the catalogue text ("predictive maintenance") are left out on
purpose: their intent is only answerable through a synonym dictionary, which is a separate question.
Variants of one need (e.g. the spellings of 비전검사) share the same judgments, so a query's score shows
how well the engine normalises the variant rather than a different judgment.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JudgedQuery:
    """A query with graded relevance (1–3) per offering title; titles not listed are grade 0."""

    query: str
    grades: dict[str, int] = field(hash=False)
    note: str = ""


# --- Offering titles (exactly as in data.OFFERINGS) ---------------------------------------------------

VISION = "AI 비전검사 솔루션"
FOOD_FOREIGN = "식품 이물 검출 AI 비전 시스템"
PCB = "PCB 외관검사 AI 모듈"
PDM = "설비 예지보전 플랫폼"
CNC_TOOL = "CNC 공구 마모 예측 서비스"
INJECTION_OPT = "사출성형 공정조건 최적화 AI"
PLANNING = "AI 생산계획 최적화"
MES = "구독형 MES"
MICRO_APP = "소공인용 간편 생산관리 앱"
COBOT = "협동로봇 자동화 패키지"
PICKING = "AI 비전 피킹 로봇"
GATEWAY = "제조 데이터 수집 게이트웨이"
DATA_LAKE = "제조 데이터 레이크 구축"
READINESS = "AI 도입 준비도 진단 컨설팅"
MATURITY = "스마트공장 수준확인 대비 컨설팅"
WELD_VISION = "용접 비드 품질 AI 검사 시스템"
PAINT_VISION = "도장 표면 결함 AI 검사"
METAL_VISION = "프레스·금속 가공품 외관검사 AI"
FABRIC = "섬유 원단 결함 자동 검단 시스템"
COSMETIC_VISION = "화장품 용기·라벨 비전검사"
OCR = "AI OCR 각인·라벨 판독 솔루션"
SAFETY_VIDEO = "AI 영상 기반 작업자 안전 모니터링"
VIBRATION = "회전설비 진동 모니터링 IoT 센서 패키지"
DIE_BREAK = "프레스 금형 파손 예지 AI"
UTILITY = "공기압축기·유틸리티 설비 이상 감지 서비스"
INJECTION_PDM = "사출기 예지보전·가동률(OEE) 모니터링"
MAINT_LLM = "정비 이력 기반 고장 원인 분석 AI"
FEMS = "공장 에너지 관리 시스템(FEMS)"
SPC = "AI 품질예측·SPC 통계적 공정관리"
HEAT = "열처리 공정 온도 최적화 AI"
FOOD_PROCESS = "식품 배합·살균 공정 최적화 AI"
DIECAST = "다이캐스팅 주조 불량 예측 AI"
ERP = "중소 제조기업용 클라우드 ERP"
HACCP_MES = "식품 HACCP 연계 MES"
CGMP = "화장품 CGMP 생산관리 시스템"
MOLD_SAAS = "금형 제작 공정관리 SaaS"
POP = "뿌리산업 맞춤형 POP 생산실적 집계"
WELD_ROBOT = "협동로봇 용접 자동화 셀"
PAINT_ROBOT = "도장 로봇 시스템"
AMR = "AGV·AMR 공장 내 물류 자동화"
PALLETIZING = "식품 포장 팔레타이징 로봇"
TAKEOUT = "사출 취출 로봇 후공정 자동화"
MONITORING = "설비 가동 모니터링 IoT 대시보드"
TWIN = "디지털 트윈 공장 시뮬레이션"
LABELING = "제조 AI 학습데이터 라벨링 서비스"
LLM = "제조 현장 생성형 AI(LLM) 지식 검색"
PROPOSAL = "스마트공장 지원사업 사업계획서 컨설팅"
SAFETY_CONSULTING = "중대재해 대응 산업안전 진단 컨설팅"
CARBON = "에너지 진단·탄소중립 컨설팅"
SECURITY = "스마트공장 정보보안 점검 컨설팅"
PROCESS_CONSULTING = "제조 공정 진단·개선 컨설팅"

# --- Shared judgments for variants of one need -------------------------------------------------------

#: "I want vision inspection", industry unspecified: the general product first, every inspection system
#: for a particular product or industry clearly useful.
_VISION_GENERAL: dict[str, int] = {
    VISION: 3,
    PCB: 2,
    FOOD_FOREIGN: 2,
    WELD_VISION: 2,
    PAINT_VISION: 2,
    METAL_VISION: 2,
    FABRIC: 2,
    COSMETIC_VISION: 2,
    OCR: 1,
    LABELING: 1,
    TAKEOUT: 1,
}

#: "I need predictive maintenance": the general platform first, the equipment-specific ones next.
_PDM_GENERAL: dict[str, int] = {
    PDM: 3,
    VIBRATION: 2,
    INJECTION_PDM: 2,
    DIE_BREAK: 2,
    UTILITY: 2,
    CNC_TOOL: 2,
    MAINT_LLM: 1,
    MONITORING: 1,
}

#: "Production management (system)": MES and the micro-firm app; industry MES variants clearly useful.
_PRODUCTION_MANAGEMENT: dict[str, int] = {
    MES: 3,
    MICRO_APP: 3,
    HACCP_MES: 2,
    CGMP: 2,
    MOLD_SAAS: 2,
    POP: 2,
    PLANNING: 2,
    ERP: 1,
    MONITORING: 1,
}

_FAILURE_AHEAD: dict[str, int] = {
    PDM: 3,
    VIBRATION: 2,
    UTILITY: 2,
    INJECTION_PDM: 2,
    DIE_BREAK: 2,
    MAINT_LLM: 1,
    CNC_TOOL: 1,
    MONITORING: 1,
}

_TWIN: dict[str, int] = {TWIN: 3}


def _q(query: str, grades: dict[str, int], note: str = "") -> JudgedQuery:
    return JudgedQuery(query, dict(grades), note)


JUDGED_QUERIES: tuple[JudgedQuery, ...] = (
    # Vision inspection: spellings, spacing, particles, mixed case.
    _q("비전검사", _VISION_GENERAL),
    _q("비전 검사", _VISION_GENERAL, "spacing variant of 비전검사"),
    _q("비젼검사", _VISION_GENERAL, "common misspelling 비젼 for 비전"),
    _q("비전검사를 도입하고 싶어요", _VISION_GENERAL, "object particle and polite ending"),
    _q("ai 비전검사", _VISION_GENERAL, "lower-case AI"),
    _q(
        "AI 불량 검출",
        {
            VISION: 3,
            PCB: 2,
            FOOD_FOREIGN: 2,
            WELD_VISION: 2,
            PAINT_VISION: 2,
            METAL_VISION: 2,
            FABRIC: 2,
            COSMETIC_VISION: 2,
            DIECAST: 1,
            SPC: 1,
        },
    ),
    _q("외관검사 자동화", {VISION: 3, METAL_VISION: 2, PCB: 2, PAINT_VISION: 2, COSMETIC_VISION: 2, FABRIC: 1}),
    # Predictive maintenance.
    _q("예지보전", _PDM_GENERAL),
    _q("예지보전이 필요해요", _PDM_GENERAL, "subject particle and ending"),
    _q("예지보존", _PDM_GENERAL, "common misspelling 보존 for 보전"),
    _q("설비 고장 미리 알고 싶다", _FAILURE_AHEAD, "problem description"),
    _q("설비 고장을 미리 알 수 있나요", _FAILURE_AHEAD, "problem description with particles"),
    _q("모터 베어링 진동", {VIBRATION: 3, PDM: 2}),
    _q("공기압축기 에어 누설", {UTILITY: 3, FEMS: 1}),
    _q("CNC 공구 교체 시기", {CNC_TOOL: 3, PDM: 1}),
    _q("공구마모 예측", {CNC_TOOL: 3}, "compound written without a space"),
    _q("금형 파손", {DIE_BREAK: 3, METAL_VISION: 1}),
    _q("OEE", {INJECTION_PDM: 3, MONITORING: 1, POP: 1}, "English acronym in the catalogue"),
    _q("설비 가동률", {MONITORING: 3, INJECTION_PDM: 2, POP: 2, MES: 1}),
    # Defects and process optimisation.
    _q(
        "불량을 줄이고 싶어요",
        {INJECTION_OPT: 2, SPC: 2, CNC_TOOL: 2, DIECAST: 2, VISION: 2, PROCESS_CONSULTING: 1, METAL_VISION: 1},
        "vague: no single offering is exactly it",
    ),
    _q("사출 불량이 많아요", {INJECTION_OPT: 3, SPC: 2, INJECTION_PDM: 1, TAKEOUT: 1, VISION: 1}),
    _q("사출성형 최적화", {INJECTION_OPT: 3, INJECTION_PDM: 1}),
    _q("다이캐스팅 기공 불량", {DIECAST: 3, SPC: 1}),
    _q("주조불량 예측", {DIECAST: 3, SPC: 1}, "compound written without a space"),
    _q("열처리 경도 편차", {HEAT: 3}),
    _q("품질관리 SPC", {SPC: 3, MES: 1}),
    _q("생산계획 자동 수립", {PLANNING: 3, MES: 1}),
    # Industry-specific inspection.
    _q("식품 이물 검출", {FOOD_FOREIGN: 3, HACCP_MES: 1, VISION: 1}),
    _q("용접 품질 검사", {WELD_VISION: 3, WELD_ROBOT: 1, VISION: 1}),
    _q("용접불량", {WELD_VISION: 3, WELD_ROBOT: 1}, "compound written without a space"),
    _q("도장 불량", {PAINT_VISION: 3, PAINT_ROBOT: 1}),
    _q("섬유 원단 검사", {FABRIC: 3, VISION: 1}),
    _q("화장품 라벨 검사", {COSMETIC_VISION: 3, OCR: 2, CGMP: 1}),
    _q("PCB 검사", {PCB: 3, VISION: 1}),
    _q("AOI 과검출", {PCB: 3, VISION: 1}, "English acronym with Korean"),
    _q("OCR", {OCR: 3, COSMETIC_VISION: 1}, "English acronym only"),
    # MES / ERP / SaaS.
    _q("생산관리", _PRODUCTION_MANAGEMENT),
    _q("생산 관리", _PRODUCTION_MANAGEMENT, "spacing variant of 생산관리"),
    _q("MES 구독", {MES: 3, HACCP_MES: 2, CGMP: 2, MICRO_APP: 2, MOLD_SAAS: 2, POP: 2, ERP: 1}),
    _q("ERP SaaS", {ERP: 3, MES: 1}),
    _q("소공인 생산관리", {MICRO_APP: 3, MES: 1}),
    _q("재고 관리 앱", {MICRO_APP: 3, ERP: 2}),
    _q("HACCP", {HACCP_MES: 3, FOOD_PROCESS: 2, FOOD_FOREIGN: 2}, "English acronym only"),
    _q("화장품 GMP", {CGMP: 3, COSMETIC_VISION: 1}, "GMP without the C"),
    _q("금형 관리", {MOLD_SAAS: 2, DIE_BREAK: 2}, "ambiguous: mould-making schedule or mould upkeep"),
    _q("뿌리산업", {POP: 3, HEAT: 2, METAL_VISION: 2, DIECAST: 1, WELD_VISION: 1, WELD_ROBOT: 1}),
    # Data platforms and monitoring.
    _q("PLC 데이터 수집", {GATEWAY: 3, MONITORING: 2, INJECTION_PDM: 1, DATA_LAKE: 1, POP: 1}),
    _q("데이터 플랫폼 구축", {DATA_LAKE: 3, GATEWAY: 2, MONITORING: 1, TWIN: 1}),
    _q("스마트폰으로 생산 현황 확인", {MONITORING: 3, MICRO_APP: 2, MES: 1}),
    _q("디지털 트윈", _TWIN),
    _q("디지털트윈", _TWIN, "compound written without a space"),
    _q("디지탈 트윈", _TWIN, "common misspelling 디지탈"),
    _q("LLM 챗봇", {LLM: 3, MAINT_LLM: 1}),
    _q("이미지 라벨링", {LABELING: 3}),
    # Robots.
    _q("협동로봇", {COBOT: 3, WELD_ROBOT: 2, PICKING: 1}),
    _q("용접 로봇", {WELD_ROBOT: 3, COBOT: 1, WELD_VISION: 1}),
    _q("물류 자동화 로봇", {AMR: 3, PALLETIZING: 2, COBOT: 1, PICKING: 1}),
    _q("AGV AMR", {AMR: 3}, "English acronyms only"),
    _q("파레타이징", {PALLETIZING: 3, COBOT: 2}, "common spelling variant of 팔레타이징"),
    _q("피킹 로봇", {PICKING: 3, COBOT: 1}),
    _q("사출 자동화", {TAKEOUT: 3, INJECTION_OPT: 1, INJECTION_PDM: 1}),
    _q("식품 공장 자동화", {PALLETIZING: 3, FOOD_FOREIGN: 2, HACCP_MES: 1, FOOD_PROCESS: 1}),
    # Energy, safety, security.
    _q("에너지 절감", {FEMS: 3, CARBON: 2, UTILITY: 1}),
    _q("FEMS", {FEMS: 3, CARBON: 1}, "English acronym only"),
    _q("탄소중립", {CARBON: 3, FEMS: 2}),
    _q("작업자 안전", {SAFETY_VIDEO: 3, SAFETY_CONSULTING: 2}),
    _q("중대재해 예방", {SAFETY_CONSULTING: 3, SAFETY_VIDEO: 2, PALLETIZING: 1}),
    _q("산업안전 컨설팅", {SAFETY_CONSULTING: 3, SAFETY_VIDEO: 1}),
    _q("보안 점검", {SECURITY: 3}),
    # Consulting and funding.
    _q(
        "AI 도입 어디서부터 시작해야 할지 모르겠어요",
        {READINESS: 3, PROCESS_CONSULTING: 2, PROPOSAL: 1},
        "problem description",
    ),
    _q("사업계획서 작성 도와주세요", {PROPOSAL: 3, READINESS: 1}),
    _q("스마트공장 지원사업 신청", {PROPOSAL: 3, MATURITY: 1}),
    _q("수준확인", {MATURITY: 3}),
    _q(
        "스마트공장 구축 컨설팅",
        {PROCESS_CONSULTING: 2, READINESS: 2, MATURITY: 2, PROPOSAL: 2, SECURITY: 1},
        "no single offering is exactly it",
    ),
    _q("공장 동선 개선", {PROCESS_CONSULTING: 3, TWIN: 2, AMR: 1}),
)
