"""Keyset paging of report rows: every row once, in order, whatever the page size."""

from __future__ import annotations

from pathlib import Path

from storage.database import Database, open_database
from storage.meetings import MeetingRepository, NewMeeting
from storage.members import MemberRepository
from storage.reports import ReportRepository, Window
from storage.tasks import TaskRepository


async def seeded(target: str | Path) -> Database:
    """Seven tasks sharing two deadlines, three parts each; two meetings of four people."""
    db = open_database(target)
    await db.open()
    people, tasks, meetings = MemberRepository(db), TaskRepository(db), MeetingRepository(db)
    async with db.transaction() as conn:
        ids = [(await people.record_seen(conn, telegram_id=10 + n, username=f"u{n}",
                                         full_name=f"Người {n}", language="vi", started=True,
                                         now=1)).id for n in range(4)]
        for n in range(7):
            task = await tasks.insert(conn, title=f"Việc {n}", tag=None, due_at=100 + n % 2,
                                      group_chat_id=None, created_by=ids[0], now=1)
            assert task is not None
            await tasks.add_assignees(conn, task, ids[n % 2:n % 2 + 3])
        for n in range(2):
            meeting = await meetings.insert(conn, NewMeeting(f"Họp {n}", "", "", 200, None,
                                                             None, ids[0]), 1)
            assert meeting is not None
            await meetings.add_attendees(conn, meeting, ids)
    return db


async def test_pages_hold_every_row_once_in_order(database: str | Path) -> None:
    db = await seeded(database)
    rows = ReportRepository(db)
    window = Window(0, 1000, None)
    whole = [r async for r in rows.parts(window, page=1000)]
    assert len(whole) == 21
    for page in (1, 2, 5, 21):
        assert [r async for r in rows.parts(window, page=page)] == whole
    keys = [(r.due_at, r.task_id, r.member_id) for r in whole]
    assert keys == sorted(keys)
    seen = [r async for r in rows.attendance(window, page=3)]
    assert [(r.meeting_id, r.member_id) for r in seen] == [(m, p) for m in (1, 2)
                                                          for p in (1, 2, 3, 4)]
    assert [r async for r in rows.parts(Window(0, 1000, (-5,), creator=999), page=2)] == []
    await db.close()
