"""The meetings, meeting_series, meeting_attendees and chat_members tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage.database import Database, inserted_id, new_id
from storage.members import _COLUMNS as _MEMBER_COLUMNS
from storage.members import Member

_COLUMNS = (
    "id, series_id, title, place, agenda, starts_at, moved_from, status, group_chat_id,"
    " created_by, created_at, minutes"
)
_MEMBER_ALIASED = ", ".join(f"m.{column.strip()}" for column in _MEMBER_COLUMNS.split(","))
_SERIES_COLUMNS = (
    "id, rule, local_time, title, place, agenda, group_chat_id, member_ids, created_by,"
    " planned_until, created_at"
)


@dataclass(frozen=True)
class Meeting:
    id: int
    series_id: int | None
    title: str
    place: str
    agenda: str
    starts_at: int
    moved_from: int | None
    status: str
    group_chat_id: int | None
    created_by: int | None
    created_at: int
    minutes: str | None

    @property
    def is_scheduled(self) -> bool:
        return self.status == "scheduled"


@dataclass(frozen=True)
class Attendee:
    member: Member
    response: str | None  # attend, absent, or None: not answered
    reason: str | None
    excused: bool | None = None  # an absence judged with a reason (True) or without (False)


@dataclass(frozen=True)
class Series:
    id: int
    rule: str
    local_time: str
    title: str
    place: str
    agenda: str
    group_chat_id: int | None
    member_ids: list[int]
    created_by: int | None
    planned_until: int
    created_at: int  # the rule counts from here (INTERVAL, COUNT)

    @classmethod
    def _from_row(cls, row: aiosqlite.Row) -> Series:
        values = list(row)
        values[7] = json.loads(values[7])
        return cls(*values)


@dataclass(frozen=True)
class NewMeeting:
    title: str
    place: str
    agenda: str
    starts_at: int
    moved_from: int | None
    group_chat_id: int | None
    created_by: int | None
    series_id: int | None = None


class MeetingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self, conn: aiosqlite.Connection, meeting: NewMeeting, now: int
    ) -> int | None:
        """Store a meeting; None if this occurrence of its series exists already."""
        return await inserted_id(
            conn,
            "INSERT INTO meetings (series_id, title, place, agenda, starts_at,"
            " moved_from, group_chat_id, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                meeting.series_id,
                meeting.title,
                meeting.place,
                meeting.agenda,
                meeting.starts_at,
                meeting.moved_from,
                meeting.group_chat_id,
                meeting.created_by,
                now,
                now,
            ),
        )

    async def add_attendees(
        self, conn: aiosqlite.Connection, meeting_id: int, member_ids: Iterable[int]
    ) -> None:
        await conn.executemany(
            "INSERT INTO meeting_attendees (meeting_id, member_id) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            [(meeting_id, member_id) for member_id in member_ids],
        )

    async def get(self, meeting_id: int) -> Meeting | None:
        return (await self.by_ids([meeting_id])).get(meeting_id)

    async def by_ids(self, meeting_ids: Iterable[int]) -> dict[int, Meeting]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM meetings WHERE id IN (SELECT CAST(value AS BIGINT)"
            f" FROM json_each(?))",
            (json.dumps(list(set(meeting_ids))),),
        )
        return {row[0]: Meeting(*row) for row in rows}

    async def attendees(self, meeting_ids: Iterable[int]) -> dict[int, list[Attendee]]:
        rows = await self.db.fetchall(
            f"SELECT a.meeting_id, a.response, a.reason, a.excused, {_MEMBER_ALIASED}"
            " FROM meeting_attendees a JOIN members m ON m.id = a.member_id"
            " WHERE a.meeting_id IN (SELECT CAST(value AS BIGINT)"
            " FROM json_each(?)) ORDER BY a.meeting_id, m.id",
            (json.dumps(list(set(meeting_ids))),),
        )
        found: dict[int, list[Attendee]] = {}
        for row in rows:
            excused = None if row[3] is None else bool(row[3])
            found.setdefault(row[0], []).append(Attendee(Member(*row[4:]), row[1], row[2],
                                                         excused))
        return found

    async def clashes(self, meeting_id: int, starts_at: int, window: int) -> list[Meeting]:
        """Other scheduled meetings starting within ``window`` seconds of this one that share
        an attendee with it."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM meetings m WHERE m.status = 'scheduled' AND m.id != :id"
            " AND m.starts_at > :start - :window AND m.starts_at < :start + :window"
            " AND EXISTS (SELECT 1 FROM meeting_attendees a JOIN meeting_attendees b"
            "   ON b.member_id = a.member_id WHERE a.meeting_id = m.id AND b.meeting_id = :id)"
            " ORDER BY m.starts_at LIMIT 5",
            {"id": meeting_id, "start": starts_at, "window": window},
        )
        return [Meeting(*row) for row in rows]

    async def of_series(self, series_id: int, now: int, limit: int) -> list[Meeting]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM meetings WHERE series_id = ? AND status = 'scheduled'"
            " AND starts_at > ? ORDER BY starts_at, id LIMIT ?",
            (series_id, now, limit),
        )
        return [Meeting(*row) for row in rows]

    async def past(
        self, now: int, *, group_chat_id: int | None, everywhere: bool = False,
        units: Iterable[int] | None = None, limit: int = 5,
    ) -> list[Meeting]:
        """Meetings held, latest first, of one group, of the ``units`` named, or of all with
        ``everywhere``: never "all" because no group was named."""
        if group_chat_id is None and units is None and not everywhere:
            raise ValueError("past meetings of no group: name one, or ask for everywhere")
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM meetings WHERE status = 'scheduled' AND starts_at <= :now"
            " AND (:chat IS NULL OR group_chat_id = :chat)"
            " AND (:units IS NULL OR group_chat_id IN (SELECT CAST(value AS BIGINT)"
            " FROM json_each(:units)))"
            " ORDER BY starts_at DESC, id DESC LIMIT :limit",
            {"now": now, "chat": group_chat_id, "limit": limit,
             "units": None if units is None else json.dumps(sorted(set(units)))},
        )
        return [Meeting(*row) for row in rows]

    async def update(
        self,
        conn: aiosqlite.Connection,
        meeting_id: int,
        *,
        starts_at: int,
        place: str,
        title: str,
        now: int,
    ) -> None:
        await conn.execute(
            "UPDATE meetings SET starts_at = ?, place = ?, title = ?, updated_at = ? WHERE id = ?",
            (starts_at, place, title, now, meeting_id),
        )

    async def cancel(self, conn: aiosqlite.Connection, meeting_id: int, now: int) -> None:
        await conn.execute(
            "UPDATE meetings SET status = 'cancelled', updated_at = ? WHERE id = ?",
            (now, meeting_id),
        )

    async def set_minutes(
        self, conn: aiosqlite.Connection, meeting_id: int, text: str, by: int, now: int
    ) -> None:
        await conn.execute(
            "UPDATE meetings SET minutes = ?, minutes_by = ?, minutes_at = ?, updated_at = ?"
            " WHERE id = ?",
            (text, by, now, now, meeting_id),
        )

    async def respond(
        self,
        conn: aiosqlite.Connection,
        meeting_id: int,
        member_id: int,
        response: str,
        now: int,
        awaiting_reason: bool,
    ) -> None:
        await conn.execute(
            "UPDATE meeting_attendees SET response = ?, reason = NULL, responded_at = ?,"
            " awaiting_reason = ?, excused = NULL WHERE meeting_id = ? AND member_id = ?",
            (response, now, int(awaiting_reason), meeting_id, member_id),
        )

    async def give_reason(
        self, conn: aiosqlite.Connection, meeting_id: int, member_id: int, reason: str | None
    ) -> None:
        await conn.execute(
            "UPDATE meeting_attendees SET reason = ?, awaiting_reason = 0"
            " WHERE meeting_id = ? AND member_id = ?",
            (reason, meeting_id, member_id),
        )

    async def judge(
        self, conn: aiosqlite.Connection, meeting_id: int, member_id: int, excused: bool
    ) -> None:
        await conn.execute(
            "UPDATE meeting_attendees SET excused = ? WHERE meeting_id = ? AND member_id = ?",
            (int(excused), meeting_id, member_id),
        )

    async def awaiting_reason(self, member_id: int) -> int | None:
        """The meeting whose absence reason the bot is waiting for from this member."""
        row = await self.db.fetchone(
            "SELECT meeting_id FROM meeting_attendees WHERE member_id = ? AND awaiting_reason = 1"
            " ORDER BY responded_at DESC LIMIT 1",
            (member_id,),
        )
        return row[0] if row else None

    async def rates_by_member(self, meeting_ids: list[int]) -> list[tuple[Member, int, int]]:
        """(member, meetings invited to, meetings they said they would attend)."""
        rows = await self.db.fetchall(
            f"SELECT {_MEMBER_ALIASED}, COUNT(*), COUNT(*) FILTER (WHERE a.response = 'attend')"
            " FROM meeting_attendees a JOIN members m ON m.id = a.member_id"
            " WHERE a.meeting_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))"
            " GROUP BY m.id ORDER BY m.id",
            (json.dumps(meeting_ids),),
        )
        return [(Member(*row[:-2]), row[-2], row[-1] or 0) for row in rows]

    async def insert_series(
        self,
        conn: aiosqlite.Connection,
        *,
        rule: str,
        local_time: str,
        title: str,
        place: str,
        agenda: str,
        group_chat_id: int | None,
        member_ids: list[int],
        created_by: int,
        now: int,
    ) -> int:
        return await new_id(
            conn,
            "INSERT INTO meeting_series (rule, local_time, title, place, agenda, group_chat_id,"
            " member_ids, created_by, created_at, planned_until)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rule,
                local_time,
                title,
                place,
                agenda,
                group_chat_id,
                json.dumps(member_ids),
                created_by,
                now,
                now,
            ),
        )

    async def active_series(self) -> list[Series]:
        rows = await self.db.fetchall(
            f"SELECT {_SERIES_COLUMNS} FROM meeting_series WHERE active = 1 ORDER BY id"
        )
        return [Series._from_row(row) for row in rows]

    async def series_planned(self, conn: aiosqlite.Connection, series_id: int, until: int) -> None:
        await conn.execute(
            "UPDATE meeting_series SET planned_until = ? WHERE id = ?", (until, series_id)
        )

    async def stop_series(self, conn: aiosqlite.Connection, series_id: int, now: int) -> list[int]:
        """Stop a series and cancel its occurrences still ahead; return their ids."""
        await conn.execute("UPDATE meeting_series SET active = 0 WHERE id = ?", (series_id,))
        async with conn.execute(
            "UPDATE meetings SET status = 'cancelled', updated_at = :now"
            " WHERE series_id = :series AND status = 'scheduled' AND starts_at > :now"
            " RETURNING id",
            {"series": series_id, "now": now},
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]
