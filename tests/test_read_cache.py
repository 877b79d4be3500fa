"""The hot path's read cache: a value is read once between two writes, never kept across one."""

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.read_cache import ReadCache
from storage.database import Database, open_database
from tests.databases import sqlite_only


@pytest.fixture
async def db(database: str | Path):
    opened = open_database(database)
    await opened.open()
    async with opened.transaction() as conn:
        await conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        await conn.execute("INSERT INTO t VALUES (1, 'first')")
    yield opened
    await opened.close()


def reader(db: Database, reads: list[int]):
    async def read() -> str:
        reads.append(1)
        row = await db.fetchone("SELECT v FROM t WHERE k = 1")
        return row[0]

    return read


@sqlite_only
async def test_a_value_is_read_once_until_something_is_written(db: Database) -> None:
    cache: ReadCache[int, str] = ReadCache(db)
    reads: list[int] = []
    assert [await cache.get(1, reader(db, reads)) for _ in range(3)] == ["first"] * 3
    assert len(reads) == 1
    async with db.transaction() as conn:
        await conn.execute("UPDATE t SET v = 'second' WHERE k = 1")
    assert await cache.get(1, reader(db, reads)) == "second"
    assert len(reads) == 2


@sqlite_only
async def test_a_write_that_fails_empties_it_too(db: Database) -> None:
    cache: ReadCache[int, str] = ReadCache(db)
    reads: list[int] = []
    await cache.get(1, reader(db, reads))
    with pytest.raises(RuntimeError):
        async with db.transaction():
            raise RuntimeError("rolled back")
    await cache.get(1, reader(db, reads))
    assert len(reads) == 2


@sqlite_only
async def test_a_read_overlapping_a_write_is_not_kept(db: Database) -> None:
    cache: ReadCache[int, str] = ReadCache(db)
    reads: list[int] = []
    written = asyncio.Event()

    read = asyncio.Event()

    async def slow_read() -> str:
        value = await reader(db, reads)()
        read.set()
        await written.wait()  # a write ends while this read is under way
        return value

    pending = asyncio.create_task(cache.get(1, slow_read))
    await asyncio.wait_for(read.wait(), 5)
    async with db.transaction() as conn:
        await conn.execute("UPDATE t SET v = 'second' WHERE k = 1")
    written.set()
    assert await pending == "first"
    assert await cache.get(1, reader(db, reads)) == "second"
    assert len(reads) == 2


@sqlite_only
async def test_it_starts_again_empty_when_full(db: Database) -> None:
    cache: ReadCache[int, int] = ReadCache(db, limit=2)
    reads: list[int] = []

    async def value(key: int) -> int:
        reads.append(key)
        return key

    for key in (1, 2, 3, 3, 1):
        await cache.get(key, lambda k=key: value(k))
    assert reads == [1, 2, 3, 1]  # 3 emptied it: 1 is read again, 3 is kept


async def test_instances_sharing_a_server_read_every_time() -> None:
    shared = SimpleNamespace(single_writer=False, generation=0)
    cache: ReadCache[int, int] = ReadCache(shared)  # type: ignore[arg-type]
    reads: list[int] = []

    async def value() -> int:
        reads.append(1)
        return 1

    for _ in range(3):
        assert await cache.get(1, value) == 1
    assert len(reads) == 3
