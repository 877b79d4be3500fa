"""The dispatcher: one loop that sends whatever is due, woken at the earliest pending time.

The database is the only source of truth; the scheduler holds two jobs whatever the number of
reminders (the next wake-up and a periodic safety sweep). Rows are claimed a few dozen at a
time (pending -> sending) and streamed through ``IN_FLIGHT`` send slots: a slot takes the next
row as soon as it is free, so one slow send never holds its neighbours. Outcomes are stored as
they happen, a few at a time (group commit), and a slot is freed only once its outcome is
stored: a crash repeats at most the sends in flight, and every life of the process makes
progress. Any failure between claim and save returns the rows to the queue at once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiosqlite

from bot.clock import Clock, epoch
from bot.reminders.health import DATABASE, Alert, DeliveryHealth, alert_text
from bot.reminders.model import (
    Failed,
    Kind,
    Migrated,
    Notification,
    Outcome,
    RenderContext,
    Renderer,
    Retry,
    Scheduler,
    Sender,
    Sent,
    Unreachable,
)
from bot.tasks.digest import CATCH_UP_WINDOW as DIGEST_CATCH_UP
from storage.chats import ChatRepository
from storage.database import Database, LockSessionLost
from storage.members import Member, MemberRepository
from storage.reminders import (
    Delivery,
    NewReminder,
    Recovered,
    Reminder,
    ReminderRepository,
)

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 60.0
SWEEP_JOB = "reminders-sweep"  # scheduled from start() on: /healthz looks for it
CLAIM_SIZE = 64  # rows claimed (and rendered) at a time; they are sent one slot at a time
# Sends in flight at once; well inside PTB's HTTP connection pool (see bot/app.py).
IN_FLIGHT = 8  # more only adds HTTP-pool overhead: see bench/reminders.py
RETRY_FIRST = 5  # seconds before the first retry of a transient failure, doubling...
RETRY_CAP = 180  # ...up to this: an outage is noticed within three minutes of its end
SEND_TIMEOUT = 5.0  # the longest one send may keep a stopping bot waiting (PTB's read timeout)
AFTER_FAILED_RUN = 5.0  # seconds before trying again when outcomes could not be stored
# A new leader's first send waits this long when the previous one sent in the last two seconds
# (sent_at is rounded down to the second) or died with sends in flight: Telegram's overall and
# private windows are a second long, and a send on the wire still arrives a moment later.
HANDOVER_PAUSE = 2.0
GROUP_WINDOW = 60  # seconds: Telegram's window for a group's messages


@dataclass(frozen=True)
class _Result:
    """Everything one delivery changes, written together."""

    delivery: Delivery
    fallback: NewReminder | None = None
    unreachable_member: tuple[int, str] | None = None
    unreachable_chat: tuple[int, str] | None = None
    migrated_chat: tuple[int, int] | None = None  # (old id, new id)


@dataclass(frozen=True)
class _Job:
    """A claimed row, rendered, with where it goes."""

    reminder: Reminder
    note: Notification | None
    target: int | Unreachable
    # Sends each chat's rate window admits, shared by the rows claimed together: the limiter
    # counts a send only once it starts, so rows to one chat must not all see the same room.
    budget: dict[int, tuple[int, float]]


class SaveFailed(RuntimeError):
    """Outcomes could not be stored; their rows go back to the queue."""


class _Journal:
    """Outcomes on their way to the database, stored by group commit.

    ``record`` returns once the outcome is stored. One writer stores whatever is waiting in
    one transaction, then whatever arrived meanwhile, and so on: at 30 sends a second each
    outcome is stored on its own within milliseconds, while at full speed a transaction takes
    the outcomes of several sends, so the database never competes with the sends.
    """

    def __init__(self, save: Callable[[list[_Result]], Awaitable[None]]) -> None:
        self._save = save
        self._waiting: list[tuple[_Result, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, result: _Result) -> None:
        stored: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((result, stored))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await asyncio.shield(stored)  # raises SaveFailed if its transaction failed

    async def _write(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # let the sends that finished in this turn of the loop join
            batch, self._waiting = self._waiting, []
            try:
                await self._save([result for result, _ in batch])
            except Exception as exc:  # handed to every waiting row, which returns to the queue
                log.exception("Could not store the outcomes of %d reminders", len(batch))
                for _, stored in batch:
                    stored.set_exception(SaveFailed(str(exc)))
                    stored.exception()  # retrieved here too, in case its sender was stopped
                continue
            for _, stored in batch:
                stored.set_result(None)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        renderers: dict[str, Renderer],
        sender: Sender,
        scheduler: Scheduler,
        *,
        default_language: str,
        health: DeliveryHealth | None = None,
        admins: Callable[[], Awaitable[Sequence[Member]]] | None = None,
        claim_size: int = CLAIM_SIZE,
        in_flight: int = IN_FLIGHT,
        retry_cap: int = RETRY_CAP,
        send_timeout: float = SEND_TIMEOUT,
        session_check: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.default_language = default_language
        self.db = db
        self.clock = clock
        self.renderers = renderers
        self.sender = sender
        self.scheduler = scheduler
        self.health = health or DeliveryHealth(clock)
        self.admins = admins
        self.claim_size = claim_size
        self.retry_cap = retry_cap
        self.send_timeout = send_timeout
        # Several instances: raises LockSessionLost once the leader's session has ended (its
        # lock may be another's), checked before each claim. None: one process, always leads.
        self.session_check = session_check
        self.reminders = ReminderRepository(db)
        self.members = MemberRepository(db)
        self.chats = ChatRepository(db)
        self._slots = asyncio.Semaphore(in_flight)
        self._journal = _Journal(self._save)
        self._running = asyncio.Lock()
        self._stopping = False
        self._leading = False  # only the leader claims and sends (bot/leadership.py)
        self._quiet_until = 0.0  # monotonic: no send before (a new leader's pause)
        self._retrying = False  # a failed run's retry is scheduled
        self._stranded = False  # a run could not return its rows: the next one does
        self._workers: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Schedule the safety sweep; nothing is sent before ``lead``."""
        self.scheduler.repeat(SWEEP_JOB, SWEEP_INTERVAL, self.sweep)

    async def lead(self) -> None:
        """This instance now sends: rows the previous leader (or this process before a crash)
        left in flight go back to the queue (those are the only ones that may repeat), and the
        first sends wait until Telegram's windows hold none of the previous leader's.

        With several instances the previous leader may be alive, its session lost, finishing
        its last sends: their rows wait until those sends are over (the outcomes it stores
        meanwhile stand) while the rest of the queue goes on."""
        async with self._running:  # this instance's own sends, if it led before, are over
            held = self.session_check is not None
            recovered = await self.reminders.recover_in_flight(
                self._now() + math.ceil(self.send_timeout) + 1 if held else 0)
            if recovered:
                log.warning("Re-queued %d reminders that were being sent when the previous "
                            "leader (or this bot) stopped%s", len(recovered),
                            ", due once its sends are over" if held else "")
            await self._wait_for_windows(recovered, held)
            self._leading = True
        await self.arm()

    async def follow(self) -> None:
        """Another instance may send now: claim nothing more (the sends in flight finish and
        the rows claimed but not sent go back to the queue)."""
        self._leading = False

    @property
    def leading(self) -> bool:
        return self._leading

    async def _wait_for_windows(self, recovered: list[Recovered], held: bool) -> None:
        """Telegram counts a message when it arrives, and the previous leader's sends are not
        in this instance's windows: those of the last second (and those it had in flight,
        whose rows were just recovered, unless ``held`` back) become a pause before the first
        send; those of the last minute to groups go into this instance's group windows."""
        now = time.time()  # Telegram's windows run on real time, as the limiter's do
        recent = await self.reminders.sent_since(int(now) - GROUP_WINDOW)
        # sent_at is rounded down: a send dated ``at`` arrived before at + 1
        self.sender.note_sent([(r.chat_id, max(0.0, now - r.at - 1)) for r in recent
                               if r.chat_id is not None]
                              + [(r.chat_id, 0.0) for r in recovered if r.chat_id is not None])
        if (recovered and not held) or any(r.at + 2 > now for r in recent):
            self._quiet_until = time.monotonic() + HANDOVER_PAUSE

    async def arm(self) -> None:
        """(Re)schedule the wake-up for the earliest pending row. A run under way sends what
        is due and arms the next one when it ends."""
        if self._stopping or not self._leading or self._running.locked():
            return
        next_at = await self.reminders.next_pending_at()
        if next_at is None:
            return
        delay = max(0.0, next_at - self.clock.now().timestamp(),
                    self._quiet_until - time.monotonic())
        self.scheduler.call_later("reminders-dispatch", delay, self.run)

    async def look_again(self) -> None:
        """Arm for rows another instance planned (its wake-up reached its own dispatcher
        only), unless a failed run's retry is waiting: that wait stands."""
        if not self._retrying:
            await self.arm()

    async def sweep(self) -> None:
        """The periodic safety net: no send is under way while it holds the run lock, so any
        row still in 'sending' was stranded (its run could not store or return it). While a
        run goes on (a long burst) there is nothing to sweep: the next sweep looks again,
        rather than this one waiting out the burst (the scheduler would skip, and warn about,
        every sweep meanwhile)."""
        if self._running.locked():
            return
        self._stranded = True
        await self.run()

    async def run(self) -> None:
        """Send everything that is due, after any run already under way has finished."""
        async with self._running:
            self._retrying = False
            if self._stopping or not self._leading:
                return
            if time.monotonic() < self._quiet_until:
                self.scheduler.call_later("reminders-dispatch",
                                          self._quiet_until - time.monotonic(), self.run)
                return
            try:
                if self._stranded:
                    await self._recover_stranded()
                completed = await self._dispatch()
            except Exception:  # the database, most likely: its rows were returned or will be
                log.exception("Sending reminders failed; trying again in %.0f s",
                              AFTER_FAILED_RUN)
                self._stranded = True
                completed = False
        if completed:
            await self.arm()
        elif not self._stopping:
            self._retrying = True
            self.scheduler.call_later("reminders-dispatch", AFTER_FAILED_RUN, self.run)

    async def stop(self) -> None:
        """Stop claiming, let the sends in flight finish (each bounded by the send timeout),
        store their outcomes and return the rest of the claimed rows to the queue."""
        self._stopping = True
        try:
            async with asyncio.timeout(self.send_timeout):
                await self._running.acquire()
        except TimeoutError:
            log.warning("Stopping: %d sends did not finish in %.0f s; their reminders go back "
                        "to the queue", len(self._workers), self.send_timeout)
            for worker in self._workers:
                worker.cancel()
            await self._running.acquire()
        self._running.release()

    async def _recover_stranded(self) -> None:
        recovered = await self.reminders.recover_in_flight()
        self._stranded = False
        if recovered:
            log.warning("Re-queued %d reminders a failed run had left in 'sending'",
                        len(recovered))

    async def _dispatch(self) -> bool:
        """Claim and send until nothing is due; False if some outcome could not be stored."""
        unfinished: set[int] = set()  # claimed rows whose outcome is not stored
        unsaved: list[_Result] = []  # outcomes known, but whose batch failed to store
        try:
            while self._leading and not self._stopping and not unsaved:
                if not await self._session_alive():
                    break
                jobs = await self._claim()
                if not jobs:
                    break
                unfinished.update(job.reminder.id for job in jobs)
                for job in jobs:
                    await self._slots.acquire()
                    if self._stopping or not self._leading or unsaved:
                        self._slots.release()
                        break
                    worker = asyncio.create_task(self._work(job, unfinished, unsaved))
                    self._workers.add(worker)
                    worker.add_done_callback(self._workers.discard)
        finally:
            await asyncio.gather(*self._workers, return_exceptions=True)
            failed = bool(unsaved)
            if unfinished:
                await self._settle(unsaved, unfinished)
        return not failed

    async def _session_alive(self) -> bool:
        """Whether the leader's session still holds the lead: once it is lost, another
        instance may lead, so nothing more is claimed (bounded by the session's timeout)."""
        if self.session_check is None:
            return True
        try:
            await self.session_check()
        except LockSessionLost as exc:
            log.warning("The leader's database session is lost (%s): claiming no more "
                        "reminders", exc)
            self._leading = False
            return False
        return True

    async def _claim(self) -> list[_Job]:
        now = epoch(self.clock.now())
        digest_window = int(DIGEST_CATCH_UP.total_seconds())
        for row in await self.reminders.skip_superseded(now, digest_window):
            log.warning("Gave up on reminder %d after %d failed attempts (last: %s): a later "
                        "reminder or the deadline replaces it, or it is a digest too late to "
                        "send", row.reminder_id, row.attempts, row.error)
        batch = await self.reminders.claim_due(now, self.claim_size)
        if not batch:
            return []
        try:
            members = await self.members.by_ids(r.member_id for r in batch if r.member_id)
            unreachable_chats = await self.chats.unreachable_ids()
            notes = await self._render(batch, now, members)
        except BaseException:
            async with self.db.transaction() as conn:
                await self.reminders.release(conn, [r.id for r in batch])
            raise
        budget: dict[int, tuple[int, float]] = {}
        return [
            _Job(r, notes.get(r.id), _destination(r, members, unreachable_chats), budget)
            for r in batch
        ]

    async def _work(self, job: _Job, unfinished: set[int], unsaved: list[_Result]) -> None:
        """Deliver one row and store its outcome, holding its slot until it is stored."""
        result: _Result | None = None
        try:
            result = await self._deliver(job)
            await self._journal.record(result)
            unfinished.discard(job.reminder.id)
        except SaveFailed:
            assert result is not None
            unsaved.append(result)
            await self._tell_admins(self.health.failed(DATABASE))
        except Exception:  # the row stays unfinished, so it goes back to the queue
            log.exception("Unexpected failure delivering reminder %d", job.reminder.id)
        finally:
            self._slots.release()

    async def _deliver(self, job: _Job) -> _Result:
        """Send one reminder (or decide not to) and say what became of it."""
        reminder, note, target = job.reminder, job.note, job.target
        if note is None:
            if reminder.attempts:
                log.info("Gave up on reminder %d after %d failed attempts: its %s is over",
                         reminder.id, reminder.attempts, reminder.event_kind)
            return _Result(Delivery(reminder.id, "cancelled", self._now()))
        if isinstance(target, Unreachable):
            return self._result(reminder, note, target)
        # A chat whose rate window is full would hold a send slot until it frees up: hold
        # its message back instead and send the others.
        free, again_in = job.budget.setdefault(target, self.sender.room(target))
        if free <= 0:
            now = self._now()
            return _Result(Delivery(reminder.id, "pending", now,
                                    next_at=now + max(1, math.ceil(again_in)), attempted=False))
        job.budget[target] = (free - 1, again_in)
        outcome = await self._send(target, note)
        await self._tell_admins(self.health.record(outcome))
        return self._result(reminder, note, outcome)

    async def _send(self, chat_id: int, note: Notification) -> Outcome:
        """Send, turning even an unexpected failure into an outcome to store, so one broken
        message never leaves its row in flight or stops the others."""
        try:
            return await self.sender.send(chat_id, note)
        except Exception as exc:  # logged, and stored on the row
            log.exception("Unexpected failure sending to chat %s", chat_id)
            return Failed(f"unexpected: {exc!r}")

    def _now(self) -> int:
        return epoch(self.clock.now())

    def _result(self, reminder: Reminder, note: Notification, outcome: Outcome) -> _Result:
        """What an outcome means for the row, the recipient, and the group fallback."""
        now = self._now()
        match outcome:
            case Sent():
                return _Result(Delivery(reminder.id, "sent", now))
            case Unreachable(reason):
                log.info("Reminder %d not delivered privately: the recipient is unreachable "
                         "(%s)", reminder.id, reason)
                failed = Delivery(reminder.id, "failed", now, error=reason)
                if reminder.chat_id is not None:
                    return _Result(failed, unreachable_chat=(reminder.chat_id, reason))
                assert reminder.member_id is not None
                fallback = None
                if note.fallback_chat_id is not None:
                    fallback = NewReminder(reminder.event_kind, reminder.event_id, Kind.FALLBACK,
                                           reminder.member_id, note.fallback_chat_id,
                                           reminder.event_at, now)
                return _Result(failed, fallback,
                               unreachable_member=(reminder.member_id, reason))
            case Retry(after, error):
                # Transient: tried again for as long as the reminder means something (the
                # catch-up rule drops it once a later one or the deadline replaces it).
                wait = after if after is not None else self._backoff(reminder.attempts)
                log.info("Reminder %d will be retried in %d s: %s", reminder.id, wait, error)
                return _Result(Delivery(reminder.id, "pending", now,
                                        next_at=now + int(wait) + 1, error=error))
            case Failed(error):
                log.error("Gave up on reminder %d: Telegram refused it for good: %s",
                          reminder.id, error)
                return _Result(Delivery(reminder.id, "failed", now, error=error))
            case Migrated(new_chat_id):
                assert reminder.chat_id is not None
                return _Result(Delivery(reminder.id, "pending", now, next_at=now,
                                        error="group upgraded to a supergroup"),
                               migrated_chat=(reminder.chat_id, new_chat_id))
        raise AssertionError(f"unknown outcome {outcome!r}")

    def _backoff(self, attempts: int) -> float:
        return min(RETRY_FIRST * 2 ** min(attempts, 16), self.retry_cap)

    async def _save(self, results: list[_Result]) -> None:
        """Store outcomes: those that change only their own row each on its own (one round
        trip to the database thread), the others in one transaction with what they change."""
        plain = [r for r in results if r == _Result(r.delivery)]
        if plain:
            await self.reminders.finish_each([r.delivery for r in plain])
        if len(plain) < len(results):
            async with self.db.transaction() as conn:
                await self._write(conn, [r for r in results if r != _Result(r.delivery)])

    async def _write(self, conn: aiosqlite.Connection, results: list[_Result]) -> None:
        await self.reminders.finish(conn, [r.delivery for r in results])
        await self.reminders.add(conn, [r.fallback for r in results if r.fallback])
        for result in results:
            if result.unreachable_member is not None:
                await self.members.mark_unreachable(
                    conn, *result.unreachable_member, result.delivery.at)
            if result.unreachable_chat is not None:
                await self.chats.mark_unreachable(
                    conn, *result.unreachable_chat, result.delivery.at)
            if result.migrated_chat is not None:
                await self.chats.migrate(conn, *result.migrated_chat, result.delivery.at)

    async def _settle(self, unsaved: list[_Result], unfinished: set[int]) -> None:
        """After a failure: store the outcomes known, return every other claimed row to the
        queue. If even that cannot be written, the next run re-queues them."""
        known = {r.delivery.reminder_id for r in unsaved}
        try:
            async with self.db.transaction() as conn:
                await self._write(conn, unsaved)
                await self.reminders.release(conn, unfinished - known)
        except Exception:  # the rows stay in 'sending' until the next run re-queues them
            log.exception("Could not return %d claimed reminders to the queue; the next run "
                          "will", len(unfinished))
            self._stranded = True
            return
        log.warning("Returned %d claimed reminders to the queue (%d outcomes stored late)",
                    len(unfinished - known), len(known))
        unsaved.clear()

    async def _tell_admins(self, alert: Alert | None) -> None:
        """Tell every admin once that deliveries kept failing (and whether they work again)."""
        if alert is None or self.admins is None:
            return
        log.warning("Deliveries failed from %d to %d (%s); telling the admins", alert.since,
                    alert.until, alert.reason)
        try:
            admins = await self.admins()
        except Exception:  # reading the database failed too: the log line above must do
            log.exception("Could not find the admins to tell about failing deliveries")
            return
        for admin in admins:
            if admin.telegram_id is None or admin.unreachable:
                continue
            outcome = await self._send(admin.telegram_id, Notification(
                alert_text(alert, admin.language)))
            if not isinstance(outcome, Sent):
                log.warning("Could not tell admin %d about failing deliveries: %s",
                            admin.telegram_id, outcome)

    async def _render(
        self, batch: list[Reminder], now: int, members: dict[int, Member]
    ) -> dict[int, Notification | None]:
        by_kind: dict[str, list[Reminder]] = defaultdict(list)
        for reminder in batch:
            by_kind[reminder.event_kind].append(reminder)
        context = RenderContext(now, members, self.sender.bot_username, self.default_language)
        notes: dict[int, Notification | None] = {}
        for kind, reminders in by_kind.items():
            notes.update(await self.renderers[kind].render(reminders, context))
        return notes


def _destination(
    reminder: Reminder, members: dict[int, Member], unreachable_chats: set[int]
) -> int | Unreachable:
    """The chat to send to, or why there is none."""
    if reminder.chat_id is not None:
        if reminder.chat_id in unreachable_chats:
            return Unreachable("kicked")
        return reminder.chat_id
    member = members.get(reminder.member_id or 0)
    if member is None or member.telegram_id is None or member.started_at is None:
        return Unreachable("not_started")
    if member.unreachable:
        return Unreachable(member.unreachable)
    return member.telegram_id
