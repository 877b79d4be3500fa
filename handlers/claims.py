"""The "Undo" under a notice that a placeholder was claimed by whoever holds its username."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks
from bot.claims import UndoOutcome
from bot.i18n import N_, _
from handlers.context import NEEDS_ADMIN, BotContext, out_of_date

_ANSWERS = {
    UndoOutcome.DONE: N_("Given back: the work waits, unclaimed, for you to reassign it with "
                         "/edittask. The person who claimed it is told."),
    UndoOutcome.ALREADY: N_("This was given back already."),
    UndoOutcome.NOT_ALLOWED: NEEDS_ADMIN,
}


async def on_undo(update: Update, context: BotContext) -> None:
    """Give a claimed placeholder's work back."""
    query = update.callback_query
    assert query is not None
    values = callbacks.CLAIM_UNDO.parse(query.data)
    if values is None or context.member is None:
        await out_of_date(update)
        return
    outcome = await context.services.claims.undo(context.member, context.scope, values[0])
    if outcome is UndoOutcome.NOT_FOUND:
        await out_of_date(update)
        return
    await query.answer(_(_ANSWERS[outcome]), show_alert=True)
    if outcome is UndoOutcome.DONE:
        await query.edit_message_reply_markup(None)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_undo, pattern=callbacks.CLAIM_UNDO.matches))
