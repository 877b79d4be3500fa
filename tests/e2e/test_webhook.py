"""Webhook mode end to end: the double posts updates to the bot's own web server, as Telegram
does behind a reverse proxy, with the right, a wrong and a missing secret; /healthz."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import Application

from bot.app import build_application, running
from bot.runner import running_with_web
from bot.settings import Settings, load_settings
from bot.web.server import ListenError, WebServer, build_web_app
from storage.migrations import latest_version
from tests.conftest import ADMIN_ID, TOKEN, FakeClock
from tests.double import BotApiDouble
from tests.instance_process import PUBLIC_URL, SECRET, free_port

HEADER = "X-Telegram-Bot-Api-Secret-Token"
ROOT = Path(__file__).resolve().parents[2]


def web_settings(tmp_path: Path, double: BotApiDouble, **values: object) -> Settings:
    return load_settings(
        _env_file=None, bot_token=TOKEN, database_path=tmp_path / "committee.sqlite3",
        admin_ids=str(ADMIN_ID), bot_api_base_url=double.base_url, rate_limit=False,
        web_host="127.0.0.1", web_port=free_port(), **values,
    )


@pytest.fixture
def hook_settings(tmp_path: Path, double: BotApiDouble) -> Settings:
    return web_settings(tmp_path, double, webhook_url=PUBLIC_URL, webhook_secret=SECRET)


@pytest.fixture
async def hooked(hook_settings: Settings, double: BotApiDouble,
                 clock: FakeClock) -> AsyncIterator[Application]:
    """The bot in webhook mode; the double reaches it as Caddy would, at the same path."""
    app = build_application(hook_settings, clock)
    double.route_webhook(f"http://127.0.0.1:{hook_settings.web_port}")
    async with running_with_web(app, hook_settings):
        yield app


def local(settings: Settings, path: str) -> str:
    return f"http://127.0.0.1:{settings.web_port}{path}"


async def test_updates_arrive_by_webhook_with_the_right_secret(double, people, hooked) -> None:
    call = await double.wait_for_call("setWebhook")
    assert call["url"] == PUBLIC_URL
    assert call["secret_token"] == SECRET
    assert set(call["allowed_updates"]) == set(Update.ALL_TYPES)
    assert {"chat_member", "callback_query", "message"} <= set(call["allowed_updates"])
    assert call["max_connections"] == 40

    await double.send_text(people.chi, "/start")
    reply = await double.wait_for_message(people.chi["id"], timeout=5)
    assert "Xin chào đồng chí Chi Phạm" in reply["text"]
    assert double.webhook_deliveries[0]["status"] == 200
    assert double.webhook_deliveries[0]["secret"] == "right"
    assert not [name for name, _ in double.calls if name == "getUpdates"]


async def test_a_post_without_the_right_secret_gets_403_and_is_not_processed(
    double, people, hooked, hook_settings
) -> None:
    double.forge_webhook_secret("not-the-secret")
    await double.send_text(people.binh, "/whoami")
    wrong = await double.wait_for_delivery(lambda d: d["secret"] == "wrong")
    double.forge_webhook_secret(None)
    missing = await double.wait_for_delivery(lambda d: d["secret"] == "missing")
    assert wrong["status"] == missing["status"] == 403
    info = await hooked.bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
    assert info.pending_update_count == 1  # Telegram keeps it and tries again
    assert double.messages(people.binh["id"]) == []

    double.stop_forging()  # the real Telegram: the same update, now with the secret
    reply = await double.wait_for_message(people.binh["id"], timeout=5)
    assert str(people.binh["id"]) in reply["text"]
    await double.idle(quiet=0.2)
    assert len(double.messages(people.binh["id"])) == 1  # processed once

    async with aiohttp.ClientSession() as session:
        path = local(hook_settings, hook_settings.webhook_path)
        async with session.post(path, data=b"not json", headers={HEADER: SECRET}) as answer:
            assert answer.status == 400
        async with session.get(path, headers={HEADER: SECRET}) as answer:
            assert answer.status == 405


async def test_telegram_gets_its_answer_before_a_slow_handler_ends(double, people,
                                                                   hooked) -> None:
    double.set_latency(1.0)  # every reply takes a second to send
    await double.send_text(people.chi, "/start")
    reply = await double.wait_for_message(people.chi["id"], timeout=10)
    assert reply["text"]
    delivery = double.webhook_deliveries[0]
    assert delivery["status"] == 200
    assert delivery["seconds"] < 0.5


async def test_healthz_reports_ready_and_what_is_not(double, hooked, hook_settings) -> None:
    services = hooked.bot_data["services"]
    async with aiohttp.ClientSession() as session:
        async with session.get(local(hook_settings, "/healthz")) as answer:
            body = await answer.json()
            assert answer.status == 200, body
        assert body["status"] == "ok"
        assert body["database"] == {"ok": True, "schema_version": latest_version(),
                                    "expected": latest_version()}
        assert body["dispatcher"] == {"ok": True, "state": "running", "leader": True}
        assert body["updates"]["mode"] == "webhook"

        await services.db.close()
        try:
            async with session.get(local(hook_settings, "/healthz")) as answer:
                body = await answer.json()
                assert answer.status == 503
            assert body["status"] == "unavailable"
            assert body["database"] == {"ok": False, "error": "database is not open"}
        finally:
            await services.db.open()


async def test_healthz_is_503_until_the_bot_has_started(double, hook_settings) -> None:
    app = build_application(hook_settings)
    server = WebServer(build_web_app(app, hook_settings))
    await server.start("127.0.0.1", 0)
    try:
        async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{server.port}/healthz"
        ) as answer:
            body = await answer.json()
        assert answer.status == 503
        assert body["updates"]["ok"] is False
        assert body["dispatcher"] == {"ok": False, "state": "stopped", "leader": False}
    finally:
        await server.stop()


async def test_polling_is_refused_while_the_webhook_is_set_and_resumes_after(
    double, people, hooked, settings, clock
) -> None:
    await double.wait_for_call("setWebhook")
    async with Bot(TOKEN, base_url=f"{double.base_url}/bot") as other:
        with pytest.raises(Conflict, match="webhook is active"):
            await other.get_updates(timeout=0)
    # Back to polling (WEBHOOK_URL removed): PTB deletes the webhook before its first poll.
    async with running(build_application(settings, clock)):
        await double.wait_for_call("deleteWebhook")
        await double.send_text(people.chi, "/start")
        assert await double.wait_for_message(people.chi["id"], timeout=5)


async def test_polling_with_web_port_serves_healthz(double, tmp_path, clock) -> None:
    polling = web_settings(tmp_path, double)
    assert polling.webhook_url is None
    async with (
        running_with_web(build_application(polling, clock), polling),
        aiohttp.ClientSession() as session,
        session.get(local(polling, "/healthz")) as answer,
    ):
        body = await answer.json()
    assert answer.status == 200, body
    assert body["updates"]["mode"] == "polling"
    assert not [name for name, _ in double.calls if name == "setWebhook"]


async def test_the_service_runs_in_webhook_mode_and_stops_on_sigterm(
    double, people, tmp_path: Path
) -> None:
    """`committee-bot run` as systemd starts it, with WEBHOOK_URL: no polling, SIGTERM ends it."""
    port = free_port()
    double.route_webhook(f"http://127.0.0.1:{port}")
    env = {**os.environ, "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": double.base_url,
           "DATABASE_PATH": str(tmp_path / "committee.sqlite3"), "RATE_LIMIT": "false",
           "WEBHOOK_URL": PUBLIC_URL, "WEBHOOK_SECRET": SECRET, "WEB_PORT": str(port),
           "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await double.wait_for_call("setWebhook", timeout=30)
        await double.send_text(people.chi, "/start")
        assert await double.wait_for_message(people.chi["id"], timeout=10)
        async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}/healthz"
        ) as answer:
            assert answer.status == 200
        process.send_signal(signal.SIGTERM)
        _, log = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, log.decode()
    assert SECRET not in log.decode()
    assert not [name for name, _ in double.calls if name in ("getUpdates", "deleteWebhook")]


async def test_a_taken_port_is_a_listen_error(double, hook_settings) -> None:
    app = build_application(hook_settings)
    first = WebServer(build_web_app(app, hook_settings))
    await first.start("127.0.0.1", 0)
    try:
        second = WebServer(build_web_app(app, hook_settings))
        with pytest.raises(ListenError) as error:
            await second.start("127.0.0.1", first.port)
        assert error.value.errno == errno.EADDRINUSE
    finally:
        await first.stop()
