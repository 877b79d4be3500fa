"""The directive report as an editable Word document in the form a Vietnamese office sends
upward: "Báo cáo tình hình thực hiện …", a summary, then each unit with its tasks."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import N_, _
from bot.reports.columns import no_unit, person
from bot.reports.stats import EXCUSED, LATE, ON_TIME, OPEN, OVERDUE, PART_LABELS, part_outcome

if TYPE_CHECKING:
    from docx.document import Document as Docx

    from bot.reports.service import Directive
    from bot.reports.stats import Report
    from storage.reports import PartRow

TABLE_HEADERS = (N_("Task"), N_("Deadline"), N_("Assignee"), N_("Status"),
                 N_("Report handed in"))


def directive_docx(directive: Directive, zone: ZoneInfo, now: int) -> bytes:
    # Imported on first use, like matplotlib (bot/reports/chart.py): python-docx and lxml cost
    # every start-up a tenth of a second and several MiB, for a file few admins ask for.
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    today = datetime.fromtimestamp(now, zone)
    dated = doc.add_paragraph(_("Date: {date}").format(date=f"{today:%d/%m/%Y}"))
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading = doc.add_heading(_("REPORT"), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subject = directive.code if not directive.name else f"{directive.code} — {directive.name}"
    doc.core_properties.title = _("Report on the implementation of {directive}").format(
        directive=subject)
    title = doc.add_paragraph(_("Progress in implementing {directive}").format(
        directive=subject))
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    _summary(doc, directive.built.report)
    doc.add_heading(_("II. Results by unit"), level=1)
    for unit, rows in sorted(directive.by_unit.items()):
        doc.add_heading(no_unit(unit), level=2)
        _table(doc, rows, zone, now)
    doc.add_heading(_("III. Shortcomings and proposals"), level=1)
    doc.add_paragraph(_("(To be completed by the office.)"))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _summary(doc: Docx, report: Report) -> None:
    doc.add_heading(_("I. Overview"), level=1)
    parts = report.total.parts
    doc.add_paragraph(_(
        "{tasks} tasks, {assigned} assignments: {on_time} done on time, {late} done late, "
        "{overdue} overdue, {open} not yet due, {excused} excused."
    ).format(tasks=len(report.tasks), assigned=report.total.assigned, on_time=parts[ON_TIME],
             late=parts[LATE], overdue=parts[OVERDUE], open=parts[OPEN],
             excused=parts[EXCUSED]))


def _table(doc: Docx, rows: list[PartRow], zone: ZoneInfo, now: int) -> None:
    table = doc.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        cell.text = _(header)
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        due = datetime.fromtimestamp(row.due_at, zone)
        handed_in = "; ".join(value for value in (row.note, row.file_name) if value)
        values = (f"#{row.task_id} {row.title}", f"{due:%d/%m/%Y}",
                  person(row.full_name, row.username),
                  _(PART_LABELS[part_outcome(row, now)]), handed_in)
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
