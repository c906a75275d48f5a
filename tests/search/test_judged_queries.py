"""The judged query set itself: enough queries, unique, graded over titles that exist in the seed."""

from __future__ import annotations

from m24.portal.seed import data
from tests.search.judged_queries import JUDGED_QUERIES

TITLES = {spec.title for spec in data.OFFERINGS}


def test_there_are_enough_unique_queries() -> None:
    assert len(JUDGED_QUERIES) >= 40
    queries = [j.query for j in JUDGED_QUERIES]
    assert len(set(queries)) == len(queries)
    assert all(q.strip() == q and q for q in queries)


def test_graded_titles_exist_and_grades_are_1_to_3() -> None:
    for judged in JUDGED_QUERIES:
        unknown = set(judged.grades) - TITLES
        assert not unknown, (judged.query, unknown)
        assert all(grade in (1, 2, 3) for grade in judged.grades.values()), judged.query


def test_every_query_has_a_clearly_useful_answer() -> None:
    for judged in JUDGED_QUERIES:
        assert max(judged.grades.values(), default=0) >= 2, judged.query


def test_offering_titles_are_unique() -> None:
    assert len(TITLES) == len(data.OFFERINGS)
