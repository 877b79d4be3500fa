"""Leadership's steps with a stand-in for the lock session (the real one is tested in
tests/e2e/test_instances.py)."""

from __future__ import annotations

import pytest

from bot.leadership import Leadership
from tests.stand_ins import HandDrivenScheduler


class _Locks:
    """A session whose leader lock is always free."""

    def __init__(self) -> None:
        self.closed = 0

    async def try_lock(self, key: int) -> bool:
        return True

    async def check(self) -> None:
        """Always answers."""

    async def close(self) -> None:
        self.closed += 1



async def _fails() -> None:
    raise RuntimeError("the database is down")


async def test_a_failing_follow_step_still_gives_the_lock_up() -> None:
    """Taking over fails, then so does a follow step: the session still ends, so the server
    frees the leader lock for another instance."""
    locks = _Locks()
    leadership = Leadership(locks, HandDrivenScheduler(), lead=[_fails], follow=[_fails])  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        await leadership.poll()
    assert not leadership.leading
    assert locks.closed == 1


async def test_the_steady_steps_run_at_each_poll_that_finds_the_lead_held() -> None:
    """They look for work other instances planned; one failing is logged, not raised, and
    the next poll runs them again."""
    runs: list[str] = []

    async def look() -> None:
        runs.append("look")
        if len(runs) == 1:
            raise RuntimeError("the database is down")

    leadership = Leadership(_Locks(), HandDrivenScheduler(), lead=[], follow=[], steady=[look])  # type: ignore[arg-type]
    await leadership.poll()  # takes the lead
    await leadership.poll()
    await leadership.poll()
    assert leadership.leading
    assert runs == ["look", "look"]
