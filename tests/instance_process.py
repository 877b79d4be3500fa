"""The real bot as a subprocess (``python -m bot run``) against the Bot API double, on SQLite
or PostgreSQL, polling or in webhook mode; and asking a running instance whether it leads.

Shared by the end-to-end tests that kill instances (tests/e2e/test_crash.py,
tests/e2e/test_instances.py) and by bench/instances.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import aiohttp

from tests.double import BotApiDouble

ROOT = Path(__file__).resolve().parents[1]
ZONE = "Asia/Ho_Chi_Minh"
# Webhook mode: the public address the bot gives setWebhook (the double routes it to the
# instance's local port) and its secret.
PUBLIC_URL = "https://bot.example.org/telegram/updates"
SECRET = "Q7x-secret_token-9f3a"
STOP_TIMEOUT = 30.0


def instance_env(double: BotApiDouble, target: str | Path, **settings: str) -> dict[str, str]:
    """The bot's settings: the double's address and token, the database (a postgresql:// URL
    or an SQLite file), limiter off unless ``settings`` say otherwise, and the morning digest
    half a day away so it never joins what is measured."""
    local = datetime.now(ZoneInfo(ZONE))
    return {
        **os.environ,
        "BOT_TOKEN": double.token,
        "BOT_API_BASE_URL": double.base_url,
        **({"DATABASE_URL": target} if isinstance(target, str) else
           {"DATABASE_PATH": str(target)}),
        "RATE_LIMIT": "false",
        "LOG_LEVEL": "WARNING",
        "TIMEZONE": ZONE,
        "PYTHONPATH": str(ROOT),
        "DIGEST_TIME": (local + timedelta(hours=12)).strftime("%H:%M"),
        **settings,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_env(port: int) -> dict[str, str]:
    """Webhook mode, the instance's web server on 127.0.0.1:``port``."""
    return {"WEBHOOK_URL": PUBLIC_URL, "WEBHOOK_SECRET": SECRET, "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(port)}


async def spawn_instance(
    double: BotApiDouble, target: str | Path, workdir: Path, *, log: IO[bytes] | None = None,
    **settings: str,
) -> asyncio.subprocess.Process:
    """Start ``python -m bot run`` in ``workdir`` (so no .env of the checkout is read); its
    output goes to ``log`` if given, else to this process's."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir,
        env=instance_env(double, target, **settings), stdin=asyncio.subprocess.DEVNULL,
        stdout=log, stderr=log,
    )


async def stop_instance(process: asyncio.subprocess.Process) -> None:
    """SIGTERM (the bot shuts down cleanly), then SIGKILL if it does not exit in time."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)  # SIGKILL: bounded all the same


@asynccontextmanager
async def instance_process(
    double: BotApiDouble, target: str | Path, workdir: Path, **settings: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A running instance, stopped on the way out whatever happens."""
    process = await spawn_instance(double, target, workdir, **settings)
    try:
        yield process
    finally:
        await stop_instance(process)


async def healthz(port: int) -> dict | None:
    """The instance's /healthz body, or None if it does not answer."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session, \
                session.get(f"http://127.0.0.1:{port}/healthz") as answer:
            return await answer.json()
    except (aiohttp.ClientError, TimeoutError):
        return None


async def the_leader(ports: list[int], within: float) -> int:
    """The index of the one instance whose /healthz says it leads, once all of them answer
    that they are ready."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        bodies = [await healthz(port) for port in ports]
        if all(body is not None and body["status"] == "ok" for body in bodies):
            leaders = [i for i, body in enumerate(bodies) if body["dispatcher"]["leader"]]
            if len(leaders) > 1:
                raise RuntimeError(f"several instances lead: {bodies}")
            if leaders:
                return leaders[0]
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no single leader within {within} s")
