"""In-memory world of the double: users, chats, messages, files, updates and call log.

Everything is plain dicts in Telegram's JSON shapes so the server can return them as-is and
tests can compare them directly.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
GROUP_TYPES = ("group", "supergroup")


@dataclass
class StoredMessage:
    """One message in a chat: its current API shape plus test-only facts about how it was sent."""

    chat_id: int
    message: JSON
    from_bot: bool
    markup: JSON | None = None  # any markup kind the bot sent (reply keyboards are not in message)
    meta: JSON = field(default_factory=dict)
    history: list[JSON] = field(default_factory=list)
    deleted: bool = False

    def view(self) -> JSON:
        """Deep copy for tests: the API message plus send options, edit history and deletion."""
        result = copy.deepcopy(self.message)
        result["reply_markup"] = copy.deepcopy(self.markup)
        result["protect_content"] = bool(self.message.get("has_protected_content"))
        result.update(copy.deepcopy(self.meta))
        result["edit_history"] = copy.deepcopy(self.history)
        result["deleted"] = self.deleted
        return result


@dataclass
class Upload:
    """A file part of a multipart request, as handed to method handlers."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class StoredFile:
    """Uploaded bytes addressable by file_id (getFile) and file_path (download route)."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    content: bytes


class State:
    """All mutable data of one double instance; used from a single asyncio loop."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, JSON] = {}
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.member_status: dict[tuple[int, int], str] = {}
        self.messages: dict[int, dict[int, StoredMessage]] = {}
        self.bot_messages: dict[int, list[StoredMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}  # None: the default button
        self.callback_queries: dict[str, JSON] = {}
        self._query_counter = itertools.count(1)
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_max_connections = 40
        self.webhook_last_error: tuple[int, str] | None = None  # (unix time, message)
        self.webhook_deliveries: list[JSON] = []  # every POST attempt: update_id, status...
        self.counted: list[tuple[float, int]] = []  # (monotonic time, chat) of each message
        self.allowed_updates: list[str] = []
        self.updates: list[JSON] = []
        self.next_update_id = 1
        self.delivered_update_id = 0
        self.ever_polled = False
        self.poll_generation = 0
        self.closing = False
        self.inflight = 0  # sending calls being processed (idle() waits for them)
        self.last_activity = time.monotonic()
        self.calls: list[tuple[str, JSON]] = []
        self.errors: list[JSON] = []
        self.changed = asyncio.Condition()

    # ---- users and chats -------------------------------------------------------------
    def private_chat(self, user: JSON) -> JSON:
        """Private chat shape for a user (chat id == user id)."""
        chat: JSON = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if user.get(key):
                chat[key] = user[key]
        return chat

    def user(self, user: JSON | int) -> JSON:
        """Resolve a user dict or id to the registered user; unknown ids are a test bug."""
        user_id = user["id"] if isinstance(user, dict) else user
        if user_id not in self.users:
            raise KeyError(f"user {user_id} was not added with add_user()")
        return self.users[user_id]

    def chat(self, chat: JSON | int) -> JSON:
        """Resolve a chat dict or id to the registered chat; unknown ids are a test bug."""
        chat_id = chat["id"] if isinstance(chat, dict) else chat
        if chat_id not in self.chats:
            raise KeyError(f"chat {chat_id} is not known to the double")
        return self.chats[chat_id]

    def is_group(self, chat_id: int) -> bool:
        """True for group and supergroup chats (used by the 20/min limit)."""
        chat = self.chats.get(chat_id)
        return chat is not None and chat["type"] in GROUP_TYPES

    # ---- messages ----------------------------------------------------------------------
    def new_message(
        self, chat_id: int, sender: JSON, fields: JSON, *, from_bot: bool
    ) -> StoredMessage:
        """Create and store a message with the chat's next message_id."""
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message: JSON = {
            "message_id": message_id,
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(self.chats[chat_id]),
            "date": int(time.time()),
            **fields,
        }
        stored = StoredMessage(chat_id=chat_id, message=message, from_bot=from_bot)
        self.messages.setdefault(chat_id, {})[message_id] = stored
        if from_bot:
            self.bot_messages.setdefault(chat_id, []).append(stored)
        return stored

    def find_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Live (not deleted) message by (chat_id, message_id)."""
        stored = self.messages.get(chat_id, {}).get(message_id)
        return None if stored is None or stored.deleted else stored

    # ---- files -------------------------------------------------------------------------
    def store_file(self, file_name: str, mime_type: str, content: bytes) -> StoredFile:
        """Keep uploaded bytes under fresh, Telegram-looking identifiers."""
        number = next(self._file_counter)
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else ""
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}dbl",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"documents/file_{number}{'.' + suffix if suffix else ''}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def document_json(stored: StoredFile) -> JSON:
        """Telegram Document object for a stored file."""
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.content),
        }

    # ---- updates -----------------------------------------------------------------------
    async def push_update(self, kind: str, payload: JSON) -> JSON:
        """Queue an Update and wake long polls."""
        update = {"update_id": self.next_update_id, kind: copy.deepcopy(payload)}
        self.next_update_id += 1
        self.updates.append(update)
        await self.notify()
        return update

    def new_callback_query_id(self) -> str:
        """Unique, numeric-looking callback query id."""
        return str(4_611_686_018_427_387_904 + next(self._query_counter))

    def touch(self) -> None:
        """Note bot/test activity now; idle() measures quiet time from here."""
        self.last_activity = time.monotonic()

    async def notify(self) -> None:
        """Wake every waiter (long polls, wait_for_message, wait_for_call)."""
        async with self.changed:
            self.changed.notify_all()
