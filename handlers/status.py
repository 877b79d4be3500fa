"""/status: how reminder deliveries are going, for admins."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.clock import from_epoch
from bot.i18n import _, format_datetime, ngettext
from bot.reminders.health import reason_label
from bot.reminders.status import DeliveryStatus
from handlers.context import BotContext, admin_only, reply


def _moment(at: int, zone: ZoneInfo) -> str:
    return format_datetime(from_epoch(at), zone)


def render_status(status: DeliveryStatus, zone: ZoneInfo) -> str:
    queue = status.queue
    lines = [_("<b>Reminder deliveries</b>")]
    if status.failing_since is not None:
        lines.append(_("⚠️ Deliveries have been failing since {moment}.").format(
            moment=_moment(status.failing_since, zone)))
    lines.append(_("Queue: {pending} pending, {due} due now.").format(
        pending=queue.pending, due=queue.due))
    if queue.oldest_due_at is not None:
        lines.append(_("Oldest due: {moment}.").format(moment=_moment(queue.oldest_due_at, zone)))
    if queue.retrying:
        lines.append(ngettext("{count} reminder is waiting to be retried after a failure.",
                              "{count} reminders are waiting to be retried after a failure.",
                              queue.retrying).format(count=queue.retrying))
    lines.append(_("Sent in the last hour: {count}.").format(count=queue.sent_last_hour))
    if queue.last_sent_at is None:
        lines.append(_("Last successful send: none yet."))
    else:
        lines.append(_("Last successful send: {moment}.").format(
            moment=_moment(queue.last_sent_at, zone)))
    since = _moment(status.failures_since, zone)
    if status.failures:
        lines.append(_("Failed attempts since {moment}:").format(moment=since))
        for reason, count in status.failures.most_common():
            lines.append(_("• {reason}: {count}").format(reason=reason_label(reason), count=count))
    else:
        lines.append(_("No failed attempts since {moment}.").format(moment=since))
    lines.append(ngettext(
        "{count} member cannot be reached privately (see /unreachable).",
        "{count} members cannot be reached privately (see /unreachable).",
        status.unreachable_members,
    ).format(count=status.unreachable_members))
    return "\n".join(lines)


@admin_only
async def delivery_status(update: Update, context: BotContext) -> None:
    services = context.services
    status = await services.delivery.status()
    await reply(update, render_status(status, services.settings.zone))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("status", delivery_status))
