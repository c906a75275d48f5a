"""Rebuild without downtime: searches keep answering from the old index while the new one loads, and
(on Elasticsearch) a change written during the load reaches the new index and is not overwritten by
the older copy the rebuild carries."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from m24.portal.indexing.service import IndexedKind
from m24.portal.specialists.models import Offering
from m24.search import documents, service
from m24.search.documents import SPECIALISTS, SearchDoc
from m24.search.elastic import ElasticsearchBackend
from tests.search.conftest import Scratch


async def test_searches_answer_throughout_a_rebuild(scratch: Scratch) -> None:
    before = (await service.search_specialists(scratch.backend, "비전검사", size=5)).results.total
    assert before > 0
    answers: list[int] = []
    done = asyncio.Event()

    async def keep_searching() -> None:
        while not done.is_set():
            answers.append((await service.search_specialists(scratch.backend, "비전검사", size=5)).results.total)
            await asyncio.sleep(0)

    searcher = asyncio.create_task(keep_searching())
    try:
        counts = await service.rebuild(scratch.db, scratch.backend, lambda index, n: None)
    finally:
        done.set()
        await searcher
    await scratch.refresh()
    assert counts[SPECIALISTS] > 0
    assert answers and all(total == before for total in answers), answers
    assert (await service.search_specialists(scratch.backend, "비전검사", size=5)).results.total == before
    assert all(d.clean for d in await service.verify(scratch.db, scratch.backend))


# The database backend rebuilds in one transaction, so writes wait for it: there is no overlap to test.
@pytest.mark.parametrize("scratch", ["elasticsearch"], indirect=True)
async def test_a_change_written_during_a_rebuild_survives_the_swap(scratch: Scratch) -> None:
    backend = scratch.backend
    assert isinstance(backend, ElasticsearchBackend)
    old_indices = await backend._write_targets(SPECIALISTS)
    async with scratch.db.read() as session:
        offering_id = await session.scalar(sa.select(Offering.id).where(Offering.title == "구독형 MES").limit(1))
        assert offering_id is not None
        (current,) = await documents.project(session, IndexedKind.OFFERING, [offering_id])
    assert isinstance(current, SearchDoc)
    paused, resume = asyncio.Event(), asyncio.Event()

    async def batches() -> AsyncIterator[list[SearchDoc]]:
        async with scratch.db.read() as session:
            first = True
            async for batch in documents.iterate_index(session, SPECIALISTS, batch=50):
                yield batch
                if first:
                    first = False
                    paused.set()
                    await resume.wait()

    rebuild = asyncio.create_task(backend.rebuild(SPECIALISTS, batches(), lambda n: None))
    await asyncio.wait_for(paused.wait(), timeout=30)
    # Mid-rebuild: the relay writes a newer version of one offering; it goes to both indices.
    newer = dataclasses.replace(
        current,
        version=current.version + 1,
        source={**current.source, "title": "구독형 MES 프리미엄"},
    )
    await backend.write([newer])
    targets = await backend._write_targets(SPECIALISTS)
    assert len(targets) == 2 and set(old_indices) < set(targets)
    resume.set()
    await asyncio.wait_for(rebuild, timeout=120)
    await backend.refresh()
    assert await backend._write_targets(SPECIALISTS) not in ([], old_indices)
    stored = await backend.client.get(index=backend.read_alias(SPECIALISTS), id=str(offering_id))
    assert stored["_version"] == current.version + 1
    assert stored["_source"]["title"] == "구독형 MES 프리미엄"
    for name in old_indices:
        assert not await backend.client.indices.exists(index=name), "the old index is deleted after the swap"
