"""Reminder pipeline benchmark: planning, memory, dispatch rate, the limiter, lateness.

Run from the repository root: ``.venv/bin/python bench/reminders.py [--quick]`` (or
``make bench``). The real bot runs as a subprocess (``python -m bot run``) against the Bot API
double served from this process; nothing touches the network. Progress goes to stderr, the
figures to stdout. Not part of the test suite: the targets are reported, not asserted.
"""

# ruff: noqa: E402 - run as a script, the repository root must be on sys.path before imports

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import phases
from bench.phases import DispatchResult, LimitedResult, MemoryResult
from bench.report import count, mib, percentile, rate, seconds, table, verdict
from bench.seed import CacheBound, PlanResult
from bot.reminders.dispatcher import CLAIM_SIZE

CHUNK_ROWS = 10_000  # rows per transaction when planning in bulk
SPREAD_RATE = 20  # reminders due per second in the lateness phase (below the 30/s limit)
TARGET_RATIO = 0.8
TARGET_PERCENT = 95.0
TARGET_P99 = 1.0


@dataclass(frozen=True)
class Sizes:
    plan: int
    dispatch: int
    burst: int
    mixed: int  # distinct chats in the burst that also has repeats to one chat and a group
    repeats: int
    spread_seconds: int
    quick: bool

    @property
    def plan_sizes(self) -> list[int]:
        """Three decades up to --plan-n: 10k, 100k and 1M by default."""
        return sorted({max(1, self.plan // 100), max(1, self.plan // 10), self.plan})


def parse_args() -> Sizes:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan-n", type=int, help="largest planning size (1,000,000)")
    parser.add_argument("--dispatch-n", type=int, help="reminders due at once, no limiter "
                        "(10,000)")
    parser.add_argument("--burst-n", type=int, help="private chats in the limited burst (900)")
    parser.add_argument("--spread-s", type=int, help="seconds of the lateness spread (20)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    args = parser.parse_args()
    quick = args.quick
    return Sizes(
        plan=args.plan_n or (20_000 if quick else 1_000_000),
        dispatch=args.dispatch_n or (500 if quick else 10_000),
        burst=args.burst_n or (60 if quick else 900),
        mixed=20 if quick else 300,
        repeats=2 if quick else 5,
        spread_seconds=args.spread_s or (2 if quick else 20),
        quick=quick,
    )


class Progress:
    """Timestamped progress on stderr, so stdout holds only the figures."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f} s] {text}", file=sys.stderr, flush=True)


def machine() -> str:
    return (
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}; python-telegram-bot {version('python-telegram-bot')}"
        f", aiosqlite {version('aiosqlite')}, aiohttp {version('aiohttp')} (the double)"
    )


def load() -> str:
    """Other work on the machine skews every rate here; the load average shows how much."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def heading(text: str) -> None:
    print(f"\n{text}\n")


# ---- printing each phase -------------------------------------------------------------------
def print_planning(results: list[PlanResult]) -> None:
    heading("1. Planning pending reminders: ReminderRepository.add inside "
            "Database.transaction(),\n   rows from plan_deadline (3 offsets + deadline, "
            "up to 1,000 members); time inside the transactions")
    rows = [
        [count(r.rows), count(r.rows_per_transaction), seconds(r.seconds),
         rate(r.rows_per_second), mib(r.db_bytes)]
        for r in results
    ]
    print(table(["rows", "rows/transaction", "time", "rows/s", "file (+WAL)"], rows))
    print("  (the last line: one transaction per task, as the bot plans a new task)")


def print_memory(results: list[MemoryResult], bound: CacheBound) -> None:
    heading(f"2. Resident memory of the bot (python -m bot run), idle {phases.SETTLE:.0f} s "
            "after start-up, nothing due")
    rows = [
        [count(r.pending), mib(r.rss), mib(r.hwm), seconds(r.startup_seconds), mib(r.db_bytes)]
        for r in results
    ]
    empty, full = results[0], results[-1]
    rows.append(["difference", mib(full.rss - empty.rss, signed=True),
                 mib(full.hwm - empty.hwm, signed=True),
                 seconds(full.startup_seconds - empty.startup_seconds), ""])
    print(table(["pending", "VmRSS", "VmHWM", "start-up", "database"], rows))
    print(f"\n  SQLite page cache bound: {bound.connections} connections x "
          f"{bound.per_connection // 1024:,} KiB (PRAGMA cache_size={bound.cache_size}, "
          f"page_size={bound.page_size}) = {mib(bound.total)}")
    logged = sum(r.log_lines for r in results)
    if logged:
        print(f"  The bot logged {logged} line(s) at WARNING or above (see the logs).")


def print_dispatch(result: DispatchResult) -> None:
    heading(f"3. Dispatch rate, RATE_LIMIT=false: {count(result.messages)} reminders due at "
            f"once to {count(result.messages)} started members")
    runs = (result.pipeline, result.bare, result.concurrent)
    rows = [
        [run.name, count(len(run.arrivals)), seconds(run.arrivals.span()),
         rate(run.arrivals.rate()), f"{run.per_message_ms(run.sender_cpu):.2f}",
         f"{run.per_message_ms(run.double_cpu):.2f}"]
        for run in runs
    ]
    print(table(["sender", "messages", "first -> last", "messages/s", "sender CPU ms/msg",
                 "double CPU ms/msg"], rows))
    pipeline = result.pipeline
    if pipeline.other_threads_cpu is not None:
        main_ms = pipeline.per_message_ms(pipeline.sender_cpu - pipeline.other_threads_cpu)
        print(f"\n  the bot's CPU per message: {main_ms:.2f} ms in the main thread (event loop: "
              f"PTB, HTTP client, dispatcher),\n  "
              f"{pipeline.per_message_ms(pipeline.other_threads_cpu):.2f} ms in the other "
              "threads (aiosqlite's, running the SQLite statements)")
    print(f"\n  ratio pipeline / bare sequential loop: {result.ratio:.2f} "
          f"(target >= {TARGET_RATIO})")
    versus = result.pipeline.arrivals.rate() / result.concurrent.arrivals.rate()
    print(f"  ratio pipeline / bare loop sending as the dispatcher does: {versus:.2f}")
    print(f"  rates are first to last arrival at the double; CPU is user+system time of "
          f"each process while it sent\n  ({os.cpu_count()} cores shared by the sender and "
          f"the double); rows afterwards: {result.statuses}; repeated messages: "
          f"{result.repeats}")
    print_log("  ", result.log_lines)


def print_burst(distinct: LimitedResult, mixed: LimitedResult, repeats: int) -> None:
    heading("4. Limiter on (RATE_LIMIT=true), double enforcing Telegram's limits (30/s overall,"
            " 1/s per private\n   chat, 20/min per group), everything due at once")
    runs = (distinct, mixed)
    figures: list[tuple[str, Callable[[LimitedResult], str]]] = [
        ("reminders due", lambda r: count(r.messages)),
        ("messages delivered", lambda r: count(len(r.arrivals))),
        ("first -> last", lambda r: seconds(r.arrivals.span())),
        ("fastest possible first -> last", lambda r: seconds(fastest_span(r, repeats))),
        ("rate first -> last", lambda r: rate(r.arrivals.rate())),
        ("share of the 30/s limit used",
         lambda r: f"{r.percent_of_limit:.1f} %" if r is distinct else "n/a (1/s per chat)"),
        ("most in any 1 s window", lambda r: str(r.arrivals.max_in_window(1.0))),
        ("429 answers (double.throttled)", lambda r: str(r.throttled)),
    ]
    rows = [[name, *(show(run) for run in runs)] for name, show in figures]
    print(table(["figure", "distinct private chats",
                 f"{repeats + 1} to one chat, {repeats} to a group, rest distinct"], rows))
    print("\n  share of the limit = n / (time from the first arrival until the 1 s window "
          "would admit message n + 1):\n  exactly 30/s for any sender that leaves none of "
          "the limit unused (first -> last rates can read above 30/s,\n  as the last "
          "window's messages arrive together)")
    extra = mixed.arrivals.span() - fastest_span(mixed, repeats)
    print(f"  the mixed run took {extra:.1f} s more than the fastest possible", end="")
    if extra > 0.5 and more_than_one_batch(mixed):
        print(f": the one-a-second chat's rows are held back and taken up again\n  one per "
              f"claim of {CLAIM_SIZE} rows (a claim takes about 2 s at 30/s), so that chat "
              "finishes last; no other chat waits for it")
    else:
        print()
    for run in runs:
        print(f"  rows afterwards: {run.statuses}; repeated messages: {run.repeats}")
        print_log("  ", run.log_lines)


def more_than_one_batch(result: LimitedResult) -> bool:
    """Whether some reminders were left for a later batch than the first."""
    return result.messages > CLAIM_SIZE


def fastest_span(result: LimitedResult, repeats: int) -> float:
    """The least first -> last the limits allow: 30 per 1 s window, and ``repeats`` + 1
    messages to one private chat (if any chat got several) at 1/s."""
    windows = (result.messages - 1) // phases.TELEGRAM_RATE
    several = len(set(result.arrivals.chats)) < len(result.arrivals)
    return float(max(windows, repeats if several else 0))


def print_lateness(result: LimitedResult, spread: int) -> None:
    heading(f"5. Lateness under the limits: {count(result.messages)} reminders, "
            f"{SPREAD_RATE}/s over {spread} s, each to its own chat,\n   limiter on, double "
            "enforcing; lateness = arrival at the double - fire_at")
    late = result.lateness()
    rows = [
        ["p50", seconds(percentile(late, 0.50))],
        ["p99", seconds(percentile(late, 0.99))],
        ["max", seconds(max(late))],
        ["min", seconds(min(late))],
        ["429 answers", str(result.throttled)],
    ]
    print(table(["lateness", "value"], rows))
    print(f"\n  the bot was up {result.first_fire_in:.1f} s before the first fire time; "
          f"rows afterwards: {result.statuses}; repeated messages: {result.repeats}")
    print_log("  ", result.log_lines)


def print_log(indent: str, lines: list[str]) -> None:
    if lines:
        print(f"{indent}the bot logged {len(lines)} line(s); the first:")
        for line in lines[:5]:
            print(f"{indent}  {line[:160]}")


def print_summary(dispatch: DispatchResult, burst: LimitedResult, mixed: LimitedResult,
                  spread: LimitedResult, memory: list[MemoryResult], bound: CacheBound) -> None:
    heading("Summary")
    p99 = percentile(spread.lateness(), 0.99)
    extra = memory[-1].rss - memory[0].rss
    throttled = burst.throttled + mixed.throttled + spread.throttled
    rows = [
        ["RSS added by the pending rows", mib(extra, signed=True),
         f"<= page cache {mib(bound.total)}", verdict(extra <= bound.total)],
        ["dispatch ratio pipeline / bare", f"{dispatch.ratio:.2f}", f">= {TARGET_RATIO}",
         verdict(dispatch.ratio >= TARGET_RATIO)],
        ["limited burst, share of 30/s", f"{burst.percent_of_limit:.1f} %",
         f">= {TARGET_PERCENT:.0f} %", verdict(burst.percent_of_limit >= TARGET_PERCENT)],
        ["429s (the three limited runs)", str(throttled), "0", verdict(throttled == 0)],
        ["lateness p99", seconds(p99), f"<= {TARGET_P99:.0f} s", verdict(p99 <= TARGET_P99)],
    ]
    print(table(["figure", "value", "target", "met"], rows))


# ---- the run ------------------------------------------------------------------------------
def drop_smaller_plans(workdir: Path, plan_sizes: list[int]) -> None:
    """Only the largest planning database is used later (by the memory phase)."""
    for rows in plan_sizes[:-1]:
        for path in workdir.glob(f"plan-{rows}.sqlite3*"):
            path.unlink()
    for path in workdir.glob("plan-per-task.sqlite3*"):
        path.unlink()


async def run(sizes: Sizes, workdir: Path, progress: Progress) -> None:
    print("Committee Assistant: reminder pipeline benchmark"
          + (" (--quick: small sizes, a smoke run)" if sizes.quick else ""))
    print(machine())
    print(f"At the start: {load()}")

    progress(f"planning {', '.join(count(n) for n in sizes.plan_sizes)} rows")
    plans = await phases.planning(workdir, sizes.plan_sizes, CHUNK_ROWS)
    print_planning(plans)
    drop_smaller_plans(workdir, sizes.plan_sizes)

    progress(f"memory of the idle bot with 0 and {count(sizes.plan)} pending")
    memory, bound = await phases.memory(
        workdir, phases.plan_path(workdir, sizes.plan), sizes.plan
    )
    print_memory(memory, bound)

    progress(f"dispatching {count(sizes.dispatch)} due at once, then the bare loop")
    dispatch = await phases.dispatch(workdir, sizes.dispatch)
    print_dispatch(dispatch)

    progress(f"limited bursts: {count(sizes.burst)} distinct chats, then mixed")
    now = phases.now_epoch()
    distinct = await phases.limited(workdir, "burst", phases.burst_plan(sizes.burst, now), now)
    now = phases.now_epoch()
    mixed = await phases.limited(
        workdir, "mixed", phases.mixed_plan(sizes.mixed, sizes.repeats, now), now
    )
    print_burst(distinct, mixed, sizes.repeats)

    startup = max(r.startup_seconds for r in memory)
    lead = math.ceil(2 * startup) + 2  # fire times start once the bot is surely up
    progress(f"lateness: {SPREAD_RATE}/s over {sizes.spread_seconds} s, first in {lead} s")
    now = phases.now_epoch()
    spread = await phases.limited(
        workdir, "spread", phases.spread_plan(SPREAD_RATE, sizes.spread_seconds, now + lead), now
    )
    print_lateness(spread, sizes.spread_seconds)
    print_summary(dispatch, distinct, mixed, spread, memory, bound)
    print(f"\nAt the end: {load()}")
    progress("done")


def main() -> None:
    sizes = parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # keep order
    progress = Progress()
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as workdir:
        asyncio.run(run(sizes, Path(workdir), progress))


if __name__ == "__main__":
    main()
