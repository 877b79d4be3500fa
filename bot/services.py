"""The services a handler may call, built once per application."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.groups import GroupService
from bot.knowledge.service import KnowledgeService
from bot.meetings.notify import MeetingRenderer
from bot.meetings.service import MeetingService
from bot.members import MemberService
from bot.reminders.health import DeliveryHealth
from bot.reminders.model import Renderer, Wakeup
from bot.reminders.status import DeliveryStatusService
from bot.settings import Settings
from bot.tasks.digest import DigestRenderer, DigestService
from bot.tasks.notify import TaskRenderer
from bot.tasks.service import TaskService
from bot.throttle import SenderThrottle
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.tasks import TaskRepository


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    members: MemberService
    groups: GroupService
    tasks: TaskService
    digest: DigestService
    meetings: MeetingService
    knowledge: KnowledgeService
    wakeup: Wakeup
    health: DeliveryHealth
    delivery: DeliveryStatusService
    throttle: SenderThrottle
    renderers: dict[str, Renderer] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, clock: Clock) -> Services:
        db = Database(settings.database_path)
        wakeup = Wakeup()
        task_repository = TaskRepository(db)
        health = DeliveryHealth(clock)
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            members=MemberService(db, clock, settings.admin_ids),
            groups=GroupService(db, clock),
            tasks=TaskService(db, clock, settings, wakeup),
            digest=DigestService(db, clock, settings, wakeup),
            meetings=MeetingService(db, clock, settings, wakeup),
            knowledge=KnowledgeService(db, clock),
            wakeup=wakeup,
            health=health,
            delivery=DeliveryStatusService(db, clock, health),
            throttle=SenderThrottle(clock, settings.commands_per_minute),
            renderers={
                "task": TaskRenderer(task_repository, settings),
                "digest": DigestRenderer(task_repository, settings),
                "meeting": MeetingRenderer(MeetingRepository(db), settings),
            },
        )
