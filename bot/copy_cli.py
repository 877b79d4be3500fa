"""``committee-bot copy-db --from SRC --to DST``: move an organisation's data to another
database (SQLite to PostgreSQL, or back), verified by row counts and a read-back.

Each refusal is one line naming what to change; the destination is written in one transaction,
so a refused or failed copy leaves it empty.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from storage.backup import BackupError, inspect
from storage.copy import Checked, CopyError, copy_database, parse_target, same_database
from storage.database import Database, DatabaseUnavailable, open_database
from storage.migrations import latest_version

ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def copy_command(source_text: str, destination_text: str) -> None:
    source = open_database(parse_target(source_text))
    destination = open_database(parse_target(destination_text))
    if same_database(source, destination):
        raise CopyError(f"The source and the destination are the same database "
                        f"({source.where}): name an empty database with --to.")
    if source.dialect == "sqlite":
        _refuse_foreign_file(Path(source.where))
    asyncio.run(_copy(source, destination))


def _refuse_foreign_file(path: Path) -> None:
    """Read only, before the copy opens the source: opening creates the schema in any file it
    is given, so a file that is not the bot's would be written into before being refused."""
    if not path.is_file():
        raise CopyError(f"The source {path} is not a file: name the SQLite database to copy "
                        "(DATABASE_PATH, like data/committee.sqlite3).")
    try:
        inspect(path)
    except BackupError as exc:
        raise CopyError(f"The source {exc}") from None


async def _copy(source: Database, destination: Database) -> None:
    async with _opened(source, "source"):
        if source.found_version == 0:
            raise CopyError(f"The source {source.where} holds no committee-bot database.")
        print(f"From: {_described(source)}")
        async with _opened(destination, "destination"):
            print(f"To:   {_described(destination)}")
            checked = await copy_database(source, destination)
    _print_counts(checked)
    total = sum(table.source_rows for table in checked)
    print(f"verified: {len(checked)} tables, {total} rows, each table read back identical")


@asynccontextmanager
async def _opened(db: Database, role: str) -> AsyncIterator[None]:
    """Open (creating or upgrading) one side, or say which one and why not; closed after."""
    try:
        await db.open()
    except DatabaseUnavailable as exc:
        raise CopyError(f"Cannot use the {role} database {db.where}: {exc}.") from None
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CopyError(f"Cannot open the {role} database {db.where}: {reason}.") from None
    try:
        yield
    finally:
        await db.close()


def _described(db: Database) -> str:
    latest = latest_version(db.dialect)
    found = db.found_version
    state = (f"schema version {latest}" if found in (0, latest)
             else f"schema version {found}, upgraded to {latest}")
    return f"{db.where} ({ENGINES[db.dialect]}, {state})"


def _print_counts(checked: list[Checked]) -> None:
    width = max(len(table.table) for table in checked)
    print(f"{'table':<{width}}  {'source':>8}  {'destination':>11}")
    for table in checked:
        print(f"{table.table:<{width}}  {table.source_rows:>8}  {table.destination_rows:>11}")
