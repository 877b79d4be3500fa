"""/import: admins add or replace documents, lists and conferences with a YAML file."""

from __future__ import annotations

import html
import re

from telegram import Document as TelegramDocument
from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.i18n import N_, _, ngettext
from bot.knowledge.content import ContentError
from bot.knowledge.loader import Stored
from bot.text import pack_pages
from handlers.context import BotContext, admin_only, reply
from handlers.lookup_views import Texts

SIZE_LIMIT = 1024 * 1024  # bytes: content files are a few kilobytes
NAME_LENGTH = 80  # characters of an entity's title in the summary
_CAPTION = re.compile(r"^/import(?:@(\w+))?(?:\s|$)", re.IGNORECASE)
_KINDS = {"document": N_("document"), "list": N_("list"), "conference": N_("conference")}


def _attached(update: Update) -> TelegramDocument | None:
    """The file sent with /import as its caption, or the file /import replies to."""
    message = update.effective_message
    if message is None:
        return None
    if message.document is not None:
        return message.document
    replied = message.reply_to_message
    return replied.document if replied is not None else None


@admin_only
async def import_content(update: Update, context: BotContext) -> None:
    """Add or replace what a YAML file declares, all of it or, on any error, nothing."""
    file = _attached(update)
    if file is None:
        await reply(update, _("Send the YAML file with <code>/import</code> as its caption, or "
                              "reply to the file's message with <code>/import</code>."))
        return
    if file.file_size is not None and file.file_size > SIZE_LIMIT:
        await reply(update, _("The file is too large ({size} KB); the limit is {limit} KB.")
                    .format(size=file.file_size // 1024, limit=SIZE_LIMIT // 1024))
        return
    data = bytes(await (await file.get_file()).download_as_bytearray())
    name = file.file_name or "import.yaml"
    assert context.member is not None
    try:
        stored = await context.services.knowledge.import_file(
            data, name, context.member.telegram_id
        )
    except ContentError as error:
        await reply(update, _("Nothing was imported; the file has an error.\n{error}").format(
            error=html.escape(error.render())))
        return
    for page in pack_pages(_summary(stored, name), separator="\n"):
        await reply(update, page)


def _summary(stored: Stored, name: str) -> list[str]:
    lines = [ngettext("Imported {count} entry from {file}:",
                      "Imported {count} entries from {file}:", stored.count).format(
        count=stored.count, file=html.escape(name))]
    texts = Texts()
    for template, entries in ((_("• {kind} “{name}” — added"), stored.added),
                              (_("• {kind} “{name}” — replaced"), stored.replaced)):
        lines += [template.format(kind=_(_KINDS[entry[0]]),
                                  name=texts(stored.names[entry], NAME_LENGTH))
                  for entry in entries]
    return lines + texts.note()


async def import_caption(update: Update, context: BotContext) -> None:
    """/import written as a file's caption: ignore it if it is meant for another bot."""
    message = update.effective_message
    match = _CAPTION.match(message.caption or "") if message else None
    if match is None or (match[1] and match[1].lower() != context.bot.username.lower()):
        return
    await import_content(update, context)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("import", import_content))
    app.add_handler(MessageHandler(filters.Document.ALL & filters.CaptionRegex(_CAPTION),
                                   import_caption))
