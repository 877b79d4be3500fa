"""``/healthz``: is this instance ready to take updates? For the reverse proxy or orchestrator.

200 when the database answers with the schema this code expects, the Application runs and the
reminder dispatcher's sweep is scheduled; 503 otherwise. The body says which check failed, and
whether this instance leads (sends the reminders: bot/leadership.py).
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from telegram.ext import Application

from bot.reminders.dispatcher import SWEEP_JOB
from bot.settings import Settings
from storage.migrations import latest_version

PATH = "/healthz"
DATABASE_TIMEOUT = 2.0  # seconds: a database slower than this is not ready


def register(web_app: web.Application, app: Application, settings: Settings) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        report = {
            "database": await _database(app),
            "updates": _updates(app, settings),
            "dispatcher": _dispatcher(app),
        }
        ready = all(part["ok"] for part in report.values())
        return web.json_response({"status": "ok" if ready else "unavailable", **report},
                                 status=200 if ready else 503)

    web_app.router.add_get(PATH, healthz)


async def _database(app: Application) -> dict[str, object]:
    expected = latest_version()
    services = app.bot_data.get("services")
    if services is None:
        return {"ok": False, "error": "not configured"}
    try:
        version = await asyncio.wait_for(services.db.schema_version(), DATABASE_TIMEOUT)
    except (RuntimeError, ValueError, TimeoutError, *services.db.errors) as exc:  # closed, failing
        return {"ok": False, "error": str(exc) or type(exc).__name__}
    return {"ok": version == expected, "schema_version": version, "expected": expected}


def _updates(app: Application, settings: Settings) -> dict[str, object]:
    mode = "webhook" if settings.webhook_url else "polling"
    return {"ok": app.running, "mode": mode, "queued": app.update_queue.qsize()}


def _dispatcher(app: Application) -> dict[str, object]:
    """Ready once started, leading or not: an instance that does not lead (another one sends
    the reminders) still takes updates, and takes the lead over if the leader dies."""
    queue = app.job_queue
    started = (
        "dispatcher" in app.bot_data
        and queue is not None
        and queue.scheduler.running
        and bool(queue.get_jobs_by_name(SWEEP_JOB))
    )
    leadership = app.bot_data.get("leadership")
    leader = started and leadership is not None and leadership.leading
    state = "stopped" if not started else "running" if leader else "standby"
    return {"ok": started, "state": state, "leader": leader}
