"""Dataset metadata rules, the personal-data screen, dataset file inspection and the DCAT-AP export."""

from __future__ import annotations

import io
import json
import struct
import uuid
import zipfile
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from m24.kit.errors import ErrorCode, ValidationFailed
from m24.portal.datasets.dcat import ACCESS_RIGHTS, catalog_jsonld
from m24.portal.datasets.files import HEAD_BYTES, TAIL_BYTES, DatasetFileFormat, inspect_dataset_file
from m24.portal.datasets.metadata import LICENSES, DatasetMetadata, find_personal_data
from m24.portal.datasets.models import AccessTier, DataKind, Dataset, Distribution

# --- metadata ----------------------------------------------------------------------------------------


def _metadata(**changes: Any) -> DatasetMetadata:
    base = DatasetMetadata(
        title="  프레스 공정 진동 센서 데이터  ",
        description="프레스 설비 3대의 진동·전류 시계열(1kHz). 불량 구간 라벨 포함.",
        theme="설비 예지보전",
        keywords=("진동", " 프레스 ", "예지보전", "진동"),
        license="KOGL-1",
        access_tier="approval",
        data_kind="time_series",
        temporal_start=date(2023, 1, 1),
        temporal_end=date(2023, 12, 31),
        spatial="경상남도 창원시",
        ksic_prefix="29",
        process="프레스 성형",
        equipment="서보 프레스 200톤",
        is_labelled=True,
        data_standard="ISO 13374",
    )
    return replace(base, **changes)


def _fails(metadata: DatasetMetadata) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        metadata.validated()
    return caught.value


def test_valid_metadata_is_cleaned() -> None:
    cleaned = _metadata().validated()
    assert cleaned.title == "프레스 공정 진동 센서 데이터"
    assert cleaned.keywords == ("진동", "프레스", "예지보전")
    assert cleaned.access_tier == "approval" and cleaned.data_kind == "time_series"
    assert cleaned.is_labelled is True


def test_enum_members_and_blank_optionals_are_accepted() -> None:
    cleaned = _metadata(
        access_tier=AccessTier.OPEN,
        data_kind=DataKind.IMAGE,
        spatial="  ",
        ksic_prefix="",
        process=None,
        temporal_start=None,
        keywords=(),
    ).validated()
    assert cleaned.access_tier == "open" and type(cleaned.access_tier) is str
    assert cleaned.spatial is None and cleaned.ksic_prefix is None and cleaned.keywords == ()


@pytest.mark.parametrize("code", sorted(LICENSES))
def test_every_listed_license_is_accepted(code: str) -> None:
    assert _metadata(license=code).validated().license == code


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "가" * 301}, "title"),
        ({"description": ""}, "description"),
        ({"description": "가" * 5001}, "description"),
        ({"theme": ""}, "theme"),
        ({"theme": "가" * 101}, "theme"),
        ({"keywords": tuple(f"키워드{i}" for i in range(21))}, "keywords"),
        ({"keywords": ("정상", " ")}, "keywords"),
        ({"keywords": ("가" * 51,)}, "keywords"),
        ({"license": "GPL-3.0"}, "license"),
        ({"license": "kogl-1"}, "license"),
        ({"access_tier": "secret"}, "accessTier"),
        ({"data_kind": "video"}, "dataKind"),
        ({"temporal_start": date(2024, 1, 2), "temporal_end": date(2024, 1, 1)}, "temporalEnd"),
        ({"spatial": "가" * 101}, "spatial"),
        ({"ksic_prefix": "2"}, "ksicPrefix"),
        ({"ksic_prefix": "291723"}, "ksicPrefix"),
        ({"ksic_prefix": "C29"}, "ksicPrefix"),
        ({"process": "가" * 101}, "process"),
        ({"equipment": "가" * 101}, "equipment"),
        ({"data_standard": "가" * 101}, "dataStandard"),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, Any], field: str) -> None:
    error = _fails(_metadata(**changes))
    assert error.code == ErrorCode.INVALID_INPUT
    assert error.field == field
    assert error.message.startswith(f"{field}: ")
    assert "(는)" not in error.message and "(를)" not in error.message


def test_limits_are_inclusive() -> None:
    cleaned = _metadata(
        title="가" * 300,
        description="가" * 5000,
        theme="가" * 100,
        keywords=tuple(f"키워드{i}" for i in range(20)),
        ksic_prefix="29172",
        process="가" * 100,
        temporal_start=date(2024, 1, 1),
        temporal_end=date(2024, 1, 1),
    ).validated()
    assert len(cleaned.keywords) == 20


# --- personal data -----------------------------------------------------------------------------------

PERSONAL = [
    ("880101-1234567", "주민등록번호"),
    ("8801011234567", "주민등록번호"),
    ("030415-3123456", "주민등록번호"),
    ("880101 2234567", "주민등록번호"),
    ("880101–1234567", "주민등록번호"),  # en dash from a word processor
    ("900101-5123456", "외국인등록번호"),
    ("051231-7123456", "외국인등록번호"),
    ("010-1234-5678", "휴대전화번호"),
    ("01012345678", "휴대전화번호"),
    ("010 1234 5678", "휴대전화번호"),
    ("010.1234.5678", "휴대전화번호"),
    ("011-123-4567", "휴대전화번호"),
    ("+82 10-1234-5678", "휴대전화번호"),
    ("+82-10-1234-5678", "휴대전화번호"),
    ("+821012345678", "휴대전화번호"),
    ("+82 (0)10 1234 5678", "휴대전화번호"),
    ("０１０－１２３４－５６７８", "휴대전화번호"),  # full-width
    ("hong.gildong@example.co.kr", "이메일 주소"),
    ("data+team@m24.kr", "이메일 주소"),
]

HARMLESS = [
    "2024-01-15",
    "2024.01.15",
    "20240115",
    "2023-01-01 ~ 2023-12-31",
    "29172",
    "C29",
    "A-123456-7",
    "PN 12345-678",
    "ISO 9001",
    "ISO 13374-1:2003",
    "IEC 62443-3-3",
    "KS B 0001",
    "12.345 mm",
    "0.01012345678",
    "1,010,123,456원",
    "압력 101325 Pa, 온도 25.3℃",
    "3.14159265358979",
    "v1.2.3",
    "S/N 2023120112345",
    "990231-1234567",  # 2월 31일은 없다
    "20240115123456",
    "rpm@2000",
    "AA-010-1234",
    "1588-1234",
    "02-123-4567",
]


@pytest.mark.parametrize(("text", "kind"), PERSONAL)
def test_personal_data_is_found(text: str, kind: str) -> None:
    assert find_personal_data(f"담당자 {text} 로 문의") == kind
    assert find_personal_data(text) == kind


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_not_personal_data(text: str) -> None:
    assert find_personal_data(text) is None


def test_harmless_strings_pass_validation_in_every_text_field() -> None:
    joined = ", ".join(HARMLESS)
    _metadata(
        title=joined[:300],
        description=joined,
        theme="ISO 9001 품질",
        keywords=tuple(text[:50] for text in HARMLESS[:20]),
        spatial="A-123456-7",
        process="2024-01-15",
        equipment="12.345 mm",
        data_standard="ISO 9001",
    ).validated()


@pytest.mark.parametrize(("text", "kind"), PERSONAL)
@pytest.mark.parametrize(
    ("field", "attribute"),
    [
        ("title", "title"),
        ("description", "description"),
        ("keywords", "keywords"),
        ("theme", "theme"),
        ("spatial", "spatial"),
        ("process", "process"),
        ("equipment", "equipment"),
        ("dataStandard", "data_standard"),
    ],
)
def test_personal_data_in_metadata_is_refused_without_echo(text: str, kind: str, field: str, attribute: str) -> None:
    value: Any = f"문의 {text}"
    if attribute == "keywords":
        value = ("정상", value)
    error = _fails(_metadata(**{attribute: value}))
    assert error.code == ErrorCode.PERSONAL_DATA_IN_METADATA
    assert error.field == field
    assert error.message == f"{field}: 메타데이터에 개인정보({kind})로 보이는 내용이 있습니다. 지우고 다시 제출하세요."
    digits = "".join(ch for ch in text if ch.isdigit())
    assert text not in error.message and (not digits or digits[-4:] not in error.message)
    assert "@" not in error.message


# --- dataset files -----------------------------------------------------------------------------------

MB = 1024 * 1024


def _inspect(filename: str, content: bytes, *, max_bytes: int = 10 * MB, size: int | None = None) -> Any:
    return inspect_dataset_file(
        filename, content[:HEAD_BYTES], content[-TAIL_BYTES:], len(content) if size is None else size, max_bytes
    )


def _png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 2, 3, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + b"\0" * 20


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "x,y\n1,2\n")
    return buffer.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 100 + b"\xff\xd9"
TIFF_LE = b"II*\x00\x08\x00\x00\x00" + b"\0" * 64
TIFF_BE = b"MM\x00*\x00\x00\x00\x08" + b"\0" * 64
PARQUET = b"PAR1" + b"\x15\x00" * 40 + b"\x10\x00\x00\x00PAR1"
CSV = "측정시각,진동(mm/s),라벨\n2024-01-15 00:00:00,0.12,정상\n".encode()
JSON = '  \n[{"시각": "2024-01-15", "값": 0.12}]'.encode()

GOOD = [
    ("data.csv", CSV, DatasetFileFormat.CSV, "text/csv", "csv"),
    ("data.CSV", b"\xef\xbb\xbfa;b;c\r\n1;2;3\r\n", DatasetFileFormat.CSV, "text/csv", "csv"),
    ("tab.csv", b"a\tb\n1\t2\n", DatasetFileFormat.CSV, "text/csv", "csv"),
    ("rows.json", JSON, DatasetFileFormat.JSON, "application/json", "json"),
    ("obj.json", b'{"a": 1}', DatasetFileFormat.JSON, "application/json", "json"),
    ("images.zip", _zip(), DatasetFileFormat.ZIP, "application/zip", "zip"),
    ("table.parquet", PARQUET, DatasetFileFormat.PARQUET, "application/vnd.apache.parquet", "parquet"),
    ("defect.png", _png(), DatasetFileFormat.PNG, "image/png", "png"),
    ("defect.jpeg", JPEG, DatasetFileFormat.JPEG, "image/jpeg", "jpg"),
    ("defect.JPG", JPEG, DatasetFileFormat.JPEG, "image/jpeg", "jpg"),
    ("scan.tif", TIFF_LE, DatasetFileFormat.TIFF, "image/tiff", "tiff"),
    ("scan.tiff", TIFF_BE, DatasetFileFormat.TIFF, "image/tiff", "tiff"),
    ("C:\\Users\\홍길동\\측정 2024.01.15", CSV, DatasetFileFormat.CSV, "text/csv", "csv"),  # no extension
]


@pytest.mark.parametrize(("name", "content", "fmt", "media_type", "extension"), GOOD)
def test_accepted_formats(name: str, content: bytes, fmt: DatasetFileFormat, media_type: str, extension: str) -> None:
    inspected = _inspect(name, content)
    assert (inspected.format, inspected.media_type, inspected.extension) == (fmt, media_type, extension)


def test_large_text_is_judged_from_its_head_even_when_a_character_is_cut() -> None:
    content = ("시각,값\n" + "가,나,다\n" * 5000).encode()
    assert len(content) > HEAD_BYTES
    with pytest.raises(UnicodeDecodeError):  # the head ends inside a character
        content[:HEAD_BYTES].decode("utf-8")
    assert _inspect("big.csv", content).format == DatasetFileFormat.CSV


def test_text_that_reads_as_both_json_and_csv_follows_the_extension() -> None:
    assert _inspect("a.csv", b"[1],[2]\n").format == DatasetFileFormat.CSV
    assert _inspect("a.json", b"[1,2]\n").format == DatasetFileFormat.JSON


def test_empty_file_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _inspect("empty.csv", b"")
    assert caught.value.code == ErrorCode.DATASET_FILE_TYPE_NOT_ALLOWED
    assert caught.value.field == "files" and "빈 파일" in caught.value.message


def test_oversize_file_is_refused_with_the_limit() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _inspect("big.csv", CSV, size=500 * MB + 1, max_bytes=500 * MB)
    assert caught.value.code == ErrorCode.DATASET_FILE_TOO_LARGE
    assert caught.value.field == "files" and "500MB" in caught.value.message
    assert _inspect("exact.csv", CSV, size=500 * MB, max_bytes=500 * MB).format == DatasetFileFormat.CSV


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"%PDF-1.7\n...%%EOF",
        b"\x00\x01\x02\x03binary",
        "제목 없음\n쉼표도 탭도 없는 글\n".encode(),  # text without a delimiter on the first line
        "a,b\n1,2".encode("utf-16"),
        b"a,b\n\xff\xfe\n",  # not UTF-8
        b"PAR1 without the footer",
        b"\x89PNG\r\n\x1a\n broken header...........",
        b"\xff\xd8\xff\x00",
        b"   \n\n",
    ],
)
def test_unknown_content_is_refused(content: bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _inspect("data", content)
    assert caught.value.code == ErrorCode.DATASET_FILE_TYPE_NOT_ALLOWED
    assert caught.value.field == "files"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("data.csv", _zip()),
        ("data.xlsx", _zip()),
        ("photo.png", JPEG),
        ("rows.json", CSV),
        ("table.csv", PARQUET),
        ("scan.jpg", TIFF_LE),
        ("run.exe", CSV),
    ],
)
def test_extension_that_disagrees_with_the_content_is_refused(name: str, content: bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _inspect(name, content)
    assert caught.value.code == ErrorCode.DATASET_FILE_MISMATCH
    assert caught.value.field == "files"
    assert f"(.{name.rsplit('.', 1)[1]})" in caught.value.message


def test_file_name_in_messages_is_cleaned_and_short() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _inspect("../../etc/" + "가" * 200 + "\u202egpj.csv", _zip())
    assert "/" not in caught.value.message.removeprefix("files: ")
    assert "\u202e" not in caught.value.message and "가" * 80 not in caught.value.message


# --- DCAT-AP -----------------------------------------------------------------------------------------

BASE = "https://m24.example.kr/"
AGENCY = uuid.UUID("00000000-0000-0000-0000-00000000a001")


def _dataset(slug: str, **changes: Any) -> Dataset:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "slug": slug,
        "title": "프레스 진동 데이터",
        "description": "설명",
        "publisher_agency_id": AGENCY,
        "theme": "설비 예지보전",
        "keywords": ["진동", "프레스"],
        "license": "KOGL-1",
        "access_tier": AccessTier.OPEN,
        "temporal_start": date(2023, 1, 1),
        "temporal_end": date(2023, 12, 31),
        "spatial": "경상남도",
        "ksic_prefix": "29",
        "process": "프레스 성형",
        "equipment": "서보 프레스",
        "data_kind": DataKind.TIME_SERIES,
        "is_labelled": True,
        "data_standard": None,
        "published_at": datetime(2024, 3, 1, 16, 0, tzinfo=UTC),  # 2024-03-02 01:00 in Korea
        "created_at": datetime(2024, 2, 1, tzinfo=UTC),
        "updated_at": datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
    }
    values.update(changes)
    return Dataset(**values)


def _distribution(dataset: Dataset, fmt: str, sha256: str | None) -> Distribution:
    return Distribution(
        id=uuid.uuid4(),
        dataset_id=dataset.id,
        title=f"원본 ({fmt})",
        media_type="text/csv" if fmt == "CSV" else "application/vnd.apache.parquet",
        format=fmt,
        byte_size=123456,
        storage_key="ab/abcdef",
        checksum_sha256=sha256,
    )


def _catalog() -> tuple[dict[str, Any], Dataset, Dataset]:
    first = _dataset("press-vibration")
    second = _dataset(
        "paint-defect-images",
        access_tier=AccessTier.RESTRICTED,
        temporal_start=None,
        temporal_end=None,
        spatial=None,
        license="PROPRIETARY",
        published_at=None,
        data_kind=DataKind.IMAGE,
        is_labelled=False,
    )
    distributions = {first.id: [_distribution(first, "CSV", "AB" * 32), _distribution(first, "PARQUET", None)]}
    catalog = catalog_jsonld(
        [first, second],
        base_url=BASE,
        publisher_names={AGENCY: "한국산업기술진흥원"},
        distributions_by_dataset=distributions,
    )
    return catalog, first, second


def test_catalog_is_json_with_the_expected_context_and_type() -> None:
    catalog, _first, _second = _catalog()
    reparsed = json.loads(json.dumps(catalog, ensure_ascii=False))
    assert reparsed == catalog
    context = catalog["@context"]
    for prefix in ("dcat", "dct", "foaf", "xsd", "adms", "vcard"):
        assert context[prefix].startswith("http")
    assert context["m24"] == "https://m24.example.kr/vocab#"
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["dct:title"] == {"@value": "제조 AI 24 제조 데이터 카탈로그", "@language": "ko"}
    assert catalog["dct:publisher"]["@type"] == "foaf:Agent"
    assert len(catalog["dcat:dataset"]) == 2


def test_dataset_node() -> None:
    catalog, first, _second = _catalog()
    node = catalog["dcat:dataset"][0]
    assert node["@type"] == "dcat:Dataset"
    assert node["@id"] == "https://m24.example.kr/datasets/press-vibration"
    assert node["dct:identifier"] == str(first.id)
    assert node["dct:title"] == {"@value": "프레스 진동 데이터", "@language": "ko"}
    assert node["dct:publisher"]["@type"] == "foaf:Agent"
    assert node["dct:publisher"]["foaf:name"]["@value"] == "한국산업기술진흥원"
    assert node["dcat:theme"]["@id"].startswith("https://m24.example.kr/vocab/themes/")
    assert node["dcat:theme"]["skos:prefLabel"]["@value"] == "설비 예지보전"
    assert [keyword["@value"] for keyword in node["dcat:keyword"]] == ["진동", "프레스"]
    assert node["dct:license"]["@id"] == "https://www.kogl.or.kr/info/licenseType1.do"
    assert node["dct:accessRights"]["@id"].endswith("/access-right/PUBLIC")
    temporal = node["dct:temporal"]
    assert temporal["@type"] == "dct:PeriodOfTime"
    assert temporal["dcat:startDate"] == {"@value": "2023-01-01", "@type": "xsd:date"}
    assert temporal["dcat:endDate"] == {"@value": "2023-12-31", "@type": "xsd:date"}
    assert node["dct:spatial"]["rdfs:label"]["@value"] == "경상남도"
    assert node["dct:issued"] == {"@value": "2024-03-02", "@type": "xsd:date"}
    assert node["dct:modified"] == {"@value": "2024-03-05T09:30:00+00:00", "@type": "xsd:dateTime"}
    assert node["m24:process"] == "프레스 성형" and node["m24:equipment"] == "서보 프레스"
    assert node["m24:dataKind"] == "time_series" and node["m24:accessTier"] == "open"
    assert node["m24:ksicPrefix"] == "29"
    assert node["m24:isLabelled"] == {"@value": "true", "@type": "xsd:boolean"}
    assert "m24:dataStandard" not in node


def test_dataset_with_two_distributions() -> None:
    catalog, _first, _second = _catalog()
    distributions = catalog["dcat:dataset"][0]["dcat:distribution"]
    assert len(distributions) == 2
    csv, parquet = distributions
    for distribution in distributions:
        assert distribution["@type"] == "dcat:Distribution"
        assert distribution["dcat:accessURL"] == {"@id": "https://m24.example.kr/datasets/press-vibration"}
        assert distribution["dcat:byteSize"] == {"@value": "123456", "@type": "xsd:nonNegativeInteger"}
        assert "storage_key" not in json.dumps(distribution) and "ab/abcdef" not in json.dumps(distribution)
    assert csv["dct:title"]["@language"] == "ko"
    assert csv["dcat:mediaType"]["@id"].endswith("/media-types/text/csv")
    assert csv["dct:format"]["@id"].endswith("/file-type/CSV")
    assert csv["spdx:checksum"]["spdx:algorithm"] == {"@id": "spdx:checksumAlgorithm_sha256"}
    assert csv["spdx:checksum"]["spdx:checksumValue"] == {"@value": "ab" * 32, "@type": "xsd:hexBinary"}
    assert "spdx:checksum" not in parquet
    assert parquet["dct:format"]["@id"].endswith("/file-type/PARQUET")


def test_optional_parts_are_left_out_and_tiers_map_to_access_rights() -> None:
    catalog = _catalog()[0]
    node = catalog["dcat:dataset"][1]
    assert "dct:temporal" not in node and "dct:spatial" not in node
    assert node["dcat:distribution"] == []
    assert node["dct:accessRights"]["@id"].endswith("/access-right/NON_PUBLIC")
    assert node["dct:license"]["@id"] == "https://m24.example.kr/licenses/PROPRIETARY"
    assert node["dct:license"]["dct:title"]["@value"] == "이용 허락 조건 별도"
    assert node["dct:issued"] == {"@value": "2024-02-01", "@type": "xsd:date"}  # created_at when unpublished
    assert node["m24:isLabelled"]["@value"] == "false"
    assert ACCESS_RIGHTS == {
        "open": "PUBLIC",
        "login": "RESTRICTED",
        "approval": "RESTRICTED",
        "restricted": "NON_PUBLIC",
    }
    assert set(ACCESS_RIGHTS) == {tier.value for tier in AccessTier}


def test_unknown_publisher_and_empty_catalog() -> None:
    dataset = _dataset("x", publisher_agency_id=uuid.uuid4())
    catalog = catalog_jsonld([dataset], base_url=BASE, publisher_names={}, distributions_by_dataset={})
    assert catalog["dcat:dataset"][0]["dct:publisher"]["foaf:name"]["@value"] == "미상"
    empty = catalog_jsonld([], base_url=BASE, publisher_names={}, distributions_by_dataset={})
    assert empty["dcat:dataset"] == [] and json.dumps(empty)
