"""Group chats: remembering them and which ones receive the committee's notifications."""

from __future__ import annotations

from bot.clock import Clock, epoch
from storage.audit import AuditRepository
from storage.chats import Chat, ChatRepository
from storage.database import Database


class GroupService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.chats = ChatRepository(db)
        self.audit = AuditRepository(db)
        # What each chat looked like when last written: the hot path compares with it.
        self._known: dict[int, tuple[str, str]] = {}

    async def seen(self, chat_id: int, chat_type: str, title: str) -> None:
        """Record a chat; only a new chat, or one whose type or title changed, is written."""
        known = self._known.get(chat_id)
        if known == (chat_type, title):
            return
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.chats.record_seen(conn, chat_id, chat_type, title, now)
        self._known[chat_id] = (chat_type, title)

    async def migrated(self, old_id: int, new_id: int) -> None:
        """Follow a group that Telegram upgraded to a supergroup (it gets a new id)."""
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.chats.migrate(conn, old_id, new_id, now)
            await self.audit.record(conn, at=now, actor_id=None, action="chat.migrate",
                                    target=f"chat:{old_id}", details=f"to={new_id}")
        self._known.pop(old_id, None)

    async def get(self, chat_id: int) -> Chat | None:
        return await self.chats.get(chat_id)
