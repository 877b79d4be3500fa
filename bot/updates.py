"""Updates of different chats are handled concurrently; those of one chat, in order.

PTB's concurrent updates run every update at once, which breaks a chat's own order (an
absence reason must follow the button press that asked for it). Handled one at a time, one
member's flood stalls everyone else. This processor keeps a queue per chat: a chat's updates
run one after another, and up to ``max_chats`` chats run at once. Updates waiting for their
chat hold no running slot, so a flooded chat never stalls the others. An update is done once
its answers are posted (bot/outbox.py); the outbox keeps them in order. Across instances, a
chat's turn (bot/chat_turns.py) keeps its updates in order, and is given back only once the
update's answers are sent, so that another instance's answer to the next one comes after them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.chat_turns import ChatTurns
from bot.outbox import Outbox

MAX_CHATS = 32  # chats whose updates are being handled at once
MAX_WAITING = 4096  # updates accepted and waiting (PTB's bound); more wait to be fetched


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (the sender's, for updates outside any chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """With ``turns`` (several instances), each update arrives holding its chat's turn, given
    back once it is handled and its answers in ``outbox`` are sent."""

    def __init__(self, max_chats: int = MAX_CHATS, max_waiting: int = MAX_WAITING,
                 turns: ChatTurns | None = None, outbox: Outbox | None = None) -> None:
        super().__init__(max_waiting)
        self._turns = turns
        self._outbox = outbox
        self._running = asyncio.Semaphore(max_chats)
        self._chats: dict[int | None, tuple[asyncio.Lock, int]] = {}  # lock, updates using it

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock, self._running:
                await coroutine
        finally:
            # The chat's next update here may start (the outbox keeps the answers in order);
            # another instance's may not until these answers are sent.
            if self._turns is not None and isinstance(update, Update):
                if self._outbox is not None and key is not None:
                    await self._outbox.sent(key)
                await self._turns.give_back(update.update_id)
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up: a chat's queue exists while it has updates."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for every update before shutting down."""
