"""Meetings end to end: scheduling, recurrence around holidays, RSVP, attendance, calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from telegram.ext import Application

from bot.app import build_application, dispatcher_of, running, services_of
from bot.meetings.model import Outcome
from tests.conftest import advance
from tests.double import BotApiDouble
from tests.e2e.test_lookups import buttons as button_data
from tests.e2e.test_lookups import current
from tests.e2e.test_members import ask
from tests.e2e.test_reminders import buttons
from tests.e2e.test_tasks import start_all

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MEETING = "/addmeeting 15/12/2026 14:00 | Hội trường tầng 3 | Hội nghị kiểm điểm năm 2026"


async def in_group(double: BotApiDouble, people) -> None:
    """Everyone has started the bot and spoken in the subscribed group."""
    await start_all(double, people)
    await ask(double, people.admin, "/subscribe", chat=people.group)
    for person in (people.binh, people.chi):
        await double.send_text(person, "Chào cả nhóm", chat=people.group)
    await double.idle(quiet=0.2)


def announced(double: BotApiDouble, people) -> dict:
    """The group's latest meeting announcement (the admin's reply may come after it)."""
    return next(m for m in reversed(double.messages(people.group["id"])) if "📣" in m["text"])


async def schedule(double: BotApiDouble, people, text: str = MEETING) -> dict:
    """Schedule in the group; return the admin's reply once the invitations are out (the
    group's announcement may come before or after the reply)."""
    await double.send_text(people.admin, text, chat=people.group)
    reply, _ = await double.wait_for_messages(people.group["id"], "✅", "📣")
    for chat in (people.admin, people.binh, people.chi):
        await double.wait_for_message(chat["id"], contains="📣")
    return reply


async def press(double: BotApiDouble, message: dict, user: dict, data: str) -> dict:
    query = await double.press(message, user, data=data)
    return await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query
    )


async def test_a_group_meeting_invites_the_group(double, people, app) -> None:
    await in_group(double, people)
    reply = await schedule(double, people, MEETING + "\n1. Báo cáo kiểm điểm\n2. Thảo luận")
    assert reply["text"].splitlines()[:4] == [
        "✅ Đã lưu cuộc họp. Đã mời 3 người: Hùng Trần, Binh Le, Chi Phạm.",
        "Cuộc họp #1 “Hội nghị kiểm điểm năm 2026”",
        "Thời gian: 14:00, Thứ Ba 15/12/2026",
        "Địa điểm: Hội trường tầng 3",
    ]
    invitation = double.messages(people.binh["id"])[-1]
    assert invitation["text"].startswith(
        "📣 New meeting.\nMeeting #1 “Hội nghị kiểm điểm năm 2026”"
        "\nWhen: Tuesday 15 December 2026, 14:00"
    )
    assert "Agenda\n1. Báo cáo kiểm điểm\n2. Thảo luận" in invitation["text"]
    assert [b["text"] for b in buttons(invitation)] == ["✅ Attend", "❌ Absent"]
    [group] = [m for m in double.messages(people.group["id"]) if "📣" in m["text"]]
    assert "Đồng chí có tham dự không? Hãy trả lời bằng các nút bên dưới." in group["text"]
    view = await services_of(app).meetings.view(1)
    assert sorted(a.member.telegram_id for a in view.attendees) == [1001, 1002, 1003]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("/addmeeting 15/12/2026 14:00 Hội nghị", "Hãy ngăn cách thời gian, địa điểm và tên"),
        ("/addmeeting 01/01/2020 14:00 | Phòng 1 | Họp", "Thời hạn này đã qua."),
        ("/addmeeting 15/12/2026 | Phòng 1 |", "Cuộc họp cần có tên."),
        ("/addmeeting monthly day 40 14:00 | Phòng 1 | Họp", "Tôi không đọc được quy tắc lặp"),
        ("/addmeeting sometime | Phòng 1 | Họp", "Tôi không tìm thấy thời hạn."),
    ],
)
async def test_bad_addmeeting_input_explains_and_stores_nothing(
    double, people, app, text: str, problem: str
) -> None:
    reply = await ask(double, people.admin, text)
    assert reply["text"].startswith(problem)
    assert "Cách dùng: /addmeeting 15/12/2026 14:00 | Hội trường tầng 3 |" in reply["text"]
    assert (await services_of(app).db.fetchone("SELECT COUNT(*) FROM meetings"))[0] == 0


async def test_members_cannot_schedule(double, people, app) -> None:
    reply = await ask(double, people.binh, MEETING)
    assert reply["text"].startswith(
        "Sorry, this command is for the organisation's admins and unit admins.")


async def test_a_weekly_meeting_moves_off_new_year(double, people, app) -> None:
    await in_group(double, people)
    # Only the first of the series is announced now.
    reply = await schedule(double, people,
                           "/addmeeting every friday 08:00 | Phòng họp 2 | Giao ban")
    lines = reply["text"].splitlines()
    assert lines[0] == "✅ Đã lưu cuộc họp định kỳ. Các buổi sắp tới:"
    assert lines[1] == "• #1 “Giao ban” — 08:00, Thứ Sáu 27/11/2026"
    meetings = await services_of(app).meetings.upcoming(None, people.group["id"], limit=20)
    starts = [datetime.fromtimestamp(v.meeting.starts_at, ZONE) for v in meetings]
    assert datetime(2027, 1, 1, 8, 0, tzinfo=ZONE) not in starts
    moved = next(v.meeting for v in meetings if v.meeting.moved_from)
    assert datetime.fromtimestamp(moved.starts_at, ZONE) == datetime(2027, 1, 4, 8, tzinfo=ZONE)
    assert (
        "Chuyển từ 08:00, Thứ Sáu 01/01/2027 (Tết Dương lịch) sang ngày làm việc kế tiếp."
        in reply["text"]
    )
    listing = await ask(double, people.binh, "/meetings")
    assert listing["text"].startswith("Next meetings")
    next_page = button_data(listing)["Next ›"]  # five a page: the sixth is the moved one
    await double.press(listing, people.binh, data=next_page)
    await double.wait_for_call("editMessageText", timeout=5)
    assert "Moved from Friday 1 January 2027, 08:00 (New Year's Day)" in current(
        double, listing)["text"]


async def test_series_are_extended_and_never_doubled(double, people, app, clock) -> None:
    await in_group(double, people)
    await ask(
        double,
        people.admin,
        "/addmeeting hằng tháng ngày 6 09:00 | Phòng 1 | Sinh hoạt chi bộ",
        chat=people.group,
    )
    services = services_of(app)
    clock.current = datetime(2027, 1, 10, tzinfo=UTC)
    await services.meetings.extend_series()
    await services.meetings.extend_series()
    rows = await services.db.fetchall("SELECT starts_at, moved_from FROM meetings ORDER BY id")
    starts = [datetime.fromtimestamp(r[0], ZONE).date().isoformat() for r in rows]
    # Weekends stay (a rule may mean them); 6/2/2027 is Tết, so it moves to Thursday 11/2.
    assert starts == ["2026-12-06", "2027-01-06", "2027-02-11", "2027-03-06"]
    moved = [datetime.fromtimestamp(r[1], ZONE).date().isoformat() for r in rows if r[1]]
    assert moved == ["2027-02-06"]


async def test_rsvp_with_a_reason_and_changes(double, people, app, clock) -> None:
    await in_group(double, people)
    await schedule(double, people)
    invitation = double.messages(people.chi["id"])[-1]
    answer = await press(double, invitation, people.chi, "mx:1")
    assert answer["text"] == "Đã ghi nhận: đồng chí vắng mặt tại cuộc họp #1."
    question = await double.wait_for_message(people.chi["id"], contains="lý do")
    assert [b["text"] for b in buttons(question)] == ["Bỏ qua"]
    thanks = await ask(double, people.chi, "Đi công tác tại huyện Nam Đàn")
    assert thanks["text"] == "Cảm ơn đồng chí, lý do vắng mặt tại cuộc họp #1 đã được ghi nhận."
    answer = await press(double, double.messages(people.binh["id"])[-1], people.binh, "ma:1")
    assert answer["text"] == "Noted: you will attend meeting #1."
    report = await ask(double, people.admin, "/attendance 1")
    assert "✅ Tham dự (1): Binh Le" in report["text"]
    assert "❌ Vắng (1): Chi Phạm (Đi công tác tại huyện Nam Đàn)" in report["text"]
    assert "❔ Chưa trả lời (1): Hùng Trần" in report["text"]
    assert "Tỷ lệ tham dự: 1/3 (33%)" in report["text"]
    # Changing one's mind clears the old reason.
    await press(double, invitation, people.chi, "ma:1")
    report = await ask(double, people.admin, "/attendance 1")
    assert "✅ Tham dự (2): Binh Le, Chi Phạm" in report["text"]
    # Ordinary messages are not taken as reasons when none was asked for.
    seen = len(double.messages(people.chi["id"]))
    await double.send_text(people.chi, "Hẹn gặp mọi người ở hội trường")
    await double.idle(quiet=0.3)
    assert len(double.messages(people.chi["id"])) == seen  # no "reason noted" answer
    whoami = await ask(double, people.chi, "/whoami")
    assert "Vai trò: thành viên" in whoami["text"]
    report = await ask(double, people.admin, "/attendance 1")
    assert "❌ Vắng (0): —" in report["text"]
    # Once the meeting has started, answers are closed.
    await advance(app, clock, days=30)
    closed = await press(double, invitation, people.binh, "mx:1")
    assert closed["text"] == "Answers are closed: the meeting is cancelled or has started."


async def test_skip_and_outsiders(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    invitation = double.messages(people.binh["id"])[-1]
    await press(double, invitation, people.binh, "mx:1")
    question = await double.wait_for_message(people.binh["id"], contains="reason")
    skipped = await press(double, question, people.binh, "mk:1")
    assert skipped["text"] == "Noted."
    outsider = double.add_user(1009, "Eve", username="eve", language_code="en")
    refused = await press(double, invitation, outsider, "ma:1")
    assert refused["text"] == "You are not on the list of attendees of this meeting."
    report = await ask(double, people.admin, "/attendance 1")
    assert "❌ Vắng (1): Binh Le" in report["text"]


async def test_remind_only_those_who_have_not_answered(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    await press(double, double.messages(people.binh["id"])[-1], people.binh, "ma:1")
    report = await ask(double, people.admin, "/attendance 1")
    [nudge] = buttons(report)
    assert nudge["text"] == "🔔 Nhắc 2 người chưa trả lời"
    answer = await press(double, report, people.admin, nudge["callback_data"])
    assert answer["text"] == "Đã nhắc 2 người."
    reminded = await double.wait_for_message(people.chi["id"], contains="❔")
    assert reminded["text"].startswith("❔ Đồng chí chưa cho biết có tham dự hay không.")
    await double.wait_for_message(people.admin["id"], contains="❔")
    await double.idle(quiet=0.3)
    assert not [m for m in double.messages(people.binh["id"]) if "❔" in m["text"]]


async def test_meeting_reminders_at_the_offsets(double, people, app, clock) -> None:
    await in_group(double, people)
    await schedule(double, people)
    clock.current = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)  # 1 day before 14:00 local
    await dispatcher_of(app).run()
    reminder = await double.wait_for_message(people.binh["id"])
    assert reminder["text"].startswith("⏰ Meeting reminder (in 24 hours).\nMeeting #1")
    assert [b["text"] for b in buttons(reminder)] == ["✅ Attend", "❌ Absent"]
    await advance(app, clock, hours=22)
    assert (await double.wait_for_message(people.binh["id"]))["text"].startswith(
        "⏰ Meeting reminder (in 2 hours)."
    )


async def test_meeting_reminders_survive_a_restart(double, people, settings, clock) -> None:
    async with running(build_application(settings, clock)):
        await in_group(double, people)
        await schedule(double, people)
    clock.current = datetime(2026, 12, 15, 5, 30, tzinfo=UTC)  # 12:30 local: both missed
    async with running(build_application(settings, clock)) as app:
        await dispatcher_of(app).run()
        await double.idle(quiet=0.3)
        late = [m["text"] for m in double.messages(people.binh["id"]) if "⏰" in m["text"]]
    assert len(late) == 1
    assert late[0].startswith("⏰ Meeting reminder (in 2 hours).")
    assert late[0].endswith("Sent late: it was due at Tuesday 15 December 2026, 12:00.")


async def test_calendar_files_round_trip_in_the_committee_zone(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    await ask(double, people.admin, "/addmeeting @binh_le 20/12/2026 8h | Phòng 2 | Họp riêng")
    await double.wait_for_message(people.binh["id"], contains="📣")
    await double.send_text(people.binh, "/ics 1")
    [one] = await double.wait_for_documents(people.binh["id"], 1)
    assert one["filename"] == "meeting-1.ics"
    calendar = Calendar.from_ical(one["bytes"])
    [event] = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Hội nghị kiểm điểm năm 2026"
    assert event["LOCATION"] == "Hội trường tầng 3"
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 12, 15, 14, 0, tzinfo=ZONE)
    assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert event.decoded("DTEND") - start == timedelta(hours=2)
    assert [a.decoded("TRIGGER") for a in event.walk("VALARM")] == [
        timedelta(days=-1),
        timedelta(hours=-2),
    ]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    await double.send_text(people.binh, "/ics")
    every = Calendar.from_ical((await double.wait_for_documents(people.binh["id"], 2))[1]
                               ["bytes"])
    assert [e["UID"] for e in every.walk("VEVENT")] == [
        "meeting-1@committee-bot",
        "meeting-2@committee-bot",
    ]


async def test_minutes_and_tasks_from_a_meeting(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    saved = await ask(
        double, people.admin, "/minutes 1 Thống nhất giao Văn phòng chuẩn bị báo cáo trước 20/12"
    )
    assert saved["text"] == "Đã lưu kết luận của cuộc họp #1."
    await ask(double, people.admin, "/addtask @binh_le 20/12/2026 Chuẩn bị báo cáo meeting:1")
    await double.wait_for_message(people.binh["id"], contains="new task")
    await ask(double, people.binh, "/done 1")
    await double.wait_for_message(people.admin["id"], contains="đã hoàn thành")
    details = await ask(double, people.binh, "/meeting 1")
    assert "Conclusions\nThống nhất giao Văn phòng chuẩn bị báo cáo trước 20/12" in details["text"]
    assert "Tasks from this meeting\n• #1 “Chuẩn bị báo cáo” — ✅ done" in details["text"]
    assert "Attendance: 0 attending · 0 absent · 3 not answered" in details["text"]
    missing = await ask(double, people.admin, "/addtask @binh_le 20/12/2026 Việc meeting:9")
    assert missing["text"] == "Không có cuộc họp #9. Gửi /meetings để xem lịch họp."


async def test_edit_and_cancel_tell_the_attendees(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    edited = await ask(double, people.admin, "/editmeeting 1 16/12/2026 9h | Phòng họp số 2 |")
    assert edited["text"] == "Đã cập nhật cuộc họp #1; đã báo cho những người tham dự."
    await double.wait_for_message(people.admin["id"], contains="✏️")
    told = await double.wait_for_message(people.binh["id"], contains="changed")
    assert "When: Wednesday 16 December 2026, 09:00\nWhere: Phòng họp số 2" in told["text"]
    assert "Hội nghị kiểm điểm năm 2026" in told["text"]
    cancelled = await ask(double, people.admin, "/cancelmeeting 1")
    assert cancelled["text"] == "Đã hủy cuộc họp #1; đã báo cho những người tham dự."
    await double.wait_for_message(people.admin["id"], contains="🗑")
    notice = await double.wait_for_message(people.binh["id"], contains="cancelled")
    assert notice["text"] == (
        "🗑 Meeting #1 “Hội nghị kiểm điểm năm 2026” on Wednesday 16 "
        "December 2026, 09:00 is cancelled."
    )
    counts = await services_of(app).tasks.reminders.status_counts()
    assert counts.get("pending", 0) == 0
    again = await ask(double, people.admin, "/editmeeting 1 17/12/2026 9h")
    assert again["text"] == "Cuộc họp #1 đã bị hủy hoặc đã diễn ra; không thể thay đổi."
    bad = await ask(double, people.admin, "/editmeeting 1")
    assert bad["text"].startswith("Hãy ngăn cách thời gian, địa điểm và tên")


async def test_recent_attendance_rates(double, people, app, clock) -> None:
    await in_group(double, people)
    await schedule(double, people)
    await press(double, double.messages(people.binh["id"])[-1], people.binh, "ma:1")
    await advance(app, clock, days=30)
    report = await ask(double, people.admin, "/attendance", chat=people.group)
    lines = report["text"].splitlines()
    assert lines[0] == "Tỷ lệ tham dự các cuộc họp gần đây"
    assert lines[1] == "• #1 “Hội nghị kiểm điểm năm 2026”, 15/12/2026: 1/3 (33%)"
    assert "• Binh Le: 1/1 (100%)" in lines
    assert "• Chi Phạm: 0/1 (0%)" in lines
    assert lines[-1] == "Tính chung: 1/3 (33%)"


async def test_meeting_details_are_private_to_attendees(double, people, app: Application) -> None:
    await start_all(double, people)
    await ask(double, people.admin, "/addmeeting @binh_le 20/12/2026 8h | Phòng 2 | Họp riêng")
    await double.wait_for_message(people.binh["id"], contains="📣")
    assert (await ask(double, people.binh, "/meeting 1"))["text"].startswith(
        "Meeting #1 “Họp riêng”"
    )
    assert (await ask(double, people.chi, "/meeting 1"))["text"].startswith(
        "Không có cuộc họp #1."
    )


async def test_editing_only_the_place_keeps_the_reminders(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    db = services_of(app).db
    query = ("SELECT COUNT(*) FROM reminders WHERE event_kind = 'meeting' AND kind = 'before'"
             " AND status = 'pending'")
    before = (await db.fetchone(query))[0]
    await ask(double, people.admin, "/editmeeting 1 | Phòng họp số 2 |", chat=people.group)
    assert before == 8  # 2 offsets x (3 attendees + the group)
    assert (await db.fetchone(query))[0] == before


async def test_a_repeating_meeting_can_be_stopped(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people, "/addmeeting every friday 08:00 | Phòng 2 | Giao ban")
    not_series = await ask(double, people.admin, "/cancelmeeting 99 all")
    assert not_series["text"].startswith("Không có cuộc họp #99.")
    stopped = await ask(double, people.admin, "/cancelmeeting 1 all", chat=people.group)
    assert stopped["text"] == "Đã dừng cuộc họp định kỳ của #1; đã báo cho những người tham dự."
    told = await double.wait_for_message(people.binh["id"], contains="repeating")
    assert told["text"] == ("🗑 The repeating meeting “Giao ban” is cancelled: there will be no "
                            "more occurrences.")
    services = services_of(app)
    assert await services.meetings.upcoming(None, people.group["id"]) == []
    await services.meetings.extend_series()
    assert await services.meetings.upcoming(None, people.group["id"]) == []


@pytest.mark.parametrize("words", ["tất cả", "TẤT CẢ", "all"])
async def test_tat_ca_stops_a_series_like_all(double, people, app, words: str) -> None:
    await in_group(double, people)
    await schedule(double, people, "/addmeeting every friday 08:00 | Phòng 2 | Giao ban")
    stopped = await ask(double, people.admin, f"/cancelmeeting 1 {words}", chat=people.group)
    assert stopped["text"] == "Đã dừng cuộc họp định kỳ của #1; đã báo cho những người tham dự."
    assert await services_of(app).meetings.upcoming(None, people.group["id"]) == []


async def test_a_member_the_bot_never_saw_answers_from_the_group(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    announcement = announced(double, people)
    newcomer = double.add_user(1009, "Lan", last_name="Nguyễn", username="lan_nguyen",
                               language_code="vi")
    answer = await press(double, announcement, newcomer, "mx:1")
    assert answer["text"] == "Đã ghi nhận: đồng chí vắng mặt tại cuộc họp #1."
    asked = await double.wait_for_message(people.group["id"], contains="Lan Nguyễn")
    await double.send_text(newcomer, "Đi công tác tỉnh", chat=people.group, reply_to=asked)
    await double.wait_for_message(people.group["id"], contains="lý do")
    report = await ask(double, people.admin, "/attendance 1", chat=people.group)
    assert report["text"] == "Đã gửi riêng báo cáo tham dự cho đồng chí."
    private = await double.wait_for_message(people.admin["id"], contains="Tham dự")
    assert "Lan Nguyễn (Đi công tác tỉnh)" in private["text"]
    assert "Đi công tác" not in "".join(m["text"] for m in double.messages(people.group["id"]))
    judged = await press(double, private, people.admin, f"me:1:{await _member_id(app, 1009)}")
    assert judged["text"] == "Đã ghi nhận."
    await double.wait_for_call("editMessageText")
    [redrawn] = [m for m in double.messages(people.admin["id"])
                 if m["message_id"] == private["message_id"]]
    assert "Lan Nguyễn (Đi công tác tỉnh) — có lý do" in redrawn["text"]
    assert "Vắng mặt: 1 có lý do, 0 không lý do, 0 chưa xét." in redrawn["text"]
    roster = await ask(double, people.admin, "/members", chat=people.group)
    assert "Lan Nguyễn" in roster["text"]


async def _member_id(app, telegram_id: int) -> int:
    member = await services_of(app).members.members.by_telegram_id(telegram_id)
    return member.id


async def test_a_clash_and_a_sunday_are_pointed_out(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    clash = await ask(double, people.admin, "/addmeeting @binh_le 15/12/2026 15:00 | Phòng 2 | "
                      "Họp tổ")
    assert ("⚠️ Cuộc họp này trùng giờ với cuộc họp #1 “Hội nghị kiểm điểm năm 2026” (14:00, "
            "Thứ Ba 15/12/2026) của một số người cùng được mời.") in clash["text"]
    sunday = await ask(double, people.admin, "/addmeeting @chi_pham 20/12/2026 08:00 | Phòng 2 "
                       "| Họp chuyên đề")
    assert "⚠️ Lưu ý: ngày đó là Chủ nhật." in sunday["text"]
    assert "Đã mời 1 người: Chi Phạm." in sunday["text"]
    assert "trùng giờ" not in sunday["text"]


async def test_in_a_group_the_reason_is_asked_of_the_member_by_name_with_skip(
        double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    announcement = announced(double, people)
    await press(double, announcement, people.chi, "mx:1")
    asked = await double.wait_for_message(people.group["id"], contains="Chi Phạm")
    assert asked["text"].startswith("Chi Phạm, vì sao đồng chí không tham dự được cuộc họp #1? "
                                    "Hãy trả lời tin nhắn này")
    assert any(e.get("url") == "tg://user?id=1003" for e in asked.get("entities", []))
    assert asked["reply_to_message"]["message_id"] == announcement["message_id"]
    assert [b["text"] for b in buttons(asked)] == ["Bỏ qua"]
    await double.send_text(people.chi, "Ốm", chat=people.group, reply_to=asked)
    thanks = await double.wait_for_message(people.group["id"], contains="lý do")
    assert thanks["text"].startswith("Cảm ơn đồng chí")
    await press(double, announcement, people.binh, "mx:1")
    asked = await double.wait_for_message(people.group["id"], contains="Binh Le")
    [skip] = buttons(asked)
    other = await press(double, asked, people.chi, skip["callback_data"])
    assert other["text"].startswith("Câu hỏi này dành cho đồng chí được nêu tên")
    skipped = await press(double, asked, people.binh, skip["callback_data"])
    assert skipped["text"] == "Noted."
    view = await services_of(app).meetings.view(1)
    assert {a.member.username: (a.response, a.reason) for a in view.attendees
            if a.response == "absent"} == {"chi_pham": ("absent", "Ốm"),
                                           "binh_le": ("absent", None)}


async def test_only_the_meetings_admins_may_nudge_the_silent(double, people, app) -> None:
    await in_group(double, people)
    await schedule(double, people)
    services = services_of(app)
    binh = await services.members.find("binh_le")
    refused = await services.meetings.nudge(binh, await services.access.scope(binh), 1)
    assert refused is Outcome.NOT_ALLOWED
    assert (await services.db.fetchone(
        "SELECT COUNT(*) FROM reminders WHERE kind = 'nudge'"))[0] == 0
    admin = await services.members.find("hung_tran")
    reminded = await services.meetings.nudge(admin, await services.access.scope(admin), 1)
    assert reminded == 3  # nobody has answered yet
