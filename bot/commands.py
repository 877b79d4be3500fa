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
    CommandInfo("done", N_("Finish your part of a task, with a note or a file"),
                N_("/done 12 Đã nộp bản giấy cho Văn phòng")),
    CommandInfo("directives", N_("All directives and resolutions, by kind"), N_("/directives")),
    CommandInfo("directive", N_("A directive's summary, by its code"), N_("/directive 39")),
    CommandInfo("sixtasks", N_("The 6 key tasks for commune-level cadres"), N_("/sixtasks")),
    CommandInfo("eighttasks", N_("The 8 tasks for 2023"), N_("/eighttasks")),
    CommandInfo("lists", N_("All lists from the conferences"), N_("/lists")),
    CommandInfo("list", N_("One list, by its name"), N_("/list 6 nhiem vu")),
    CommandInfo("find", N_("Search directives, lists and conferences"), N_("/find chuyen doi so")),
    CommandInfo("conference", N_("A conference, by its date"), N_("/conference 13/01/2023")),
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
    CommandInfo("edittask", N_("Change a task's deadline, title, assignees or unit"),
                N_("/edittask 12 31/12 17h +@chi_pham -@binh_le"), admin=True),
    CommandInfo("canceltask", N_("Cancel a task"), N_("/canceltask 12"), admin=True),
    CommandInfo("excuse", N_("Release one assignee from a task, with a reason"),
                N_("/excuse 12 @binh_le Đi công tác đến hết tháng"), admin=True),
    CommandInfo("meetings", N_("The next meetings"), N_("/meetings")),
    CommandInfo("meeting", N_("One meeting in detail, with attendance"), N_("/meeting 3")),
    CommandInfo("ics", N_("Calendar file: one meeting, or all of yours"), N_("/ics 3")),
    CommandInfo(
        "addmeeting",
        N_("Schedule a meeting, once or repeating"),
        N_("/addmeeting 15/12/2026 14:00 | Hội trường tầng 3 | Hội nghị kiểm điểm công tác "
           "xây dựng Đảng năm 2026"),
        admin=True,
    ),
    CommandInfo(
        "editmeeting",
        N_("Change a meeting's time, place or title"),
        N_("/editmeeting 3 16/12/2026 14:00 | Phòng họp số 2 |"),
        admin=True,
    ),
    CommandInfo("cancelmeeting", N_("Cancel a meeting"), N_("/cancelmeeting 3"), admin=True),
    CommandInfo(
        "attendance",
        N_("Who attends a meeting; without a number, recent rates"),
        N_("/attendance 3"),
        admin=True,
    ),
    CommandInfo(
        "minutes",
        N_("Attach a meeting's conclusions"),
        N_("/minutes 3 Thống nhất giao Văn phòng chuẩn bị báo cáo"),
        admin=True,
    ),
    CommandInfo("checkin", N_("Check in at the meeting under way"), N_("/checkin")),
    CommandInfo("dashboard", N_("Open the dashboard: tasks, meetings and progress"),
                N_("/dashboard")),
    CommandInfo("report", N_("Report for a period, or on one directive"),
                N_("/report quý 4/2026"), admin=True),
    CommandInfo("export", N_("Export tasks, meetings, attendance or members"),
                N_("/export tasks tháng 11/2026 xlsx"), admin=True),
    CommandInfo(
        "unreachable",
        N_("Who the bot cannot message privately, and why"),
        N_("/unreachable"),
        admin=True,
    ),
    CommandInfo(
        "status",
        N_("How reminder deliveries are going: queue, failures, last send"),
        N_("/status"),
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
        N_("Make this group a unit that receives the committee's notifications"),
        N_("/subscribe Chi bộ Văn phòng (in the group)"),
        admin=True,
    ),
    CommandInfo("units", N_("The units, each under its parent"), N_("/units"), admin=True),
    CommandInfo("unit", N_("Place this unit under a parent unit"),
                N_("/unit parent Đảng ủy Khối (in the group)"), admin=True),
    CommandInfo("members", N_("The unit's roster; add, remove or import people"),
                N_("/members add @binh_le (in the group)"), admin=True),
    CommandInfo("rollcall", N_("Ask the group's members to sign in with a button"),
                N_("/rollcall (in the group)"), admin=True),
    CommandInfo(
        "unsubscribe",
        N_("Stop notifications to this group"),
        N_("/unsubscribe (in the group)"),
        admin=True,
    ),
    CommandInfo(
        "import",
        N_("Add or replace directives, lists and conferences from a YAML file"),
        N_("/import (as the caption of the file, or in reply to it)"),
        admin=True,
    ),
)


def commands_for(is_admin: bool) -> list[CommandInfo]:
    return [command for command in COMMANDS if is_admin or not command.admin]
