"""The report as an Excel workbook (openpyxl): one sheet per table, real dates in the
committee's zone, a frozen header row, fitted columns and a chart sheet."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import N_, _
from bot.reports.columns import MEETING_HEADERS, Cell, meeting_cells
from bot.reports.stats import (
    ABSENT_EXCUSED,
    ABSENT_UNEXCUSED,
    ATTENDED,
    EXCUSED,
    LATE,
    NO_ANSWER,
    ON_TIME,
    OPEN,
    OVERDUE,
    MeetingTally,
    Tally,
)

DATE_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT = "0%"
MAX_WIDTH = 60
TALLY_HEADERS = (N_("Assigned"), N_("Done on time"), N_("Done late"), N_("Overdue"),
                 N_("Open"), N_("Excused"), N_("Completion"), N_("Meetings invited"),
                 N_("Attended"), N_("Absent, excused"), N_("Absent, unexcused"),
                 N_("No answer"), N_("Attendance rate"))


class Sheet:
    """A worksheet written row by row, remembering the widest cell of each column."""

    def __init__(self, book: Workbook, title: str, headers: Sequence[str]) -> None:
        self.ws: Worksheet = book.create_sheet(title[:31])
        self.widths = [len(_(h)) for h in headers]
        self.ws.append([_(h) for h in headers])
        for cell in self.ws[1]:
            cell.font = Font(bold=True)
        self.ws.freeze_panes = "A2"
        self.rows = 1

    def append(self, values: Sequence[Cell], percent: Sequence[int] = ()) -> None:
        self.ws.append(list(values))
        self.rows += 1
        for index, value in enumerate(values):
            cell = self.ws.cell(self.rows, index + 1)
            if isinstance(value, datetime):
                cell.number_format = DATE_FORMAT
                width = len(DATE_FORMAT)
            elif index in percent:
                cell.number_format = PERCENT
                width = 5
            else:
                width = len(str(value)) if value is not None else 0
            self.widths[index] = max(self.widths[index], width)

    def fit(self) -> None:
        for index, width in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)


def tally_cells(tally: Tally) -> list[Cell]:
    parts, seen = tally.parts, tally.attendance
    return [tally.assigned, parts[ON_TIME], parts[LATE], parts[OVERDUE], parts[OPEN],
            parts[EXCUSED], tally.completion, tally.invited, seen[ATTENDED],
            seen[ABSENT_EXCUSED], seen[ABSENT_UNEXCUSED], seen[NO_ANSWER],
            tally.attendance_rate]


class ReportWorkbook:
    """Tasks and attendance are appended as they stream from the database; the tallies and
    the chart are written at the end."""

    def __init__(self, task_headers: Sequence[str], attendance_headers: Sequence[str]) -> None:
        self.book = Workbook()
        self.book.remove(self.book.active)
        self.tasks = Sheet(self.book, _("Tasks"), task_headers)
        self.attendance = Sheet(self.book, _("Attendance"), attendance_headers)

    def finish(self, units: dict, people: dict, meetings: list[tuple[MeetingTally, datetime]]
               ) -> bytes:
        unit_sheet = self._tallies(_("By unit"), _("Unit"), units.values())
        self._tallies(_("By person"), _("Person"), people.values())
        sheet = Sheet(self.book, _("Meetings"), MEETING_HEADERS)
        for meeting, start in meetings:
            sheet.append(meeting_cells(meeting, start), percent=(10,))
        sheet.fit()
        for done in (self.tasks, self.attendance):
            done.fit()
        self._chart(unit_sheet)
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    def _tallies(self, title: str, heading: str, tallies) -> Sheet:
        sheet = Sheet(self.book, title, (heading, *TALLY_HEADERS))
        for tally in sorted(tallies, key=lambda t: (-t.parts[OVERDUE], t.name)):
            sheet.append([tally.name or _("(no unit)"), *tally_cells(tally)], percent=(7, 13))
        sheet.fit()
        return sheet

    def _chart(self, units: Sheet) -> None:
        """Completion and attendance per unit, drawn by Excel from the per-unit sheet."""
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Completion and attendance by unit")
        chart.y_axis.number_format = PERCENT
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        rows = max(units.rows, 2)
        for column in (8, 14):  # completion, attendance rate
            chart.add_data(Reference(units.ws, min_col=column, min_row=1, max_row=rows),
                           titles_from_data=True)
        chart.set_categories(Reference(units.ws, min_col=1, min_row=2, max_row=rows))
        self.book.create_chartsheet(_("Chart")).add_chart(chart)
