"""How deliveries are going: failures by reason over the last hour, and when to tell admins.

The dispatcher reports every attempt here. Deliveries that keep failing for ``ALERT_AFTER``
are reported to the admins once: at once if Telegram answered (it refuses our messages, or
the database cannot store outcomes), or, when it was the API that could not be reached, as
soon as it can be reached again (a message sent while it is down would not arrive either).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass

from bot.clock import Clock, epoch
from bot.i18n import N_, _, ngettext, use_language
from bot.reminders.model import Failed, Outcome, Retry, Sent, Unreachable

WINDOW = 3600  # seconds of failures /status counts
ALERT_AFTER = 600  # seconds of failing deliveries before the admins are told

# Why an attempt failed, as /status groups them.
NETWORK = "network"  # the API could not be reached, timed out or answered 5xx
FLOOD = "flood"  # 429: Telegram asked us to wait
REJECTED = "rejected"  # Telegram refused the message itself (a permanent error)
DATABASE = "database"  # the outcome could not be stored
UNEXPECTED = "unexpected"  # a failure of the bot's own code


REASON_LABELS = {
    NETWORK: N_("Telegram could not be reached"),
    FLOOD: N_("Telegram asked the bot to slow down"),
    REJECTED: N_("Telegram refused the messages"),
    DATABASE: N_("the database could not store the outcomes"),
    UNEXPECTED: N_("an error in the bot"),
    "blocked": N_("the member blocked the bot"),
    "not_started": N_("the member has not pressed Start"),
    "kicked": N_("the bot is no longer in the group"),
    "forbidden": N_("Telegram does not let the bot write there"),
}


def reason_label(reason: str) -> str:
    """The reason in the current language."""
    label = REASON_LABELS.get(reason)
    return _(label) if label is not None else reason


@dataclass(frozen=True)
class Alert:
    """Deliveries failed from ``since`` until ``until`` for ``reason``."""

    since: int
    until: int
    reason: str
    recovered: bool  # sent once deliveries work again


def reason_of(outcome: Outcome) -> str | None:
    """The failure reason of an outcome, or None if it was not a failure of delivery."""
    match outcome:
        case Retry(after, _):
            return FLOOD if after is not None else NETWORK
        case Failed(error):
            return UNEXPECTED if error.startswith("unexpected") else REJECTED
        case Unreachable(reason):
            return reason
    return None


class DeliveryHealth:
    def __init__(self, clock: Clock, alert_after: int = ALERT_AFTER) -> None:
        self.clock = clock
        self.alert_after = alert_after
        self.started_at = epoch(clock.now())
        self._failures: deque[tuple[int, str]] = deque()
        self._failing_since: int | None = None
        self._cause: str | None = None
        self._alerted = False

    def record(self, outcome: Outcome) -> Alert | None:
        """Note one attempt; returns the alert to send to the admins, if it is time."""
        now = epoch(self.clock.now())
        if isinstance(outcome, Sent):
            return self._succeeded(now)
        reason = reason_of(outcome)
        if reason is None:
            return None
        if isinstance(outcome, Unreachable):  # one recipient out of reach, not a failure
            self._note(now, reason)           # of deliveries as a whole
            return None
        return self.failed(reason)

    def failed(self, reason: str) -> Alert | None:
        """A delivery failure (of the API, or of storing the outcome)."""
        now = epoch(self.clock.now())
        self._note(now, reason)
        if self._failing_since is None:
            self._failing_since = now
        self._cause = reason
        api_down = reason in (NETWORK, FLOOD)
        if api_down or self._alerted or now - self._failing_since < self.alert_after:
            return None
        self._alerted = True
        return Alert(self._failing_since, now, reason, recovered=False)

    def _succeeded(self, now: int) -> Alert | None:
        since, cause = self._failing_since, self._cause
        alert = None
        if since is not None and cause is not None and not self._alerted and (
            now - since >= self.alert_after
        ):
            alert = Alert(since, now, cause, recovered=True)
        self._failing_since, self._cause, self._alerted = None, None, False
        return alert

    def _note(self, now: int, reason: str) -> None:
        self._failures.append((now, reason))
        while self._failures and self._failures[0][0] <= now - WINDOW:
            self._failures.popleft()

    def failures_by_reason(self) -> Counter[str]:
        """Failed attempts in the last hour (since the start, if that was more recent)."""
        since = epoch(self.clock.now()) - WINDOW
        return Counter(reason for at, reason in self._failures if at > since)

    @property
    def failing_since(self) -> int | None:
        return self._failing_since


def alert_text(alert: Alert, language: str) -> str:
    """The one message admins get about deliveries that kept failing, in their language."""
    with use_language(language):
        minutes = max(1, (alert.until - alert.since) // 60)
        if alert.recovered:
            text = ngettext(
                "⚠️ Reminders could not be delivered for {minutes} minute ({reason}). "
                "Deliveries work again; the reminders held back are being sent now.",
                "⚠️ Reminders could not be delivered for {minutes} minutes ({reason}). "
                "Deliveries work again; the reminders held back are being sent now.",
                minutes,
            )
        else:
            text = ngettext(
                "⚠️ Reminders have been failing for {minutes} minute ({reason}). "
                "Send /status for details.",
                "⚠️ Reminders have been failing for {minutes} minutes ({reason}). "
                "Send /status for details.",
                minutes,
            )
        return text.format(minutes=minutes, reason=reason_label(alert.reason))
