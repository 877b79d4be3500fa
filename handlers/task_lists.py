"""Task commands that show things: /tasks, /task N, /alltasks, /unreachable."""

from __future__ import annotations

import html
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.clock import from_epoch
from bot.i18n import N_, _, format_date
from bot.numbers import parse_id
from bot.tasks import render
from bot.tasks.model import TaskView
from bot.text import pack_pages
from handlers.context import BotContext, admin_only, out_of_date, reply
from handlers.paging import PageData, page_keyboard, page_of
from storage.tasks import TaskFilter

# The /alltasks filters asked in a chat, by the number their page buttons carry.
_FILTERS = "alltasks_filters"
_FILTERS_KEPT = 20
_REASONS = {
    "not_started": N_("has not started the bot"),
    "blocked": N_("blocked the bot"),
    "forbidden": N_("cannot be written to"),
}


def _now(context: BotContext) -> int:
    return int(context.services.clock.now().timestamp())


def _pages(views: list[TaskView], heading: str, context: BotContext) -> list[str]:
    now, zone = _now(context), context.services.settings.zone
    lines = [render.line(v, now, zone) for v in views]
    return [f"{heading}\n\n{page}" for page in pack_pages(lines)]


async def _show(update: Update, pages: list[str], data: PageData, page: int) -> None:
    """Send page ``page``, or edit the message in place when a page button was pressed; a
    page that no longer exists (fewer tasks now) makes the button out of date."""
    query = update.callback_query
    if query is not None and page >= len(pages):
        await out_of_date(update)
        return
    markup = page_keyboard(data, page, len(pages))
    if query is not None:
        await query.answer()
        await query.edit_message_text(pages[page], reply_markup=markup)
    else:
        await reply(update, pages[page], reply_markup=markup)


async def my_tasks(update: Update, context: BotContext, page: int = 0) -> None:
    """List the member's open tasks, soonest first."""
    assert context.member is not None
    views = await context.services.tasks.open_for(context.member)
    if not views:
        if update.callback_query is not None:
            await out_of_date(update)
            return
        await reply(update, _("You have no open tasks. 🎉"))
        return
    heading = _("<b>Your open tasks</b> ({count})").format(count=len(views))
    await _show(update, _pages(views, heading, context),
                lambda n: callbacks.MY_TASKS_PAGE.pack(n + 1), page)


def _filter(argument: str | None, context: BotContext) -> TaskFilter | str | None:
    """A filter from /alltasks's argument: overdue, @member, #tag; a string is an error."""
    if not argument:
        return TaskFilter()
    if argument.lower() in ("overdue", "quá hạn", "qua han", "quahan"):
        return TaskFilter(overdue_before=_now(context))
    if argument.startswith("#"):
        return TaskFilter(tag=argument[1:])
    return None


def _remember(context: BotContext, argument: str) -> int:
    """A number for this filter that the page buttons carry; the chat keeps the last few."""
    kept: dict[int, str] = context.chat_data.setdefault(_FILTERS, {})
    for number, known in kept.items():
        if known == argument:
            return number
    number = max(kept, default=0) + 1
    kept[number] = argument
    for old in sorted(kept)[:-_FILTERS_KEPT]:
        del kept[old]
    return number


async def all_tasks(update: Update, context: BotContext, argument: str | None = None,
                    page: int = 0) -> None:
    """List every open task, optionally only overdue ones, one member's, or one tag's."""
    if argument is None:
        argument = " ".join(context.args or [])
    where = _filter(argument, context)
    if where is None and argument.startswith("@"):
        member = await context.services.members.find(argument)
        where = TaskFilter(member_id=member.id) if member else None
    if where is not None and where.tag:
        where = replace(where, tag=await context.services.knowledge.official_code(where.tag))
    if where is None:
        await reply(update, _("I don't understand that filter. Examples: "
                              "<code>/alltasks</code>, <code>/alltasks overdue</code>, "
                              "<code>/alltasks @username</code>, "
                              "<code>/alltasks #39-NQ/TW</code>"))
        return
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        where = TaskFilter(**{**where.__dict__, "group_chat_id": chat.id})  # this unit only
    views = await context.services.tasks.open_matching(context.scope, where)
    if not views:
        if update.callback_query is not None:
            await out_of_date(update)
            return
        await reply(update, _("No open tasks match."))
        return
    heading = _("<b>Open tasks</b> ({count})").format(count=len(views))
    key = _remember(context, argument)
    await _show(update, _pages(views, heading, context),
                lambda n: callbacks.ALL_TASKS_PAGE.pack(key, n + 1), page)


@admin_only
async def all_tasks_command(update: Update, context: BotContext) -> None:
    """List every open task (admin)."""
    await all_tasks(update, context)


async def on_my_page(update: Update, context: BotContext) -> None:
    """Turn a page of /tasks."""
    assert update.callback_query is not None
    page = page_of(callbacks.MY_TASKS_PAGE.parse(update.callback_query.data))
    if page is None:
        await out_of_date(update)
        return
    await my_tasks(update, context, page)


async def on_all_page(update: Update, context: BotContext) -> None:
    """Turn a page of /alltasks, with the filter it was asked with."""
    query = update.callback_query
    assert query is not None
    values = callbacks.ALL_TASKS_PAGE.parse(query.data)
    argument = context.chat_data.get(_FILTERS, {}).get(values[0]) if values else None
    if values is None or argument is None:
        await out_of_date(update)
    elif not context.is_admin:
        await query.answer(_("Only admins can see all tasks."), show_alert=True)
    else:
        await all_tasks(update, context, argument, values[1] - 1)


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
    rows = await context.services.tasks.unreachable()
    if not rows:
        await reply(update, _("The bot can reach every assignee privately."))
        return
    zone = context.services.settings.zone
    lines = [_("<b>Members the bot cannot reach privately</b>")]
    for member, since in rows:
        reason = _(_REASONS.get(member.unreachable or "not_started", _REASONS["forbidden"]))
        name = html.escape(member.display_name)
        if since is None:
            lines.append(_("• {name} — {reason}").format(name=name, reason=reason))
        else:
            lines.append(_("• {name} — {reason} (since {date})").format(
                name=name, reason=reason, date=format_date(from_epoch(since), zone)))
    lines.append("")
    lines.append(_("They are mentioned in their group instead, with a Start button."))
    for page in pack_pages(lines, separator="\n"):
        await reply(update, page)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("tasks", my_tasks))
    app.add_handler(CommandHandler("task", task_details))
    app.add_handler(CommandHandler("alltasks", all_tasks_command))
    app.add_handler(CommandHandler("unreachable", unreachable))
    app.add_handler(CallbackQueryHandler(on_my_page, pattern=callbacks.MY_TASKS_PAGE.matches))
    app.add_handler(CallbackQueryHandler(on_all_page, pattern=callbacks.ALL_TASKS_PAGE.matches))
