"""Documents attached to funding applications: what is accepted, and where the bytes are kept.

Accepted are HWP (HWP 5 binary), HWPX, PDF, PNG and JPEG. The kind is decided from the content's
signature, never from the file name; the name's extension only has to agree with it. Nothing here
renders, decompresses or executes a document: the checks read headers and a few directory entries,
each bounded by the size of the content.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
import struct
import unicodedata
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path

from m24.kit.errors import ErrorCode, ValidationFailed

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SAFE_NAME_MAX_CHARS = 120
FIELD = "file"


class DocumentKind(enum.StrEnum):
    """An accepted kind of document, as its content shows it."""

    HWP = "hwp"
    HWPX = "hwpx"
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"


CONTENT_TYPES: dict[DocumentKind, str] = {
    DocumentKind.HWP: "application/x-hwp",
    DocumentKind.HWPX: "application/hwp+zip",
    DocumentKind.PDF: "application/pdf",
    DocumentKind.PNG: "image/png",
    DocumentKind.JPEG: "image/jpeg",
}

# The extension families: each accepted extension (lower case) and the kind the content must then be.
_EXTENSIONS: dict[str, DocumentKind] = {
    "hwp": DocumentKind.HWP,
    "hwpx": DocumentKind.HWPX,
    "pdf": DocumentKind.PDF,
    "png": DocumentKind.PNG,
    "jpg": DocumentKind.JPEG,
    "jpeg": DocumentKind.JPEG,
}
_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.HWP: "HWP",
    DocumentKind.HWPX: "HWPX",
    DocumentKind.PDF: "PDF",
    DocumentKind.PNG: "PNG",
    DocumentKind.JPEG: "JPEG",
}
_ACCEPTED = "HWP, HWPX, PDF, PNG, JPEG 파일만 첨부할 수 있습니다."


class DocumentRejected(ValidationFailed):
    """The uploaded file is not accepted; `code` is one of the DOCUMENT_* codes, the field is "file"."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(code, f"{FIELD}: {message}", field=FIELD)


@dataclass(frozen=True)
class InspectedDocument:
    """An accepted upload: its kind and media type, size in bytes, SHA-256 (hex) and display name."""

    kind: DocumentKind
    content_type: str
    size: int
    sha256: str
    safe_name: str


def inspect_document(filename: str, content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> InspectedDocument:
    """Check an upload and describe it, or raise DocumentRejected.

    In order: empty content (DOCUMENT_EMPTY); more than `max_bytes` (DOCUMENT_TOO_LARGE); a name
    whose extension is not one of .hwp/.hwpx/.pdf/.png/.jpg/.jpeg, e.g. ".exe", whatever the
    content (DOCUMENT_CONTENT_MISMATCH); content that is none of the accepted kinds
    (DOCUMENT_TYPE_NOT_ALLOWED); an extension of another kind than the content's
    (DOCUMENT_CONTENT_MISMATCH). A name without an extension is accepted. `safe_name` is
    `safe_display_name(filename)`, or "첨부문서.<ext>" when nothing of the name is left.
    """
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if not content:
        raise DocumentRejected(ErrorCode.DOCUMENT_EMPTY, "빈 파일은 첨부할 수 없습니다.")
    if len(content) > max_bytes:
        raise DocumentRejected(
            ErrorCode.DOCUMENT_TOO_LARGE,
            f"파일이 너무 큽니다. 최대 {_megabytes(max_bytes)}MB까지 첨부할 수 있습니다.",
        )
    safe_name = safe_display_name(filename)
    extension = _extension(safe_name)
    if extension is not None and extension not in _EXTENSIONS:
        raise DocumentRejected(
            ErrorCode.DOCUMENT_CONTENT_MISMATCH, f"허용되지 않는 파일 확장자입니다(.{extension}). {_ACCEPTED}"
        )
    kind = detect_kind(content)
    if kind is None:
        raise DocumentRejected(
            ErrorCode.DOCUMENT_TYPE_NOT_ALLOWED, f"파일 내용이 허용된 문서 형식이 아닙니다. {_ACCEPTED}"
        )
    if extension is not None and _EXTENSIONS[extension] is not kind:
        raise DocumentRejected(
            ErrorCode.DOCUMENT_CONTENT_MISMATCH,
            f"파일 확장자(.{extension})와 실제 파일 형식({_KIND_LABELS[kind]})이 다릅니다.",
        )
    if not safe_name:
        safe_name = f"첨부문서.{kind.value if kind is not DocumentKind.JPEG else 'jpg'}"
    return InspectedDocument(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        safe_name=safe_name,
    )


def detect_kind(content: bytes) -> DocumentKind | None:
    """The accepted kind the content's signature and structure show, or None for anything else."""
    if content.startswith(_CFB_SIGNATURE):
        return DocumentKind.HWP if _is_hwp(content) else None
    if content.startswith(b"PK\x03\x04"):
        return DocumentKind.HWPX if _is_hwpx(content) else None
    if content.startswith(_PNG_SIGNATURE):
        return DocumentKind.PNG if _is_png(content) else None
    if content.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPEG if _is_jpeg(content) else None
    if _is_pdf(content):
        return DocumentKind.PDF
    return None


# Characters Windows refuses in file names; replaced so that a downloaded copy can be saved as is.
_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))
# Control, format (e.g. the right-to-left override used to disguise "gpj.exe"), separator and surrogate.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_EXTENSION = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")


def safe_display_name(filename: str) -> str:
    """The name to show for an upload: never a path, and never used to store anything.

    NFC-normalized (so a macOS NFD name shows composed Hangul); only the part after the last "/" or
    "\\"; control and invisible format characters removed; Windows-reserved characters replaced by
    "_"; surrounding spaces and dots stripped; at most 120 characters, keeping the extension. May be
    empty when nothing usable is left.
    """
    name = unicodedata.normalize("NFC", filename)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    name = name.translate(_RESERVED).strip(" .")
    if len(name) <= SAFE_NAME_MAX_CHARS:
        return name
    extension = _extension(name)
    if extension is None:
        return name[:SAFE_NAME_MAX_CHARS].rstrip(" .")
    stem = name[: -(len(extension) + 1)]
    return f"{stem[: SAFE_NAME_MAX_CHARS - len(extension) - 1].rstrip(' .')}.{extension}"


def _extension(name: str) -> str | None:
    """The lower-cased extension: 1-10 ASCII letters/digits with a letter after the last dot, else None.

    "v1.2" or "2024.03.15 계획서" have no extension; they are names with dots.
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10 or not _EXTENSION.fullmatch(suffix):
        return None
    return suffix.lower()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}"


# --- PDF, PNG, JPEG ------------------------------------------------------------------------------

_PDF_HEADER = re.compile(rb"%PDF-[12]\.")
_PDF_HEADER_WINDOW = 1024
_PDF_EOF_WINDOW = 1024


def _is_pdf(content: bytes) -> bool:
    """A "%PDF-1." or "%PDF-2." header within the first 1024 bytes and "%%EOF" in the last 1024.

    Readers tolerate junk before the header (mail gateways, BOMs); junk containing "<" is refused so
    that an HTML page carrying a PDF header is not taken for a PDF.
    """
    header = _PDF_HEADER.search(content, 0, _PDF_HEADER_WINDOW + len(b"%PDF-1."))
    if header is None or header.start() >= _PDF_HEADER_WINDOW or b"<" in content[: header.start()]:
        return False
    return content.find(b"%%EOF", max(header.end(), len(content) - _PDF_EOF_WINDOW)) != -1


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _is_png(content: bytes) -> bool:
    """The PNG signature followed by a well-formed IHDR chunk (length 13, sizes > 0, CRC right)."""
    chunk = content[8 : 8 + 4 + 4 + 13 + 4]
    if len(chunk) < 25 or chunk[:8] != b"\x00\x00\x00\x0dIHDR":
        return False
    width, height, crc = (int.from_bytes(chunk[i : i + 4], "big") for i in (8, 12, 21))
    return 0 < width < 2**31 and 0 < height < 2**31 and zlib.crc32(chunk[4:21]) == crc


def _is_jpeg(content: bytes) -> bool:
    """SOI (FF D8 FF) at the start and an EOI (FF D9) after it; bytes after the EOI are allowed."""
    return content.find(b"\xff\xd9", 3) != -1


# --- HWPX -----------------------------------------------------------------------------------------

_HWPX_MIMETYPE = b"application/hwp+zip"
_ZIP_STORED = 0


def _is_hwpx(content: bytes) -> bool:
    """A ZIP whose first entry, at offset 0, is "mimetype", stored, containing "application/hwp+zip".

    Reads the first local header, the end-of-central-directory record and the first central
    directory entry (which must describe that same local header); nothing is decompressed.
    """
    if len(content) < 30:
        return False
    flags, method, _time, _date, _crc, compressed, size, name_length, extra_length = struct.unpack_from(
        "<HHHHIIIHH", content, 6
    )
    start = 30 + name_length + extra_length
    if content[30 : 30 + name_length] != b"mimetype" or method != _ZIP_STORED:
        return False
    sizes_known = compressed == size == len(_HWPX_MIMETYPE)
    sizes_deferred = bool(flags & 0x08) and compressed == size == 0
    if not (sizes_known or sizes_deferred) or content[start : start + len(_HWPX_MIMETYPE)] != _HWPX_MIMETYPE:
        return False
    # The end-of-central-directory record: 22 bytes, then a comment of at most 65535 bytes.
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 22 - 0xFFFF))
    if end == -1 or end + 22 > len(content):
        return False
    entries, directory_size, directory_offset = struct.unpack_from("<HII", content, end + 10)
    first = directory_offset
    if entries == 0 or directory_size < 46 or first + 46 > end or first + directory_size > end:
        return False
    signature, method, name_length, local_offset = struct.unpack_from("<4s6xH16xH12xI", content, first)
    name = content[first + 46 : first + 46 + name_length]
    return signature == b"PK\x01\x02" and method == _ZIP_STORED and name == b"mimetype" and local_offset == 0


# --- HWP 5 (an OLE2 compound file) ---------------------------------------------------------------

_CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_HWP_SIGNATURE = b"HWP Document File"
_ENDOFCHAIN = 0xFFFFFFFE
_MAXREGSECT = 0xFFFFFFFA
_NOSTREAM = 0xFFFFFFFF
_DIRECTORY_ENTRY = 128
_STORAGE, _STREAM, _ROOT = 1, 2, 5


class _Malformed(Exception):
    pass


def _is_hwp(content: bytes) -> bool:
    """A compound file whose root holds a "FileHeader" stream starting with "HWP Document File"."""
    try:
        return _CompoundFile(content).root_stream_prefix("FileHeader", len(_HWP_SIGNATURE)) == _HWP_SIGNATURE
    except (_Malformed, struct.error):
        return False


class _CompoundFile:
    """Just enough of [MS-CFB] to read the first bytes of a stream named at the root.

    Every walk (DIFAT, FAT chains, the directory tree) is bounded by the number of sectors or
    entries the content can hold, and a chain or tree that loops is malformed.
    """

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise _Malformed("shorter than a header")
        self.data = data
        major, byte_order, sector_shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
        if byte_order != 0xFFFE or (major, sector_shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
            raise _Malformed("unsupported header")
        self.major = major
        self.sector_size = 1 << sector_shift
        self.mini_sector_size = 1 << mini_shift
        (
            fat_sectors,
            self.first_directory,
            _transaction,
            self.mini_cutoff,
            self.first_mini_fat,
            _mini_fat_sectors,
            first_difat,
            difat_sectors,
        ) = struct.unpack_from("<IIIIIIII", data, 0x2C)
        if self.mini_cutoff != 4096:
            raise _Malformed("unsupported mini stream cutoff")
        self.sector_count = max(0, (len(data) - self.sector_size + self.sector_size - 1) // self.sector_size)
        if fat_sectors > self.sector_count or difat_sectors > self.sector_count:
            raise _Malformed("more FAT sectors than the file holds")
        self.fat = self._read_fat(fat_sectors, first_difat)
        self.directory = self._read_chain(self.first_directory)

    def _sector(self, number: int) -> bytes:
        if number >= self.sector_count:
            raise _Malformed("sector beyond the end")
        start = (number + 1) * self.sector_size
        return self.data[start : start + self.sector_size]

    def _read_fat(self, fat_sectors: int, first_difat: int) -> list[int]:
        locations = list(struct.unpack_from("<109I", self.data, 0x4C))
        per_difat = self.sector_size // 4 - 1
        seen: set[int] = set()
        current = first_difat
        while len(locations) < fat_sectors and current <= _MAXREGSECT:
            if current in seen:
                raise _Malformed("DIFAT loops")
            seen.add(current)
            sector = self._sector(current)
            if len(sector) < self.sector_size:
                raise _Malformed("truncated DIFAT sector")
            *entries, current = struct.unpack(f"<{per_difat + 1}I", sector)
            locations.extend(entries)
        if len(locations) < fat_sectors:
            raise _Malformed("DIFAT ends early")
        fat: list[int] = []
        for location in locations[:fat_sectors]:
            sector = self._sector(location)
            if len(sector) < self.sector_size:
                raise _Malformed("truncated FAT sector")
            fat.extend(struct.unpack(f"<{self.sector_size // 4}I", sector))
        return fat

    @staticmethod
    def _chain(start: int, table: list[int], limit: int) -> list[int]:
        chain: list[int] = []
        seen: set[int] = set()
        current = start
        while current != _ENDOFCHAIN:
            if current > _MAXREGSECT or current >= len(table) or current in seen or len(chain) >= limit:
                raise _Malformed("broken sector chain")
            seen.add(current)
            chain.append(current)
            current = table[current]
        return chain

    def _read_chain(self, start: int, length: int = -1) -> bytes:
        """The bytes of a FAT chain; with `length` >= 0, only the sectors holding its first `length` bytes."""
        chain = self._chain(start, self.fat, self.sector_count)
        if length >= 0:
            chain = chain[: (length + self.sector_size - 1) // self.sector_size]
        return b"".join(self._sector(number) for number in chain)

    def _entry(self, index: int) -> tuple[str, int, int, int, int, int, int]:
        """(name, type, left, right, child, start sector, size) of directory entry `index`."""
        offset = index * _DIRECTORY_ENTRY
        if index < 0 or offset + _DIRECTORY_ENTRY > len(self.directory):
            raise _Malformed("directory entry beyond the directory")
        raw_name, name_length, kind, _color, left, right, child = struct.unpack_from(
            "<64sHBBIII", self.directory, offset
        )
        start, size = struct.unpack_from("<IQ", self.directory, offset + 116)
        if self.major == 3:
            size &= 0xFFFFFFFF
        if name_length % 2 or not 2 <= name_length <= 64:
            name = ""
        else:
            name = raw_name[: name_length - 2].decode("utf-16-le", errors="replace")
        return name, kind, left, right, child, start, size

    def root_stream_prefix(self, name: str, length: int) -> bytes | None:
        """The first `length` bytes of the stream `name` directly under the root, or None if absent."""
        _root_name, root_kind, _l, _r, child, mini_start, mini_size = self._entry(0)
        if root_kind != _ROOT:
            raise _Malformed("first directory entry is not the root")
        entry_limit = len(self.directory) // _DIRECTORY_ENTRY
        pending = [child]
        seen: set[int] = set()
        while pending:
            index = pending.pop()
            if index == _NOSTREAM:
                continue
            if index in seen or len(seen) >= entry_limit:
                raise _Malformed("directory tree loops")
            seen.add(index)
            entry_name, kind, left, right, _child, start, size = self._entry(index)
            if kind == _STREAM and entry_name.casefold() == name.casefold():
                return self._stream_prefix(start, size, min(length, size), mini_start, mini_size)
            if kind not in (_STORAGE, _STREAM, 0):
                raise _Malformed("unknown directory entry type")
            pending.extend((left, right))
        return None

    def _stream_prefix(self, start: int, size: int, length: int, mini_start: int, mini_size: int) -> bytes:
        if size >= self.mini_cutoff:
            return self._read_chain(start, length)[:length]
        # A small stream lives in the mini stream (the root's chain), in 64-byte mini sectors.
        mini_fat_bytes = self._read_chain(self.first_mini_fat)
        mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes[: len(mini_fat_bytes) // 4 * 4]))
        mini_chain = self._chain(start, mini_fat, len(mini_fat))
        needed = mini_chain[: (length + self.mini_sector_size - 1) // self.mini_sector_size]
        if not needed:
            return b""
        mini_stream = self._read_chain(mini_start, (max(needed) + 1) * self.mini_sector_size)
        if (max(needed) + 1) * self.mini_sector_size > min(len(mini_stream), mini_size):
            raise _Malformed("mini sector beyond the mini stream")
        pieces = (mini_stream[n * self.mini_sector_size : (n + 1) * self.mini_sector_size] for n in needed)
        return b"".join(pieces)[:length]


# --- storage ---------------------------------------------------------------------------------------

_KEY = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{30}")


class DocumentStore:
    """Document bytes on disk under generated names; the user's file name is never used for a path.

    `root` must lie outside any web root and is never served directly (the app uses
    data_dir/documents); documents are handed out only through the application, after its access
    checks, and are never executed. Directories are created 0o700 and files written 0o600,
    atomically (a temporary file, fsync, os.replace).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, content: bytes) -> str:
        """Store `content` under a new key ("ab/ab…", 32 hex digits of a uuid4, sharded) and return it."""
        name = uuid.uuid4().hex
        key = f"{name[:2]}/{name}"
        _make_private_dir(self.root, parents=True)
        shard = self.root / name[:2]
        _make_private_dir(shard)
        temporary = shard / f".{name}.tmp"
        final = shard / name
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                os.fchmod(file.fileno(), 0o600)
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            temporary.replace(final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _fsync_dir(shard)
        return key

    def open_bytes(self, key: str) -> bytes:
        """The stored bytes; ValueError for a key not of the generated form, FileNotFoundError if gone."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the document; deleting a key that is already gone does nothing."""
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or _KEY.fullmatch(key) is None:
            raise ValueError("not a document storage key")
        path = self.root / key
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise ValueError("document storage key outside the store")
        return path


def _make_private_dir(path: Path, *, parents: bool = False) -> None:
    try:
        path.mkdir(mode=0o700, parents=parents)
    except FileExistsError:
        return
    path.chmod(0o700)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
