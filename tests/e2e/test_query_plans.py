"""No query of the bot reads a growing table whole: every statement it ran during a working
session is checked with EXPLAIN QUERY PLAN against an allow-list of the few that must."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pytest

from bot.app import dispatcher_of
from storage.reminders import ReminderRepository
from tests.conftest import advance
from tests.databases import sqlite_only
from tests.e2e.test_members import ask

pytestmark = [pytest.mark.usefixtures("app"), sqlite_only]

GROWING = ("tasks", "task_assignees", "reminders", "meetings", "meeting_attendees",
           "chat_members", "members")
# Statements that read a growing table whole, each for a reason. Matched by a fragment.
ALLOWED = {
    # The morning digest goes to everyone with an open part or an open task they created,
    # once a day: it reads every open part by design (through the partial index of open ones).
    "SELECT a.member_id FROM task_assignees a JOIN tasks t ON t.id = a.task_id":
        "the daily digest plans one row per member with open work",
}
# Partial indexes that hold exactly the rows their queries return (rows in flight, admins,
# unreachable members): walking one whole costs what the answer holds, not the table.
RESULT_SIZED = ("reminders_sending", "members_admins", "members_unreachable",
                "members_not_started", "meeting_attendees_awaiting")
_SCAN = re.compile(r"\bSCAN (\w+)(?: AS \w+)?( USING (?:COVERING )?INDEX (\w+))?")


def full_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The growing tables a statement scans: whole (no index), or along an index without a
    LIMIT to stop the walk."""
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    aliases = dict(re.findall(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?",
                              sql, re.IGNORECASE))
    tables = {alias: table for table, alias in aliases.items() if alias} | {
        table: table for table in aliases}
    found = []
    for detail in plan:
        match = _SCAN.search(detail)
        if match is None:
            continue
        table = tables.get(match[1], match[1])
        if match[3] in RESULT_SIZED:
            continue
        if table in GROWING and (match[2] is None or " LIMIT " not in sql.upper()):
            found.append(f"{table}: {detail}")
    return found


async def collect(app) -> list[str]:
    """Trace every statement both of the bot's connections run from now on."""
    statements: list[str] = []
    db = app.bot_data["services"].db
    for conn in (db._writer, db._reader):
        await conn.set_trace_callback(statements.append)
    return statements


async def test_no_query_scans_a_growing_table(double, people, app, clock, settings) -> None:
    statements = await collect(app)
    group = people.group
    for person in (people.admin, people.binh, people.chi):
        await ask(double, person, "/start")
    await ask(double, people.admin, "/subscribe", chat=group)
    await ask(double, people.binh, "/whoami", chat=group)
    await ask(double, people.admin, "/addtask @binh_le @chi_pham 31/12/2026 17:00 Báo cáo "
                                    "#39-NQ/TW")
    await ask(double, people.admin, "/addtask 30/12/2026 Nộp bản kiểm điểm", chat=group)
    await ask(double, people.admin, "/addmeeting 15/12/2026 14:00 | Hội trường | Họp chi bộ",
              chat=group)
    for text in ("/tasks", "/alltasks", "/alltasks overdue", "/alltasks @binh_le",
                 "/alltasks #39-NQ/TW", "/task 1", "/meetings", "/meeting 1", "/attendance 1",
                 "/attendance", "/unreachable", "/find chuyen doi so", "/directive 39",
                 "/whoami"):
        await ask(double, people.admin, text)
    for text in ("/alltasks", "/meetings", "/members"):
        await ask(double, people.admin, text, chat=group)
    await double.send_text(people.admin, "/grant @chi_pham", chat=group)  # a unit admin
    await double.idle(quiet=0.3, timeout=10)
    await double.send_text(people.chi, "/alltasks")
    scoped = await double.wait_for_message(people.chi["id"], contains="Nhiệm vụ đang mở")
    assert scoped["text"].startswith("Nhiệm vụ đang mở (1)")  # their unit's task only
    for text in ("/alltasks overdue", "/alltasks #39-NQ/TW", "/alltasks @binh_le",
                 "/unreachable", "/attendance"):
        await ask(double, people.chi, text)
    await ask(double, people.binh, "/tasks")
    await ask(double, people.binh, "/done 1")
    services = app.bot_data["services"]
    await ReminderRepository(services.db).recover_in_flight()  # start-up work
    await services.members.known_admins()
    await services.digest.plan_today()
    await advance(app, clock, days=1)
    await dispatcher_of(app).run()
    await double.idle(quiet=0.3, timeout=10)
    clock.advance(**{"seconds": timedelta(days=40).total_seconds()})
    await dispatcher_of(app).run()

    conn = sqlite3.connect(settings.database_path)
    try:
        problems = {}
        for sql in dict.fromkeys(statements):
            if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT|WITH)", sql, re.IGNORECASE):
                continue
            if any(fragment in sql for fragment in ALLOWED):
                continue
            scans = full_scans(conn, sql)
            if scans:
                problems[sql[:300]] = scans
    finally:
        conn.close()
    assert len(statements) > 200  # the session really ran the bot's queries
    assert problems == {}, "\n".join(f"{k}\n  -> {v}" for k, v in problems.items())
