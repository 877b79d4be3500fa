"""Rows that follow a member or a chat to its new id, without breaking a unique key.

When a placeholder is absorbed by the member who took its username, or a group becomes a
supergroup with a new id, the rows pointing at the old id move to the new one, except those
that would duplicate a row the new id has already: those stay behind (and the caller deletes
them). Which columns make two rows the same is each table's unique key, said once here.
"""

from __future__ import annotations

# The unique key of each table whose rows may move (the moving column among them).
_UNIQUE = {
    "task_assignees": ("task_id", "member_id"),
    "meeting_attendees": ("meeting_id", "member_id"),
    "chat_members": ("chat_id", "member_id"),
    # reminders_once: only rows not cancelled, of the kinds planned once, count.
    "reminders": ("event_kind", "event_id", "kind", "member_id", "chat_id", "fire_at"),
}
_REMINDERS_ONCE = ("{t}.kind IN ('before', 'due', 'escalation', 'digest', 'weekly', 'monthly')"
                   " AND {t}.status != 'cancelled'")


def move(table: str, column: str) -> str:
    """``UPDATE`` moving ``table``'s rows from ``column = :old`` to ``:new``, leaving behind
    those that would duplicate a row already at ``:new``."""
    statement = f"UPDATE {table} SET {column} = :new WHERE {column} = :old"
    key = _UNIQUE.get(table)
    if key is None:
        return statement
    same = "".join(f" AND n.{other} IS {table}.{other}" for other in key if other != column)
    if table == "reminders":
        same += " AND " + _REMINDERS_ONCE.format(t="n") + " AND " + \
            _REMINDERS_ONCE.format(t="reminders")
    return f"{statement} AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.{column} = :new{same})"
