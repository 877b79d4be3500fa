"""The reference for the dispatch rate: PTB alone, sending N messages one after another.

It runs as its own process, like the bot, against the same double, so the ratio of the two
rates is the cost of everything the pipeline adds (database, rendering, scheduling) over the
bare HTTP round trip. The messages have the reminders' shape (HTML text and two callback
buttons), so the double does the same work for each.

With ``--concurrency 16 --pool 64`` it sends as the bot's dispatcher does (16 in flight over
PTB's 64-connection pool): the same HTTP client work without the pipeline, to tell the two
costs apart.

Prints one JSON line: {"sent": N, "seconds": loop time, "cpu": this process's CPU seconds
during the loop}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.request import HTTPXRequest

TEXT = (
    "⏰ Reminder: task #{n} “Quarterly report” is due Thursday 31 December 2026, 17:00 "
    "(in 24 hours).\nAssigned to: Cadre {n}"
)


def _markup(n: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("✅ Done", callback_data=f"td:{n}"),
          InlineKeyboardButton("⏰ Snooze 1h", callback_data=f"ts:{n}")]]
    )


async def send_all(
    root: str, token: str, first_chat: int, count: int, concurrency: int, pool: int
) -> tuple[float, float]:
    """(seconds, CPU seconds) to send ``count`` messages, ``concurrency`` awaited at a time
    (1: strictly one after another); initialisation is not included."""
    bot = Bot(token, base_url=f"{root}/bot", request=HTTPXRequest(connection_pool_size=pool))
    await bot.initialize()
    numbers = iter(range(count))

    async def worker() -> None:
        for n in numbers:  # shared: each number is taken by exactly one worker
            await bot.send_message(
                first_chat + n, TEXT.format(n=n), parse_mode=ParseMode.HTML,
                reply_markup=_markup(n),
            )

    try:
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        await bot.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, help="the double's root URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--first-chat", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=1, help="sends in flight (1)")
    parser.add_argument("--pool", type=int, default=1, help="HTTP connections (PTB's 1)")
    args = parser.parse_args()
    seconds, cpu = asyncio.run(send_all(
        args.root, args.token, args.first_chat, args.count, args.concurrency, args.pool
    ))
    print(json.dumps({"sent": args.count, "seconds": seconds, "cpu": cpu}))


if __name__ == "__main__":
    main()
