"""Meetings ahead, one page at a time: a member's (driven from their attendee rows) or a
group's (the meetings_group_starts index), in (starts_at, id) order from the cursor."""

from __future__ import annotations

from storage.database import Database
from storage.meetings import _COLUMNS, Meeting
from storage.paging import Cursor, KeysetQuery, Page, bounded_count, fetch_page

_COLUMNS_ALIASED = ", ".join(f"mt.{column.strip()}" for column in _COLUMNS.split(","))
_FOR_MEMBER = (
    " FROM meeting_attendees a CROSS JOIN meetings mt ON mt.id = a.meeting_id"
    " WHERE a.member_id = :member AND mt.status = 'scheduled' AND mt.starts_at > :now"
)
_FOR_GROUP = (
    " FROM meetings mt"
    " WHERE mt.group_chat_id = :chat AND mt.status = 'scheduled' AND mt.starts_at > :now"
)
_QUERY_PARTS = (
    " AND mt.starts_at >= :k_at_ AND (mt.starts_at > :k_at_ OR mt.id > :k_id_)",
    " AND mt.starts_at <= :k_at_ AND (mt.starts_at < :k_at_ OR mt.id < :k_id_)",
    " ORDER BY mt.starts_at, mt.id LIMIT :limit_",
    " ORDER BY mt.starts_at DESC, mt.id DESC LIMIT :limit_",
)


def _source(member_id: int | None, group_chat_id: int | None) -> str:
    """Never "all" for nobody: a list is a member's or a group's."""
    if member_id is not None:
        return _FOR_MEMBER
    if group_chat_id is not None:
        return _FOR_GROUP
    raise ValueError("upcoming meetings for nobody: name a member or a group")


class MeetingListRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, now: int, *, member_id: int | None, group_chat_id: int | None,
                   cursor: Cursor | None, size: int, last_size: int) -> Page[Meeting]:
        """Scheduled meetings from now on, soonest first."""
        source = _source(member_id, group_chat_id)
        query = KeysetQuery(f"SELECT {_COLUMNS_ALIASED}{source}", *_QUERY_PARTS)
        params = {"now": now, "member": member_id, "chat": group_chat_id}
        return await fetch_page(self.db, query, params, cursor, size, lambda r: Meeting(*r),
                                last_size)

    async def count(self, now: int, *, member_id: int | None, group_chat_id: int | None,
                    cap: int) -> int:
        source = _source(member_id, group_chat_id)
        params = {"now": now, "member": member_id, "chat": group_chat_id}
        return await bounded_count(self.db, f"SELECT 1{source}", params, cap)
