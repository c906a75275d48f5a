"""Fixtures for workflow tests: a complete stack per backend with real worker processes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from m24.integrations.notify.simulator import SimulatorServer as NotifyServer
from m24.integrations.nts.simulator import SimulatorServer as NtsServer
from m24.kit import jobs
from tests.helpers import BROKER_URL, NTS_TEST_KEY
from tests.workflows.stack import NOTIFY_TEST_KEY, Stack


@pytest.fixture(scope="session")
def workflow_nts() -> Iterator[NtsServer]:
    with NtsServer(service_key=NTS_TEST_KEY) as server:
        yield server


@pytest.fixture(scope="session")
def workflow_notify() -> Iterator[NotifyServer]:
    with NotifyServer(api_key=NOTIFY_TEST_KEY) as server:
        yield server


def _real_stack(request: pytest.FixtureRequest) -> tuple[str, str]:
    if not BROKER_URL:
        pytest.skip("broker not configured (run through scripts/test.sh)")
    return request.getfixturevalue("pg_databases").fresh_seeded(), BROKER_URL


@pytest_asyncio.fixture(params=["postgresql+rabbitmq", "sqlite+sqla-broker"])
async def stack(
    request: pytest.FixtureRequest, workflow_nts: NtsServer, workflow_notify: NotifyServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    """A seeded database, a broker and simulators; tests start the workers they need."""
    if request.param == "postgresql+rabbitmq":
        database_url, broker_url = _real_stack(request)
    else:
        database_url = request.getfixturevalue("sqlite_databases").fresh_seeded()
        broker_url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    workflow_nts.reset()
    workflow_notify.reset()
    built = Stack(database_url, broker_url, tmp_path, workflow_nts, workflow_notify)
    built.purge_broker()
    await built.register_companies()
    previous = jobs.get_publisher()
    try:
        yield built
    finally:
        built.stop_workers()
        jobs.set_publisher(previous)


@pytest_asyncio.fixture
async def real_stack(
    request: pytest.FixtureRequest, workflow_nts: NtsServer, workflow_notify: NotifyServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    """PostgreSQL + RabbitMQ only: the fault tests kill workers and restart the broker."""
    database_url, broker_url = _real_stack(request)
    workflow_nts.reset()
    workflow_notify.reset()
    built = Stack(database_url, broker_url, tmp_path, workflow_nts, workflow_notify)
    built.purge_broker()
    await built.register_companies()
    previous = jobs.get_publisher()
    try:
        yield built
    finally:
        built.stop_workers()
        jobs.set_publisher(previous)
