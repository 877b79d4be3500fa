"""Keyset paging: a page is the rows after (or before) a sort key, never an offset, so the
500th page costs what the first does. The caller's SQL names the sort key ``k_at``/``k_id``
and ends where this module appends the cursor condition, the order and the limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from storage.database import Database

T = TypeVar("T")


@dataclass(frozen=True)
class Cursor:
    """Where a page starts. Forward: the rows after (at, id); backward: the rows before it.
    ``LAST`` (backward from the end) is the last page."""

    at: int
    id: int
    forward: bool = True

    @property
    def is_last(self) -> bool:
        return not self.forward and self.id == 0


LAST = Cursor(0, 0, forward=False)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    more_before: bool
    more_after: bool
    first_page: bool = False  # shown from the start (a stale cursor may land here)
    last_page: bool = False  # shown from the end


V = TypeVar("V")


@dataclass(frozen=True)
class Listing(Generic[V, T]):
    """What a paged list shows: the page's views, the page of rows, and how many there are
    (counted up to ``cap``) at ``size`` a page."""

    views: list[V]
    page: Page[T]
    total: int
    size: int
    cap: int

    @property
    def capped(self) -> bool:
        return self.total >= self.cap

    @property
    def pages(self) -> int:
        return -(-self.total // self.size)


@dataclass(frozen=True)
class KeysetQuery:
    """One list's query: ``source`` selects the rows and ends inside its WHERE clause;
    ``after``/``before`` are its cursor conditions and ``asc``/``desc`` its orders (each a
    constant fragment)."""

    source: str
    after: str
    before: str
    asc: str
    desc: str


async def fetch_page(
    db: Database, query: KeysetQuery, params: dict, cursor: Cursor | None, size: int,
    row: Callable[[tuple], T], last_size: int | None = None,
) -> Page[T]:
    """One page; a stale cursor (rows gone, beyond the end) gives the nearest valid page.

    The last page holds ``last_size`` rows (what is left after the full pages, when the
    count is known), so that it lines up with the pages before it.
    """
    last_size = last_size or size
    if cursor is None:
        return await _first(db, query, params, size, row)
    if cursor.is_last:
        return await _last(db, query, params, last_size, row)
    bound = {**params, "k_at_": cursor.at, "k_id_": cursor.id, "limit_": size + 1}
    if cursor.forward:
        rows = await db.fetchall(query.source + query.after + query.asc, bound)
        if not rows:
            return await _last(db, query, params, last_size, row)
        items = [row(tuple(r)) for r in rows[:size]]
        return Page(items, True, len(rows) > size)
    rows = await db.fetchall(query.source + query.before + query.desc, bound)
    if len(rows) <= size:
        return await _first(db, query, params, size, row)
    return Page([row(tuple(r)) for r in reversed(rows[:size])], True, True)


async def _first(db: Database, query: KeysetQuery, params: dict, size: int,
                 row: Callable[[tuple], T]) -> Page[T]:
    rows = await db.fetchall(query.source + query.asc, {**params, "limit_": size + 1})
    return Page([row(tuple(r)) for r in rows[:size]], False, len(rows) > size, first_page=True)


async def _last(db: Database, query: KeysetQuery, params: dict, size: int,
                row: Callable[[tuple], T]) -> Page[T]:
    rows = await db.fetchall(query.source + query.desc, {**params, "limit_": size + 1})
    items = [row(tuple(r)) for r in reversed(rows[:size])]
    return Page(items, len(rows) > size, False, first_page=len(rows) <= size, last_page=True)


def last_page_size(total: int, size: int, cap: int) -> int:
    """Rows on the last page: the remainder after full pages, or a full page when the count
    stopped at its cap (the remainder is not known)."""
    if total >= cap or total % size == 0:
        return size
    return total % size


async def bounded_count(db: Database, source: str, params: dict, cap: int) -> int:
    """How many rows ``source`` selects, counting no further than ``cap`` (the heading says
    "more than" beyond it), so a count never reads more than ``cap`` index entries."""
    row = await db.fetchone(f"SELECT COUNT(*) FROM ({source} LIMIT :cap_) AS capped",
                            {**params, "cap_": cap})
    return int(row[0]) if row else 0
