"""Edited messages never run a command again."""

from __future__ import annotations

from tests.e2e.test_tasks import start_all, stored_tasks

HINT = ("Tin nhắn đã sửa không chạy lệnh. Muốn chạy lệnh, đồng chí hãy gửi lệnh trong một tin "
        "nhắn mới.")


async def test_an_edited_addtask_adds_no_second_task(double, people, app) -> None:
    await start_all(double, people)
    command = await double.send_text(people.admin,
                                     "/addtask @binh_le 31/12/2026 17:00 Báo cáo quý")
    await double.wait_for_message(people.admin["id"], contains="#1")
    for title in ("Báo cáo quý I", "Báo cáo quý II", "Báo cáo năm"):
        await double.edit_text(people.admin, command,
                               f"/addtask @binh_le 31/12/2026 17:00 {title}")
        hint = await double.wait_for_message(people.admin["id"])
        assert hint["text"] == HINT
    await double.idle(quiet=0.3)
    assert [row[1] for row in await stored_tasks(app)] == ["Báo cáo quý"]


async def test_an_old_message_edited_into_done_closes_nothing(double, people, app) -> None:
    await start_all(double, people)
    await double.send_text(people.admin, "/addtask @binh_le 31/12/2026 17:00 Báo cáo quý")
    await double.wait_for_message(people.binh["id"], contains="#1")
    old = await double.send_text(people.binh, "xin chào")
    await double.idle(quiet=0.3)
    await double.edit_text(people.binh, old, "/done 1")
    hint = await double.wait_for_message(people.binh["id"], contains="Edited messages")
    assert hint["text"] == ("Edited messages do not run commands. To run it, send the command "
                            "as a new message.")
    await double.idle(quiet=0.3)
    assert [row[4] for row in await stored_tasks(app)] == ["open"]
