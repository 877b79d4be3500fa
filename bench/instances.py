"""Several instances on PostgreSQL: updates answered per second, the reminder dispatch rate on
PostgreSQL and SQLite, and fail-over of the dispatching instance.

Run from the repository root: ``.venv/bin/python bench/instances.py [--quick]`` (or
``make bench-instances``). The bot runs as subprocesses (``python -m bot run``) against the Bot
API double served from this process, in webhook mode where several instances share the double
(it balances its posts between them, as a reverse proxy would). PostgreSQL: a throw-away server
started by tests/postgres/server.sh, or ``--database-url``; every scenario gets a fresh
database. Progress goes to stderr, the figures to stdout. Not part of the test suite: the
targets are reported, not asserted.
"""

# ruff: noqa: E402 - run as a script, the repository root must be on sys.path before imports

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import instances_run as run_
from bench.instances_run import DispatchRun, Failover, UpdatesResult
from bench.pg import Databases, postmaster_pid, start_server
from bench.reminders import Progress, load, machine
from bench.report import count, rate, seconds, table, verdict
from bot.reminders.dispatcher import IN_FLIGHT

TARGET_SHARE = 0.97  # of Telegram's 30/s, with the limiter
TARGET_GAP = 5.0  # s from the killed leader's last send to the next one's first
TARGET_DUPLICATES = IN_FLIGHT  # per kill: the sends in flight when it died
LATENCY = 0.05  # s per send in the fail-over scenario, as tests/e2e/test_instances.py


@dataclass(frozen=True)
class Sizes:
    users: int
    warm_up: float
    window: float
    raw: int
    limited: int
    burst: int
    kills: int
    sends_between: int
    quick: bool


def parse_args() -> tuple[Sizes, str | None]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server to make the databases on "
                        "(postgresql://user@host:port/db; the user may CREATE DATABASE); "
                        "default: start tests/postgres/server.sh's on port 25433")
    parser.add_argument("--users", type=int, help="concurrent users in scenario A (40)")
    parser.add_argument("--window", type=float, help="seconds counted in scenario A (20)")
    parser.add_argument("--raw-n", type=int, help="reminders due at once, limiter off (10,000)")
    parser.add_argument("--limited-n", type=int, help="reminders due at once, limiter on "
                        "(3,000: 100 s at 30/s; 10,000 takes 5.6 min per back-end)")
    parser.add_argument("--burst-n", type=int, help="reminders in the fail-over burst (2,000)")
    parser.add_argument("--kills", type=int, help="kills of the leader (10)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    args = parser.parse_args()
    quick = args.quick
    sizes = Sizes(
        users=args.users or (10 if quick else 40),
        warm_up=2.0 if quick else 3.0,
        window=args.window or (5.0 if quick else 20.0),
        raw=args.raw_n or (500 if quick else 10_000),
        limited=args.limited_n or (300 if quick else 3_000),
        burst=args.burst_n or (400 if quick else 2_000),
        kills=args.kills if args.kills is not None else (3 if quick else 10),
        sends_between=45,
        quick=quick,
    )
    return sizes, args.database_url


def heading(text: str) -> None:
    print(f"\n{text}\n")


def print_log(lines: list[str]) -> None:
    if lines:
        print(f"  the bots logged {len(lines)} line(s) at WARNING or above; the first:")
        for line in lines[:5]:
            print(f"    {line[:160]}")


# ---- A -------------------------------------------------------------------------------------
def print_updates(results: list[UpdatesResult], sizes: Sizes) -> float:
    heading(f"A. Updates answered per second: {sizes.users} users, each sending a command and "
            f"waiting for its answer\n   ({', '.join(run_.COMMANDS)} in turn), webhook mode, "
            f"RATE_LIMIT=false, COMMANDS_PER_MINUTE=1000000;\n   {sizes.window:g} s counted "
            f"after {sizes.warm_up:g} s of warm-up")
    rows = []
    for r in results:
        rows.append([r.label, str(r.instances), count(r.answered), seconds(r.seconds),
                     rate(r.rate), f"{r.bench_cpu / r.seconds:.2f}",
                     " + ".join(f"{c / r.seconds:.2f}" for c in r.bot_cpu),
                     "-" if r.postgres_cpu is None else f"{r.postgres_cpu / r.seconds:.2f}",
                     f"{100 * r.machine_busy:.0f} %",
                     " / ".join(count(r.posts[n]) for n in range(r.instances)),
                     str(r.refused)])
    print(table(["back-end", "instances", "answered", "window", "answered/s",
                 "double+users cores", "bot cores", "PostgreSQL cores", "machine busy",
                 "posts per instance (whole run)",
                 "posts refused (whole run)"], rows))
    by_label = {r.label: r for r in results}
    one, two = by_label["postgresql-1"], by_label["postgresql-2"]
    ratio = two.rate / one.rate
    print(f"\n  2 instances / 1 instance on PostgreSQL: {ratio:.2f}; SQLite (1) / PostgreSQL (1): "
          f"{by_label['sqlite-1'].rate / one.rate:.2f}")
    print(f"  'cores' = CPU seconds per second of the window (1.00 = one core busy); this "
          f"machine has {os.cpu_count()} cores,\n  shared by the double and the users (this "
          "process), the bot instances, PostgreSQL and whatever else runs\n  on the machine: "
          "'machine busy' is all of it")
    for r in results:
        print_log(r.log_lines)
    return ratio


# ---- B -------------------------------------------------------------------------------------
def print_dispatch(runs: list[DispatchRun], sizes: Sizes) -> None:
    heading("B. Dispatch rate: reminders due at once, each to a private chat of its own, one "
            "instance sending\n   (raw: RATE_LIMIT=false, double latency 0, no limits "
            "enforced; limited: RATE_LIMIT=true, the double\n   enforcing 30/s overall and "
            "1/s per chat, answering 429 beyond)")
    rows = []
    for r in runs:
        share = "" if not r.limited else f"{r.share_of_limit:.3f}"
        rows.append([r.label, "limited" if r.limited else "raw", count(r.reminders),
                     count(len(r.arrivals)), seconds(r.arrivals.span()),
                     rate(r.arrivals.rate()), f"{r.arrivals.rate() / 30:.2f}", share,
                     str(r.throttled), str(r.repeats), seconds(r.seed_seconds)])
    print(table(["back-end", "mode", "due", "delivered", "first -> last", "rate",
                 "rate / 30", "share of 30/s", "429s", "repeats", "seeding"], rows))
    print("\n  share of 30/s = n / (time from the first arrival until the 1 s window would "
          "admit message n + 1):\n  exactly 1 for a sender that leaves none of the limit "
          "unused; first -> last rates read a little\n  above 30/s, as the last window's "
          "messages arrive together")
    if not sizes.quick and sizes.limited < 10_000:
        print(f"  limited runs: {count(sizes.limited)} reminders, "
              f"{sizes.limited / 30:.0f} s of steady state at 30/s (10,000 would take "
              f"{10_000 / 30 / 60:.1f} min per back-end; --limited-n 10000 runs that)")
    for r in runs:
        print(f"  {r.label} {'limited' if r.limited else 'raw'}: rows afterwards {r.statuses}")
        print_log(r.log_lines)


# ---- C -------------------------------------------------------------------------------------
def print_failover(result: Failover, sizes: Sizes) -> None:
    heading(f"C. Fail-over: 2 instances on PostgreSQL (webhook mode), {count(result.burst)} "
            f"reminders due at once, RATE_LIMIT=true,\n   the double enforcing Telegram's "
            f"limits with {LATENCY * 1000:.0f} ms per send; the leader (per /healthz) "
            f"SIGKILLed\n   after {sizes.sends_between} sends of its own, then started again")
    rows = []
    for k in result.kills:
        rows.append([str(k.number), count(k.sent_before), seconds(k.gap),
                     "-" if k.first_after is None else seconds(k.first_after - k.killed_at),
                     seconds(k.restarted_in), str(k.duplicates),
                     verdict(k.gap <= TARGET_GAP and k.duplicates <= TARGET_DUPLICATES)])
    print(table(["kill", "delivered before", "gap", "kill -> next send", "restarted ready in",
                 "duplicates", "met"], rows))
    print(f"\n  gap = the killed leader's last send (up to {run_.STRAGGLE:g} s after the kill, "
          "sends it had in flight) to the next leader's first;\n  a duplicate is put down to "
          "the first kill after its first copy")
    if result.ended_early:
        print(f"  {result.ended_early}")
    print(f"  burst first -> last send {seconds(result.span)} "
          f"({rate((result.burst + result.duplicates - 1) / result.span)}); "
          f"lost {result.lost}; duplicates {result.duplicates}; 429s {result.throttled}; "
          f"rows afterwards {result.statuses}")
    print_log(result.log_lines)


# ---- summary -------------------------------------------------------------------------------
def print_summary(ratio: float, runs: list[DispatchRun], failover: Failover) -> None:
    heading("Summary")
    rows: list[list[str]] = [
        ["A: answered/s, 2 instances / 1 (PostgreSQL)", f"{ratio:.2f}", "reported", ""],
    ]
    for r in runs:
        if r.limited:
            rows.append([f"B: {r.label} limited, share of 30/s", f"{r.share_of_limit:.3f}",
                         f">= {TARGET_SHARE}", verdict(r.share_of_limit >= TARGET_SHARE)])
            rows.append([f"B: {r.label} limited, 429s", str(r.throttled), "0",
                         verdict(r.throttled == 0)])
    raw = {r.label: r.arrivals.rate() for r in runs if not r.limited}
    if "postgresql" in raw and "sqlite" in raw:
        rows.append(["B: raw rate PostgreSQL / SQLite",
                     f"{raw['postgresql'] / raw['sqlite']:.2f}", "reported", ""])
    gaps = [k.gap for k in failover.kills]
    worst = max(gaps, default=math.nan)
    dups = max((k.duplicates for k in failover.kills), default=0)
    rows += [
        [f"C: fail-over gap, worst of {len(gaps)} kills", seconds(worst),
         f"<= {TARGET_GAP:g} s", verdict(bool(gaps) and worst <= TARGET_GAP)],
        ["C: duplicates per kill, worst", str(dups), f"<= {TARGET_DUPLICATES} (in flight)",
         verdict(dups <= TARGET_DUPLICATES)],
        ["C: lost", str(failover.lost), "0", verdict(failover.lost == 0)],
        ["C: 429s", str(failover.throttled), "0", verdict(failover.throttled == 0)],
    ]
    print(table(["figure", "value", "target", "met"], rows))


# ---- the run -------------------------------------------------------------------------------
async def run(sizes: Sizes, server: str, postmaster: int | None, workdir: Path,
              progress: Progress) -> None:
    databases = Databases(server)
    print("Committee Assistant: several instances on PostgreSQL"
          + (" (--quick: small sizes, a smoke run)" if sizes.quick else ""))
    print(machine() + f", psycopg {version('psycopg')}, PostgreSQL {databases.version()}")
    print(f"At the start: {load()}")
    try:
        updates = []
        for label, backend, instances in (("sqlite-1", "sqlite", 1),
                                          ("postgresql-1", "postgresql", 1),
                                          ("postgresql-2", "postgresql", 2)):
            progress(f"A: {label}, {sizes.users} users")
            target = target_for(databases, backend, workdir / f"a-{label}", "updates")
            updates.append(await run_.updates_rate(
                target, workdir / f"a-{label}", label, instances=instances, users=sizes.users,
                warm_up=sizes.warm_up, seconds=sizes.window, postmaster=postmaster))
        ratio = print_updates(updates, sizes)

        runs = []
        for limited, reminders in ((False, sizes.raw), (True, sizes.limited)):
            for backend in ("sqlite", "postgresql"):
                mode = "limited" if limited else "raw"
                progress(f"B: {backend} {mode}, {count(reminders)} reminders")
                place = workdir / f"b-{backend}-{mode}"
                runs.append(await run_.dispatch_rate(
                    target_for(databases, backend, place, f"dispatch_{mode}"), place, backend,
                    reminders, limited=limited))
        print_dispatch(runs, sizes)

        progress(f"C: {count(sizes.burst)} reminders, {sizes.kills} kills")
        failover = await run_.failover(
            databases.fresh("failover"), workdir / "c", sizes.burst, sizes.kills,
            sends_between=sizes.sends_between, latency=LATENCY)
        print_failover(failover, sizes)
        print_summary(ratio, runs, failover)
    finally:
        databases.drop_all()
    print(f"\nAt the end: {load()}")
    progress("done")


def target_for(databases: Databases, backend: str, place: Path, label: str) -> str | Path:
    return databases.fresh(label) if backend == "postgresql" else place / "bot.sqlite3"


def main() -> None:
    sizes, url = parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # keep order
    # A killed instance leaves its sends half-posted: the double's server would log each.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    progress = Progress()
    started = time.monotonic()
    postmaster = None
    if url is None:
        progress("starting PostgreSQL (tests/postgres/server.sh)")
        url = start_server()
        postmaster = postmaster_pid()
    with tempfile.TemporaryDirectory(prefix="bench-instances-") as workdir:
        asyncio.run(run(sizes, url, postmaster, Path(workdir), progress))
    print(f"Run time: {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
