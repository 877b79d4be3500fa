"""``committee-bot copy-db``: an organisation's SQLite database moved to PostgreSQL (and back)
reads back identical, table by table; new rows continue after the copied ids; a destination
that holds data, or a copy that fails or differs, leaves the destination as it was."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.knowledge.service import KnowledgeService
from storage.audit import AuditRepository
from storage.chats import ChatRepository
from storage.checkins import CheckinRepository
from storage.claims import ClaimRepository
from storage.copy import TABLES, CopyError, copy_database, parse_target
from storage.database import Database, SqliteDatabase, open_database
from storage.extensions import ExtensionRepository
from storage.meetings import MeetingRepository, NewMeeting
from storage.members import MemberRepository
from storage.migrations import load_migrations
from storage.reminders import Delivery, NewReminder, ReminderRepository
from storage.task_series import TaskSeriesRepository
from storage.tasks import Report, TaskRepository
from storage.units import UnitRepository
from tests.databases import postgres_only, server_database

ROOT = Path(__file__).resolve().parents[2]
CONFIG = 2
NOW = 1_795_000_000
DAY = 86400
# The unit's id sorts before its parent's: a copy in id order meets the reference first.
CHILD, PARENT, OTHER = -1009000000001, -1001000000001, -1005000000001


async def seed(db: Database) -> None:
    """An organisation: members and a placeholder, units with rosters under a parent, a
    meeting series with RSVPs, check-ins and minutes, tasks with parts in every status,
    reminders in every status, extension requests, claims, audit rows, the knowledge base."""
    await KnowledgeService(db, SystemClock()).load_builtin()
    members, units, meetings = MemberRepository(db), UnitRepository(db), MeetingRepository(db)
    tasks, reminders = TaskRepository(db), ReminderRepository(db)
    extensions, claims = ExtensionRepository(db), ClaimRepository(db)
    async with db.transaction() as conn:
        admin = await members.record_seen(
            conn, telegram_id=7_123_456_789, username="hung_tran", full_name="Trần Hùng",
            language="vi", started=True, now=NOW)
        binh = await members.record_seen(
            conn, telegram_id=1002, username="Binh_Le", full_name="Binh Le", language="en",
            started=True, now=NOW)
        chi = await members.record_seen(
            conn, telegram_id=1003, username=None, full_name="Phạm 'Chi' \"50%\" ?",
            language="vi", started=False, now=NOW)
        newcomer = await members.placeholder(conn, "@new_cadre", NOW)
        await members.set_role(conn, admin.id, "admin", NOW)
        await members.mark_unreachable(conn, chi.id, "not_started", NOW)

        chats = ChatRepository(db)
        for chat_id, title in ((CHILD, "Chi bộ 1"), (PARENT, "Đảng bộ cơ quan"),
                               (OTHER, "Chi bộ 2")):
            await chats.record_seen(conn, chat_id, "supergroup", title, NOW)
            await chats.set_subscribed(conn, chat_id, True, admin.id, NOW)
        await chats.record_seen(conn, 7_123_456_789, "private", "", NOW)
        await units.set_name(conn, CHILD, "Chi bộ Văn phòng", NOW)
        await units.set_parent(conn, CHILD, PARENT, NOW)
        await units.set_parent(conn, OTHER, PARENT, NOW)
        for member in (binh, chi, newcomer):
            await units.join(conn, CHILD, member.id, "seen", NOW)
        await units.join(conn, PARENT, admin.id, "import", NOW)
        await units.set_role(conn, PARENT, admin.id, "admin", NOW)
        await units.leave(conn, CHILD, newcomer.id, "admin", NOW + 1)

        series = await meetings.insert_series(
            conn, rule="weekly:0", local_time="19:30", title="Sinh hoạt chi bộ",
            place="Phòng họp 2", agenda="", group_chat_id=CHILD, member_ids=[binh.id, chi.id],
            created_by=admin.id, now=NOW)
        held = await meetings.insert(conn, NewMeeting(
            "Sinh hoạt chi bộ", "Phòng họp 2", "1. Báo cáo\n2. Kế hoạch 100%", NOW + DAY,
            None, CHILD, admin.id, series_id=series), NOW)
        called_off = await meetings.insert(conn, NewMeeting(
            "Họp đột xuất", "", "", NOW + 2 * DAY, NOW + 3 * DAY, None, admin.id), NOW)
        await meetings.add_attendees(conn, held, [admin.id, binh.id, chi.id])
        await meetings.add_attendees(conn, called_off, [binh.id])
        await meetings.respond(conn, held, binh.id, "attend", NOW, awaiting_reason=False)
        await meetings.respond(conn, held, chi.id, "absent", NOW, awaiting_reason=True)
        await meetings.give_reason(conn, held, chi.id, "Ốm")
        await meetings.judge(conn, held, chi.id, excused=True)
        await meetings.respond(conn, called_off, binh.id, "absent", NOW, awaiting_reason=True)
        await CheckinRepository(db).check_in(conn, held, binh.id, admin.id, NOW + DAY)
        await meetings.set_minutes(conn, held, "Biên bản: thống nhất kế hoạch.", admin.id,
                                   NOW + DAY + 3600)
        await meetings.cancel(conn, called_off, NOW)

        monthly = await TaskSeriesRepository(db).insert(
            conn, rule="monthly:1", local_time="08:00", title="Báo cáo tháng", tag="39-NQ/TW",
            priority=None, group_chat_id=CHILD, member_ids=[binh.id], created_by=admin.id,
            now=NOW)
        review = await tasks.insert(
            conn, title="Nộp bản kiểm điểm", tag="39-NQ/TW", due_at=NOW + 7 * DAY,
            group_chat_id=CHILD, created_by=admin.id, now=NOW, meeting_id=held,
            priority="urgent")
        report = await tasks.insert(
            conn, title="Báo cáo tháng", tag="39-NQ/TW", due_at=NOW + 10 * DAY,
            group_chat_id=CHILD, created_by=admin.id, now=NOW, series_id=monthly)
        dropped = await tasks.insert(
            conn, title="Việc đã huỷ", tag=None, due_at=NOW + 3 * DAY, group_chat_id=None,
            created_by=admin.id, now=NOW)
        await tasks.add_assignees(conn, review, [binh.id, chi.id, newcomer.id])
        await tasks.add_assignees(conn, report, [binh.id])
        await tasks.add_assignees(conn, dropped, [chi.id])
        await tasks.close_part(conn, review, binh.id, status="done", by=binh.id, now=NOW + 60,
                               report=Report("Xong", "BQACAgUAAxk", "document", "kiểm điểm.pdf"))
        await tasks.close_part(conn, review, chi.id, status="excused", by=admin.id,
                               now=NOW + 120, reason="Đi công tác")
        await tasks.set_status(conn, dropped, "cancelled", admin.id, NOW + 180)

        await reminders.add(conn, [
            NewReminder("task", review, "before", binh.id, None, NOW + 7 * DAY, NOW + 4 * DAY),
            NewReminder("task", review, "due", None, CHILD, NOW + 7 * DAY, NOW + 7 * DAY),
            NewReminder("task", review, "escalation", admin.id, None, NOW + 7 * DAY,
                        NOW + 8 * DAY, subject_id=newcomer.id),
            NewReminder("meeting", held, "before", chi.id, None, NOW + DAY, NOW + 3600),
            NewReminder("task", report, "before", binh.id, None, NOW + 10 * DAY, NOW + 9 * DAY),
            NewReminder("digest", 0, "digest", admin.id, None, NOW, NOW),
            NewReminder("task", dropped, "before", chi.id, None, NOW + 3 * DAY, NOW + 2 * DAY),
        ])
        await reminders.cancel_pending(conn, "task", dropped)

        await extensions.start(conn, review, newcomer.id, NOW)  # still asking
        for task_id, member, verdict in ((review, chi, "approved"), (report, binh, "declined")):
            request = await extensions.start(conn, task_id, member.id, NOW)
            await extensions.submit(conn, request, NOW + 12 * DAY, "Cần thêm thời gian")
            await extensions.decide(conn, request, verdict, admin.id, NOW + 200)

        await claims.record(conn, username="new_cadre", member_id=binh.id,
                            task_ids=[review], meeting_ids=[], now=NOW)
        undone = await claims.record(conn, username="new_cadre", member_id=binh.id,
                                     task_ids=[report], meeting_ids=[held], now=NOW)
        audit = AuditRepository(db)
        await audit.record(conn, at=NOW, actor_id=admin.id, action="task.create",
                           target=f"task:{review}", details='{"title": "Nộp bản kiểm điểm"}')
        await audit.record(conn, at=NOW + 1, actor_id=None, action="unit.parent",
                           target=f"chat:{CHILD}", details="50% done; it's ?1 :name")
    async with db.transaction() as conn:
        claim = await claims.get(undone)
        await ClaimRepository.give_back(conn, claim, newcomer.id, admin.id, NOW + 300)
    await reminders.skip_superseded(NOW + 7200, 3600)  # the digest, too late: skipped
    due = await reminders.claim_due(NOW + 30 * DAY, 3)  # sending
    async with db.transaction() as conn:
        await reminders.finish(conn, [
            Delivery(due[0].id, "sent", NOW + 3600),
            Delivery(due[1].id, "failed", NOW + 3600, error="Forbidden: bot was blocked"),
        ])
    statuses = await reminders.status_counts()
    assert set(statuses) == {"pending", "sending", "sent", "failed", "cancelled", "skipped"}


@contextmanager
def opened_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path)
    try:
        yield conn
    finally:
        conn.close()


async def seeded(path: Path) -> Path:
    db = open_database(path)
    await db.open()
    await seed(db)
    await db.close()
    return path


async def rows_of(db: Database) -> dict[str, list[tuple]]:
    """Every copied table's rows, in an order that does not depend on the engine's
    collation."""
    found = {}
    for table in TABLES:
        rows = await db.fetchall(f"SELECT {', '.join(table.columns)} FROM {table.name}")
        found[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return found


async def contents(target: str | Path) -> dict[str, list[tuple]]:
    db = open_database(target)
    await db.open()
    try:
        return await rows_of(db)
    finally:
        await db.close()


def copy_db(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "copy-db", *args],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the user reads when the copy is refused."""
    assert result.returncode == CONFIG, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("committee-bot: ")
    return lines[0]


@postgres_only
async def test_an_organisation_copied_to_postgresql_reads_back_identical(tmp_path: Path) -> None:
    source = await seeded(tmp_path / "committee.sqlite3")
    before = await contents(source)
    assert all(before.values()), "the seed leaves a table empty: it checks nothing there"
    with server_database(template=None) as url:
        result = copy_db(tmp_path, "--from", "sqlite:///committee.sqlite3", "--to", url)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        lines = result.stdout.splitlines()
        assert lines[0] == f"From: {source.name} (SQLite, schema version 10)"
        assert lines[1].startswith("To:   postgresql://postgres@") and \
            lines[1].endswith("(PostgreSQL, schema version 10)")
        counts = {line.split()[0]: line.split()[1:] for line in lines[3:-1]}
        assert counts == {name: [str(len(rows))] * 2 for name, rows in before.items()}
        assert lines[-1] == (f"verified: {len(TABLES)} tables, "
                             f"{sum(map(len, before.values()))} rows, each table read back "
                             "identical")

        assert await contents(url) == before
        copy = open_database(url)
        await copy.open()
        try:
            await new_rows_continue_after_the_copied_ids(copy, before)
            indexed = await copy.fetchone(
                "SELECT COUNT(*) FROM kb_search WHERE folded IS NOT NULL AND marked IS NOT NULL")
            assert indexed[0] == len(before["kb_search"])
        finally:
            await copy.close()
        again = refusal(copy_db(tmp_path, "--from", str(source), "--to", url))
        assert again.startswith("committee-bot: The destination postgresql://")
        assert "already holds data (in members): copy-db writes only into an empty " \
               "database" in again


async def new_rows_continue_after_the_copied_ids(db: Database,
                                                 before: dict[str, list[tuple]]) -> None:
    def next_id(table: str) -> int:
        return max(row[0] for row in before[table]) + 1

    async with db.transaction() as conn:
        task = await TaskRepository(db).insert(
            conn, title="Sau khi chuyển", tag=None, due_at=NOW + DAY, group_chat_id=PARENT,
            created_by=1, now=NOW)
        member = await MemberRepository(db).record_seen(
            conn, telegram_id=2001, username="moi", full_name="Mới", language="vi",
            started=True, now=NOW)
        meeting = await MeetingRepository(db).insert(conn, NewMeeting(
            "Họp mới", "", "", NOW + DAY, None, PARENT, member.id), NOW)
        await AuditRepository(db).record(conn, at=NOW, actor_id=member.id, action="x")
    assert (task, member.id, meeting) == (next_id("tasks"), next_id("members"),
                                          next_id("meetings"))
    audit = await db.fetchone("SELECT MAX(id) FROM audit_log")
    assert audit[0] == next_id("audit_log")


@postgres_only
async def test_postgresql_copies_back_to_sqlite_in_small_pages(tmp_path: Path) -> None:
    """Pages of two rows: every keyset (composite keys, kb_search's rowid) is paged through."""
    source = open_database(await seeded(tmp_path / "committee.sqlite3"))
    back = open_database(tmp_path / "back" / "committee.sqlite3")
    with server_database(template=None) as url:
        middle = open_database(url)
        for db in (source, middle, back):
            await db.open()
        try:
            there = await copy_database(source, middle, page=2)
            home = await copy_database(middle, back, page=2)
            assert [(c.table, c.source_rows) for c in there] == \
                [(c.table, c.source_rows) for c in home]
            assert await rows_of(back) == await rows_of(source)
            await new_rows_continue_after_the_copied_ids(back, await rows_of(source))
        finally:
            for db in (source, middle, back):
                await db.close()


@postgres_only
@pytest.mark.parametrize(("change", "message"), [
    # PostgreSQL's text holds no NUL character: the last table fails, after all the others.
    ("UPDATE claims SET username = 'new' || char(0) || 'cadre'",
     "Copying table claims failed: "),
    # A fraction where a whole number belongs: PostgreSQL rounds it, the read-back sees it.
    ("UPDATE tasks SET due_at = due_at + 0.5",
     "Verification failed: table tasks reads back different from the source."),
], ids=["fails", "differs"])
async def test_a_copy_that_fails_or_differs_leaves_the_destination_empty(
    tmp_path: Path, change: str, message: str
) -> None:
    path = await seeded(tmp_path / "committee.sqlite3")
    with opened_sqlite(path) as conn:
        conn.execute(change)
        conn.commit()
    source = open_database(path)
    with server_database(template=None) as url:
        destination = open_database(url)
        for db in (source, destination):
            await db.open()
        try:
            with pytest.raises(CopyError, match="Nothing was written") as raised:
                await copy_database(source, destination)
            assert str(raised.value).startswith(message)
            assert not any((await rows_of(destination)).values())
        finally:
            for db in (source, destination):
                await db.close()


@postgres_only
async def test_an_older_source_is_upgraded_first_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.database

    older = [m for m in load_migrations() if m.version <= 7]
    monkeypatch.setattr(storage.database, "load_migrations", lambda: older)
    old = SqliteDatabase(tmp_path / "old.sqlite3")
    await old.open()
    async with old.transaction() as conn:
        await conn.execute("INSERT INTO members (telegram_id, username, full_name, language,"
                           " created_at, updated_at) VALUES (42, 'kept', 'Kept', 'en', 1, 1)")
    await old.close()
    monkeypatch.undo()
    with server_database(template=None) as url:
        result = copy_db(tmp_path, "--from", "old.sqlite3", "--to", url)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == \
            "From: old.sqlite3 (SQLite, schema version 7, upgraded to 10)"
        assert "\nmembers  " in result.stdout and result.stdout.rstrip().endswith(
            "1 rows, each table read back identical")
        copied = await contents(url)
    assert [row[1:4] for row in copied["members"]] == [(42, "kept", "Kept")]


def test_the_same_database_is_refused(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "committee.sqlite3").close()
    text = refusal(copy_db(tmp_path, "--from", "committee.sqlite3",
                           "--to", f"sqlite:///{tmp_path}/./committee.sqlite3"))
    assert text == ("committee-bot: The source and the destination are the same database "
                    "(committee.sqlite3): name an empty database with --to.")


def test_a_missing_source_is_refused_and_not_created(tmp_path: Path) -> None:
    text = refusal(copy_db(tmp_path, "--from", "sqlite:///missing.sqlite3",
                           "--to", str(tmp_path / "new.sqlite3")))
    assert text.startswith("committee-bot: The source missing.sqlite3 is not a file")
    assert not (tmp_path / "missing.sqlite3").exists()
    assert not (tmp_path / "new.sqlite3").exists()


def test_a_file_that_holds_no_committee_database_is_refused(tmp_path: Path) -> None:
    with opened_sqlite(tmp_path / "other.sqlite3") as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    text = refusal(copy_db(tmp_path, "--from", "other.sqlite3", "--to", "new.sqlite3"))
    assert text == ("committee-bot: The source other.sqlite3 is an SQLite database, but not one "
                    "of committee-bot's (it has no schema_migrations table).")
    with opened_sqlite(tmp_path / "other.sqlite3") as conn:  # refused before anything wrote
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_schema")]
    assert tables == ["notes"]
    assert not (tmp_path / "new.sqlite3").exists()


def test_an_unknown_address_is_refused(tmp_path: Path) -> None:
    text = refusal(copy_db(tmp_path, "--from", "mysql://db/committee", "--to", "new.sqlite3"))
    assert text.startswith("committee-bot: mysql://db/committee: not a database this bot "
                           "can use.")


@pytest.mark.parametrize(("text", "target"), [
    ("sqlite:///data/committee.sqlite3", Path("data/committee.sqlite3")),
    ("sqlite:////srv/bot/committee.sqlite3", Path("/srv/bot/committee.sqlite3")),
    ("data/committee.sqlite3", Path("data/committee.sqlite3")),
    ("postgresql://bot@db/committee", "postgresql://bot@db/committee"),
    ("postgres://bot@db/committee", "postgres://bot@db/committee"),
])
def test_addresses(text: str, target: str | Path) -> None:
    assert parse_target(text) == target


async def test_the_tables_copied_are_the_whole_sqlite_schema(tmp_path: Path) -> None:
    """Each table with its columns and key, parents before the tables that refer to them (or
    the reference filled in after); a migration that adds a column must add it to TABLES."""
    db = open_database(tmp_path / "schema.sqlite3")
    await db.open()
    await db.close()
    with opened_sqlite(tmp_path / "schema.sqlite3") as conn:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'kb_search_%' AND name != 'schema_migrations'")]
        assert sorted(names) == sorted(table.name for table in TABLES)
        order = [table.name for table in TABLES]
        for table in TABLES:
            info = conn.execute(f"PRAGMA table_info({table.name})").fetchall()
            columns = [row[1] for row in info]
            key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
            if table.name == "kb_search":  # FTS5: the rowid is its key
                columns, key = ["rowid", *columns], ["rowid"]
            assert list(table.columns) == columns, table.name
            assert list(table.key) == key, table.name
            for reference in conn.execute(f"PRAGMA foreign_key_list({table.name})"):
                parent, column = reference[2], reference[3]
                assert order.index(parent) < order.index(table.name) or \
                    column in table.later, f"{table.name}.{column}"


@postgres_only
def test_the_tables_copied_are_the_whole_postgresql_schema() -> None:
    """The same columns in PostgreSQL, but for the computed ones (kb_search's vectors)."""
    import psycopg

    with server_database() as url, psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND is_generated = 'NEVER'"
            " AND table_name != 'schema_migrations' ORDER BY table_name, ordinal_position"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    assert found == {table.name: list(table.columns) for table in TABLES}
