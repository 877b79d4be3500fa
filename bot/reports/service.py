"""Reports and exports for an admin's scope: one pass over the period's rows, streamed from
storage, feeds the tallies and the workbook together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.access import Scope
from bot.clock import Clock, epoch
from bot.i18n import _, current_language
from bot.knowledge.service import KnowledgeService
from bot.reports.chart import chart_png
from bot.reports.columns import (
    ATTENDANCE_HEADERS,
    TASK_HEADERS,
    attendance_cells,
    local,
    task_cells,
)
from bot.reports.period import Period
from bot.reports.stats import Report, Tally, attendance_outcome, part_outcome
from bot.settings import Settings
from storage.database import Database
from storage.reports import PartRow, ReportRepository, Window

if TYPE_CHECKING:
    from bot.reports.workbook import ReportWorkbook

FOREVER = 2**62


@dataclass(frozen=True)
class Built:
    report: Report
    workbook: bytes | None = None
    chart: bytes | None = None


@dataclass(frozen=True)
class Directive:
    """How one directive is carried out: its code, its name if known, and the parts by unit."""

    code: str
    name: str | None
    built: Built
    by_unit: dict[str, list[PartRow]]


class ReportService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 knowledge: KnowledgeService) -> None:
        self.clock = clock
        self.settings = settings
        self.knowledge = knowledge
        self.rows = ReportRepository(db)

    def now(self) -> int:
        return epoch(self.clock.now())

    def today(self) -> datetime:
        return self.clock.now().astimezone(self.settings.zone)

    @staticmethod
    def window(scope: Scope, start: int, end: int, tag: str | None = None) -> Window:
        """The asker's part of the rows: everything for an organisation admin; a unit admin's
        units (their children included) and what they created themselves."""
        if scope.org_admin:
            return Window(start, end, None, tag=tag)
        assert scope.member is not None
        return Window(start, end, scope.unit_filter, scope.member.id, tag)

    async def period_report(self, scope: Scope, period: Period, *, files: bool = True) -> Built:
        start, end = period.bounds(self.settings.zone)
        title = _("Report for {period}").format(period=period.label())
        return await self._build(title, self.window(scope, start, end), files=files)

    async def _build(self, title: str, window: Window, *, files: bool,
                     keep: dict[str, list[PartRow]] | None = None) -> Built:
        now, zone = self.now(), self.settings.zone
        report = Report(title, now, Tally(title))
        book = _workbook() if files else None
        async for row in self.rows.parts(window):
            report.add_part(row, part_outcome(row, now))
            if book is not None:
                book.tasks.append(task_cells(row, now, zone))
            if keep is not None:
                keep.setdefault(row.unit_name or "", []).append(row)
        held = Window(window.start, min(window.end, now), window.units, window.creator)
        if window.tag is None:
            async for seen in self.rows.attendance(held):
                report.add_attendance(seen, attendance_outcome(seen))
                if book is not None:
                    book.attendance.append(attendance_cells(seen, zone))
        if book is None:
            return Built(report)
        meetings = [(m, local(m.starts_at, zone)) for m in report.meetings.values()]
        return Built(report, book.finish(report.units, report.people, meetings),
                     chart_png(report))

    async def directive(self, scope: Scope, tag: str) -> Directive:
        code = await self.knowledge.official_code(tag)
        documents = await self.knowledge.find_documents(tag)
        name = documents[0].title.pick(current_language())[0] if len(documents) == 1 else None
        by_unit: dict[str, list[PartRow]] = {}
        title = _("Implementation of {code}").format(code=code)
        built = await self._build(title, self.window(scope, 0, FOREVER, code), files=True,
                                  keep=by_unit)
        return Directive(code, name, built, by_unit)


def _workbook() -> ReportWorkbook:
    # Imported on first use: openpyxl (with numpy) costs every start-up a tenth of a second
    # and ~20 MiB, for the few reports made.
    from bot.reports.workbook import ReportWorkbook

    return ReportWorkbook(TASK_HEADERS, ATTENDANCE_HEADERS)
