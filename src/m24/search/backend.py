"""What a search backend does, independent of which one: the queries, results and operations that
Elasticsearch and the database backend both implement with the same analysis and the same scoring
(BM25 per field with the weights in :mod:`m24.search.documents`)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from m24.kit.errors import ErrorCode, ServiceUnavailable
from m24.search.documents import Projection, SearchDoc


class SearchUnavailable(ServiceUnavailable):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            ErrorCode.SEARCH_UNAVAILABLE,
            "검색을 일시적으로 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        )
        self.detail = detail


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    RATING = "rating"
    RECENT = "recent"


#: Facet names and the stored attribute each counts.
FACETS: dict[str, str] = {
    "industry": "industries",
    "region": "regions",
    "kind": "offering_kind",
    "designated": "designated",
    "price_model": "price_model",
}


def prefix_expansion(code: str) -> list[str]:
    """A KSIC code and its prefixes down to the division: an offering listing "25" serves "25112"."""
    return [code[:n] for n in range(2, len(code) + 1)]


@dataclass(frozen=True)
class SpecialistFilters:
    industries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    price_models: tuple[str, ...] = ()
    designated: bool | None = None


@dataclass(frozen=True)
class Terms:
    """An analysed query: content tokens and character bigrams (see :mod:`m24.search.analysis`)."""

    tokens: tuple[str, ...] = ()
    grams: tuple[str, ...] = ()
    #: words as written, for prefix completion
    words: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.tokens and not self.grams


@dataclass(frozen=True)
class SpecialistQuery:
    terms: Terms
    filters: SpecialistFilters = SpecialistFilters()
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    size: int = 20
    exclude_group: uuid.UUID | None = None
    with_facets: bool = True


@dataclass
class Hit:
    doc_id: str
    kind: str
    group: str
    score: float | None
    source: dict[str, Any]


@dataclass
class FacetBucket:
    value: str
    #: distinct specialists (not offerings) in the bucket
    count: int


@dataclass
class SpecialistResults:
    hits: list[Hit]
    #: distinct specialists matching
    total: int
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)


@dataclass
class IndexDrift:
    index: str
    expected: int
    indexed: int
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


#: Told the number of documents written so far during a rebuild.
Progress = Callable[[int], None]


class SearchBackend(Protocol):
    name: str

    async def ensure_ready(self) -> None:
        """Create missing indices (idempotent); raise :class:`SearchUnavailable` if unreachable."""

    async def write(self, projections: Sequence[Projection]) -> None:
        """Upsert documents and delete tombstones, each only if its version is newer than stored."""

    async def search_specialists(self, query: SpecialistQuery) -> SpecialistResults: ...

    async def search_all(self, terms: Terms, size: int) -> list[Hit]: ...

    async def suggest(self, terms: Terms, size: int) -> list[Hit]: ...

    async def indexed_versions(self, index: str) -> dict[str, int]: ...

    async def rebuild(self, index: str, batches: AsyncIterator[list[SearchDoc]], progress: Progress) -> int:
        """Load every document into a fresh index and swap it in with no downtime; return the count."""
        ...

    async def close(self) -> None: ...
