"""The dashboard's task calls: my tasks, marking my part done, the committee's progress, a
task's detail, reminding those not done, and creating a task. Each is the command's service
call under the asker's scope."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from aiohttp import web

from bot import limits
from bot.clock import epoch, from_epoch
from bot.i18n import N_, _, format_datetime, ngettext
from bot.reports.chart import chart_png
from bot.reports.period import Period
from bot.reports.render import percent
from bot.reports.stats import OVERDUE, Tally
from bot.tasks import render
from bot.tasks.model import Outcome, TaskView
from bot.tasks.service import TaskRequest
from bot.web import forms
from bot.web.app_keys import member_of, scope_of, services_of
from storage.dashboard import DashboardRepository
from storage.tasks import Report, TaskFilter

if TYPE_CHECKING:
    from bot.web.dashboard import Routes

# Open tasks a dashboard list shows: the soonest, read as one page of the keyset lists.
DASHBOARD_LIST = 50
STATUS = {"open": N_("open"), "done": N_("done"), "excused": N_("released")}
REFUSALS = {
    Outcome.NOT_FOUND: N_("There is no such task."),
    Outcome.NOT_ALLOWED: N_("This needs an admin of the task's unit."),
    Outcome.NOT_ASSIGNEE: N_("You are not an assignee of this task."),
    Outcome.ALREADY_DONE: N_("Your part is already done."),
    Outcome.NOT_OPEN: N_("The task is already done."),
    Outcome.WAS_CANCELLED: N_("The task was cancelled."),
    Outcome.NEED_ASSIGNEE: N_("Choose a unit or at least one assignee."),
    Outcome.EMPTY_ROSTER: N_("The unit's roster is empty: choose the assignees."),
}


def refusal(outcome: Outcome, status: int = 400) -> web.Response:
    return web.json_response({"error": _(REFUSALS.get(outcome, N_("Not allowed.")))},
                             status=403 if outcome is Outcome.NOT_ALLOWED else status)


def task_json(view: TaskView, request: web.Request, *, parts: bool = False) -> dict:
    services = services_of(request)
    now, zone = epoch(services.clock.now()), services.settings.zone
    task = view.task
    mine = view.part_of(member_of(request))
    data = {"id": task.id, "title": render.title(task), "tag": task.tag,
            "due": render.deadline(task, now, zone), "overdue": task.is_open and
            task.due_at <= now, "progress": render.progress(view),
            "mine": mine.status if mine else None, "open": task.is_open}
    if parts:
        data["parts"] = [{"name": p.member.display_name, "status": _(STATUS[p.status]),
                          "done": p.status != "open", "note": p.note or p.reason or "",
                          "at": format_datetime(from_epoch(p.done_at), zone)
                          if p.done_at else ""} for p in view.parts]
        data["manages"] = services.tasks.manages(scope_of(request), task)
    return data


async def mine(request: web.Request) -> web.Response:
    services, member = services_of(request), member_of(request)
    open_views = (await services.task_lists.mine(member, None, DASHBOARD_LIST)).views
    finished = await DashboardRepository(services.db).done_parts(member.id, 20)
    zone = services.settings.zone
    return web.json_response({
        "open": [task_json(v, request) for v in open_views],
        "done": [{"id": p.task_id, "title": p.title, "status": _(STATUS[p.status]),
                  "at": format_datetime(from_epoch(p.done_at), zone) if p.done_at else "",
                  "note": p.note or ""} for p in finished]})


async def mark_done(request: web.Request) -> web.Response:
    services, member = services_of(request), member_of(request)
    body = await forms.body(request)
    note = forms.text(body, "note", limits.NOTE)
    result = await services.tasks.complete(
        member, scope_of(request), forms.path_id(request),
        report=Report(note=note) if note else None)
    if result.outcome not in (Outcome.PART_DONE, Outcome.TASK_DONE):
        return refusal(result.outcome)
    assert result.view is not None
    return web.json_response({"message": _("Your part of task #{id} is done. Thank you!").format(
        id=result.view.task.id), "task": task_json(result.view, request)})


def this_year(request: web.Request) -> Period:
    """The committee page's period: the year so far and the deadlines still ahead in it."""
    year = services_of(request).reports.today().year
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def tally_json(tally: Tally) -> dict:
    return {"name": tally.name or _("(no unit)"), "overdue": tally.parts[OVERDUE],
            "done": tally.done, "assigned": tally.assigned,
            "completion": percent(tally.completion), "rate": percent(tally.attendance_rate)}


async def committee(request: web.Request) -> web.Response:
    services, scope = services_of(request), scope_of(request)
    if not scope.is_admin:
        return refusal(Outcome.NOT_ALLOWED)
    built = await services.reports.period_report(scope, this_year(request), files=False)
    report = built.report
    order = sorted(report.units.values(), key=lambda t: (-t.parts[OVERDUE], t.name))
    people = sorted(report.people.values(), key=lambda t: (-t.parts[OVERDUE], t.name))
    views = (await services.task_lists.matching(scope, TaskFilter(), None,
                                                DASHBOARD_LIST)).views
    return web.json_response({
        "title": report.title, "units": [tally_json(t) for t in order],
        "people": [tally_json(t) for t in people],
        "tasks": [task_json(v, request) for v in views]})


async def chart(request: web.Request) -> web.Response:
    services, scope = services_of(request), scope_of(request)
    if not scope.is_admin:
        return refusal(Outcome.NOT_ALLOWED)
    built = await services.reports.period_report(scope, this_year(request), files=False)
    return web.Response(body=chart_png(built.report), content_type="image/png")


async def detail(request: web.Request) -> web.Response:
    services = services_of(request)
    view = await services.tasks.view(forms.path_id(request))
    if view is None or not services.tasks.may_see(scope_of(request), view, None):
        return refusal(Outcome.NOT_FOUND, 404)
    return web.json_response(task_json(view, request, parts=True))


async def remind(request: web.Request) -> web.Response:
    services = services_of(request)
    result = await services.tasks.remind_open(member_of(request), scope_of(request),
                                              forms.path_id(request))
    if result.outcome is not Outcome.SNOOZED:
        return refusal(result.outcome)
    return web.json_response({"message": ngettext(
        "Reminded {count} person.", "Reminded {count} people.", result.count).format(
        count=result.count)})


async def create(request: web.Request) -> web.Response:
    services, scope, member = services_of(request), scope_of(request), member_of(request)
    body = await forms.body(request)
    chosen = await forms.chosen(request, body)
    repeat = forms.recurrence(body)
    due = forms.moment(request, body) if repeat is None else services.clock.now()
    title = forms.text(body, "title", limits.TITLE)
    if chosen is None or due is None or not title or repeat is False:
        return forms.invalid()
    unit_id, members = chosen
    tag = forms.text(body, "tag", 50)
    if tag:
        tag = await services.knowledge.official_code(tag.lstrip("#"))
    new = TaskRequest(title=title, due=due, members=tuple(members), tag=tag, unit_id=unit_id)
    if repeat:
        result = await services.task_series.create(member, scope, new, repeat)
    else:
        result = await services.tasks.create(member, scope, new)
    if result.outcome is not Outcome.CREATED:
        return refusal(result.outcome)
    assert result.view is not None
    return web.json_response({"message": _("Task #{id} is stored; its assignees are told.")
                              .format(id=result.view.task.id),
                              "task": task_json(result.view, request)})


def register(routes: Routes) -> None:
    routes.get("tasks/mine", mine)
    routes.post("tasks/{id}/done", mark_done)
    routes.get("committee", committee)
    routes.get("committee/chart.png", chart)
    routes.get("tasks/{id}", detail)
    routes.post("tasks/{id}/remind", remind)
    routes.post("tasks", create)
