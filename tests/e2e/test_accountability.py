"""Who must do what, who has done it, and who came: units, rosters, each assignee's part."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import dispatcher_of
from tests.conftest import advance
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")

DUE = "31/12/2026 17:00"


async def start_all(double, people) -> None:
    for person in (people.admin, people.binh, people.chi):
        await ask(double, person, "/start")


async def unit_with_roster(double, people) -> None:
    """The group is a unit; Binh and Chi wrote in it, so they are on its roster."""
    await start_all(double, people)
    await ask(double, people.admin, "/subscribe", chat=people.group)
    await ask(double, people.admin, "/members remove @hung_tran", chat=people.group)
    await double.send_text(people.binh, "Chào các đồng chí", chat=people.group)
    await double.send_text(people.chi, "Chào", chat=people.group)
    await double.idle(quiet=0.2, timeout=5)


async def press(double, message: dict, user: dict, data: str) -> dict:
    query = await double.press(message, user, data=data)
    return await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query)


async def test_a_unit_task_is_done_part_by_part(double, people, app, clock) -> None:
    await unit_with_roster(double, people)
    created = await ask(double, people.admin, f"/addtask {DUE} Nộp bản kiểm điểm cá nhân",
                        chat=people.group)
    assert "Tiến độ: 0/2 đã xong\n⏳ Chưa xong (2): Binh Le, Chi Phạm" in created["text"]
    await double.wait_for_message(people.binh["id"], contains="new task")
    mine = await ask(double, people.chi, "/tasks")
    assert "#1 “Nộp bản kiểm điểm cá nhân”" in mine["text"]

    first = await ask(double, people.binh, "/done 1")
    assert first["text"] == "Your part of task #1 is done (1/2 done). Thank you!"
    progress = await ask(double, people.admin, "/task 1")
    assert "Tiến độ: 1/2 đã xong" in progress["text"]
    assert "✅ Đã xong (1): Binh Le (08:00, Chủ Nhật 22/11/2026)" in progress["text"]
    assert "⏳ Chưa xong (1): Chi Phạm" in progress["text"]

    clock.current = datetime(2026, 12, 28, 10, 0, 30, tzinfo=UTC)
    await dispatcher_of(app).run()  # the 3-days-before reminders
    await double.idle(quiet=0.2, timeout=5)
    chi_reminder = await double.wait_for_message(people.chi["id"], contains="Nhắc việc")
    assert "#1" in chi_reminder["text"]
    assert not [m for m in double.messages(people.binh["id"]) if "Reminder" in m["text"]]
    group = await double.wait_for_message(people.group["id"], contains="Nhắc việc")
    assert group["text"].endswith("Còn 1/2 người chưa xong. Chi Phạm")

    last = await ask(double, people.chi, "/done 1")
    assert last["text"] == "Nhiệm vụ #1 đã hoàn thành: mọi người đều đã xong phần việc. Cảm ơn " \
                           "đồng chí!"
    told = await double.wait_for_message(people.admin["id"], contains="đã hoàn thành")
    assert told["text"] == ("✅ Nhiệm vụ #1 “Nộp bản kiểm điểm cá nhân” đã hoàn thành: mọi người "
                            "đều đã xong phần việc của mình (2/2 đã xong).")
    final = await ask(double, people.admin, "/task 1")
    assert "✅ Đã xong (2): Binh Le (08:00, Chủ Nhật 22/11/2026), Chi Phạm (17:00, Thứ Hai " \
           "28/12/2026)" in final["text"]
    await advance(app, clock, days=3)
    assert not [m for m in double.messages(people.chi["id"]) if "đã đến hạn" in m["text"]]


async def test_an_admin_closes_named_parts_and_excuses_one(double, people, app) -> None:
    await unit_with_roster(double, people)
    await ask(double, people.admin, f"/addtask {DUE} Báo cáo quý", chat=people.group)
    await double.wait_for_message(people.chi["id"], contains="nhiệm vụ mới")
    excused = await ask(double, people.admin, "/excuse 1 @binh_le Đi công tác")
    assert excused["text"] == "Đã miễn thực hiện nhiệm vụ #1 (1/2 đã xong)."
    stranger = await ask(double, people.admin, "/done 1 @hung_tran")
    assert stranger["text"] == "Hùng Trần không phải người thực hiện nhiệm vụ #1."
    refused = await ask(double, people.chi, "/done 1 all")
    assert refused["text"].startswith("Xin lỗi, việc này cần quản trị viên của đơn vị")
    closed = await ask(double, people.admin, "/done 1 tất cả")
    assert closed["text"].startswith("Nhiệm vụ #1 đã hoàn thành")
    details = await ask(double, people.admin, "/task 1")
    assert "🟡 Được miễn (1): Binh Le" in details["text"]
    assert "— Đi công tác" in details["text"]


async def test_a_report_file_is_handed_in_and_delivered_to_the_creator(double, people,
                                                                       app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @binh_le @chi_pham {DUE} Báo cáo tổng kết")
    await double.wait_for_message(people.binh["id"], contains="new task")
    await double.send_document(people.binh, filename="bao-cao.docx", content=b"PK report",
                               caption="/done 1 Bản cuối")
    answer = await double.wait_for_message(people.binh["id"], contains="done")
    assert answer["text"] == ("Your part of task #1 is done (1/2 done). Thank you!\n"
                              "Your report is stored and sent to whoever assigned the task.")
    delivered = await double.wait_for_message(people.admin["id"], contains="📎")
    assert delivered["caption"] == ("📎 Đồng chí Binh Le đã nộp kết quả phần việc của nhiệm vụ #1 "
                                    "“Báo cáo tổng kết” (1/2 đã xong).\nGhi chú: Bản cuối")
    assert delivered["document"]["file_name"] == "bao-cao.docx"
    details = await ask(double, people.admin, "/task 1")
    assert "Binh Le (" in details["text"] and "📎" in details["text"]


async def test_a_file_in_reply_to_a_reminder_hands_in_that_task(double, people, app,
                                                                clock) -> None:
    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @chi_pham {DUE} Nộp danh sách")
    notice = await double.wait_for_message(people.chi["id"], contains="nhiệm vụ mới")
    await double.send_document(people.chi, filename="danh-sach.xlsx", content=b"PK list",
                               reply_to=notice)
    answer = await double.wait_for_message(people.chi["id"], contains="Cảm ơn")
    assert answer["text"].startswith("Nhiệm vụ #1 đã hoàn thành")
    delivered = await double.wait_for_message(people.admin["id"], contains="📎")
    assert delivered["document"]["file_name"] == "danh-sach.xlsx"


async def test_a_private_addtask_without_assignees_stores_nothing(double, people, app) -> None:
    await ask(double, people.admin, "/subscribe", chat=people.group)
    reply = await ask(double, people.admin, f"/addtask {DUE} Nộp bản kiểm điểm cá nhân")
    assert reply["text"].startswith("Nhiệm vụ giao cho ai?")
    assert "Chưa lưu gì." in reply["text"]
    rows = await app.bot_data["services"].db.fetchone("SELECT COUNT(*) FROM tasks")
    assert rows[0] == 0
    assert double.messages(people.group["id"])[-1]["text"].startswith("Nhóm này nay là đơn vị")


async def test_cancelling_tells_each_assignee_and_old_buttons_say_so(double, people,
                                                                     app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @binh_le @chi_pham {DUE} Chuẩn bị hội nghị")
    binh_notice = await double.wait_for_message(people.binh["id"], contains="new task")
    await double.wait_for_message(people.chi["id"], contains="nhiệm vụ mới")
    await ask(double, people.admin, "/canceltask 1")
    binh = await double.wait_for_message(people.binh["id"], contains="cancelled")
    chi = await double.wait_for_message(people.chi["id"], contains="bị hủy")
    assert binh["text"] == ("🗑 Task #1 “Chuẩn bị hội nghị” was cancelled; there is nothing more "
                            "to do for it.")
    assert chi["text"].startswith("🗑 Nhiệm vụ #1 “Chuẩn bị hội nghị” đã bị hủy")
    answer = await press(double, binh_notice, people.binh, "td:1")
    assert answer["text"] == "Task #1 was cancelled; there is nothing more to do for it."


async def test_a_unit_admin_manages_their_unit_and_is_refused_elsewhere(double, people,
                                                                        app) -> None:
    other = double.add_group(-1009876543210, "Chi bộ Kế toán", kind="supergroup")
    await unit_with_roster(double, people)
    await ask(double, people.admin, "/subscribe", chat=other)
    said = await double.send_text(people.chi, "Em là bí thư chi bộ", chat=people.group)
    granted = await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    assert granted["text"].startswith("Đồng chí Chi Phạm (1003) nay là quản trị viên")
    own = await ask(double, people.chi, f"/addtask {DUE} Họp chi bộ tháng 12", chat=people.group)
    assert own["text"].startswith("✅ Đã lưu nhiệm vụ.")
    elsewhere = await ask(double, people.chi, f"/addtask {DUE} Việc khác", chat=other)
    assert elsewhere["text"] == ("Xin lỗi, việc này cần quản trị viên của đơn vị liên quan hoặc "
                                 "của tổ chức.")
    await ask(double, people.admin, f"/addtask @binh_le {DUE} Việc của tổ chức")
    listing = await ask(double, people.chi, "/alltasks")
    assert "Họp chi bộ tháng 12" in listing["text"]
    assert "Việc của tổ chức" not in listing["text"]
    cancel = await ask(double, people.chi, "/canceltask 2")
    assert cancel["text"].startswith("Xin lỗi, việc này cần quản trị viên")
    subscribe = await ask(double, people.chi, "/subscribe Tên mới", chat=people.group)
    assert subscribe["text"].startswith("Xin lỗi, chỉ quản trị viên của tổ chức")
    # Even an organisation admin does not see one unit's task in another unit's group.
    leak = await ask(double, people.admin, "/task 1", chat=other)
    assert leak["text"].startswith("Không có nhiệm vụ #1 mà đồng chí được xem.")
    here = await ask(double, people.admin, "/task 1", chat=people.group)
    assert "Họp chi bộ tháng 12" in here["text"]


async def test_the_roster_follows_joins_leaves_rollcall_and_an_import(double, people,
                                                                      app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, "/subscribe Chi bộ Văn phòng", chat=people.group)
    dung = double.add_user(1004, "Dũng", last_name="Võ", username="dung_vo", language_code="vi")
    await double.member_joined(people.group, dung)
    await double.member_joined(people.group, people.binh, service_message=False)
    roll = await ask(double, people.admin, "/rollcall", chat=people.group)
    answer = await press(double, roll, people.chi, "rc")
    assert answer["text"] == "Cảm ơn đồng chí, đồng chí có tên trong danh sách Chi bộ Văn phòng."
    roster = await ask(double, people.admin, "/members", chat=people.group)
    for name in ("Binh Le", "Chi Phạm", "Dũng Võ", "Hùng Trần"):
        assert name in roster["text"]
    await double.member_left(people.group, dung)
    csv = "username,họ và tên\n@lan_nguyen,Nguyễn Thị Lan\n2001,Trần Văn Nam\n".encode()
    await double.send_document(people.admin, filename="danh-sach.csv", content=csv,
                               caption="/members import", chat=people.group)
    imported = await double.wait_for_message(people.group["id"], contains="Đã đọc")
    assert imported["text"] == "Đã đọc 2 dòng: thêm 2 người vào danh sách đơn vị."
    roster = await ask(double, people.admin, "/members", chat=people.group)
    assert "Dũng Võ" not in roster["text"]
    assert "Nguyễn Thị Lan (@lan_nguyen)" in roster["text"]
    assert "Trần Văn Nam" in roster["text"]
    assert roster["text"].startswith("Danh sách đơn vị (5 người)")
    bad = "username\n@lan_nguyen\nkhông hợp lệ!\n".encode()
    await double.send_document(people.admin, filename="sai.csv", content=bad,
                               caption="/members import", chat=people.group)
    refused = await double.wait_for_message(people.group["id"], contains="Dòng 3")
    assert "Chưa thay đổi gì." in refused["text"]


async def test_someone_who_leaves_keeps_their_tasks_and_the_unit_admin_is_told(
        double, people, app) -> None:
    await unit_with_roster(double, people)
    said = await double.send_text(people.chi, "Em là bí thư", chat=people.group)
    await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    await ask(double, people.admin, f"/addtask {DUE} Báo cáo tháng", chat=people.group)
    await double.member_left(people.group, people.binh)
    told = await double.wait_for_message(people.chi["id"], contains="không còn trong danh sách")
    assert "#1 “Báo cáo tháng”" in told["text"]
    assert "#1 “Báo cáo tháng”" in (await ask(double, people.binh, "/tasks"))["text"]


async def test_an_extension_request_is_approved(double, people, app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @binh_le {DUE} Báo cáo số liệu")
    notice = await double.wait_for_message(people.binh["id"], contains="new task")
    labels = [b["text"] for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["✅ Done", "📅 Ask for more time"]  # no snooze on a task weeks ahead
    await press(double, notice, people.binh, "tx:1")
    asked = await double.wait_for_message(people.binh["id"], contains="Until when")
    assert "task #1" in asked["text"]
    await double.send_text(people.binh, "next year maybe")
    bad = await double.wait_for_message(people.binh["id"], contains="31/12/2026")
    assert "Send the new date and the reason" in bad["text"]
    await double.send_text(people.binh, "15/01/2027 Waiting for the finance figures")
    sent = await double.wait_for_message(people.binh["id"], contains="Your request")
    assert sent["text"].startswith("Your request for more time on task #1 is sent")
    request = await double.wait_for_message(people.admin["id"], contains="xin gia hạn")
    assert request["text"] == ("📅 Đồng chí Binh Le xin gia hạn nhiệm vụ #1 “Báo cáo số liệu” đến "
                               "17:00, Thứ Sáu 15/01/2027.\nLý do: Waiting for the finance "
                               "figures")
    answer = await press(double, request, people.admin, "xa:1")
    assert answer["text"] == "✅ Đã chấp thuận."
    approved = await double.wait_for_message(people.binh["id"], contains="approved")
    assert "Friday 15 January 2027, 17:00" in approved["text"]
    await double.wait_for_call(  # the request is marked decided after the press is answered
        "editMessageText", predicate=lambda p: p.get("message_id") == request["message_id"])
    [decided] = [m for m in double.messages(people.admin["id"])
                 if m["message_id"] == request["message_id"]]
    assert decided["text"].endswith("✅ Đã chấp thuận.")
    assert not decided.get("reply_markup")
    await double.send_text(people.admin, "/task 1")
    details = await double.wait_for_message(people.admin["id"], contains="Thời hạn")
    assert "Thời hạn: 17:00, Thứ Sáu 15/01/2027" in details["text"]


async def test_priority_marks_show_and_add_a_reminder_an_hour_before(double, people,
                                                                     app) -> None:
    await start_all(double, people)
    reply = await ask(double, people.admin, f"/addtask @binh_le {DUE} Báo cáo nhanh !hỏa tốc")
    assert "Nhiệm vụ #1 “Báo cáo nhanh” (hỏa tốc) ‼️" in reply["text"]
    rows = await app.bot_data["services"].db.fetchall(
        "SELECT fire_at FROM reminders WHERE kind = 'before' AND member_id IS NOT NULL"
        " ORDER BY fire_at DESC LIMIT 1")
    assert rows[0][0] == 1798711200 - 3600  # 16:00, an hour before 17:00


async def test_edittask_reassigns_and_tells_each_side(double, people, app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @binh_le {DUE} Tổng hợp ý kiến")
    await double.wait_for_message(people.binh["id"], contains="new task")
    reply = await ask(double, people.admin,
                      "/edittask 1 -@binh_le +@chi_pham tên: Tổng hợp ý kiến đóng góp")
    assert reply["text"].startswith("Đã cập nhật nhiệm vụ #1")
    removed = await double.wait_for_message(people.binh["id"], contains="no longer assigned")
    assert "“Tổng hợp ý kiến đóng góp”" in removed["text"]
    added = await double.wait_for_message(people.chi["id"], contains="nhiệm vụ mới")
    assert "“Tổng hợp ý kiến đóng góp”" in added["text"]
    empty = await ask(double, people.admin, "/edittask 1 -@chi_pham")
    assert empty["text"] == "Nhiệm vụ #1 phải còn ít nhất một người thực hiện."


async def test_english_speakers_get_the_same_flow(double, people, app) -> None:
    await start_all(double, people)
    await ask(double, people.admin, "/lang en")
    reply = await ask(double, people.admin, f"/addtask @binh_le @chi_pham {DUE} Quarterly report")
    assert "Progress: 0/2 done\n⏳ Not yet (2): Binh Le, Chi Phạm" in reply["text"]
    await ask(double, people.chi, "/done 1")
    await double.idle(quiet=0.3)  # chats are handled concurrently: let Chi's /done finish
    details = await ask(double, people.admin, "/task 1")
    assert "✅ Done (1): Chi Phạm" in details["text"]


async def test_the_creators_digest_shows_the_progress_of_what_they_assigned(
        double, people, app, clock) -> None:
    from bot.app import services_of

    await start_all(double, people)
    await ask(double, people.admin, f"/addtask @binh_le @chi_pham {DUE} Báo cáo tổng kết")
    await double.wait_for_message(people.binh["id"], contains="new task")
    await ask(double, people.chi, "/done 1")
    await double.idle(quiet=0.3)  # chats are handled concurrently: let Chi's /done finish
    clock.current = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # Tuesday 07:00 local
    await services_of(app).digest.plan_today()
    await dispatcher_of(app).run()
    digest = await double.wait_for_message(people.admin["id"], contains="☀️")
    assert digest["text"].endswith(
        "Nhiệm vụ đồng chí đã giao\n• #1 “Báo cáo tổng kết” — 1/2 đã xong · 17:00, Thứ Năm "
        "31/12/2026 (còn 5 tuần)")


async def test_a_repeating_task_creates_occurrences_ahead_and_can_be_stopped(
        double, people, app, clock) -> None:
    from bot.app import services_of

    await start_all(double, people)
    reply = await ask(double, people.admin,
                      "/addtask @binh_le hằng tháng ngày 25 17:00 Báo cáo tháng #39-nq/tw")
    assert reply["text"].startswith("🔁 Đã lưu nhiệm vụ định kỳ")
    assert "Nhiệm vụ #1 “Báo cáo tháng”" in reply["text"]
    assert "Thời hạn: 17:00, Thứ Tư 25/11/2026" in reply["text"]
    services = services_of(app)
    await services.task_series.extend()  # idempotent: nothing new within the month
    clock.current = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    await services.task_series.extend()
    rows = await services.db.fetchall("SELECT id, due_at, series_id, tag FROM tasks ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, 1795600800, 1, "39-NQ/TW"),
                                        (2, 1798192800, 1, "39-NQ/TW")]
    await double.send_text(people.admin, "/canceltask 1 tất cả")
    stopped = await double.wait_for_message(people.admin["id"], contains="Đã dừng")
    assert stopped["text"] == ("Đã dừng nhiệm vụ định kỳ của #1: không tạo thêm lần nào, các "
                               "lần chưa đến hạn đã được hủy.")
    clock.current = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)
    await services.task_series.extend()
    statuses = await services.db.fetchall("SELECT id, status FROM tasks ORDER BY id")
    assert [tuple(r) for r in statuses] == [(1, "open"), (2, "cancelled")]
    await double.send_text(people.admin, f"/addtask @binh_le {DUE} Việc một lần")
    await double.wait_for_message(people.admin["id"], contains="Việc một lần")
    await double.send_text(people.admin, "/canceltask 3 tất cả")
    one_off = await double.wait_for_message(people.admin["id"], contains="định kỳ")
    assert one_off["text"] == "Nhiệm vụ #3 không phải nhiệm vụ định kỳ."


async def test_a_repeating_deadline_on_a_holiday_moves_to_the_next_working_day(
        double, people, app, clock) -> None:
    await start_all(double, people)
    clock.current = datetime(2026, 12, 15, 1, 0, tzinfo=UTC)
    reply = await ask(double, people.admin, "/addtask @chi_pham every friday 16:00 Giao ban")
    assert "Thời hạn: 16:00, Thứ Sáu 18/12/2026" in reply["text"]
    rows = await services_dates(app)
    # Friday 1 January 2027 is New Year's Day: that week's deadline is Monday 4 January.
    assert "2027-01-04 16:00" in rows and "2027-01-01 16:00" not in rows
    bad = await ask(double, people.admin, "/addtask @chi_pham every someday Giao ban")
    assert bad["text"].startswith("Tôi không đọc được quy tắc lặp lại này.")


async def services_dates(app) -> list[str]:
    from zoneinfo import ZoneInfo

    from bot.app import services_of

    rows = await services_of(app).db.fetchall("SELECT due_at FROM tasks ORDER BY due_at")
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    return [datetime.fromtimestamp(r[0], zone).strftime("%Y-%m-%d %H:%M") for r in rows]


async def test_asking_for_more_time_in_a_group_before_starting_the_bot(double, people,
                                                                       app) -> None:
    dung = double.add_user(1004, "Dung", last_name="Võ", username="dung_vo", language_code="vi")
    await unit_with_roster(double, people)
    await double.send_text(dung, "Chào", chat=people.group)  # on the roster, never started
    await ask(double, people.admin, f"/addtask {DUE} Báo cáo số liệu", chat=people.group)
    reminder = await app.bot.send_message(
        people.group["id"], "Nhắc việc", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("📅", callback_data="tx:1")]]))
    await press(double, (people.group["id"], reminder.message_id), dung, "tx:1")
    told = await double.wait_for_message(people.group["id"], contains="thời hạn mới")
    assert told["text"].startswith("Dung Võ, tôi không nhắn riêng được cho đồng chí")
    assert any(e.get("url") == "tg://user?id=1004" for e in told.get("entities", []))
    [[start]] = told["reply_markup"]["inline_keyboard"]
    assert start["url"] == f"https://t.me/{app.bot.username}?start=task1"
    rows = await app.bot_data["services"].db.fetchall(
        "SELECT status FROM extension_requests")
    assert [row[0] for row in rows] == ["dropped"]
