"""/meetings one page at a time: the member's meetings ahead in private, the group's in a
group."""

from __future__ import annotations

from bot.clock import Clock, epoch
from bot.meetings.model import MeetingView
from storage.database import Database
from storage.meeting_lists import MeetingListRepository
from storage.meetings import Meeting, MeetingRepository
from storage.members import Member
from storage.paging import Cursor, Listing, last_page_size

PAGE_SIZE = 5  # a meeting takes several lines: title, time, place, answers
COUNT_CAP = 1_000


# A page of meetings ahead: their views (with attendees) and the rows behind them.
MeetingPage = Listing[MeetingView, Meeting]


class MeetingLists:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.clock = clock
        self.lists = MeetingListRepository(db)
        self.meetings = MeetingRepository(db)

    async def upcoming(self, member: Member | None, group_chat_id: int | None,
                       cursor: Cursor | None, size: int = PAGE_SIZE) -> MeetingPage:
        """A page of the member's meetings ahead, or the group's when no member is named."""
        now = epoch(self.clock.now())
        member_id = member.id if member else None
        total = await self.lists.count(now, member_id=member_id, group_chat_id=group_chat_id,
                                       cap=COUNT_CAP)
        page = await self.lists.page(now, member_id=member_id, group_chat_id=group_chat_id,
                                     cursor=cursor, size=size,
                                     last_size=last_page_size(total, size, COUNT_CAP))
        attendees = await self.meetings.attendees(m.id for m in page.items)
        return MeetingPage([MeetingView(m, attendees.get(m.id, [])) for m in page.items],
                           page, total, size, COUNT_CAP)
