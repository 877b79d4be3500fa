"""Copy a whole database into an empty one: SQLite to PostgreSQL, or back.

Both are at the same schema version (opening a database brings it up to date), so every table
has the same columns on both sides: ``TABLES`` names them, parents before children. Rows go
over in keyset pages (memory stays flat however large the database), all inside one transaction
on the destination, which is then read back and compared before it commits: a copy that fails
or differs leaves the destination empty. The source's rows are only read, but opening it brings
its schema up to date, as the bot would (bot/copy_cli.py refuses a file that is not the bot's
before opening it); the bot should be stopped meanwhile, or rows written during the copy may be
missed.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.database import Database, Params, WriteFailed, is_postgres_url

PAGE = 1000  # rows read and written at a time
DIGEST_BITS = 128

Read = Callable[[str, Params], Awaitable[Sequence[Any]]]


class CopyError(RuntimeError):
    """The copy was refused or failed, and nothing was written; the message says why."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the primary key: the order of the pages
    identity: bool  # PostgreSQL numbers its new rows from a sequence, moved past the copy
    later: tuple[str, ...]  # references to rows that may come after: filled in once all are in


def _table(name: str, columns: str, key: str = "id", identity: bool = True,
           later: str = "") -> Table:
    return Table(name, tuple(columns.split()), tuple(key.split()), identity,
                 tuple(later.split()))


# Every table of the schema but schema_migrations (each database keeps its own), parents first.
# kb_search: its stored columns; PostgreSQL computes its text-search vectors from them.
TABLES = (
    _table("members", "id telegram_id username full_name language role started_at created_at"
           " updated_at unreachable unreachable_at"),
    _table("chats", "id type title subscribed subscribed_by subscribed_at created_at"
           " updated_at unreachable unreachable_at unit_name parent_id", identity=False,
           later="parent_id"),
    _table("audit_log", "id at actor_id action target details"),
    _table("meeting_series", "id rule local_time title place agenda group_chat_id member_ids"
           " created_by created_at planned_until active"),
    _table("meetings", "id series_id title place agenda starts_at moved_from status"
           " group_chat_id created_by created_at updated_at minutes minutes_by minutes_at"),
    _table("task_series", "id rule local_time title tag priority group_chat_id member_ids"
           " created_by created_at planned_until active"),
    _table("tasks", "id title tag due_at status group_chat_id created_by created_at updated_at"
           " closed_by closed_at meeting_id priority series_id"),
    _table("task_assignees", "task_id member_id status done_at done_by note file_id file_kind"
           " file_name reason", key="task_id member_id", identity=False),
    _table("reminders", "id event_kind event_id kind member_id chat_id event_at fire_at next_at"
           " status attempts sent_at error subject_id"),
    _table("kb_documents", "id code kind date title_vi title_en issuer_vi issuer_en"
           " summary_vi summary_en origin coded"),
    _table("kb_lists", "id slug date title_vi title_en source_vi source_en origin"),
    _table("kb_items", "id list_id position number title_vi title_en detail_vi detail_en"
           " answer_vi answer_en"),
    _table("kb_conferences", "id slug date title_vi title_en place_vi place_en chaired_by_vi"
           " chaired_by_en decided_vi decided_en origin"),
    _table("kb_figures", "conference_id position text_vi text_en",
           key="conference_id position", identity=False),
    _table("kb_aliases", "owner_kind owner_key position alias key",
           key="owner_kind owner_key position", identity=False),
    _table("kb_links", "owner_kind owner_key target_kind position target_key",
           key="owner_kind owner_key target_kind position", identity=False),
    _table("kb_search", "rowid kind ref language title body title_folded body_folded",
           key="rowid", identity=False),
    _table("chat_members", "chat_id member_id last_seen status role source changed_at",
           key="chat_id member_id", identity=False),
    _table("meeting_attendees", "meeting_id member_id response reason responded_at"
           " awaiting_reason excused checked_in_at checked_in_by", key="meeting_id member_id",
           identity=False),
    _table("extension_requests", "id task_id member_id due_at reason status created_at"
           " decided_by decided_at"),
    _table("claims", "id username member_id task_ids meeting_ids created_at undone_at undone_by"
           " returned_to"),
)


@dataclass(frozen=True)
class Checked:
    """One table after the copy: its rows on each side, read back identical."""

    table: str
    source_rows: int
    destination_rows: int


def parse_target(text: str) -> str | Path:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path`` or a plain path: an SQLite
    file; ``postgresql://`` or ``postgres://``: a PostgreSQL database."""
    if is_postgres_url(text):
        return text
    if text.startswith("sqlite://"):
        path = text.removeprefix("sqlite://")
        if not path.startswith("/") or path == "/":
            raise CopyError(f"{text}: write sqlite:///relative/path or "
                            "sqlite:////absolute/path.")
        return Path(path[1:])
    if "://" in text:
        raise CopyError(f"{text}: not a database this bot can use. Name an SQLite file "
                        "(sqlite:///PATH, or the path alone) or a postgresql:// URL.")
    return Path(text)


def same_database(first: Database, second: Database) -> bool:
    def address(db: Database) -> str:
        return str(Path(db.where).resolve()) if db.dialect == "sqlite" else db.where

    return first.dialect == second.dialect and address(first) == address(second)


async def copy_database(source: Database, destination: Database,
                        page: int = PAGE) -> list[Checked]:
    """Copy every row of ``source`` into the empty ``destination`` and read it back."""
    try:
        async with destination.transaction() as conn:
            async def written(sql: str, params: Params) -> Sequence[Any]:
                async with conn.execute(sql, params) as cursor:
                    return await cursor.fetchall()

            await _refuse_data(written, destination.where)
            for table in TABLES:
                try:
                    await _copy_table(source, conn, table, page)
                except (*source.errors, *destination.errors) as exc:
                    raise CopyError(f"Copying table {table.name} failed: {exc}. Nothing was "
                                    "written.") from exc
            if destination.dialect == "postgresql":
                await _move_identities_past_copy(conn)
            return [await _check(source, written, table, page) for table in TABLES]
    except WriteFailed as exc:
        raise CopyError(f"{destination.where} could not take the copy ({exc}); "
                        "nothing was written.") from exc


async def _refuse_data(read: Read, where: str) -> None:
    for table in TABLES:
        if await read(f"SELECT 1 FROM {table.name} LIMIT 1", ()):
            raise CopyError(
                f"The destination {where} already holds data (in {table.name}): copy-db writes "
                "only into an empty database. Create a new one and name it with --to."
            )


async def _copy_table(source: Database, conn: Any, table: Table, page: int) -> None:
    blank = {table.columns.index(column) for column in table.later}
    insert = (f"INSERT INTO {table.name} ({', '.join(table.columns)})"
              f" VALUES ({', '.join(['?'] * len(table.columns))})")
    async for rows in _pages(source.fetchall, table.name, table.columns, table.key, page):
        await conn.executemany(insert, [tuple(None if i in blank else v for i, v in enumerate(row))
                                        for row in rows])
    if table.later:
        await _fill_later(source, conn, table, page)


async def _fill_later(source: Database, conn: Any, table: Table, page: int) -> None:
    """Set the references left empty on insert, now that every row they may name is in."""
    columns = (*table.key, *table.later)
    width = len(table.key)
    update = (f"UPDATE {table.name} SET {', '.join(f'{c} = ?' for c in table.later)}"
              f" WHERE {' AND '.join(f'{k} = ?' for k in table.key)}")
    async for rows in _pages(source.fetchall, table.name, columns, table.key, page):
        filled = [(*row[width:], *row[:width]) for row in rows
                  if any(value is not None for value in row[width:])]
        if filled:
            await conn.executemany(update, filled)


async def _move_identities_past_copy(conn: Any) -> None:
    """New rows continue after the copied ids (an empty table keeps its sequence at 1)."""
    for table in TABLES:
        if table.identity:
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                               f" MAX(id)) FROM {table.name}")


async def _check(source: Database, written: Read, table: Table, page: int) -> Checked:
    counts = [(await read(f"SELECT COUNT(*) FROM {table.name}", ()))[0][0]
              for read in (source.fetchall, written)]
    checked = Checked(table.name, *counts)
    if counts[0] != counts[1]:
        raise CopyError(f"Verification failed: table {table.name} has {counts[0]} rows in the "
                        f"source but {counts[1]} in the destination. Nothing was written.")
    if await _digest(source.fetchall, table, page) != await _digest(written, table, page):
        raise CopyError(f"Verification failed: table {table.name} reads back different from "
                        "the source. Nothing was written.")
    return checked


async def _digest(read: Read, table: Table, page: int) -> int:
    """A table's rows summed as hashes: the same rows give the same digest in any order (the
    two engines may sort text keys differently)."""
    total = 0
    async for rows in _pages(read, table.name, table.columns, table.key, page):
        for row in rows:
            total += int.from_bytes(hashlib.sha256(repr(row).encode()).digest())
    return total % (1 << DIGEST_BITS)


async def _pages(read: Read, name: str, columns: Sequence[str], key: Sequence[str],
                 page: int) -> AsyncIterator[list[tuple[Any, ...]]]:
    """A table's rows in key order, ``page`` at a time, each page starting after the last."""
    order = ", ".join(key)
    at = [list(columns).index(column) for column in key]
    select = f"SELECT {', '.join(columns)} FROM {name}"
    after = f" WHERE ({order}) > ({', '.join(['?'] * len(key))})"
    rows = [tuple(row) for row in await read(f"{select} ORDER BY {order} LIMIT ?", (page,))]
    while rows:
        yield rows
        if len(rows) < page:
            return
        last = [rows[-1][i] for i in at]
        rows = [tuple(row) for row in
                await read(f"{select}{after} ORDER BY {order} LIMIT ?", (*last, page))]
