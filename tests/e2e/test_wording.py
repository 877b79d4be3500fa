"""Phrases a Vietnamese clerk reads, exactly: one register, no doubled words, proper counts."""

from __future__ import annotations

import pytest

from tests.double import BotApiDouble
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


async def start_all(double: BotApiDouble, people) -> None:
    for person in (people.admin, people.binh, people.chi):
        await ask(double, person, "/start")


async def test_the_language_is_named_in_lower_case_mid_sentence(double, people) -> None:
    whoami = await ask(double, people.chi, "/whoami")
    assert "\nNgôn ngữ: tiếng Việt\n" in whoami["text"]
    refused = await ask(double, people.chi, "/lang fr")
    assert refused["text"].startswith("Đồng chí hãy chọn vi (tiếng Việt) hoặc en (tiếng Anh).")


async def test_a_new_task_says_how_far_the_deadline_is_once(double, people) -> None:
    await start_all(double, people)
    reply = await ask(double, people.admin, "/addtask @chi_pham 19/12/2026 Báo cáo")
    assert "Thời hạn: 17:00, Thứ Bảy 19/12/2026 (còn 4 tuần)" in reply["text"]
    assert "nữa)" not in reply["text"]


async def test_an_unstarted_assignee_is_not_called_ho(double, people) -> None:
    reply = await ask(double, people.admin, "/addtask @dung_vo ngày mai 9h Chuẩn bị hội trường")
    assert ("@dung_vo chưa bấm Bắt đầu với bot: trong thời gian đó, lời nhắc được gửi trong "
            "nhóm. Đồng chí hãy đề nghị người được giao mở @committee_test_bot và bấm Bắt đầu."
            ) in reply["text"]
    assert "Đề nghị họ" not in reply["text"]


async def test_attendance_counts_read_well_in_both_languages(double, people) -> None:
    await start_all(double, people)
    await ask(double, people.admin,
              "/addmeeting @binh_le @chi_pham 15/12/2026 14:00 | Hội trường | Họp chi bộ")
    for person, label in ((people.binh, 0), (people.chi, 1)):
        invitation = await double.wait_for_message(person["id"], contains="📣")
        await double.press(invitation, person, index=label)
    await double.idle(quiet=0.2, timeout=5)
    vi = await ask(double, people.admin, "/meeting 1")
    assert "Trả lời mời họp: 1 tham dự · 1 vắng · 0 chưa trả lời" in vi["text"]
    assert "Tham dự: " not in vi["text"]
    en = await ask(double, people.binh, "/meeting 1")
    assert "Attendance: 1 attending · 1 absent · 0 not answered" in en["text"]
