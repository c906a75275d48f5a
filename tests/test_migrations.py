"""Migrations upgrade and downgrade on both backends, and agree with the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from m24.kit.db import make_sync_engine
from m24.migrations import runner
from m24.portal.models import Base


def _diff(url: str) -> list[object]:
    engine = make_sync_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_sync_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _roundtrip(url: str) -> None:
    runner.upgrade(url)
    assert runner.current_revision(url) == runner.head_revision()
    assert _tables(url) == set(Base.metadata.tables)
    assert _diff(url) == [], "models and migrations disagree"
    runner.downgrade(url, "base")
    assert runner.current_revision(url) is None
    assert _tables(url) == set()
    runner.upgrade(url)
    assert _diff(url) == []


def test_sqlite_upgrade_downgrade_and_models_agree(tmp_path) -> None:
    _roundtrip(f"sqlite:///{tmp_path / 'm.sqlite3'}")


def test_postgres_upgrade_downgrade_and_models_agree(pg_databases) -> None:
    _roundtrip(pg_databases.fresh(migrated=False))


def _append_only_is_enforced(url: str) -> None:
    engine = make_sync_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO audit_log (id, occurred_at, action, object_type, details)"
                    " VALUES (:id, :t, 'x', 'y', '{}')"
                ),
                {
                    "id": "0" * 32 if engine.dialect.name == "sqlite" else "00000000-0000-0000-0000-000000000000",
                    "t": "2026-01-01 00:00:00+00:00",
                },
            )
        for statement in ("UPDATE audit_log SET action = 'changed'", "DELETE FROM audit_log"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(sa.text(statement))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT action FROM audit_log")).scalars().all() == ["x"]
    finally:
        engine.dispose()


def test_history_tables_are_append_only_on_sqlite(sqlite_migrated_url: str) -> None:
    _append_only_is_enforced(sqlite_migrated_url)


def test_history_tables_are_append_only_on_postgres(pg_databases) -> None:
    _append_only_is_enforced(pg_databases.fresh())


def _step_down_keeps_history_protected(url: str) -> None:
    """Each revision downgrades alone, and the history triggers survive every step."""
    runner.upgrade(url)
    runner.downgrade(url, "-1")
    _append_only_is_enforced(url)
    runner.upgrade(url)
    assert _diff(url) == []


def test_step_down_on_sqlite(tmp_path) -> None:
    _step_down_keeps_history_protected(f"sqlite:///{tmp_path / 's.sqlite3'}")


def test_step_down_on_postgres(pg_databases) -> None:
    _step_down_keeps_history_protected(pg_databases.fresh(migrated=False))
