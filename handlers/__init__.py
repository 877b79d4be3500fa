"""Telegram adapters, one module per feature; ``register`` wires them in order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    admin,
    checkin,
    claims,
    common,
    context,
    dashboard,
    guard,
    help_menu,
    lookups,
    meeting_rsvp,
    meetings,
    reports,
    roster,
    status,
    task_lists,
    task_parts,
    tasks,
    units,
)


def register(app: Application) -> None:
    # Order matters! Group -1 identifies the sender and sets the language before any command
    # handler of group 0 runs. Within group 0 the first matching handler wins, so the
    # unknown-command fallback is added last.
    guard.register(app)  # groups -3 and -2: edits and floods stop here
    context.register(app)
    common.register(app)
    help_menu.register(app)
    admin.register(app)
    claims.register(app)
    status.register(app)
    units.register(app)
    roster.register(app)
    tasks.register(app)
    task_parts.register(app)
    task_lists.register(app)
    lookups.register(app)
    meetings.register(app)
    checkin.register(app)
    reports.register(app)
    dashboard.register(app)
    # Last before the fallback: it reads plain text the bot asked for (a new date, an absence
    # reason).
    meeting_rsvp.register(app)
    common.register_fallback(app)
