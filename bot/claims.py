"""Placeholders claimed by whoever holds their username: telling the admins who gave the work,
and giving it back when the wrong person took it."""

from __future__ import annotations

import html
from collections.abc import Sequence
from enum import Enum

from bot import callbacks
from bot.access import Scope
from bot.clock import Clock
from bot.i18n import _, ngettext
from bot.reminders.model import Button, Kind, Notification, RenderContext, Wakeup, render_each
from bot.work import UnitOfWork
from storage.claims import Claim, ClaimRepository
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.members import Member, MemberRepository
from storage.reminders import NewReminder, Reminder
from storage.tasks import TaskRepository


class UndoOutcome(Enum):
    DONE = "done"
    ALREADY = "already"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"


class ClaimService:
    def __init__(self, db: Database, clock: Clock, wakeup: Wakeup) -> None:
        self.claims = ClaimRepository(db)
        self.members = MemberRepository(db)
        self.tasks = TaskRepository(db)
        self.meetings = MeetingRepository(db)
        self.work = UnitOfWork(db, clock, wakeup)

    async def _managed(self, scope: Scope, claim: Claim) -> tuple[list[int], list[int]]:
        """The claim's tasks and meetings this admin manages: of their units, or given by
        them."""
        def theirs(item) -> bool:
            by_them = scope.member is not None and item.created_by == scope.member.id
            return scope.manages(item.group_chat_id) or (by_them and scope.is_admin)

        tasks = [await self.tasks.get(task_id) for task_id in claim.task_ids]
        meetings = [await self.meetings.get(meeting_id) for meeting_id in claim.meeting_ids]
        return ([t.id for t in tasks if t is not None and theirs(t)],
                [m.id for m in meetings if m is not None and theirs(m)])

    async def undo(self, actor: Member, scope: Scope, claim_id: int) -> UndoOutcome:
        """Give the claimed work back to a placeholder (an admin then reassigns it) and tell
        the claimer. An organisation admin gives back all of it; another admin only the
        tasks and meetings they manage, the rest staying claimed for their own admins."""
        claim = await self.claims.get(claim_id)
        if claim is None:
            return UndoOutcome.NOT_FOUND
        task_ids, meeting_ids = (list(claim.task_ids), list(claim.meeting_ids)) \
            if scope.org_admin else await self._managed(scope, claim)
        if not task_ids and not meeting_ids:
            return UndoOutcome.NOT_ALLOWED
        if claim.undone_at is not None:
            return UndoOutcome.ALREADY
        whole = len(task_ids) == len(claim.task_ids) and \
            len(meeting_ids) == len(claim.meeting_ids)
        async with self.work.change(actor, "member.claim.undo", f"claim:{claim_id}") as change:
            if not whole:
                claim = await self.claims.split_off(change.conn, claim, task_ids, meeting_ids,
                                                    change.now)
            placeholder = await self.members.returned_placeholder(change.conn, claim.username,
                                                                  change.now)
            await self.claims.give_back(change.conn, claim, placeholder, actor.id, change.now)
            change.plan([NewReminder("claim", claim.id, Kind.CLAIM_UNDONE, claim.member_id, None,
                                     change.now, change.now)])
        return UndoOutcome.DONE


class ClaimRenderer:
    def __init__(self, claims: ClaimRepository, members: MemberRepository) -> None:
        self.claims = claims
        self.members = members

    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        return await render_each(reminders, context, self._one)

    async def _one(self, reminder: Reminder) -> Notification | None:
        claim = await self.claims.get(reminder.event_id)
        if claim is None:
            return None
        work = _work(claim)
        username = html.escape(claim.username)
        if reminder.kind == Kind.CLAIM_UNDONE:
            return Notification(_("An admin has taken back what was given to @{username} ({work}"
                                  "): it was meant for someone else. Nothing is needed from "
                                  "you.").format(username=username, work=work))
        if claim.undone_at is not None:
            return None
        who = (await self.members.by_ids([claim.member_id])).get(claim.member_id)
        if who is None:
            return None
        text = _("👤 @{username} was claimed by {name} (Telegram id {id}), who now has what you "
                 "gave to @{username}: {work}. If this is not the person you meant, press "
                 "“Undo”: the work goes back to an unclaimed @{username} for you to reassign, "
                 "and {name} is told.").format(
            username=username, name=html.escape(who.full_name or who.display_name),
            id=who.telegram_id, work=work)
        return Notification(text, ((Button(_("↩️ Undo"),
                                           data=callbacks.CLAIM_UNDO.pack(claim.id)),),))


def _work(claim: Claim) -> str:
    parts = []
    if claim.task_ids:
        parts.append(ngettext("task {ids}", "tasks {ids}", len(claim.task_ids)).format(
            ids=", ".join(f"#{n}" for n in claim.task_ids)))
    if claim.meeting_ids:
        parts.append(ngettext("meeting {ids}", "meetings {ids}", len(claim.meeting_ids)).format(
            ids=", ".join(f"#{n}" for n in claim.meeting_ids)))
    return "; ".join(parts)
