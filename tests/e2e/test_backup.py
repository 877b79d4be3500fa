"""Backups: `committee-bot backup` during a reminder burst of a running bot, `restore` and its
refusals, and the daily backup's rotation."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import main
from bot.app import build_application, running
from bot.backups import DailyBackup, daily_backups, daily_name, rotate
from storage.database import SqliteDatabase
from storage.migrations import latest_version
from tests.conftest import FakeClock
from tests.databases import sqlite_only
from tests.double import BotApiDouble
from tests.e2e.test_crash import BURST, bot_process, delivered, seed, wait_until
from tests.test_cli import explanation

# The SQLite file and its online backup; PostgreSQL is backed up with pg_dump (README).
pytestmark = sqlite_only

ROOT = Path(__file__).resolve().parents[2]
CONFIG = 2


def cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True,
        env={**clean, "PYTHONPATH": str(ROOT), **env}, timeout=60,
    )


class Cli:
    """``committee-bot ARGS`` in this process (fast): the exit status and what was printed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                 cwd: Path) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys
        monkeypatch.chdir(cwd)  # no .env here
        for name in os.environ:
            if name.startswith(("DATABASE_", "BOT_")):
                monkeypatch.delenv(name)

    def __call__(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        try:
            main(list(args))
            status = 0
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        finally:
            for name in env:
                self.monkeypatch.delenv(name)
        out, err = self.capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out, err)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> Cli:
    return Cli(monkeypatch, capsys, tmp_path)


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def test_a_backup_during_a_burst_restores_whole(double: BotApiDouble,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite3"
    await seed(path, double)
    double.set_latency(0.2)  # 200 reminders, 8 at a time: the burst lasts about 5 s
    copy = tmp_path / "backup.sqlite3"
    async with bot_process(double, path, path.parent):
        await wait_until(lambda: sum(delivered(double).values()) >= 20, within=60)
        taken = await asyncio.to_thread(cli, tmp_path, "backup", str(copy),
                                        DATABASE_PATH=str(path))
        during = sum(delivered(double).values())
        assert taken.returncode == 0, taken.stderr
        assert "integrity ok" in taken.stdout
        assert during < BURST, "the burst ended before the backup; slow the double down"
        await wait_until(lambda: all(delivered(double).values()), within=60)

    restored = tmp_path / "restored" / "committee.sqlite3"
    result = cli(tmp_path, "restore", str(copy), DATABASE_PATH=str(restored))
    assert result.returncode == 0, result.stderr
    assert rows(restored, "PRAGMA integrity_check") == [("ok",)]
    assert rows(restored, "SELECT COUNT(*) FROM tasks") == [(BURST,)]
    assert rows(restored, "SELECT COUNT(*) FROM reminders") == [(BURST,)]
    # A snapshot from the middle of the burst: rows claimed or sent, not all of them sent
    # (outcomes are written once per batch, so the claimed ones may still say 'sending').
    statuses = dict(rows(restored, "SELECT status, COUNT(*) FROM reminders GROUP BY status"))
    assert set(statuses) <= {"pending", "sending", "sent"}, statuses
    assert statuses.get("sent", 0) < BURST and statuses.get("pending", 0) < BURST, statuses
    assert rows(restored, "SELECT MAX(version) FROM schema_migrations") == [(latest_version(),)]
    db = SqliteDatabase(restored)  # and the bot opens it
    await db.open()
    await db.close()


async def fresh_database(path: Path) -> None:
    db = SqliteDatabase(path)
    await db.open()
    await db.close()


async def test_restore_refuses_what_it_should(tmp_path: Path, run: Cli) -> None:
    live, good = tmp_path / "live.sqlite3", tmp_path / "good.sqlite3"
    await fresh_database(live)
    await fresh_database(good)

    over = explanation(run("restore", str(good), DATABASE_PATH=str(live)), CONFIG)
    assert "already exists" in over and "--force" in over

    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some words" * 20)
    alien = explanation(run("restore", str(text), DATABASE_PATH=str(live)), CONFIG)
    assert "not a readable SQLite database" in alien

    other = tmp_path / "other.sqlite3"
    rows(other, "CREATE TABLE t (x)")
    foreign = explanation(run("restore", str(other), DATABASE_PATH=str(live)), CONFIG)
    assert "not one of committee-bot's" in foreign

    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    conn.commit()
    conn.close()
    ahead = explanation(run("restore", str(newer), DATABASE_PATH=str(live)), CONFIG)
    assert "schema version 999" in ahead and "Upgrade committee-bot" in ahead

    missing = explanation(run("restore", str(tmp_path / "nope.sqlite3"),
                              DATABASE_PATH=str(live)), CONFIG)
    assert "does not exist" in missing

    pg = explanation(run("backup", str(tmp_path / "x.sqlite3"),
                         DATABASE_URL="postgresql://bot@db/committee"), CONFIG)
    assert "pg_dump" in pg

    forced = run("restore", "--force", str(good), DATABASE_PATH=str(live))
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "live.sqlite3.replaced").is_file()


async def test_restore_refuses_a_database_the_bot_has_open(tmp_path: Path, run: Cli) -> None:
    live, good = tmp_path / "live.sqlite3", tmp_path / "good.sqlite3"
    await fresh_database(good)
    db = SqliteDatabase(live)
    await db.open()
    try:
        result = run("restore", "--force", str(good), DATABASE_PATH=str(live))
        assert "is in use: stop the bot first" in explanation(result, CONFIG)
    finally:
        await db.close()


async def test_a_corrupt_backup_is_refused(tmp_path: Path, run: Cli) -> None:
    bad = tmp_path / "bad.sqlite3"
    await fresh_database(bad)
    conn = sqlite3.connect(bad)
    conn.execute("CREATE TABLE t (x, y)")
    conn.execute("CREATE INDEX t_x ON t (x)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(n, -n) for n in range(50)])
    conn.commit()
    conn.execute("PRAGMA writable_schema=ON")  # the index now claims to hold the other column
    conn.execute("UPDATE sqlite_schema SET sql = 'CREATE INDEX t_x ON t (y)' WHERE name = 't_x'")
    conn.commit()
    conn.close()
    result = run("restore", str(bad), DATABASE_PATH=str(tmp_path / "new.sqlite3"))
    text = explanation(result, CONFIG)
    assert "fails SQLite's integrity check (row" in text
    assert not (tmp_path / "new.sqlite3").exists()


def test_backup_does_not_overwrite_without_force(tmp_path: Path, run: Cli) -> None:
    target = tmp_path / "exists.sqlite3"
    target.write_text("precious")
    result = run("backup", str(target), DATABASE_PATH=str(tmp_path / "db.sqlite3"))
    assert "already exists" in explanation(result, CONFIG)
    assert target.read_text() == "precious"
    nothing = run("backup", str(tmp_path / "b.sqlite3"),
                  DATABASE_PATH=str(tmp_path / "none.sqlite3"))
    assert "nothing to back up" in explanation(nothing, CONFIG)


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    first = date(2026, 11, 1)
    for n in range(10):
        (tmp_path / daily_name(first + timedelta(days=n))).write_bytes(b"x")
    (tmp_path / "committee-manual.sqlite3").write_bytes(b"mine")  # not a daily one: kept
    removed = rotate(tmp_path, 3)
    assert len(removed) == 7
    assert [p.name for p in daily_backups(tmp_path)] == [
        daily_name(first + timedelta(days=n)) for n in (7, 8, 9)
    ]
    assert (tmp_path / "committee-manual.sqlite3").exists()


async def test_the_daily_backup_runs_at_start_and_once_a_day(settings, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for n in range(4):  # older days already backed up
        folder.mkdir(exist_ok=True)
        (folder / daily_name(date(2026, 11, 10 + n))).write_bytes(b"old")
    configured = settings.model_copy(update={"backup_dir": folder, "backup_keep": 3})
    clock = FakeClock(datetime(2026, 11, 22, 1, 0, tzinfo=UTC))
    app = build_application(configured, clock)
    async with running(app):
        today = folder / daily_name(date(2026, 11, 22))  # 08:00 in Hà Nội
        await wait_until(today.exists, within=10)
        jobs = {job.name: job for job in app.job_queue.jobs()}
        assert "backup" in jobs
        assert jobs["backup"].trigger.fields  # a daily (cron) trigger
    assert rows(today, "PRAGMA integrity_check") == [("ok",)]
    assert [p.name for p in daily_backups(folder)] == [
        daily_name(date(2026, 11, 12)), daily_name(date(2026, 11, 13)), today.name,
    ]
    daily = DailyBackup(configured.database_path, folder, 3, clock, ZoneInfo("Asia/Ho_Chi_Minh"))
    assert await daily.run() is None  # today's exists: nothing written twice
    clock.advance(days=1)
    assert await daily.run() == folder / daily_name(date(2026, 11, 23))
    assert len(daily_backups(folder)) == 3
