"""More time for a task: an assignee asks (new date and reason), the creator approves or
declines with a button; approval moves the deadline and re-plans the reminders."""

from __future__ import annotations

from datetime import datetime

from bot.access import Scope
from bot.clock import epoch, from_epoch
from bot.reminders.model import Kind
from bot.tasks.edits import TaskEdit, TaskEditor
from bot.tasks.model import Outcome, Result
from bot.tasks.service import Abort, TaskService
from storage.extensions import ExtensionRepository, ExtensionRequest
from storage.members import Member
from storage.reminders import NewReminder


class ExtensionService:
    def __init__(self, tasks: TaskService, editor: TaskEditor) -> None:
        self.tasks = tasks
        self.editor = editor
        self.work = tasks.work
        self.requests = ExtensionRepository(tasks.db)

    async def ask(self, actor: Member, task_id: int) -> Result:
        """Start a request: only an assignee whose part is open may ask."""
        view = await self.tasks.view(task_id)
        if view is None:
            return Result(Outcome.NOT_FOUND)
        if view.task.status == "cancelled":
            return Result(Outcome.WAS_CANCELLED, view)
        part = view.part_of(actor)
        if part is None:
            return Result(Outcome.NOT_ASSIGNEE, view)
        if not view.task.is_open or not part.is_open:
            return Result(Outcome.ALREADY_DONE, view)
        async with self.work.change(actor, "task.extension.ask", f"task:{task_id}") as change:
            await self.requests.start(change.conn, task_id, actor.id, change.now)
        return Result(Outcome.ASK_DATE, view)

    async def drop_asking(self, actor: Member) -> None:
        """Forget a request whose question never reached the member (they never started the
        bot), so their next message is not taken for a date."""
        async with self.work.change(actor, "task.extension.drop", f"member:{actor.id}") as change:
            await self.requests.drop_asking(change.conn, actor.id)

    async def asking(self, member: Member) -> ExtensionRequest | None:
        return await self.requests.asking(member.id)

    async def submit(self, actor: Member, request: ExtensionRequest, due: datetime,
                     reason: str) -> Result:
        """The member's new date and reason go to the task's creator for a decision."""
        view = await self.tasks.view(request.task_id)
        if view is None:
            return Result(Outcome.NOT_FOUND)
        creator = view.task.created_by
        async with self.work.change(actor, "task.extension.request",
                                    f"task:{request.task_id}") as change:
            await self.requests.submit(change.conn, request.id, epoch(due), reason)
            if creator is not None:
                change.plan([NewReminder("extension", request.id, Kind.EXT_REQUEST, creator,
                                         None, view.task.due_at, change.now, actor.id)])
        return Result(Outcome.REQUESTED, view)

    async def decide(self, actor: Member, scope: Scope, request_id: int,
                     approve: bool) -> Result:
        try:
            return await self._decide(actor, scope, request_id, approve)
        except Abort as abort:
            return Result(abort.outcome)

    async def _decide(self, actor: Member, scope: Scope, request_id: int,
                      approve: bool) -> Result:
        request = await self.requests.get(request_id)
        view = await self.tasks.view(request.task_id) if request else None
        if request is None or view is None:
            return Result(Outcome.NOT_FOUND)
        if not self.tasks.manages(scope, view.task):
            return Result(Outcome.NOT_ALLOWED, view)
        if request.status != "pending":
            return Result(Outcome.DECIDED, view)
        if approve and not view.task.is_open:
            return Result(Outcome.NOT_OPEN, view)
        status = "approved" if approve else "declined"
        # The decision is taken first, once: a second press (or a second admin) finds it
        # taken and changes nothing.
        async with self.work.change(actor, f"task.extension.{status}",
                                    f"task:{view.task.id}") as change:
            if not await self.requests.decide(change.conn, request_id, status, actor.id,
                                              change.now):
                raise Abort(Outcome.DECIDED)
            kind = Kind.EXT_APPROVED if approve else Kind.EXT_DECLINED
            change.plan([NewReminder("extension", request_id, kind,
                                     request.member_id, None, view.task.due_at, change.now)])
        if approve:
            assert request.due_at is not None
            await self.editor.edit(actor, scope, view.task.id,
                                   TaskEdit(due=from_epoch(request.due_at)))
        return Result(Outcome.APPROVED if approve else Outcome.DECLINED,
                      await self.tasks.view(view.task.id))
