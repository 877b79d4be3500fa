"""Deadlines typed the way clerks write them, end to end through /addtask and /edittask."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


async def stored(app: Application) -> list[tuple]:
    rows = await app.bot_data["services"].db.fetchall(
        "SELECT id, title, due_at FROM tasks ORDER BY id"
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    ("typed", "title", "deadline"),
    [
        ("ngày 31 tháng 12 năm 2026 Báo cáo tổng kết", "Báo cáo tổng kết",
         "Thời hạn: 17:00, Thứ Năm 31/12/2026"),
        ("Báo cáo tổng kết trước ngày 31/12/2026", "Báo cáo tổng kết",
         "Thời hạn: 17:00, Thứ Năm 31/12/2026"),
        ("sáng thứ 2 Họp giao ban", "Họp giao ban", "Thời hạn: 08:00, Thứ Hai 23/11/2026"),
        ("17 giờ ngày 31/12 Nộp báo cáo", "Nộp báo cáo", "Thời hạn: 17:00, Thứ Năm 31/12/2026"),
        ("Dec 31 Nộp báo cáo", "Nộp báo cáo", "Thời hạn: 17:00, Thứ Năm 31/12/2026"),
    ],
)
async def test_addtask_reads_dates_as_clerks_type_them(
    double, people, app, typed: str, title: str, deadline: str
) -> None:
    reply = await ask(double, people.admin, f"/addtask @binh_le {typed}")
    assert reply["text"].startswith(f"✅ Đã lưu nhiệm vụ.\nNhiệm vụ #1 “{title}”")
    assert deadline in reply["text"]
    assert [row[1] for row in await stored(app)] == [title]


async def test_a_forgotten_at_is_pointed_out_not_a_missing_deadline(double, people, app) -> None:
    reply = await ask(double, people.admin, "/addtask binh_le 31/12/2026 Báo cáo tổng kết")
    assert reply["text"].startswith(
        "Tôi không tìm thấy thời hạn: “binh_le” đứng trước ngày tháng. Có phải đồng chí muốn "
        "viết @binh_le?"
    )
    assert "Tôi không tìm thấy thời hạn.\n" not in reply["text"]
    assert await stored(app) == []


async def test_a_forgotten_at_in_english(double, people, app) -> None:
    await ask(double, people.admin, "/lang en")
    reply = await ask(double, people.admin, "/addtask binh_le 31/12/2026 Report")
    assert reply["text"].startswith(
        "I could not find a deadline: “binh_le” comes before the date. Did you mean @binh_le?"
    )


async def test_a_past_date_says_which_date_was_understood(double, people, app) -> None:
    reply = await ask(double, people.admin, "/addtask @binh_le 01/01/2020 9h Báo cáo")
    assert reply["text"].startswith(
        "Thời hạn này đã qua. Tôi hiểu thời hạn là 09:00, Thứ Tư 01/01/2020."
    )
    await ask(double, people.admin, "/lang en")
    reply = await ask(double, people.admin, "/edittask 1 ngày 1 tháng 1 năm 2020")
    assert reply["text"].startswith(
        "That deadline has already passed: I read it as Wednesday 1 January 2020, 17:00."
    )
    assert await stored(app) == []
