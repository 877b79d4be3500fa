"""Group chats: remembering them and which ones receive the committee's notifications."""

from __future__ import annotations

from bot.clock import Clock, epoch
from storage.audit import AuditRepository
from storage.chats import Chat, ChatRepository
from storage.database import Database
from storage.members import Member


class GroupService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.chats = ChatRepository(db)
        self.audit = AuditRepository(db)

    async def seen(
        self, chat_id: int, chat_type: str, title: str, member_id: int | None = None
    ) -> None:
        """Record a chat and, for a group, who spoke there: a group meeting invites everyone
        seen in the group."""
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.chats.record_seen(conn, chat_id, chat_type, title, now)
            if member_id is not None:
                await self.chats.record_member(conn, chat_id, member_id, now)

    async def migrated(self, old_id: int, new_id: int) -> None:
        """Follow a group that Telegram upgraded to a supergroup (it gets a new id)."""
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.chats.migrate(conn, old_id, new_id, now)
            await self.audit.record(conn, at=now, actor_id=None, action="chat.migrate",
                                    target=f"chat:{old_id}", details=f"to={new_id}")

    async def get(self, chat_id: int) -> Chat | None:
        return await self.chats.get(chat_id)

    async def set_subscribed(self, actor: Member, chat_id: int, subscribed: bool) -> bool:
        """Change the subscription; return False if it was already in that state."""
        chat = await self.chats.get(chat_id)
        if chat is not None and chat.subscribed == subscribed:
            return False
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.chats.set_subscribed(conn, chat_id, subscribed, actor.telegram_id, now)
            await self.audit.record(
                conn,
                at=now,
                actor_id=actor.telegram_id,
                action="subscribe" if subscribed else "unsubscribe",
                target=f"chat:{chat_id}",
            )
        return True

    async def subscribed(self) -> list[Chat]:
        return await self.chats.subscribed()
