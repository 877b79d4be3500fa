"""Storage: pragmas, migrations, the newer-schema refusal, transactions and members."""

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage.database import (
    Database,
    DatabaseTooNewError,
    SqliteDatabase,
    WriteFailed,
    open_database,
)
from storage.meeting_lists import MeetingListRepository
from storage.meetings import MeetingRepository
from storage.members import MemberRepository
from storage.migrations import latest_version, load_migrations, split_statements
from tests.databases import sqlite_only


@pytest.fixture
async def db(database: str | Path):
    opened = open_database(database)
    await opened.open()
    yield opened
    await opened.close()


@sqlite_only
async def test_pragmas_are_set_on_every_connection(db: Database) -> None:
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    assert (await db.fetchone("PRAGMA synchronous"))[0] == 1  # NORMAL
    assert (await db.fetchone("PRAGMA busy_timeout"))[0] == 5000


async def test_every_migration_is_applied_and_recorded(db: Database) -> None:
    rows = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    migrations = load_migrations(db.dialect)
    assert [(r[0], r[1]) for r in rows] == [(m.version, m.name) for m in migrations]
    assert await db.schema_version() == latest_version()


@sqlite_only
async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    for _ in range(2):
        database = SqliteDatabase(tmp_path / "x.sqlite3")
        await database.open()
        count = (await database.fetchone("SELECT COUNT(*) FROM schema_migrations"))[0]
        await database.close()
    assert count == len(load_migrations())


@sqlite_only
async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    database = SqliteDatabase(path)
    await database.open()
    async with database.transaction() as conn:
        await conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)"
        )
    await database.close()
    with pytest.raises(DatabaseTooNewError, match="schema version 999"):
        await SqliteDatabase(path).open()


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    members = MemberRepository(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await members.record_seen(
                conn, telegram_id=7, username="x", full_name="X", language="vi",
                started=False, now=1,
            )
            raise RuntimeError("boom")
    assert await members.by_telegram_id(7) is None


def test_statement_splitting_keeps_trigger_bodies_whole() -> None:
    script = (
        "CREATE TABLE t (a);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 1;\n  SELECT 1;\nEND;\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].endswith("END;")


async def test_a_placeholder_kept_by_username_is_linked_when_the_person_appears(
    db: Database,
) -> None:
    members = MemberRepository(db)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO members (username, full_name, created_at, updated_at)"
            " VALUES ('Lan_Tran', '', 1, 1)"
        )
        linked = await members.record_seen(
            conn, telegram_id=55, username="lan_tran", full_name="Trần Lan", language="en",
            started=True, now=2,
        )
    assert (linked.telegram_id, linked.full_name, linked.started_at) == (55, "Trần Lan", 2)
    assert (await db.fetchone("SELECT COUNT(*) FROM members"))[0] == 1


async def test_a_username_moves_to_whoever_holds_it_now(db: Database) -> None:
    members = MemberRepository(db)
    async with db.transaction() as conn:
        await members.record_seen(
            conn, telegram_id=1, username="chair", full_name="A", language="vi",
            started=False, now=1,
        )
        await members.record_seen(
            conn, telegram_id=2, username="chair", full_name="B", language="vi",
            started=False, now=2,
        )
    assert (await members.by_username("@CHAIR")).telegram_id == 2
    assert (await members.by_telegram_id(1)).username is None


async def test_a_later_visit_keeps_the_chosen_language(db: Database) -> None:
    members = MemberRepository(db)
    async with db.transaction() as conn:
        first = await members.record_seen(
            conn, telegram_id=3, username=None, full_name="C", language="vi",
            started=False, now=1,
        )
        await members.set_language(conn, first.id, "en", 2)
        again = await members.record_seen(
            conn, telegram_id=3, username=None, full_name="C", language="vi",
            started=True, now=3,
        )
    assert again.language == "en"


@sqlite_only
async def test_a_database_from_every_earlier_version_upgrades_without_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.database

    all_migrations = load_migrations()
    for known in range(1, len(all_migrations)):
        path = tmp_path / f"v{known}.sqlite3"
        older = all_migrations[:known]
        monkeypatch.setattr(storage.database, "load_migrations", lambda older=older: older)
        old = SqliteDatabase(path)
        await old.open()
        async with old.transaction() as conn:  # as version 1 wrote it
            await conn.execute(
                "INSERT INTO members (telegram_id, username, full_name, language, started_at,"
                " created_at, updated_at) VALUES (42, 'kept', 'Kept', 'en', 1, 1, 1)"
            )
        await old.close()
        monkeypatch.setattr(storage.database, "load_migrations", load_migrations)
        new = SqliteDatabase(path)
        await new.open()
        assert await new.schema_version() == len(all_migrations)
        kept = await MemberRepository(new).by_telegram_id(42)
        assert (kept.username, kept.full_name, kept.language) == ("kept", "Kept", "en")
        await new.close()


@sqlite_only
async def test_tags_and_documents_of_an_earlier_version_take_the_official_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 6 writes codes with Đ: a task tagged #138-QD/TW shows 138-QĐ/TW after it."""
    import storage.database

    path = tmp_path / "v5.sqlite3"
    migrations = load_migrations()
    before = [m for m in migrations if m.version < 6]
    monkeypatch.setattr(storage.database, "load_migrations", lambda: before)
    old = SqliteDatabase(path)
    await old.open()
    async with old.transaction() as conn:
        for tag in ("138-QD/TW", "1059/QD-TTg", "08-QDi/TW", "39-NQ/TW", None):
            await conn.execute("INSERT INTO tasks (title, tag, due_at, created_at, updated_at)"
                               " VALUES ('t', ?, 1, 1, 1)", (tag,))
        await conn.execute("INSERT INTO kb_documents (code, kind, origin)"
                           " VALUES ('39-NQ/TW', 'resolution', 'builtin')")
    await old.close()
    monkeypatch.setattr(storage.database, "load_migrations", lambda: migrations)
    new = SqliteDatabase(path)
    await new.open()
    rows = await new.fetchall("SELECT tag FROM tasks ORDER BY id")
    assert [row[0] for row in rows] == ["138-QĐ/TW", "1059/QĐ-TTg", "08-QĐi/TW", "39-NQ/TW", None]
    assert (await new.fetchone("SELECT coded FROM kb_documents"))[0] == 1
    await new.close()


@sqlite_only
async def test_tasks_of_the_previous_schema_become_parts_with_their_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before parts existed a task had one status; each assignee's part now carries it."""
    import storage.database

    path = tmp_path / "v6.sqlite3"
    migrations = load_migrations()
    parts = next(m.version for m in migrations if m.name == "units_parts")
    before = [m for m in migrations if m.version < parts]
    monkeypatch.setattr(storage.database, "load_migrations", lambda: before)
    old = SqliteDatabase(path)
    await old.open()
    async with old.transaction() as conn:
        for member in (1, 2):
            await conn.execute("INSERT INTO members (id, telegram_id, full_name, created_at,"
                               " updated_at) VALUES (?, ?, 'm', 1, 1)", (member, 100 + member))
        for task, status in ((1, "open"), (2, "done"), (3, "cancelled")):
            await conn.execute(
                "INSERT INTO tasks (id, title, due_at, status, created_at, updated_at,"
                " closed_by, closed_at) VALUES (?, 't', 9, ?, 1, 1, ?, ?)",
                (task, status, 1 if status == "done" else None, 5 if status != "open" else None))
            for member in (1, 2):
                await conn.execute("INSERT INTO task_assignees (task_id, member_id)"
                                   " VALUES (?, ?)", (task, member))
    await old.close()
    monkeypatch.setattr(storage.database, "load_migrations", lambda: migrations)
    new = SqliteDatabase(path)
    await new.open()
    rows = await new.fetchall(
        "SELECT t.id, t.status, a.member_id, a.status, a.done_at, a.done_by FROM tasks t"
        " JOIN task_assignees a ON a.task_id = t.id ORDER BY t.id, a.member_id")
    assert [tuple(r) for r in rows] == [
        (1, "open", 1, "open", None, None), (1, "open", 2, "open", None, None),
        (2, "done", 1, "done", 5, 1), (2, "done", 2, "done", 5, 1),
        (3, "cancelled", 1, "open", None, None), (3, "cancelled", 2, "open", None, None),
    ]
    await new.close()


async def test_no_meeting_query_reads_a_missing_member_or_group_as_everyone(db: Database) -> None:
    meetings = MeetingRepository(db)
    with pytest.raises(ValueError, match="nobody"):
        await MeetingListRepository(db).page(0, member_id=None, group_chat_id=None,
                                             cursor=None, size=5, last_size=5)
    with pytest.raises(ValueError, match="no group"):
        await meetings.past(0, group_chat_id=None)
    assert await meetings.past(0, group_chat_id=None, everywhere=True) == []


@sqlite_only
async def test_a_write_the_database_cannot_take_is_rolled_back_as_write_failed(
    db: Database,
) -> None:
    async with db.transaction() as conn:
        await conn.execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(db.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(WriteFailed):
            async with db.transaction() as conn:
                await conn.execute("DELETE FROM schema_migrations")
        other.rollback()
    finally:
        other.close()
    assert await db.schema_version() == len(load_migrations())


async def test_not_started_is_not_recorded_for_someone_who_started_meanwhile(db: Database) -> None:
    """A placeholder's notice fails as "not started" while its person starts the bot."""
    members = MemberRepository(db)
    async with db.transaction() as conn:
        placeholder = await members.placeholder(conn, "moi_vao", 1)
        await members.record_seen(conn, telegram_id=77, username="moi_vao", full_name="Mới",
                                  language="vi", started=True, now=2)
        await members.mark_unreachable(conn, placeholder.id, "not_started", 3)
    started = await members.by_telegram_id(77)
    assert started is not None and started.unreachable is None
    async with db.transaction() as conn:
        await members.mark_unreachable(conn, placeholder.id, "blocked", 4)
    assert (await members.by_telegram_id(77)).unreachable == "blocked"


async def test_a_read_after_a_commit_sees_it_while_other_reads_run(database: str | Path) -> None:
    """Reads interleave with writes under concurrent updates; none may see an old snapshot."""
    db = open_database(database)
    await db.open()
    async with db.transaction() as conn:
        await conn.executemany("INSERT INTO audit_log (at, action) VALUES (?, 'x')",
                               [(n,) for n in range(2000)])
    stale = 0

    async def background() -> None:
        for _ in range(200):
            await db.fetchall("SELECT * FROM audit_log")

    async def write_then_read(n: int) -> None:
        nonlocal stale
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO chats (id, type, created_at, updated_at)"
                               " VALUES (?, 'group', 1, 1)", (-n,))
        row = await db.fetchone("SELECT id FROM chats WHERE id = ?", (-n,))
        stale += row is None

    await asyncio.gather(background(), background(),
                         *(write_then_read(n) for n in range(1, 300)))
    await db.close()
    assert stale == 0
