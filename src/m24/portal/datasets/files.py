"""Files uploaded as dataset distributions: which formats are accepted, decided from the content.

Accepted are CSV and JSON (UTF-8 text), ZIP, Parquet, PNG, JPEG and TIFF. As for funding documents
(m24.portal.funding.documents), the format comes from the content's signature and the name's
extension only has to agree with it. The check needs only the first 8 KiB (`head`), the last 8
bytes (`tail`) and the size, so an upload can be inspected while it streams to storage; nothing is
decompressed, parsed in full or executed.
"""

from __future__ import annotations

import codecs
import enum
import re
import zlib
from dataclasses import dataclass

from m24.kit.errors import ErrorCode, ValidationFailed

HEAD_BYTES = 8 * 1024
TAIL_BYTES = 8
FIELD = "files"


class DatasetFileFormat(enum.StrEnum):
    CSV = "CSV"
    JSON = "JSON"
    ZIP = "ZIP"
    PARQUET = "PARQUET"
    PNG = "PNG"
    JPEG = "JPEG"
    TIFF = "TIFF"


@dataclass(frozen=True)
class FileFormatInfo:
    media_type: str
    #: The extension given to stored/downloaded copies.
    extension: str
    #: Every extension (lower case) a file of this format may carry.
    extensions: frozenset[str]


ALLOWED: dict[DatasetFileFormat, FileFormatInfo] = {
    DatasetFileFormat.CSV: FileFormatInfo("text/csv", "csv", frozenset({"csv"})),
    DatasetFileFormat.JSON: FileFormatInfo("application/json", "json", frozenset({"json"})),
    DatasetFileFormat.ZIP: FileFormatInfo("application/zip", "zip", frozenset({"zip"})),
    DatasetFileFormat.PARQUET: FileFormatInfo("application/vnd.apache.parquet", "parquet", frozenset({"parquet"})),
    DatasetFileFormat.PNG: FileFormatInfo("image/png", "png", frozenset({"png"})),
    DatasetFileFormat.JPEG: FileFormatInfo("image/jpeg", "jpg", frozenset({"jpg", "jpeg"})),
    DatasetFileFormat.TIFF: FileFormatInfo("image/tiff", "tiff", frozenset({"tif", "tiff"})),
}
_ACCEPTED = "CSV, JSON, ZIP, Parquet, PNG, JPEG, TIFF 파일만 올릴 수 있습니다."


@dataclass(frozen=True)
class InspectedFile:
    """An accepted dataset file: its format, media type and canonical extension (no dot)."""

    format: DatasetFileFormat
    media_type: str
    extension: str


def inspect_dataset_file(filename: str, head: bytes, tail: bytes, size: int, max_bytes: int) -> InspectedFile:
    """Check an uploaded dataset file and describe it, or raise ValidationFailed with field "files".

    `head` is the first 8 KiB (or the whole file when smaller), `tail` the last 8 bytes, `size` the
    total. In order: an empty file (DATASET_FILE_TYPE_NOT_ALLOWED); more than `max_bytes`
    (DATASET_FILE_TOO_LARGE); content of none of the accepted formats
    (DATASET_FILE_TYPE_NOT_ALLOWED); a name whose extension is not one of the content's format,
    e.g. a ZIP named ".csv" or ".xlsx" (DATASET_FILE_MISMATCH). A name without an extension is
    accepted. Messages name the file (control characters removed, at most 80 characters).
    """
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if size < len(head) or size < len(tail):
        raise ValueError("size is smaller than the bytes given")
    clean_name = _clean_name(filename)
    extension = _extension(clean_name)
    name = clean_name if len(clean_name) <= _NAME_MAX else clean_name[: _NAME_MAX - 1] + "…"
    if size == 0 or not head:
        raise _rejected(ErrorCode.DATASET_FILE_TYPE_NOT_ALLOWED, name, "빈 파일은 올릴 수 없습니다.")
    if size > max_bytes:
        raise _rejected(
            ErrorCode.DATASET_FILE_TOO_LARGE,
            name,
            f"파일이 너무 큽니다. 파일 하나에 최대 {_megabytes(max_bytes)}MB까지 올릴 수 있습니다.",
        )
    candidates = detect_formats(head, tail, size)
    if not candidates:
        raise _rejected(
            ErrorCode.DATASET_FILE_TYPE_NOT_ALLOWED, name, f"파일 내용이 허용된 데이터 형식이 아닙니다. {_ACCEPTED}"
        )
    chosen = candidates[0]
    if extension is not None:
        matching = [fmt for fmt in candidates if extension in ALLOWED[fmt].extensions]
        if not matching:
            raise _rejected(
                ErrorCode.DATASET_FILE_MISMATCH,
                name,
                f"파일 확장자(.{extension})와 실제 파일 형식({chosen.value})이 다릅니다. {_ACCEPTED}",
            )
        chosen = matching[0]
    info = ALLOWED[chosen]
    return InspectedFile(format=chosen, media_type=info.media_type, extension=info.extension)


def detect_formats(head: bytes, tail: bytes, size: int) -> list[DatasetFileFormat]:
    """The accepted formats the content could be, most likely first (text may read as JSON and CSV)."""
    if head.startswith(b"PK\x03\x04"):
        return [DatasetFileFormat.ZIP]
    if head.startswith(b"PAR1"):
        return [DatasetFileFormat.PARQUET] if size >= 12 and tail.endswith(b"PAR1") else []
    if head.startswith(_PNG_SIGNATURE):
        return [DatasetFileFormat.PNG] if _is_png(head) else []
    if head.startswith(b"\xff\xd8\xff"):
        return [DatasetFileFormat.JPEG] if len(head) > 3 and 0xC0 <= head[3] <= 0xFE else []
    if head.startswith(_TIFF_SIGNATURES):
        return [DatasetFileFormat.TIFF]
    text = _utf8_text(head, complete=size <= len(head))
    if text is None:
        return []
    found: list[DatasetFileFormat] = []
    if text.lstrip()[:1] in ("{", "["):
        found.append(DatasetFileFormat.JSON)
    if _has_delimited_first_line(text):
        found.append(DatasetFileFormat.CSV)
    return found


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # classic and BigTIFF, both byte orders
_DELIMITERS = (",", "\t", ";", "|")
# Text may hold tab, newlines and form feed; other C0 controls (and DEL) mean it is not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_png(head: bytes) -> bool:
    """The signature followed by a well-formed IHDR chunk (length 13, sizes > 0, CRC right)."""
    chunk = head[8 : 8 + 4 + 4 + 13 + 4]
    if len(chunk) < 25 or chunk[:8] != b"\x00\x00\x00\x0dIHDR":
        return False
    width, height, crc = (int.from_bytes(chunk[i : i + 4], "big") for i in (8, 12, 21))
    return 0 < width < 2**31 and 0 < height < 2**31 and zlib.crc32(chunk[4:21]) == crc


def _utf8_text(head: bytes, *, complete: bool) -> str | None:
    """`head` as text (a BOM dropped), or None if it is not UTF-8 or holds control characters.

    When `head` is only the start of the file, a character cut off at its end is not an error.
    """
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        return None
    if not text.strip() or _CONTROL.search(text):
        return None
    return text


def _has_delimited_first_line(text: str) -> bool:
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    return any(delimiter in first_line for delimiter in _DELIMITERS)


def _rejected(code: ErrorCode, name: str, message: str) -> ValidationFailed:
    prefix = f"{FIELD}: {name}: " if name else f"{FIELD}: "
    return ValidationFailed(code, prefix + message, field=FIELD)


_EXTENSION = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")
_NAME_MAX = 80


def _clean_name(filename: str) -> str:
    """The last path component, without control or invisible format characters."""
    name = re.split(r"[/\\]", filename or "")[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip(" .")


def _extension(name: str) -> str | None:
    """The lower-cased extension (1-10 ASCII letters/digits with a letter), or None ("v1.2" has none)."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10 or not _EXTENSION.fullmatch(suffix):
        return None
    return suffix.lower()


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:,.0f}" if megabytes >= 10 else f"{megabytes:.3g}"
