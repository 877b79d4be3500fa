"""What each part and each attendance counts as, and the tallies a report adds them into."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import N_
from storage.reports import AttendanceRow, PartRow

# A part's outcome over the period, as the report names it.
ON_TIME, LATE, OVERDUE, OPEN, EXCUSED = "on_time", "late", "overdue", "open", "excused"
PART_LABELS = {
    ON_TIME: N_("done on time"),
    LATE: N_("done late"),
    OVERDUE: N_("overdue"),
    OPEN: N_("not yet due"),
    EXCUSED: N_("released"),
}
# A person's attendance at one meeting, and what it was judged from.
ATTENDED, ABSENT_EXCUSED, ABSENT_UNEXCUSED, NO_ANSWER = (
    "attended", "absent_excused", "absent_unexcused", "no_answer")
ATTENDANCE_LABELS = {
    ATTENDED: N_("attended"),
    ABSENT_EXCUSED: N_("absent, excused"),
    ABSENT_UNEXCUSED: N_("absent, unexcused"),
    NO_ANSWER: N_("no answer"),
}
CHECKIN, RSVP = "checkin", "rsvp"
SOURCE_LABELS = {CHECKIN: N_("check-in"), RSVP: N_("answer to the invitation")}
DAY = 86400


def part_outcome(row: PartRow, now: int) -> str:
    if row.status == "excused":
        return EXCUSED
    if row.status == "done":
        return LATE if (row.done_at or 0) > row.due_at else ON_TIME
    return OVERDUE if row.due_at <= now else OPEN


def late_days(row: PartRow, now: int) -> float | None:
    """Days past the deadline: when done late, or so far when still open and overdue."""
    finished = row.done_at if row.status == "done" else (now if row.status == "open" else None)
    if finished is None or finished <= row.due_at:
        return None
    return round((finished - row.due_at) / DAY, 1)


def attendance_source(row: AttendanceRow) -> str:
    """Check-ins decide a meeting's attendance once anyone checked in; else the answers do."""
    return CHECKIN if row.meeting_has_checkins else RSVP


def attendance_outcome(row: AttendanceRow) -> str:
    present = (row.checked_in_at is not None if row.meeting_has_checkins
               else row.response == "attend")
    if present:
        return ATTENDED
    if row.response == "absent":
        return ABSENT_EXCUSED if row.excused else ABSENT_UNEXCUSED
    if row.response == "attend":  # said they would come, did not check in
        return ABSENT_UNEXCUSED
    return NO_ANSWER


@dataclass
class Tally:
    """Counts for the whole report, one unit or one person."""

    name: str
    parts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PART_LABELS, 0))
    attendance: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(ATTENDANCE_LABELS, 0))

    @property
    def assigned(self) -> int:
        return sum(self.parts.values())

    @property
    def done(self) -> int:
        return self.parts[ON_TIME] + self.parts[LATE]

    @property
    def completion(self) -> float | None:
        """Share of the parts due that were done (excused ones do not count)."""
        due = self.assigned - self.parts[EXCUSED] - self.parts[OPEN]
        return None if due <= 0 else self.done / due

    @property
    def invited(self) -> int:
        return sum(self.attendance.values())

    @property
    def attendance_rate(self) -> float | None:
        return None if not self.invited else self.attendance[ATTENDED] / self.invited


@dataclass
class MeetingTally:
    meeting_id: int
    title: str
    starts_at: int
    unit_name: str | None
    source: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ATTENDANCE_LABELS, 0))


@dataclass
class Report:
    """A period's figures: the totals, per unit, per person and per meeting."""

    title: str
    now: int
    total: Tally
    units: dict[int | None, Tally] = field(default_factory=dict)
    people: dict[int, Tally] = field(default_factory=dict)
    meetings: dict[int, MeetingTally] = field(default_factory=dict)
    tasks: set[int] = field(default_factory=set)

    def add_part(self, row: PartRow, outcome: str) -> None:
        self.tasks.add(row.task_id)
        for tally in (self.total, self._unit(row.unit_id, row.unit_name),
                      self._person(row.member_id, row.full_name, row.username)):
            tally.parts[outcome] += 1

    def add_attendance(self, row: AttendanceRow, outcome: str) -> None:
        meeting = self.meetings.get(row.meeting_id)
        if meeting is None:
            meeting = self.meetings[row.meeting_id] = MeetingTally(
                row.meeting_id, row.title, row.starts_at, row.unit_name, attendance_source(row))
        meeting.counts[outcome] += 1
        for tally in (self.total, self._unit(row.unit_id, row.unit_name),
                      self._person(row.member_id, row.full_name, row.username)):
            tally.attendance[outcome] += 1

    def _unit(self, unit_id: int | None, name: str | None) -> Tally:
        return self.units.setdefault(unit_id, Tally(name or ""))

    def _person(self, member_id: int, full_name: str, username: str | None) -> Tally:
        return self.people.setdefault(
            member_id, Tally(full_name or (f"@{username}" if username else str(member_id))))

    def most_behind(self, tallies: dict, limit: int = 3) -> list[Tally]:
        """Those with the most overdue parts, then the lowest completion."""
        behind = [t for t in tallies.values() if t.parts[OVERDUE] or t.parts[LATE]]
        behind.sort(key=lambda t: (-t.parts[OVERDUE], t.completion or 0.0, t.name))
        return behind[:limit]
