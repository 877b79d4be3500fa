"""Members and roles: registration, language choice, and granting or revoking admin."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import aiosqlite

from bot.clock import Clock, epoch
from bot.read_cache import ReadCache
from bot.reminders.model import Kind, Wakeup
from bot.settings import ANONYMOUS_ADMIN_ID
from bot.work import UnitOfWork
from storage.audit import AuditRepository
from storage.claims import ClaimRepository
from storage.database import Database
from storage.members import Member, MemberRepository
from storage.reminders import NewReminder


@dataclass(frozen=True)
class Person:
    """What Telegram tells us about a user, without depending on telegram types."""

    telegram_id: int
    username: str | None
    full_name: str
    language: str


class RoleChange(Enum):
    GRANTED = "granted"
    REVOKED = "revoked"
    ALREADY_ADMIN = "already_admin"
    NOT_ADMIN = "not_admin"
    CONFIGURED_ADMIN = "configured_admin"
    ANONYMOUS = "anonymous"
    NOT_STARTED = "not_started"


class MemberService:
    def __init__(
        self, db: Database, clock: Clock, configured_admins: frozenset[int], wakeup: Wakeup
    ) -> None:
        self.db = db
        self.clock = clock
        self.configured_admins = configured_admins
        self.members = MemberRepository(db)
        self.audit = AuditRepository(db)
        self.claims = ClaimRepository(db)
        self.work = UnitOfWork(db, clock, wakeup)
        self._by_telegram_id: ReadCache[int, Member | None] = ReadCache(db)

    async def seen(self, person: Person, *, started: bool = False) -> Member:
        """Record a person the bot has just heard from; /start also marks them reachable.

        Every update passes here, so a person already known as they are is only read (and
        not even that again until something is written): reads keep working while the
        database cannot be written (a full disk, a held lock)."""
        known = await self._by_telegram_id.get(
            person.telegram_id, lambda: self.members.by_telegram_id(person.telegram_id))
        if known is not None and _unchanged(known, person, started):
            return known
        waiting = await self.members.placeholder_id(person.username)
        if waiting is not None:
            return await self._claim(person, started, waiting)
        async with self.db.transaction() as conn:
            return await self._record(conn, person, started, epoch(self.clock.now()))

    async def _record(self, conn: aiosqlite.Connection, person: Person, started: bool,
                      now: int) -> Member:
        return await self.members.record_seen(
            conn, telegram_id=person.telegram_id, username=person.username,
            full_name=person.full_name, language=person.language, started=started, now=now)

    async def _claim(self, person: Person, started: bool, placeholder_id: int) -> Member:
        """The account holding a placeholder's username takes it over, with its work; the
        admins who gave that work are told who took it, with a button to give it back (a
        username can change hands before its new holder starts the bot)."""
        assert person.username is not None
        async with self.work.change(None, "member.claim", f"username:{person.username}") as change:
            tasks, meetings = await self.claims.work_of(change.conn, placeholder_id)
            member = await self._record(change.conn, person, started, change.now)
            if tasks or meetings:
                claim_id = await self.claims.record(
                    change.conn, username=person.username, member_id=member.id, task_ids=tasks,
                    meeting_ids=meetings, now=change.now)
                admins = await self.claims.creators(change.conn, tasks, meetings)
                change.plan(NewReminder("claim", claim_id, Kind.CLAIMED, admin, None, change.now,
                                        change.now, member.id)
                            for admin in admins if admin != member.id)
                change.details = f"claim:{claim_id} member:{member.id}"
        return member

    async def find(self, username: str) -> Member | None:
        return await self.members.by_username(username)

    async def known_admins(self) -> list[Member]:
        """Admins the bot has met: granted ones, and configured ones who wrote to it."""
        found = {m.id: m for m in await self.members.admins() if self.is_admin(m)}
        for telegram_id in sorted(self.configured_admins):
            member = await self.members.by_telegram_id(telegram_id)
            if member is not None:
                found.setdefault(member.id, member)
        return list(found.values())

    async def by_id(self, member_id: int | None) -> Member | None:
        if member_id is None:
            return None
        return (await self.members.by_ids([member_id])).get(member_id)

    def is_admin(self, member: Member) -> bool:
        if member.telegram_id is None or member.telegram_id == ANONYMOUS_ADMIN_ID:
            return False
        return member.telegram_id in self.configured_admins or member.role == "admin"

    async def set_language(self, member: Member, language: str) -> None:
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.members.set_language(conn, member.id, language, now)
            await self.audit.record(
                conn, at=now, actor_id=member.telegram_id, action="language", details=language
            )

    async def grant(self, actor: Member, target: Member) -> RoleChange:
        if target.telegram_id == ANONYMOUS_ADMIN_ID:
            return RoleChange.ANONYMOUS
        if target.telegram_id is None:
            # Only a username is known: whoever holds it later would inherit the role.
            return RoleChange.NOT_STARTED
        if self.is_admin(target):
            return RoleChange.ALREADY_ADMIN
        await self._change_role(actor, target, "admin")
        return RoleChange.GRANTED

    async def revoke(self, actor: Member, target: Member) -> RoleChange:
        if target.telegram_id in self.configured_admins:
            return RoleChange.CONFIGURED_ADMIN
        if not self.is_admin(target):
            return RoleChange.NOT_ADMIN
        await self._change_role(actor, target, "member")
        return RoleChange.REVOKED

    async def _change_role(self, actor: Member, target: Member, role: str) -> None:
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.members.set_role(conn, target.id, role, now)
            await self.audit.record(
                conn,
                at=now,
                actor_id=actor.telegram_id,
                action="grant" if role == "admin" else "revoke",
                target=_member_ref(target),
            )


def _member_ref(member: Member) -> str:
    """How the audit log names a member: stable id first, username for humans."""
    name = f" @{member.username}" if member.username else ""
    return f"member:{member.id} tg:{member.telegram_id}{name}"


def _unchanged(known: Member, person: Person, started: bool) -> bool:
    """Would recording ``person`` change nothing? (A username already held cannot be a
    placeholder's or another member's: it was taken from them when it was recorded.)"""
    reachable = known.started_at is not None and known.unreachable is None
    return (known.username == person.username and known.full_name == person.full_name
            and (reachable or not started))
