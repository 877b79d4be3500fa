"""PTB's bot with a send of its own: HTML text, answered with the new message's id alone.

Telegram returns every sent message whole, and PTB builds a Message from it: for a search
result or a directive, 40 entities and a keyboard of objects that nothing reads. That building
cost more than the rest of the answer (bench/views.py). ``send_html`` skips it and keeps the
rest of PTB's path: its defaults, the rate limiter and its errors.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ChatType, ParseMode
from telegram.ext import ExtBot


class CommitteeBot(ExtBot[None]):
    async def send_html(self, chat_id: int, text: str, *,
                        reply_markup: InlineKeyboardMarkup | None = None,
                        protect_content: bool | None = None, quote: int | None = None,
                        topic: int | None = None) -> int:
        """sendMessage; ``quote`` is a message of the chat to reply to, ``topic`` a forum
        topic's thread. Returns the sent message's id."""
        sent = await self._post("sendMessage", {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
            "link_preview_options": self.defaults.link_preview_options if self.defaults else None,
            "reply_parameters": ReplyParameters(quote) if quote is not None else None,
            "message_thread_id": topic,
            "reply_markup": reply_markup,
            "protect_content": protect_content,
        })
        return sent["message_id"]

    async def answer(self, message: Message, text: str, *,
                     reply_markup: InlineKeyboardMarkup | None = None,
                     protect_content: bool | None = None) -> int:
        """Answer in the message's chat as ``message.reply_html`` does: quoting it in a
        group, and in its topic when it belongs to one."""
        return await self.send_html(
            message.chat_id, text, reply_markup=reply_markup, protect_content=protect_content,
            quote=message.message_id if message.chat.type != ChatType.PRIVATE else None,
            topic=message.message_thread_id if message.is_topic_message else None,
        )
