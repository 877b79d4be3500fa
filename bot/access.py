"""Who may see and change what: organisation admins everything, a unit admin their units and
the units under them, a member their own work and their units'."""

from __future__ import annotations

from dataclasses import dataclass

from bot.members import MemberService
from bot.read_cache import ReadCache
from storage.database import Database
from storage.members import Member
from storage.units import UnitRepository


@dataclass(frozen=True)
class Scope:
    member: Member | None
    org_admin: bool = False
    admin_units: frozenset[int] = frozenset()  # units they administer, children included
    member_units: frozenset[int] = frozenset()  # rosters they are on

    @property
    def is_admin(self) -> bool:
        return self.org_admin or bool(self.admin_units)

    def manages(self, unit_id: int | None) -> bool:
        """May change things of this unit (None: work outside any unit, org admins only)."""
        return self.org_admin or (unit_id is not None and unit_id in self.admin_units)

    @property
    def unit_filter(self) -> tuple[int, ...] | None:
        """The units a list is narrowed to: None for an organisation admin (no limit)."""
        return None if self.org_admin else tuple(sorted(self.admin_units))


NOBODY = Scope(None)


class AccessService:
    def __init__(self, db: Database, members: MemberService) -> None:
        self.members = members
        self.units = UnitRepository(db)
        self._scopes: ReadCache[Member, Scope] = ReadCache(db)

    async def scope(self, member: Member | None) -> Scope:
        """What the member may see and change (every update asks: kept until a write)."""
        if member is None:
            return NOBODY
        return await self._scopes.get(member, lambda: self._scope(member))

    async def _scope(self, member: Member) -> Scope:
        org_admin = self.members.is_admin(member)
        memberships = await self.units.units_of(member.id)
        admin_of = {unit for unit, role in memberships if role == "admin"}
        if admin_of and not org_admin:
            admin_of |= set(await self.units.descendants(admin_of))
        return Scope(member, org_admin, frozenset(admin_of),
                     frozenset(unit for unit, _role in memberships))
