"""The dataset catalogue as DCAT-AP in JSON-LD, for harvesters (data.go.kr-style portals, data.europa.eu).

Pure: it describes the objects it is given (Dataset and Distribution rows work as they are) and
reads nothing. The caller decides what may be listed — pass only published, not deleted datasets.

Choices:

* ``dcat:theme`` is an IRI, as DCAT-AP requires (its range is skos:Concept): our theme is free
  text, so each distinct theme becomes a concept ``<base_url>/vocab/themes/<percent-encoded theme>``
  carrying the text as its ``skos:prefLabel`` (@ko). The text is kept, and harvesters that insist
  on IRIs accept it.
* ``dct:accessRights`` uses the EU access-right authority table; our tiers are finer, so the
  exact tier is also given as ``m24:accessTier``:

  ========== =========== ==========================================================
  tier       access right why
  ========== =========== ==========================================================
  open       PUBLIC      anyone may download, no account
  login      RESTRICTED  a condition applies (signing in), though anyone may sign up
  approval   RESTRICTED  available after the publisher approves a request
  restricted NON_PUBLIC  not available to the public at all
  ========== =========== ==========================================================

* ``dct:license`` points at the licence's own page (공공누리 유형 pages, Creative Commons deeds);
  PROPRIETARY and codes we do not know point at ``<base_url>/licenses/<code>``.
* ``dct:issued`` is the publication date (or the creation date) in Korean time, as xsd:date;
  ``dct:modified`` is the last update, as xsd:dateTime in UTC.
* Publishers and distributions are named ``urn:uuid:<id>``; the dataset and every distribution's
  ``dcat:accessURL`` are the dataset's page, ``<base_url>/datasets/<slug>`` (downloads go through
  that page's access checks, so no ``dcat:downloadURL`` is given).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

from m24.portal.datasets.metadata import LICENSES

CATALOG_TITLE = "제조 AI 24 제조 데이터 카탈로그"
CATALOG_PUBLISHER = "제조 AI 24"

_KST = ZoneInfo("Asia/Seoul")
_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
_IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"

#: AccessTier value -> EU access-right code (see the module docstring).
ACCESS_RIGHTS: dict[str, str] = {
    "open": "PUBLIC",
    "login": "RESTRICTED",
    "approval": "RESTRICTED",
    "restricted": "NON_PUBLIC",
}

LICENSE_URLS: dict[str, str] = {
    "KOGL-1": "https://www.kogl.or.kr/info/licenseType1.do",
    "KOGL-2": "https://www.kogl.or.kr/info/licenseType2.do",
    "KOGL-3": "https://www.kogl.or.kr/info/licenseType3.do",
    "KOGL-4": "https://www.kogl.or.kr/info/licenseType4.do",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}

# Our distribution formats that have an entry in the EU file-type table.
_EU_FILE_TYPES = frozenset({"CSV", "JSON", "ZIP", "PARQUET", "PNG", "JPEG", "TIFF"})


class DatasetLike(Protocol):
    """What the catalogue reads of a dataset (m24.portal.datasets.models.Dataset has it all)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def publisher_agency_id(self) -> uuid.UUID: ...
    @property
    def theme(self) -> str: ...
    @property
    def keywords(self) -> Sequence[Any]: ...
    @property
    def license(self) -> str: ...
    @property
    def access_tier(self) -> str: ...
    @property
    def temporal_start(self) -> date | None: ...
    @property
    def temporal_end(self) -> date | None: ...
    @property
    def spatial(self) -> str | None: ...
    @property
    def ksic_prefix(self) -> str | None: ...
    @property
    def process(self) -> str | None: ...
    @property
    def equipment(self) -> str | None: ...
    @property
    def data_kind(self) -> str: ...
    @property
    def is_labelled(self) -> bool: ...
    @property
    def data_standard(self) -> str | None: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


class DistributionLike(Protocol):
    """What the catalogue reads of a distribution (models.Distribution has it all)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def title(self) -> str: ...
    @property
    def media_type(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def byte_size(self) -> int: ...
    @property
    def checksum_sha256(self) -> str | None: ...


def catalog_jsonld(
    datasets: Sequence[DatasetLike],
    *,
    base_url: str,
    publisher_names: Mapping[uuid.UUID, str],
    distributions_by_dataset: Mapping[uuid.UUID, Sequence[DistributionLike]],
) -> dict[str, Any]:
    """A dcat:Catalog of `datasets` as a JSON-LD document (plain dicts, lists and strings).

    `base_url` is the portal's public origin ("https://m24.example.kr", a trailing "/" is ignored);
    `publisher_names` maps publisher_agency_id to the agency's name (a missing one is "미상");
    `distributions_by_dataset` maps a dataset id to its distributions (none when missing).
    """
    base = base_url.rstrip("/")
    return {
        "@context": _context(base),
        "@id": f"{base}/catalog",
        "@type": "dcat:Catalog",
        "dct:title": _ko(CATALOG_TITLE),
        "dct:description": _ko("제조 AI 24 포털에 등록된 제조 데이터셋 목록입니다."),
        "dct:publisher": {"@id": f"{base}/", "@type": "foaf:Agent", "foaf:name": _ko(CATALOG_PUBLISHER)},
        "foaf:homepage": {"@id": f"{base}/"},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/KOR"},
        "dcat:dataset": [
            _dataset(
                dataset,
                base,
                publisher_names.get(dataset.publisher_agency_id, "미상"),
                distributions_by_dataset.get(dataset.id, ()),
            )
            for dataset in datasets
        ],
    }


def _context(base: str) -> dict[str, str]:
    return {
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "adms": "http://www.w3.org/ns/adms#",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "spdx": "http://spdx.org/rdf/terms#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "m24": f"{base}/vocab#",
    }


def _dataset(
    dataset: DatasetLike, base: str, publisher_name: str, distributions: Sequence[DistributionLike]
) -> dict[str, Any]:
    page = f"{base}/datasets/{quote(dataset.slug, safe='')}"
    tier = str(dataset.access_tier)
    node: dict[str, Any] = {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": str(dataset.id),
        "dct:title": _ko(dataset.title),
        "dct:description": _ko(dataset.description),
        "dct:publisher": {
            "@id": dataset.publisher_agency_id.urn,
            "@type": "foaf:Agent",
            "foaf:name": _ko(publisher_name),
        },
        "dcat:theme": {
            "@id": f"{base}/vocab/themes/{quote(dataset.theme, safe='')}",
            "@type": "skos:Concept",
            "skos:prefLabel": _ko(dataset.theme),
        },
        "dcat:keyword": [_ko(str(keyword)) for keyword in dataset.keywords],
        "dct:license": _license(dataset.license, base),
        "dct:accessRights": {
            "@id": _ACCESS_RIGHT + ACCESS_RIGHTS.get(tier, "NON_PUBLIC"),
            "@type": "dct:RightsStatement",
        },
        "dcat:landingPage": {"@id": page},
        "dct:issued": _typed(
            _utc(dataset.published_at or dataset.created_at).astimezone(_KST).date().isoformat(), "date"
        ),
        "dct:modified": _typed(_utc(dataset.updated_at).isoformat(), "dateTime"),
        "m24:accessTier": tier,
        "m24:dataKind": str(dataset.data_kind),
        "m24:isLabelled": {"@value": "true" if dataset.is_labelled else "false", "@type": "xsd:boolean"},
    }
    if dataset.temporal_start is not None or dataset.temporal_end is not None:
        period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
        if dataset.temporal_start is not None:
            period["dcat:startDate"] = _typed(dataset.temporal_start.isoformat(), "date")
        if dataset.temporal_end is not None:
            period["dcat:endDate"] = _typed(dataset.temporal_end.isoformat(), "date")
        node["dct:temporal"] = period
    if dataset.spatial:
        node["dct:spatial"] = {"@type": "dct:Location", "rdfs:label": _ko(dataset.spatial)}
    for key, value in (
        ("m24:process", dataset.process),
        ("m24:equipment", dataset.equipment),
        ("m24:dataStandard", dataset.data_standard),
        ("m24:ksicPrefix", dataset.ksic_prefix),
    ):
        if value:
            node[key] = value
    node["dcat:distribution"] = [_distribution(distribution, page) for distribution in distributions]
    return node


def _distribution(distribution: DistributionLike, page: str) -> dict[str, Any]:
    file_format = distribution.format.upper()
    node: dict[str, Any] = {
        "@id": distribution.id.urn,
        "@type": "dcat:Distribution",
        "dct:title": _ko(distribution.title),
        "dcat:mediaType": {"@id": _IANA_MEDIA_TYPE + distribution.media_type},
        "dct:format": {"@id": _FILE_TYPE + file_format} if file_format in _EU_FILE_TYPES else distribution.format,
        "dcat:byteSize": _typed(str(distribution.byte_size), "nonNegativeInteger"),
        "dcat:accessURL": {"@id": page},
    }
    if distribution.checksum_sha256:
        node["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": _typed(distribution.checksum_sha256.lower(), "hexBinary"),
        }
    return node


def _license(code: str, base: str) -> dict[str, Any]:
    iri = LICENSE_URLS.get(code) or f"{base}/licenses/{quote(code, safe='')}"
    node: dict[str, Any] = {"@id": iri, "@type": "dct:LicenseDocument"}
    label = LICENSES.get(code)
    if label is not None:
        node["dct:title"] = _ko(label)
    return node


def _ko(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "ko"}


def _typed(value: str, xsd_type: str) -> dict[str, str]:
    return {"@value": value, "@type": f"xsd:{xsd_type}"}


def _aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


def _utc(moment: datetime) -> datetime:
    """An aware moment in UTC; a naive one (as SQLite may hand back) is taken to be UTC already."""
    return moment.astimezone(UTC) if _aware(moment) else moment.replace(tzinfo=UTC)
