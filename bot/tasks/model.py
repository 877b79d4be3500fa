"""What the task service hands to handlers and renderers: a task with each assignee's part,
and the outcomes of changes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from storage.members import Member
from storage.tasks import Part, Task


@dataclass(frozen=True)
class TaskView:
    task: Task
    parts: list[Part]

    @property
    def assignees(self) -> list[Member]:
        return [p.member for p in self.parts]

    def part_of(self, member: Member) -> Part | None:
        return next((p for p in self.parts if p.member.id == member.id), None)

    def is_assignee(self, member: Member) -> bool:
        return self.part_of(member) is not None

    def with_status(self, status: str) -> list[Part]:
        return [p for p in self.parts if p.status == status]

    @property
    def finished(self) -> int:
        """Parts done or excused."""
        return sum(1 for p in self.parts if not p.is_open)


class Outcome(Enum):
    CREATED = "created"
    PART_DONE = "part_done"  # the sender's (or a named) part is done; others remain
    TASK_DONE = "task_done"  # the last part: the task is done
    EXCUSED = "excused"
    CANCELLED = "cancelled"
    EDITED = "edited"
    SNOOZED = "snoozed"
    ASK_DATE = "ask_date"  # an extension request waits for the new date and reason
    REQUESTED = "requested"  # an extension request went to the creator
    APPROVED = "approved"
    DECLINED = "declined"
    NOT_FOUND = "not_found"
    NOT_OPEN = "not_open"  # the task is done
    WAS_CANCELLED = "was_cancelled"  # the task was cancelled
    ALREADY_DONE = "already_done"  # that part is not open any more
    NOT_ASSIGNEE = "not_assignee"
    NOT_ALLOWED = "not_allowed"  # needs an admin of the task's unit
    NEED_ASSIGNEE = "need_assignee"
    EMPTY_ROSTER = "empty_roster"
    DECIDED = "decided"  # the extension request was already answered
    NOT_REPEATING = "not_repeating"
    NOT_IN_UNITS = "not_in_units"  # a unit admin named someone outside their units
    SERIES_STOPPED = "series_stopped"
    SERIES_STORED = "series_stored"  # stored; its first occurrence comes later


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    view: TaskView | None = None
    count: int = 0  # how many parts changed, or were reminded
    names: tuple[Member, ...] = ()  # who it concerns (named people not on the task, ...)
