"""What the weekly summary of a unit reads: its parts done last week, due this week, overdue."""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import Database

NAMED = 100  # parts named in one summary; the counts cover every one
_WEEK = (
    "FROM tasks t JOIN task_assignees a ON a.task_id = t.id JOIN members m ON m.id = a.member_id"
    " WHERE t.group_chat_id = :unit AND t.status != 'cancelled' AND ("
    "  (a.status = 'done' AND a.done_at >= :since AND a.done_at < :start)"
    "  OR (a.status = 'open' AND t.due_at < :until))"
)


@dataclass(frozen=True)
class WeekCounts:
    done: int  # parts done last week
    due: int  # open parts due this week
    overdue: int  # open parts past their deadline


@dataclass(frozen=True)
class WeekPart:
    task_id: int
    title: str
    due_at: int
    name: str
    status: str
    done_at: int | None


class SummaryRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _params(unit_id: int, since: int, start: int, until: int, now: int) -> dict:
        return {"unit": unit_id, "since": since, "start": start, "until": until, "now": now}

    async def counts(self, unit_id: int, since: int, start: int, until: int,
                     now: int) -> WeekCounts:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE a.status = 'done'),"
            " COUNT(*) FILTER (WHERE a.status = 'open' AND t.due_at >= :now),"
            " COUNT(*) FILTER (WHERE a.status = 'open' AND t.due_at < :now) " + _WEEK,
            self._params(unit_id, since, start, until, now),
        )
        assert row is not None
        return WeekCounts(*row)

    async def parts(self, unit_id: int, since: int, start: int, until: int,
                    now: int) -> list[WeekPart]:
        rows = await self.db.fetchall(
            "SELECT t.id, t.title, t.due_at, COALESCE(NULLIF(m.full_name, ''), '@' || m.username),"
            " a.status, a.done_at " + _WEEK +
            " ORDER BY t.due_at, t.id, m.full_name LIMIT :limit",
            {**self._params(unit_id, since, start, until, now), "limit": NAMED},
        )
        return [WeekPart(*row) for row in rows]

    async def unit_admins(self, unit_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT member_id FROM chat_members WHERE chat_id = ? AND status = 'member'"
            " AND role = 'admin' ORDER BY member_id",
            (unit_id,),
        )
        return [row[0] for row in rows]
