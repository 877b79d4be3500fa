"""Scope at every depth, an admin's removal that holds, and presses that arrive together."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import services_of
from tests.e2e.test_accountability import DUE, press, start_all, unit_with_roster
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


async def three_levels(double, people) -> tuple[dict, dict]:
    """Đảng ủy Khối (the group) over Chi bộ A over Chi bộ B."""
    middle = double.add_group(-1001111, "Chi bộ A", kind="supergroup")
    bottom = double.add_group(-1002222, "Chi bộ B", kind="supergroup")
    await ask(double, people.admin, "/subscribe Đảng ủy Khối", chat=people.group)
    await ask(double, people.admin, "/subscribe", chat=middle)
    await ask(double, people.admin, "/subscribe", chat=bottom)
    await ask(double, people.admin, "/unit parent Đảng ủy Khối", chat=middle)
    await ask(double, people.admin, "/unit parent Chi bộ A", chat=bottom)
    return middle, bottom


async def test_an_admin_of_a_unit_manages_every_unit_under_it(double, people, app) -> None:
    await start_all(double, people)
    _middle, bottom = await three_levels(double, people)
    said = await double.send_text(people.chi, "Em là bí thư Đảng ủy", chat=people.group)
    await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    await double.send_text(people.binh, "Hello", chat=bottom)
    reply = await ask(double, people.chi, f"/addtask {DUE} Báo cáo chi bộ", chat=bottom)
    assert reply["text"].startswith("✅ Đã lưu nhiệm vụ.")


async def test_a_unit_cannot_go_under_its_own_grandchild(double, people, app) -> None:
    await start_all(double, people)
    await three_levels(double, people)
    loop = await ask(double, people.admin, "/unit parent Chi bộ B", chat=people.group)
    assert loop["text"] == ("Không thể đặt một đơn vị trực thuộc chính đơn vị đó hoặc đơn vị "
                            "cấp dưới của đơn vị đó.")


async def test_a_unit_admin_gives_work_only_to_their_units_people(double, people, app) -> None:
    await unit_with_roster(double, people)
    stranger = double.add_user(1007, "Khách", username="khach_moi", language_code="vi")
    await ask(double, stranger, "/start")
    said = await double.send_text(people.chi, "Em là bí thư", chat=people.group)
    await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    refused = await ask(double, people.chi, f"/addtask @khach_moi {DUE} Việc riêng")
    assert refused["text"] == ("Khách: không có trong danh sách đơn vị do đồng chí quản lý nên "
                               "không thể giao việc. Chưa thay đổi gì.")
    unknown = await ask(double, people.chi, f"/addtask @chua_ai_biet {DUE} Việc riêng")
    assert unknown["text"].startswith("@chua_ai_biet: không có trong danh sách")
    own = await ask(double, people.chi, f"/addtask @binh_le {DUE} Việc của chi bộ")
    assert own["text"].startswith("✅ Đã lưu nhiệm vụ.")
    widened = await ask(double, people.chi, "/edittask 1 +@khach_moi")
    assert widened["text"].startswith("Khách: không có trong danh sách")
    rows = await services_of(app).db.fetchall("SELECT COUNT(*) FROM task_assignees")
    assert rows[0][0] == 1


async def test_a_guest_an_admin_removed_stays_off_after_a_roll_call(double, people,
                                                                    app) -> None:
    await unit_with_roster(double, people)
    await ask(double, people.admin, "/members remove @binh_le", chat=people.group)
    roll = await ask(double, people.admin, "/rollcall", chat=people.group)
    await press(double, roll, people.binh, "rc")
    roster = await ask(double, people.admin, "/members", chat=people.group)
    assert "Binh Le" not in roster["text"]
    gone = await ask(double, people.admin, "/revoke @binh_le", chat=people.group)
    assert gone["text"] == "Đồng chí Binh Le (1002) không phải quản trị viên của đơn vị này."
    roster = await ask(double, people.admin, "/members", chat=people.group)
    assert "Binh Le" not in roster["text"]


async def test_two_presses_on_the_last_part_close_it_once(double, people, app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @binh_le {DUE} Báo cáo nhanh")
    notice = await double.wait_for_message(people.binh["id"], contains="new task")
    answers = await asyncio.gather(press(double, notice, people.binh, "td:1"),
                                   press(double, notice, people.binh, "td:1"))
    assert sorted(a["text"] for a in answers) == [
        "Task #1 is already done.", "Task #1 is done: every part is finished. Thank you!"]
    await double.idle(quiet=0.3, timeout=5)
    told = [m for m in double.messages(people.admin["id"]) if "đã hoàn thành" in m["text"]]
    assert len(told) == 1


async def test_two_approvals_move_the_deadline_once(double, people, app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @binh_le {DUE} Báo cáo số liệu")
    notice = await double.wait_for_message(people.binh["id"], contains="new task")
    await press(double, notice, people.binh, "tx:1")
    await double.wait_for_message(people.binh["id"], contains="Until when")
    await ask(double, people.binh, "15/01/2027 Waiting for the figures")
    request = await double.wait_for_message(people.admin["id"], contains="xin gia hạn")
    answers = await asyncio.gather(press(double, request, people.admin, "xa:1"),
                                   press(double, request, people.admin, "xd:1"))
    texts = {a["text"] for a in answers}
    assert "Đề nghị này đã được trả lời." in texts
    assert texts & {"✅ Đã chấp thuận.", "❌ Không chấp thuận."}
    await double.idle(quiet=0.3, timeout=5)
    decisions = [m for m in double.messages(people.binh["id"])
                 if "approved" in m["text"] or "declined" in m["text"]]
    assert len(decisions) == 1
    rows = await services_of(app).db.fetchall(
        "SELECT status FROM extension_requests ORDER BY id")
    won = "approved" if "✅ Đã chấp thuận." in texts else "declined"
    assert [r[0] for r in rows] == [won]
    due = (await services_of(app).db.fetchone("SELECT due_at FROM tasks WHERE id = 1"))[0]
    # Moved to 15/01/2027 17:00 only if approval won; declined keeps 31/12/2026 17:00.
    assert due == (1800007200 if won == "approved" else 1798711200)


async def test_an_edit_replans_the_schedule_and_keeps_notices_not_yet_sent(
        double, people, app) -> None:
    await start_all(double, people)
    db = services_of(app).db
    await ask(double, people.admin, f"/addtask @chi_pham {DUE} Việc cần báo")
    async with db.transaction() as conn:  # a notice still waiting for its turn
        await conn.execute(
            "INSERT INTO reminders (event_kind, event_id, kind, member_id, event_at, fire_at,"
            " next_at) VALUES ('task', 1, 'report', 1, 1, 4102444800, 4102444800)")
    await ask(double, people.admin, "/edittask 1 30/12/2026 17:00")
    rows = await db.fetchall(
        "SELECT kind, status, COUNT(*) FROM reminders WHERE kind IN ('report', 'before')"
        " GROUP BY kind, status ORDER BY kind, status")
    assert [tuple(r) for r in rows] == [
        ("before", "cancelled", 3), ("before", "pending", 3), ("report", "pending", 1)]
