"""The running bot's event loop is uvloop's where it is installed (bot/event_loop.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import uvloop

from bot.event_loop import use_uvloop


@pytest.fixture
def policy_restored() -> Iterator[None]:
    before = asyncio.get_event_loop_policy()
    yield
    asyncio.set_event_loop_policy(before)


def test_loops_made_after_the_switch_are_uvloop_and_run_coroutines(policy_restored) -> None:
    use_uvloop()
    loop = asyncio.new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
        assert loop.run_until_complete(asyncio.sleep(0, result="chạy")) == "chạy"
    finally:
        loop.close()
