"""Task commands that show things: /tasks, /task N, /alltasks, /unreachable."""

from __future__ import annotations

import html
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import PageTurn
from bot.clock import from_epoch
from bot.i18n import N_, _, format_date, format_number
from bot.numbers import parse_id
from bot.tasks import render
from bot.tasks.lists import COUNT_CAP, TaskPage
from bot.text import pack_pages
from handlers.context import BotContext, admin_only, out_of_date, reply
from handlers.paging import Shown, cursor_keyboard, show_page
from storage.paging import Cursor
from storage.tasks import TaskFilter

UNREACHABLE_SHOWN = 50  # one message; the list is read no further than this
# Where a filter too long for callback data waits for the page buttons.
_LONG_FILTER = "alltasks_filter"
_REASONS = {
    "not_started": N_("has not started the bot"),
    "blocked": N_("blocked the bot"),
    "forbidden": N_("cannot be written to"),
}


def _now(context: BotContext) -> int:
    return int(context.services.clock.now().timestamp())


async def _show(update: Update, context: BotContext, heading: str, shown: TaskPage,
                turn: PageTurn, asked: int, key: str = "") -> None:
    """A page of tasks under its heading, with the buttons that turn it."""
    now, zone = _now(context), context.services.settings.zone
    text = "\n\n".join([heading, *(render.line(v, now, zone) for v in shown.views)])
    where = Shown.of(shown.page, asked, shown.pages, shown.capped,
                     lambda task: (task.due_at, task.id))
    await show_page(update, text, cursor_keyboard(turn, shown.page, where, key))


def _count(shown: TaskPage) -> str:
    if shown.capped:
        return _("more than {count}").format(count=format_number(COUNT_CAP))
    return format_number(shown.total)


async def my_tasks(update: Update, context: BotContext, cursor: Cursor | None = None,
                   asked: int = 1) -> None:
    """List the member's open tasks, soonest first, one page at a time."""
    assert context.member is not None
    shown = await context.services.task_lists.mine(context.member, cursor)
    if not shown.views:
        await show_page(update, _("You have no open tasks. 🎉"))
        return
    heading = _("<b>Your open tasks</b> ({count})").format(count=_count(shown))
    await _show(update, context, heading, shown, callbacks.TASKS_PAGE, asked)


def _filter(argument: str, context: BotContext) -> TaskFilter | None:
    """A filter from /alltasks's argument: overdue, #tag; None if not understood."""
    if not argument:
        return TaskFilter()
    if argument.lower() in ("overdue", "quá hạn", "qua han", "quahan"):
        return TaskFilter(overdue_before=_now(context))
    if argument.startswith("#"):
        return TaskFilter(tag=argument[1:])
    return None


async def _resolve(argument: str, context: BotContext) -> TaskFilter | None:
    where = _filter(argument, context)
    if where is None and argument.startswith("@"):
        member = await context.services.members.find(argument)
        where = TaskFilter(member_id=member.id) if member else None
    if where is not None and where.tag:
        where = replace(where, tag=await context.services.knowledge.official_code(where.tag))
    return where


async def all_tasks(update: Update, context: BotContext, argument: str | None = None,
                    cursor: Cursor | None = None, asked: int = 1) -> None:
    """List every open task, optionally only overdue ones, one member's, or one tag's."""
    if argument is None:
        argument = " ".join(context.args or [])
    where = await _resolve(argument, context)
    if where is None:
        await reply(update, _("I don't understand that filter. Examples: "
                              "<code>/alltasks</code>, <code>/alltasks overdue</code>, "
                              "<code>/alltasks @username</code>, "
                              "<code>/alltasks #39-NQ/TW</code>"))
        return
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        where = replace(where, group_chat_id=chat.id)  # this unit only
    shown = await context.services.task_lists.matching(context.scope, where, cursor)
    if not shown.views:
        await show_page(update, _("No open tasks match."))
        return
    heading = _("<b>Open tasks</b> ({count})").format(count=_count(shown))
    key = argument
    if not callbacks.ALL_TASKS_PAGE.fits(argument):  # a long #tag waits in the chat's data
        context.chat_data[_LONG_FILTER] = argument
        key = "~"
    await _show(update, context, heading, shown, callbacks.ALL_TASKS_PAGE, asked, key)


@admin_only
async def all_tasks_command(update: Update, context: BotContext) -> None:
    """List every open task (admin)."""
    await all_tasks(update, context)


async def on_my_page(update: Update, context: BotContext) -> None:
    """Turn a page of /tasks."""
    assert update.callback_query is not None
    turn = callbacks.TASKS_PAGE.parse(update.callback_query.data)
    if turn is None:
        await out_of_date(update)
        return
    await my_tasks(update, context, turn[0], turn[1])


async def on_all_page(update: Update, context: BotContext) -> None:
    """Turn a page of /alltasks."""
    query = update.callback_query
    assert query is not None
    turn = callbacks.ALL_TASKS_PAGE.parse(query.data)
    if turn is None:
        await out_of_date(update)
    elif not context.is_admin:
        await query.answer(_("Only admins can see all tasks."), show_alert=True)
    else:
        cursor, asked, key = turn
        argument = context.chat_data.get(_LONG_FILTER, "") if key == "~" else key
        await all_tasks(update, context, argument, cursor, asked)


async def task_details(update: Update, context: BotContext) -> None:
    """Show one task: to its assignees, to admins, and in its own group."""
    number = parse_id(context.args[0]) if context.args else None
    if number is None:
        await reply(update, _("Which task? Example: <code>/task 12</code>"))
        return
    tasks = context.services.tasks
    view = await tasks.view(number)
    chat = update.effective_chat
    group = chat.id if chat is not None and chat.type != "private" else None
    if view is None or not tasks.may_see(context.scope, view, group):
        await reply(update, _("There is no task #{id} that you can see. Send /tasks to see "
                              "your tasks.").format(id=number))
        return
    creator = await context.services.members.by_id(view.task.created_by)
    markup = None
    still_open = len(view.with_status("open"))
    if view.task.is_open and still_open and tasks.manages(context.scope, view.task):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            _("🔔 Remind the {count} not done").format(count=still_open),
            callback_data=callbacks.TASK_REMIND_OPEN.pack(view.task.id))]])
    text = render.details(view, creator, _now(context), context.services.settings.zone)
    pages = pack_pages(text.split("\n"), separator="\n")
    for number_of_page, page in enumerate(pages, 1):
        await reply(update, page, reply_markup=markup if number_of_page == len(pages) else None)


@admin_only
async def unreachable(update: Update, context: BotContext) -> None:
    """List the members the bot cannot write to privately, and why."""
    rows = await context.services.tasks.unreachable(context.scope, UNREACHABLE_SHOWN + 1)
    if not rows:
        await reply(update, _("The bot can reach every assignee privately."))
        return
    zone = context.services.settings.zone
    lines = [_("<b>Members the bot cannot reach privately</b>")]
    for member, since in rows[:UNREACHABLE_SHOWN]:
        reason = _(_REASONS.get(member.unreachable or "not_started", _REASONS["forbidden"]))
        name = html.escape(member.display_name)
        if since is None:
            lines.append(_("• {name} — {reason}").format(name=name, reason=reason))
        else:
            lines.append(_("• {name} — {reason} (since {date})").format(
                name=name, reason=reason, date=format_date(from_epoch(since), zone)))
    if len(rows) > UNREACHABLE_SHOWN:
        lines.append(_("…and more: the first {count} are shown.").format(
            count=UNREACHABLE_SHOWN))
    lines.append("")
    lines.append(_("They are mentioned in their group instead, with a Start button."))
    for page in pack_pages(lines, separator="\n"):
        await reply(update, page)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("tasks", my_tasks))
    app.add_handler(CommandHandler("task", task_details))
    app.add_handler(CommandHandler("alltasks", all_tasks_command))
    app.add_handler(CommandHandler("unreachable", unreachable))
    app.add_handler(CallbackQueryHandler(on_my_page, pattern=callbacks.TASKS_PAGE.matches))
    app.add_handler(CallbackQueryHandler(on_all_page,
                                         pattern=callbacks.ALL_TASKS_PAGE.matches))
