"""Completion certificates: verification codes and the PDF (pure, no database)."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import unicodedata
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from m24.portal.training.certificates import (
    CODE_ALPHABET,
    CODE_PREFIX,
    CertificateData,
    new_verification_code,
    normalize_code,
    render_pdf,
)

CANONICAL = re.compile(r"^M24C-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$")
A4_W, A4_H = 595.2756, 841.8898
FRAME = 35.0  # inner frame line; nothing may be drawn outside it

pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))  # to measure text read back from PDFs


def compact(code: str) -> str:
    """The 13 characters after the prefix (12 random + check)."""
    return code.replace("-", "")[len(CODE_PREFIX) :]


def with_check(body12: str) -> str:
    """The one canonical code for ``body12``, found by trying every check character."""
    valid = [normalize_code(body12 + check) for check in CODE_ALPHABET]
    found = [code for code in valid if code is not None]
    assert len(found) == 1, (body12, found)
    return found[0]


# --------------------------------------------------------------------------- codes


def test_codes_are_unique_canonical_and_normalise_to_themselves() -> None:
    codes = [new_verification_code() for _ in range(10_000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert CANONICAL.match(code), code
        assert len(code) <= 24  # enrollments.certificate_code is String(24)
        assert normalize_code(code) == code


def test_codes_use_the_whole_alphabet_in_every_position() -> None:
    codes = [compact(new_verification_code()) for _ in range(2_000)]
    for position in range(12):
        assert {code[position] for code in codes} == set(CODE_ALPHABET)


def test_exactly_one_check_character_fits_each_body() -> None:
    rng = random.Random(24)
    for _ in range(300):
        with_check("".join(rng.choice(CODE_ALPHABET) for _ in range(12)))


def test_every_single_character_substitution_is_rejected() -> None:
    rng = random.Random(1)
    for _ in range(60):
        code = compact(new_verification_code())
        for position in range(len(code)):
            for replacement in CODE_ALPHABET:
                if replacement == code[position]:
                    continue
                typo = code[:position] + replacement + code[position + 1 :]
                assert normalize_code(typo) is None, (code, typo)
        # Characters outside the alphabet (U, symbols, Hangul) never pass either.
        position = rng.randrange(len(code))
        for bad in "U*$=~?#가":
            assert normalize_code(code[:position] + bad + code[position + 1 :]) is None


def test_every_adjacent_transposition_is_rejected_except_0_and_z() -> None:
    """Exhaustive over character pairs and positions (including the check character's)."""
    base = "7KQ29XHD4TPM"
    codes = [
        compact(with_check(base[:position] + a + b + base[position + 2 :]))
        for position in range(11)
        for a in CODE_ALPHABET
        for b in CODE_ALPHABET
    ]
    codes += [compact(with_check(base[:11] + a)) for a in CODE_ALPHABET]  # last body char <-> check char
    assert len(codes) == 11 * 32 * 32 + 32
    for code in codes:
        for i in range(len(code) - 1):
            a, b = code[i], code[i + 1]
            if a == b:
                continue
            swapped = code[:i] + b + a + code[i + 2 :]
            if {a, b} == {"0", "Z"}:
                # The one documented blind spot of Luhn mod 32: both values double to themselves mod 31.
                assert normalize_code(swapped) is not None
            else:
                assert normalize_code(swapped) is None, (code, swapped)


def test_random_adjacent_transpositions_in_real_codes() -> None:
    for _ in range(500):
        code = compact(new_verification_code())
        for i in range(len(code) - 1):
            if code[i] == code[i + 1] or {code[i], code[i + 1]} == {"0", "Z"}:
                continue
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert normalize_code(swapped) is None


def test_formatting_variants_and_look_alikes_normalise() -> None:
    code = with_check("01AB1CD0EF1G")
    groups = code.split("-")
    body = "".join(groups[1:])
    variants = [
        code,
        code.lower(),
        code.replace("-", ""),
        code.replace("-", " "),
        f"  {code}\n",
        "--".join(groups),
        "-" + code + "-",
        " - ".join(groups),
        code.replace("-", "\u2013"),  # en dash from a word processor
        code.replace("-", "\u2010"),
        "".join(chr(ord(ch) + 0xFEE0) for ch in code),  # full-width, as some Korean IMEs type
        body,  # prefix left out
        "-".join(groups[1:]),
        code.replace("0", "O"),
        code.replace("0", "o"),
        code.replace("1", "I"),
        code.replace("1", "l"),
        code.replace("1", "L").lower(),
        "m24c" + body.replace("0", "o").replace("1", "i"),
        "m24c " + " ".join(body[i : i + 2] for i in range(0, len(body), 2)),
    ]
    for variant in variants:
        assert normalize_code(variant) == code, variant


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "M24C",
        "M24C-",
        "M24C-7KQ2-9XHD-4TPM",  # check character missing
        "M24C-7KQ2-9XHD-4TPM-KK-X",  # too long
        "X24C-7KQ2-9XHD-4TPM-K",  # wrong prefix
        "M24C-7KQ2-9XHD-4TPU-K",  # U is not in the alphabet
        "M24C_7KQ2*9XHD*4TPM*K",
        "M24C-7KQ2-9XHD-4TPM-K" + "-" * 60,  # absurdly long input
        "https://m24.example.kr/verify/M24C-7KQ2-9XHD-4TPM-K",
        "수료증",
    ],
)
def test_malformed_codes_are_rejected(text: str) -> None:
    assert normalize_code(text) is None


def test_non_strings_are_rejected() -> None:
    assert normalize_code(None) is None  # type: ignore[arg-type]
    assert normalize_code(12345) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------- PDF

CODE = with_check("7KQ29XHD4TPM")
URL = f"https://m24.example.kr/verify/{CODE}"


def make(**changes: Any) -> CertificateData:
    data = CertificateData(
        holder_name="남궁 민수",
        course_title="제조 현장 실무자를 위한 AI 리터러시 기초",
        course_hours=16,
        provider_name="한국생산기술연구원",
        session_period="2026.11.02 ~ 2026.11.06",
        attendance_pct=95,
        assessment_passed=True,
        issued_on=date(2026, 11, 6),
        code=CODE,
        verify_url=URL,
    )
    return dataclasses.replace(data, **changes)


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    return reader


def text_of(pdf: bytes) -> str:
    return read(pdf).pages[0].extract_text()


def squashed(text: str) -> str:
    return "".join(text.split())


def runs_outside_frame(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """Text runs (text, left, right, baseline) that stick out of the inner frame.

    pypdf reports every run of a multi-font line at the line's start, so runs reported at the
    same start are laid end to end.
    """
    outside: list[tuple[str, float, float, float]] = []
    line: dict[str, Any] = {"start": None, "x": 0.0}

    def visit(text: str, cm: list[float], tm: list[float], font: dict[str, Any] | None, size: float) -> None:
        if not text.strip() or font is None:
            return
        text = text.rstrip("\n")
        start = (tm[4] + cm[4], tm[5] + cm[5])
        if start != line["start"]:
            line.update(start=start, x=start[0])
        x, y = line["x"], start[1]
        right = x + pdfmetrics.stringWidth(text, str(font["/BaseFont"]).lstrip("/"), size)
        line["x"] = right
        if x < FRAME or right > A4_W - FRAME or not FRAME < y < A4_H - FRAME:
            outside.append((text, x, right, y))

    read(pdf).pages[0].extract_text(visitor_text=visit)
    return outside


def test_pdf_is_an_a4_page_with_all_the_content_as_text() -> None:
    pdf = render_pdf(make())
    reader = read(pdf)
    page = reader.pages[0]
    assert [round(float(v), 2) for v in page.mediabox] == [0, 0, round(A4_W, 2), round(A4_H, 2)]
    text = page.extract_text()
    for expected in [
        "수 료 증",
        "남궁 민수",
        "제조 현장 실무자를 위한 AI 리터러시 기초",
        "16시간",
        "2026.11.02 ~ 2026.11.06",
        "95%",
        "합격",
        "한국생산기술연구원",
        "2026년 11월 6일",
        CODE,
        URL,
        "이 수료증의 진위는 위 주소에서 확인할 수 있습니다.",
        "위 사람은 위 교육과정을 성실히 이수하였으므로",
    ]:
        assert expected in text, expected
    assert reader.metadata is not None
    assert reader.metadata.title == f"수료증 {CODE}"
    # The verification URL is also a clickable link.
    annotations: Any = page["/Annots"]
    uris = [annotation.get_object()["/A"]["/URI"] for annotation in annotations]
    assert uris == [URL]
    assert runs_outside_frame(pdf) == []


def test_korean_is_set_in_the_builtin_cid_font_without_font_files() -> None:
    pdf = render_pdf(make())
    resources: Any = read(pdf).pages[0]["/Resources"]
    fonts = {str(font["/BaseFont"]) for font in resources["/Font"].values()}
    assert "/HYSMyeongJo-Medium" in fonts
    assert fonts <= {"/HYSMyeongJo-Medium", "/Times-Roman", "/Courier-Bold", "/Helvetica"}
    assert b"/UniKS-UCS2-H" in pdf
    assert b"/FontFile" not in pdf  # nothing embedded: nothing to install or ship


def test_pdf_is_deterministic_and_small() -> None:
    first = render_pdf(make())
    assert render_pdf(make()) == first
    assert render_pdf(dataclasses.replace(make())) == first
    assert len(first) < 12_000
    other = render_pdf(make(code=with_check("7KQ29XHD4TPN"), verify_url=URL + "X"))
    assert other != first


@pytest.mark.parametrize(
    "name",
    [
        "남궁 민수",
        "Kim Ji-woo",
        "선우 은 (Sunwoo Eun)",
        "黃 보라",
        "José Núñez-O'Brien",
        "이름에 \\ 백슬래시와 (괄호)",
        "제갈공명",
    ],
)
def test_unusual_but_valid_names_render_as_text(name: str) -> None:
    pdf = render_pdf(make(holder_name=name))
    assert name in text_of(pdf)
    assert runs_outside_frame(pdf) == []


def test_decomposed_hangul_is_composed() -> None:
    """macOS and some forms submit NFD jamo; the certificate shows proper syllables."""
    pdf = render_pdf(make(holder_name=unicodedata.normalize("NFD", "남궁 민수")))
    assert "남궁 민수" in text_of(pdf)


def test_control_and_bidi_characters_are_dropped() -> None:
    name = "김\u202e철수\u200b\n\t 박"
    text = text_of(render_pdf(make(holder_name=name)))
    assert "김철수 박" in text
    assert "\u202e" not in text
    assert "\u200b" not in text


@pytest.mark.parametrize("passed", [True, False, None])
def test_assessment_line(passed: bool | None) -> None:
    text = text_of(render_pdf(make(assessment_passed=passed)))
    assert ("평 가 결 과" in text) is (passed is not None)
    assert ("불합격" in text) is (passed is False)


def test_long_course_title_wraps_instead_of_overflowing() -> None:
    title = (
        "중소 제조기업 현장 실무자를 위한 생성형 AI 리터러시 심화 과정: 공정 데이터 수집·정제부터 "
        "불량 예측 모델 검증, 현장 적용과 지속 개선 활동까지 (2026 하반기)"
    )
    title = (title + " 가나다라마바사아자차카타파하" * 3)[:120].rstrip()
    assert len(title) >= 119
    pdf = render_pdf(make(course_title=title))
    assert squashed(title) in squashed(text_of(pdf))
    assert runs_outside_frame(pdf) == []


def test_longest_allowed_values_stay_on_the_page() -> None:
    data = make(
        holder_name="가" * 100,
        course_title="Manufacturing-AI-" * 11 + "끝",  # one long unbreakable word, Latin and Korean
        provider_name="(재)한국생산기술연구원 " * 15 + "끝",
        session_period="2026.11.02 ~ 2026.11.06 " * 4,
        verify_url="https://m24.example.kr/verify/" + "a" * 170,
        course_hours=999,
    )
    pdf = render_pdf(data)
    text = squashed(text_of(pdf))
    for value in (data.holder_name, data.course_title, data.provider_name, data.session_period, data.verify_url):
        assert squashed(value) in text
    assert runs_outside_frame(pdf) == []


def test_issuer_never_runs_into_the_verification_block() -> None:
    lowest: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict[str, Any] | None, size: float) -> None:
        if "뷁" in text:
            lowest.append(tm[5])

    for provider in ("뷁" * 30, "뷁" * 120, "뷁 " * 100):
        lowest.clear()
        pdf = render_pdf(make(provider_name=provider.strip(), course_title="나" * 200, holder_name="가" * 100))
        read(pdf).pages[0].extract_text(visitor_text=visit)
        assert min(lowest) > 165  # the rule above the verification block is at 150


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"holder_name": "  \n"}, "holder_name"),
        ({"course_title": ""}, "course_title"),
        ({"course_title": "가" * 201}, "course_title"),
        ({"holder_name": "가" * 101}, "holder_name"),
        ({"course_hours": 0}, "course_hours"),
        ({"attendance_pct": 101}, "attendance_pct"),
        ({"attendance_pct": -1}, "attendance_pct"),
        ({"code": CODE.lower()}, "code"),
        ({"code": "M24C-7KQ2-9XHD-4TPM-0"}, "code"),
        ({"verify_url": "javascript:alert(1)"}, "verify_url"),
        ({"verify_url": "/verify/x"}, "verify_url"),
        ({"verify_url": "https://m24.example.kr/확인"}, "verify_url"),
        ({"verify_url": "https://m24.example.kr/a b"}, "verify_url"),
    ],
)
def test_invalid_data_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(**changes)
