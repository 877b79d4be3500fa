"""Task commands that create or change a task: /addtask, /edittask, /canceltask, /excuse."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot import limits
from bot.dates import DateProblem
from bot.i18n import N_, _, format_datetime
from bot.numbers import parse_id
from bot.tasks import render
from bot.tasks.command import (
    RepeatingTask,
    TaskInputError,
    parse_new_task,
    parse_repeating_task,
    parse_task_edit,
)
from bot.tasks.edits import TaskEdit
from bot.tasks.model import Outcome, Result
from bot.tasks.service import TaskRequest
from handlers.context import (
    NEEDS_UNIT_ADMIN,
    BotContext,
    admin_only,
    person_from,
    reply,
    unit_here,
)
from handlers.usage import (
    DATE_FORMS,
    DATE_PROBLEMS,
    NO_MEETING,
    NO_SUCH_UNIT,
    SEVERAL_UNITS,
    WHOLE_SERIES,
    after_first_word,
    arguments,
    date_problem,
    too_long,
)

# What every outcome of a change says to the person who asked for it.
ANSWERS = {
    Outcome.PART_DONE: N_("Your part of task #{id} is done ({progress}). Thank you!"),
    Outcome.TASK_DONE: N_("Task #{id} is done: every part is finished. Thank you!"),
    Outcome.EXCUSED: N_("Excused from task #{id} ({progress})."),
    Outcome.CANCELLED: N_("Task #{id} is cancelled; its reminders are withdrawn and its "
                          "assignees are told."),
    Outcome.EDITED: N_("Task #{id} is updated; reminders are re-planned and its assignees are "
                       "told."),
    Outcome.NOT_FOUND: N_("There is no task #{id}. Send /tasks to see your tasks."),
    Outcome.NOT_OPEN: N_("Task #{id} is already done."),
    Outcome.WAS_CANCELLED: N_("Task #{id} was cancelled; there is nothing more to do for it."),
    Outcome.ALREADY_DONE: N_("That part of task #{id} is already finished."),
    Outcome.NOT_ASSIGNEE: N_("Task #{id} is not assigned to you. Send /tasks to see yours."),
    Outcome.NOT_ALLOWED: NEEDS_UNIT_ADMIN,
    Outcome.NEED_ASSIGNEE: N_("Task #{id} must keep at least one assignee."),
    Outcome.NOT_REPEATING: N_("Task #{id} is not a repeating task."),
    Outcome.SERIES_STOPPED: N_("The repeating task of #{id} is stopped: no more occurrences, "
                               "and those not yet due are cancelled."),
}


def answer(result: Result, task_id: int) -> str:
    """The reply to a change, with the progress where there is one."""
    if result.outcome is Outcome.NOT_IN_UNITS:
        return _("{names}: not on the roster of a unit you manage, so you cannot give them "
                 "work. Nothing was changed.").format(names=render.names(list(result.names)))
    if result.outcome is Outcome.NOT_ASSIGNEE and result.names:
        return _("{names} are not assignees of task #{id}.").format(
            names=render.names(list(result.names)), id=task_id)
    progress = render.progress(result.view) if result.view is not None else ""
    return _(ANSWERS[result.outcome]).format(id=task_id, progress=progress)


def _addtask_usage(problem: DateProblem | str | None, said: str | None = None) -> str:
    lines = [said or _(DATE_PROBLEMS[problem])] if problem is not None else []
    lines.append(_("Usage: <code>/addtask @user1 @user2 31/12/2026 17:00 Báo cáo sơ kết "
                   "Nghị quyết 39 #39-NQ/TW</code>"))
    lines.append(_(DATE_FORMS))
    lines.append(_("Name the assignees with @username (or reply to a member's message); in a "
                   "unit's group with no one named, the task goes to everyone on its roster. "
                   "#code links the task to a directive, !khẩn or !hỏa tốc marks it urgent."))
    return "\n".join(lines)


@admin_only
async def addtask(update: Update, context: BotContext) -> None:
    """Assign a task with a deadline, to named people or to the whole unit."""
    message = update.effective_message
    assert message is not None and context.member is not None
    services = context.services
    settings = services.settings
    try:
        repeating = parse_repeating_task(arguments(message))
        if repeating is not None:
            await _add_repeating(update, context, repeating)
            return
        parsed = parse_new_task(arguments(message), services.clock.now(), settings.zone,
                                settings.task_default_time)
    except TaskInputError as exc:
        said = date_problem(exc.problem, exc.detail, settings.zone)
        await reply(update, _addtask_usage(exc.problem, said))
        return
    members = []
    replied = message.reply_to_message
    if replied and replied.from_user and not replied.from_user.is_bot:
        members.append(await services.members.seen(
            person_from(replied.from_user, settings.default_language)))
    if parsed.meeting_id and await services.meetings.view(parsed.meeting_id) is None:
        await reply(update, _(NO_MEETING).format(id=parsed.meeting_id))
        return
    tag = await services.knowledge.official_code(parsed.tag) if parsed.tag else None
    request = TaskRequest(
        title=parsed.title, due=parsed.due, usernames=tuple(parsed.usernames),
        members=tuple(members), tag=tag, unit_id=await unit_here(update, context),
        meeting_id=parsed.meeting_id, priority=parsed.priority)
    result = await services.tasks.create(context.member, context.scope, request)
    if result.outcome is Outcome.CREATED:
        await reply(update, _created(result, context))
    else:
        await _refused(update, result)


async def _add_repeating(update: Update, context: BotContext, repeating: RepeatingTask) -> None:
    """A task with a repeat rule in place of its deadline: its occurrences a month ahead."""
    assert context.member is not None
    services = context.services
    tag = await services.knowledge.official_code(repeating.tag) if repeating.tag else None
    template = TaskRequest(title=repeating.title, due=services.clock.now(),
                           usernames=tuple(repeating.usernames), tag=tag,
                           unit_id=await unit_here(update, context),
                           priority=repeating.priority)
    result = await services.task_series.create(context.member, context.scope, template,
                                               repeating.recurrence)
    if result.outcome is Outcome.CREATED:
        await reply(update, _("🔁 Repeating task stored; each occurrence is created a month "
                              "ahead. The next one:") + "\n" + _created(result, context))
    elif result.outcome is Outcome.SERIES_STORED:
        await reply(update, _("🔁 Repeating task stored; its first occurrence is created a "
                              "month before its deadline."))
    else:
        await _refused(update, result)


async def _refused(update: Update, result: Result) -> None:
    if result.outcome is Outcome.NEED_ASSIGNEE:
        await reply(update, _("Who is the task for? Name the assignees with @username; only "
                              "in a unit's group does a task without names go to the whole "
                              "unit. Nothing was stored.") + "\n" + _addtask_usage(None))
    elif result.outcome is Outcome.EMPTY_ROSTER:
        await reply(update, _("This unit's roster is empty, so the task would be for nobody. "
                              "Send /rollcall so members can sign in, or name them with "
                              "@username. Nothing was stored."))
    elif result.outcome is Outcome.NOT_IN_UNITS:
        await reply(update, answer(result, 0))
    else:
        await reply(update, _(NEEDS_UNIT_ADMIN))


def _created(result: Result, context: BotContext) -> str:
    assert result.view is not None
    now = int(context.services.clock.now().timestamp())
    text = _("✅ Task stored.") + "\n" + render.details(
        result.view, context.member, now, context.services.settings.zone)
    pending = [m for m in result.view.assignees if m.started_at is None]
    if pending:
        text += "\n\n" + _(
            "{names} have not started the bot yet: until they do, they are reminded in the "
            "group. Ask them to open @{bot} and press Start."
        ).format(names=render.names(pending[:20]), bot=context.bot.username)
    return text


@admin_only
async def canceltask(update: Update, context: BotContext) -> None:
    """Cancel a task, withdraw its reminders and tell its assignees."""
    number = parse_id(context.args[0]) if context.args else None
    if number is None:
        await reply(update, _("Which task? Example: <code>/canceltask 12</code>, or "
                              "<code>/canceltask 12 tất cả</code> to stop a repeating one."))
        return
    assert context.member is not None
    if " ".join((context.args or [])[1:]).lower() in WHOLE_SERIES:
        result = await context.services.task_series.stop(context.member, context.scope, number)
    else:
        result = await context.services.tasks.cancel(context.member, context.scope, number)
    await reply(update, answer(result, number))


_EDIT_EXAMPLE = N_(
    "Examples: <code>/edittask 12 31/12/2026 17:00</code> (new deadline), "
    "<code>/edittask 12 +@binh_le -@chi_pham</code> (assignees), "
    "<code>/edittask 12 tên: Báo cáo quý IV</code> (title), "
    "<code>/edittask 12 đơn vị: Chi bộ Văn phòng</code> (unit).")


@admin_only
async def edittask(update: Update, context: BotContext) -> None:
    """Change a task's deadline, title, assignees or unit."""
    message = update.effective_message
    services = context.services
    settings = services.settings
    number = parse_id(context.args[0]) if context.args else None
    text = after_first_word(arguments(message)) if message else ""
    try:
        edit = parse_task_edit(text, services.clock.now(), settings.zone,
                               settings.task_default_time)
    except TaskInputError as exc:
        said = date_problem(exc.problem, exc.detail, settings.zone)
        await reply(update, said + "\n" + _(_EDIT_EXAMPLE))
        return
    if number is None or edit.is_empty:
        await reply(update, _("Which task, and what changes?") + "\n" + _(_EDIT_EXAMPLE))
        return
    unit_id = None
    if edit.unit_name:
        units = await services.units.by_name(edit.unit_name)
        if len(units) != 1:
            await reply(update, _(NO_SUCH_UNIT if not units else SEVERAL_UNITS).format(
                name=html.escape(edit.unit_name)))
            return
        unit_id = units[0].id
    assert context.member is not None
    result = await services.task_edits.edit(context.member, context.scope, number, TaskEdit(
        title=edit.title, due=edit.due, add=edit.add, remove=edit.remove, unit_id=unit_id))
    text = answer(result, number)
    if result.outcome is Outcome.EDITED and edit.due is not None:
        text += "\n" + _("Deadline: {deadline}").format(
            deadline=format_datetime(edit.due, settings.zone))
    await reply(update, text)


@admin_only
async def excuse(update: Update, context: BotContext) -> None:
    """Release one assignee from their part of a task, with a reason."""
    args = context.args or []
    number = parse_id(args[0]) if args else None
    reason = " ".join(args[2:]).strip()
    if number is None or len(args) < 3 or not args[1].startswith("@"):
        await reply(update, _("Which task, whom, and why? Example: <code>/excuse 12 @binh_le "
                              "Đi công tác đến hết tháng</code>"))
        return
    if len(reason) > limits.REASON:
        await reply(update, too_long(limits.TooLong("note", limits.REASON)))
        return
    services = context.services
    member = await services.members.find(args[1])
    if member is None:
        await reply(update, _("I don't know {username}.").format(username=html.escape(args[1])))
        return
    assert context.member is not None
    result = await services.tasks.excuse(context.member, context.scope, number, member, reason)
    await reply(update, answer(result, number))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("addtask", addtask))
    app.add_handler(CommandHandler("edittask", edittask))
    app.add_handler(CommandHandler("canceltask", canceltask))
    app.add_handler(CommandHandler("excuse", excuse))
