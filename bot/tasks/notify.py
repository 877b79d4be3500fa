"""Reminder texts for tasks, rendered when they are sent, in each recipient's language."""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import from_epoch
from bot.i18n import _, format_datetime, use_language
from bot.reminders.model import Button, Notification, RenderContext
from bot.settings import Settings
from bot.tasks import render
from storage.members import Member
from storage.reminders import Reminder
from storage.tasks import Task, TaskRepository

# A reminder this much behind its time says it is late (the bot was down or throttled).
LATE_AFTER = 60
_NOTICES = ("notice_done", "notice_cancelled", "notice_edited")


def task_buttons(task_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("✅ Done"), data=f"td:{task_id}"),
             Button(_("⏰ Snooze 1h"), data=f"ts:{task_id}")),)


class TaskRenderer:
    def __init__(self, tasks: TaskRepository, settings: Settings) -> None:
        self.tasks = tasks
        self.settings = settings

    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        ids = {r.event_id for r in reminders}
        tasks = await self.tasks.by_ids(ids)
        assignees = await self.tasks.assignees(ids)
        notes: dict[int, Notification | None] = {}
        for reminder in reminders:
            with use_language(context.language(reminder)):
                notes[reminder.id] = self._one(
                    reminder, tasks.get(reminder.event_id), assignees.get(reminder.event_id, []),
                    context.recipient(reminder), context,
                )
        return notes

    def _one(
        self, reminder: Reminder, task: Task | None, assignees: list[Member],
        recipient: Member | None, context: RenderContext,
    ) -> Notification | None:
        if task is None or (not task.is_open and reminder.kind not in _NOTICES):
            return None
        zone = self.settings.zone
        now = context.now
        late = now - reminder.fire_at > LATE_AFTER
        title = render.title(task)
        who = render.names(assignees)
        when = render.deadline(task, now, zone)
        buttons = task_buttons(task.id)
        match reminder.kind:
            case "before" | "snooze":
                text = _("⏰ Reminder: task {title} is due {when}.\nAssigned to: {who}").format(
                    title=title, when=when, who=who)
            case "due" if late:
                text = _("⚠️ Task {title} is overdue: the deadline was {when}.\n"
                         "Assigned to: {who}").format(title=title, when=when, who=who)
                late = False  # the overdue notice says it all
            case "due":
                text = _("⌛ Task {title} is due now.\nAssigned to: {who}").format(
                    title=title, who=who)
            case "escalation":
                text = _("🚨 Task {title}, assigned to {who}, is still open: the deadline was "
                         "{when}.").format(title=title, who=who, when=when)
            case "assigned":
                text = _("📌 You have a new task {title}, due {when}.").format(
                    title=title, when=when)
            case "fallback":
                assert recipient is not None
                return self._fallback(task, recipient, when, context.bot_username)
            case "notice_done":
                text, buttons = _("✅ Task {title} is done.").format(title=title), ()
            case "notice_cancelled":
                text, buttons = _("🗑 Task {title} was cancelled.").format(title=title), ()
            case "notice_edited":
                text = _("📅 Task {title} has a new deadline: {when}.").format(
                    title=title, when=when)
            case _:
                raise ValueError(f"unknown task reminder kind {reminder.kind!r}")
        if late:
            text += "\n" + _("<i>Sent late: it was due at {time}.</i>"
                              ).format(time=format_datetime(from_epoch(reminder.fire_at), zone))
        return Notification(text, buttons, fallback_chat_id=task.group_chat_id)

    @staticmethod
    def _fallback(task: Task, member: Member, when: str, bot_username: str) -> Notification:
        text = _("{mention}, I cannot send you private messages, so here is your reminder: "
                 "task {title} is due {when}. Tap “Start” below so I can remind you "
                 "privately.").format(mention=render.mention(member), title=render.title(task),
                                      when=when)
        start = Button(_("▶️ Start"), url=f"https://t.me/{bot_username}?start=task{task.id}")
        return Notification(text, ((start,),))
