"""Message-related Bot API methods: send, edit, delete, documents, files, callback answers."""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import bad_request
from .state import JSON, State, StoredMessage, Upload
from .validate import (
    NOT_MODIFIED,
    inline_only,
    prepare_text,
    reply_target,
    target_chat,
    validate_markup,
)

Handler = Callable[[State, JSON], Awaitable[Any]]
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
DOWNLOAD_LIMIT = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _send_options(params: JSON) -> JSON:
    """Send options that are not part of the Message object but matter to tests."""
    return {
        "parse_mode": params.get("parse_mode"),
        "disable_notification": bool(params.get("disable_notification")),
        "link_preview_options": params.get("link_preview_options"),
    }


async def _deliver(
    state: State, chat: JSON, params: JSON, fields: JSON, markup: JSON | None, raw: JSON
) -> JSON:
    """Store a new bot message with the common optional fields and wake waiters."""
    if chat["type"] != "private" and _has_web_app(markup):
        raise bad_request("BUTTON_TYPE_INVALID")  # Mini App buttons: private chats only
    reply = reply_target(state, chat["id"], params)
    if reply is not None:
        fields["reply_to_message"] = reply
    if inline_only(markup) is not None:
        fields["reply_markup"] = markup
    if params.get("protect_content"):
        fields["has_protected_content"] = True
    stored = state.new_message(chat["id"], state.bot_user, fields, from_bot=True)
    stored.markup = markup
    stored.meta = {**_send_options(params), **raw}
    await state.notify()
    return stored.message


def _has_web_app(markup: JSON | None) -> bool:
    rows = (markup or {}).get("inline_keyboard") or []
    return any(isinstance(b, dict) and "web_app" in b for row in rows for b in row)


async def send_message(state: State, params: JSON) -> JSON:
    """sendMessage with Telegram's text, markup, reply and delivery validation."""
    chat = target_chat(state, params.get("chat_id"))
    text, entities = prepare_text(
        params.get("text"),
        params.get("parse_mode"),
        params.get("entities"),
        limit=MESSAGE_LIMIT,
        caption=False,
    )
    markup = validate_markup(params.get("reply_markup"))
    fields: JSON = {"text": text}
    if entities:
        fields["entities"] = entities
    raw = {"raw_text": params.get("text")}
    return await _deliver(state, chat, params, fields, markup, raw)


def _editable(state: State, params: JSON) -> StoredMessage:
    """The bot message addressed by chat_id + message_id, or the server's error."""
    if params.get("inline_message_id"):
        raise bad_request("inline_message_id is not supported by the test double")
    chat = target_chat(state, params.get("chat_id"))
    if params.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    stored = state.find_message(chat["id"], int(params["message_id"]))
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return stored


def _apply_edit(stored: StoredMessage, fields: JSON, markup: JSON | None) -> None:
    """Record the previous version, then write the new content and edit_date."""
    message = stored.message
    stored.history.append(
        {
            "text": message.get("text"),
            "entities": message.get("entities", []),
            "reply_markup": stored.markup,
            "edit_date": message.get("edit_date", message["date"]),
        }
    )
    for key, value in fields.items():
        if value:
            message[key] = value
        else:
            message.pop(key, None)
    if inline_only(markup) is not None:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)
    stored.markup = inline_only(markup)
    message["edit_date"] = max(message["date"], int(time.time()))


async def edit_message_text(state: State, params: JSON) -> JSON:
    """editMessageText; omitting reply_markup removes the keyboard, as on Telegram."""
    stored = _editable(state, params)
    if "text" not in stored.message:
        raise bad_request("there is no text in the message to edit")
    text, entities = prepare_text(
        params.get("text"),
        params.get("parse_mode"),
        params.get("entities"),
        limit=MESSAGE_LIMIT,
        caption=False,
    )
    markup = inline_only(validate_markup(params.get("reply_markup")))
    same_text = text == stored.message["text"]
    same_entities = entities == stored.message.get("entities", [])
    if same_text and same_entities and markup == stored.markup:
        raise bad_request(NOT_MODIFIED)
    _apply_edit(stored, {"text": text, "entities": entities}, markup)
    stored.meta["raw_text"] = params.get("text")
    stored.meta["parse_mode"] = params.get("parse_mode")
    await state.notify()
    return stored.message


async def edit_message_reply_markup(state: State, params: JSON) -> JSON:
    """editMessageReplyMarkup; identical keyboard is "message is not modified"."""
    stored = _editable(state, params)
    markup = inline_only(validate_markup(params.get("reply_markup")))
    if markup == stored.markup:
        raise bad_request(NOT_MODIFIED)
    _apply_edit(stored, {}, markup)
    await state.notify()
    return stored.message


async def delete_message(state: State, params: JSON) -> bool:
    """deleteMessage; the message stays visible to tests, flagged deleted."""
    chat_id = params.get("chat_id")
    if chat_id is None:
        raise bad_request("chat_id is empty")
    stored = state.find_message(chat_id, int(params.get("message_id") or 0))
    if stored is None:
        raise bad_request("message to delete not found")
    stored.deleted = True
    await state.notify()
    return True


def _document_source(state: State, params: JSON) -> tuple[str, str, bytes]:
    """(file name, mime type, bytes) of the document param: upload, attach:// or file_id."""
    document = params.get("document")
    if isinstance(document, str) and document.startswith("attach://"):
        document = params.get(document.removeprefix("attach://"))
    if isinstance(document, Upload):
        name = document.filename or "document"
        mime = document.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return name, mime, document.data
    if isinstance(document, str) and document in state.files:
        known = state.files[document]
        return known.file_name, known.mime_type, known.content
    if document is None:
        raise bad_request("there is no document in the request")
    raise bad_request("wrong file identifier/HTTP URL specified")


async def send_document(state: State, params: JSON) -> JSON:
    """sendDocument: keeps the bytes so tests (and getFile downloads) can read them back."""
    chat = target_chat(state, params.get("chat_id"))
    name, mime, content = _document_source(state, params)
    if not content:
        raise bad_request("file must be non-empty")
    fields, markup, raw = captioned(params)
    stored_file = state.store_file(name, mime, content)
    fields["document"] = state.document_json(stored_file)
    return await _deliver(state, chat, params, fields, markup, raw)


def captioned(params: JSON) -> tuple[JSON, JSON | None, JSON]:
    """A media message's caption fields, checked as Telegram checks them (1024 characters,
    valid HTML), its keyboard, and the raw caption kept for tests; before any file is stored."""
    caption, entities = prepare_text(
        params.get("caption"),
        params.get("parse_mode"),
        params.get("caption_entities"),
        limit=CAPTION_LIMIT,
        caption=True,
    )
    markup = validate_markup(params.get("reply_markup"))
    fields: JSON = {}
    if caption:
        fields["caption"] = caption
    if entities:
        fields["caption_entities"] = entities
    return fields, markup, {"raw_caption": params.get("caption")}


async def get_file(state: State, params: JSON) -> JSON:
    """getFile: file_path for the download route."""
    stored = state.files.get(str(params.get("file_id") or ""))
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


async def send_chat_action(state: State, params: JSON) -> bool:
    """sendChatAction: same delivery rules as messages, known actions only."""
    target_chat(state, params.get("chat_id"))
    if params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def answer_callback_query(state: State, params: JSON) -> bool:
    """answerCallbackQuery: each query can be answered once."""
    query = state.callback_queries.get(str(params.get("callback_query_id") or ""))
    if query is None or query.get("answer") is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    query["answer"] = {
        "text": params.get("text"),
        "show_alert": bool(params.get("show_alert")),
        "url": params.get("url"),
        "cache_time": params.get("cache_time"),
    }
    return True


MESSAGE_METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendDocument": send_document,
    "getFile": get_file,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
}
