"""Relevance of specialist search, measured: nDCG@10 over the judged queries, on both backends.

A specialist search returns one hit per specialist (its best offering); a hit's gain is the grade of its
offering's title. The ideal ranking takes, for every visible specialist, the best grade among its visible
offerings (read from the database, not from either backend), best first. Standard nDCG: gain 2^g − 1,
discount log2(rank + 1).

Run with ``-s`` to see per-query scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from m24.search import service
from m24.search.backend import SearchBackend
from m24.search.database import DatabaseBackend
from m24.search.elastic import ElasticsearchBackend
from tests.search.conftest import Corpus
from tests.search.judged_queries import JUDGED_QUERIES, JudgedQuery

K = 10

#: Measured on the scale-500 corpus (75 judged queries): mean nDCG@10 0.8783 on both backends before
#: compounds were indexed with their parts and multi-token spelling variants folded; 0.8890 on both
#: after (equal to the fourth decimal; Elasticsearch stores field lengths lossily). The floor sits a
#: little under that, so a regression in analysis or scoring fails the suite.
NDCG_FLOOR = 0.86
#: Measured: the top-3 titles agree on 75 of 75 queries, the top-3 firms on 74 (a near-tie between two
#: firms offering the same title).
TOP3_AGREEMENT_MARGIN = 2


def dcg(gains: list[int]) -> float:
    return float(sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(gains[:K], start=1)))


def ideal_gains(judged: JudgedQuery, corpus: Corpus) -> list[int]:
    best = [max(judged.grades.get(o.title, 0) for o in offerings) for offerings in corpus.by_company.values()]
    return sorted(best, reverse=True)[:K]


def ndcg(gains: list[int], ideal: list[int]) -> float:
    best = dcg(ideal)
    return dcg(gains) / best if best else 0.0


def test_dcg_is_the_standard_formula() -> None:
    assert dcg([3, 2, 0, 1]) == pytest.approx(7 + 3 / math.log2(3) + 0 + 1 / math.log2(5))
    assert ndcg([3, 2], [3, 2]) == 1.0
    assert ndcg([2, 3], [3, 2]) < 1.0
    assert ndcg([0, 0], [3]) == 0.0


@dataclass
class Measured:
    mean: float
    per_query: dict[str, float]
    top3: dict[str, list[str]]
    top3_firms: dict[str, list[str]]


#: backend name → measurement (each backend is measured once per session, then shared by the tests).
_measured: dict[str, Measured] = {}


async def measure(backend: SearchBackend, corpus: Corpus) -> Measured:
    if backend.name in _measured:
        return _measured[backend.name]
    per_query: dict[str, float] = {}
    top3: dict[str, list[str]] = {}
    top3_firms: dict[str, list[str]] = {}
    print(f"\nnDCG@{K} — {backend.name}")
    for judged in JUDGED_QUERIES:
        found = await service.search_specialists(backend, judged.query, size=K)
        hits = found.results.hits
        groups = [h.group for h in hits]
        assert len(groups) == len(set(groups)), f"{judged.query}: more than one hit for a specialist"
        titles = [str(h.source["title"]) for h in hits]
        per_query[judged.query] = ndcg([judged.grades.get(t, 0) for t in titles], ideal_gains(judged, corpus))
        top3[judged.query] = titles[:3]
        top3_firms[judged.query] = groups[:3]
        print(f"  {per_query[judged.query]:.3f}  {judged.query}  → {titles[:3]}")
    mean = sum(per_query.values()) / len(per_query)
    print(f"  mean nDCG@{K} {backend.name}: {mean:.4f} over {len(per_query)} queries")
    _measured[backend.name] = Measured(mean, per_query, top3, top3_firms)
    return _measured[backend.name]


async def test_mean_ndcg_is_above_the_floor(search_backend: SearchBackend, corpus: Corpus) -> None:
    measured = await measure(search_backend, corpus)
    assert measured.mean >= NDCG_FLOOR, f"{search_backend.name}: mean nDCG@{K} {measured.mean:.4f} < {NDCG_FLOOR}"


async def test_both_backends_rank_alike(
    corpus: Corpus, database_backend: DatabaseBackend, elasticsearch_backend: ElasticsearchBackend
) -> None:
    """Same analysis and the same BM25 on both: the first results must (nearly) always be the same."""
    db = await measure(database_backend, corpus)
    es = await measure(elasticsearch_backend, corpus)
    agreeing = [q for q in db.top3 if db.top3[q] == es.top3[q]]
    for q in db.top3:
        if db.top3[q] != es.top3[q]:
            print(f"  top-3 differs for {q!r}: database {db.top3[q]} / elasticsearch {es.top3[q]}")
    same_firms = [q for q in db.top3_firms if db.top3_firms[q] == es.top3_firms[q]]
    for q in db.top3_firms:
        if q not in same_firms:
            print(f"  top-3 firms differ for {q!r} (titles {db.top3[q]} / {es.top3[q]})")
    print(
        f"\ntop-3 agreement: titles {len(agreeing)}/{len(db.top3)}, firms {len(same_firms)}/{len(db.top3)}; "
        f"mean nDCG database {db.mean:.4f}, Elasticsearch {es.mean:.4f}"
    )
    assert len(agreeing) >= len(JUDGED_QUERIES) - TOP3_AGREEMENT_MARGIN
    assert len(same_firms) >= len(JUDGED_QUERIES) - TOP3_AGREEMENT_MARGIN
    assert abs(db.mean - es.mean) < 0.01
    differing = {
        q: (db.per_query[q], es.per_query[q]) for q in db.per_query if abs(db.per_query[q] - es.per_query[q]) > 0.05
    }
    assert len(differing) <= TOP3_AGREEMENT_MARGIN, differing
