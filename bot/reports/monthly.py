"""The month's report for the organisation's admins, sent through the reminder queue: the
summary as the caption of the workbook."""

from __future__ import annotations

from collections.abc import Sequence

from bot.access import Scope
from bot.i18n import use_language
from bot.members import MemberService
from bot.reminders.model import Attachment, Notification, RenderContext
from bot.reports import render
from bot.reports.period import month
from bot.reports.service import ReportService
from bot.reports.weekly import CATCH_UP
from storage.reminders import Reminder

CAPTION_LIMIT = 1024


def caption(text: str) -> str:
    """Whole lines of the summary, as many as a document's caption holds."""
    lines: list[str] = []
    for line in text.split("\n"):
        if len("\n".join([*lines, line])) > CAPTION_LIMIT:
            break
        lines.append(line)
    return "\n".join(lines)


class MonthlyRenderer:
    def __init__(self, reports: ReportService, members: MemberService) -> None:
        self.reports = reports
        self.members = members

    async def render(self, reminders: Sequence[Reminder], context: RenderContext
                     ) -> dict[int, Notification | None]:
        notes: dict[int, Notification | None] = {}
        for reminder in reminders:
            admin = context.recipient(reminder)
            late = context.now - reminder.fire_at > CATCH_UP.total_seconds()
            if admin is None or late or not self.members.is_admin(admin):
                notes[reminder.id] = None  # no longer an admin: no longer sees everything
                continue
            period = month(reminder.event_id // 100, reminder.event_id % 100)
            with use_language(admin.language):
                built = await self.reports.period_report(Scope(admin, org_admin=True), period)
                assert built.workbook is not None
                name = render.file_name(f"{period.first:%Y%m%d}-{period.last:%Y%m%d}", "xlsx")
                notes[reminder.id] = Notification(
                    caption(render.summary(built.report)),
                    attachment=Attachment("document", content=built.workbook, filename=name))
        return notes
