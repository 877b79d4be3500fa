"""PTB's bot with the committee bot's way of answering.

- ``send_html``: HTML text, answered with the new message's id alone. Telegram returns every
  sent message whole, and PTB builds a Message from it: for a search result or a directive,
  40 entities and a keyboard of objects that nothing reads. That building cost more than the
  rest of the answer (bench/views.py), and so did turning the keyboard's objects into JSON
  with PTB's generic ``to_dict``, which walks every attribute of every class for each
  button: ``keyboard_json`` reads a button's fields directly. The rest of PTB's path stays:
  the rate limiter and its errors. Of the ``Defaults`` that bear on a message, it applies the
  link-preview setting and always sends HTML.
- ``answer``: the answer to a message, posted to the chat's outbox (bot/outbox.py) so that
  the chat's next update need not wait for it to travel. Every other call to that chat waits
  for the answers posted before it (unless made ``outbox.aside()``), so nothing overtakes
  them.
"""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    TelegramObject,
)
from telegram.constants import ChatType, ParseMode
from telegram.ext import ExtBot

from bot.outbox import Outbox

UNSENT_WAIT = 10.0  # seconds: at shutdown, answers still unsent are sent for this long


class CommitteeBot(ExtBot[None]):
    __slots__ = ("_outbox",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outbox = Outbox()

    @property
    def outbox(self) -> Outbox:
        return self._outbox

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
            "reply_markup": keyboard_json(reply_markup),
            "protect_content": protect_content,
        })
        return sent["message_id"]

    def answer(self, message: Message, text: str, *,
               reply_markup: InlineKeyboardMarkup | None = None,
               protect_content: bool | None = None, apology: str | None = None) -> None:
        """Answer in the message's chat as ``message.reply_html`` does (quoting it in a group,
        in its topic when it belongs to one), once the chat's earlier answers are sent. Should
        Telegram refuse the answer itself, ``apology`` is sent in its place."""
        chat_id = message.chat_id
        quote = message.message_id if message.chat.type != ChatType.PRIVATE else None
        topic = message.message_thread_id if message.is_topic_message else None
        self._outbox.post(chat_id, lambda: self.send_html(
            chat_id, text, reply_markup=reply_markup, protect_content=protect_content,
            quote=quote, topic=topic,
        ), None if apology is None else lambda: self.send_html(
            chat_id, apology, quote=quote, topic=topic))

    async def _do_post(self, endpoint: str, data: dict[str, Any], **timeouts: Any) -> Any:
        """Every call to a chat (a file, an edit) goes after its posted answers."""
        chat_id = _chat_number(data.get("chat_id"))
        if chat_id is not None:
            await self._outbox.sent(chat_id)
        return await super()._do_post(endpoint, data, **timeouts)

    async def shutdown(self) -> None:
        """Send the answers still posted before the HTTP clients close."""
        await self._outbox.close(UNSENT_WAIT)
        await super().shutdown()


def _chat_number(chat_id: object) -> int | None:
    """A call's chat as the outbox keys it (a number, even when given as text); None for a
    channel's @username or no chat."""
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdecimal():
        return int(chat_id)
    return None


def keyboard_json(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    """The keyboard as the Bot API's JSON object, the same as ``markup.to_dict()``."""
    if markup is None:
        return None
    return {"inline_keyboard": [[_button_json(button) for button in row]
                                for row in markup.inline_keyboard]}


def _button_json(button: InlineKeyboardButton) -> dict[str, Any]:
    """A button's fields that are set; PTB names each slot after the Bot API's field."""
    fields = {}
    for name in InlineKeyboardButton.__slots__:
        value = getattr(button, name)
        if value is not None:
            fields[name] = value.to_dict() if isinstance(value, TelegramObject) else value
    return fields
