"""Tasks: who a task is for, each assignee's part, and every change with its reminders and
notices in one unit of work. Role and unit checks happen here, not in handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.access import Scope
from bot.clock import Clock, epoch
from bot.reminders.model import Kind, Wakeup
from bot.reminders.planner import notice, plan_deadline, plan_escalation
from bot.settings import Settings
from bot.tasks.model import Outcome, Result, TaskView
from bot.work import Change, UnitOfWork
from storage.database import Database
from storage.members import Member, MemberRepository
from storage.reminders import NewReminder, ReminderRepository
from storage.tasks import Report, Task, TaskRepository
from storage.units import UnitRepository

SNOOZE = timedelta(hours=1)
# The reminders a deadline plans; re-planning replaces these and leaves one-off notices.
SCHEDULE_KINDS = (Kind.BEFORE, Kind.DUE, Kind.ESCALATION, Kind.SNOOZE)
# A priority task gets one more reminder this long before its deadline.
PRIORITY_REMINDER = timedelta(hours=1)


@dataclass(frozen=True)
class TaskRequest:
    title: str
    due: datetime
    usernames: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()  # people named by replying to their message
    tag: str | None = None
    unit_id: int | None = None  # the group it was created in, if that group is a unit
    meeting_id: int | None = None
    priority: str | None = None
    member_ids: tuple[int, ...] = ()  # people already known by id (a series' assignees)
    series_id: int | None = None  # the repeating task this is an occurrence of


class TaskService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, wakeup: Wakeup) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.work = UnitOfWork(db, clock, wakeup)
        self.tasks = TaskRepository(db)
        self.members = MemberRepository(db)
        self.units = UnitRepository(db)
        self.reminders = ReminderRepository(db)

    # ---- reading -------------------------------------------------------------------------
    async def view(self, task_id: int) -> TaskView | None:
        task = await self.tasks.get(task_id)
        if task is None:
            return None
        return TaskView(task, (await self.tasks.parts([task_id])).get(task_id, []))

    async def unreachable(self, scope: Scope, limit: int) -> list[tuple[Member, int | None]]:
        """Everyone for an organisation admin; for a unit admin, those with open parts in the
        tasks they manage (their units' or created by them)."""
        if scope.member is None or not scope.is_admin:
            return []
        return await self.tasks.unreachable_assignees(limit, scope.unit_filter, scope.member.id)

    @staticmethod
    def manages(scope: Scope, task: Task) -> bool:
        """Admins of the task's unit, organisation admins, and whoever created it."""
        creator = scope.member is not None and task.created_by == scope.member.id
        return scope.manages(task.group_chat_id) or (creator and scope.is_admin)

    def may_see(self, scope: Scope, view: TaskView, group_id: int | None) -> bool:
        """Its assignees, those who manage it, and its own group; asked in a group, only that
        group's own tasks, so nothing of one unit shows in another's group."""
        member = scope.member
        if member is None:
            return False
        if group_id is not None:
            return group_id == view.task.group_chat_id
        return self.manages(scope, view.task) or view.is_assignee(member)

    # ---- creating ------------------------------------------------------------------------
    async def create(self, actor: Member, scope: Scope, new: TaskRequest) -> Result:
        """Store a task for the people named, or for the unit's whole roster when nobody is
        named in a unit's group. Unknown usernames are kept as placeholders."""
        if new.unit_id is not None and not scope.manages(new.unit_id):
            return Result(Outcome.NOT_ALLOWED)
        if not scope.is_admin:
            return Result(Outcome.NOT_ALLOWED)
        named = bool(new.usernames or new.members or new.member_ids)
        if not named and new.unit_id is None:
            return Result(Outcome.NEED_ASSIGNEE)
        strangers = await self.outside_scope(scope, new.usernames, new.members)
        if strangers:
            return Result(Outcome.NOT_IN_UNITS, names=strangers)
        return await self.insert(actor, new)

    async def outside_scope(self, scope: Scope, usernames: tuple[str, ...],
                            members: tuple[Member, ...] = ()) -> tuple[Member, ...]:
        """Those a unit admin may not give work to: anyone not on the roster of a unit they
        manage (someone the bot has never seen is on none). Organisation admins may name
        anyone."""
        if scope.org_admin:
            return ()
        named = list(members)
        for username in usernames:
            found = await self.members.by_username(username)
            named.append(found or Member(0, None, username, "", "vi", "member", None, 0))
        inside = await self.units.on_rosters((m.id for m in named), scope.admin_units)
        return tuple(m for m in named if m.id not in inside)

    async def insert(self, actor: Member, new: TaskRequest) -> Result:
        """Store a task whose asker's rights are settled (a series' occurrence, say)."""
        try:
            task_id = await self._insert(actor, new)
        except Abort as abort:
            return Result(abort.outcome)
        view = await self.view(task_id)
        assert view is not None
        return Result(Outcome.CREATED, view)

    async def _insert(self, actor: Member, new: TaskRequest) -> int:
        async with self.work.change(actor, "task.create", "task:new") as change:
            assignees = await self._assignees(change, new)
            if not assignees:
                raise Abort(Outcome.EMPTY_ROSTER)
            task_id = await self.tasks.insert(
                change.conn, title=new.title, tag=new.tag, due_at=epoch(new.due),
                group_chat_id=new.unit_id, created_by=actor.id, now=change.now,
                meeting_id=new.meeting_id, priority=new.priority, series_id=new.series_id,
            )
            if task_id is None:
                raise Abort(Outcome.ALREADY_DONE)  # this occurrence exists already
            await self.tasks.add_assignees(change.conn, task_id, assignees)
            task = Task(task_id, new.title, new.tag, epoch(new.due), "open", new.unit_id,
                        actor.id, change.now, None, None, new.meeting_id, new.priority,
                        new.series_id)
            change.plan(self.plan(task, assignees, change.now))
            change.plan(self.notices(task, Kind.ASSIGNED, [m for m in assignees if m != actor.id],
                                      change.now, group=False))
            change.target = f"task:{task_id}"
            change.details = f"due={task.due_at} parts={len(assignees)}"
        return task_id

    async def _assignees(self, change: Change, new: TaskRequest) -> list[int]:
        """The named people in the order named, or else the unit's roster."""
        found = [*new.member_ids, *(m.id for m in new.members if m.id not in new.member_ids)]
        for username in new.usernames:
            placeholder = await self.members.placeholder(change.conn, username, change.now)
            if placeholder.id not in found:
                found.append(placeholder.id)
        if not found and new.unit_id is not None:
            found = await self.units.roster_ids(change.conn, new.unit_id)
        return found

    def plan(self, task: Task, member_ids: list[int], now: int) -> list[NewReminder]:
        offsets = list(self.settings.task_reminder_offsets)
        if task.priority is not None:
            offsets.append(PRIORITY_REMINDER)
        return plan_deadline(
            event_kind="task", event_id=task.id, event_at=task.due_at, now=now,
            offsets=sorted(set(offsets), reverse=True), member_ids=member_ids,
            group_chat_id=task.group_chat_id,
        ) + plan_escalation(
            event_kind="task", event_id=task.id, event_at=task.due_at,
            after=self.settings.escalate_after, member_id=task.created_by,
        )

    @staticmethod
    def notices(
        task: Task, kind: str, member_ids: list[int], now: int, *, group: bool,
        subject_id: int | None = None,
    ) -> list[NewReminder]:
        rows = [NewReminder("task", task.id, kind, member_id, None, task.due_at, now, subject_id)
                for member_id in member_ids]
        if group and task.group_chat_id is not None:
            rows.append(notice(event_kind="task", event_id=task.id, kind=kind,
                               event_at=task.due_at, now=now, chat_id=task.group_chat_id))
        return rows

    # ---- parts ---------------------------------------------------------------------------
    async def complete(
        self, actor: Member, scope: Scope, task_id: int, *, others: tuple[Member, ...] = (),
        everyone: bool = False, report: Report | None = None,
    ) -> Result:
        """Close the sender's own part, or (admins) named parts or every open part."""
        view = await self.open_view(task_id)
        if isinstance(view, Result):
            return view
        if others or everyone:
            if not self.manages(scope, view.task):
                return Result(Outcome.NOT_ALLOWED)
            strangers = tuple(m for m in others if not view.is_assignee(m))
            if strangers:
                return Result(Outcome.NOT_ASSIGNEE, view, names=strangers)
            targets = [p.member for p in view.parts if p.is_open] if everyone else list(others)
        else:
            part = view.part_of(actor)
            if part is None:
                return Result(Outcome.NOT_ASSIGNEE, view)
            if not part.is_open:
                return Result(Outcome.ALREADY_DONE, view)
            targets = [actor]
        return await self._close_parts(actor, view, targets, "done", report=report)

    async def excuse(self, actor: Member, scope: Scope, task_id: int, member: Member,
                     reason: str) -> Result:
        """An admin releases one assignee from their part, with a reason."""
        view = await self.open_view(task_id)
        if isinstance(view, Result):
            return view
        if not self.manages(scope, view.task):
            return Result(Outcome.NOT_ALLOWED)
        if not view.is_assignee(member):
            return Result(Outcome.NOT_ASSIGNEE, view, names=(member,))
        return await self._close_parts(actor, view, [member], "excused", reason=reason)

    async def _close_parts(
        self, actor: Member, view: TaskView, targets: list[Member], status: str, *,
        report: Report | None = None, reason: str | None = None,
    ) -> Result:
        task = view.task
        try:
            closed, remaining = await self._close(actor, task, targets, status, report, reason)
        except Abort as abort:  # nothing was open any more: nothing written, nobody told
            return Result(abort.outcome, await self.view(task.id))
        outcome = Outcome.TASK_DONE if not remaining else (
            Outcome.EXCUSED if status == "excused" else Outcome.PART_DONE)
        return Result(outcome, await self.view(task.id), count=closed)

    async def _close(
        self, actor: Member, task: Task, targets: list[Member], status: str,
        report: Report | None, reason: str | None,
    ) -> tuple[int, list[int]]:
        """Close the open parts among ``targets`` (two presses at once close them once);
        the creator hears of a report, and everyone of the last part."""
        async with self.work.change(actor, f"task.part.{status}", f"task:{task.id}") as change:
            closed = 0
            for member in targets:
                if await self.tasks.close_part(change.conn, task.id, member.id, status=status,
                                               by=actor.id, now=change.now, report=report,
                                               reason=reason):
                    closed += 1
                    await self.reminders.cancel_pending_for(change.conn, "task", task.id,
                                                            member_id=member.id)
            if closed == 0:
                raise Abort(Outcome.ALREADY_DONE)
            if report is not None and task.created_by not in (None, actor.id):
                change.plan(self.notices(task, Kind.REPORT, [task.created_by], change.now,
                                          group=False, subject_id=actor.id))
            remaining = await self.tasks.open_part_ids(change.conn, task.id)
            if not remaining:
                await self.tasks.set_status(change.conn, task.id, "done", actor.id, change.now)
                await self.reminders.cancel_pending(change.conn, "task", task.id)
                creator = [task.created_by] if task.created_by not in (None, actor.id) else []
                change.plan(self.notices(task, Kind.NOTICE_ALL_DONE, creator, change.now,
                                          group=True))
            change.details = f"{status}={closed} open={len(remaining)}"
        return closed, remaining

    async def open_view(self, task_id: int) -> TaskView | Result:
        """The task if it can still change; otherwise the outcome that says why not."""
        view = await self.view(task_id)
        if view is None:
            return Result(Outcome.NOT_FOUND)
        if view.task.status == "cancelled":
            return Result(Outcome.WAS_CANCELLED, view)
        if not view.task.is_open:
            return Result(Outcome.NOT_OPEN, view)
        return view

    # ---- changing the task ---------------------------------------------------------------
    async def cancel(self, actor: Member, scope: Scope, task_id: int) -> Result:
        """Cancel a task: every assignee whose part was open, and its group, are told."""
        view = await self.open_view(task_id)
        if isinstance(view, Result):
            return view
        task = view.task
        if not self.manages(scope, task):
            return Result(Outcome.NOT_ALLOWED)
        told = [p.member.id for p in view.parts if p.is_open and p.member.id != actor.id]
        async with self.work.change(actor, "task.cancelled", f"task:{task.id}") as change:
            await self.tasks.set_status(change.conn, task.id, "cancelled", actor.id, change.now)
            await self.reminders.cancel_pending(change.conn, "task", task.id)
            change.plan(self.notices(task, Kind.NOTICE_CANCELLED, told, change.now, group=True))
        return Result(Outcome.CANCELLED, await self.view(task_id), count=len(told))

    async def snooze(self, actor: Member, scope: Scope, task_id: int,
                     chat_id: int | None) -> Result:
        """Remind again in an hour, in the chat where the button was pressed; pressing again
        moves the one pending snooze instead of adding another."""
        view = await self.open_view(task_id)
        if isinstance(view, Result):
            return view
        if not (self.manages(scope, view.task) or view.is_assignee(actor)):
            return Result(Outcome.NOT_ASSIGNEE, view)
        member_id = None if chat_id else actor.id
        async with self.work.change(actor, "task.snooze", f"task:{task_id}") as change:
            await self.reminders.cancel_pending_for(change.conn, "task", task_id,
                                                    member_id=member_id, chat_id=chat_id,
                                                    kind=Kind.SNOOZE)
            fire_at = change.now + int(SNOOZE.total_seconds())
            change.plan([NewReminder("task", task_id, Kind.SNOOZE, member_id, chat_id,
                                     view.task.due_at, fire_at)])
            change.details = f"until={fire_at}"
        return Result(Outcome.SNOOZED, view)

    async def remind_open(self, actor: Member, scope: Scope, task_id: int) -> Result:
        """Remind, privately, only those whose part is still open."""
        view = await self.open_view(task_id)
        if isinstance(view, Result):
            return view
        if not self.manages(scope, view.task):
            return Result(Outcome.NOT_ALLOWED)
        open_ids = [p.member.id for p in view.parts if p.is_open]
        async with self.work.change(actor, "task.nudge", f"task:{task_id}") as change:
            change.plan(self.notices(view.task, Kind.NUDGE, open_ids, change.now, group=False))
            change.details = f"count={len(open_ids)}"
        return Result(Outcome.SNOOZED, view, count=len(open_ids))


class Abort(Exception):
    """Leave a unit of work without writing anything, with the outcome to report."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.value)
        self.outcome = outcome


