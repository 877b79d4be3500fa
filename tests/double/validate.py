"""Checks shared by the message methods: target chat, text/caption, markup, reply target."""

from __future__ import annotations

import copy
import re
from typing import Any

from .entities import Entity, HtmlError, parse_html, strip_text
from .errors import bad_request, forbidden
from .state import JSON, State

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_RE = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)


def target_chat(state: State, chat_id: Any) -> JSON:
    """The chat a bot call addresses, applying Telegram's private-chat delivery rules."""
    if chat_id is None or chat_id == "":
        raise bad_request("chat_id is empty")
    if isinstance(chat_id, str):
        wanted = chat_id.removeprefix("@").lower()
        for chat in state.chats.values():
            if chat["type"] != "private" and str(chat.get("username", "")).lower() == wanted:
                return chat
        raise bad_request("chat not found")
    if chat_id in state.users:
        if chat_id in state.blocked:
            raise forbidden("bot was blocked by the user")
        if chat_id not in state.started:
            raise forbidden("bot can't initiate conversation with a user")
        return state.chats[chat_id]
    if chat_id == state.bot_user["id"]:
        raise forbidden("bot can't send messages to bots")
    chat = state.chats.get(chat_id)
    if chat is None or chat["type"] == "private":
        raise bad_request("chat not found")
    return chat


def prepare_text(
    text: Any,
    parse_mode: Any,
    entities: Any,
    *,
    limit: int,
    caption: bool,
) -> tuple[str, list[Entity]]:
    """Parse and trim text like the server; enforce emptiness and the length limit."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    if parse_mode:
        mode = str(parse_mode).lower()
        if mode == "html":
            try:
                text, entities = parse_html(text)
            except HtmlError as exc:
                raise bad_request(f"can't parse entities: {exc}") from exc
        elif mode not in ("markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
    parsed: list[Entity] = list(entities) if isinstance(entities, list) else []
    text, parsed = strip_text(text, parsed)
    if not text and not caption:
        raise bad_request("message text is empty")
    if len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return text, parsed


def _check_button(button: Any) -> None:
    """One inline button: text plus exactly one action; callback_data 1-64 bytes."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not _URL_RE.match(str(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def validate_markup(markup: Any) -> JSON | None:
    """Validated reply_markup (any kind) or None; inline buttons are checked in depth."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "inline_keyboard" must be an Array'
            )
        for row in rows:
            for button in row:
                _check_button(button)
        return copy.deepcopy(markup)
    if any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
        return copy.deepcopy(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_only(markup: JSON | None) -> JSON | None:
    """The part of a markup that appears in Message.reply_markup (inline keyboards only)."""
    return markup if markup is not None and "inline_keyboard" in markup else None


def reply_target(state: State, chat_id: int, params: JSON) -> JSON | None:
    """Message being replied to (reply_parameters or legacy reply_to_message_id), or None."""
    reply = params.get("reply_parameters")
    allow_missing = bool(params.get("allow_sending_without_reply"))
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
        if reply.get("chat_id") not in (None, chat_id):
            raise bad_request("cross-chat replies are not supported by the test double")
    else:
        message_id = params.get("reply_to_message_id")
    if message_id is None:
        return None
    stored = state.find_message(chat_id, int(message_id))
    if stored is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    replied = copy.deepcopy(stored.message)
    replied.pop("reply_to_message", None)
    return replied
