"""Lists of open tasks, one page at a time: /tasks, /alltasks and its filters, each narrowed
to what the asker's scope allows."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.access import Scope
from bot.tasks.model import TaskView
from storage.database import Database
from storage.members import Member
from storage.paging import Cursor, Listing, Page, last_page_size
from storage.task_lists import TaskListRepository
from storage.tasks import Task, TaskFilter, TaskRepository

PAGE_SIZE = 8  # lines of at most ~400 characters: a page stays well under Telegram's 4096
COUNT_CAP = 10_000  # the heading counts up to this many, then says "more than"


# A page of open tasks: their views (with each assignee's part) and the rows behind them.
TaskPage = Listing[TaskView, Task]


class TaskLists:
    def __init__(self, db: Database) -> None:
        self.lists = TaskListRepository(db)
        self.tasks = TaskRepository(db)

    async def mine(self, member: Member, cursor: Cursor | None,
                   size: int = PAGE_SIZE) -> TaskPage:
        """A page of the tasks in which the member's own part is open."""
        return await self._page(TaskFilter(member_id=member.id), cursor, size)

    async def matching(self, scope: Scope, where: TaskFilter, cursor: Cursor | None,
                       size: int = PAGE_SIZE) -> TaskPage:
        """A page of the open tasks the asker manages, narrowed by the filter; none for
        nobody."""
        if scope.member is None:
            return TaskPage([], Page([], False, False), 0, size, COUNT_CAP)
        if not scope.org_admin:
            where = replace(where, unit_ids=scope.unit_filter, creator=scope.member.id)
        return await self._page(where, cursor, size)

    async def _page(self, where: TaskFilter, cursor: Cursor | None, size: int) -> TaskPage:
        if cursor is None:  # the first page needs no count: both are read at once
            total, page = await asyncio.gather(self.lists.count(where, COUNT_CAP),
                                               self.lists.page(where, None, size))
        else:  # the last page's size comes from the count
            total = await self.lists.count(where, COUNT_CAP)
            page = await self.lists.page(where, cursor, size,
                                         last_page_size(total, size, COUNT_CAP))
        parts = await self.tasks.parts(t.id for t in page.items)
        return TaskPage([TaskView(t, parts.get(t.id, [])) for t in page.items], page, total,
                        size, COUNT_CAP)
