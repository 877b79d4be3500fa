"""What the dashboard reads that no command lists: a member's finished parts."""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import Database


@dataclass(frozen=True)
class DonePart:
    task_id: int
    title: str
    due_at: int
    status: str  # done, excused
    done_at: int | None
    note: str | None


class DashboardRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def done_parts(self, member_id: int, limit: int) -> list[DonePart]:
        """The member's latest finished parts, newest first."""
        rows = await self.db.fetchall(
            "SELECT t.id, t.title, t.due_at, a.status, a.done_at, a.note"
            " FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
            " WHERE a.member_id = ? AND a.status != 'open' AND t.status != 'cancelled'"
            " ORDER BY a.done_at DESC, t.id DESC LIMIT ?",
            (member_id, limit),
        )
        return [DonePart(*row) for row in rows]
