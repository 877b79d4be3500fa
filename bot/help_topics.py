"""/help by topic: a short overview, then each topic's commands on a button.

The admin's list is about 40 commands: too long for a phone screen in one message. Commands
are grouped here by name, so a command added to ``bot.commands`` without a topic still shows
(under "General") rather than vanishing from /help.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import CommandInfo, commands_for
from bot.i18n import N_

HOME = "home"  # the overview's key (bot.callbacks.HELP_TOPIC)


@dataclass(frozen=True)
class Topic:
    key: str
    title: str  # an untranslated message id
    commands: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic("tasks", N_("📋 Tasks"),
          ("tasks", "task", "done", "addtask", "alltasks", "edittask", "canceltask",
           "excuse")),
    Topic("meetings", N_("📅 Meetings"),
          ("meetings", "meeting", "ics", "addmeeting", "editmeeting", "cancelmeeting",
           "attendance", "minutes", "checkin")),
    Topic("lookups", N_("📚 Directives and lists"),
          ("directives", "directive", "sixtasks", "eighttasks", "lists", "list", "find",
           "conference", "import")),
    Topic("members", N_("👥 Members and groups"),
          ("grant", "revoke", "subscribe", "unsubscribe", "units", "unit", "members",
           "rollcall", "unreachable")),
    Topic("reports", N_("📊 Reports"), ("report", "export", "dashboard")),
    Topic("general", N_("⚙️ General"), ("start", "help", "lang", "whoami")),
)
_GENERAL = TOPICS[-1]


def topic_of(command: CommandInfo) -> Topic:
    return next((t for t in TOPICS if command.name in t.commands), _GENERAL)


def visible_topics(is_admin: bool) -> list[tuple[Topic, list[CommandInfo]]]:
    """Each topic with the commands this user may use; topics left empty are dropped."""
    allowed = commands_for(is_admin)
    grouped = [(topic, [c for c in allowed if topic_of(c) is topic]) for topic in TOPICS]
    return [(topic, commands) for topic, commands in grouped if commands]


def find_topic(key: str) -> Topic | None:
    return next((topic for topic in TOPICS if topic.key == key), None)
