"""How tasks read in messages; shared by command replies and reminders."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.clock import from_epoch
from bot.i18n import _, format_datetime, format_relative
from bot.text import shorten
from storage.members import Member
from storage.tasks import Task


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
    return _("#{id} “{title}”").format(id=task.id, title=shorten(task.title, limit))


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


def line(task: Task, assignees: list[Member], now: int, zone: ZoneInfo) -> str:
    """One task in a list."""
    overdue = task.is_open and task.due_at <= now
    return _("{marker} {title}\n    {due} · {who}").format(
        marker="⚠️" if overdue else "•",
        title=title(task),
        due=deadline(task, now, zone),
        who=names(assignees),
    )


def details(
    task: Task, assignees: list[Member], creator: Member | None, now: int, zone: ZoneInfo
) -> str:
    lines = [
        _("<b>Task {title}</b>").format(title=title(task, limit=len(task.title))),
        _("Deadline: {deadline}").format(deadline=deadline(task, now, zone)),
        _("Assigned to: {names}").format(names=names(assignees)),
        _("Status: {status}").format(status=status(task, now)),
    ]
    if task.tag:
        lines.append(_("Linked to: {tag}").format(tag=html.escape(task.tag)))
    if task.meeting_id is not None:
        lines.append(_("From meeting #{id}").format(id=task.meeting_id))
    if creator is not None:
        lines.append(_("Assigned by: {name}").format(name=html.escape(creator.display_name)))
    return "\n".join(lines)
