"""The report as a chat message: the figures an office asks for first, then who is behind."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from bot.i18n import _
from bot.reports.stats import (
    ATTENDED,
    CHECKIN,
    EXCUSED,
    LATE,
    ON_TIME,
    OPEN,
    OVERDUE,
    Report,
    Tally,
)

if TYPE_CHECKING:
    from bot.reports.service import Directive


def file_name(stem: str, extension: str) -> str:
    """``bao-cao-20261001-20261231.xlsx``: the word in the reader's language, no spaces."""
    word = _("report")
    return f"{word}-{stem}.{extension}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def _behind(tallies: list[Tally]) -> str:
    return ", ".join(_("{name} ({overdue} overdue)").format(
        name=html.escape(t.name or _("(no unit)")), overdue=t.parts[OVERDUE]) for t in tallies)


def summary(report: Report) -> str:
    total = report.total
    parts = total.parts
    lines = [f"📊 <b>{html.escape(report.title)}</b>", "",
             _("Tasks: {tasks} ({assigned} assignments)").format(
                 tasks=len(report.tasks), assigned=total.assigned),
             _("✅ done on time: {on_time} · ⌛ done late: {late} · ⚠️ overdue: {overdue} · "
               "⏳ open: {open} · excused: {excused}").format(
                 on_time=parts[ON_TIME], late=parts[LATE], overdue=parts[OVERDUE],
                 open=parts[OPEN], excused=parts[EXCUSED]),
             _("Completion: {rate}").format(rate=percent(total.completion))]
    if report.meetings:
        checked = sum(1 for m in report.meetings.values() if m.source == CHECKIN)
        lines += ["", _("Meetings held: {count} · attendance {rate} ({attended} of {invited})"
                        ).format(count=len(report.meetings), rate=percent(total.attendance_rate),
                                 attended=total.attendance[ATTENDED], invited=total.invited),
                  _("Attendance from check-ins at {checked} meetings, from answers to the "
                    "invitation at {answered}.").format(
                      checked=checked, answered=len(report.meetings) - checked)]
    else:
        lines += ["", _("No meetings were held in this period.")]
    units = report.most_behind(report.units)
    people = report.most_behind(report.people)
    if len(report.units) > 1 and units:
        lines.append(_("Units most behind: {names}").format(names=_behind(units)))
    if people:
        lines.append(_("Members most behind: {names}").format(names=_behind(people)))
    return "\n".join(lines)


def directive_summary(directive: Directive) -> str:
    """The totals, then unit by unit."""
    report = directive.built.report
    if not report.tasks:
        return _("No task is linked to {code} yet.").format(code=html.escape(directive.code))
    name = f" — {html.escape(directive.name)}" if directive.name else ""
    lines = [f"📑 <b>{html.escape(report.title)}</b>{name}", "",
             _("Tasks: {tasks} ({assigned} assignments)").format(
                 tasks=len(report.tasks), assigned=report.total.assigned)]
    for tally in sorted(report.units.values(), key=lambda t: t.name):
        lines.append(_("• {unit}: {done}/{assigned} done, {overdue} overdue").format(
            unit=html.escape(tally.name or _("(no unit)")), done=tally.done,
            assigned=tally.assigned, overdue=tally.parts[OVERDUE]))
    return "\n".join(lines)
