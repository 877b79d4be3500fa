"""Check-in: open from 30 minutes before a meeting until its end; reports then count who
checked in rather than who said they would come."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.app import dispatcher_of
from tests.e2e.test_accountability import press, unit_with_roster
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


async def attendance_rows(double, people) -> dict[str, list[str]]:
    before = len(double.documents(people.admin["id"]))
    await double.send_text(people.admin, "/export attendance tháng 11/2026")
    export = (await double.wait_for_documents(people.admin["id"], before + 1))[before]
    rows = list(csv.reader(io.StringIO(export["bytes"].decode("utf-8-sig"))))
    return {row[4].split(" (@")[0]: row[5:8] for row in rows[1:]}


async def test_attendees_check_in_during_the_meeting(double, people, app, clock) -> None:
    await unit_with_roster(double, people)
    await ask(double, people.admin, "/addmeeting 25/11/2026 14:00 | Hội trường | Họp chi bộ",
              chat=people.group)
    invitation = await double.wait_for_message(people.chi["id"], contains="cuộc họp mới")
    await press(double, invitation, people.chi, "ma:1")
    await double.wait_for_message(people.binh["id"], contains="New meeting")
    nothing = await ask(double, people.binh, "/checkin")
    assert nothing["text"].startswith("You have no meeting under way.")
    early = await ask(double, people.binh, "/checkin 1")
    assert early["text"] == ("Check-in for meeting #1 “Họp chi bộ” opens at Wednesday 25 "
                             "November 2026, 13:30.")

    clock.current = datetime(2026, 11, 25, 6, 30, 5, tzinfo=UTC)  # 13:30 local
    await dispatcher_of(app).run()
    # The reminder due at the same time races the opening: both come, in either order.
    opened, _reminder = await double.wait_for_messages(people.binh["id"], "Check-in is open",
                                                       "Meeting reminder")
    assert opened["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "mi:1"
    answer = await press(double, opened, people.binh, "mi:1")
    assert answer["text"] == "✅ You are checked in at meeting #1 “Họp chi bộ”. Thank you!"
    again = await ask(double, people.binh, "/checkin")
    assert again["text"] == "You have already checked in at meeting #1 “Họp chi bộ”."

    clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the meeting is over
    await double.send_text(people.chi, "/checkin 1")
    late = await double.wait_for_message(people.chi["id"], contains="kết thúc")
    assert late["text"] == "Cuộc họp #1 “Họp chi bộ” đã kết thúc, không thể điểm danh nữa."
    await double.send_text(people.admin, "/attendance 1")
    seen = await double.wait_for_message(people.admin["id"], contains="📍")
    assert seen["text"].endswith("📍 Đã điểm danh có mặt (1/2): Binh Le. Tỷ lệ dự họp tính theo "
                                 "điểm danh có mặt.")
    rows = await attendance_rows(double, people)
    assert rows["Binh Le"] == ["có mặt", "điểm danh có mặt", "25/11/2026 13:30"]
    assert rows["Chi Phạm"] == ["vắng không lý do", "điểm danh có mặt", ""]

    await double.send_text(people.admin, "/checkin 1 @chi_pham")
    marked = await double.wait_for_message(people.admin["id"], contains="Đã ghi nhận")
    assert marked["text"] == "Đã ghi nhận có mặt tại cuộc họp #1 “Họp chi bộ”: Chi Phạm."
    refused = await ask(double, people.binh, "/checkin 1 @chi_pham")
    assert refused["text"].startswith("Sorry, this needs an admin of the unit")
    rows = await attendance_rows(double, people)
    assert rows["Chi Phạm"][:2] == ["có mặt", "điểm danh có mặt"]


async def test_without_check_ins_attendance_follows_the_answers(double, people, app,
                                                                clock) -> None:
    await unit_with_roster(double, people)
    await ask(double, people.admin, "/addmeeting 25/11/2026 14:00 | Hội trường | Họp chi bộ",
              chat=people.group)
    invitation = await double.wait_for_message(people.chi["id"], contains="cuộc họp mới")
    await press(double, invitation, people.chi, "ma:1")
    clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    rows = await attendance_rows(double, people)
    assert rows["Chi Phạm"] == ["có mặt", "trả lời lời mời", ""]
    assert rows["Binh Le"] == ["chưa trả lời", "trả lời lời mời", ""]
