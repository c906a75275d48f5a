"""Attached documents: the kind comes from the content, forged files are refused, storage is private."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import stat
import struct
import unicodedata
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest

from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.funding.documents import (
    DocumentKind,
    DocumentRejected,
    DocumentStore,
    detect_kind,
    inspect_document,
    safe_display_name,
)

# --- genuine minimal files -------------------------------------------------------------------------

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


def _dir_entry(
    name: str,
    kind: int,
    *,
    left: int = NOSTREAM,
    right: int = NOSTREAM,
    child: int = NOSTREAM,
    start: int = ENDOFCHAIN,
    size: int = 0,
) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    entry = struct.pack("<64sHBBIII", encoded, len(encoded), kind, 1, left, right, child)
    entry += b"\x00" * 16 + struct.pack("<IQQ", 0, 0, 0) + struct.pack("<IQ", start, size)
    assert len(entry) == 128
    return entry


def build_cfb(streams: dict[str, bytes], *, major: int = 3) -> bytes:
    """A compound file ([MS-CFB]) with `streams` directly under the root.

    Streams under 4096 bytes go to the mini stream (64-byte mini sectors, mini FAT), the others to
    regular sectors; siblings are chained through their right links in the spec's name order.
    """
    sector_size = 512 if major == 3 else 4096
    per_sector = sector_size // 4
    names = sorted(streams, key=lambda n: (len(n), n.upper()))

    mini_stream = b""
    mini_fat: list[int] = []
    mini_starts: dict[str, int] = {}
    big: list[str] = []
    for name in names:
        data = streams[name]
        if len(data) >= 4096:
            big.append(name)
            continue
        count = (len(data) + 63) // 64
        first = len(mini_fat)
        mini_starts[name] = first if count else ENDOFCHAIN
        mini_fat.extend([*range(first + 1, first + count), ENDOFCHAIN][:count])
        mini_stream += data.ljust(count * 64, b"\x00")

    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        count = max(1, (len(data) + sector_size - 1) // sector_size)
        first = len(sectors)
        for i in range(count):
            sectors.append(data[i * sector_size : (i + 1) * sector_size].ljust(sector_size, b"\x00"))
            fat.append(first + i + 1 if i < count - 1 else ENDOFCHAIN)
        return first

    entries = [b""]  # the root, filled in below
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NOSTREAM
        if name in big:
            start = allocate(streams[name])
            entries.append(_dir_entry(name, 2, right=right, start=start, size=len(streams[name])))
        else:
            entries.append(_dir_entry(name, 2, right=right, start=mini_starts[name], size=len(streams[name])))
    mini_fat_first = allocate(b"".join(struct.pack("<I", v) for v in mini_fat)) if mini_fat else ENDOFCHAIN
    mini_fat_count = (len(mini_fat) * 4 + sector_size - 1) // sector_size
    mini_first = allocate(mini_stream) if mini_stream else ENDOFCHAIN
    entries[0] = _dir_entry("Root Entry", 5, child=1 if names else NOSTREAM, start=mini_first, size=len(mini_stream))
    directory = b"".join(entries)
    while len(directory) % sector_size:
        directory += _dir_entry("", 0)
    directory_first = allocate(directory)

    fat_count = 1
    while len(sectors) + fat_count > fat_count * per_sector:
        fat_count += 1
    fat_first = len(sectors)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREESECT] * (fat_count * per_sector - len(fat)))
    for i in range(fat_count):
        sectors.append(b"".join(struct.pack("<I", v) for v in fat[i * per_sector : (i + 1) * per_sector]))

    difat = [fat_first + i for i in range(fat_count)] + [FREESECT] * (109 - fat_count)
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, major, 0xFFFE, 9 if major == 3 else 12, 6) + b"\x00" * 6
    header += struct.pack(
        "<IIIIIIIII",
        len(directory) // sector_size if major == 4 else 0,
        fat_count,
        directory_first,
        0,
        4096,
        mini_fat_first,
        mini_fat_count,
        ENDOFCHAIN,
        0,
    )
    header += struct.pack("<109I", *difat)
    assert len(header) == 512
    return header.ljust(sector_size, b"\x00") + b"".join(sectors)


def hwp_file_header() -> bytes:
    # 32-byte signature, version 5.1.0.1, properties (none), then reserved bytes: 256 in all.
    return (b"HWP Document File".ljust(32, b"\x00") + struct.pack("<II", 0x05010001, 0)).ljust(256, b"\x00")


def make_hwp(*, major: int = 3) -> bytes:
    return build_cfb(
        {
            "FileHeader": hwp_file_header(),
            "DocInfo": zlib.compress(b"doc info records" * 20),
            "PrvText": "사업계획서 미리보기".encode("utf-16-le"),
            "PrvImage": random.Random(1).randbytes(6000),  # 4096 bytes or more: in regular sectors
        },
        major=major,
    )


def make_doc() -> bytes:
    """A Word 97-2003 file's outline: the same container, but WordDocument instead of FileHeader."""
    return build_cfb(
        {
            "WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 508,
            "1Table": b"\x00" * 300,
            "\x05SummaryInformation": b"\xfe\xff" + b"\x00" * 200,
        }
    )


def make_hwpx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("version.xml", '<?xml version="1.0"?><hv:HCFVersion/>', compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("Contents/content.hpf", "<opf:package/>", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("Contents/section0.xml", "<hs:sec>사업계획</hs:sec>", compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def make_pdf(version: str = "1.4", *, padding: int = 0) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1") + b"%" * padding + (b"\n" if padding else b"")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int = 1, height: int = 1) -> bytes:
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    """SOI, JFIF APP0, a quantization table, a 1x1 baseline frame, a Huffman table, a scan, EOI."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xDB, b"\x00" + bytes([1] * 64))
        + segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
        + segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x00\x00"
        + b"\xff\xd9"
    )


HWP = make_hwp()
HWPX = make_hwpx()
PDF = make_pdf()
PNG = _png()
JPEG = make_jpeg()


# --- accepted ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "kind", "content_type"),
    [
        ("사업계획서.hwp", HWP, DocumentKind.HWP, "application/x-hwp"),
        ("사업계획서.hwpx", HWPX, DocumentKind.HWPX, "application/hwp+zip"),
        ("재무제표.pdf", PDF, DocumentKind.PDF, "application/pdf"),
        ("공장사진.png", PNG, DocumentKind.PNG, "image/png"),
        ("공장사진.jpg", JPEG, DocumentKind.JPEG, "image/jpeg"),
        ("SCAN.JPEG", JPEG, DocumentKind.JPEG, "image/jpeg"),
        ("Report.PDF", make_pdf("2.0"), DocumentKind.PDF, "application/pdf"),
        ("v4.hwp", make_hwp(major=4), DocumentKind.HWP, "application/x-hwp"),
    ],
)
def test_genuine_documents_are_accepted(filename: str, content: bytes, kind: DocumentKind, content_type: str) -> None:
    inspected = inspect_document(filename, content)
    assert inspected.kind is kind
    assert inspected.content_type == content_type
    assert inspected.size == len(content)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()
    assert inspected.safe_name == filename


def test_the_builders_produce_what_they_claim() -> None:
    # The CFB builder's output is one 512-byte header plus whole sectors; the zip opens; PNG decodes.
    assert len(HWP) % 512 == 0
    assert zipfile.ZipFile(io.BytesIO(HWPX)).read("mimetype") == b"application/hwp+zip"
    assert zipfile.ZipFile(io.BytesIO(HWPX)).infolist()[0].compress_type == zipfile.ZIP_STORED
    assert zlib.decompress(PNG[8 + 25 + 8 : -12 - 4]) == b"\x00\xff\x00\x00"
    assert PDF.startswith(b"%PDF-1.4\n") and PDF.endswith(b"%%EOF\n")


def test_kind_comes_from_content_when_the_name_has_no_extension() -> None:
    assert inspect_document("사업계획서", HWP).kind is DocumentKind.HWP
    assert inspect_document("scan", PNG).kind is DocumentKind.PNG
    # Dots in a name do not make an extension unless the part after the last one is a word.
    assert inspect_document("사업계획서 v1.2", PDF).kind is DocumentKind.PDF
    assert inspect_document("2024.03.15 회의록", PDF).safe_name == "2024.03.15 회의록"


def test_pdf_leniency_and_jpeg_trailer() -> None:
    assert detect_kind(b"\xef\xbb\xbf" + PDF) is DocumentKind.PDF  # junk before the header
    assert detect_kind(b"x" * 1000 + PDF) is DocumentKind.PDF
    assert detect_kind(PDF + b"\n" * 500) is DocumentKind.PDF  # trailing whitespace after %%EOF
    assert detect_kind(JPEG + b"SEFT trailer data") is DocumentKind.JPEG
    assert detect_kind(make_pdf(padding=5000)) is DocumentKind.PDF


def test_a_small_stream_and_a_large_file_header_are_both_found() -> None:
    large_header = (b"HWP Document File" + b"\x00" * 15).ljust(5000, b"\x00")
    assert detect_kind(build_cfb({"FileHeader": large_header})) is DocumentKind.HWP
    assert detect_kind(build_cfb({"A": b"1", "BB": b"2" * 70, "FileHeader": hwp_file_header()})) is DocumentKind.HWP


# --- refused -----------------------------------------------------------------------------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("invoice.pdf", EXE),
        ("invoice.pdf", ELF),
        ("사업계획서.hwp", HTML),
        ("사업계획서.hwp", b"#!/bin/sh\nrm -rf /\n"),
        ("사업계획서.hwp", make_doc()),
        ("사업계획서", make_doc()),
        ("사업계획서.hwpx", _zip({"word/document.xml": b"<w:document/>"})),
        ("사업계획서.hwpx", _zip({"mimetype": b"application/hwp+zip"}, zipfile.ZIP_DEFLATED)),
        ("book.hwpx", _zip({"mimetype": b"application/epub+zip"}, zipfile.ZIP_STORED)),
        ("사업계획서.hwpx", _zip({"a.txt": b"x", "mimetype": b"application/hwp+zip"}, zipfile.ZIP_STORED)),
        ("page.pdf", b"<html><body>%PDF-1.4 " + PDF),
        ("cut.pdf", PDF[:-7] + b"x" * 2000),
        ("cut.pdf", b"%PDF-1.7\n" + b"x" * 100),
        ("late.pdf", b"x" * 1030 + PDF),
        ("bad.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        ("bad.png", PNG[:29] + b"\x00\x00\x00\x00" + PNG[33:]),  # IHDR CRC wrong
        ("cut.jpg", JPEG[:-2]),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("scan.tiff", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 20),
        ("x", b"\x00"),
    ],
)
def test_forged_or_unknown_content_is_not_allowed(filename: str, content: bytes) -> None:
    if filename.endswith((".gif", ".tiff")):
        # GIF and TIFF are refused already for their extension; without one, for their content.
        with pytest.raises(DocumentRejected) as by_name:
            inspect_document(filename, content)
        assert by_name.value.code is ErrorCode.DOCUMENT_CONTENT_MISMATCH
        filename = filename.rsplit(".", 1)[0]
    with pytest.raises(DocumentRejected) as info:
        inspect_document(filename, content)
    assert info.value.code is ErrorCode.DOCUMENT_TYPE_NOT_ALLOWED
    assert info.value.field == "file"
    assert (
        info.value.message
        == "file: 파일 내용이 허용된 문서 형식이 아닙니다. HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다."
    )
    assert info.value.status_code == 422
    assert isinstance(info.value, ValidationFailed)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("report.pdf", PNG, "file: 파일 확장자(.pdf)와 실제 파일 형식(PNG)이 다릅니다."),
        ("사업계획서.hwp", HWPX, "file: 파일 확장자(.hwp)와 실제 파일 형식(HWPX)이 다릅니다."),
        ("사업계획서.hwpx", HWP, "file: 파일 확장자(.hwpx)와 실제 파일 형식(HWP)이 다릅니다."),
        ("photo.png", JPEG, "file: 파일 확장자(.png)와 실제 파일 형식(JPEG)이 다릅니다."),
        (
            "setup.exe",
            PDF,
            "file: 허용되지 않는 파일 확장자입니다(.exe). HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다.",
        ),
        (
            "setup.exe",
            EXE,
            "file: 허용되지 않는 파일 확장자입니다(.exe). HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다.",
        ),
        (
            "report.pdf.exe",
            PDF,
            "file: 허용되지 않는 파일 확장자입니다(.exe). HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다.",
        ),
        (
            "report.exe.",
            PDF,
            "file: 허용되지 않는 파일 확장자입니다(.exe). HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다.",
        ),
        (
            "invoice\u202egpj.exe",
            JPEG,
            "file: 허용되지 않는 파일 확장자입니다(.exe). HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다.",
        ),
        (
            "계획서.doc",
            make_doc(),
            "file: 허용되지 않는 파일 확장자입니다(.doc). HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다.",
        ),
    ],
)
def test_an_extension_contradicting_the_content_is_a_mismatch(filename: str, content: bytes, message: str) -> None:
    with pytest.raises(DocumentRejected) as info:
        inspect_document(filename, content)
    assert info.value.code is ErrorCode.DOCUMENT_CONTENT_MISMATCH
    assert info.value.field == "file"
    assert info.value.message == message


def test_empty_and_oversize_files() -> None:
    with pytest.raises(DocumentRejected) as empty:
        inspect_document("빈파일.pdf", b"")
    assert empty.value.code is ErrorCode.DOCUMENT_EMPTY
    assert empty.value.message == "file: 빈 파일은 첨부할 수 없습니다."

    with pytest.raises(DocumentRejected) as large:
        inspect_document("큰파일.pdf", PDF + b"\0" * (20 * 1024 * 1024 - len(PDF) + 1))
    assert large.value.code is ErrorCode.DOCUMENT_TOO_LARGE
    assert large.value.message == "file: 파일이 너무 큽니다. 최대 20MB까지 첨부할 수 있습니다."

    with pytest.raises(DocumentRejected) as limited:
        inspect_document("x.pdf", b"\0" * (1024 * 1024 + 1), max_bytes=1024 * 1024)
    assert limited.value.message == "file: 파일이 너무 큽니다. 최대 1MB까지 첨부할 수 있습니다."

    exactly = next(pdf for p in range(3500, 4096) if len(pdf := make_pdf(padding=p)) == 4096)
    assert len(exactly) == 4096
    assert inspect_document("x.pdf", exactly, max_bytes=4096).size == 4096
    with pytest.raises(DocumentRejected) as over:
        inspect_document("x.pdf", exactly, max_bytes=4095)
    assert over.value.code is ErrorCode.DOCUMENT_TOO_LARGE
    with pytest.raises(ValueError, match="max_bytes"):
        inspect_document("x.pdf", PDF, max_bytes=0)


def test_malformed_compound_files_are_refused_without_crashing() -> None:
    truncated = HWP[:1024]
    assert detect_kind(truncated) is None
    assert detect_kind(HWP[:512]) is None

    # The directory's FAT entry points to itself: its chain loops.
    fat_sector, directory_sector = struct.unpack_from("<I", HWP, 0x4C)[0], struct.unpack_from("<I", HWP, 0x30)[0]
    looped = bytearray(HWP)
    struct.pack_into("<I", looped, (fat_sector + 1) * 512 + 4 * directory_sector, directory_sector)
    assert detect_kind(bytes(looped)) is None

    # A directory whose entry is its own right sibling.
    cyclic = bytearray(build_cfb({"A": b"1", "B": b"2"}))
    entry = (struct.unpack_from("<I", cyclic, 0x30)[0] + 1) * 512 + 128
    struct.pack_into("<I", cyclic, entry + 72, 1)
    assert detect_kind(bytes(cyclic)) is None

    rng = random.Random(20240515)
    for _ in range(300):
        mutated = bytearray(HWP)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(8, len(mutated))
            mutated[position] = rng.randrange(256)
        assert detect_kind(bytes(mutated)) in (DocumentKind.HWP, None)


def test_corrupt_zips_are_refused_without_crashing() -> None:
    rng = random.Random(7)
    for _ in range(300):
        mutated = bytearray(HWPX)
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(4, len(mutated))
            mutated[position] = rng.randrange(256)
        assert detect_kind(bytes(mutated)) in (DocumentKind.HWPX, None)
    assert detect_kind(HWPX[:60]) is None  # local header fine, no central directory


# --- display names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system.ini", "system.ini"),
        ("C:\\Users\\홍길동\\Desktop\\사업계획서.hwp", "사업계획서.hwp"),
        ("a\x00b\x1fc\x7f\n\r\t.pdf", "abc.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("계획: 최종?.hwp", "계획_ 최종_.hwp"),
        ("  report.pdf. . ", "report.pdf"),
        ("..", ""),
        ("uploads/", ""),
        (unicodedata.normalize("NFD", "사업계획서.hwp"), "사업계획서.hwp"),
    ],
)
def test_safe_display_name(filename: str, expected: str) -> None:
    assert safe_display_name(filename) == expected


def test_safe_name_is_nfc_and_at_most_120_characters_keeping_the_extension() -> None:
    decomposed = unicodedata.normalize("NFD", "한글파일.pdf")
    assert len(decomposed) > len("한글파일.pdf")
    assert inspect_document(decomposed, PDF).safe_name == "한글파일.pdf"

    long_name = "가" * 300 + ".hwpx"
    safe = safe_display_name(long_name)
    assert safe == "가" * 115 + ".hwpx"
    assert len(safe) == 120
    assert safe_display_name("a" * 200) == "a" * 120


def test_a_name_with_nothing_left_gets_a_generic_one() -> None:
    assert inspect_document("../", PDF).safe_name == "첨부문서.pdf"
    assert inspect_document("\x00\x01", JPEG).safe_name == "첨부문서.jpg"
    assert inspect_document("", HWP).safe_name == "첨부문서.hwp"


# --- storage ----------------------------------------------------------------------------------------

KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}")


def test_put_and_open_roundtrip(tmp_path: Path) -> None:
    root = tmp_path / "data" / "documents"
    store = DocumentStore(root)
    key = store.put(HWP)
    assert KEY.fullmatch(key)
    assert key[:2] == key[3:5]
    assert store.open_bytes(key) == HWP
    path = root / key
    assert path.read_bytes() == HWP
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == [key[3:]]  # no temporary file left

    other = store.put(PDF)
    assert other != key
    assert store.open_bytes(other) == PDF
    assert store.open_bytes(key) == HWP


def test_put_is_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        key = DocumentStore(tmp_path / "docs").put(PNG)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "docs" / key).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "docs" / key[:2]).stat().st_mode) == 0o700


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = DocumentStore(tmp_path)

    def refuse(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        store.put(PDF)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_delete_is_idempotent(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    key = store.put(JPEG)
    store.delete(key)
    store.delete(key)
    assert not (tmp_path / key).exists()
    with pytest.raises(FileNotFoundError):
        store.open_bytes(key)


@pytest.mark.parametrize(
    "key",
    [
        "../secret",
        "/etc/passwd",
        "ab/../../etc/passwd",
        "ab/ab",
        "AB/AB" + "0" * 30,
        "cd/ab" + "0" * 30,
        "ab/ab" + "0" * 30 + "\n",
        "ab\\ab" + "0" * 30,
        "ab/ab" + "0" * 30 + "/x",
        "",
    ],
)
def test_keys_not_of_the_generated_form_are_refused(tmp_path: Path, key: str) -> None:
    store = DocumentStore(tmp_path / "documents")
    with pytest.raises(ValueError, match="not a document storage key"):
        store.open_bytes(key)
    with pytest.raises(ValueError, match="not a document storage key"):
        store.delete(key)


def test_a_symlinked_shard_cannot_lead_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    name = "ab" + uuid.uuid4().hex[2:]
    (outside / name).write_bytes(b"secret")
    root = tmp_path / "documents"
    root.mkdir()
    (root / "ab").symlink_to(outside, target_is_directory=True)
    store = DocumentStore(root)
    with pytest.raises(ValueError, match="outside the store"):
        store.open_bytes(f"ab/{name}")
    with pytest.raises(ValueError, match="outside the store"):
        store.delete(f"ab/{name}")
    assert (outside / name).read_bytes() == b"secret"
