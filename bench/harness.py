"""Running the real bot as a subprocess against the Bot API double, and watching the double.

The bot is measured as it runs in production (``python -m bot run``), so every figure includes
PTB, the JobQueue, aiosqlite and the HTTP client. The double runs in the benchmark's own event
loop; arrivals are timed there, the moment the double stores a bot message.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.double import BotApiDouble
from tests.instance_process import stop_instance as stop

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
BOT_USERNAME = "committee_bench_bot"
ZONE = "Asia/Ho_Chi_Minh"
# Calls the bot has completed once post_init is done and polling is about to begin.
STARTUP_CALLS = ("getMe", "setMyCommands", "deleteWebhook")


def new_double() -> BotApiDouble:
    """A fresh double per phase, so limits, counters and messages never leak between them."""
    return BotApiDouble(token=TOKEN, bot_username=BOT_USERNAME)


async def wait_until(condition: Callable[[], bool], within: float, what: str) -> None:
    """Poll ``condition`` (the double lives in this loop, so it keeps serving meanwhile)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(0.02)


def wall_offset() -> float:
    """wall-clock minus monotonic, sampled once: arrivals are stamped with the monotonic
    clock (immune to clock steps) and converted to epoch seconds with this one offset."""
    best: tuple[float, float] | None = None
    for _ in range(5):
        before = time.monotonic()
        wall = time.time()
        after = time.monotonic()
        if best is None or after - before < best[0]:
            best = (after - before, wall - (before + after) / 2)
    assert best is not None
    return best[1]


@dataclass
class ArrivalLog:
    """When each bot message reached the double: (monotonic time, chat id), in order."""

    times: list[float] = field(default_factory=list)
    chats: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.times)

    def add(self, chat_id: int) -> None:
        self.times.append(time.monotonic())
        self.chats.append(chat_id)

    def since(self, index: int) -> ArrivalLog:
        """A copy of the arrivals from ``index`` on (one phase's share of a shared log)."""
        return ArrivalLog(self.times[index:], self.chats[index:])

    def rate(self) -> float:
        """Messages per second from the first arrival to the last (n - 1 intervals)."""
        span = self.span()
        return (len(self) - 1) / span if span > 0 else float("nan")

    def rate_within_limit(self, limit: int, period: float) -> float:
        """Messages per second of limit time used: n over the time from the first arrival
        until a window of ``limit`` per ``period`` would admit one more message.

        Any sender that wastes none of the limit scores exactly limit/period, whether it
        sends evenly or in bursts at the start of each window, where first-to-last rates
        would read above the limit (the last window's burst takes no time).
        """
        if len(self) <= limit:
            return float("nan")
        used = self.times[len(self) - limit] + period - self.times[0]
        return len(self) / used

    def span(self) -> float:
        return self.times[-1] - self.times[0] if len(self) > 1 else 0.0

    def max_in_window(self, seconds: float = 1.0) -> int:
        """The most arrivals in any window of ``seconds`` (what a sliding-window limit sees)."""
        best, start = 0, 0
        for end, moment in enumerate(self.times):
            while moment - self.times[start] >= seconds:
                start += 1
            best = max(best, end - start + 1)
        return best


def record_arrivals(double: BotApiDouble) -> ArrivalLog:
    """Stamp every bot message as the double stores it.

    The double keeps no arrival times of its own, so its State.new_message (called by every
    successful send, after validation and flood control) is wrapped on this one instance.
    """
    state = double._state
    original = state.new_message
    log = ArrivalLog()

    def new_message(chat_id: int, sender: Any, fields: Any, *, from_bot: bool) -> Any:
        stored = original(chat_id, sender, fields, from_bot=from_bot)
        if from_bot:
            log.add(chat_id)
        return stored

    state.new_message = new_message  # type: ignore[method-assign]
    return log


def bot_env(double: BotApiDouble, db_path: Path, *, rate_limit: bool) -> dict[str, str]:
    """The bot's settings; the digest is half a day away so it never joins a measurement."""
    digest = datetime.now(ZoneInfo(ZONE)) + timedelta(hours=12)
    return {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": double.base_url,
        "DATABASE_PATH": str(db_path),
        "RATE_LIMIT": "true" if rate_limit else "false",
        "LOG_LEVEL": "WARNING",
        "TIMEZONE": ZONE,
        "PYTHONPATH": str(ROOT),
        "DIGEST_TIME": digest.strftime("%H:%M"),
    }


@dataclass
class BotProcess:
    """A running bot: its pid, when it was spawned and started, and where its log goes."""

    process: asyncio.subprocess.Process
    log_path: Path
    spawned_at: float
    started_at: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def startup_seconds(self) -> float:
        assert self.started_at is not None
        return self.started_at - self.spawned_at

    def log_lines(self) -> list[str]:
        """What the bot logged (WARNING and above), for the report."""
        if not self.log_path.exists():
            return []
        return self.log_path.read_text("utf-8", errors="replace").splitlines()


@asynccontextmanager
async def bot_process(
    double: BotApiDouble, db_path: Path, *, rate_limit: bool, name: str
) -> AsyncIterator[BotProcess]:
    """Spawn ``python -m bot run`` and stop it on exit, whatever happens in between.

    It runs in the database's directory so that no .env of the checkout is picked up.
    """
    log_path = db_path.parent / f"{name}.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=db_path.parent,
            env=bot_env(double, db_path, rate_limit=rate_limit),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
    bot = BotProcess(process, log_path, time.monotonic())
    try:
        yield bot
    finally:
        await stop(process)



async def wait_started(double: BotApiDouble, bot: BotProcess, within: float = 120.0) -> None:
    """Started = post_init done (getMe, setMyCommands) and the first getUpdates under way.

    getUpdates is a long poll and enters the double's ``calls`` only when it completes, so
    its start is read from the double's state; deleteWebhook, which PTB sends just before
    polling, is the last completed call before that.
    """

    def started() -> bool:
        if bot.process.returncode is not None:
            tail = "\n".join(bot.log_lines()[-20:])
            raise RuntimeError(f"the bot exited with {bot.process.returncode}:\n{tail}")
        done = {name for name, _ in double.calls}
        return all(name in done for name in STARTUP_CALLS) and double._state.ever_polled

    await wait_until(started, within, "the bot to start")
    bot.started_at = time.monotonic()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc/<pid>/stat."""
    return _stat_cpu(Path(f"/proc/{pid}/stat"))


def thread_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU time per thread id. The main thread's id is the pid; in the bot the others are
    aiosqlite's connection threads, where every SQLite statement runs."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):  # a thread may end meanwhile
            found[int(task.name)] = _stat_cpu(task / "stat")
    return found


def _stat_cpu(path: Path) -> float:
    fields = path.read_text().rpartition(")")[2].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def memory_of(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes, from /proc (no psutil)."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            amount, unit = value.split()
            assert unit == "kB", line
            found[key] = int(amount) * 1024
    return found
