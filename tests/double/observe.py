"""Observation side of the double: recorded calls, bot messages, and bounded waits."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable

from .server import METHODS
from .state import JSON, State, StoredMessage


class Observer:
    """What the bot did, and waits for what it will do (every wait has a timeout)."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._message_cursor: dict[int, int] = {}
        self._call_cursor: dict[str, int] = {}

    @property
    def calls(self) -> list[tuple[str, JSON]]:
        """Every call the bot made, in completion order, as (method, params)."""
        return self._state.calls

    @property
    def errors(self) -> list[JSON]:
        """Every error answer given: method, params, error_code, description."""
        return self._state.errors

    @property
    def commands(self) -> dict[tuple[str, str], list[JSON]]:
        """Registered command lists keyed by (scope key, language_code or "")."""
        return copy.deepcopy(self._state.commands)

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by the bot through getUpdates offset."""
        return copy.deepcopy(self._state.updates)

    @property
    def counted(self) -> list[tuple[float, int]]:
        """Every message the flood limits count, as delivered: (time.monotonic(), chat id)."""
        return list(self._state.counted)

    @property
    def webhook_deliveries(self) -> list[JSON]:
        """Every webhook POST: update_id, status (0: no answer), secret ("right", "wrong" or
        "missing") and the seconds the bot took to answer."""
        return copy.deepcopy(self._state.webhook_deliveries)

    async def wait_for_delivery(
        self,
        predicate: Callable[[JSON], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - public API takes a plain timeout
    ) -> JSON:
        """The first webhook POST (past or future) matching predicate."""
        def find() -> JSON | None:
            return next((d for d in self._state.webhook_deliveries if predicate(d)), None)

        if not await self._wait(lambda: find() is not None, timeout):
            raise AssertionError(f"no such webhook delivery within {timeout}s; deliveries: "
                                 f"{self._state.webhook_deliveries[-10:]}")
        found = find()
        assert found is not None
        return copy.deepcopy(found)

    def messages(self, chat_id: int) -> list[JSON]:
        """All bot messages sent to chat_id, current content, with edit_history/deleted."""
        return [stored.view() for stored in self._state.bot_messages.get(chat_id, [])]

    async def wait_for_documents(
        self, chat_id: int, count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - public API takes a plain timeout
    ) -> list[JSON]:
        """The documents sent to chat_id once there are at least ``count`` of them."""
        if not await self._wait(lambda: len(self.documents(chat_id)) >= count, timeout):
            raise AssertionError(f"fewer than {count} documents in chat {chat_id} within "
                                 f"{timeout}s: {[d['filename'] for d in self.documents(chat_id)]}")
        return self.documents(chat_id)

    def documents(self, chat_id: int) -> list[JSON]:
        """Documents the bot sent to chat_id: filename, caption, bytes, mime_type, ids."""
        result = []
        for stored in self._state.bot_messages.get(chat_id, []):
            document = stored.message.get("document")
            if document is not None:
                result.append(
                    {
                        "filename": document["file_name"],
                        "caption": stored.message.get("caption"),
                        "bytes": self._state.files[document["file_id"]].content,
                        "mime_type": document["mime_type"],
                        "file_id": document["file_id"],
                        "message_id": stored.message["message_id"],
                        "protect_content": bool(stored.message.get("has_protected_content")),
                    }
                )
        return result

    async def wait_for_photos(
        self, chat_id: int, count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - public API takes a plain timeout
    ) -> list[JSON]:
        """The photos sent to chat_id once there are at least ``count`` of them."""
        if not await self._wait(lambda: len(self.photos(chat_id)) >= count, timeout):
            raise AssertionError(f"fewer than {count} photos in chat {chat_id} within "
                                 f"{timeout}s")
        return self.photos(chat_id)

    def photos(self, chat_id: int) -> list[JSON]:
        """Photos the bot sent to chat_id: caption and the bytes of the largest size."""
        return [
            {"caption": stored.message.get("caption"),
             "bytes": self._state.files[stored.message["photo"][-1]["file_id"]].content,
             "width": stored.message["photo"][-1]["width"]}
            for stored in self._state.bot_messages.get(chat_id, []) if "photo" in stored.message
        ]

    def menu_button(self, chat_id: int | None = None) -> JSON | None:
        """The menu button set for a private chat, or the default one (None)."""
        return self._state.menu_buttons.get(chat_id)

    def callback_answer(self, query_id: str) -> JSON | None:
        """The bot's answerCallbackQuery params for a press, or None if unanswered."""
        query = self._state.callback_queries.get(query_id)
        return None if query is None else copy.deepcopy(query["answer"])

    # ---- waiting -----------------------------------------------------------------------
    async def _wait(self, ready: Callable[[], bool], limit: float) -> bool:
        """Wait until ready() or timeout; False on timeout."""
        if ready():
            return True
        async with self._state.changed:
            try:
                await asyncio.wait_for(self._state.changed.wait_for(ready), limit)
            except TimeoutError:
                return False
        return True

    async def wait_for_message(
        self,
        chat_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - public API takes a plain timeout
        contains: str | None = None,
        after: JSON | int | None = None,
    ) -> JSON:
        """Next not-yet-consumed bot message in chat_id (optionally containing a substring)."""
        after_id = after["message_id"] if isinstance(after, dict) else after
        sent = self._state.bot_messages.setdefault(chat_id, [])

        def find() -> int | None:
            for position in range(self._message_cursor.get(chat_id, 0), len(sent)):
                stored = sent[position]
                if after_id is not None and stored.message["message_id"] <= after_id:
                    continue
                if contains is None or _contains(stored, contains):
                    return position
            return None

        if not await self._wait(lambda: find() is not None, timeout):
            raise AssertionError(self._describe_chat(chat_id, timeout, contains))
        position = find()
        assert position is not None
        self._message_cursor[chat_id] = position + 1
        return sent[position].view()

    async def wait_for_messages(
        self,
        chat_id: int,
        *contains: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - public API takes a plain timeout
    ) -> list[JSON]:
        """The next not-yet-consumed bot messages in chat_id containing each substring, in
        whatever order they came (a reply and a broadcast it causes race each other); all
        up to the last of them are consumed. Returned in the order of ``contains``."""
        sent = self._state.bot_messages.setdefault(chat_id, [])

        def find() -> list[int] | None:
            start = self._message_cursor.get(chat_id, 0)
            found: list[int] = []
            for text in contains:
                position = next((p for p in range(start, len(sent))
                                 if p not in found and _contains(sent[p], text)), None)
                if position is None:
                    return None
                found.append(position)
            return found

        if not await self._wait(lambda: find() is not None, timeout):
            raise AssertionError(self._describe_chat(chat_id, timeout, " and ".join(contains)))
        positions = find()
        assert positions is not None
        self._message_cursor[chat_id] = max(positions) + 1
        return [sent[position].view() for position in positions]

    async def wait_for_call(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - public API takes a plain timeout
        predicate: Callable[[JSON], bool] | None = None,
    ) -> JSON:
        """Params of the next (not yet returned) completed call of method matching predicate."""
        canonical = METHODS.get(method.lower(), (method, None))[0]
        calls = self._state.calls

        def find() -> int | None:
            for position in range(self._call_cursor.get(canonical, 0), len(calls)):
                name, params = calls[position]
                if name == canonical and (predicate is None or predicate(params)):
                    return position
            return None

        if not await self._wait(lambda: find() is not None, timeout):
            seen = [name for name, _ in calls[-20:]]
            raise AssertionError(
                f"no {canonical} call within {timeout}s; last calls: {seen}; "
                f"errors: {self._state.errors[-5:]}"
            )
        position = find()
        assert position is not None
        self._call_cursor[canonical] = position + 1
        return calls[position][1]

    async def idle(
        self,
        quiet: float = 0.3,
        timeout: float = 5.0,  # noqa: ASYNC109 - public API takes a plain timeout
    ) -> None:
        """Wait until injected updates were fetched and no sending call happened for `quiet` s."""
        state = self._state
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            undelivered = state.ever_polled and any(
                u["update_id"] > state.delivered_update_id for u in state.updates
            )
            quiet_for = now - state.last_activity
            if not undelivered and state.inflight == 0 and quiet_for >= quiet:
                return
            if now >= deadline:
                raise AssertionError(
                    f"bot not idle after {timeout}s (in flight: {state.inflight}, "
                    f"undelivered updates: {undelivered}, quiet for {quiet_for:.2f}s)"
                )
            await asyncio.sleep(min(max(quiet - quiet_for, 0.01), deadline - now, 0.05))

    def _describe_chat(self, chat_id: int, timeout: float, contains: str | None) -> str:
        """Timeout message: what the chat did receive, and errors answered for it."""
        wanted = f" containing {contains!r}" if contains else ""
        cursor = self._message_cursor.get(chat_id, 0)
        lines = [f"no new bot message{wanted} in chat {chat_id} within {timeout}s."]
        sent = self._state.bot_messages.get(chat_id, [])
        lines.append(f"chat {chat_id} received {len(sent)} bot message(s):")
        for position, stored in enumerate(sent):
            mark = "consumed" if position < cursor else "new"
            body = _body(stored)
            lines.append(f"  #{stored.message['message_id']} [{mark}] {body[:200]!r}")
        failures = [e for e in self._state.errors if e["params"].get("chat_id") == chat_id]
        for error in failures[-10:]:
            code, description = error["error_code"], error["description"]
            lines.append(f"  error {error['method']}: {code} {description}")
        return "\n".join(lines)


def _body(stored: StoredMessage) -> str:
    """Text or caption of a message (documents shown by file name)."""
    message = stored.message
    if "text" in message:
        return str(message["text"])
    name = message.get("document", {}).get("file_name", "?")
    return f"[document {name}] {message.get('caption', '')}"


def _contains(stored: StoredMessage, needle: str) -> bool:
    """Substring match on the visible text/caption or on the raw (marked-up) source."""
    haystacks = [
        stored.message.get("text"),
        stored.message.get("caption"),
        stored.meta.get("raw_text"),
        stored.meta.get("raw_caption"),
    ]
    return any(isinstance(h, str) and needle in h for h in haystacks)
