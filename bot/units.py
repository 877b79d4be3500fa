"""Units and their rosters: making a group a unit, its parent, who belongs to it (from every
source Telegram offers and from admins), and unit admins."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.access import Scope
from bot.clock import Clock
from bot.read_cache import ReadCache
from bot.reminders.model import Kind, Wakeup
from bot.work import UnitOfWork
from storage.chats import ChatRepository
from storage.database import Database
from storage.members import Member, MemberRepository
from storage.reminders import NewReminder
from storage.units import RosterEntry, Unit, UnitRepository, takes_on

NAME_LIMIT = 100


class UnitOutcome(Enum):
    DONE = "done"
    UNCHANGED = "unchanged"
    NOT_A_UNIT = "not_a_unit"
    NOT_ALLOWED = "not_allowed"
    NO_SUCH_PARENT = "no_such_parent"
    AMBIGUOUS_PARENT = "ambiguous_parent"
    OWN_PARENT = "own_parent"  # a unit under itself or under its own child
    NOT_STARTED = "not_started"  # a placeholder cannot hold a role


@dataclass(frozen=True)
class ImportRow:
    line: int
    username: str | None
    telegram_id: int | None
    full_name: str


class UnitService:
    def __init__(self, db: Database, clock: Clock, wakeup: Wakeup) -> None:
        self.db = db
        self.work = UnitOfWork(db, clock, wakeup)
        self.units = UnitRepository(db)
        self.chats = ChatRepository(db)
        self.members = MemberRepository(db)
        # What every message in a group reads, kept until the next write.
        self._statuses: ReadCache[tuple[int, int], tuple[str, str, str] | None] = ReadCache(db)
        self._units: ReadCache[int, Unit | None] = ReadCache(db)

    async def get(self, chat_id: int) -> Unit | None:
        """The unit of a group chat, read at most once between two writes (every command in
        a group asks for it)."""
        return await self._units.get(chat_id, lambda: self.units.get(chat_id))

    async def by_name(self, name: str) -> list[Unit]:
        return await self.units.by_name(name)

    async def all(self) -> list[Unit]:
        return await self.units.all()

    async def managed(self, scope: Scope) -> list[Unit]:
        """The units this admin manages: all of them for an organisation admin, a unit admin's
        own units and those under them."""
        return [unit for unit in await self.units.all() if scope.manages(unit.id)]

    async def roster(self, unit_id: int, page: int,
                     size: int) -> tuple[list[RosterEntry], int, int]:
        """(entries, how many are on the roster, the page shown): page ``page`` from 1, or
        the nearest that exists when people left meanwhile."""
        total = await self.units.roster_size(unit_id)
        page = min(max(page, 1), max(1, -(-total // size)))
        return await self.units.roster(unit_id, (page - 1) * size, size), total, page

    # ---- the unit itself -----------------------------------------------------------------
    async def subscribe(self, actor: Member, scope: Scope, chat_id: int, chat_type: str,
                        title: str, name: str | None) -> tuple[UnitOutcome, str]:
        """Make a group a unit (or rename it); organisation admins only. Returns the unit's
        name: the one given, else the one it had, else the group's title."""
        if not scope.org_admin:
            return UnitOutcome.NOT_ALLOWED, ""
        name = name.strip()[:NAME_LIMIT] if name and name.strip() else None
        unit = await self.units.get(chat_id)
        if unit is not None and name is None:
            return UnitOutcome.UNCHANGED, unit.name
        async with self.work.change(actor, "subscribe", f"chat:{chat_id}") as change:
            await self.chats.record_seen(change.conn, chat_id, chat_type, title, change.now)
            if unit is None:
                assert actor.telegram_id is not None
                await self.chats.set_subscribed(change.conn, chat_id, True, actor.telegram_id,
                                                change.now)
            if name is not None:
                await self.units.set_name(change.conn, chat_id, name, change.now)
                change.details = f"name={name}"
        return UnitOutcome.DONE, name or (unit.name if unit else title)

    async def unsubscribe(self, actor: Member, scope: Scope, chat_id: int) -> UnitOutcome:
        if not scope.org_admin:
            return UnitOutcome.NOT_ALLOWED
        chat = await self.chats.get(chat_id)
        if chat is None or not chat.subscribed:
            return UnitOutcome.UNCHANGED
        async with self.work.change(actor, "unsubscribe", f"chat:{chat_id}") as change:
            assert actor.telegram_id is not None
            await self.chats.set_subscribed(change.conn, chat_id, False, actor.telegram_id,
                                            change.now)
        return UnitOutcome.DONE

    async def set_parent(self, actor: Member, scope: Scope, unit_id: int,
                         parent_name: str | None) -> tuple[UnitOutcome, Unit | None]:
        """Put a unit under another (by name), or at the top with no name."""
        if not scope.org_admin:
            return UnitOutcome.NOT_ALLOWED, None
        unit = await self.units.get(unit_id)
        if unit is None:
            return UnitOutcome.NOT_A_UNIT, None
        parent = None
        if parent_name:
            found = await self.units.by_name(parent_name)
            if not found:
                return UnitOutcome.NO_SUCH_PARENT, None
            if len(found) > 1:
                return UnitOutcome.AMBIGUOUS_PARENT, None
            parent = found[0]
            if parent.id == unit.id or parent.id in await self.units.descendants([unit.id]):
                return UnitOutcome.OWN_PARENT, parent
        async with self.work.change(actor, "unit.parent", f"chat:{unit_id}") as change:
            await self.units.set_parent(change.conn, unit_id, parent.id if parent else None,
                                        change.now)
            change.details = f"parent={parent.id if parent else ''}"
        return UnitOutcome.DONE, parent

    # ---- rosters -------------------------------------------------------------------------
    async def joined(self, unit_id: int, member: Member, source: str,
                     actor: Member | None = None) -> bool:
        """Someone belongs to the unit; True if they were not on its roster. Writes only on
        a change, so the hot path of every group message reads at most once between two
        writes."""
        status = await self._statuses.get(
            (unit_id, member.id), lambda: self.units.status(unit_id, member.id))
        if status is not None and not takes_on(status[0], status[2], source):
            return False  # on it already, or taken off by an admin and joining by oneself
        if await self.get(unit_id) is None:
            return False
        async with self.work.change(actor, "roster.join", f"chat:{unit_id}") as change:
            joined = await self.units.join(change.conn, unit_id, member.id, source, change.now)
            change.details = f"member:{member.id} source={source}"
        return joined

    async def left(self, unit_id: int, member: Member, source: str,
                   actor: Member | None = None) -> bool:
        """Someone left the unit or was taken off its roster: they stop receiving its
        reminders; their own open parts stay until an admin reassigns them, and the unit's
        admins are told which."""
        async with self.work.change(actor, "roster.leave", f"chat:{unit_id}") as change:
            if not await self.units.leave(change.conn, unit_id, member.id, source, change.now):
                return False
            await self.units.withdraw_invitations(change.conn, unit_id, member.id, change.now)
            admins = await self.units.admin_ids(change.conn, unit_id)
            change.plan(NewReminder("unit", unit_id, Kind.MEMBER_LEFT, admin_id, None, change.now,
                                    change.now, member.id) for admin_id in admins)
            change.details = f"member:{member.id} source={source}"
        return True

    async def set_unit_admin(self, actor: Member, scope: Scope, unit_id: int, target: Member,
                             admin: bool) -> UnitOutcome:
        """Make someone an admin of this unit (e.g. the cell secretary), or take it back."""
        if not scope.manages(unit_id):
            return UnitOutcome.NOT_ALLOWED
        if await self.units.get(unit_id) is None:
            return UnitOutcome.NOT_A_UNIT
        if target.telegram_id is None:
            return UnitOutcome.NOT_STARTED
        status = await self.units.status(unit_id, target.id)
        role = "admin" if admin else "member"
        on_roster = status is not None and status[0] == "member"
        if (on_roster and status[1] == role) or (not on_roster and not admin):
            return UnitOutcome.UNCHANGED  # nothing to take from someone not on the roster
        action = "unit.grant" if admin else "unit.revoke"
        async with self.work.change(actor, action, f"chat:{unit_id}") as change:
            await self.units.join(change.conn, unit_id, target.id, "admin", change.now)
            await self.units.set_role(change.conn, unit_id, target.id, role, change.now)
            change.details = f"member:{target.id} tg:{target.telegram_id}"
        return UnitOutcome.DONE

    async def add(self, actor: Member, scope: Scope, unit_id: int,
                  usernames: list[str]) -> tuple[UnitOutcome, list[Member]]:
        """Put people on the roster by @username (placeholders for those never seen)."""
        if not scope.manages(unit_id):
            return UnitOutcome.NOT_ALLOWED, []
        if await self.units.get(unit_id) is None:
            return UnitOutcome.NOT_A_UNIT, []
        added = []
        async with self.work.change(actor, "roster.add", f"chat:{unit_id}") as change:
            for username in usernames:
                member = await self.members.placeholder(change.conn, username, change.now)
                if await self.units.join(change.conn, unit_id, member.id, "admin", change.now):
                    added.append(member)
            change.details = f"added={len(added)}"
        return UnitOutcome.DONE, added

    async def remove(self, actor: Member, scope: Scope, unit_id: int,
                     member: Member) -> UnitOutcome:
        if not scope.manages(unit_id):
            return UnitOutcome.NOT_ALLOWED
        changed = await self.left(unit_id, member, "admin", actor)
        return UnitOutcome.DONE if changed else UnitOutcome.UNCHANGED

    async def import_rows(self, actor: Member, scope: Scope, unit_id: int,
                          rows: list[ImportRow]) -> tuple[UnitOutcome, int]:
        """Put every row's person on the roster, all in one transaction."""
        if not scope.manages(unit_id):
            return UnitOutcome.NOT_ALLOWED, 0
        if await self.units.get(unit_id) is None:
            return UnitOutcome.NOT_A_UNIT, 0
        added = 0
        async with self.work.change(actor, "roster.import", f"chat:{unit_id}") as change:
            for row in rows:
                member = await self.members.imported(change.conn, row.telegram_id,
                                                     row.username, row.full_name, change.now)
                if await self.units.join(change.conn, unit_id, member.id, "import", change.now):
                    added += 1
            change.details = f"rows={len(rows)} added={added}"
        return UnitOutcome.DONE, added
