"""Consistent copies of the SQLite file, taken while the bot runs, and their restoration.

SQLite's online backup API copies the pages in one step under a read transaction: with WAL,
the bot's writers go on meanwhile and the copy is the database as of one commit. The copy is
written beside its destination and renamed into place, so a half-written file never carries
the final name. The standard library's sqlite3 is used (in a thread) rather than aiosqlite:
the copy is a single blocking call either way.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(RuntimeError):
    """A backup or restore cannot be done as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Inspection:
    """What a candidate file holds: this app's schema version and SQLite's own verdict."""

    schema_version: int
    integrity: str


def backup(source: Path, target: Path) -> None:
    """Copy the live database ``source`` to ``target`` (replacing it) as one snapshot."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}: nothing to back up.")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)


def restore(source: Path, target: Path) -> Path | None:
    """Put the backup ``source`` in place of ``target``; the caller has inspected it.

    Refuses while another process (the bot) has ``target`` open; an existing database is
    kept beside it with a ``.replaced`` suffix, whose path is returned.
    """
    kept = None
    if target.exists():
        _checkpoint_alone(target)
        kept = target.with_name(target.name + ".replaced")
        os.replace(target, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    return kept


def inspect(path: Path) -> Inspection:
    """Read a file's schema version and integrity without changing it."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot open {path}: {exc}.") from None
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # reads the header: is it SQLite?
        known = conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if known is None:
            raise BackupError(
                f"{path} is an SQLite database, but not one of committee-bot's "
                "(it has no schema_migrations table)."
            )
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
        verdict = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc}).") from None
    finally:
        conn.close()
    return Inspection(int(row[0]), "; ".join(str(line[0]) for line in verdict[:3]))


def _copy(source: Path, target: Path) -> None:
    """Snapshot ``source`` into a temporary file, make it self-contained, rename it."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one read transaction, one snapshot
            # The copy carries the source's WAL flag; one file without -wal/-shm is a better
            # backup, and the bot turns WAL back on when it opens a restored file.
            dst.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            dst.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot copy {source} to {target}: {exc}.") from None
    finally:
        src.close()
    os.replace(partial, target)


def _checkpoint_alone(path: Path) -> None:
    """Fold the WAL into the file, which SQLite allows only when no one else has it open."""
    conn = sqlite3.connect(path, timeout=0)  # in use means in use: no waiting
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = "wal"
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database ({exc}).") from None
    finally:
        conn.close()
    if mode != "delete":
        raise BackupError(
            f"The database {path} is in use: stop the bot first "
            "(systemctl stop committee-bot), then restore."
        )
