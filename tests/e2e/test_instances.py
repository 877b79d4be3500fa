"""Several instances on one PostgreSQL database behind one reverse proxy (webhook mode): one
sends the reminders, another takes over when it is killed; a chat's updates stay in order
whichever instance each reaches; the daily jobs run once."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.leadership import LEADER_LOCK, Leadership
from bot.reminders.dispatcher import IN_FLIGHT
from bot.runner import running_with_web
from bot.settings import Settings
from storage.database import open_database
from storage.reminders import ReminderRepository
from tests import databases
from tests.conftest import FakeClock, create_task
from tests.double import BotApiDouble
from tests.e2e.test_crash import bot_process, delivered, seed, wait_until
from tests.e2e.test_tasks import start_all
from tests.e2e.test_webhook import web_settings
from tests.instance_process import (
    PUBLIC_URL,
    SECRET,
    free_port,
    healthz,
    the_leader,
    webhook_env,
)
from tests.stand_ins import HandDrivenScheduler

pytestmark = pytest.mark.skipif(
    databases.SERVER is None,
    reason="several instances share one PostgreSQL database: set TEST_DATABASE_URL "
    "(tests/postgres/server.sh start prints one)")

BURST = 400
KILL_AFTER = 100  # messages delivered before the leader is killed
TAKE_OVER_WITHIN = 5.0  # seconds from the old leader's last send to the new one's first


def longest_pause(times: list[float]) -> float:
    ordered = sorted(times)
    return max((b - a for a, b in pairwise(ordered)), default=0.0)


async def test_the_leader_killed_mid_burst_another_takes_over(
    double: BotApiDouble, database: str, tmp_path: Path
) -> None:
    async def kill(process: asyncio.subprocess.Process) -> None:
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), 10)

    await _fail_over_mid_burst(double, database, tmp_path, kill, the_old_leader_lives=False)


async def test_the_leaders_session_ended_mid_burst_another_takes_over(
    double: BotApiDouble, database: str, tmp_path: Path
) -> None:
    """The leader's lock session ends (a server restart, a proxy drop) while its process
    lives and sends: it stops claiming, and the new leader re-sends none of its last sends."""
    async def end_its_session(process: asyncio.subprocess.Process) -> None:
        assert await _terminate_the_leaders_session(database) == 1

    await _fail_over_mid_burst(double, database, tmp_path, end_its_session,
                               the_old_leader_lives=True)


async def _terminate_the_leaders_session(database: str) -> int:
    """End the session holding the leader lock in this test's database; how many were."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(database, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND granted AND classid = %s AND objid = %s AND database ="
            " (SELECT oid FROM pg_database WHERE datname = current_database())",
            (LEADER_LOCK >> 32, LEADER_LOCK & 0xFFFFFFFF))
        return len(await cursor.fetchall())


async def _fail_over_mid_burst(
    double: BotApiDouble, database: str, tmp_path: Path,
    fail: Callable[[asyncio.subprocess.Process], Awaitable[None]], *,
    the_old_leader_lives: bool,
) -> None:
    """Two instances share a burst; ``fail`` strikes the leader once it has sent
    KILL_AFTER: every reminder still arrives, at most the sends in flight twice, within
    Telegram's limits and without a long pause."""
    await seed(database, double, BURST)
    double.set_latency(0.05)
    double.enforce_limits()  # Telegram's 30/s overall and 1/s per chat: any excess is a 429
    ports = [free_port(), free_port()]
    double.route_webhook(*(f"http://127.0.0.1:{port}" for port in ports))
    async with AsyncExitStack() as stack:
        processes = [
            await stack.enter_async_context(bot_process(
                double, database, tmp_path, RATE_LIMIT="true", **webhook_env(port)))
            for port in ports
        ]
        leader = await the_leader(ports, within=30)
        await wait_until(lambda: sum(delivered(double, BURST).values()) >= KILL_AFTER, 60)
        failed_at = time.monotonic()
        await fail(processes[leader])
        assert sum(delivered(double, BURST).values()) < BURST, "the burst ended before the fail"

        await wait_until(lambda: all(delivered(double, BURST).values()), within=90)
        await double.idle(quiet=0.5, timeout=30)
        survivor = ports[1 - leader]
        body = await healthz(survivor)
        assert body is not None and body["dispatcher"]["leader"] is True, body
        if the_old_leader_lives:
            body = await healthz(ports[leader])
            assert body is not None and body["dispatcher"]["leader"] is False, body

    counts = delivered(double, BURST)
    assert all(count >= 1 for count in counts.values()), "a reminder was lost"
    repeats = sum(counts.values()) - BURST
    if the_old_leader_lives:  # it finishes its sends and stores them before they are due again
        assert repeats == 0, f"{repeats} repeats although the old leader stored its outcomes"
    else:
        assert repeats <= IN_FLIGHT, f"{repeats} repeats: more than the sends in flight"
    assert double.throttled == 0, "Telegram's limits were exceeded"
    sends = [at for at, _ in double.counted]
    gap = longest_pause(sends)
    assert gap < TAKE_OVER_WITHIN, f"{gap:.2f} s without a send"
    print(f"\nfailed after {sum(1 for at in sends if at < failed_at)} sends; "
          f"{repeats} repeats; longest pause between sends {gap:.2f} s; "
          f"{len(sends) / (max(sends) - min(sends)):.1f} sends/s overall")
    db = open_database(database)
    await db.open()
    assert await ReminderRepository(db).status_counts() == {"sent": BURST}
    await db.close()


@asynccontextmanager
async def instances(
    double: BotApiDouble, database: str, tmp_path: Path, clock: FakeClock, count: int = 2
) -> AsyncIterator[list[Application]]:
    """``count`` instances in this process, each with its own web port and the same
    database, the double balancing its webhook posts between them."""
    settings: list[Settings] = [
        web_settings(tmp_path, double, database_url=database, webhook_url=PUBLIC_URL,
                     webhook_secret=SECRET) for _ in range(count)
    ]
    double.route_webhook(*(f"http://127.0.0.1:{s.web_port}" for s in settings))
    async with AsyncExitStack() as stack:
        apps = []
        for each in settings:
            app = build_application(each, clock)
            await stack.enter_async_context(running_with_web(app, each))
            apps.append(app)
        yield apps


async def test_a_chats_updates_keep_their_order_across_instances(
    double: BotApiDouble, people, database: str, tmp_path: Path, clock: FakeClock
) -> None:
    """The chat's second update reaches the other instance while the first is being handled:
    it waits for its turn, so its reply starts only once the first reply is sent."""
    latency = 0.5
    async with instances(double, database, tmp_path, clock):
        await double.wait_for_call("setWebhook")
        await double.send_text(people.chi, "/start")
        await double.wait_for_message(people.chi["id"], timeout=10)
        await double.idle(quiet=0.2, timeout=10)
        double.set_latency(latency)
        before = len(double.counted)
        await double.send_text(people.chi, "/whoami")
        await double.send_text(people.chi, "/help")
        await wait_until(lambda: len(double.counted) >= before + 2, within=20)
        await double.idle(quiet=0.3, timeout=20)
    posts = double.webhook_deliveries[-2:]
    assert [p["status"] for p in posts] == [200, 200]
    replies = double.messages(people.chi["id"])[-2:]
    assert str(people.chi["id"]) in replies[0]["text"], "the first update was answered second"
    first, second = (at for at, _ in double.counted[before:before + 2])
    assert second - first >= latency * 0.9, "the second update did not wait for the first"


async def test_a_task_created_on_a_follower_is_announced_at_once(
    double: BotApiDouble, people, database: str, tmp_path: Path, clock: FakeClock
) -> None:
    """The follower's wake-up reaches only its own (idle) dispatcher: the leader still sends
    the "assigned" notice within about a poll, not at its minute's sweep."""
    async with instances(double, database, tmp_path, clock) as apps:
        await double.wait_for_call("setWebhook")
        await start_all(double, people)
        await double.idle(quiet=0.2, timeout=10)
        follower = apps[1]
        assert not follower.bot_data["leadership"].leading
        services = follower.bot_data["services"]
        admin = await services.members.find("hung_tran")
        binh = await services.members.find("binh_le")
        created = time.monotonic()
        await create_task(services, admin, "Báo cáo quý", clock.now() + timedelta(days=3),
                          [binh])
        await double.wait_for_message(people.binh["id"], contains="Báo cáo quý", timeout=2.5)
        print(f"\nannounced {time.monotonic() - created:.2f} s after its creation")


async def test_the_daily_jobs_run_on_the_leader_only(
    double: BotApiDouble, database: str, tmp_path: Path, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with instances(double, database, tmp_path, clock) as apps:
        leading = [app.bot_data["leadership"].leading for app in apps]
        assert leading == [True, False]
        runs: list[tuple[int, str]] = []
        for index, app in enumerate(apps):
            services = app.bot_data["services"]
            for service, method in ((services.digest, "plan_today"),
                                    (services.summaries, "plan"),
                                    (services.meetings, "extend_series"),
                                    (services.task_series, "extend")):
                monkeypatch.setattr(service, method, _counting(runs, index, method))
        for app in apps:
            for name in ("digest", "meeting-series", "summaries"):
                (job,) = app.job_queue.get_jobs_by_name(name)
                await job.run(app)
        assert sorted(runs) == [(0, "extend"), (0, "extend_series"), (0, "plan"),
                                (0, "plan_today")]

        runs.clear()
        await apps[0].stop()  # gives the lead up: the other takes it at its next attempt
        await wait_until(lambda: apps[1].bot_data["leadership"].leading, within=5)
        assert (1, "extend_series") in runs  # the new leader catches up at once
        await apps[0].start()  # running_with_web stops it again on the way out


def _counting(runs: list[tuple[int, str]], index: int, name: str):
    async def run() -> None:
        runs.append((index, name))

    return run


async def test_the_lead_is_taken_over_when_its_session_ends(database: str) -> None:
    """The leader's advisory lock, on the real server: one session holds it, the other gets
    it at its first attempt after that session is closed (as when its process is killed)."""
    db = open_database(database)
    events: list[str] = []

    def note(event: str):
        async def step() -> None:
            events.append(event)

        return step

    first = Leadership(db.session_locks(), HandDrivenScheduler(), lead=[note("a leads")],
                       follow=[note("a follows")], name="a")
    second = Leadership(db.session_locks(), HandDrivenScheduler(), lead=[note("b leads")],
                        follow=[note("b follows")], name="b")
    await first.start()
    await second.start()
    assert (first.leading, second.leading) == (True, False)
    await second.poll()
    await first.poll()  # still holds it
    assert events == ["a leads"]

    assert first.locks is not None
    await first.locks.close()  # the session ends, as with kill -9: the server frees the lock
    async with asyncio.timeout(5):  # as soon as the server has ended that session
        while not second.leading:
            await second.poll()
            await asyncio.sleep(0.02)
    await first.poll()  # notices it lost its session
    assert (first.leading, second.leading) == (False, True)
    assert events == ["a leads", "b leads", "a follows"]
    await first.poll()  # and cannot take it back while b holds it
    assert not first.leading

    assert second.locks is not None
    assert not await first.locks.try_lock(LEADER_LOCK)
    await second.stop()  # its session closes; the server frees the lock once it has ended it
    async with asyncio.timeout(5):
        while not first.leading:
            await first.poll()
            await asyncio.sleep(0.02)
    await first.stop()


