"""SIGTERM during a backlog: the bot stops claiming, finishes the sends in flight, stores
their outcomes and exits promptly, leaving nothing in 'sending'."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from bot.reminders.dispatcher import SEND_TIMEOUT
from storage.database import open_database
from storage.reminders import ReminderRepository
from tests.double import BotApiDouble
from tests.e2e.test_crash import bot_process, delivered, seed, wait_until

BACKLOG = 400  # at Telegram's 30 messages/s, about 13 s of sending


async def test_sigterm_with_a_backlog_exits_quickly_and_strands_nothing(
    double: BotApiDouble, database: str | Path, tmp_path: Path
) -> None:
    await seed(database, double, BACKLOG)
    double.set_latency(0.05)
    async with bot_process(double, database, tmp_path, RATE_LIMIT="true") as process:
        await wait_until(lambda: sum(delivered(double, BACKLOG).values()) >= 40, within=60)
        asked = time.monotonic()
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        took = time.monotonic() - asked
    assert process.returncode == 0
    assert took <= 2 + SEND_TIMEOUT, f"took {took:.1f} s to stop"
    sent = sum(delivered(double, BACKLOG).values())
    assert sent < BACKLOG, "the backlog was sent before the bot stopped"
    db = open_database(database)
    await db.open()
    counts = await ReminderRepository(db).status_counts()
    await db.close()
    assert "sending" not in counts
    assert counts == {"sent": sent, "pending": BACKLOG - sent}  # every send stored as sent
