"""Exports: a period's tasks, meetings or attendance, or the rosters, as CSV (UTF-8 with a
byte-order mark, so that Excel reads Vietnamese correctly) or as an XLSX sheet; always within
the asker's scope."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.access import Scope
from bot.i18n import N_, _
from bot.reports.columns import (
    ATTENDANCE_HEADERS,
    MEETING_HEADERS,
    MEMBER_HEADERS,
    TASK_HEADERS,
    Cell,
    attendance_cells,
    local,
    meeting_cells,
    member_cells,
    task_cells,
)
from bot.reports.period import Period
from bot.reports.service import ReportService
from bot.reports.stats import Report, Tally, attendance_outcome

# What /export takes: the English word, or the Vietnamese one written together.
KIND_WORDS = {
    "tasks": "tasks", "nhiemvu": "tasks", "nhiệmvụ": "tasks",
    "meetings": "meetings", "hop": "meetings", "họp": "meetings",
    "attendance": "attendance", "diemdanh": "attendance", "điểmdanh": "attendance",
    "members": "members", "thanhvien": "members", "thànhviên": "members",
}
SHEET_TITLES = {"tasks": N_("Tasks"), "meetings": N_("Meetings"),
                "attendance": N_("Attendance"), "members": N_("Members")}


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: int


class ExportService:
    def __init__(self, reports: ReportService) -> None:
        self.reports = reports

    async def export(self, scope: Scope, kind: str, period: Period, xlsx: bool) -> Export:
        headers, rows = self._table(scope, kind, period)
        name = f"{kind}-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
        if kind == "members":
            name = f"members-{self.reports.today():%Y%m%d}"
        if xlsx:
            content, count = await _xlsx(kind, headers, rows)
            return Export(f"{name}.xlsx", content, count)
        content, count = await _csv(headers, rows)
        return Export(f"{name}.csv", content, count)

    def _table(self, scope: Scope, kind: str, period: Period
               ) -> tuple[Sequence[str], AsyncIterator[list[Cell]]]:
        start, end = period.bounds(self.reports.settings.zone)
        window = self.reports.window(scope, start, end)
        zone, now = self.reports.settings.zone, self.reports.now()
        repository = self.reports.rows

        async def tasks() -> AsyncIterator[list[Cell]]:
            async for row in repository.parts(window):
                yield task_cells(row, now, zone)

        async def attendance() -> AsyncIterator[list[Cell]]:
            async for row in repository.attendance(window):
                yield attendance_cells(row, zone)

        async def meetings() -> AsyncIterator[list[Cell]]:
            report = Report("", now, Tally(""))
            async for row in repository.attendance(window):
                report.add_attendance(row, attendance_outcome(row))
            for meeting in report.meetings.values():
                yield meeting_cells(meeting, local(meeting.starts_at, zone))

        async def members() -> AsyncIterator[list[Cell]]:
            async for row in repository.roster(None if scope.org_admin else scope.unit_filter):
                yield member_cells(row, zone)

        tables = {"tasks": (TASK_HEADERS, tasks), "attendance": (ATTENDANCE_HEADERS, attendance),
                  "meetings": (MEETING_HEADERS, meetings), "members": (MEMBER_HEADERS, members)}
        headers, rows = tables[kind]
        return headers, rows()


def _text(value: Cell) -> str:
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


async def _csv(headers: Sequence[str], rows: AsyncIterator[list[Cell]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_(h) for h in headers])
    count = 0
    async for row in rows:
        writer.writerow([_text(v) for v in row])
        count += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


async def _xlsx(kind: str, headers: Sequence[str],
                rows: AsyncIterator[list[Cell]]) -> tuple[bytes, int]:
    # Imported on first use: openpyxl (with numpy) costs every start-up a tenth of a second
    # and ~20 MiB, for the few exports asked as workbooks.
    from openpyxl import Workbook

    from bot.reports.workbook import Sheet

    book = Workbook()
    book.remove(book.active)
    sheet = Sheet(book, _(SHEET_TITLES[kind]), headers)
    async for row in rows:
        sheet.append(row)
    sheet.fit()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), sheet.rows - 1
