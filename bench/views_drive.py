"""Driving a bot process through the double for bench/views.py: timed commands and button
presses, bursts, and the process's resident memory while they run."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import BotProcess, cpu_seconds, memory_of, stop, wait_until
from tests.double import BotApiDouble

TIMEOUT = 300.0  # seconds for one answer: the slowest lists of the old code take minutes
SAMPLE_EVERY = 0.005  # seconds between two reads of the bot's resident memory


@asynccontextmanager
async def spawned(args: list[str], env: dict[str, str], cwd: Path,
                  name: str) -> AsyncIterator[BotProcess]:
    """A bot (or the echo bot) as a subprocess; stopped on exit whatever happens."""
    log_path = cwd / f"{name}.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file, stderr=log_file)
    bot = BotProcess(process, log_path, time.monotonic())
    try:
        yield bot
    finally:
        await stop(process)


async def wait_polling(double: BotApiDouble, bot: BotProcess, calls: tuple[str, ...]) -> None:
    """Started: the start-up calls are done and the first getUpdates is waiting."""

    def started() -> bool:
        if bot.process.returncode is not None:
            tail = "\n".join(bot.log_lines()[-20:])
            raise RuntimeError(f"the bot exited with {bot.process.returncode}:\n{tail}")
        done = {name for name, _ in double.calls}
        return all(name in done for name in calls) and double._state.ever_polled

    await wait_until(started, 120.0, "the bot to start")
    bot.started_at = time.monotonic()


@dataclass
class Peak:
    """The highest resident memory seen while sampling."""

    pid: int
    rss: int = 0
    _task: asyncio.Task | None = field(default=None, repr=False)

    async def _sample(self) -> None:
        while True:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                self.rss = max(self.rss, memory_of(self.pid)["VmRSS"])
            await asyncio.sleep(SAMPLE_EVERY)

    def __enter__(self) -> Peak:
        self._task = asyncio.get_running_loop().create_task(self._sample())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def answered(chat_id: int) -> Callable[[dict], bool]:
    return lambda params: int(params.get("chat_id", 0)) == chat_id


async def command(double: BotApiDouble, user: dict, text: str) -> float:
    """Seconds from the update reaching the double's queue to the bot's answer."""
    started = time.perf_counter()
    await double.send_text(user, text)
    await double.wait_for_call("sendMessage", TIMEOUT, answered(user["id"]))
    return time.perf_counter() - started


async def press(double: BotApiDouble, user: dict, message_id: int, data: str) -> float:
    """Seconds from a button press to the edited list. A cursor the list does not show (a
    page in the middle) is put on the message first, as an older copy of it would carry."""
    stored = double._state.find_message(user["id"], message_id)
    assert stored is not None
    markup = stored.message.setdefault("reply_markup", {"inline_keyboard": []})
    if all(b.get("callback_data") != data for row in markup["inline_keyboard"] for b in row):
        markup["inline_keyboard"].append([{"text": "bench", "callback_data": data}])
    started = time.perf_counter()
    await double.press((user["id"], message_id), user, data=data)
    await double.wait_for_call("editMessageText", TIMEOUT, answered(user["id"]))
    return time.perf_counter() - started


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in this process (the double's) while a figure is taken: the
    double keeps every message, and a full collection of its heap paused it for 50 ms or
    more, a pause that fell on whichever bot was being measured."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def repeat(measure: Callable[[], Awaitable[float]], repeats: int,
                 budget: float) -> list[float]:
    """Up to ``repeats`` samples, stopping once ``budget`` seconds are spent (one at least)."""
    samples: list[float] = []
    spent_from = time.perf_counter()
    with collector_paused():
        while len(samples) < repeats and (not samples
                                          or time.perf_counter() - spent_from < budget):
            samples.append(await measure())
    return samples


@dataclass(frozen=True)
class Burst:
    """A burst's figures: commands answered per second, and the answering process's CPU
    time per answer (the bot's threads included: SQLite runs on one)."""

    rate: float
    cpu: float


async def burst(double: BotApiDouble, user: dict, text: str, count: int, pid: int) -> Burst:
    """``count`` commands sent at once; figures taken until the last answer."""
    with collector_paused():
        cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        for _ in range(count):
            await double.send_text(user, text)
        for _ in range(count):
            await double.wait_for_call("sendMessage", TIMEOUT, answered(user["id"]))
        elapsed = time.perf_counter() - started
        return Burst(count / elapsed, (cpu_seconds(pid) - cpu_before) / count)
