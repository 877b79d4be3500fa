"""Lists of open tasks, one page at a time, each shape of query served by an index
(migration 0010 names them).

Three shapes, chosen by what narrows the list most:
- one member's open parts: driven from ``task_assignees`` (CROSS JOIN keeps SQLite from
  scanning tasks instead), then sorted; the cost follows that member's open parts;
- a unit admin's scope (their units' tasks and the ones they created): the ids come from the
  group and creator indexes, then sorted; the cost follows the scope, not the organisation;
- everything else walks a partial index of open tasks in (due_at, id) order from the cursor.
"""

from __future__ import annotations

import json

from storage.database import Database
from storage.paging import Cursor, KeysetQuery, Page, bounded_count, fetch_page
from storage.tasks import _COLUMNS, Task, TaskFilter

_BY_MEMBER = (
    " FROM task_assignees a CROSS JOIN tasks t ON t.id = a.task_id"
    " WHERE a.member_id = :member AND a.status = 'open' AND t.status = 'open'"
)
_SCOPE = (
    " AND t.id IN (SELECT id FROM tasks WHERE status = 'open'"
    " AND group_chat_id IN (SELECT CAST(value AS BIGINT) FROM json_each(:units))"
    " UNION SELECT id FROM tasks WHERE created_by = :creator AND status = 'open')"
)
_ALL_OPEN = " FROM tasks t WHERE t.status = 'open'"
_FILTERS = (
    ("before", " AND t.due_at < :before"),
    ("from", " AND t.due_at >= :from"),
    ("tag", " AND t.tag = :tag COLLATE NOCASE"),
    ("chat", " AND t.group_chat_id = :chat"),
)
_AFTER = " AND t.due_at >= :k_at_ AND (t.due_at > :k_at_ OR t.id > :k_id_)"
_BEFORE = " AND t.due_at <= :k_at_ AND (t.due_at < :k_at_ OR t.id < :k_id_)"
_ASC = " ORDER BY t.due_at, t.id LIMIT :limit_"
_DESC = " ORDER BY t.due_at DESC, t.id DESC LIMIT :limit_"


def _where(where: TaskFilter) -> tuple[str, dict]:
    """The FROM … WHERE part for a filter (constant fragments only) and its parameters."""
    params = {
        "member": where.member_id,
        "units": None if where.unit_ids is None else json.dumps(list(where.unit_ids)),
        "creator": where.creator,
        "before": where.overdue_before,
        "from": where.due_from,
        "tag": where.tag,
        "chat": where.group_chat_id,
    }
    sql = _BY_MEMBER if where.member_id is not None else _ALL_OPEN
    if where.unit_ids is not None:
        sql += _SCOPE
    sql += "".join(fragment for name, fragment in _FILTERS if params[name] is not None)
    return sql, params


class TaskListRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, where: TaskFilter, cursor: Cursor | None, size: int,
                   last_size: int | None = None) -> Page[Task]:
        """One page of open tasks, soonest deadline first."""
        source, params = _where(where)
        query = KeysetQuery(f"SELECT {_COLUMNS}{source}", _AFTER, _BEFORE, _ASC, _DESC)
        return await fetch_page(self.db, query, params, cursor, size, lambda r: Task(*r),
                                last_size)

    async def count(self, where: TaskFilter, cap: int) -> int:
        source, params = _where(where)
        return await bounded_count(self.db, f"SELECT 1{source}", params, cap)

    async def first(self, where: TaskFilter, limit: int) -> list[Task]:
        """The soonest ``limit`` open tasks matching the filter."""
        return (await self.page(where, None, limit)).items
