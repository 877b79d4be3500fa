"""Every word the dashboard's pages show, from the gettext catalogues, in the reader's
language: the pages hold keys only."""

from __future__ import annotations

from bot.i18n import N_, _

TEXTS = {
    "title": N_("Committee dashboard"),
    "tab_mine": N_("My tasks"),
    "tab_committee": N_("Committee"),
    "tab_new": N_("New"),
    "tab_meetings": N_("Meetings"),
    "not_done": N_("Not done yet"),
    "done": N_("Done"),
    "none_open": N_("You have no open tasks."),
    "none_done": N_("Nothing finished yet."),
    "mark_done": N_("Mark my part done"),
    "note": N_("Report note (optional)"),
    "overdue": N_("Overdue"),
    "due": N_("Deadline"),
    "progress": N_("Progress"),
    "by_unit": N_("By unit"),
    "by_person": N_("By person"),
    "open_tasks": N_("Open tasks, overdue first"),
    "remind": N_("Remind those not done"),
    "parts": N_("Each person's part"),
    "back": N_("Back"),
    "new_task": N_("New task"),
    "new_meeting": N_("New meeting"),
    "task_title": N_("What is to be done"),
    "meeting_title": N_("Meeting"),
    "unit": N_("Unit"),
    "no_unit": N_("(no unit: only the people ticked)"),
    "assignees": N_("Assignees (none ticked: the whole unit)"),
    "attendees": N_("Attendees (none ticked: the whole unit)"),
    "date": N_("Date"),
    "time": N_("Time"),
    "tag": N_("Directive code, like 39-NQ/TW (optional)"),
    "place": N_("Place"),
    "agenda": N_("Agenda"),
    "repeat": N_("Repeat rule (optional), like: monthly day 5 14:00"),
    "create": N_("Create"),
    "upcoming": N_("Upcoming meetings"),
    "none_meetings": N_("No meetings ahead."),
    "attend": N_("✅ Attend"),
    "absent": N_("❌ Absent"),
    "reason": N_("Reason for the absence"),
    "you_attend": N_("You will attend."),
    "you_absent": N_("You will be absent."),
    "you_silent": N_("You have not answered."),
    "attendance": N_("Attendance"),
    "completion": N_("Completion"),
    "rate": N_("Attendance rate"),
    "chart": N_("Completion and attendance this year"),
    "error": N_("Something went wrong. Please try again."),
}


def texts() -> dict[str, str]:
    return {key: _(message) for key, message in TEXTS.items()}
