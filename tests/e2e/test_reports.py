"""/report and /export end to end: the files hold what the database holds, within the
asker's scope."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from bot.app import dispatcher_of, services_of
from tests.e2e.test_accountability import press, start_all
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")
PNG = b"\x89PNG\r\n\x1a\n"


async def two_units(double, people) -> dict:
    """The office's cell (Binh, Chi; Chi its secretary) and a second cell (Dung)."""
    dung = double.add_user(1004, "Dũng", last_name="Võ", username="dung_vo", language_code="vi")
    other = double.add_group(-1009876543210, "Chi bộ Tuyên giáo", kind="supergroup")
    await start_all(double, people)
    await ask(double, dung, "/start")
    for group in (people.group, other):
        await ask(double, people.admin, "/subscribe", chat=group)
        await ask(double, people.admin, "/members remove @hung_tran", chat=group)
    await double.send_text(people.binh, "Chào các đồng chí", chat=people.group)
    said = await double.send_text(people.chi, "Chào", chat=people.group)
    await double.send_text(dung, "Chào", chat=other)
    await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    return {"dung": dung, "other": other}


async def tasks_and_meeting(double, people, app, clock, extra) -> None:
    await ask(double, people.admin, "/addtask 10/12/2026 17:00 Nộp bản kiểm điểm #39-NQ/TW",
              chat=people.group)
    await ask(double, people.admin, "/addtask 15/12/2026 Báo cáo chuyên đề #39-NQ/TW",
              chat=extra["other"])
    await ask(double, people.admin, "/addtask 20/01/2027 Kế hoạch năm sau", chat=extra["other"])
    await ask(double, people.binh, "/done 1 Đã nộp bản giấy")
    await ask(double, people.admin,
              "/addmeeting 25/11/2026 14:00 | Hội trường | Họp chi bộ tháng 11",
              chat=people.group)
    invitation = await double.wait_for_message(people.binh["id"], contains="New meeting")
    await press(double, invitation, people.binh, "mx:1")
    await ask(double, people.binh, "Đi công tác")
    clock.current = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 15:00 local: the meeting is on
    await dispatcher_of(app).run()


async def db_parts(app, start: str, end: str,
                   units: tuple[int, ...] | None = None) -> set[tuple]:
    """(task id, assignee's name) for every part due in the period, read straight from the
    database."""
    first = int(datetime.fromisoformat(start).timestamp())
    last = int(datetime.fromisoformat(end).timestamp())
    rows = await services_of(app).db.fetchall(
        "SELECT t.id, m.full_name, t.group_chat_id FROM tasks t"
        " JOIN task_assignees a ON a.task_id = t.id JOIN members m ON m.id = a.member_id"
        " WHERE t.due_at >= ? AND t.due_at < ? AND t.status != 'cancelled'",
        (first, last))
    return {(r[0], r[1]) for r in rows if units is None or r[2] in units}


async def db_attendance(app, start: str, end: str) -> set[tuple]:
    """(meeting id, invited person's name) for every meeting held in the period."""
    first = int(datetime.fromisoformat(start).timestamp())
    last = int(datetime.fromisoformat(end).timestamp())
    rows = await services_of(app).db.fetchall(
        "SELECT mt.id, m.full_name FROM meetings mt JOIN meeting_attendees a"
        " ON a.meeting_id = mt.id JOIN members m ON m.id = a.member_id"
        " WHERE mt.starts_at >= ? AND mt.starts_at < ? AND mt.status = 'scheduled'",
        (first, last))
    return {(r[0], r[1]) for r in rows}


def sheet_parts(book, sheet: str) -> set[tuple]:
    rows = list(book[sheet].iter_rows(min_row=2, values_only=True))
    return {(row[0], row[4].split(" (@")[0]) for row in rows}


async def test_a_quarter_report_holds_the_rows_of_the_database(double, people, app,
                                                              clock) -> None:
    extra = await two_units(double, people)
    await tasks_and_meeting(double, people, app, clock, extra)
    await double.send_text(people.admin, "/report quý 4/2026")
    summary = await double.wait_for_message(people.admin["id"], contains="📊")
    assert summary["text"].startswith("📊 Báo cáo quý 4/2026")
    assert "Nhiệm vụ: 2 (3 lượt giao)" in summary["text"]
    assert "Số cuộc họp đã diễn ra: 1" in summary["text"]
    [workbook] = await double.wait_for_documents(people.admin["id"], 1)
    assert workbook["filename"] == "bao-cao-20261001-20261231.xlsx"
    book = load_workbook(io.BytesIO(workbook["bytes"]))
    assert book.sheetnames == ["Nhiệm vụ", "Điểm danh", "Theo đơn vị", "Theo người",
                               "Cuộc họp", "Biểu đồ"]
    assert sheet_parts(book, "Nhiệm vụ") == await db_parts(
        app, "2026-10-01T00:00+07:00", "2027-01-01T00:00+07:00")
    assert sheet_parts(book, "Điểm danh") == await db_attendance(
        app, "2026-10-01T00:00+07:00", "2027-01-01T00:00+07:00")
    assert book["Điểm danh"].max_row == 1 + 2  # one row per person per meeting held
    tasks = book["Nhiệm vụ"]
    assert tasks.freeze_panes == "A2"
    assert [c.value for c in tasks[1]][:6] == ["Số", "Nhiệm vụ", "Văn bản", "Đơn vị",
                                               "Người thực hiện", "Hạn"]
    deadline = tasks["F2"]
    local = datetime(2026, 12, 10, 17, 0, tzinfo=UTC).replace(tzinfo=None)  # a naive cell
    assert deadline.value == local and deadline.is_date
    assert tasks.column_dimensions["B"].width > 10
    attendance = {row[4].split(" (@")[0]: row for row in
                  book["Điểm danh"].iter_rows(min_row=2, values_only=True)}
    assert attendance["Binh Le"][5:9] == ("vắng không lý do", "trả lời lời mời", None,
                                          "Đi công tác")
    assert attendance["Chi Phạm"][5] == "chưa trả lời"
    [chart] = await double.wait_for_photos(people.admin["id"], 1)
    assert chart["bytes"].startswith(PNG) and chart["width"] > 300
    image = Image.open(io.BytesIO(chart["bytes"]))
    image.verify()  # a whole, valid PNG
    assert image.format == "PNG"


async def test_a_directive_report_names_each_unit_and_task(double, people, app, clock) -> None:
    extra = await two_units(double, people)
    await tasks_and_meeting(double, people, app, clock, extra)
    await double.send_text(people.admin, "/report #39-NQ/TW")
    summary = await double.wait_for_message(people.admin["id"], contains="📑")
    assert summary["text"].startswith("📑 Tình hình thực hiện 39-NQ/TW")
    assert "• Chi bộ Văn phòng: 1/2 đã xong, 0 quá hạn" in summary["text"]
    files = {d["filename"]: d["bytes"]
             for d in await double.wait_for_documents(people.admin["id"], 2)}
    document = Document(io.BytesIO(files["bao-cao-39-NQ-TW.docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Tình hình thực hiện 39-NQ/TW" in text
    assert "Chi bộ Văn phòng" in text and "Chi bộ Tuyên giáo" in text
    assert "#1 Nộp bản kiểm điểm" in cells and "#2 Báo cáo chuyên đề" in cells
    assert "Kế hoạch năm sau" not in cells
    book = load_workbook(io.BytesIO(files["bao-cao-39-NQ-TW.xlsx"]))
    assert {row[0] for row in book["Nhiệm vụ"].iter_rows(min_row=2, values_only=True)} == {1, 2}


async def test_a_unit_admin_exports_only_their_unit(double, people, app, clock) -> None:
    extra = await two_units(double, people)
    await tasks_and_meeting(double, people, app, clock, extra)
    await ask(double, people.chi, "/export tasks năm 2026")
    await ask(double, people.chi, "/export members xlsx")
    await ask(double, people.chi, "/export attendance tháng 11/2026")
    tasks, members, attendance = await double.wait_for_documents(people.chi["id"], 3)
    assert tasks["bytes"].startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(tasks["bytes"].decode("utf-8-sig"))))
    assert rows[0][:3] == ["Số", "Nhiệm vụ", "Văn bản"]
    assert {(int(r[0]), r[4].split(" (@")[0]) for r in rows[1:]} == await db_parts(
        app, "2026-01-01T00:00+07:00", "2027-01-01T00:00+07:00",
        units=(people.group["id"],))
    assert not any("Tuyên giáo" in cell for row in rows for cell in row)
    roster = load_workbook(io.BytesIO(members["bytes"])).active
    names = {row[1] for row in roster.iter_rows(min_row=2, values_only=True)}
    assert names == {"Binh Le", "Chi Phạm"}
    assert "Võ" not in attendance["bytes"].decode("utf-8-sig")
    await double.send_text(people.chi, "/report năm 2026")
    report_file = (await double.wait_for_documents(people.chi["id"], 4))[3]
    report = load_workbook(io.BytesIO(report_file["bytes"]))
    cells = [str(value) for sheet in report.worksheets
             for row in sheet.iter_rows(values_only=True) for value in row]
    assert "Chi bộ Văn phòng" in cells
    assert not [cell for cell in cells if "Tuyên giáo" in cell or "Dũng" in cell]
    await double.send_text(people.admin, "/export members")
    [everyone] = await double.wait_for_documents(people.admin["id"], 1)
    assert "Dũng Võ" in everyone["bytes"].decode("utf-8-sig")


async def test_asked_in_a_group_the_files_go_privately(double, people, app, clock) -> None:
    extra = await two_units(double, people)
    await tasks_and_meeting(double, people, app, clock, extra)
    await double.send_text(people.admin, "/export tasks năm 2026", chat=people.group)
    await double.wait_for_message(people.group["id"], contains="Đã gửi riêng cho đồng chí.")
    [export] = double.documents(people.admin["id"])
    assert export["filename"] == "tasks-20260101-20261231.csv"
    double.block(people.chi["id"])
    await double.send_text(people.chi, "/report", chat=people.group)
    refused = await double.wait_for_message(people.group["id"], contains="gửi riêng:")
    assert refused["text"] == ("Báo cáo có tên người và lý do nên chỉ gửi riêng: đồng chí mở "
                               "@committee_test_bot, bấm Bắt đầu rồi yêu cầu lại.")
    assert not double.documents(people.group["id"])


async def test_a_member_may_not_report(double, people) -> None:
    await start_all(double, people)
    refused = await ask(double, people.binh, "/report")
    assert refused["text"].startswith("Sorry, this command is for the organisation's admins")
    unreadable = await ask(double, people.admin, "/report tháng 13/2026")
    assert unreadable["text"].startswith("Chưa đọc được khoảng thời gian")
