"""Completion certificates (수료증): verification codes and the PDF itself.

**Verification codes** look like ``M24C-7KQ2-9XHD-4TPM-K``:

* ``M24C`` is a fixed prefix (the portal, "certificate");
* twelve random characters from Crockford's base32 alphabet (``0-9A-Z`` without ``I L O U``),
  drawn with :mod:`secrets` -- 60 bits, so codes cannot be guessed or enumerated;
* one check character, **Luhn mod 32** over those twelve characters (same alphabet, so the
  whole code stays typeable). It catches every single-character substitution and every
  adjacent transposition except swapping a neighbouring ``0`` and ``Z`` (the one blind spot of
  Luhn mod N: both values double to themselves modulo N-1).

The canonical form is 21 characters (fits ``enrollments.certificate_code``, ``String(24)``).
:func:`normalize_code` accepts what people actually type or paste: lower case, spaces,
missing/extra/typographic hyphens, full-width characters, Crockford look-alikes (``O``->``0``,
``I``/``L``->``1``) and a missing ``M24C`` prefix, and returns ``None`` for anything malformed or
failing the check character -- so typos are rejected before any database lookup.

**The PDF** (:func:`render_pdf`) is one A4 page drawn with reportlab's built-in Adobe-Korea1 CID
fonts (``HYSMyeongJo-Medium``), which need no font files on the server: Korean is written as
real text (``UniKS-UCS2-H`` encoding), so it is searchable and copyable. The font is not
embedded; PDF viewers substitute their own Korean font, as for any Korean PDF using these
standard CID fonts. Output is deterministic (reportlab's invariant mode) for the same data.

This is domain code: no web framework imports.
"""

from __future__ import annotations

import functools
import io
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "CODE_ALPHABET",
    "CODE_PREFIX",
    "CertificateData",
    "new_verification_code",
    "normalize_code",
    "render_pdf",
]

# --------------------------------------------------------------------------- verification codes

CODE_PREFIX = "M24C"
#: Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_CHARS = 12
_GROUP = 4
_BASE = len(CODE_ALPHABET)  # 32
_VALUE = {ch: i for i, ch in enumerate(CODE_ALPHABET)}
# Crockford look-alikes; applied after upper-casing.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Separators people type or paste (Korean word processors like to turn "-" into a dash).
_SEPARATORS = frozenset("-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\u00b7.")
_MAX_INPUT = 64


def _luhn_sum(chars: str, *, double_first: bool) -> int:
    """Luhn mod N sum, walking from the rightmost character."""
    total = 0
    double = double_first
    for ch in reversed(chars):
        addend = _VALUE[ch] * (2 if double else 1)
        total += addend // _BASE + addend % _BASE
        double = not double
    return total


def _check_char(body: str) -> str:
    """The Luhn mod 32 check character for ``body``."""
    return CODE_ALPHABET[-_luhn_sum(body, double_first=True) % _BASE]


def _format(body_and_check: str) -> str:
    body = body_and_check[:_RANDOM_CHARS]
    groups = [body[i : i + _GROUP] for i in range(0, _RANDOM_CHARS, _GROUP)]
    return "-".join([CODE_PREFIX, *groups, body_and_check[_RANDOM_CHARS:]])


def new_verification_code() -> str:
    """A fresh random code in canonical form, e.g. ``M24C-7KQ2-9XHD-4TPM-K``.

    Collisions are astronomically unlikely (60 random bits); ``enrollments.certificate_code`` is
    unique all the same, so one would fail loudly rather than alias two certificates.
    """
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(_RANDOM_CHARS))
    return _format(body + _check_char(body))


def normalize_code(text: str) -> str | None:
    """The canonical form of a typed or pasted code, or ``None`` if it is malformed or mistyped."""
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    compact = "".join(
        ch for ch in unicodedata.normalize("NFKC", text).upper() if not ch.isspace() and ch not in _SEPARATORS
    ).translate(_LOOKALIKES)
    if len(compact) == len(CODE_PREFIX) + _RANDOM_CHARS + 1 and compact.startswith(CODE_PREFIX):
        compact = compact[len(CODE_PREFIX) :]
    if len(compact) != _RANDOM_CHARS + 1 or any(ch not in _VALUE for ch in compact):
        return None
    if _luhn_sum(compact, double_first=False) % _BASE != 0:
        return None
    return _format(compact)


# --------------------------------------------------------------------------- certificate data


#: Longest printable values (the database column sizes); the layout is tested at these lengths.
_MAX_LENGTHS = {"holder_name": 100, "course_title": 200, "provider_name": 200, "session_period": 100, "verify_url": 200}


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate (already decided and looked up by the caller)."""

    holder_name: str
    course_title: str
    course_hours: int
    provider_name: str
    #: Free text, e.g. ``"2026.11.02 ~ 2026.11.06"``.
    session_period: str
    attendance_pct: int
    #: ``None`` when the course has no assessment (the line is then left out).
    assessment_passed: bool | None
    issued_on: date
    #: Canonical verification code (see :func:`new_verification_code`).
    code: str
    #: Public page where anyone can check the code; printed, linked and encoded as a QR code.
    verify_url: str

    def __post_init__(self) -> None:
        for name, max_len in _MAX_LENGTHS.items():
            value = _clean(getattr(self, name))
            if not value:
                raise ValueError(f"{name} must not be blank")
            if len(value) > max_len:
                raise ValueError(f"{name} is longer than {max_len} characters")
        if self.course_hours <= 0:
            raise ValueError("course_hours must be positive")
        if not 0 <= self.attendance_pct <= 100:
            raise ValueError("attendance_pct must be between 0 and 100")
        if normalize_code(self.code) != self.code:
            raise ValueError(f"code {self.code!r} is not a canonical verification code")
        parts = urlsplit(self.verify_url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or not self.verify_url.isascii()
            or any(ch.isspace() or not ch.isprintable() for ch in self.verify_url)
        ):
            raise ValueError("verify_url must be an absolute http(s) URL in ASCII (punycode, percent-encoding)")
        if self.assessment_passed not in (True, False, None):
            raise ValueError("assessment_passed must be True, False or None")


# --------------------------------------------------------------------------- PDF rendering

_SERIF = "HYSMyeongJo-Medium"  # Adobe-Korea1 CID font known to every PDF viewer; no font file.
# Latin text goes in standard-14 fonts: the CID font's Latin glyphs are oddly spaced (its hyphen
# is 833/1000 wide). Times pairs with Myeongjo; Courier and Helvetica for the code and the URL.
_LATIN = "Times-Roman"
_MONO = "Courier-Bold"
_SANS = "Helvetica"

_PAGE_W, _PAGE_H = A4
_LEFT = 60.0  # frame is at 28/35 pt
_MARGIN = 90.0
_LABEL_W = 92.0
_VALUE_W = _PAGE_W - 2 * _MARGIN - _LABEL_W
_TOP = _PAGE_H - 265  # first field baseline
_FLOOR = 175.0  # lowest baseline of the issuer's name; the verification block is below
_RULE_Y = 150.0
_LEADING = 1.45
_NAVY = Color(0.11, 0.20, 0.38)
_GREY = Color(0.35, 0.35, 0.35)
_BLACK = Color(0, 0, 0)


@functools.cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(_SERIF))


def _clean(text: str) -> str:
    """NFC, whitespace runs to one space, control/format characters (bidi overrides...) dropped."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).strip()


@functools.lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    """Whether the standard fonts (WinAnsi encoding) can show ``ch``."""
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _runs(text: str) -> list[tuple[str, str]]:
    """``text`` split into (segment, font) runs: Latin in Times, everything else in the CID font."""
    runs: list[list[str]] = []
    for ch in text:
        font = runs[-1][1] if ch == " " and runs else (_LATIN if _is_latin(ch) else _SERIF)
        if runs and runs[-1][1] == font:
            runs[-1][0] += ch
        else:
            runs.append([ch, font])
    return [(segment, font) for segment, font in runs]


def _width(text: str, size: float, font: str | None = None) -> float:
    """Width of ``text``; ``font=None`` means mixed Korean/Latin runs."""
    if font is not None:
        return float(pdfmetrics.stringWidth(text, font, size))
    return sum(float(pdfmetrics.stringWidth(segment, f, size)) for segment, f in _runs(text))


def _wrap(text: str, size: float, width: float, font: str | None = None) -> list[str]:
    """Greedy wrap at spaces; a word wider than the line is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if _width(candidate, size, font) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if _width(word, size, font) > width:  # break between characters (no kerning: widths add up)
            current, used = "", 0.0
            for ch in word:
                w = _width(ch, size, font)
                if current and used + w > width:
                    lines.append(current)
                    current, used = "", 0.0
                current += ch
                used += w
        else:
            current = word
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class _Block:
    """Wrapped text at one size."""

    lines: tuple[str, ...]
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * _LEADING


def _fit(text: str, width: float, size: float, min_size: float, max_lines: int, font: str | None = None) -> _Block:
    """Shrink ``size`` (down to ``min_size``) until ``text`` wraps into ``max_lines``; then just wrap."""
    while True:
        lines = _wrap(text, size, width, font)
        if len(lines) <= max_lines or size <= min_size:
            return _Block(tuple(lines), size)
        size = max(min_size, size - 0.5)


def _draw(c: Canvas, x: float, y: float, text: str, size: float, *, centered: bool = False) -> None:
    """One line of mixed Korean/Latin text."""
    if centered:
        x -= _width(text, size) / 2
    # One text object per line (font switches inside it), so viewers copy the line as one.
    line = c.beginText(x, y)
    for segment, font in _runs(text):
        line.setFont(font, size)
        line.textOut(segment)
    c.drawText(line)


def _draw_block(c: Canvas, x: float, y: float, block: _Block, *, centered: bool = False) -> None:
    for i, line in enumerate(block.lines):
        _draw(c, x, y - i * block.size * _LEADING, line, block.size, centered=centered)


def _fields(data: CertificateData) -> list[tuple[str, str]]:
    fields = [
        ("성        명", data.holder_name),
        ("교 육 과 정", data.course_title),
        ("교 육 시 간", f"{data.course_hours}시간"),
        ("교 육 기 간", data.session_period),
        ("출   석   률", f"{data.attendance_pct}%"),
    ]
    if data.assessment_passed is not None:
        fields.append(("평 가 결 과", "합격" if data.assessment_passed else "불합격"))
    fields.append(("교 육 기 관", data.provider_name))
    return [(label, _clean(value)) for label, value in fields]


_STATEMENT = ("위 사람은 위 교육과정을 성실히 이수하였으므로", "이 증서를 수여합니다.")


@dataclass(frozen=True)
class _Plan:
    """Vertical layout of the middle of the page (baselines in points from the bottom)."""

    label_size: float
    fields: tuple[tuple[str, float, _Block], ...]  # label, baseline, value
    statement: tuple[float, float]  # baseline, size
    issued: tuple[float, float]
    issuer: tuple[float, _Block]

    @property
    def lowest(self) -> float:
        y, block = self.issuer
        return y - (len(block.lines) - 1) * block.size * _LEADING


def _plan(data: CertificateData, text_scale: float, gap_scale: float) -> _Plan:
    t, g = text_scale, gap_scale
    label_size = 13 * t
    y = _TOP
    fields = []
    for label, value in _fields(data):
        block = _fit(value, _VALUE_W, 13 * t, 9 * t, 2)
        fields.append((label, y, block))
        y -= block.height + 12 * g
    statement_size = 14 * t
    statement_y = y - 40 * g
    issued_y = statement_y - 2 * statement_size * _LEADING - 30 * g
    issuer = _fit(_clean(data.provider_name), _PAGE_W - 2 * _MARGIN, 20 * t, 12 * t, 2)
    issuer_y = issued_y - statement_size * _LEADING - 45 * g
    return _Plan(
        label_size, tuple(fields), (statement_y, statement_size), (issued_y, statement_size), (issuer_y, issuer)
    )


def _layout(data: CertificateData) -> _Plan:
    """The roomiest plan that keeps the issuer above the verification block: gaps give way first, then text."""
    candidates = [(1.0, g / 10) for g in range(10, 3, -1)] + [(t / 20, 0.4) for t in range(19, 9, -1)]
    for text_scale, gap_scale in candidates:
        plan = _plan(data, text_scale, gap_scale)
        if plan.lowest >= _FLOOR:
            return plan
    return plan


def _draw_qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def _draw_verification(c: Canvas, data: CertificateData) -> None:
    """Bottom block: code, URL (clickable), explanation and a QR code of the URL."""
    qr_size = 80.0
    right = _PAGE_W - _LEFT
    value_x = _LEFT + 50
    c.setStrokeColor(_GREY)
    c.setLineWidth(0.4)
    c.line(_LEFT, _RULE_Y, right, _RULE_Y)
    c.setFillColor(_GREY)
    _draw(c, _LEFT, 128, "확인번호", 9)
    c.setFillColor(_BLACK)
    c.setFont(_MONO, 12)
    c.drawString(value_x, 128, data.code)
    c.setFillColor(_GREY)
    _draw(c, _LEFT, 110, "확인주소", 9)
    url_w = right - qr_size - 12 - value_x
    url = _fit(data.verify_url, url_w, 9, 7, 2, font=_SANS)
    c.setFont(_SANS, url.size)
    for i, line in enumerate(url.lines):
        c.drawString(value_x, 110 - i * url.size * _LEADING, line)
    bottom = 110 - url.height
    c.linkURL(data.verify_url, (value_x, bottom + url.size, value_x + url_w, 110 + url.size), relative=0)
    _draw(c, _LEFT, min(bottom, 110 - 9 * _LEADING) - 6, "이 수료증의 진위는 위 주소에서 확인할 수 있습니다.", 9)
    _draw_qr(c, data.verify_url, right - qr_size, _RULE_Y - qr_size - 6, qr_size)


def render_pdf(data: CertificateData) -> bytes:
    """One A4 page certificate as PDF bytes; identical bytes for identical ``data``."""
    _register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(f"수료증 {data.code}")
    c.setSubject(_clean(data.course_title))
    c.setAuthor(_clean(data.provider_name))
    c.setCreator("m24")

    c.setStrokeColor(_NAVY)
    c.setLineWidth(2.2)
    c.rect(28, 28, _PAGE_W - 56, _PAGE_H - 56)
    c.setLineWidth(0.6)
    c.rect(35, 35, _PAGE_W - 70, _PAGE_H - 70)

    # Certificate number, top left, as on paper certificates ("제 ... 호").
    c.setFillColor(_GREY)
    _draw(c, _LEFT, _PAGE_H - 72, "제", 10)
    c.setFont(_MONO, 10)
    c.drawString(_LEFT + 14, _PAGE_H - 72, data.code)
    _draw(c, _LEFT + 18 + _width(data.code, 10, _MONO), _PAGE_H - 72, "호", 10)

    c.setFillColor(_NAVY)
    _draw(c, _PAGE_W / 2, _PAGE_H - 170, "수 료 증", 40, centered=True)

    plan = _layout(data)
    c.setFillColor(_BLACK)
    for label, y, block in plan.fields:
        _draw(c, _MARGIN, y, label, plan.label_size)
        _draw_block(c, _MARGIN + _LABEL_W, y, block)
    y, size = plan.statement
    _draw_block(c, _PAGE_W / 2, y, _Block(_STATEMENT, size), centered=True)
    y, size = plan.issued
    issued = data.issued_on
    _draw(c, _PAGE_W / 2, y, f"{issued.year}년 {issued.month}월 {issued.day}일", size, centered=True)
    y, block = plan.issuer
    _draw_block(c, _PAGE_W / 2, y, block, centered=True)

    _draw_verification(c, data)
    c.showPage()
    c.save()
    return buffer.getvalue()
