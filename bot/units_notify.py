"""Messages about rosters and extension requests, sent through the reminder pipeline in each
recipient's language."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot import callbacks
from bot.clock import from_epoch
from bot.i18n import _, format_datetime
from bot.reminders.model import Button, Kind, Notification, RenderContext, render_each
from bot.settings import Settings
from bot.tasks import render
from storage.extensions import ExtensionRepository
from storage.members import MemberRepository
from storage.reminders import Reminder
from storage.task_lists import TaskListRepository
from storage.tasks import TaskFilter, TaskRepository
from storage.units import UnitRepository

# Open tasks listed in a "left the unit" notice; the rest are in /alltasks @member.
TASKS_LISTED = 10


class UnitRenderer:
    def __init__(self, units: UnitRepository, members: MemberRepository,
                 tasks: TaskRepository) -> None:
        self.units = units
        self.members = members
        self.lists = TaskListRepository(tasks.db)

    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        return await render_each(reminders, context, self._left)

    async def _left(self, reminder: Reminder) -> Notification | None:
        unit = await self.units.get(reminder.event_id)
        who = (await self.members.by_ids([reminder.subject_id or 0])).get(reminder.subject_id
                                                                          or 0)
        if unit is None or who is None:
            return None
        text = _("👋 {name} is no longer on the roster of {unit}: they will not receive its "
                 "reminders and meetings.").format(name=html.escape(who.display_name),
                                                   unit=html.escape(unit.name))
        tasks = await self.lists.first(TaskFilter(member_id=who.id, group_chat_id=unit.id),
                                       TASKS_LISTED)
        if tasks:
            text += "\n" + _("Their part is still open in these tasks; reassign them with "
                             "<code>/edittask N -@old +@new</code>:")
            text += "".join(f"\n• {render.title(t)}" for t in tasks)
        return Notification(text)


class ExtensionRenderer:
    def __init__(self, requests: ExtensionRepository, tasks: TaskRepository,
                 members: MemberRepository, settings: Settings) -> None:
        self.requests = requests
        self.tasks = tasks
        self.members = members
        self.settings = settings

    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        return await render_each(reminders, context, self._one)

    async def _one(self, reminder: Reminder) -> Notification | None:
        request = await self.requests.get(reminder.event_id)
        task = await self.tasks.get(request.task_id) if request else None
        if request is None or task is None or request.due_at is None:
            return None
        asker = (await self.members.by_ids([request.member_id])).get(request.member_id)
        when = format_datetime(from_epoch(request.due_at), self.settings.zone)
        title = render.title(task)
        if reminder.kind == Kind.EXT_APPROVED:
            return Notification(_("✅ Your request is approved: task {title} is now due {when}."
                                  ).format(title=title, when=when))
        if reminder.kind == Kind.EXT_DECLINED:
            return Notification(_("Your request for more time on task {title} was declined; "
                                  "the deadline stays.").format(title=title))
        if request.status != "pending" or asker is None:
            return None
        text = _("📅 {name} asks for more time on task {title}: until {when}.\nReason: {reason}"
                 ).format(name=html.escape(asker.display_name), title=title, when=when,
                          reason=html.escape(request.reason or ""))
        buttons = ((Button(_("✅ Approve"), data=callbacks.EXTENSION_APPROVE.pack(request.id)),
                    Button(_("❌ Decline"), data=callbacks.EXTENSION_DECLINE.pack(request.id))),)
        return Notification(text, buttons)
