"""``committee-bot backup FILE`` and ``committee-bot restore FILE``: the SQLite file only.

Each refusal is one or two lines naming what to change; the checks come before anything is
written, so a refused restore leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings, load_settings
from storage.backup import BackupError, backup, inspect, restore
from storage.migrations import latest_version

DETAIL_LIMIT = 100  # characters of integrity_check's complaints


def backup_command(target: Path, *, force: bool) -> None:
    settings = load_settings()
    _sqlite_only(settings, "pg_dump --format=custom --file=FILE \"$DATABASE_URL\"")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: name the backup file, like "
                          f"{target / 'committee-backup.sqlite3'}.")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists: name another file, or add --force to "
                          "replace it.")
    backup(settings.database_path, target)
    found = inspect(target)
    print(f"{target}: backup of {settings.database_path} (schema version "
          f"{found.schema_version}, integrity {found.integrity})")


def restore_command(source: Path, *, force: bool) -> None:
    settings = load_settings()
    _sqlite_only(settings, "pg_restore --clean --dbname=\"$DATABASE_URL\" FILE")
    found = inspect(source)
    latest = latest_version()
    if found.schema_version > latest:
        raise BackupError(
            f"{source} has schema version {found.schema_version}, newer than this "
            f"committee-bot knows (up to {latest}). Upgrade committee-bot, then restore."
        )
    if found.integrity != "ok":
        detail = found.integrity[:DETAIL_LIMIT]
        raise BackupError(f"{source} fails SQLite's integrity check ({detail}): it cannot be "
                          "restored; take an older backup.")
    target = settings.database_path
    if target.exists() and not force:
        raise BackupError(
            f"A database already exists at DATABASE_PATH={target}. Add --force to replace it "
            f"(it is kept as {target.name}.replaced beside it)."
        )
    kept = restore(source, target)
    print(f"{target}: restored from {source} (schema version {found.schema_version}"
          + (f"; upgraded to {latest} when the bot starts" if found.schema_version < latest
             else "") + ")")
    if kept is not None:
        print(f"The database it replaced is kept as {kept}")


def _sqlite_only(settings: Settings, instead: str) -> None:
    if settings.database_url is not None:
        raise BackupError(
            "DATABASE_URL is set: this command works on the SQLite file DATABASE_PATH only.\n"
            f"Use PostgreSQL's own tools for it: {instead}"
        )
