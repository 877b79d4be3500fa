"""The services a handler may call, built once per application."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.access import AccessService
from bot.claims import ClaimRenderer, ClaimService
from bot.clock import Clock
from bot.groups import GroupService
from bot.knowledge.service import KnowledgeService
from bot.meetings.checkin import CheckinService
from bot.meetings.notify import MeetingRenderer
from bot.meetings.service import MeetingService
from bot.members import MemberService
from bot.reminders.health import DeliveryHealth
from bot.reminders.model import Renderer, Wakeup
from bot.reminders.status import DeliveryStatusService
from bot.reports.export import ExportService
from bot.reports.monthly import MonthlyRenderer
from bot.reports.service import ReportService
from bot.reports.weekly import MONTHLY, WEEKLY, SummaryService, WeeklyRenderer
from bot.settings import Settings
from bot.tasks.digest import DigestRenderer, DigestService
from bot.tasks.edits import TaskEditor
from bot.tasks.extensions import ExtensionService
from bot.tasks.lists import TaskLists
from bot.tasks.notify import TaskRenderer
from bot.tasks.series import TaskSeriesService
from bot.tasks.service import TaskService
from bot.throttle import SenderThrottle
from bot.units import UnitService
from bot.units_notify import ExtensionRenderer, UnitRenderer
from storage.claims import ClaimRepository
from storage.database import Database, open_database
from storage.extensions import ExtensionRepository
from storage.meetings import MeetingRepository
from storage.members import MemberRepository
from storage.tasks import TaskRepository
from storage.units import UnitRepository


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    members: MemberService
    groups: GroupService
    units: UnitService
    access: AccessService
    tasks: TaskService
    task_lists: TaskLists
    task_edits: TaskEditor
    extensions: ExtensionService
    task_series: TaskSeriesService
    digest: DigestService
    meetings: MeetingService
    checkins: CheckinService
    knowledge: KnowledgeService
    reports: ReportService
    exports: ExportService
    summaries: SummaryService
    claims: ClaimService
    wakeup: Wakeup
    health: DeliveryHealth
    delivery: DeliveryStatusService
    throttle: SenderThrottle
    renderers: dict[str, Renderer] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, clock: Clock) -> Services:
        db = open_database(settings.database_target)
        wakeup = Wakeup()
        task_repository = TaskRepository(db)
        health = DeliveryHealth(clock)
        member_repository = MemberRepository(db)
        members = MemberService(db, clock, settings.admin_ids, wakeup)
        tasks = TaskService(db, clock, settings, wakeup)
        knowledge = KnowledgeService(db, clock)
        meetings = MeetingService(db, clock, settings, wakeup)
        reports = ReportService(db, clock, settings, knowledge)
        editor = TaskEditor(tasks)
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            members=members,
            groups=GroupService(db, clock),
            units=UnitService(db, clock, wakeup),
            access=AccessService(db, members),
            tasks=tasks,
            task_lists=TaskLists(db),
            task_edits=editor,
            extensions=ExtensionService(tasks, editor),
            task_series=TaskSeriesService(tasks),
            digest=DigestService(db, clock, settings, wakeup),
            meetings=meetings,
            checkins=CheckinService(db, clock, settings, meetings),
            knowledge=knowledge,
            reports=reports,
            exports=ExportService(reports),
            summaries=SummaryService(db, clock, settings, wakeup, members),
            claims=ClaimService(db, clock, wakeup),
            wakeup=wakeup,
            health=health,
            delivery=DeliveryStatusService(db, clock, health),
            throttle=SenderThrottle(clock, settings.commands_per_minute),
            renderers={
                "task": TaskRenderer(task_repository, member_repository, settings),
                "digest": DigestRenderer(task_repository, settings),
                "unit": UnitRenderer(UnitRepository(db), member_repository, task_repository),
                "extension": ExtensionRenderer(ExtensionRepository(db), task_repository,
                                               member_repository, settings),
                "meeting": MeetingRenderer(MeetingRepository(db), settings),
                WEEKLY: WeeklyRenderer(db, settings),
                MONTHLY: MonthlyRenderer(reports, members),
                "claim": ClaimRenderer(ClaimRepository(db), member_repository),
            },
        )
