"""BotApiDouble: the test-facing handle on a local fake of the Telegram Bot API server."""

from __future__ import annotations

import copy
import time
from types import TracebackType

from . import inject
from .observe import Observer
from .server import ApiServer
from .state import GROUP_TYPES, JSON, State
from .webhook import GENUINE

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")


class BotApiDouble(Observer):
    """Real HTTP Bot API on 127.0.0.1 so the bot runs unmodified against it in tests."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "committee_test_bot",
        bot_name: str = "Committee Test Bot",
    ) -> None:
        self.token = token
        super().__init__(State(token, bot_username, bot_name))
        self._server = ApiServer(self._state)

    # ---- lifecycle ---------------------------------------------------------------------
    async def start(self) -> str:
        """Start serving; returns base_url (the bot calls f"{base_url}/bot{token}/{method}")."""
        await self._server.start()
        return self.base_url

    async def stop(self) -> None:
        """Stop serving; pending long polls return immediately."""
        await self._server.stop()

    async def __aenter__(self) -> BotApiDouble:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Server root, e.g. http://127.0.0.1:PORT."""
        if not self._server.port:
            raise RuntimeError("BotApiDouble.start() has not been awaited")
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def bot_user(self) -> JSON:
        """The bot's own User object (what getMe answers)."""
        return copy.deepcopy(self._state.bot_user)

    # ---- world setup -------------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_premium: bool | None = None,
        is_bot: bool = False,
    ) -> JSON:
        """Register a user (not yet "started": the bot cannot message them until they write).

        ``is_bot`` models senders such as GroupAnonymousBot, which speaks for anonymous admins.
        """
        user = inject.user_json(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_premium=is_premium,
        )
        user["is_bot"] = is_bot
        self._state.users[user_id] = user
        self._state.chats[user_id] = self._state.private_chat(user)
        return copy.deepcopy(user)

    def add_group(
        self, chat_id: int, title: str, *, kind: str = "supergroup", username: str | None = None
    ) -> JSON:
        """Register a group or supergroup the bot is a member of."""
        if kind not in GROUP_TYPES:
            raise ValueError(f"kind must be one of {GROUP_TYPES}")
        chat: JSON = {"id": chat_id, "type": kind, "title": title}
        if username:
            chat["username"] = username
        self._state.chats[chat_id] = chat
        return copy.deepcopy(chat)

    def add_channel(self, chat_id: int, title: str, *, username: str | None = None) -> JSON:
        """Register a channel, for messages posted in a group on its behalf (sender_chat)."""
        chat: JSON = {"id": chat_id, "type": "channel", "title": title}
        if username:
            chat["username"] = username
        self._state.chats[chat_id] = chat
        return copy.deepcopy(chat)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember answers for (chat_id, user_id)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}")
        self._state.member_status[(chat_id, user_id)] = status

    def set_chat_admin(self, chat_id: int, user_id: int, *, creator: bool = False) -> None:
        """Make a user administrator (or creator) of a group."""
        self.set_member_status(chat_id, user_id, "creator" if creator else "administrator")

    def block(self, user_id: int) -> None:
        """User blocked the bot: sends to them answer 403 until they write again."""
        self._state.user(user_id)
        self._state.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """Undo block()."""
        self._state.blocked.discard(user_id)

    def mark_started(self, user_id: int) -> None:
        """Pretend the user pressed Start earlier, without injecting an update."""
        self._state.user(user_id)
        self._state.started.add(user_id)

    # ---- injection ---------------------------------------------------------------------
    async def send_text(
        self,
        user: JSON | int,
        text: str,
        chat: JSON | int | None = None,
        *,
        reply_to: JSON | int | None = None,
        sender_chat: JSON | int | None = None,
    ) -> JSON:
        """Inject a text message from user (private chat by default); returns the message.

        ``sender_chat`` posts it on behalf of a chat, as Telegram does for an anonymous admin
        (the group itself, ``user`` GroupAnonymousBot) or a channel (``user`` Channel_Bot).
        """
        sender = self._state.user(user)
        fields = inject.text_fields(text)
        if sender_chat is not None:
            fields["sender_chat"] = copy.deepcopy(self._state.chat(sender_chat))
        return await inject.inject_message(self._state, sender, chat, fields, reply_to)

    async def edit_text(
        self, user: JSON | int, message: JSON | int, text: str, chat: JSON | int | None = None
    ) -> JSON:
        """The user edits a text message they sent (an edited_message Update); returns it."""
        sender = self._state.user(user)
        if isinstance(message, dict):
            chat = message["chat"]["id"] if chat is None else chat
            message = message["message_id"]
        return await inject.inject_edit(self._state, sender, chat, int(message), text)

    async def send_document(
        self,
        user: JSON | int,
        *,
        filename: str,
        content: bytes,
        caption: str | None = None,
        chat: JSON | int | None = None,
        mime_type: str | None = None,
        reply_to: JSON | int | None = None,
    ) -> JSON:
        """Inject a document message (downloadable through getFile); returns the message."""
        sender = self._state.user(user)
        fields = inject.document_fields(self._state, filename, content, caption, mime_type)
        return await inject.inject_message(self._state, sender, chat, fields, reply_to)

    async def member_joined(
        self, chat: JSON | int, user: JSON | int, *, service_message: bool = True
    ) -> None:
        """Someone joins a group: a chat_member update (sent to a bot that is a group admin
        and asks for them) and, unless hidden, the "joined the group" service message."""
        await self._membership(chat, user, "member", service_message)

    async def member_left(
        self, chat: JSON | int, user: JSON | int, *, service_message: bool = True
    ) -> None:
        """Someone leaves a group: the chat_member update and the service message."""
        await self._membership(chat, user, "left", service_message)

    async def _membership(
        self, chat: JSON | int, user: JSON | int, status: str, service_message: bool
    ) -> None:
        state = self._state
        chat_id = chat["id"] if isinstance(chat, dict) else chat
        member = state.user(user)
        state.member_status[(chat_id, int(member["id"]))] = status
        before = "left" if status == "member" else "member"
        await state.push_update("chat_member", {
            "chat": copy.deepcopy(state.chats[chat_id]),
            "from": copy.deepcopy(member),
            "date": int(time.time()),
            "old_chat_member": {"status": before, "user": copy.deepcopy(member)},
            "new_chat_member": {"status": status, "user": copy.deepcopy(member)},
        })
        if service_message:
            field = ({"new_chat_members": [copy.deepcopy(member)]} if status == "member"
                     else {"left_chat_member": copy.deepcopy(member)})
            stored = state.new_message(chat_id, member, field, from_bot=False)
            await state.push_update("message", stored.message)
        state.touch()

    async def press(
        self,
        message: JSON | int | tuple[int, int],
        user: JSON | int,
        data: str | None = None,
        index: int | None = None,
    ) -> str:
        """Press an inline button (by callback_data or flat index); returns the query id."""
        return await inject.inject_press(self._state, message, self._state.user(user), data, index)

    async def press_forged(
        self, message: JSON | int | tuple[int, int], user: JSON | int, data: str
    ) -> str:
        """A callback_query for a bot message carrying data none of its buttons has, as a
        modified client can send; returns the query id."""
        return await inject.inject_press(self._state, message, self._state.user(user), data,
                                         None, forged=True)

    # ---- failures, limits, latency -----------------------------------------------------
    def enforce_limits(self, enabled: bool = True) -> None:
        """Turn Telegram's flood limits on or off (history is kept)."""
        self._server.limiter.enabled = enabled

    def reset_limits(self) -> None:
        """Forget the rate-limit history."""
        self._server.limiter.reset()

    def fail_next(
        self,
        method: str,
        *,
        chat_id: int | str | None = None,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` matching calls fail with this answer."""
        self._server.failures.add(
            method,
            chat_id=chat_id,
            error_code=error_code,
            description=description,
            retry_after=retry_after,
            times=times,
        )

    def clear_failures(self) -> None:
        """Forget injected failures not used yet (an outage ends)."""
        self._server.failures.pending.clear()

    def migrate_group(self, old_id: int, new_id: int, title: str) -> JSON:
        """Upgrade a group to a supergroup: the old id answers 400 with migrate_to_chat_id."""
        chat = self.add_group(new_id, title, kind="supergroup")
        self._server.migrated[old_id] = new_id
        return chat

    # ---- webhooks ----------------------------------------------------------------------
    def route_webhook(self, *local_roots: str) -> None:
        """Deliver webhook posts to ``local_root`` (http://127.0.0.1:PORT) plus the path of
        the URL the bot set: the reverse proxy between Telegram and the bot. With several, it
        balances between them, a post to each in turn."""
        self._server.webhook.routes = [root.rstrip("/") for root in local_roots]

    def webhook_connections(self, connections: int) -> None:
        """Post up to ``connections`` updates at once (no more than the max_connections the
        bot set), as Telegram does, a chat's next update only once its previous one was
        answered; 1, the default, posts them one by one."""
        self._server.webhook.connections = max(1, connections)

    def forge_webhook_secret(self, secret: str | None) -> None:
        """Post with this X-Telegram-Bot-Api-Secret-Token instead of the bot's (None: without
        the header), as someone who is not Telegram would."""
        self._server.webhook.forged = secret

    def stop_forging(self) -> None:
        """Post with the secret_token given to setWebhook again."""
        self._server.webhook.forged = GENUINE

    def set_latency(self, seconds: float) -> None:
        """Fixed delay added to every sending call (benchmarks)."""
        self._server.latency = max(0.0, seconds)

    @property
    def throttled(self) -> int:
        """How many 429 answers were given (flood control and injected)."""
        return self._server.throttled
