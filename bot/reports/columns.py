"""The columns of the tables a report or an export writes (a row per part, attendance, meeting
or member), shared by the workbook and the CSV exports so that both say the same thing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import N_, _
from bot.reports.stats import (
    ABSENT_EXCUSED,
    ABSENT_UNEXCUSED,
    ATTENDANCE_LABELS,
    ATTENDED,
    NO_ANSWER,
    PART_LABELS,
    SOURCE_LABELS,
    MeetingTally,
    attendance_outcome,
    attendance_source,
    late_days,
    part_outcome,
)
from storage.reports import AttendanceRow, PartRow, RosterRow

Cell = str | int | float | datetime | None

TASK_HEADERS = (N_("Task no."), N_("Task"), N_("Directive"), N_("Unit"), N_("Assignee"),
                N_("Deadline"), N_("Status"), N_("Finished at"), N_("Late by (days)"),
                N_("Report handed in"), N_("Reason excused"))
ATTENDANCE_HEADERS = (N_("Meeting no."), N_("Meeting"), N_("Start"), N_("Unit"), N_("Person"),
                      N_("Attendance"), N_("Judged from"), N_("Checked in at"),
                      N_("Reason given"))
MEETING_HEADERS = (N_("Meeting no."), N_("Meeting"), N_("Start"), N_("Unit"), N_("Judged from"),
                   N_("Invited"), N_("Attended"), N_("Absent, excused"),
                   N_("Absent, unexcused"), N_("No answer"), N_("Attendance rate"))
MEMBER_HEADERS = (N_("Unit"), N_("Full name"), N_("Username"), N_("Telegram ID"), N_("Role"),
                  N_("On the roster since"), N_("Can receive private messages"))
ROLE_LABELS = {"admin": N_("unit admin"), "member": N_("member")}


def local(seconds: int | None, zone: ZoneInfo) -> datetime | None:
    """A moment as the zone's wall-clock time without a zone: what a spreadsheet holds."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, zone).replace(tzinfo=None)


def no_unit(name: str | None) -> str:
    return name if name else _("(no unit)")


def person(full_name: str, username: str | None) -> str:
    if full_name and username:
        return f"{full_name} (@{username})"
    return full_name or (f"@{username}" if username else "")


def task_cells(row: PartRow, now: int, zone: ZoneInfo) -> list[Cell]:
    handed_in = "; ".join(value for value in (row.note, row.file_name) if value)
    return [row.task_id, row.title, row.tag, no_unit(row.unit_name),
            person(row.full_name, row.username), local(row.due_at, zone),
            _(PART_LABELS[part_outcome(row, now)]),
            local(row.done_at, zone) if row.status == "done" else None,
            late_days(row, now), handed_in or None, row.reason]


def attendance_cells(row: AttendanceRow, zone: ZoneInfo) -> list[Cell]:
    return [row.meeting_id, row.title, local(row.starts_at, zone), no_unit(row.unit_name),
            person(row.full_name, row.username), _(ATTENDANCE_LABELS[attendance_outcome(row)]),
            _(SOURCE_LABELS[attendance_source(row)]), local(row.checked_in_at, zone),
            row.reason]


def member_cells(row: RosterRow, zone: ZoneInfo) -> list[Cell]:
    return [row.unit_name, row.full_name, f"@{row.username}" if row.username else None,
            row.telegram_id, _(ROLE_LABELS.get(row.role, row.role)), local(row.since, zone),
            _("yes") if row.reachable else _("no")]


def meeting_cells(meeting: MeetingTally, start: datetime) -> list[Cell]:
    counts = meeting.counts
    invited = sum(counts.values())
    return [meeting.meeting_id, meeting.title, start, meeting.unit_name or _("(no unit)"),
            _(SOURCE_LABELS[meeting.source]), invited, counts[ATTENDED],
            counts[ABSENT_EXCUSED], counts[ABSENT_UNEXCUSED], counts[NO_ANSWER],
            counts[ATTENDED] / invited if invited else None]
