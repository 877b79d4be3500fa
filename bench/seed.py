"""Filling benchmark databases through the bot's own repositories and planner.

Rows go in the way the bot writes them (``ReminderRepository.add`` inside
``Database.transaction()``, rows from ``plan_deadline``), so planning is timed on the real code
path and the dispatch phases read exactly what the bot would have planned.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.reminders.planner import plan_deadline
from storage.database import Database, open_database
from storage.members import MemberRepository
from storage.reminders import NewReminder, ReminderRepository
from storage.tasks import TaskRepository
from tests.double import BotApiDouble

DAY = 86_400
OFFSETS = (timedelta(days=3), timedelta(days=1), timedelta(hours=2))  # the default settings
ROWS_PER_TASK = len(OFFSETS) + 1  # one per offset and the notice at the deadline
PLAN_MEMBERS = 1_000  # at full size; small runs plan for fewer (one per 20 rows)
FUTURE = 30 * DAY  # every planned reminder fires at least this far ahead


@dataclass(frozen=True)
class PlanResult:
    rows: int
    rows_per_transaction: int
    seconds: float  # inside the transactions only (building the rows is not counted)
    db_bytes: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


async def plan_pending(
    path: Path, rows: int, now: int, *, tasks_per_transaction: int
) -> PlanResult:
    """Plan ``rows`` pending task reminders (up to 1,000 members, one assignee per task, the
    default offsets), all at least 30 days ahead so a bot started on this file sends nothing."""
    db = open_database(path)
    await db.open()
    try:
        members = await _members(db, max(1, min(PLAN_MEMBERS, rows // 20)), now)
        repository = ReminderRepository(db)
        tasks = math.ceil(rows / ROWS_PER_TASK)
        seconds, written = 0.0, 0
        for first in range(1, tasks + 1, tasks_per_transaction):
            last = min(first + tasks_per_transaction, tasks + 1)
            batch = _task_reminders(range(first, last), members, now)[: rows - written]
            started = time.perf_counter()
            async with db.transaction() as conn:
                await repository.add(conn, batch)
            seconds += time.perf_counter() - started
            written += len(batch)
        pending = (await repository.status_counts()).get("pending", 0)
        if pending != rows:
            raise RuntimeError(f"planned {rows} reminders but {pending} are pending")
    finally:
        await db.close()
    return PlanResult(rows, tasks_per_transaction * ROWS_PER_TASK, seconds, db_size(path))


def _task_reminders(task_ids: range, members: list[int], now: int) -> list[NewReminder]:
    """The planner's rows for these tasks; deadlines spread over the month after FUTURE."""
    rows: list[NewReminder] = []
    for task_id in task_ids:
        event_at = now + FUTURE + 3 * DAY + (task_id * 7) % FUTURE
        rows += plan_deadline(
            event_kind="task", event_id=task_id, event_at=event_at, now=now, offsets=OFFSETS,
            member_ids=[members[task_id % len(members)]], group_chat_id=None,
        )
    return rows


async def _members(db: Database, count: int, now: int) -> list[int]:
    """Members who started the bot (reminders reference members; foreign keys are on)."""
    repository = MemberRepository(db)
    async with db.transaction() as conn:
        return [
            (await repository.record_seen(
                conn, telegram_id=10_000_000 + n, username=None, full_name=f"Member {n}",
                language="vi", started=True, now=now,
            )).id
            for n in range(count)
        ]


def db_size(path: Path) -> int:
    """The database with its WAL, as it stands on disk."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


@dataclass(frozen=True)
class Due:
    """One reminder to seed: to a user's private chat (chat_id > 0) or to a group (< 0)."""

    chat_id: int
    fire_at: int


async def seed_due(path: Path | str, double: BotApiDouble, due: list[Due], now: int) -> None:
    """A task per reminder, due a day after it fires, with one 'before' reminder.

    Private recipients are members who started the bot (in the double and in the database);
    one task per reminder keeps several reminders to one chat from superseding each other.
    """
    db = open_database(path)
    await db.open()
    members_by_user: dict[int, int] = {}
    members, tasks = MemberRepository(db), TaskRepository(db)
    try:
        async with db.transaction() as conn:
            for n, item in enumerate(due):
                member_id: int | None = None
                if item.chat_id > 0:
                    member_id = members_by_user.get(item.chat_id)
                    if member_id is None:
                        member_id = await _started_member(double, members, conn, item, now)
                        members_by_user[item.chat_id] = member_id
                elif item.chat_id not in double._state.chats:
                    double.add_group(item.chat_id, f"Group {item.chat_id}")
                task_id = await tasks.insert(
                    conn, title=f"Report {n}", tag=None, due_at=item.fire_at + DAY,
                    group_chat_id=None, created_by=None, now=now,
                )
                if member_id is not None:
                    await tasks.add_assignees(conn, task_id, [member_id])
                chat = None if member_id is not None else item.chat_id
                await ReminderRepository(db).add(conn, [NewReminder(
                    "task", task_id, "before", member_id, chat, item.fire_at + DAY, item.fire_at
                )])
    finally:
        await db.close()


async def _started_member(
    double: BotApiDouble,
    members: MemberRepository,
    conn: Any,
    item: Due,
    now: int,
) -> int:
    """A user who pressed Start, known to the double and recorded by the bot."""
    user = double.add_user(item.chat_id, f"Cadre {item.chat_id}", language_code="vi")
    double.mark_started(user["id"])
    member = await members.record_seen(
        conn,
        telegram_id=item.chat_id, username=None, full_name=f"Cadre {item.chat_id}",
        language="vi", started=True, now=now,
    )
    return member.id


@dataclass(frozen=True)
class CacheBound:
    """SQLite's page cache limit summed over the bot's connections."""

    connections: int
    cache_size: int  # the pragma's value: pages if positive, -KiB if negative
    page_size: int

    @property
    def per_connection(self) -> int:
        if self.cache_size < 0:
            return -self.cache_size * 1024
        return self.cache_size * self.page_size

    @property
    def total(self) -> int:
        return self.connections * self.per_connection


async def page_cache_bound(path: Path) -> CacheBound:
    """Ask the two connections ``Database`` opens (the writer and the reader) themselves."""
    db = open_database(path)
    await db.open()
    try:
        settings = set()
        async with db.transaction() as writer:
            settings.add(await _cache_pragmas(writer))
        reader = db._read_conn()
        settings.add(await _cache_pragmas(reader))
    finally:
        await db.close()
    if len(settings) != 1:
        raise RuntimeError(f"the two connections differ: {settings}")
    cache_size, page_size = settings.pop()
    return CacheBound(2, cache_size, page_size)


async def _cache_pragmas(conn: aiosqlite.Connection) -> tuple[int, int]:
    values = []
    for pragma in ("cache_size", "page_size"):
        async with conn.execute(f"PRAGMA {pragma}") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        values.append(int(row[0]))
    return values[0], values[1]
