"""PostgreSQL advisory locks held by a session of their own: an instance's hold on a role (the
leader's) or on a chat (whose update it is handling).

The session is one connection outside the pool, so a lock never goes back to the pool with its
connection and no unit of work ever waits for it. The server releases every lock of the session
the moment it ends: closed, lost, or its process killed (the kernel closes the socket). A host
that vanishes without closing anything is noticed by the server's TCP keepalives, set here to a
few seconds instead of the system's two hours.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg

from storage.database import LockSessionLost

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
# A session slower than this to answer counts as lost. The server gives up on a silent client
# after idle + interval * count seconds (11 s): a leader cut off from the server stops leading
# well before another can take its place.
QUERY_TIMEOUT_S = 2.0
_KEEPALIVES = "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3"


class SessionLocks:
    """Session-level advisory locks on one dedicated connection, opened on first use and again
    after a loss. Taking a lock the session holds already succeeds (and counts: it is released
    after as many unlocks); ``generation`` changes with each new session."""

    def __init__(self, url: str, query_timeout: float = QUERY_TIMEOUT_S) -> None:
        self._url = url
        self._query_timeout = query_timeout
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._connecting = asyncio.Lock()
        self.generation = 0

    async def try_lock(self, key: int) -> bool:
        """Take the lock ``key`` if no other session holds it; never waits for it."""
        row = await self._query("SELECT pg_try_advisory_lock(%s)", (key,))
        return bool(row[0])

    async def unlock(self, key: int) -> None:
        await self._query("SELECT pg_advisory_unlock(%s)", (key,))

    async def check(self) -> None:
        """Raise LockSessionLost unless the session that took the locks answers in time (a
        new session would hold none of them)."""
        if self._conn is None or self._conn.closed:
            raise LockSessionLost("the session was closed")
        await self._query("SELECT 1", ())

    async def close(self) -> None:
        """End the session: the server releases its locks at once."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    async def _query(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...]:
        try:
            async with asyncio.timeout(self._query_timeout):
                conn = await self._session()
                cursor = await conn.execute(sql, params)
                row = await cursor.fetchone()
        except (psycopg.OperationalError, psycopg.InterfaceError, TimeoutError) as exc:
            await self.close()
            raise LockSessionLost(str(exc) or type(exc).__name__) from exc
        assert row is not None
        return row

    async def _session(self) -> psycopg.AsyncConnection[Any]:
        async with self._connecting:
            if self._conn is None or self._conn.closed:
                self._conn = await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                    options=_KEEPALIVES,
                )
                self.generation += 1
            return self._conn
