"""The dispatcher's only contact with Telegram: sending, and the JobQueue that wakes it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import CallbackContext, JobQueue

from bot.committee_bot import CommitteeBot
from bot.ratelimit import TelegramRateLimiter, retry_seconds
from bot.reminders.model import (
    Failed,
    Migrated,
    Notification,
    Outcome,
    Retry,
    Sent,
    Unreachable,
)

log = logging.getLogger(__name__)

UNLIMITED = 1_000_000


def keyboard(notification: Notification) -> InlineKeyboardMarkup | None:
    if not notification.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row]
            for row in notification.buttons
        ]
    )


def _forbidden_reason(message: str) -> str:
    text = message.lower()
    if "blocked" in text:
        return "blocked"
    if "initiate" in text:
        return "not_started"
    if "kicked" in text or "not a member" in text:
        return "kicked"
    return "forbidden"


class TelegramSender:
    def __init__(self, bot: CommitteeBot) -> None:
        self.bot = bot

    @property
    def bot_username(self) -> str:
        return self.bot.username

    def room(self, chat_id: int) -> tuple[int, float]:
        limiter = self.bot.rate_limiter
        if isinstance(limiter, TelegramRateLimiter):
            return limiter.room(chat_id)
        return UNLIMITED, 0.0

    def note_sent(self, sends: list[tuple[int, float]]) -> None:
        limiter = self.bot.rate_limiter
        if isinstance(limiter, TelegramRateLimiter):
            for chat_id, ago in sends:
                limiter.note_sent(chat_id, ago)

    async def send(self, chat_id: int, notification: Notification) -> Outcome:
        """Send one message and classify what happened, never raising for Telegram errors."""
        try:
            # A reminder's place among a chat's answers does not matter; waiting behind a
            # group's queued answers would hold one of the dispatcher's few sends in flight.
            with self.bot.outbox.aside():
                message_id = await self._send(chat_id, notification)
        except Forbidden as exc:
            return Unreachable(_forbidden_reason(exc.message))
        except RetryAfter as exc:
            return Retry(retry_seconds(exc), exc.message)
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return Unreachable("not_started" if chat_id > 0 else "kicked")
            return Failed(exc.message)
        except NetworkError as exc:  # includes TimedOut: transient, try again later
            return Retry(None, exc.message)
        except ChatMigrated as exc:
            return Migrated(exc.new_chat_id)
        except TelegramError as exc:  # anything else Telegram refuses will not change by itself
            return Failed(exc.message)
        return Sent(message_id)


    async def _send(self, chat_id: int, notification: Notification) -> int:
        markup = keyboard(notification)
        attachment = notification.attachment
        if attachment is None:
            return await self.bot.send_html(chat_id, notification.text, reply_markup=markup)
        file: InputFile | str | None = attachment.file_id
        if attachment.content is not None:
            file = InputFile(attachment.content, filename=attachment.filename)
        assert file is not None
        if attachment.kind == "photo":
            sent = await self.bot.send_photo(chat_id, file, caption=notification.text,
                                             reply_markup=markup)
        else:
            sent = await self.bot.send_document(chat_id, file, caption=notification.text,
                                                reply_markup=markup)
        return sent.message_id


class JobQueueScheduler:
    """Scheduler over PTB's JobQueue (APScheduler); one job per name at most."""

    def __init__(self, job_queue: JobQueue) -> None:
        self.job_queue = job_queue

    def _replace(self, name: str) -> None:
        for job in self.job_queue.get_jobs_by_name(name):
            job.schedule_removal()

    def call_later(
        self, name: str, delay: float, callback: Callable[[], Awaitable[None]]
    ) -> None:
        self._replace(name)
        self.job_queue.run_once(_as_job(callback), when=delay, name=name)

    def repeat(
        self, name: str, interval: float, callback: Callable[[], Awaitable[None]]
    ) -> None:
        self._replace(name)
        self.job_queue.run_repeating(_as_job(callback), interval=interval, first=interval,
                                     name=name)


def _as_job(
    callback: Callable[[], Awaitable[None]],
) -> Callable[[CallbackContext], Awaitable[None]]:
    async def job(_context: CallbackContext) -> None:
        await callback()

    return job
