"""The command catalogue: one list serves /help and the menu published with setMyCommands."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str  # an untranslated message id
    example: str  # an untranslated message id
    admin: bool = False


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", N_("Register and get a greeting"), N_("/start")),
    CommandInfo("help", N_("List the commands you can use"), N_("/help")),
    CommandInfo("lang", N_("Choose the language: vi or en"), N_("/lang en")),
    CommandInfo("whoami", N_("Show your role and language"), N_("/whoami")),
    CommandInfo("tasks", N_("Your open tasks, soonest first"), N_("/tasks")),
    CommandInfo("task", N_("One task in detail"), N_("/task 12")),
    CommandInfo("done", N_("Mark a task of yours as done"), N_("/done 12")),
    CommandInfo(
        "addtask",
        N_("Assign a task with a deadline"),
        N_("/addtask @user1 @user2 31/12/2026 17:00 Báo cáo sơ kết Nghị quyết 39 #39-NQ/TW"),
        admin=True,
    ),
    CommandInfo(
        "alltasks",
        N_("All open tasks; filter: overdue, @member, #tag"),
        N_("/alltasks overdue"),
        admin=True,
    ),
    CommandInfo("edittask", N_("Move a task's deadline"), N_("/edittask 12 31/12 17h"),
                admin=True),
    CommandInfo("canceltask", N_("Cancel a task"), N_("/canceltask 12"), admin=True),
    CommandInfo(
        "unreachable",
        N_("Who the bot cannot message privately, and why"),
        N_("/unreachable"),
        admin=True,
    ),
    CommandInfo(
        "grant",
        N_("Make a member an admin"),
        N_("/grant @username (or reply to their message with /grant)"),
        admin=True,
    ),
    CommandInfo(
        "revoke",
        N_("Take the admin role away"),
        N_("/revoke @username (or reply to their message with /revoke)"),
        admin=True,
    ),
    CommandInfo(
        "subscribe",
        N_("Send the committee's notifications to this group"),
        N_("/subscribe (in the group)"),
        admin=True,
    ),
    CommandInfo(
        "unsubscribe",
        N_("Stop notifications to this group"),
        N_("/unsubscribe (in the group)"),
        admin=True,
    ),
)


def commands_for(is_admin: bool) -> list[CommandInfo]:
    return [command for command in COMMANDS if is_admin or not command.admin]


def command_info(name: str) -> CommandInfo:
    return next(command for command in COMMANDS if command.name == name)
