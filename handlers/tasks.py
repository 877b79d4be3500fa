"""Task commands that change things: /addtask, /edittask, /canceltask, /done, and the
"Done" / "Snooze" buttons on reminders."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.dates import DateError, DateProblem, parse_moment
from bot.i18n import N_, _, format_datetime
from bot.tasks import render
from bot.tasks.command import TaskInputError, parse_new_task
from bot.tasks.service import Change, TaskView
from handlers.context import BotContext, admin_only, committee_group, person_from, reply
from handlers.usage import DATE_FORMS, DATE_PROBLEMS, NO_MEETING, arguments, date_problem


def _addtask_usage(problem: DateProblem | str | None, said: str | None = None) -> str:
    lines = [said or _(DATE_PROBLEMS[problem])] if problem is not None else []
    lines.append(_("Usage: <code>/addtask @user1 @user2 31/12/2026 17:00 Báo cáo sơ kết "
                   "Nghị quyết 39 #39-NQ/TW</code>"))
    lines.append(_(DATE_FORMS))
    lines.append(_("Name the assignees with @username (or reply to a member's message); in a "
                   "subscribed group with no one named, the task belongs to the group. "
                   "#code links the task to a directive."))
    return "\n".join(lines)


@admin_only
async def addtask(update: Update, context: BotContext) -> None:
    """Assign a task with a deadline."""
    message = update.effective_message
    assert message is not None and context.member is not None
    services = context.services
    settings = services.settings
    try:
        request = parse_new_task(arguments(message), services.clock.now(), settings.zone,
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
    if request.meeting_id and await services.meetings.view(request.meeting_id) is None:
        await reply(update, _(NO_MEETING).format(id=request.meeting_id))
        return
    group_id = await committee_group(update, context)
    if not request.usernames and not members and group_id is None:
        await reply(update, _("Who is the task for?") + "\n" + _addtask_usage(None))
        return
    tag = await services.knowledge.official_code(request.tag) if request.tag else None
    view = await services.tasks.create(
        context.member, title=request.title, due=request.due, usernames=request.usernames,
        members=members, tag=tag, group_chat_id=group_id, meeting_id=request.meeting_id,
    )
    await reply(update, _created(view, context))


def _created(view: TaskView, context: BotContext) -> str:
    now = int(context.services.clock.now().timestamp())
    text = _("✅ Task stored.") + "\n" + render.details(
        view.task, view.assignees, context.member, now, context.services.settings.zone)
    pending = [m for m in view.assignees if m.started_at is None]
    if pending:
        text += "\n\n" + _(
            "{names} have not started the bot yet: until they do, they are reminded in the "
            "group. Ask them to open @{bot} and press Start."
        ).format(names=render.names(pending), bot=context.bot.username)
    return text


def _task_number(context: BotContext) -> int | None:
    if context.args and context.args[0].lstrip("#").isdigit():
        return int(context.args[0].lstrip("#"))
    return None


_CHANGE_ANSWERS = {
    Change.DONE: N_("Task #{id} is done. Thank you!"),
    Change.CANCELLED: N_("Task #{id} is cancelled; its reminders are withdrawn."),
    Change.RESCHEDULED: N_("Task #{id} has a new deadline: {when}. Reminders are re-planned."),
    Change.NOT_FOUND: N_("There is no task #{id}. Send /tasks to see your tasks."),
    Change.NOT_OPEN: N_("Task #{id} is already closed."),
    Change.NOT_ALLOWED: N_("Only an assignee of task #{id} or an admin can do that."),
}


async def done(update: Update, context: BotContext) -> None:
    """Close a task (an assignee or an admin)."""
    number = _task_number(context)
    if number is None or context.member is None:
        await reply(update, _("Which task? Example: <code>/done 12</code>"))
        return
    change = await context.services.tasks.complete(context.member, number, context.is_admin)
    await reply(update, _(_CHANGE_ANSWERS[change]).format(id=number))


@admin_only
async def canceltask(update: Update, context: BotContext) -> None:
    """Cancel a task and withdraw its reminders."""
    number = _task_number(context)
    if number is None:
        await reply(update, _("Which task? Example: <code>/canceltask 12</code>"))
        return
    assert context.member is not None
    change = await context.services.tasks.cancel(context.member, number)
    await reply(update, _(_CHANGE_ANSWERS[change]).format(id=number))


@admin_only
async def edittask(update: Update, context: BotContext) -> None:
    """Move a task's deadline."""
    services = context.services
    settings = services.settings
    number = _task_number(context)
    example = _("Example: <code>/edittask 12 31/12/2026 17:00</code>") + "\n" + _(DATE_FORMS)
    if number is None or len(context.args or []) < 2:
        await reply(update, _("Which task, and which new deadline?") + "\n" + example)
        return
    try:
        due = parse_moment(" ".join(context.args[1:]), services.clock.now(), settings.zone,
                           settings.task_default_time)
    except DateError as exc:
        said = date_problem(exc.problem, exc.understood, settings.zone)
        await reply(update, said + "\n" + example)
        return
    assert context.member is not None
    change = await services.tasks.reschedule(context.member, number, due)
    when = format_datetime(due, settings.zone)
    await reply(update, _(_CHANGE_ANSWERS[change]).format(id=number, when=when))


async def on_button(update: Update, context: BotContext) -> None:
    """Handle "Done" and "Snooze 1h" on a reminder."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action, _sep, number = query.data.partition(":")
    if context.member is None or not number.isdigit():
        await query.answer()
        return
    tasks = context.services.tasks
    if action == "td":
        change = await tasks.complete(context.member, int(number), context.is_admin)
    else:
        chat = update.effective_chat
        group = chat.id if chat is not None and chat.type != ChatType.PRIVATE else None
        change = await tasks.snooze(context.member, int(number), group, context.is_admin)
    if change is Change.RESCHEDULED:
        await query.answer(_("I will remind you again in 1 hour."))
        return
    await query.answer(_(_CHANGE_ANSWERS[change]).format(id=number, when=""), show_alert=True)
    if change is Change.DONE and query.message is not None:
        await query.edit_message_text(
            query.message.text_html + "\n\n" + _("✅ Marked done by {name}.").format(
                name=html.escape(context.member.display_name)),
        )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("addtask", addtask))
    app.add_handler(CommandHandler("edittask", edittask))
    app.add_handler(CommandHandler("canceltask", canceltask))
    app.add_handler(CommandHandler("done", done))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^t[ds]:\d+$"))
