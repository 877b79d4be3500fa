"""The lock session and the chats' turns against the real server (TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.chat_turns import ChatTurns
from storage.session_locks import SessionLocks
from tests.databases import postgres_only

pytestmark = postgres_only

CHAT = 4242


@pytest.fixture
async def other(database: str) -> AsyncIterator[SessionLocks]:
    """Another instance's session, to see which locks are free."""
    locks = SessionLocks(database)
    yield locks
    await locks.close()


async def _free_within(locks: SessionLocks, key: int, seconds: float) -> bool:
    """Whether ``locks`` gets ``key`` within ``seconds`` (a session the client closed ends on
    the server once its statement is over)."""
    async with asyncio.timeout(seconds):
        while True:
            if await locks.try_lock(key):
                await locks.unlock(key)
                return True
            await asyncio.sleep(0.05)


async def test_time_queued_behind_other_round_trips_is_not_a_timeout(
    database: str, other: SessionLocks
) -> None:
    """Three round trips of 0.2 s queue on the session; each answers within the 0.3 s limit,
    so the session (and the chat lock it holds) survives."""
    locks = SessionLocks(database, query_timeout=0.3)
    assert await locks.try_lock(CHAT)
    await asyncio.gather(*(locks._query("SELECT pg_sleep(0.2), 1", ()) for _ in range(3)))
    assert locks.generation == 1
    assert not await other.try_lock(CHAT)
    await locks.close()


async def test_cancelled_after_the_server_granted_a_lock_the_session_ends(
    database: str, other: SessionLocks
) -> None:
    """The caller is cancelled while the server holds the lock for it: nobody counts that
    lock, so the session ends and the lock is freed."""
    locks = SessionLocks(database)
    query = asyncio.create_task(
        locks._query("SELECT pg_try_advisory_lock(%s), pg_sleep(0.5)", (CHAT,)))
    await asyncio.sleep(0.2)
    query.cancel()
    with pytest.raises(asyncio.CancelledError):
        await query
    assert await _free_within(other, CHAT, 3)
    await locks.close()


async def test_an_update_of_a_lost_session_does_not_give_back_a_later_ones_turn(
    database: str, other: SessionLocks
) -> None:
    turns = ChatTurns(SessionLocks(database))
    assert await turns.take(CHAT, update_id=1)
    await turns.locks.close()  # lost: the server frees the first update's hold
    assert await turns.take(CHAT, update_id=2)  # on a new session
    await turns.give_back(1)  # handled at last: its hold is long gone
    assert not await other.try_lock(CHAT), "the second update's turn was given away"
    await turns.give_back(2)
    assert await other.try_lock(CHAT)
    await turns.close()


async def test_a_busy_chat_is_retried_less_and_less_often(
    database: str, other: SessionLocks
) -> None:
    """Another instance holds the chat for a second: the attempts back off instead of
    hammering the shared session every 20 ms."""
    assert await other.try_lock(CHAT)
    turns = ChatTurns(SessionLocks(database))
    attempts = 0
    try_lock = turns.locks.try_lock

    async def counted(key: int) -> bool:
        nonlocal attempts
        attempts += 1
        return await try_lock(key)

    turns.locks.try_lock = counted  # type: ignore[method-assign]
    taking = asyncio.create_task(turns.take(CHAT, update_id=1))
    await asyncio.sleep(1.0)
    await other.unlock(CHAT)
    assert await asyncio.wait_for(taking, 2)
    assert 2 <= attempts <= 10, f"{attempts} attempts in a second"
    await turns.give_back(1)
    await turns.close()
