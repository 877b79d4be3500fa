"""The dashboard's meeting calls: upcoming meetings with attendance, RSVP with a reason, the
roster the forms pick from, and creating a meeting (once or repeating)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot import limits
from bot.i18n import N_, _, ngettext
from bot.meetings import render
from bot.meetings.model import MeetingView, Outcome
from bot.web import forms
from bot.web.app_keys import member_of, scope_of, services_of

if TYPE_CHECKING:
    from bot.web.dashboard import Routes

RESPONSES = {"attend": N_("attending"), "absent": N_("absent"), None: N_("not answered")}
MEETING_REFUSALS = {
    Outcome.NOT_FOUND: N_("There is no such meeting."),
    Outcome.NOT_INVITED: N_("You are not invited to this meeting."),
    Outcome.CLOSED: N_("The meeting has started or was cancelled: answers are closed."),
    Outcome.NOT_ALLOWED: N_("This needs an admin of the meeting's unit."),
}


def meeting_json(view: MeetingView, request: web.Request) -> dict:
    member, scope = member_of(request), scope_of(request)
    zone = services_of(request).settings.zone
    meeting = view.meeting
    mine = next((a for a in view.attendees if a.member.id == member.id), None)
    data = {"id": meeting.id, "title": render.title(meeting), "when": render.when(meeting, zone),
            "place": meeting.place, "counts": render.counts(view.attendees),
            "mine": mine.response if mine else None, "invited": mine is not None,
            "reason": mine.reason if mine else None}
    if scope.manages(meeting.group_chat_id):  # reasons: admins and the person only
        data["attendees"] = [{"name": a.member.display_name, "response": _(RESPONSES[a.response]),
                              "reason": a.reason or ""} for a in view.attendees]
    return data


async def _managed_units(request: web.Request) -> list:
    services, scope = services_of(request), scope_of(request)
    return [unit for unit in await services.units.all() if scope.manages(unit.id)]


async def upcoming(request: web.Request) -> web.Response:
    services = services_of(request)
    views = {v.meeting.id: v for v in await services.meetings.upcoming(member_of(request), None)}
    for unit in await _managed_units(request):
        for view in await services.meetings.upcoming(None, unit.id):
            views.setdefault(view.meeting.id, view)
    ordered = sorted(views.values(), key=lambda v: (v.meeting.starts_at, v.meeting.id))
    return web.json_response({"meetings": [meeting_json(v, request) for v in ordered]})


async def rsvp(request: web.Request) -> web.Response:
    services, member = services_of(request), member_of(request)
    data = await forms.body(request)
    response = data.get("response")
    if response not in ("attend", "absent"):
        return forms.invalid()
    number = forms.path_id(request)
    reason = forms.text(data, "reason", limits.REASON)
    outcome = await services.meetings.respond(member, number, response)
    if outcome is Outcome.ASK_REASON:
        await services.meetings.give_reason(member, number, reason)
    elif outcome is not Outcome.DONE:
        return web.json_response({"error": _(MEETING_REFUSALS.get(outcome, N_("Not allowed.")))},
                                 status=400)
    view = await services.meetings.view(number)
    assert view is not None
    return web.json_response({"meeting": meeting_json(view, request)})


# People of one unit offered by the forms: a bound, read as one page of the roster.
ROSTER_SHOWN = 500


async def roster(request: web.Request) -> web.Response:
    """The units the asker manages, each with its roster, for the forms."""
    if not scope_of(request).is_admin:
        return web.json_response({"error": _("Not allowed.")}, status=403)
    services = services_of(request)
    units = []
    for unit in await _managed_units(request):
        people, _total, _page = await services.units.roster(unit.id, 1, ROSTER_SHOWN)
        units.append({"id": unit.id, "name": unit.name, "members": [
            {"id": entry.member.id, "name": entry.member.display_name} for entry in people]})
    return web.json_response({"units": units})


async def create(request: web.Request) -> web.Response:
    services, scope, member = services_of(request), scope_of(request), member_of(request)
    data = await forms.body(request)
    chosen = await forms.chosen(request, data)
    title = forms.text(data, "title", limits.TITLE)
    recurrence = forms.recurrence(data)
    starts = forms.moment(request, data) if recurrence is None else None
    if chosen is None or not title or recurrence is False or (not recurrence and not starts):
        return forms.invalid()
    unit_id, people = chosen
    if unit_id is None and not people:
        return forms.invalid()
    fields = {"title": title, "place": forms.text(data, "place", limits.PLACE) or "",
              "agenda": forms.text(data, "agenda", limits.AGENDA) or "",
              "group_chat_id": unit_id,
              "usernames": [], "member_ids": tuple(p.id for p in people)}
    if recurrence:
        made = await services.meetings.create_series(member, scope, recurrence, **fields)
    else:
        assert starts is not None
        made = await services.meetings.create(member, scope, starts_at=starts, **fields)
    if isinstance(made, Outcome):
        return web.json_response({"error": _(MEETING_REFUSALS.get(made, N_("Not allowed.")))},
                                 status=403)
    views = made if isinstance(made, list) else [made]
    return web.json_response({"message": ngettext_meetings(len(views)),
                              "meetings": [meeting_json(v, request) for v in views]})


def ngettext_meetings(count: int) -> str:
    return ngettext("{count} meeting stored; attendees are invited.",
                    "{count} meetings stored; attendees are invited.", count).format(count=count)


def register(routes: Routes) -> None:
    routes.get("meetings", upcoming)
    routes.post("meetings/{id}/rsvp", rsvp)
    routes.get("roster", roster)
    routes.post("meetings", create)
