"""How tasks read in messages; shared by command replies and reminders."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.clock import from_epoch
from bot.i18n import _, format_datetime, format_relative
from bot.tasks.model import TaskView
from bot.text import shorten
from storage.members import Member
from storage.tasks import Part, Task

PRIORITY_MARKS = {"urgent": "❗", "flash": "‼️"}


def mention(member: Member) -> str:
    """A name that notifies the member in a group: a user link, or @username if unknown."""
    if member.telegram_id is not None:
        name = html.escape(member.full_name or member.username or str(member.telegram_id))
        return f'<a href="tg://user?id={member.telegram_id}">{name}</a>'
    return html.escape(f"@{member.username}")


def names(members: list[Member]) -> str:
    if not members:
        return _("the whole group")
    return ", ".join(html.escape(m.display_name) for m in members)


# Titles are cut in messages that list or remind (the full title is in /task N).
TITLE_LIMIT = 150


def title(task: Task, limit: int = TITLE_LIMIT) -> str:
    text = _("#{id} “{title}”").format(id=task.id, title=shorten(task.title, limit))
    if task.priority == "flash":
        return _("{title} (flash)").format(title=text) + " " + PRIORITY_MARKS["flash"]
    if task.priority == "urgent":
        return _("{title} (urgent)").format(title=text) + " " + PRIORITY_MARKS["urgent"]
    return text


def progress(view: TaskView) -> str:
    """“3/12 done”: parts done or excused out of all parts."""
    return _("{done}/{total} done").format(done=view.finished, total=len(view.parts))


def relative(seconds: int) -> str:
    return format_relative(seconds)


def deadline(task: Task, now: int, zone: ZoneInfo) -> str:
    """The deadline spelled out, with how far away it is."""
    return _("{when} ({relative})").format(
        when=format_datetime(from_epoch(task.due_at), zone), relative=relative(task.due_at - now)
    )


def status(task: Task, now: int) -> str:
    if task.status == "done":
        return _("✅ done")
    if task.status == "cancelled":
        return _("🗑 cancelled")
    if task.due_at <= now:
        return _("⚠️ overdue")
    return _("open")


def line(view: TaskView, now: int, zone: ZoneInfo) -> str:
    """One task in a list: deadline, and who (or, for many people, the progress)."""
    task = view.task
    overdue = task.is_open and task.due_at <= now
    who = names(view.assignees) if len(view.parts) <= 3 else progress(view)
    return _("{marker} {title}\n    {due} · {who}").format(
        marker="⚠️" if overdue else "•",
        title=title(task),
        due=deadline(task, now, zone),
        who=who,
    )


# Names listed per status in /task N; the rest are counted.
NAMES_PER_STATUS = 30


def _finished_at(part: Part, zone: ZoneInfo) -> str:
    when = format_datetime(from_epoch(part.done_at), zone) if part.done_at else ""
    text = _("{name} ({when})").format(name=html.escape(part.member.display_name), when=when)
    if part.file_id:
        text += " 📎"
    if part.reason:
        text += " — " + shorten(part.reason, 100)
    return text


def parts_by_status(view: TaskView, zone: ZoneInfo) -> list[str]:
    """Who is done (and when), who is excused (and why), who is still to do it."""
    lines = []
    sections = (
        ("done", _("✅ Done ({count}):")),
        ("excused", _("🟡 Excused ({count}):")),
        ("open", _("⏳ Not yet ({count}):")),
    )
    for status_name, heading in sections:
        parts = view.with_status(status_name)
        if not parts:
            continue
        shown = parts[:NAMES_PER_STATUS]
        if status_name == "open":
            entries = [html.escape(p.member.display_name) for p in shown]
        else:
            entries = [_finished_at(p, zone) for p in shown]
        more = len(parts) - len(shown)
        if more:
            entries.append(_("and {count} more").format(count=more))
        lines.append(heading.format(count=len(parts)) + " " + ", ".join(entries))
    return lines


def details(view: TaskView, creator: Member | None, now: int, zone: ZoneInfo) -> str:
    task = view.task
    lines = [
        _("<b>Task {title}</b>").format(title=title(task, limit=len(task.title))),
        _("Deadline: {deadline}").format(deadline=deadline(task, now, zone)),
        _("Status: {status}").format(status=status(task, now)),
    ]
    if len(view.parts) > 1:
        lines.append(_("Progress: {progress}").format(progress=progress(view)))
        lines += parts_by_status(view, zone)
    else:
        lines.append(_("Assigned to: {names}").format(names=names(view.assignees)))
        if view.finished:
            lines += parts_by_status(view, zone)
    if task.tag:
        lines.append(_("Linked to: {tag}").format(tag=html.escape(task.tag)))
    if task.meeting_id is not None:
        lines.append(_("From meeting #{id}").format(id=task.meeting_id))
    if creator is not None:
        lines.append(_("Assigned by: {name}").format(name=html.escape(creator.display_name)))
    return "\n".join(lines)
