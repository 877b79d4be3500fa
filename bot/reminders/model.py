"""What the dispatcher passes around: rendered notifications and delivery outcomes.

Plain values, so renderers and the dispatcher stay free of Telegram types; only the sender
turns them into API calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.i18n import use_language
from storage.members import Member
from storage.reminders import Reminder


class Kind(StrEnum):
    """What a reminder row says, one definition for the services that plan rows and the
    renderers that word them; stored as its value, which the migrations' indexes name."""

    BEFORE = "before"  # a deadline or a meeting ahead
    DUE = "due"  # the deadline itself
    SNOOZE = "snooze"
    NUDGE = "nudge"  # an admin's "remind those not done"
    ESCALATION = "escalation"  # to the creator, of a task long overdue
    FALLBACK = "fallback"  # a group mention for someone the bot cannot write to
    DIGEST = "digest"
    ASSIGNED = "assigned"
    REPORT = "report"  # a part done with a file, to the creator
    NOTICE_ALL_DONE = "notice_all_done"
    NOTICE_CANCELLED = "notice_cancelled"
    NOTICE_UNASSIGNED = "notice_unassigned"
    NOTICE_EDITED = "notice_edited"
    NOTICE_SERIES_STOPPED = "notice_series_stopped"
    ANNOUNCE = "announce"  # a new meeting
    CHECKIN = "checkin"  # check-in is open
    CLAIMED = "claimed"  # someone claims a placeholder's work
    CLAIM_UNDONE = "claim_undone"
    EXT_REQUEST = "ext_request"
    EXT_APPROVED = "ext_approved"
    EXT_DECLINED = "ext_declined"
    MEMBER_LEFT = "member_left"
    WEEKLY = "weekly"  # a unit's summary of the week
    MONTHLY = "monthly"  # the organisation's report of the month


@dataclass(frozen=True)
class Button:
    label: str
    data: str | None = None  # callback data
    url: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file sent with the text as its caption: one Telegram already holds (a report handed
    in, by ``file_id``) or one made for the message (``content``, a monthly report)."""

    kind: str  # document, photo
    file_id: str | None = None
    content: bytes | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Notification:
    text: str  # HTML
    buttons: tuple[tuple[Button, ...], ...] = ()
    fallback_chat_id: int | None = None  # a group to mention the recipient in if unreachable
    attachment: Attachment | None = None


@dataclass(frozen=True)
class RenderContext:
    now: int
    members: dict[int, Member]  # every member a claimed row names
    bot_username: str
    default_language: str

    def recipient(self, reminder: Reminder) -> Member | None:
        return self.members.get(reminder.member_id or 0)

    def language(self, reminder: Reminder) -> str:
        """A private message speaks its reader's language; a group, the committee's default."""
        recipient = self.recipient(reminder)
        if recipient is not None and reminder.chat_id is None:
            return recipient.language
        return self.default_language


async def render_each(
    reminders: Sequence[Reminder], context: RenderContext,
    one: Callable[[Reminder], Awaitable[Notification | None]],
) -> dict[int, Notification | None]:
    """Render reminders one by one, each in its recipient's language."""
    notes: dict[int, Notification | None] = {}
    for reminder in reminders:
        with use_language(context.language(reminder)):
            notes[reminder.id] = await one(reminder)
    return notes


class Renderer(Protocol):
    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        """Text per reminder id, in each recipient's language; None if the event is over."""


@dataclass(frozen=True)
class Sent:
    message_id: int


@dataclass(frozen=True)
class Unreachable:
    reason: str  # not_started, blocked, kicked, forbidden


@dataclass(frozen=True)
class Retry:
    after: float | None  # seconds Telegram asked for, or None for the dispatcher's backoff
    error: str


@dataclass(frozen=True)
class Failed:
    error: str


@dataclass(frozen=True)
class Migrated:
    """The group became a supergroup with a new id; resend there."""

    new_chat_id: int


Outcome = Sent | Unreachable | Retry | Failed | Migrated


class Sender(Protocol):
    async def send(self, chat_id: int, notification: Notification) -> Outcome: ...

    def room(self, chat_id: int) -> tuple[int, float]:
        """Messages the chat's rate window admits now, and if none, seconds until one."""

    def note_sent(self, sends: list[tuple[int, float]]) -> None:
        """Messages another instance sent lately, as (chat, seconds ago): they count in the
        chats' rate windows."""

    @property
    def bot_username(self) -> str: ...


class Scheduler(Protocol):
    """Runs a callback later; a new call under the same name replaces the previous one."""

    def call_later(
        self, name: str, delay: float, callback: Callable[[], Awaitable[None]]
    ) -> None: ...

    def repeat(
        self, name: str, interval: float, callback: Callable[[], Awaitable[None]]
    ) -> None: ...


class Wakeup:
    """Tells the dispatcher that reminder rows changed, without services knowing about it."""

    def __init__(self) -> None:
        self._listener: Callable[[], Awaitable[None]] | None = None

    def connect(self, listener: Callable[[], Awaitable[None]]) -> None:
        self._listener = listener

    async def __call__(self) -> None:
        if self._listener is not None:
            await self._listener()
