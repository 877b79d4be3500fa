"""What the hot path reads on every update (who is speaking, what they may do), kept until
the database is next written.

Any write empties the cache, whatever rows it touched: simple to trust, and the reads it
saves happen between writes, in bursts of commands that change nothing. It keeps anything
only where this process is the database's only writer (SQLite: ``committee-bot import``
writes only the knowledge base, which nothing here keeps). Instances sharing a PostgreSQL
server read every time: another instance's writes move no counter here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from storage.database import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

LIMIT = 1024  # entries; past it the cache starts again empty


class ReadCache(Generic[K, V]):
    def __init__(self, db: Database, limit: int = LIMIT) -> None:
        self.db = db
        self.limit = limit
        self._generation = db.generation
        self._values: dict[K, V] = {}

    async def get(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        """The value read for ``key`` since the last write, or ``read()`` now."""
        if not self.db.single_writer:
            return await read()
        generation = self.db.generation
        if generation != self._generation:
            self._values.clear()
            self._generation = generation
        if key in self._values:
            return self._values[key]
        value = await read()
        if self.db.generation == generation:  # no write ended while reading
            if len(self._values) >= self.limit:
                self._values.clear()
            self._values[key] = value
        return value
