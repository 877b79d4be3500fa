"""The services a handler may call, built once per application."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.groups import GroupService
from bot.members import MemberService
from bot.settings import Settings
from storage.database import Database


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    members: MemberService
    groups: GroupService

    @classmethod
    def create(cls, settings: Settings, clock: Clock) -> Services:
        db = Database(settings.database_path)
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            members=MemberService(db, clock, settings.admin_ids),
            groups=GroupService(db, clock),
        )
