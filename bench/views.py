"""Views benchmark: every list on a province's database (1,000,000 tasks, 100,000 members).

Run from the repository root: ``.venv/bin/python bench/views.py`` (or ``make bench-views``);
``--code DIR`` runs the bot from another checkout (e.g. ``git archive main``) for a before
figure. The database is built once by bench/views_seed.py and cached under bench/.cache/; each
run copies it and applies the code's migrations before the bot starts (timed apart). The real
bot runs as a subprocess against the Bot API double, next to a minimal PTB echo bot
(bench/echo_bot.py) as the floor. Not part of the test suite: targets are reported.
"""

# ruff: noqa: E402 - run as a script, the repository root must be on sys.path before imports

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import views_seed as seed
from bench.harness import TOKEN, bot_env, memory_of, new_double
from bench.report import MIB, mib, percentile, rate, seconds, table, verdict
from bench.views_drive import Burst, Peak, burst, command, press, repeat, spawned, wait_polling
from bench.views_lists import LIST_COMMANDS, page_presses

CACHE = ROOT / "bench" / ".cache"
# The SQLite class is SqliteDatabase since the PostgreSQL back-end, Database before (--code).
MIGRATE = ("import asyncio, sys\nfrom storage import database\n"
           "Sqlite = getattr(database, 'SqliteDatabase', database.Database)\n"
           "async def main():\n    db = Sqlite(sys.argv[1])\n    await db.open()\n"
           "    await db.close()\nasyncio.run(main())\n")
BOT_CALLS = ("getMe", "setMyCommands", "deleteWebhook")
# Sent once before measuring (and before "idle" memory is read): a member's cheap commands.
ROUNDS = 9  # alternating bursts of the echo bots and the bot, per command: the machine's
# speed drifts by a fifth from minute to minute, so the ratio is the median over rounds
WARM_UP = ("/tasks", "/meetings", "/find chuyen doi so", "/directive 39")


def database_for(code: Path, workdir: Path) -> tuple[Path, float, float]:
    """A fresh copy of the cached database, migrated by ``code``: (path, build s, migrate s).
    The cache is per schema the code starts from, so older code never meets a newer file."""
    schema = len(list((code / "storage" / "migrations").glob("[0-9]*.sql")))
    cached = CACHE / f"views-v{seed.VERSION}-schema{schema}.sqlite3"
    built = 0.0
    env = {**os.environ, "PYTHONPATH": str(code)}
    if not cached.exists():
        print(f"building {cached.name} (minutes, once)…", file=sys.stderr)
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "bench" / "views_seed.py"), str(cached)],
                       env=env, check=True)
        built = time.perf_counter() - started
    path = workdir / "committee.sqlite3"
    shutil.copyfile(cached, path)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", MIGRATE, str(path)], env=env, check=True, cwd=workdir)
    return path, built, time.perf_counter() - started


def users(double) -> tuple[dict, dict]:
    admin = double.add_user(seed.ADMIN_TELEGRAM, "Cán bộ", last_name="1", username="cadre1",
                            language_code="vi")
    asker = double.add_user(seed.ASKER_TELEGRAM, "Cán bộ", last_name="2", username="cadre2",
                            language_code="vi")
    return admin, asker


@asynccontextmanager
async def echo_running(workdir: Path, client: str) -> AsyncIterator[dict]:
    """The echo bot on its own double, kept running beside the bot so that throughput is
    measured in alternating bursts: a loaded machine then slows both alike. ``client``: "ptb"
    (PTB's own HTTP client, the floor of the targets) or "bot" (the committee bot's)."""
    double = new_double()
    await double.start()
    try:
        _admin, asker = users(double)
        env = {**os.environ, "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": double.base_url,
               "PYTHONPATH": str(ROOT), "ECHO_CLIENT": client}
        async with spawned([str(ROOT / "bench" / "echo_bot.py")], env, workdir,
                           f"echo-{client}") as bot:
            await wait_polling(double, bot, ("getMe", "deleteWebhook"))
            await command(double, asker, "/find chuyen doi so")
            yield {"double": double, "asker": asker, "bot": bot}
    finally:
        await double.stop()


async def echo_latency(echo: dict, repeats: int) -> dict:
    latencies = await repeat(lambda: command(echo["double"], echo["asker"], "/find chuyen doi so"),
                             repeats, 20.0)
    return {"latencies": latencies, "start": echo["bot"].startup_seconds,
            "rss": memory_of(echo["bot"].pid)["VmRSS"]}


async def rates(echoes: tuple[dict, dict], double, asker: dict, count: int,
                pid: int) -> dict[str, list[tuple[Burst, Burst, Burst]]]:
    """(the bot's burst, each echo bot's just before) per round, for /find and /directive."""
    found: dict[str, list[tuple[Burst, Burst, Burst]]] = {}
    for _round in range(ROUNDS):
        for text in ("/find chuyen doi so", "/directive 39"):
            floor, same = [await burst(echo["double"], echo["asker"], "/find chuyen doi so",
                                       count, echo["bot"].pid) for echo in echoes]
            mine = await burst(double, asker, text, count, pid)
            found.setdefault(text, []).append((mine, floor, same))
    return found


async def the_bot(code: Path, db_path: Path, repeats: int, budget: float, count: int,
                  echoes: tuple[dict, dict]) -> dict:
    double = new_double()
    await double.start()
    rows, peaks = [], {}
    try:
        admin, asker = users(double)
        # Limiters off: Telegram's (RATE_LIMIT) and the per-sender command throttle.
        env = {**bot_env(double, db_path, rate_limit=False), "PYTHONPATH": str(code),
               "ADMIN_IDS": str(seed.ADMIN_TELEGRAM), "COMMANDS_PER_MINUTE": "1000000"}
        async with spawned(["-m", "bot", "run"], env, db_path.parent, "bot") as bot:
            await wait_polling(double, bot, BOT_CALLS)
            for text in WARM_UP:  # first use loads Babel's locale data, compiles regexes…
                await command(double, asker, text)
            await asyncio.sleep(1.0)
            idle = memory_of(bot.pid)["VmRSS"]
            for name, who, text, filter_key in LIST_COMMANDS:
                user = admin if who == "admin" else asker
                print(f"  {name}…", file=sys.stderr)
                with Peak(bot.pid) as peak:
                    rows.append((name, await repeat(lambda u=user, t=text: command(double, u, t),
                                                    repeats, budget)))
                peaks[name] = peak.rss
                if filter_key is None:
                    continue
                reply = double.messages(user["id"])[-1]
                for page, data in page_presses(reply, filter_key, db_path):
                    label = f"{name} ({page} page)"
                    print(f"  {label}…", file=sys.stderr)
                    with Peak(bot.pid) as peak:
                        rows.append((label, await repeat(
                            lambda u=user, m=reply["message_id"], d=data: press(double, u, m, d),
                            repeats, budget)))
                    peaks[label] = peak.rss
            return {"rows": rows, "peaks": peaks, "idle": idle, "start": bot.startup_seconds,
                    "rates": await rates(echoes, double, asker, count, bot.pid)}
    finally:
        await double.stop()


def report(bot: dict, echo: dict, built: float, migrated: float) -> None:
    ms = 1000.0
    lines = []
    for name, samples in bot["rows"]:
        lines.append((name, len(samples), f"{percentile(samples, 0.5) * ms:.1f} ms",
                      f"{percentile(samples, 0.99) * ms:.1f} ms",
                      mib(bot["peaks"][name] - bot["idle"], signed=True)))
    echo_p = echo["latencies"]
    lines.append(("echo bot (floor)", len(echo_p), f"{percentile(echo_p, 0.5) * ms:.1f} ms",
                  f"{percentile(echo_p, 0.99) * ms:.1f} ms", ""))
    print(table(("command", "n", "p50", "p99", "RSS over idle"), lines))
    print(f"\n  resident memory idle: {mib(bot['idle'])} (echo bot {mib(echo['rss'])})")
    print(f"  start-up after migrations: {seconds(bot['start'])} "
          f"(echo bot {seconds(echo['start'])}); migrations {seconds(migrated)}"
          + (f"; database built in {seconds(built)}" if built else ""))
    ratios = {}
    print(f"  answered per second, limiter off, {ROUNDS} rounds (the bot; the echo bot on PTB's "
          "client; on the bot's client):")
    for text, rounds in bot["rates"].items():
        ratios[text] = statistics.median(mine.rate / floor.rate for mine, floor, _ in rounds)
        on_same = statistics.median(mine.rate / same.rate for mine, _, same in rounds)
        cpu = [statistics.median(b.cpu for b in column) * 1000
               for column in zip(*rounds, strict=True)]
        print(f"  {text}: " + ", ".join(f"{rate(mine.rate)}; {rate(floor.rate)}; "
                                        f"{rate(same.rate)}" for mine, floor, same in rounds))
        print(f"    median {ratios[text]:.2f} × the echo bot ({on_same:.2f} × on the same client);"
              f" CPU per answer {cpu[0]:.2f} ms, echo bot {cpu[1]:.2f} ms ({cpu[2]:.2f} ms)")
    p99 = {name: percentile(samples, 0.99) * ms for name, samples in bot["rows"]}
    growth = max(bot["peaks"].values()) - bot["idle"]
    targets = (
        ("/tasks p99 <= 20 ms", all(v <= 20 for k, v in p99.items() if k.startswith("/tasks"))),
        ("/alltasks any filter, any page p99 <= 50 ms",
         all(v <= 50 for k, v in p99.items() if k.startswith("/alltasks"))),
        ("/find p99 <= 50 ms", all(v <= 50 for k, v in p99.items() if k.startswith("/find"))),
        (f"RSS during any command <= idle + 10 MiB ({mib(growth, signed=True)})",
         growth <= 10 * MIB),
        ("start-up <= 1 s beyond migrations", bot["start"] <= 1.0),
        ("answered/s >= 0.5 x echo bot", all(v >= 0.5 for v in ratios.values())),
    )
    print("\n" + table(("target", "met"), [(name, verdict(met)) for name, met in targets]))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to run the bot from")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per row at most (one sample at least)")
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix="run-") as tmp:
        workdir = Path(tmp)
        db_path, built, migrated = database_for(args.code.resolve(), workdir)
        async with echo_running(workdir, "ptb") as echo_bot, \
                echo_running(workdir, "bot") as echo_same:
            echo = await echo_latency(echo_bot, args.repeats)
            bot = await the_bot(args.code.resolve(), db_path, args.repeats, args.budget,
                                args.burst, (echo_bot, echo_same))
    print(f"bench/views.py — code: {args.code}, {seed.TASKS:,} tasks, {seed.MEMBERS:,} members")
    report(bot, echo, built, migrated)


if __name__ == "__main__":
    asyncio.run(main())
