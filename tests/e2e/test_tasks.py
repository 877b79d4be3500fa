"""Tasks end to end: /addtask, /tasks, /task, /done, /alltasks, /edittask, /canceltask."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from tests.conftest import BOT_USERNAME, advance
from tests.double import BotApiDouble
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


async def start_all(double: BotApiDouble, people) -> None:
    for person in (people.admin, people.binh, people.chi):
        await ask(double, person, "/start")


async def add_task(
    double: BotApiDouble, admin: dict, text: str, *assignees: dict, chat: dict | None = None
) -> dict:
    """Add a task as the admin; return the reply once each assignee has had their notice."""
    reply = await ask(double, admin, text, chat=chat)
    for person in assignees:
        await double.wait_for_message(person["id"], contains="#")
    return reply


async def stored_tasks(app: Application) -> list[tuple]:
    rows = await app.bot_data["services"].db.fetchall(
        "SELECT id, title, tag, due_at, status, group_chat_id FROM tasks ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def test_addtask_stores_the_task_and_echoes_it(double, people, app) -> None:
    await start_all(double, people)
    reply = await ask(
        double,
        people.admin,
        "/addtask @binh_le @chi_pham 31/12/2026 17:00 Báo cáo sơ kết Nghị quyết 39 #39-NQ/TW",
    )
    assert reply["text"].startswith(
        "✅ Đã lưu nhiệm vụ.\nNhiệm vụ #1 “Báo cáo sơ kết Nghị quyết 39”"
    )
    assert "Thời hạn: 17:00, Thứ Năm 31/12/2026" in reply["text"]
    assert "Tiến độ: 0/2 đã xong\n⏳ Chưa xong (2): Binh Le, Chi Phạm" in reply["text"]
    assert "Gắn với văn bản: 39-NQ/TW" in reply["text"]
    assert await stored_tasks(app) == [
        (1, "Báo cáo sơ kết Nghị quyết 39", "39-NQ/TW", 1798711200, "open", None)
    ]
    assigned = await double.wait_for_message(people.binh["id"], contains="new task")
    assert "You have a new task #1 “Báo cáo sơ kết Nghị quyết 39”" in assigned["text"]
    assert "Thursday 31 December 2026, 17:00" in assigned["text"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("/addtask @binh_le 01/01/2020 17:00 Báo cáo", "Thời hạn này đã qua."),
        ("/addtask @binh_le 31/12/2026 17:00", "Nhiệm vụ cần có tên."),
        ("/addtask @binh_le 31/02/2026 Báo cáo", "Tôi không đọc được ngày tháng này."),
        ("/addtask @binh_le Báo cáo sơ kết", "Tôi không tìm thấy thời hạn."),
        ("/addtask", "Tôi không tìm thấy thời hạn."),
    ],
)
async def test_bad_addtask_input_explains_and_stores_nothing(
    double, people, app, text: str, problem: str
) -> None:
    reply = await ask(double, people.admin, text)
    assert reply["text"].startswith(problem)
    assert "Cách dùng: /addtask @user1 @user2 31/12/2026 17:00" in reply["text"]
    assert await stored_tasks(app) == []


async def test_addtask_needs_an_assignee_outside_a_group(double, people, app) -> None:
    reply = await ask(double, people.admin, "/addtask 31/12/2026 Báo cáo")
    assert reply["text"].startswith("Nhiệm vụ giao cho ai?")
    assert await stored_tasks(app) == []


async def test_members_cannot_add_tasks(double, people, app) -> None:
    reply = await ask(double, people.binh, "/addtask @chi_pham 31/12/2026 Báo cáo")
    assert reply["text"].startswith(
        "Sorry, this command is for the organisation's admins and unit admins.")
    assert await stored_tasks(app) == []


async def test_an_unknown_assignee_is_linked_when_they_start(double, people) -> None:
    reply = await add_task(
        double, people.admin, "/addtask @dung_vo ngày mai 9h Chuẩn bị hội trường"
    )
    assert "Người thực hiện: @dung_vo" in reply["text"]
    assert "@dung_vo chưa bấm Bắt đầu với bot" in reply["text"]
    dung = double.add_user(1004, "Dũng", last_name="Võ", username="dung_vo", language_code="vi")
    await ask(double, dung, "/start")
    tasks = await ask(double, dung, "/tasks")
    assert "#1 “Chuẩn bị hội trường”" in tasks["text"]
    assert "10:00" not in tasks["text"] and "09:00, Thứ Hai 23/11/2026" in tasks["text"]


async def test_a_group_task_without_assignees_goes_to_the_units_roster(double, people,
                                                                       app) -> None:
    await ask(double, people.admin, "/subscribe", chat=people.group)
    await ask(double, people.admin, "/members remove @hung_tran", chat=people.group)
    empty = await ask(
        double, people.admin, f"/addtask@{BOT_USERNAME} +2d Dọn hội trường", chat=people.group
    )
    assert empty["text"].startswith("Danh sách đơn vị còn trống")
    assert await stored_tasks(app) == []
    await ask(double, people.admin, "/members add @hung_tran", chat=people.group)
    await double.send_text(people.binh, "Chào các đồng chí", chat=people.group)
    await double.send_text(people.chi, "Chào", chat=people.group)
    reply = await ask(
        double, people.admin, f"/addtask@{BOT_USERNAME} +2d Dọn hội trường", chat=people.group
    )
    assert "⏳ Chưa xong (3): Hùng Trần, Binh Le, Chi Phạm" in reply["text"]
    assert (await stored_tasks(app))[0][5] == people.group["id"]


async def test_addtask_by_replying_to_a_member(double, people) -> None:
    said = await double.send_text(people.chi, "Em nhận việc ạ", chat=people.group)
    reply = await ask(
        double, people.admin, "/addtask 31/12 Tổng hợp ý kiến", chat=people.group, reply_to=said
    )
    assert "Người thực hiện: Chi Phạm" in reply["text"]


async def test_tasks_lists_open_tasks_soonest_first_with_overdue_marked(
    double, people, app, clock
) -> None:
    await start_all(double, people)
    await add_task(double, people.admin, "/addtask @binh_le 31/12/2026 Later task", people.binh)
    await add_task(double, people.admin, "/addtask @binh_le ngày mai 9h Sooner task", people.binh)
    await advance(app, clock, days=2)
    await double.wait_for_message(people.binh["id"], contains="overdue")
    listing = await ask(double, people.binh, "/tasks")
    text = listing["text"]
    assert text.startswith("Your open tasks (2)")
    assert text.index("Sooner task") < text.index("Later task")
    assert "⚠️ #2 “Sooner task”" in text
    assert "• #1 “Later task”" in text


async def test_done_by_an_assignee_closes_and_tells_the_group(double, people, app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, "/subscribe", chat=people.group)
    await add_task(
        double, people.admin, "/addtask @binh_le 31/12 Nộp báo cáo", people.binh, chat=people.group
    )
    refused = await ask(double, people.chi, "/done 1")
    assert refused["text"] == ("Nhiệm vụ #1 không giao cho đồng chí. Gửi /tasks để xem nhiệm "
                               "vụ của đồng chí.")
    done = await ask(double, people.binh, "/done 1")
    assert done["text"] == "Task #1 is done: every part is finished. Thank you!"
    notice = await double.wait_for_message(people.group["id"], contains="hoàn thành")
    assert notice["text"] == ("✅ Nhiệm vụ #1 “Nộp báo cáo” đã hoàn thành: mọi người đều đã xong "
                              "phần việc của mình (1/1 đã xong).")
    again = await ask(double, people.binh, "/done 1")
    assert again["text"] == "Task #1 is already done."
    assert (await stored_tasks(app))[0][4] == "done"
    pending = await app.bot_data["services"].db.fetchone(
        "SELECT COUNT(*) FROM reminders WHERE status = 'pending'"
    )
    assert pending[0] == 0
    log = await app.bot_data["services"].db.fetchall(
        "SELECT actor_id, action, target FROM audit_log WHERE action LIKE 'task.%' ORDER BY id"
    )
    assert [tuple(r) for r in log] == [
        (1001, "task.create", "task:1"),
        (1002, "task.part.done", "task:1"),
    ]


async def test_done_and_task_bad_input(double, people) -> None:
    assert (await ask(double, people.binh, "/done"))["text"].startswith(
        "Which task? Example: /done 12, with an optional note")
    assert (await ask(double, people.binh, "/done 99"))[
        "text"
    ] == "There is no task #99. Send /tasks to see your tasks."
    assert (await ask(double, people.binh, "/task abc"))["text"] == "Which task? Example: /task 12"


async def test_task_details_are_shown_to_assignees_and_admins_only(double, people) -> None:
    await start_all(double, people)
    await add_task(
        double, people.admin, "/addtask @binh_le 31/12/2026 9h Kiểm tra #138-QD/TW", people.binh
    )
    mine = await ask(double, people.binh, "/task 1")
    assert mine["text"].splitlines() == [
        "Task #1 “Kiểm tra”",
        "Deadline: Thursday 31 December 2026, 09:00 (in 6 weeks)",
        "Status: open",
        "Assigned to: Binh Le",
        "Linked to: 138-QĐ/TW",  # typed without Đ, shown as the code is written
        "Assigned by: Hùng Trần",
    ]
    other = await ask(double, people.chi, "/task 1")
    assert other["text"].startswith("Không có nhiệm vụ #1 mà đồng chí được xem.")


async def test_alltasks_filters(double, people, app, clock) -> None:
    await start_all(double, people)
    await add_task(
        double, people.admin, "/addtask @binh_le ngày mai Việc một #39-NQ/TW", people.binh
    )
    await add_task(double, people.admin, "/addtask @chi_pham 31/12 Việc hai", people.chi)
    await add_task(double, people.admin, "/addtask @chi_pham 30/12 Việc ba #39-NQ/TW", people.chi)
    await advance(app, clock, days=2)
    await double.wait_for_message(people.binh["id"], contains="overdue")

    async def titles(command: str) -> list[str]:
        text = (await ask(double, people.admin, command))["text"]
        found = [t for t in ("Việc một", "Việc hai", "Việc ba") if t in text]
        return sorted(found, key=text.index)

    assert await titles("/alltasks") == ["Việc một", "Việc ba", "Việc hai"]
    assert await titles("/alltasks quá hạn") == ["Việc một"]
    assert await titles("/alltasks overdue") == ["Việc một"]
    assert await titles("/alltasks @chi_pham") == ["Việc ba", "Việc hai"]
    assert await titles("/alltasks #39-nq/tw") == ["Việc một", "Việc ba"]
    bad = await ask(double, people.admin, "/alltasks sometime")
    assert bad["text"].startswith("Tôi không hiểu bộ lọc này. Ví dụ: /alltasks")
    refused = await ask(double, people.binh, "/alltasks")
    assert refused["text"].startswith("Sorry, this command is for the organisation's admins")


async def test_long_lists_are_paginated_within_telegram_limits(double, people, app) -> None:
    await start_all(double, people)
    for n in range(40):
        await double.send_text(
            people.admin,
            f"/addtask @binh_le 31/12/2026 Nhiệm vụ số {n:02d} " + "rất dài " * 12,
        )
    await double.idle(quiet=0.3, timeout=20)
    for _ in range(40):
        await double.wait_for_message(people.binh["id"], contains="new task")
    first = await ask(double, people.binh, "/tasks")
    assert len(first["text"]) <= 4096
    buttons = [b for row in first["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons][-1] == "Next ›"
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    pages = int(buttons[0]["text"].split("/")[1])
    assert pages >= 2
    seen = {n for n in range(40) if f"Nhiệm vụ số {n:02d}" in first["text"]}
    for _ in range(pages - 1):
        message = double.messages(people.binh["id"])[-1]
        await double.press(
            message,
            people.binh,
            data=next(
                b["callback_data"]
                for row in message["reply_markup"]["inline_keyboard"]
                for b in row
                if b["text"] == "Next ›"
            ),
        )
        await double.wait_for_call("editMessageText", timeout=5)
        edited = double.messages(people.binh["id"])[-1]
        assert len(edited["text"]) <= 4096
        seen |= {n for n in range(40) if f"Nhiệm vụ số {n:02d}" in edited["text"]}
    assert seen == set(range(40))


async def test_edittask_moves_the_deadline_and_replans(double, people, app) -> None:
    await start_all(double, people)
    await add_task(double, people.admin, "/addtask @binh_le 31/12/2026 17:00 Báo cáo", people.binh)
    reply = await ask(double, people.admin, "/edittask 1 15/12/2026 9h")
    assert reply["text"] == (
        "Đã cập nhật nhiệm vụ #1; lời nhắc đã được lập lại và người thực hiện đã được báo.\n"
        "Thời hạn: 09:00, Thứ Ba 15/12/2026"
    )
    told = await double.wait_for_message(people.binh["id"], contains="was changed")
    assert "Tuesday 15 December 2026, 09:00" in told["text"]
    rows = await app.bot_data["services"].db.fetchall(
        "SELECT event_at, status FROM reminders WHERE kind = 'before' ORDER BY id"
    )
    assert {tuple(r) for r in rows} == {(1798711200, "cancelled"), (1797300000, "pending")}
    bad = await ask(double, people.admin, "/edittask 1 hôm qua")
    assert bad["text"].startswith("Tôi không tìm thấy thời hạn.")
    missing = await ask(double, people.admin, "/edittask 1")
    assert missing["text"].startswith("Nhiệm vụ nào, điều chỉnh gì?")


async def test_canceltask_withdraws_reminders(double, people, app) -> None:
    await start_all(double, people)
    await add_task(double, people.admin, "/addtask @binh_le 31/12/2026 Báo cáo", people.binh)
    reply = await ask(double, people.admin, "/canceltask 1")
    assert reply["text"] == ("Đã hủy nhiệm vụ #1; các lời nhắc đã được hủy và người thực hiện "
                             "đã được báo.")
    told = await double.wait_for_message(people.binh["id"], contains="cancelled")
    assert told["text"] == ("🗑 Task #1 “Báo cáo” was cancelled; there is nothing more to do "
                            "for it.")
    counts = await app.bot_data["services"].db.fetchall(
        "SELECT status, COUNT(*) FROM reminders WHERE kind NOT IN ('assigned',"
        " 'notice_cancelled') GROUP BY status"
    )
    assert dict(counts) == {"cancelled": 5}  # 3 offsets + due for the assignee, + escalation
    refused = await ask(double, people.binh, "/canceltask 1")
    assert refused["text"].startswith("Sorry, this command is for the organisation's admins")
    assert (await ask(double, people.binh, "/tasks"))["text"] == "You have no open tasks. 🎉"


async def test_moving_a_deadline_back_keeps_its_reminders(double, people, app) -> None:
    await start_all(double, people)
    await add_task(double, people.admin, "/addtask @binh_le 31/12/2026 17:00 Báo cáo", people.binh)
    await ask(double, people.admin, "/edittask 1 30/12/2026 17:00")
    await ask(double, people.admin, "/edittask 1 31/12/2026 17:00")
    rows = await app.bot_data["services"].db.fetchall(
        "SELECT kind, fire_at FROM reminders WHERE status = 'pending'"
        " AND kind IN ('before', 'due', 'escalation') ORDER BY fire_at")
    assert [r[0] for r in rows] == ["before", "before", "before", "due", "escalation"]
    assert rows[3][1] == 1798711200  # 31/12/2026 17:00 local


async def test_a_member_who_takes_a_named_username_inherits_its_tasks(double, people) -> None:
    await start_all(double, people)
    await add_task(double, people.admin, "/addtask @binh_moi 31/12/2026 Việc mới")
    renamed = double.add_user(1002, "Binh", last_name="Le", username="binh_moi",
                              language_code="en-US")
    listing = await ask(double, renamed, "/tasks")
    assert "#1 “Việc mới”" in listing["text"]
    assert "Binh Le" in (await ask(double, people.admin, "/task 1"))["text"]


async def test_grant_needs_someone_who_has_written_to_the_bot(double, people, app) -> None:
    await add_task(double, people.admin, "/addtask @ghost_user 31/12/2026 Việc")
    refused = await ask(double, people.admin, "/grant @ghost_user")
    assert refused["text"].startswith("@ghost_user chưa nhắn tin cho bot.")
    stranger = double.add_user(6666, "Ghost", username="ghost_user", language_code="en")
    whoami = await ask(double, stranger, "/whoami")
    assert "Role: member" in whoami["text"]
