"""The province-sized database for bench/views.py: 1,000,000 tasks, 100,000 members.

The schema comes from the bot's own migrations (``Database.open``); the rows go in with bulk
``executemany`` in one transaction, as bench/seed.py plans reminders in bulk, so the file takes
minutes to build. It is cached under ``bench/.cache/`` (gitignored) and copied per run.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storage import database

DAY = 86_400
MEMBERS = 100_000
UNITS = 1_000
TASKS = 1_000_000
MEETINGS = 100_000
ATTENDEES = 5  # per meeting
TAGS = tuple(f"{n}-NQ/TW" for n in range(1, 41))
ADMIN_TELEGRAM = 10_000_001  # member 1, an organisation admin (ADMIN_IDS)
ASKER_TELEGRAM = 10_000_002  # member 2: ten open tasks, thirty meetings ahead
ASKER_TASKS = 10
ASKER_MEETINGS = 30
FIRE_LATER = 3650 * DAY
VERSION = 2  # bump when the data changes, so a stale cached file is rebuilt

# The SQLite class is SqliteDatabase since the PostgreSQL back-end, Database before (--code).
Sqlite = getattr(database, "SqliteDatabase", database.Database)


@dataclass(frozen=True)
class Shape:
    now: int

    def unit(self, n: int) -> int:
        return -1_000_000_000_000 - (n % UNITS)

    def due(self, task: int) -> int:
        """Deadlines spread over 200 days back and 200 ahead: about half are overdue."""
        return self.now - 200 * DAY + (task * 7919) % (400 * DAY)

    def assignee(self, task: int) -> int:
        if task % (TASKS // ASKER_TASKS) == 1:
            return 2
        return 3 + (task * 31) % (MEMBERS - 2)


def cached_path(cache: Path) -> Path:
    return cache / f"views-v{VERSION}-{TASKS}.sqlite3"


async def build(path: Path, now: int) -> float:
    """Create the file (schema by migrations, rows in bulk); the seconds it took."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    building = path.with_suffix(".building")
    db = Sqlite(building)
    await db.open()
    await db.close()
    conn = sqlite3.connect(building, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        _fill(conn, Shape(now))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    building.rename(path)
    return time.perf_counter() - started


def _fill(conn: sqlite3.Connection, shape: Shape) -> None:
    now = shape.now
    conn.executemany(
        "INSERT INTO members (id, telegram_id, username, full_name, language, started_at,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((n, 10_000_000 + n, f"cadre{n}", f"Cán bộ {n}", "vi" if n % 3 else "en", now, now,
          now) for n in range(1, MEMBERS + 1)),
    )
    conn.executemany(
        "INSERT INTO chats (id, type, title, subscribed, created_at, updated_at)"
        " VALUES (?, 'supergroup', ?, 1, ?, ?)",
        ((shape.unit(u), f"Chi bộ {u}", now, now) for u in range(UNITS)),
    )
    conn.executemany(
        "INSERT INTO chat_members (chat_id, member_id, last_seen, status, source, changed_at)"
        " VALUES (?, ?, ?, 'member', 'seen', ?)",
        ((shape.unit(n), n, now, now) for n in range(1, MEMBERS + 1)),
    )
    conn.executemany(
        "INSERT INTO tasks (id, title, tag, due_at, status, group_chat_id, created_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
        ((t, f"Báo cáo kết quả thực hiện số {t}", TAGS[t % len(TAGS)], shape.due(t),
          _task_status(t), shape.unit(t), now, now) for t in range(1, TASKS + 1)),
    )
    conn.executemany(
        "INSERT INTO task_assignees (task_id, member_id, status) VALUES (?, ?, ?)",
        ((t, shape.assignee(t), "open" if _task_status(t) == "open" else "done")
         for t in range(1, TASKS + 1)),
    )
    conn.executemany(
        "INSERT INTO reminders (event_kind, event_id, kind, member_id, event_at, fire_at,"
        " next_at, status) VALUES ('task', ?, 'due', ?, ?, ?, ?, ?)",
        _reminders(shape),
    )
    conn.executemany(
        "INSERT INTO meetings (id, title, place, starts_at, group_chat_id, created_by,"
        " created_at, updated_at) VALUES (?, ?, 'Hội trường', ?, ?, 1, ?, ?)",
        ((m, f"Họp chi bộ định kỳ số {m}", shape.due(m * 10), shape.unit(m), now, now)
         for m in range(1, MEETINGS + 1)),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO meeting_attendees (meeting_id, member_id, response)"
        " VALUES (?, ?, ?)",
        _attendees(shape),
    )


def _task_status(task: int) -> str:
    return "done" if task % 5 == 0 else "open"


def _reminders(shape: Shape) -> Iterator[tuple]:
    """One deadline notice per task: pending ahead, sent behind. Pending ones fire ten years
    on, so that a run days after the build sends nothing while it measures."""
    for t in range(1, TASKS + 1):
        due = shape.due(t)
        if due > shape.now and _task_status(t) == "open":
            yield t, shape.assignee(t), due, due + FIRE_LATER, due + FIRE_LATER, "pending"
        else:
            yield t, shape.assignee(t), due, due, due, "sent"


def _attendees(shape: Shape) -> Iterator[tuple]:
    asker_meetings = 0
    for m in range(1, MEETINGS + 1):
        for k in range(ATTENDEES):
            yield m, 3 + (m * 97 + k * 13) % (MEMBERS - 2), "attend" if k % 2 else None
        if shape.due(m * 10) > shape.now and asker_meetings < ASKER_MEETINGS:
            asker_meetings += 1
            yield m, 2, None


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1])
    print(f"built in {asyncio.run(build(target, int(time.time()))):.0f} s")
