"""Relations go through dataloaders: the number of SQL statements must not grow with the page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

from m24.kit.db import Database
from tests.helpers import gql

QUERY = """
query($first: Int) {
  fundingPrograms(first: $first) {
    totalCount
    edges { node {
      title ownerAgency { name regions { code } industries { code } } operatorAgency { name }
      agencies { role agency { name } } regions { name } industries { name } stages { name }
      eligibilityRules { version }
    } }
  }
  companies(first: $first, specialistsOnly: true) { edges { node { name offerings { title } } } }
}
"""


@contextmanager
def count_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_statement_count_does_not_grow_with_page_size(client: httpx.AsyncClient, seeded_db: Database) -> None:
    counts = {}
    for first in (2, 20):
        with count_statements(seeded_db) as statements:
            body = await gql(client, QUERY, {"first": first})
        assert "errors" not in body, body
        assert len(body["data"]["fundingPrograms"]["edges"]) == first
        counts[first] = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(counts[2]) == len(counts[20]), (counts[2], counts[20])
    # count + page for each list, and one batch per relation: a fixed, small number.
    assert len(counts[20]) <= 16, counts[20]
