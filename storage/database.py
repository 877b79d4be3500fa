"""The database: what every back-end offers the repositories, and the embedded SQLite one.

A ``Database`` hands out a connection for a unit of work (``transaction``: all of it is
committed, or none of it) and reads in one call each (``fetchall``/``fetchone``). The
connection a transaction yields takes ``execute`` (awaited, or ``async with`` for its cursor)
and ``executemany``; repositories write their SQL once, in SQLite's spelling, and the
PostgreSQL back-end (storage/postgres.py) translates it in one place (storage/postgres_sql.py).

SQLite: one connection writes (serialised by a lock, each write inside ``BEGIN IMMEDIATE`` so a
concurrent process waits on the busy timeout instead of failing mid-transaction); a second
connection reads, which WAL lets run beside the writer.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from storage.migrations import Migration, load_migrations

if TYPE_CHECKING:
    from storage.session_locks import SessionLocks

log = logging.getLogger(__name__)

Params = Sequence[Any] | Mapping[str, Any]

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer version of the bot; opening it could corrupt it."""


class DatabaseUnavailable(RuntimeError):
    """The database server cannot be reached or refuses the connection; says why."""


class LockSessionLost(RuntimeError):
    """The session holding advisory locks is gone (or did not answer in time): every lock it
    held is released, by the server if not already (storage/session_locks.py)."""


class WriteFailed(sqlite3.OperationalError):
    """A write the database could not take now (locked past the busy timeout, read-only, disk
    full or failing, the server gone); it was rolled back, so nothing changed."""


# SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN
_CANNOT_WRITE_NOW = frozenset({5, 6, 8, 10, 13, 14})


def _cannot_write_now(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and code is not None \
        and code & 0xFF in _CANNOT_WRITE_NOW


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def open_database(target: str | Path) -> Database:
    """The back-end for ``target``: a postgresql:// URL, else the path of an SQLite file."""
    if is_postgres_url(target):
        from storage.postgres import PostgresDatabase  # psycopg only where it is used

        return PostgresDatabase(str(target))
    return SqliteDatabase(target)


class Database(ABC):
    """Owns the connections; repositories borrow them through ``transaction`` and ``read``."""

    dialect: str  # "sqlite" or "postgresql": the few statements that differ ask this
    where: str  # the file or the server, as shown to the person running the bot
    found_version = 0  # the schema version ``open`` found, before bringing it up to date
    errors: tuple[type[Exception], ...]  # what its driver raises when the database fails
    # Writes of this process ended (committed or rolled back) so far: what was read before it
    # last moved may be out of date (bot/read_cache.py). Each back-end counts its own.
    generation: int = 0
    # Whether this process is the only one writing (SQLite: one process runs the bot). Where
    # other instances write too, their writes move no counter here.
    single_writer: bool = True

    @abstractmethod
    async def open(self) -> None:
        """Connect and bring the schema up to date."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Any]:
        """Run a unit of work atomically: all of it is committed, or none of it."""

    @abstractmethod
    async def write_each(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement per row, outside any unit of work: for independent writes made
        often, such as delivery outcomes, where the rows need not be stored together. Each
        row is stored whole; when one fails, whether the others were stored depends on the
        back-end (SQLite keeps those before it, PostgreSQL's pipeline none), so the caller
        treats the whole batch as unsaved."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Run and read to the end in one call: no statement stays open between awaits, where
        it would pin an old snapshot for the other chats' updates read meanwhile."""

    async def fetchone(self, sql: str, params: Params = ()) -> Any | None:
        """The first row of a query that returns one (a key, an aggregate, a LIMIT 1)."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    def session_locks(self) -> SessionLocks | None:
        """A new session for advisory locks shared with other processes, or None where only
        one process runs the bot (SQLite)."""
        return None

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    def _pending(self, current: int, migrations: list[Migration]) -> list[Migration]:
        """The migrations a database at ``current`` still needs (noted as found); a database
        newer than the code is refused."""
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise DatabaseTooNewError(
                f"The database {self.where} has schema version {current}, but this version of "
                f"committee-bot knows only up to {latest}. Upgrade committee-bot, or point "
                "the bot at another database."
            )
        self.found_version = current
        return [migration for migration in migrations if migration.version > current]


def _probe(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # reads the header: is it SQLite?
    finally:
        conn.close()


class SqliteDatabase(Database):
    """The embedded back-end: one file, a writer and a reader connection."""

    dialect = "sqlite"
    errors = (sqlite3.Error,)

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        """Connect, set the pragmas and bring the schema up to date. A file that is not a
        database, or cannot be made, raises OSError or sqlite3.Error."""
        # The standard library's sqlite3 first: aiosqlite, failing to open, leaves a thread
        # behind that reports on a closed event loop.
        await asyncio.to_thread(_probe, self.path)
        self._writer = await self._connect()
        try:
            await self._migrate(load_migrations())
        except BaseException:
            await self.close()  # a refused or failed upgrade must not leave a thread behind
            raise
        self._reader = await self._connect()

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            for pragma in PRAGMAS:
                await conn.execute(pragma)
        except BaseException:
            await conn.close()  # a file that is not a database must not leave a thread behind
            raise
        return conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            try:
                await self._writer.execute("BEGIN IMMEDIATE")
                try:
                    yield self._writer
                    await self._writer.commit()
                except BaseException:
                    await self._writer.rollback()
                    raise
                finally:
                    self.generation += 1
            except sqlite3.OperationalError as error:
                if _cannot_write_now(error) and not isinstance(error, WriteFailed):
                    raise WriteFailed(str(error)) from error
                raise

    async def write_each(self, sql: str, rows: Sequence[Params]) -> None:
        """Each row its own transaction (SQLite's autocommit), in one round trip to the
        database thread instead of three (begin, statement, commit)."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            try:
                await self._writer.executemany(sql, rows)
            finally:
                self.generation += 1

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """One call on the reader's thread: a query costs one thread hop rather than three."""
        return list(await self._read_conn().execute_fetchall(sql, params))

    def _read_conn(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    async def _migrate(self, migrations: list[Migration]) -> None:
        assert self._writer is not None
        await self._writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
        )
        async with self._writer.execute(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
        ) as cursor:
            row = await cursor.fetchone()
        for migration in self._pending(int(row[0]) if row else 0, migrations):
            await self._apply(migration)

    async def _apply(self, migration: Migration) -> None:
        log.info("Applying migration %04d %s", migration.version, migration.name)
        async with self.transaction() as conn:
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at)"
                " VALUES (?, ?, CAST(strftime('%s','now') AS INTEGER))",
                (migration.version, migration.name),
            )


async def inserted_id(conn: Any, sql: str, params: Params) -> int | None:
    """Run an ``INSERT`` and give the new row's id; None when its ``ON CONFLICT DO NOTHING``
    kept an existing row instead. ``RETURNING`` is what both back-ends offer (SQLite has no
    sequence to ask afterwards in PostgreSQL's way, PostgreSQL no ``lastrowid``)."""
    async with conn.execute(f"{sql} RETURNING id", params) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else None


async def new_id(conn: Any, sql: str, params: Params) -> int:
    """The id of a row an ``INSERT`` always adds."""
    found = await inserted_id(conn, sql, params)
    if found is None:
        raise RuntimeError(f"the insert added no row: {sql}")
    return found
