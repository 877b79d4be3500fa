"""Reading what the dashboard's forms send: JSON bodies, ids, a local date and time, and the
unit and people chosen from the roster (only units the asker manages)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import Literal

from aiohttp import web

from bot.i18n import _
from bot.meetings.recurrence import Recurrence, RecurrenceError, parse_recurrence
from bot.numbers import parse_id
from bot.web.app_keys import scope_of, services_of
from storage.members import Member

MOST_CHOSEN = 200


async def body(request: web.Request) -> dict:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(text='{"error": "not JSON"}',
                                 content_type="application/json") from exc
    return data if isinstance(data, dict) else {}


def text(data: dict, key: str, limit: int) -> str | None:
    """A field's text, or None if empty; longer than ``limit`` (bot/limits.py) is refused,
    as the commands refuse it, never cut."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    if len(value.strip()) > limit:
        message = _("Too long: at most {limit} characters.").format(limit=limit)
        raise web.HTTPBadRequest(text=json.dumps({"error": message}),
                                 content_type="application/json")
    return value.strip()


def path_id(request: web.Request) -> int:
    number = parse_id(request.match_info.get("id", ""))
    if number is None:
        raise web.HTTPNotFound()
    return number


def invalid() -> web.Response:
    return web.json_response({"error": _("Please fill in every required field correctly.")},
                             status=400)


def moment(request: web.Request, data: dict) -> datetime | None:
    """The form's date and time in the committee's zone, if valid and still ahead."""
    day, clock = text(data, "date", 10), text(data, "time", 5)
    if not day or not clock or not re.fullmatch(r"\d{1,2}:\d{2}", clock):
        return None
    services = services_of(request)
    try:
        hour, minute = (int(part) for part in clock.split(":"))
        value = datetime.combine(date.fromisoformat(day), time(hour, minute),
                                 services.settings.zone)
    except ValueError:
        return None
    return value if value > services.clock.now() else None


def recurrence(data: dict) -> Recurrence | Literal[False] | None:
    """The form's repeat rule: None when there is none, False when it cannot be read."""
    try:
        return parse_recurrence(text(data, "repeat", 100) or "")
    except RecurrenceError:
        return False


def not_yours() -> web.HTTPForbidden:
    message = _("You may only choose the units you manage and people on their rosters. "
                "Nothing was stored.")
    return web.HTTPForbidden(text=json.dumps({"error": message}),
                             content_type="application/json")


async def chosen(request: web.Request, data: dict) -> tuple[int | None, list[Member]] | None:
    """(unit id or None, the people ticked), or None if a person is unknown. A unit the asker
    does not manage, or a person on none of their units' rosters, is refused (403)."""
    unit = data.get("unit_id")
    unit_id = unit if isinstance(unit, int) else None
    scope = scope_of(request)
    if unit_id is not None and not scope.manages(unit_id):
        raise not_yours()
    ids = data.get("member_ids") or []
    if not isinstance(ids, list) or len(ids) > MOST_CHOSEN:
        return None
    services = services_of(request)
    members = [await services.members.by_id(i) for i in ids if isinstance(i, int)]
    if len(members) != len(ids) or any(m is None for m in members):
        return None
    chosen_people = [m for m in members if m is not None]
    if await services.tasks.outside_scope(scope, (), tuple(chosen_people)):
        raise not_yours()
    return unit_id, chosen_people
