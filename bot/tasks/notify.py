"""Reminder texts for tasks, rendered when they are sent, in each recipient's language.

A reminder to a person goes out only while their own part is open; a group reminder says how
many parts are left (with names when few) instead of addressing everyone."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot import callbacks
from bot.clock import from_epoch
from bot.i18n import _, format_datetime, ngettext, use_language
from bot.reminders.model import Attachment, Button, Kind, Notification, RenderContext
from bot.settings import Settings
from bot.tasks import render
from bot.tasks.model import TaskView
from bot.text import shorten
from storage.members import Member, MemberRepository
from storage.reminders import Reminder
from storage.tasks import Part, TaskRepository

# A reminder this much behind its time says it is late (the bot was down or throttled).
LATE_AFTER = 60
# Notices that still go out once the task is closed.
_NOTICES = (Kind.NOTICE_ALL_DONE, Kind.NOTICE_CANCELLED, Kind.REPORT, Kind.NOTICE_UNASSIGNED)
# What goes to a person only while their own part is open.
_FOR_OPEN_PARTS = (Kind.BEFORE, Kind.DUE, Kind.SNOOZE, Kind.NUDGE, Kind.ASSIGNED,
                   Kind.FALLBACK)
# A group reminder names those left when there are at most this many.
NAMES_IN_GROUP = 5
# A report's note as shown in the creator's notice (the full note is in /task N).
NOTE_LIMIT = 300


def reminder_buttons(task_id: int) -> tuple[tuple[Button, ...], ...]:
    """What a reminder of an open part offers: done, snooze, ask for more time."""
    return (
        (Button(_("✅ Done"), data=callbacks.TASK_DONE.pack(task_id)),
         Button(_("⏰ Snooze 1h"), data=callbacks.TASK_SNOOZE.pack(task_id))),
        (Button(_("📅 Ask for more time"), data=callbacks.TASK_EXTEND.pack(task_id)),),
    )


def assigned_buttons(task_id: int) -> tuple[tuple[Button, ...], ...]:
    """A new task offers done and more time; snoozing belongs to reminders only."""
    return ((Button(_("✅ Done"), data=callbacks.TASK_DONE.pack(task_id)),
             Button(_("📅 Ask for more time"), data=callbacks.TASK_EXTEND.pack(task_id))),)


def group_buttons(task_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("✅ Done"), data=callbacks.TASK_DONE.pack(task_id)),
             Button(_("⏰ Snooze 1h"), data=callbacks.TASK_SNOOZE.pack(task_id))),)


class TaskRenderer:
    def __init__(self, tasks: TaskRepository, members: MemberRepository,
                 settings: Settings) -> None:
        self.tasks = tasks
        self.members = members
        self.settings = settings

    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        ids = {r.event_id for r in reminders}
        tasks = await self.tasks.by_ids(ids)
        parts = await self.tasks.parts(ids)
        subject_ids = {r.subject_id for r in reminders if r.subject_id}
        subjects = await self.members.by_ids(subject_ids) if subject_ids else {}
        notes: dict[int, Notification | None] = {}
        for reminder in reminders:
            task = tasks.get(reminder.event_id)
            view = TaskView(task, parts.get(reminder.event_id, [])) if task else None
            with use_language(context.language(reminder)):
                notes[reminder.id] = self._one(reminder, view, subjects, context)
        return notes

    def _one(self, reminder: Reminder, view: TaskView | None, subjects: dict[int, Member],
             context: RenderContext) -> Notification | None:
        if view is None or (not view.task.is_open and reminder.kind not in _NOTICES):
            return None
        recipient = context.recipient(reminder)
        in_group = reminder.chat_id is not None and reminder.member_id is None
        if reminder.kind in _FOR_OPEN_PARTS and not in_group:
            part = view.part_of(recipient) if recipient else None
            if part is None or not part.is_open:
                return None  # done, excused or taken off the task since it was planned
        if reminder.kind == Kind.FALLBACK:
            assert recipient is not None
            return self._fallback(view, recipient, context)
        if reminder.kind == Kind.REPORT:
            return self._report(view, subjects.get(reminder.subject_id or 0))
        text, buttons = self._text(reminder, view, context, in_group)
        if reminder.kind in (Kind.BEFORE, Kind.DUE, Kind.SNOOZE) and \
                context.now - reminder.fire_at > LATE_AFTER and not self._overdue(reminder,
                                                                                  context):
            text += "\n" + _("<i>Sent late: it was due at {time}.</i>").format(
                time=format_datetime(from_epoch(reminder.fire_at), self.settings.zone))
        # Only a reminder of one's own open part is worth a mention in the group instead.
        fallback = view.task.group_chat_id if reminder.kind in _FOR_OPEN_PARTS else None
        return Notification(text, buttons, fallback_chat_id=fallback)

    @staticmethod
    def _overdue(reminder: Reminder, context: RenderContext) -> bool:
        return reminder.kind == Kind.DUE and context.now - reminder.fire_at > LATE_AFTER

    def _text(self, reminder: Reminder, view: TaskView, context: RenderContext,
              in_group: bool) -> tuple[str, tuple[tuple[Button, ...], ...]]:
        task, zone, now = view.task, self.settings.zone, context.now
        title = render.title(task)
        when = render.deadline(task, now, zone)
        left = self._left(view) if in_group else ""
        reminders = group_buttons(task.id) if in_group else reminder_buttons(task.id)
        match reminder.kind:
            case Kind.BEFORE | Kind.SNOOZE | Kind.NUDGE:
                text = _("⏰ Reminder: task {title} is due {when}.").format(title=title,
                                                                          when=when)
            case Kind.DUE if self._overdue(reminder, context):
                text = _("⚠️ Task {title} is overdue: the deadline was {when}.").format(
                    title=title, when=when)
            case Kind.DUE:
                text = _("⌛ Task {title} is due now.").format(title=title)
            case Kind.ESCALATION:
                return _("🚨 Task {title} is still open: the deadline was {when}.").format(
                    title=title, when=when) + "\n" + self._left(view), ()
            case Kind.ASSIGNED:
                return _("📌 You have a new task {title}, due {when}.").format(
                    title=title, when=when), assigned_buttons(task.id)
            case Kind.NOTICE_ALL_DONE:
                return _("✅ Task {title} is done: every part is finished ({progress}).").format(
                    title=title, progress=render.progress(view)), ()
            case Kind.NOTICE_CANCELLED:
                return _("🗑 Task {title} was cancelled; there is nothing more to do for it."
                         ).format(title=title), ()
            case Kind.NOTICE_UNASSIGNED:
                return _("Task {title} is no longer assigned to you.").format(title=title), ()
            case Kind.NOTICE_EDITED:
                return _("📅 Task {title} was changed. Deadline: {when}.").format(
                    title=title, when=when), assigned_buttons(task.id)
            case _:
                raise ValueError(f"unknown task reminder kind {reminder.kind!r}")
        return (text + "\n" + left if left else text), reminders

    @staticmethod
    def _left(view: TaskView) -> str:
        """How many parts are open, with names when few."""
        open_parts: list[Part] = view.with_status("open")
        count = len(open_parts)
        text = ngettext("{count} of {total} still to do.", "{count} of {total} still to do.",
                        count).format(count=count, total=len(view.parts))
        if 0 < count <= NAMES_IN_GROUP:
            text += " " + render.names([p.member for p in open_parts])
        return text

    def _report(self, view: TaskView, reporter: Member | None) -> Notification | None:
        part = view.part_of(reporter) if reporter else None
        if part is None:
            return None
        text = _("📎 {name} handed in their part of task {title} ({progress}).").format(
            name=html.escape(part.member.display_name), title=render.title(view.task),
            progress=render.progress(view))
        if part.note:
            text += "\n" + _("Note: {note}").format(note=shorten(part.note, NOTE_LIMIT))
        attachment = Attachment(part.file_kind or "document", part.file_id) if part.file_id \
            else None
        return Notification(text, attachment=attachment)

    def _fallback(self, view: TaskView, member: Member, context: RenderContext) -> Notification:
        task = view.task
        text = _("{mention}, I cannot send you private messages, so here is your reminder: "
                 "task {title} is due {when}. Tap “Start” below so I can remind you "
                 "privately.").format(mention=render.mention(member), title=render.title(task),
                                      when=render.deadline(task, context.now,
                                                           self.settings.zone))
        start = Button(_("▶️ Start"),
                       url=f"https://t.me/{context.bot_username}?start=task{task.id}")
        return Notification(text, ((start,),))

