"""Test-side injection of user activity (messages, documents, button presses) as Updates."""

from __future__ import annotations

import copy
import mimetypes
import time
from typing import Any

from .entities import command_entities
from .state import GROUP_TYPES, JSON, State, StoredMessage

ChatRef = JSON | int | None
MessageRef = JSON | int | tuple[int, int]


def resolve_chat(state: State, user: JSON, chat: ChatRef) -> int:
    """Chat id for an injected message; unknown groups become known (as on first message)."""
    if chat is None:
        return int(user["id"])
    if isinstance(chat, dict):
        chat_id = int(chat["id"])
        if chat_id not in state.chats:
            if chat.get("type") not in GROUP_TYPES:
                raise ValueError(f"chat {chat_id}: inject into groups or the user's own chat")
            state.chats[chat_id] = copy.deepcopy(chat)
        chat = chat_id
    if chat == user["id"]:
        return chat
    known = state.chats.get(chat)
    if known is None:
        if chat >= 0:
            raise ValueError(f"chat {chat} is another user's private chat; use chat=None")
        state.chats[chat] = {"id": chat, "type": "supergroup", "title": f"Group {chat}"}
    elif known["type"] not in GROUP_TYPES:
        raise ValueError(f"chat {chat} is another user's private chat; use chat=None")
    return chat


def _note_private_activity(state: State, user: JSON, chat_id: int) -> None:
    """A user writing to the bot has started it (and, on Telegram, unblocked it)."""
    if chat_id == user["id"]:
        state.started.add(chat_id)
        state.blocked.discard(chat_id)


def _reply_copy(state: State, chat_id: int, reply_to: MessageRef | None) -> JSON | None:
    """reply_to_message payload: the replied message without its own reply."""
    if reply_to is None:
        return None
    message_id = reply_to["message_id"] if isinstance(reply_to, dict) else reply_to
    if isinstance(message_id, tuple):
        message_id = message_id[1]
    stored = state.find_message(chat_id, int(message_id))
    if stored is None:
        raise ValueError(f"reply_to: message {message_id} does not exist in chat {chat_id}")
    replied = copy.deepcopy(stored.message)
    replied.pop("reply_to_message", None)
    return replied


async def inject_message(
    state: State, user: JSON, chat: ChatRef, fields: JSON, reply_to: MessageRef | None
) -> JSON:
    """Store a user message, queue its Update and return the message dict."""
    chat_id = resolve_chat(state, user, chat)
    _note_private_activity(state, user, chat_id)
    reply = _reply_copy(state, chat_id, reply_to)
    if reply is not None:
        fields["reply_to_message"] = reply
    stored = state.new_message(chat_id, user, fields, from_bot=False)
    state.touch()
    await state.push_update("message", stored.message)
    return copy.deepcopy(stored.message)


async def inject_edit(state: State, user: JSON, chat: ChatRef, message_id: int, text: str) -> JSON:
    """Edit the text of a message the user sent, and queue the edited_message Update.

    As on Telegram, the message keeps its id and date, gains ``edit_date``, and its text and
    entities are replaced (entities dropped when the new text has none).
    """
    chat_id = resolve_chat(state, user, chat)
    stored = state.find_message(chat_id, message_id)
    if stored is None or stored.from_bot or stored.message["from"]["id"] != user["id"]:
        raise ValueError(f"message {message_id} in chat {chat_id} is not the user's to edit")
    if "text" not in stored.message:
        raise ValueError(f"message {message_id} has no text to edit")
    stored.message.pop("entities", None)
    stored.message.update(text_fields(text))
    stored.message["edit_date"] = max(int(time.time()), stored.message["date"])
    state.touch()
    await state.push_update("edited_message", stored.message)
    return copy.deepcopy(stored.message)


def text_fields(text: str) -> JSON:
    """text plus bot_command entities, as a Telegram client would send them."""
    fields: JSON = {"text": text}
    entities = command_entities(text)
    if entities:
        fields["entities"] = entities
    return fields


def document_fields(
    state: State, filename: str, content: bytes, caption: str | None, mime_type: str | None
) -> JSON:
    """document (stored so getFile works) plus caption and caption_entities."""
    mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    stored = state.store_file(filename, mime, content)
    fields: JSON = {"document": state.document_json(stored)}
    if caption:
        fields["caption"] = caption
        entities = command_entities(caption)
        if entities:
            fields["caption_entities"] = entities
    return fields


def locate_bot_message(state: State, ref: MessageRef, user: JSON) -> StoredMessage:
    """A bot message by dict, (chat_id, message_id) or bare id (user's chat first)."""
    if isinstance(ref, dict):
        chat_id, message_id = int(ref["chat"]["id"]), int(ref["message_id"])
    elif isinstance(ref, tuple):
        chat_id, message_id = ref
    else:
        own = state.find_message(int(user["id"]), ref)
        if own is not None and own.from_bot:
            return own
        found = [
            m
            for msgs in state.bot_messages.values()
            for m in msgs
            if m.message["message_id"] == ref and not m.deleted
        ]
        if len(found) != 1:
            raise AssertionError(
                f"message id {ref} matches {len(found)} bot messages; "
                "pass the message dict or (chat_id, message_id)"
            )
        return found[0]
    stored = state.find_message(chat_id, message_id)
    if stored is None or not stored.from_bot:
        raise AssertionError(f"no live bot message {message_id} in chat {chat_id}")
    return stored


def _pick_button(stored: StoredMessage, data: str | None, index: int | None) -> JSON:
    """The inline button to press, by callback_data or flat index; clear error otherwise."""
    keyboard = (stored.message.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons: list[JSON] = [button for row in keyboard for button in row]
    listing = [(b.get("text"), b.get("callback_data")) for b in buttons]
    chosen: JSON | None = None
    if data is not None:
        chosen = next((b for b in buttons if b.get("callback_data") == data), None)
    elif index is not None:
        chosen = buttons[index] if -len(buttons) <= index < len(buttons) else None
    elif len(buttons) == 1:
        chosen = buttons[0]
    if chosen is None or "callback_data" not in chosen:
        raise AssertionError(
            f"no pressable button (data={data!r}, index={index!r}) on message "
            f"{stored.message['message_id']} in chat {stored.chat_id}; buttons (text, data): "
            f"{listing}"
        )
    return chosen


async def inject_press(
    state: State, ref: MessageRef, user: JSON, data: str | None, index: int | None,
    *, forged: bool = False,
) -> str:
    """Queue a callback_query for a button of the bot message as it currently is (or, forged,
    with ``data`` whatever its buttons carry)."""
    stored = locate_bot_message(state, ref, user)
    button = {"callback_data": data} if forged else _pick_button(stored, data, index)
    query_id = state.new_callback_query_id()
    query: JSON = {
        "id": query_id,
        "from": copy.deepcopy(user),
        "message": copy.deepcopy(stored.message),
        "chat_instance": str((stored.chat_id * 2_654_435_761) % (2**63)),
        "data": button["callback_data"],
    }
    state.callback_queries[query_id] = {"query": query, "answer": None}
    _note_private_activity(state, user, stored.chat_id)
    state.touch()
    await state.push_update("callback_query", query)
    return query_id


def user_json(user_id: int, first_name: str, **optional: Any) -> JSON:
    """Telegram User object; None-valued optional fields are omitted, as on the wire."""
    user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    user.update({key: value for key, value in optional.items() if value is not None})
    return user
