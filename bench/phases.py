"""The five measurements, each on its own database and its own Bot API double."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness import (
    ROOT,
    TOKEN,
    ArrivalLog,
    bot_process,
    memory_of,
    new_double,
    record_arrivals,
    stop,
    thread_cpu_seconds,
    wait_started,
    wait_until,
    wall_offset,
)
from bench.seed import (
    ROWS_PER_TASK,
    CacheBound,
    Due,
    PlanResult,
    db_size,
    page_cache_bound,
    plan_pending,
    seed_due,
)
from bot.reminders.dispatcher import IN_FLIGHT
from storage.database import open_database
from storage.reminders import ReminderRepository

SETTLE = 2.0  # seconds after start-up before memory is read
FIRST_USER = 100_000  # private chat ids of the seeded members
GROUP_CHAT = -1_001_000_000_001
TELEGRAM_RATE = 30  # messages per second overall
BOT_POOL = 64  # the connection pool bot/app.py gives PTB


def now_epoch() -> int:
    return int(time.time())


# ---- 1. planning --------------------------------------------------------------------------
async def planning(workdir: Path, sizes: list[int], chunk_rows: int) -> list[PlanResult]:
    """Bulk planning at each size (kept on disk: the largest feeds the memory phase), and the
    per-event shape at the smallest, one transaction per task as the bot plans a new task."""
    results = []
    now = now_epoch()
    for rows in sizes:
        results.append(await plan_pending(
            plan_path(workdir, rows), rows, now, tasks_per_transaction=chunk_rows // ROWS_PER_TASK
        ))
    per_task = workdir / "plan-per-task.sqlite3"
    results.append(await plan_pending(per_task, sizes[0], now, tasks_per_transaction=1))
    return results


def plan_path(workdir: Path, rows: int) -> Path:
    return workdir / f"plan-{rows}.sqlite3"


# ---- 2. memory ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MemoryResult:
    pending: int
    rss: int
    hwm: int
    startup_seconds: float
    db_bytes: int
    log_lines: int


async def memory(
    workdir: Path, big_db: Path, big_rows: int
) -> tuple[list[MemoryResult], CacheBound]:
    """The real bot's resident memory idle on an empty queue and on ``big_rows`` pending."""
    empty = workdir / "memory-empty" / "bot.sqlite3"
    empty.parent.mkdir()
    results = [await _idle_memory(empty, 0), await _idle_memory(big_db, big_rows)]
    return results, await page_cache_bound(big_db)


async def _idle_memory(db_path: Path, pending: int) -> MemoryResult:
    async with new_double() as double, bot_process(
        double, db_path, rate_limit=False, name=f"memory-{pending}"
    ) as bot:
        await wait_started(double, bot)
        await asyncio.sleep(SETTLE)
        figures = memory_of(bot.pid)
        sent = sum(1 for name, _ in double.calls if name == "sendMessage")
        if sent:
            raise RuntimeError(f"the idle bot sent {sent} messages; the digest interfered?")
    return MemoryResult(pending, figures["VmRSS"], figures["VmHWM"], bot.startup_seconds,
                        db_size(db_path), len(bot.log_lines()))


# ---- 3. dispatch rate, limiter off -----------------------------------------------------------
@dataclass(frozen=True)
class SenderRun:
    """One sender's share of the dispatch phase, with the CPU both sides spent on it."""

    name: str
    arrivals: ArrivalLog
    sender_cpu: float  # CPU seconds of the sending process while it sent
    double_cpu: float  # CPU seconds of this process (serving the double) meanwhile
    other_threads_cpu: float | None = None  # of sender_cpu, outside the main thread

    def per_message_ms(self, cpu: float) -> float:
        return 1000 * cpu / len(self.arrivals)


@dataclass(frozen=True)
class DispatchResult:
    messages: int
    pipeline: SenderRun
    bare: SenderRun
    concurrent: SenderRun  # the bare loop sending as the dispatcher does
    repeats: int  # messages beyond one per reminder (there should be none)
    startup_seconds: float
    statuses: dict[str, int]
    log_lines: list[str]

    @property
    def ratio(self) -> float:
        return self.pipeline.arrivals.rate() / self.bare.arrivals.rate()


async def dispatch(workdir: Path, count: int) -> DispatchResult:
    """``count`` reminders due at once, sent by the bot; then, alone on the same double and
    the same started users, the bare PTB loop (the reference) and the same loop sending
    ``IN_FLIGHT`` at a time over the bot's connection pool (to locate the cost)."""
    db_path = workdir / "dispatch" / "bot.sqlite3"
    db_path.parent.mkdir()
    async with new_double() as double:
        now = now_epoch()
        await seed_due(db_path, double, [Due(FIRST_USER + n, now) for n in range(count)], now)
        arrivals = record_arrivals(double)
        async with bot_process(double, db_path, rate_limit=False, name="dispatch") as bot:
            await wait_started(double, bot)
            threads, double_cpu = thread_cpu_seconds(bot.pid), time.process_time()
            await wait_until(lambda: len(arrivals) >= count, 60 + count / 50,
                             f"{count} reminders to arrive")
            pipeline = _bot_run(arrivals, bot.pid, threads, time.process_time() - double_cpu)
            await asyncio.sleep(0.5)  # a repeat would show up now
        repeats = len(arrivals) - count
        bare = await bare_loop(double.base_url, arrivals, count, concurrency=1, pool=1)
        concurrent = await bare_loop(double.base_url, arrivals, count,
                                     concurrency=IN_FLIGHT, pool=BOT_POOL)
    return DispatchResult(count, pipeline, bare, concurrent, repeats, bot.startup_seconds,
                          await statuses(db_path), bot.log_lines())


def _bot_run(
    arrivals: ArrivalLog, pid: int, before: dict[int, float], double_cpu: float
) -> SenderRun:
    """The bot's CPU since ``before``, split between the main thread and the others."""
    spent = {tid: cpu - before.get(tid, 0.0) for tid, cpu in thread_cpu_seconds(pid).items()}
    others = sum(cpu for tid, cpu in spent.items() if tid != pid)
    return SenderRun("bot pipeline (python -m bot run)", arrivals.since(0),
                     sum(spent.values()), double_cpu, others)


async def bare_loop(
    root: str, arrivals: ArrivalLog, count: int, *, concurrency: int, pool: int
) -> SenderRun:
    """Run bench/bare_loop.py; its arrivals are those logged while it ran."""
    mark, double_cpu = len(arrivals), time.process_time()
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "bare_loop.py"), "--root", root, "--token", TOKEN,
        "--first-chat", str(FIRST_USER), "--count", str(count),
        "--concurrency", str(concurrency), "--pool", str(pool),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 60 + count / 50)
    finally:
        await stop(process)
    if process.returncode != 0:
        raise RuntimeError(f"bare_loop.py failed ({process.returncode}):\n{err.decode()}")
    report = json.loads(out.decode().splitlines()[-1])
    name = ("bare PTB loop, sequential" if concurrency == 1
            else f"bare PTB loop, {concurrency} in flight, pool {pool}")
    return SenderRun(name, arrivals.since(mark), float(report["cpu"]),
                     time.process_time() - double_cpu)


async def statuses(db_path: Path | str) -> dict[str, int]:
    """What became of the seeded rows (every one should be 'sent')."""
    db = open_database(db_path)
    await db.open()
    try:
        return await ReminderRepository(db).status_counts()
    finally:
        await db.close()


# ---- 4. and 5. the limiter against a double that enforces Telegram's limits ---------------
@dataclass(frozen=True)
class LimitedResult:
    messages: int
    arrivals: ArrivalLog
    fire_at: list[int | None]  # per arrival, the fire time of the reminder it delivered
    wall_offset: float
    throttled: int
    statuses: dict[str, int]
    startup_seconds: float
    first_fire_in: float  # seconds from the bot being started to the first fire time
    log_lines: list[str]

    @property
    def percent_of_limit(self) -> float:
        return 100 * self.arrivals.rate_within_limit(TELEGRAM_RATE, 1.0) / TELEGRAM_RATE

    @property
    def repeats(self) -> int:
        """Messages beyond one per reminder (there should be none)."""
        return sum(1 for fire in self.fire_at if fire is None)

    def lateness(self) -> list[float]:
        """Arrival (as epoch seconds) minus fire time, per reminder, in arrival order."""
        return [mono + self.wall_offset - fire
                for mono, fire in zip(self.arrivals.times, self.fire_at, strict=True)
                if fire is not None]


def burst_plan(private: int, now: int) -> list[Due]:
    """``private`` distinct private chats, all due now: only the 30/s overall limit binds."""
    return [Due(FIRST_USER + n, now) for n in range(private)]


def mixed_plan(private: int, repeats: int, now: int) -> list[Due]:
    """``repeats`` + 1 reminders to one private chat (1/s) and ``repeats`` to one group
    (20/min), planned first so they share the dispatcher's first batch, then ``private``
    distinct chats; all due now."""
    due = [Due(FIRST_USER, now) for _ in range(repeats + 1)]
    due += [Due(GROUP_CHAT, now) for _ in range(repeats)]
    return due + [Due(FIRST_USER + n, now) for n in range(1, private + 1)]


def spread_plan(rate: int, seconds: int, first_fire: int) -> list[Due]:
    """``rate`` reminders a second for ``seconds`` seconds, each to a chat of its own."""
    return [Due(FIRST_USER + n, first_fire + n // rate) for n in range(rate * seconds)]


async def limited(workdir: Path, name: str, due: list[Due], now: int) -> LimitedResult:
    """Send ``due`` with RATE_LIMIT=true while the double enforces Telegram's limits."""
    db_path = workdir / name / "bot.sqlite3"
    db_path.parent.mkdir()
    async with new_double() as double:
        await seed_due(db_path, double, due, now)
        double.enforce_limits(True)
        arrivals = record_arrivals(double)
        offset = wall_offset()
        first_fire = min(d.fire_at for d in due)
        async with bot_process(double, db_path, rate_limit=True, name=name) as bot:
            await wait_started(double, bot)
            first_fire_in = first_fire - (bot.started_at or 0.0) - offset
            last_fire = max(d.fire_at for d in due)
            within = max(0.0, last_fire - time.time()) + 60 + len(due) / 20
            await wait_until(lambda: len(arrivals) >= len(due), within,
                             f"{len(due)} reminders to arrive")
            await asyncio.sleep(0.5)
        throttled = double.throttled
    return LimitedResult(len(due), arrivals, _fire_times(due, arrivals), offset, throttled,
                         await statuses(db_path), bot.startup_seconds, first_fire_in,
                         bot.log_lines())


def _fire_times(due: list[Due], arrivals: ArrivalLog) -> list[int | None]:
    """The fire time each arrival delivered: a chat's reminders go out earliest first, so
    its n-th message answers its n-th fire time; None marks a message beyond them."""
    pending: dict[int, list[int]] = {}
    for item in sorted(due, key=lambda d: d.fire_at):
        pending.setdefault(item.chat_id, []).append(item.fire_at)
    return [pending[chat].pop(0) if pending.get(chat) else None for chat in arrivals.chats]
