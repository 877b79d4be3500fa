"""What only the PostgreSQL back-end has to show: writes that must wait on another process's
lock fail cleanly, and the one place that translates SQLite's spelling."""

from __future__ import annotations

import psycopg
import pytest
from telegram.ext import Application

import storage.postgres
from bot.app import build_application, running
from bot.settings import Settings
from storage.database import DatabaseTooNewError, open_database
from storage.postgres_sql import translate
from tests.conftest import FakeClock
from tests.databases import postgres_only
from tests.double import BotApiDouble
from tests.e2e.test_bounds import count, english_admin, reads_go_on_and_a_write_is_refused


@postgres_only
async def test_a_locked_table_still_answers_reads_and_says_a_write_changed_nothing(
    double: BotApiDouble, people, settings: Settings, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(storage.postgres, "LOCK_TIMEOUT_MS", 200)  # wait 0.2 s, not 5
    app: Application = build_application(settings, clock)
    async with running(app):
        await english_admin(double, people)
        assert settings.database_url is not None
        with psycopg.connect(settings.database_url, autocommit=True) as other, \
                other.transaction():
            # Another process keeps everyone from writing members; reading goes on.
            other.execute("LOCK TABLE members IN EXCLUSIVE MODE")
            await reads_go_on_and_a_write_is_refused(double, people)
        assert await count(app, "SELECT COUNT(*) FROM members WHERE telegram_id = 1001"
                                " AND language = 'en'") == 1


@pytest.mark.parametrize(
    ("sqlite", "postgresql"),
    [
        ("SELECT id FROM t WHERE a = ? AND b = ?", "SELECT id FROM t WHERE a = %s AND b = %s"),
        ("SELECT ?2, ?1", "SELECT %(p2)s, %(p1)s"),
        ("SELECT :x, 'a:b', '50%', x::text", "SELECT %(x)s, 'a:b', '50%%', x::text"),
        ("id IN (SELECT value FROM json_each(?))",
         "id IN (SELECT value FROM json_array_elements_text(%s))"),
        ("tag = :tag COLLATE NOCASE", "tag = %(tag)s"),
        ("a IS ? AND b IS NOT r.b AND c IS NULL AND d IS NOT NULL",
         "a IS NOT DISTINCT FROM %s AND b IS DISTINCT FROM r.b AND c IS NULL AND d IS NOT NULL"),
        ("MAX(a, MIN(b, c)), MAX(d)", "GREATEST(a, LEAST(b, c)), MAX(d)"),
        ("CAST(x AS REAL)", "CAST(x AS DOUBLE PRECISION)"),
        ("FROM a x CROSS JOIN b y ON y.id = x.id", "FROM a x JOIN b y ON y.id = x.id"),
        ("FROM a CROSS JOIN b AS y ON y.id = a.id", "FROM a JOIN b AS y ON y.id = a.id"),
        # What stands in quotes is never rewritten; comments are dropped.
        ("SELECT 'it is x', 'a COLLATE NOCASE', 'json_each(', 'MAX(a, b)'",
         "SELECT 'it is x', 'a COLLATE NOCASE', 'json_each(', 'MAX(a, b)'"),
        ("MAX(CASE WHEN a = ',' THEN 1 END)", "MAX(CASE WHEN a = ',' THEN 1 END)"),
        ("SELECT ? -- SQLite's ? here\nFROM t", "SELECT %s  \nFROM t"),
    ],
)
def test_sqlite_spelling_becomes_postgresql(sqlite: str, postgresql: str) -> None:
    assert translate(sqlite).sql == postgresql


def test_numbered_parameters_are_passed_by_name() -> None:
    assert translate("SELECT ?2, ?1").params(("a", "b")) == {"p1": "a", "p2": "b"}
    assert translate("SELECT ?").params(None) == ()


@postgres_only
async def test_a_server_database_newer_than_the_code_is_refused(database: str) -> None:
    db = open_database(database)
    await db.open()
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO schema_migrations (version, name, applied_at)"
                           " VALUES (999, 'future', 0)")
    await db.close()
    with pytest.raises(DatabaseTooNewError, match="schema version 999"):
        await open_database(database).open()
