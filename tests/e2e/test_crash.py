"""A real bot process killed with SIGKILL in the middle of a burst loses no reminder."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from pathlib import Path

from bot.clock import SystemClock, epoch
from bot.reminders.dispatcher import IN_FLIGHT
from storage.database import open_database
from storage.members import MemberRepository
from storage.reminders import NewReminder, ReminderRepository
from storage.tasks import TaskRepository
from tests.double import BotApiDouble
from tests.instance_process import instance_process as bot_process

BURST = 200
FIRST_USER = 5000


async def seed(target: str | Path, double: BotApiDouble, burst: int = BURST) -> None:
    """``burst`` members who started the bot, each with a task whose reminder is due now."""
    db = open_database(target)
    await db.open()
    now = epoch(SystemClock().now())
    members, tasks, reminders = MemberRepository(db), TaskRepository(db), ReminderRepository(db)
    async with db.transaction() as conn:
        for n in range(burst):
            user = double.add_user(FIRST_USER + n, f"Cadre {n}", language_code="vi")
            double.mark_started(user["id"])
            member = await members.record_seen(
                conn, telegram_id=user["id"], username=None, full_name=f"Cadre {n}",
                language="vi", started=True, now=now,
            )
            task_id = await tasks.insert(conn, title=f"Task {n}", tag=None, due_at=now + 86400,
                                         group_chat_id=None, created_by=None, now=now)
            await tasks.add_assignees(conn, task_id, [member.id])
            await reminders.add(conn, [
                NewReminder("task", task_id, "before", member.id, None, now + 86400, now)
            ])
    await db.close()


def delivered(double: BotApiDouble, burst: int = BURST) -> dict[int, int]:
    counts = {}
    for n in range(burst):
        chat = FIRST_USER + n
        counts[chat] = sum(1 for m in double.messages(chat) if "Task" in m["text"])
    return counts


async def wait_until(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_kill_9_mid_burst_then_restart(
    double: BotApiDouble, database: str | Path, tmp_path: Path
) -> None:
    await seed(database, double)
    double.set_latency(0.05)  # slow sends, so the kill lands mid-burst
    async with bot_process(double, database, tmp_path) as process:
        await wait_until(lambda: sum(delivered(double).values()) >= 40, within=60)
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), 10)
    before_restart = sum(delivered(double).values())
    assert before_restart < BURST, "the burst finished before the kill; slow the double down"

    async with bot_process(double, database, tmp_path):
        await wait_until(lambda: all(delivered(double).values()), within=60)
        await double.idle(quiet=0.5, timeout=30)

    counts = delivered(double)
    assert all(count >= 1 for count in counts.values()), "a reminder was lost"
    repeats = sum(counts.values()) - BURST
    assert repeats <= IN_FLIGHT, f"{repeats} repeats: more than the sends in flight"
    db = open_database(database)
    await db.open()
    assert await ReminderRepository(db).status_counts() == {"sent": BURST}
    await db.close()
