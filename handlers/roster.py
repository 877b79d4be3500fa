"""/members without arguments: a unit's roster, a page at a time, each person's role and
whether the bot can write to them privately."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks
from bot.i18n import N_, _, ngettext
from handlers.context import NEEDS_UNIT_ADMIN, BotContext, out_of_date
from handlers.paging import page_keyboard, show_page
from storage.units import RosterEntry

PAGE_SIZE = 30  # one line each, well inside a message
ROLES = {"admin": N_("unit admin"), "member": N_("member")}


def _line(entry: RosterEntry, bot: str | None) -> str:
    member = entry.member
    line = f"• {html.escape(member.display_name)}"
    if member.username:
        line += f" (@{html.escape(member.username)})"
    if entry.role == "admin":
        line += " — " + _(ROLES["admin"])
    if member.started_at is None or member.unreachable:
        line += " — " + _('cannot be written to privately: <a href="{link}">Start</a>'
                          ).format(link=f"https://t.me/{bot}?start=hello")
    return line


async def show_roster(update: Update, context: BotContext, unit_id: int, page: int = 1) -> None:
    """Send (or, from a page button, turn to) one page of the unit's roster."""
    entries, total, page = await context.services.units.roster(unit_id, page, PAGE_SIZE)
    if not entries:
        await show_page(update, _("The roster is empty. Send /rollcall so members can sign in."))
        return
    lines = [ngettext("<b>Roster</b> ({count} person)", "<b>Roster</b> ({count} people)",
                      total).format(count=total)]
    lines += [_line(entry, context.bot.username) for entry in entries]
    pages = -(-total // PAGE_SIZE)
    await show_page(update, "\n".join(lines), page_keyboard(
        lambda n: callbacks.ROSTER_PAGE.pack(n + 1), page - 1, pages))


async def on_roster_page(update: Update, context: BotContext) -> None:
    """Turn a page of /members, for those who manage this group's unit."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    values = callbacks.ROSTER_PAGE.parse(query.data)
    if values is None:
        await out_of_date(update)
    elif not context.scope.manages(chat.id):
        await query.answer(_(NEEDS_UNIT_ADMIN), show_alert=True)
    else:
        await show_roster(update, context, chat.id, values[0])


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_roster_page, pattern=callbacks.ROSTER_PAGE.matches))
