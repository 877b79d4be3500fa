"""/dashboard: a button that opens the Mini App (in a private chat; Telegram allows Mini App
buttons nowhere else)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler

from bot.i18n import _
from handlers.context import BotContext, reply


async def dashboard(update: Update, context: BotContext) -> None:
    """Offer the dashboard's button."""
    settings = context.services.settings
    chat = update.effective_chat
    if settings.web_app_url is None:
        await reply(update, _("The dashboard is not set up on this bot yet: its administrator "
                              "sets WEB_PORT and WEB_APP_URL."))
        return
    if chat is not None and chat.type != ChatType.PRIVATE:
        link = InlineKeyboardButton(_("Open in a private chat"),
                                    url=f"https://t.me/{context.bot.username}")
        await reply(update, _("The dashboard opens in your private chat with me."),
                    reply_markup=InlineKeyboardMarkup([[link]]))
        return
    button = InlineKeyboardButton(_("📊 Open the dashboard"),
                                  web_app=WebAppInfo(str(settings.web_app_url)))
    await reply(update, _("Your tasks, meetings and the committee's progress, on one screen."),
                reply_markup=InlineKeyboardMarkup([[button]]))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("dashboard", dashboard))
