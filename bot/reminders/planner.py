"""Which reminders an event gets: pure functions of the event, the offsets and now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from bot.reminders.model import Kind
from storage.reminders import NewReminder


def plan_deadline(
    *,
    event_kind: str,
    event_id: int,
    event_at: int,
    now: int,
    offsets: Iterable[timedelta],
    member_ids: Iterable[int],
    group_chat_id: int | None,
    with_due_notice: bool = True,
) -> list[NewReminder]:
    """A reminder per offset still ahead, and a notice at the moment itself, to each member
    privately and to the group."""
    members = list(member_ids)
    fire_times = [event_at - int(o.total_seconds()) for o in offsets]
    planned = [(t, Kind.BEFORE) for t in fire_times if t > now]
    if with_due_notice and event_at > now:
        planned.append((event_at, Kind.DUE))
    reminders = []
    for fire_at, kind in planned:
        reminders += [
            NewReminder(event_kind, event_id, kind, member_id, None, event_at, fire_at)
            for member_id in members
        ]
        if group_chat_id is not None:
            reminders.append(
                NewReminder(event_kind, event_id, kind, None, group_chat_id, event_at, fire_at)
            )
    return reminders


def plan_escalation(
    *, event_kind: str, event_id: int, event_at: int, after: timedelta, member_id: int | None
) -> list[NewReminder]:
    if member_id is None:
        return []
    fire_at = event_at + int(after.total_seconds())
    return [NewReminder(event_kind, event_id, Kind.ESCALATION, member_id, None, event_at, fire_at)]


def notice(
    *, event_kind: str, event_id: int, kind: str, event_at: int, now: int,
    member_id: int | None = None, chat_id: int | None = None,
) -> NewReminder:
    """A one-off message sent through the same queue, at once."""
    return NewReminder(event_kind, event_id, kind, member_id, chat_id, event_at, now)
