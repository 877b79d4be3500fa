"""Keyset pages straight from storage: any cursor, even a forged or stale one, gives a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.database import open_database
from storage.paging import LAST, Cursor, last_page_size
from storage.task_lists import TaskListRepository
from storage.tasks import TaskFilter


@pytest.fixture
async def lists(database: str | Path):
    db = open_database(database)
    await db.open()
    async with db.transaction() as conn:
        for n in range(1, 24):  # due 100, 100, 110, 110, …: ties broken by id
            await conn.execute(
                "INSERT INTO tasks (id, title, tag, due_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 0, 0)", (n, f"t{n}", "39-NQ/TW" if n % 2 else None,
                                               100 + 10 * (n // 2)))
    yield TaskListRepository(db)
    await db.close()


def ids(page) -> list[int]:
    return [task.id for task in page.items]


async def test_pages_follow_the_deadline_then_the_id(lists) -> None:
    first = await lists.page(TaskFilter(), None, 10)
    assert ids(first) == list(range(1, 11)) and first.more_after and not first.more_before
    second = await lists.page(TaskFilter(), Cursor(first.items[-1].due_at, 10), 10)
    assert ids(second) == list(range(11, 21)) and second.more_before and second.more_after
    last = await lists.page(TaskFilter(), LAST, 10, last_page_size(23, 10, 10_000))
    assert ids(last) == [21, 22, 23] and last.last_page and not last.more_after
    back = await lists.page(TaskFilter(), Cursor(last.items[0].due_at, 21, forward=False), 10)
    assert ids(back) == ids(second)


async def test_a_cursor_beyond_the_end_or_before_the_start_gives_the_nearest_page(lists) -> None:
    beyond = await lists.page(TaskFilter(), Cursor(10**12, 10**12), 10, 3)
    assert ids(beyond) == [21, 22, 23] and beyond.last_page
    before = await lists.page(TaskFilter(), Cursor(0, 1, forward=False), 10)
    assert ids(before) == list(range(1, 11)) and before.first_page


async def test_filters_and_bounded_counts(lists) -> None:
    tagged = TaskFilter(tag="39-nq/tw")
    assert ids(await lists.page(tagged, None, 5)) == [1, 3, 5, 7, 9]
    assert await lists.count(tagged, 10_000) == 12
    assert await lists.count(TaskFilter(), 5) == 5  # counts stop at the cap
    overdue = TaskFilter(overdue_before=120)
    assert ids(await lists.page(overdue, None, 10)) == [1, 2, 3]
