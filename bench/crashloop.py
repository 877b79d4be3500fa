"""Crash-loop benchmark: the bot killed with SIGKILL again and again during a reminder burst.

Run from the repository root: ``.venv/bin/python bench/crashloop.py`` (``--quick`` for a
smoke run). 1,000 reminders are due at once, each to a chat of its own; the bot runs with the
limiter on against a double that enforces Telegram's limits (30 messages/s), and is killed 20
times, each life a little longer than the last in a cycle of 0.5 to 2 s after it started. A
last life then finishes the burst. Printed: each life's length and progress (rows stored as
sent), the repeated messages each crash caused, and what was lost; next to the figures the
same run gave with outcomes stored once per 64-row batch (before the dispatcher streamed
rows and stored outcomes as they happened). ``--rate N`` also measures the raw dispatch rate
(limiter off, N reminders due at once), as ``bench/reminders.py`` does.
"""

# ruff: noqa: E402 - run as a script, the repository root must be on sys.path before imports

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import phases
from bench.harness import (
    STARTUP_CALLS,
    BotProcess,
    bot_process,
    new_double,
    record_arrivals,
    wait_until,
)
from bench.report import count, rate, seconds, table
from bench.seed import Due, seed_due
from bot.reminders.dispatcher import IN_FLIGHT
from tests.double import BotApiDouble

LIVES = (0.5, 1.0, 1.5, 2.0)  # seconds from start-up to the kill, cycled
KILLS = 20
BURST = 1_000

# The same run on the batch-commit dispatcher (64 rows claimed, sent, then stored at once),
# measured on this machine before the change: see the README's "Delivery guarantees".
BEFORE = {
    "lives with progress (of those > 1 s)": "0 of 15",
    "  of those that met no 429 (*)": "0 of 12",
    "rows stored per life, mean": "0.0",
    "repeated messages": "810",
    "repeats per crash, max": "60",
    "lost": "0",
}


@dataclass
class Life:
    length: float  # seconds from start-up to the kill (or to the end, for the last)
    stored: int  # rows stored as sent during this life
    arrived: int  # messages that reached the double during this life
    throttled: int  # 429 answers the double gave during this life


@dataclass
class CrashLoop:
    reminders: int
    lives: list[Life] = field(default_factory=list)
    repeats_per_crash: list[int] = field(default_factory=list)
    repeats: int = 0
    lost: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def kills(self) -> int:
        return len(self.lives) - 1


async def wait_life_started(double: BotApiDouble, bot: BotProcess, calls_before: int) -> None:
    """Started = this life made the start-up calls (the double remembers earlier lives')."""

    def started() -> bool:
        if bot.process.returncode is not None:
            raise RuntimeError(f"the bot exited with {bot.process.returncode}")
        done = {name for name, _ in double.calls[calls_before:]}
        return all(name in done for name in STARTUP_CALLS)

    await wait_until(started, 120, "the bot to start")


async def sent_rows(db_path: Path) -> int:
    return (await phases.statuses(db_path)).get("sent", 0)


async def crash_loop(workdir: Path, reminders: int, kills: int) -> CrashLoop:
    db_path = workdir / "crashloop" / "bot.sqlite3"
    db_path.parent.mkdir()
    result = CrashLoop(reminders)
    async with new_double() as double:
        now = phases.now_epoch()
        chats = [phases.FIRST_USER + n for n in range(reminders)]
        await seed_due(db_path, double, [Due(chat, now) for chat in chats], now)
        double.enforce_limits(True)
        arrivals = record_arrivals(double)
        life_of_arrival: list[int] = []
        for number in range(kills + 1):
            last = number == kills
            stored_before, arrived_before = await sent_rows(db_path), len(arrivals)
            throttled_before = double.throttled
            calls_before = len(double.calls)
            async with bot_process(double, db_path, rate_limit=True,
                                   name=f"life-{number}") as bot:
                await wait_life_started(double, bot, calls_before)
                started = time.monotonic()
                if last:
                    await wait_until(lambda: len(set(arrivals.chats)) >= reminders,
                                     60 + reminders / 10, "the burst to finish")
                    await asyncio.sleep(1.0)  # let the last outcomes be stored
                else:
                    await asyncio.sleep(LIVES[number % len(LIVES)])
                    bot.process.send_signal(signal.SIGKILL)
                    await asyncio.wait_for(bot.process.wait(), 10)
                length = time.monotonic() - started
            life_of_arrival += [number] * (len(arrivals) - arrived_before)
            result.lives.append(Life(length, await sent_rows(db_path) - stored_before,
                                     len(arrivals) - arrived_before,
                                     double.throttled - throttled_before))
            if not last and await sent_rows(db_path) >= reminders:
                break  # nothing left to crash in the middle of
        result.statuses = await phases.statuses(db_path)
        received = Counter(arrivals.chats)
        result.lost = sum(1 for chat in chats if received[chat] == 0)
        result.repeats = sum(n - 1 for n in received.values() if n > 1)
        # A repeat is the fault of the crash that ended the life of the chat's previous
        # message: that life sent it but did not live to store it.
        per_crash = Counter()
        previous: dict[int, int] = {}
        for chat, life in zip(arrivals.chats, life_of_arrival, strict=True):
            if chat in previous:
                per_crash[previous[chat]] += 1
            previous[chat] = life
        result.repeats_per_crash = [per_crash[n] for n in range(result.kills)]
    return result


def print_crash_loop(result: CrashLoop) -> None:
    print(f"\nCrash loop: {count(result.reminders)} reminders due at once, each to its own "
          f"chat, limiter on (30/s),\nthe bot killed {result.kills} times (SIGKILL), lives "
          f"cycling through {', '.join(f'{s:g}' for s in LIVES)} s after start-up\n")
    rows = [
        [str(n + 1) + (" (last)" if n == result.kills else ""), seconds(life.length),
         str(life.arrived), str(life.stored), str(life.throttled),
         str(result.repeats_per_crash[n]) if n < result.kills else ""]
        for n, life in enumerate(result.lives)
    ]
    print(table(["life", "length", "messages sent", "rows stored as sent", "429s",
                 "repeats this crash caused"], rows))
    killed = result.lives[:result.kills]
    longer = [life for life in killed if life.length > 1.0]
    stored = [life.stored for life in killed]
    clean = [life for life in longer if not life.throttled]
    figures = [
        ("lives with progress (of those > 1 s)",
         f"{sum(1 for life in longer if life.stored > 0)} of {len(longer)}"),
        ("  of those that met no 429 (*)",
         f"{sum(1 for life in clean if life.stored > 0)} of {len(clean)}"),
        ("rows stored per life, mean", f"{sum(stored) / max(1, len(stored)):.1f}"),
        ("repeated messages", str(result.repeats)),
        ("repeats per crash, max", str(max(result.repeats_per_crash, default=0))),
        ("lost", str(result.lost)),
    ]
    print()
    print(table(["figure", "now", "batch commit (before)", "target"], [
        [name, value, BEFORE[name], target]
        for (name, value), target in zip(figures, (
            "all", "all", "", "", f"<= {IN_FLIGHT} (sends in flight)", "0"), strict=True)
    ]))
    print("\n  (*) a life that starts less than a second after the last one's burst finds "
          "Telegram's 30/s window\n  still full: it is answered 429 and waits as told, and "
          "a short life may end before it sends")
    print(f"\n  rows afterwards: {result.statuses}")


async def dispatch_rate(workdir: Path, reminders: int) -> None:
    result = await phases.dispatch(workdir, reminders)
    print(f"\nRaw dispatch rate, limiter off, {count(reminders)} reminders due at once: "
          f"{rate(result.pipeline.arrivals.rate())} (bare sequential PTB loop "
          f"{rate(result.bare.arrivals.rate())}, ratio {result.ratio:.2f}); "
          f"rows afterwards: {result.statuses}; repeats: {result.repeats}")


async def run(args: argparse.Namespace, workdir: Path) -> None:
    burst = args.reminders or (200 if args.quick else BURST)
    kills = args.kills if args.kills is not None else (4 if args.quick else KILLS)
    print_crash_loop(await crash_loop(workdir, burst, kills))
    if args.rate:
        await dispatch_rate(workdir, args.rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, help=f"reminders in the burst ({BURST:,})")
    parser.add_argument("--kills", type=int, help=f"kills ({KILLS})")
    parser.add_argument("--rate", type=int, default=0,
                        help="also measure the raw dispatch rate with this many reminders")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory(prefix="bench-crashloop-") as workdir:
        asyncio.run(run(args, Path(workdir)))


if __name__ == "__main__":
    main()
