"""The claims table: placeholders taken over by the account that holds their username, and
the moves that give their work back."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from storage.database import Database, new_id

_COLUMNS = "id, username, member_id, task_ids, meeting_ids, created_at, undone_at"


@dataclass(frozen=True)
class Claim:
    id: int
    username: str
    member_id: int
    task_ids: tuple[int, ...]
    meeting_ids: tuple[int, ...]
    created_at: int
    undone_at: int | None

    @classmethod
    def _from_row(cls, row: aiosqlite.Row) -> Claim:
        return cls(row[0], row[1], row[2], tuple(json.loads(row[3])),
                   tuple(json.loads(row[4])), row[5], row[6])


class ClaimRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, claim_id: int) -> Claim | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM claims WHERE id = ?", (claim_id,))
        return Claim._from_row(row) if row else None

    @staticmethod
    async def work_of(
        conn: aiosqlite.Connection, member_id: int
    ) -> tuple[list[int], list[int]]:
        """The open tasks with a part for this member, and the meetings ahead they are
        invited to."""
        async with conn.execute(
            "SELECT a.task_id FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
            " WHERE a.member_id = ? AND t.status = 'open' ORDER BY a.task_id", (member_id,),
        ) as cursor:
            tasks = [row[0] for row in await cursor.fetchall()]
        async with conn.execute(
            "SELECT a.meeting_id FROM meeting_attendees a JOIN meetings m ON m.id = a.meeting_id"
            " WHERE a.member_id = ? AND m.status = 'scheduled' ORDER BY a.meeting_id",
            (member_id,),
        ) as cursor:
            meetings = [row[0] for row in await cursor.fetchall()]
        return tasks, meetings

    @staticmethod
    async def creators(
        conn: aiosqlite.Connection, task_ids: list[int], meeting_ids: list[int]
    ) -> list[int]:
        """Who created these tasks and meetings: the admins to tell of a claim."""
        async with conn.execute(
            "SELECT created_by FROM tasks WHERE id IN (SELECT CAST(value AS BIGINT)"
            " FROM json_each(:tasks))"
            " AND created_by IS NOT NULL UNION SELECT created_by FROM meetings"
            " WHERE id IN (SELECT CAST(value AS BIGINT)"
            " FROM json_each(:meetings)) AND created_by IS NOT NULL",
            {"tasks": json.dumps(task_ids), "meetings": json.dumps(meeting_ids)},
        ) as cursor:
            return sorted(row[0] for row in await cursor.fetchall())

    @staticmethod
    async def record(
        conn: aiosqlite.Connection, *, username: str, member_id: int, task_ids: list[int],
        meeting_ids: list[int], now: int,
    ) -> int:
        return await new_id(
            conn,
            "INSERT INTO claims (username, member_id, task_ids, meeting_ids, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (username, member_id, json.dumps(task_ids), json.dumps(meeting_ids), now),
        )

    @staticmethod
    async def split_off(
        conn: aiosqlite.Connection, claim: Claim, task_ids: list[int], meeting_ids: list[int],
        now: int,
    ) -> Claim:
        """Move these items of the claim into a claim of their own (returned), leaving the
        rest in the original for whoever manages them."""
        await conn.execute(
            "UPDATE claims SET task_ids = ?, meeting_ids = ? WHERE id = ?",
            (json.dumps([t for t in claim.task_ids if t not in task_ids]),
             json.dumps([m for m in claim.meeting_ids if m not in meeting_ids]), claim.id),
        )
        new_id = await ClaimRepository.record(
            conn, username=claim.username, member_id=claim.member_id, task_ids=task_ids,
            meeting_ids=meeting_ids, now=now)
        return Claim(new_id, claim.username, claim.member_id, tuple(task_ids),
                     tuple(meeting_ids), now, None)

    @staticmethod
    async def give_back(
        conn: aiosqlite.Connection, claim: Claim, placeholder_id: int, by: int, now: int
    ) -> None:
        """Move the claimed parts, invitations and their pending reminders to the
        placeholder, and mark the claim undone."""
        await conn.execute(
            "UPDATE claims SET undone_at = ?, undone_by = ?, returned_to = ? WHERE id = ?",
            (now, by, placeholder_id, claim.id),
        )
        params = {"member": claim.member_id, "placeholder": placeholder_id,
                  "tasks": json.dumps(claim.task_ids), "meetings": json.dumps(claim.meeting_ids)}
        for statement in _GIVE_BACK:
            await conn.execute(statement, params)


_GIVE_BACK = (
    "UPDATE task_assignees SET member_id = :placeholder WHERE member_id = :member"
    " AND task_id IN (SELECT CAST(value AS BIGINT) FROM json_each(:tasks))",
    "UPDATE meeting_attendees SET member_id = :placeholder WHERE member_id = :member"
    " AND meeting_id IN (SELECT CAST(value AS BIGINT) FROM json_each(:meetings))",
    "UPDATE reminders SET member_id = :placeholder WHERE member_id = :member"
    " AND status = 'pending' AND ((event_kind = 'task'"
    " AND event_id IN (SELECT CAST(value AS BIGINT)"
    " FROM json_each(:tasks))) OR (event_kind = 'meeting'"
    " AND event_id IN (SELECT CAST(value AS BIGINT) FROM json_each(:meetings))))",
)
