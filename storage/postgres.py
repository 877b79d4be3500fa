"""The PostgreSQL back-end (psycopg 3, pooled), offering what the SQLite one offers.

Statements come in SQLite's spelling and are translated once each (storage/postgres_sql.py);
only the migrations, written for PostgreSQL already, run as they are (``execute_native``).
Parameters are bound on the client (psycopg's ``ClientCursor``): PostgreSQL then types each
value from where it stands, as SQLite does, so one SQL text serves both. Rows read by index and
by column name, like ``aiosqlite.Row``; booleans are stored as 0/1 and whole ``numeric``
results come back as ``int``, as SQLite gives them.

Writes of one process are serialised, as with SQLite, so a unit of work never waits on another
of its own; several processes write concurrently under PostgreSQL's row locks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors
from psycopg.adapt import Dumper, Loader
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool

from storage.database import Database, DatabaseUnavailable, Params, WriteFailed
from storage.migrations import Migration, load_migrations
from storage.postgres_sql import translate
from storage.session_locks import SessionLocks

log = logging.getLogger(__name__)

POOL_SIZE = 10
CONNECT_TIMEOUT_S = 10.0
LOCK_TIMEOUT_MS = 5000
# The server cannot take a write now; nothing was committed (connection lost, read-only, out of
# disk, a lock or serialisation conflict that a retry may pass).
_CANNOT_WRITE_NOW = (
    psycopg.OperationalError,
    errors.ReadOnlySqlTransaction,
    errors.DiskFull,
    errors.InsufficientResources,
    errors.LockNotAvailable,
    errors.SerializationFailure,
    errors.DeadlockDetected,
)


class Row(tuple):
    """A row read by position or by column name, like ``aiosqlite.Row``."""

    __slots__ = ()
    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: psycopg.AsyncCursor[Any]) -> RowMaker[Row]:
    return _row_type(tuple(column.name for column in cursor.description or ()))


@lru_cache(maxsize=1024)
def _row_type(names: tuple[str, ...]) -> type[Row]:
    """One row class per set of columns (a statement's), made once."""
    return type("Row", (Row,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})


class _BoolAsInt(Dumper):
    """Flags are 0/1 integers in both schemas."""

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"

    def quote(self, obj: bool) -> bytes:
        return self.dump(obj)


class _WholeNumbers(Loader):
    """``SUM`` and ``AVG`` are ``numeric``: a whole value as ``int``, else ``float``."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    conn.adapters.register_dumper(bool, _BoolAsInt)
    conn.adapters.register_loader("numeric", _WholeNumbers)
    # A write waits this long for a row or table another process has locked, then fails as
    # WriteFailed (nothing changed), as SQLite's busy timeout does.
    await conn.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_MS)}")


class Cursor:
    """What a statement gave back: its rows (read at once) and how many it changed."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    async def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Row]:
        return self._rows

    async def __aiter__(self) -> AsyncIterator[Row]:
        for row in self._rows:
            yield row


class _Pending:
    """``await conn.execute(...)`` and ``async with conn.execute(...) as cursor`` alike."""

    __slots__ = ("_run",)

    def __init__(self, run: Callable[[], Any]) -> None:
        self._run = run

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> Cursor:
        return await self._run()

    async def __aexit__(self, *exc: object) -> None:
        return None


class Connection:
    """The connection a unit of work writes through: ``execute`` and ``executemany`` (SQLite's
    spelling, translated), and ``execute_native`` for the migrations."""

    def __init__(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Params | None = None) -> _Pending:
        return _Pending(lambda: self._execute(sql, params))

    async def _execute(self, sql: str, params: Params | None) -> Cursor:
        statement = translate(sql)
        async with self._conn.cursor(row_factory=_row_factory) as cursor:
            await cursor.execute(statement.sql, statement.params(params))
            rows = await cursor.fetchall() if cursor.description else []
            return Cursor(rows, cursor.rowcount)

    async def execute_native(self, sql: str) -> None:
        """A statement already in PostgreSQL's spelling, without parameters: a migration's."""
        await self._conn.execute(sql)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        statement = translate(sql)
        async with self._conn.cursor() as cursor:
            await cursor.executemany(statement.sql, [statement.params(r) for r in rows])


class PostgresDatabase(Database):
    """A pool of connections to one PostgreSQL database."""

    dialect = "postgresql"
    single_writer = False  # several instances may share the server
    errors = (psycopg.Error,)

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self.where = _without_password(url)
        self._pool_size = pool_size
        self._pool: AsyncConnectionPool | None = None
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        await self._probe()
        pool = AsyncConnectionPool(
            self.url, min_size=1, max_size=self._pool_size, open=False,
            kwargs={"autocommit": True, "cursor_factory": psycopg.AsyncClientCursor},
            configure=_configure, timeout=CONNECT_TIMEOUT_S,
        )
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        self._pool = pool
        try:
            await self._migrate(load_migrations("postgresql"))
        except BaseException:
            await self.close()
            raise

    async def _probe(self) -> None:
        """One connection first, for the server's own reason if it cannot be had (the pool
        would only retry it quietly until its time-out)."""
        try:
            conn = await psycopg.AsyncConnection.connect(self.url,
                                                         connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.ProgrammingError:
            raise DatabaseUnavailable(UNREADABLE) from None
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()
            raise DatabaseUnavailable(reason[0] if reason else type(exc).__name__) from None
        await conn.close()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        self._pool = None

    def _open_pool(self) -> AsyncConnectionPool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    def session_locks(self) -> SessionLocks:
        return SessionLocks(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        pool = self._open_pool()
        async with self._write_lock:
            try:
                async with pool.connection() as conn, conn.transaction():
                    yield Connection(conn)
            except _CANNOT_WRITE_NOW as error:
                raise WriteFailed(str(error)) from error
            finally:
                self.generation += 1

    async def write_each(self, sql: str, rows: Sequence[Params]) -> None:
        statement = translate(sql)
        async with self._write_lock, self._open_pool().connection() as conn, conn.cursor() as cur:
            try:
                await cur.executemany(statement.sql, [statement.params(r) for r in rows])
            finally:
                self.generation += 1

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        statement = translate(sql)
        async with self._open_pool().connection() as conn, \
                conn.cursor(row_factory=_row_factory) as cursor:
            await cursor.execute(statement.sql, statement.params(params))
            return await cursor.fetchall()

    async def _migrate(self, migrations: list[Migration]) -> None:
        async with self.transaction() as conn:
            # One process upgrades at a time; the others wait here (however long it takes,
            # not the lock_timeout of ordinary writes), then find it done.
            await conn.execute("SET LOCAL lock_timeout = 0")
            await conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            cursor = await conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            row = await cursor.fetchone()
            for migration in self._pending(int(row[0]) if row else 0, migrations):
                log.info("Applying migration %04d %s", migration.version, migration.name)
                for statement in migration.statements:
                    await conn.execute_native(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, int(time.time())),
                )


# Advisory lock keys: 64-bit numbers this application alone uses, far outside the range of
# Telegram's chat ids (|id| < 2**52), which key the chats' locks (bot/chat_turns.py); the
# leader's is in bot/leadership.py.
MIGRATION_LOCK = 0x436F6D6D_00000001


# What is said of an address the driver cannot read: its own words may quote the password.
UNREADABLE = ("the address is not a valid postgresql:// URL (a special character in the "
              "password must be percent-encoded, % as %25)")


def _without_password(url: str) -> str:
    """The URL as shown in messages and logs: never the password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(not a valid address)"
    host = info.get("host", "localhost")
    port = f":{info['port']}" if info.get("port") else ""
    user = f"{info['user']}@" if info.get("user") else ""
    return f"postgresql://{user}{host}{port}/{info.get('dbname', '')}"

