"""The three measurements of bench/instances.py, each on fresh databases and its own double:
updates answered per second (A), the reminder dispatch rate (B), fail-over of the dispatching
instance (C). The bot runs as subprocesses (tests/instance_process.py), the double here."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import phases
from bench.harness import ArrivalLog, cpu_seconds, new_double, record_arrivals, wait_until
from bench.pg import server_pids
from bench.seed import Due, seed_due
from tests.double import BotApiDouble
from tests.instance_process import (
    free_port,
    healthz,
    spawn_instance,
    stop_instance,
    the_leader,
    webhook_env,
)

COMMANDS = ("/tasks", "/find chuyen doi so", "/help")  # each answered by one message
TASKS_EACH = 5  # open tasks per user in scenario A (what /tasks lists)
FIRST_USER = phases.FIRST_USER
CONNECTIONS = 40  # webhook posts the double makes at once (WEBHOOK_MAX_CONNECTIONS' default)
STRAGGLE = 0.25  # s after a kill: sends stored then left the killed instance before it died
READY_WITHIN = 120.0


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])
    return total - idle, total


@dataclass
class Instance:
    """One bot process: its web port (webhook mode) and its log."""

    name: str
    process: asyncio.subprocess.Process
    port: int | None
    log_path: Path

    def log_lines(self) -> list[str]:
        if not self.log_path.exists():
            return []
        return self.log_path.read_text("utf-8", errors="replace").splitlines()


async def start_instance(
    double: BotApiDouble, target: str | Path, workdir: Path, name: str, *,
    port: int | None = None, webhook: bool = True, **settings: str,
) -> Instance:
    """A bot process in webhook mode on ``port`` (a free one if None), or polling."""
    if webhook and port is None:
        port = free_port()
    extra = {**(webhook_env(port) if webhook and port else {}), **settings}
    log_path = workdir / f"{name}.log"
    with log_path.open("ab") as log:
        process = await spawn_instance(double, target, workdir, log=log, **extra)
    return Instance(name, process, port if webhook else None, log_path)


async def wait_ready(instances: list[Instance], within: float = READY_WITHIN) -> None:
    """Every instance's /healthz answers ok (started, database reachable)."""
    deadline = time.monotonic() + within
    for instance in instances:
        assert instance.port is not None
        while True:
            if instance.process.returncode is not None:
                tail = "\n".join(instance.log_lines()[-20:])
                raise RuntimeError(f"{instance.name} exited with "
                                   f"{instance.process.returncode}:\n{tail}")
            body = await healthz(instance.port)
            if body is not None and body.get("status") == "ok":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{instance.name} not ready within {within:.0f} s")
            await asyncio.sleep(0.1)


@asynccontextmanager
async def running(instances: list[Instance]) -> AsyncIterator[list[Instance]]:
    try:
        yield instances
    finally:
        await asyncio.gather(*(stop_instance(i.process) for i in instances))


# ---- A. updates answered per second ---------------------------------------------------------
@dataclass(frozen=True)
class UpdatesResult:
    label: str
    instances: int
    users: int
    answered: int
    seconds: float
    bench_cpu: float  # this process (the double, the users) over the window, CPU s
    bot_cpu: list[float]  # each instance's CPU s over the window
    machine_busy: float  # share of all cores busy over the window
    postgres_cpu: float | None  # the PostgreSQL server's CPU s over the window (if ours)
    posts: Counter[int]  # webhook posts answered 200, per instance (index)
    refused: int  # webhook posts not answered 200 (posted again)
    log_lines: list[str]

    @property
    def rate(self) -> float:
        return self.answered / self.seconds


class Replies:
    """Wakes a user's loop when the bot's answer to its chat is stored by the double."""

    def __init__(self, double: BotApiDouble) -> None:
        self.waiting: dict[int, asyncio.Future[float]] = {}
        state = double._state
        original = state.new_message

        def new_message(chat_id: int, sender: Any, fields: Any, *, from_bot: bool) -> Any:
            stored = original(chat_id, sender, fields, from_bot=from_bot)
            future = self.waiting.pop(chat_id, None) if from_bot else None
            if future is not None and not future.done():
                future.set_result(time.monotonic())
            return stored

        state.new_message = new_message  # type: ignore[method-assign]

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        future = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = future
        return future


def count_routes(double: BotApiDouble) -> Counter[str]:
    """How many webhook posts went to each instance (the double's balancing, counted)."""
    webhook = double._server.webhook
    original = webhook._next_route
    picked: Counter[str] = Counter()

    def next_route() -> str:
        route = original()
        picked[route] += 1
        return route

    webhook._next_route = next_route  # type: ignore[method-assign]
    return picked


async def updates_rate(
    target: str | Path, workdir: Path, label: str, *, instances: int, users: int,
    warm_up: float, seconds: float, postmaster: int | None = None,
) -> UpdatesResult:
    """``users`` members each send a command, wait for its answer, send the next (cycling
    through COMMANDS), for ``warm_up`` + ``seconds``; answers within the last ``seconds``
    are counted. Webhook mode, the double posting up to CONNECTIONS updates at once as
    Telegram does; with several instances it balances the posts between them."""
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    async with new_double() as double:
        now = phases.now_epoch()
        chats = [FIRST_USER + n for n in range(users)]
        await seed_due(target, double, [Due(chat, now + 30 * 86_400) for chat in chats
                                        for _ in range(TASKS_EACH)], now)
        replies = Replies(double)
        routes = count_routes(double)
        double.webhook_connections(CONNECTIONS)
        started = [await start_instance(double, target, workdir, f"{label}-{n}",
                                        COMMANDS_PER_MINUTE="1000000")
                   for n in range(instances)]
        async with running(started):
            await wait_ready(started)
            ports = [i.port for i in started]
            double.route_webhook(*(f"http://127.0.0.1:{port}" for port in ports))
            await wait_until(lambda: double._state.webhook_url != "", 30, "setWebhook")
            users_of = {chat: double._state.users[chat] for chat in chats}
            answered: list[float] = []
            stop_at = time.monotonic() + warm_up + seconds

            async def user(chat: int, offset: int) -> None:
                turn = offset
                while time.monotonic() < stop_at:
                    answer = replies.expect(chat)
                    await double.send_text(users_of[chat], COMMANDS[turn % len(COMMANDS)])
                    answered.append(await asyncio.wait_for(answer, 60))
                    turn += 1

            loops = [asyncio.create_task(user(chat, n)) for n, chat in enumerate(chats)]
            await asyncio.sleep(warm_up)
            window_from = time.monotonic()
            busy_before = machine_busy()
            bench_before = time.process_time()
            bots_before = [cpu_seconds(i.process.pid) for i in started]
            postgres_before = _server_cpu(postmaster, target)
            await asyncio.gather(*loops)
            window_to = time.monotonic()
            busy_after = machine_busy()
            bench_cpu = time.process_time() - bench_before
            postgres_after = _server_cpu(postmaster, target)
            bot_cpu = [cpu_seconds(i.process.pid) - b for i, b in zip(started, bots_before,
                                                                     strict=True)]
        deliveries = double._state.webhook_deliveries
        refused = sum(1 for d in deliveries if d["status"] != 200)
        posts = Counter({n: routes[f"http://127.0.0.1:{port}"] for n, port in enumerate(ports)})
    in_window = sum(1 for at in answered if window_from <= at <= window_to)
    busy = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1])
    # The server's processes alive at the end, less what each had used before the window (a
    # connection that ended within it took its count away: it is left out, not subtracted).
    postgres_cpu = (None if postgres_before is None or postgres_after is None else
                    sum(cpu - postgres_before.get(pid, 0.0)
                        for pid, cpu in postgres_after.items()))
    return UpdatesResult(label, instances, users, in_window, window_to - window_from,
                         bench_cpu, bot_cpu, busy, postgres_cpu, posts, refused,
                         [line for i in started for line in i.log_lines()])


def _server_cpu(postmaster: int | None, target: str | Path) -> dict[int, float] | None:
    """CPU seconds so far of each process of our PostgreSQL server (when it is used)."""
    if postmaster is None or not isinstance(target, str):
        return None
    found = {}
    for pid in server_pids(postmaster):
        with suppress(OSError):
            found[pid] = cpu_seconds(pid)
    return found


# ---- B. dispatch rate ---------------------------------------------------------------------
@dataclass(frozen=True)
class DispatchRun:
    label: str
    reminders: int
    limited: bool
    arrivals: ArrivalLog
    throttled: int
    seed_seconds: float
    statuses: dict[str, int]
    log_lines: list[str]

    @property
    def repeats(self) -> int:
        return len(self.arrivals) - len(set(self.arrivals.chats))

    @property
    def share_of_limit(self) -> float:
        """n / the limit time used (see ArrivalLog.rate_within_limit), over 30/s."""
        return self.arrivals.rate_within_limit(phases.TELEGRAM_RATE, 1.0) / phases.TELEGRAM_RATE


async def dispatch_rate(
    target: str | Path, workdir: Path, label: str, reminders: int, *, limited: bool
) -> DispatchRun:
    """``reminders`` due at once, each to a chat of its own; one instance (polling) sends
    them, with the limiter on against a double enforcing Telegram's limits, or both off."""
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    async with new_double() as double:
        now = phases.now_epoch()
        seeding = time.monotonic()
        await seed_due(target, double, [Due(FIRST_USER + n, now) for n in range(reminders)],
                       now)
        seed_seconds = time.monotonic() - seeding
        double.enforce_limits(limited)
        arrivals = record_arrivals(double)
        bot = await start_instance(double, target, workdir, label, webhook=False,
                                   RATE_LIMIT="true" if limited else "false")
        async with running([bot]):
            within = 120 + reminders / (20 if limited else 50)
            await wait_until(lambda: _alive(bot) and len(arrivals) >= reminders, within,
                             f"{reminders} reminders to arrive")
            await asyncio.sleep(1.0)  # a repeat would show up now, and the outcomes be stored
        throttled = double.throttled
    return DispatchRun(label, reminders, limited, arrivals, throttled, seed_seconds,
                       await phases.statuses(target), bot.log_lines())


def _alive(instance: Instance) -> bool:
    if instance.process.returncode is not None:
        tail = "\n".join(instance.log_lines()[-20:])
        raise RuntimeError(f"{instance.name} exited with {instance.process.returncode}:\n{tail}")
    return True


# ---- C. fail-over -------------------------------------------------------------------------
@dataclass(frozen=True)
class Kill:
    number: int
    sent_before: int  # messages delivered before this kill (all of the burst's so far)
    last_before: float  # monotonic time of the killed instance's last send
    killed_at: float
    first_after: float | None  # the next leader's first send (None: none came)
    restarted_in: float  # s from the kill until the restarted instance answered /healthz ok
    duplicates: int = 0  # filled in at the end: repeated messages this kill caused

    @property
    def gap(self) -> float:
        return float("inf") if self.first_after is None else self.first_after - self.last_before


@dataclass
class Failover:
    burst: int
    kills: list[Kill] = field(default_factory=list)
    lost: int = 0
    duplicates: int = 0
    throttled: int = 0
    span: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    ended_early: str = ""  # why fewer kills than asked, if so
    log_lines: list[str] = field(default_factory=list)


async def failover(
    target: str | Path, workdir: Path, burst: int, kills: int, *, sends_between: int,
    latency: float,
) -> Failover:
    """Two instances in webhook mode on one database, ``burst`` reminders due at once (limiter
    on, the double enforcing Telegram's limits, ``latency`` s per send); ``kills`` times: the
    leader (per /healthz) is SIGKILLed once it has sent ``sends_between`` messages, the next
    leader's first send awaited, and the killed instance started again on its port."""
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    result = Failover(burst)
    async with new_double() as double, AsyncExitStack() as stack:
        now = phases.now_epoch()
        chats = [FIRST_USER + n for n in range(burst)]
        await seed_due(target, double, [Due(chat, now) for chat in chats], now)
        double.enforce_limits(True)
        double.set_latency(latency)
        ports = [free_port(), free_port()]
        double.route_webhook(*(f"http://127.0.0.1:{port}" for port in ports))
        lives = [0, 0]
        every: list[Instance] = []

        async def launch(index: int) -> Instance:
            instance = await start_instance(double, target, workdir,
                                            f"failover-{index}-life{lives[index]}",
                                            port=ports[index], RATE_LIMIT="true")
            lives[index] += 1
            every.append(instance)
            return instance

        current = [await launch(0), await launch(1)]
        stack.push_async_callback(lambda: asyncio.gather(
            *(stop_instance(i.process) for i in current)))
        await wait_ready(current)
        counted = double._state.counted
        mark = 0
        for number in range(1, kills + 1):
            leader = await the_leader(ports, within=60)
            await wait_until(lambda m=mark: len(counted) >= m + sends_between or
                             len(set(c for _, c in counted)) >= burst, 120,
                             "sends before the kill")
            if len({c for _, c in counted}) >= burst:
                result.ended_early = f"the burst was over after {number - 1} kills"
                break
            killed_at = time.monotonic()
            current[leader].process.send_signal(signal.SIGKILL)
            await current[leader].process.wait()
            restarting = asyncio.create_task(_restart(launch, current, leader, killed_at))
            with suppress(TimeoutError):
                await wait_until(lambda k=killed_at: bool(counted) and
                                 counted[-1][0] > k + STRAGGLE, 60, "the next leader's send")
            before = [at for at, _ in counted if at <= killed_at + STRAGGLE]
            after = [at for at, _ in counted if at > killed_at + STRAGGLE]
            restarted_in = await restarting
            result.kills.append(Kill(number, len(before), before[-1] if before else killed_at,
                                     killed_at, after[0] if after else None, restarted_in))
            mark = len(counted)
        await wait_until(lambda: len({c for _, c in counted}) >= burst, 60 + burst / 20,
                         "the rest of the burst")
        await asyncio.sleep(2.0)  # repeats would arrive now, and outcomes be stored
        sends = list(counted)
        result.throttled = double.throttled
    result.statuses = await phases.statuses(target)
    result.log_lines = [line for i in every for line in i.log_lines()]
    received = Counter(chat for _, chat in sends)
    result.lost = sum(1 for chat in chats if received[chat] == 0)
    result.duplicates = sum(n - 1 for chat, n in received.items() if n > 1)
    result.span = sends[-1][0] - sends[0][0] if sends else 0.0
    _blame(result.kills, sends)
    return result


async def _restart(launch: Callable[[int], Any], current: list[Instance], index: int,
                   killed_at: float) -> float:
    current[index] = await launch(index)
    await wait_ready([current[index]])
    return time.monotonic() - killed_at


def _blame(kills: list[Kill], sends: list[tuple[float, int]]) -> None:
    """A repeat is put down to the first kill after its first copy: that leader sent the first
    copy and died before storing it as sent. (Not the last kill before the repeat: the next
    leader holds recovered rows back for longer than a send may take, which can be past the
    following kill.)"""
    first: dict[int, float] = {}
    per_kill: Counter[int] = Counter()
    for at, chat in sends:
        if chat in first:
            after = [k.number for k in kills if k.killed_at + STRAGGLE >= first[chat]]
            per_kill[after[0] if after else 0] += 1
        else:
            first[chat] = at
    for n, kill in enumerate(kills):
        kills[n] = Kill(kill.number, kill.sent_before, kill.last_before, kill.killed_at,
                        kill.first_after, kill.restarted_in, per_kill[kill.number])

