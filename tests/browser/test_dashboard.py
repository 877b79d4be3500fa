"""The dashboard in real Chromium: the page's initData is signed with the test token, so the
server's check runs on every call."""

from __future__ import annotations

from bot.app import services_of
from bot.clock import epoch
from tests.browser.conftest import screenshot, telegram_page
from tests.e2e.test_accountability import unit_with_roster
from tests.e2e.test_members import ask
from tests.web_support import dashboard, init_data


async def test_a_member_marks_their_part_done_and_the_admin_sees_it(
        browser, double, people, settings, clock) -> None:
    async with dashboard(settings, clock) as (app, base):
        await unit_with_roster(double, people)
        await ask(double, people.admin, "/addtask 15/12/2026 Nộp bản kiểm điểm #39-NQ/TW",
                  chat=people.group)
        now = epoch(clock.now())
        chi = await telegram_page(browser, base, init_data(people.chi, now))
        await chi.get_by_text("Nộp bản kiểm điểm").wait_for()
        await screenshot(chi, "my-tasks")
        await chi.fill("[data-test=note-1]", "Đã nộp bản giấy cho Văn phòng")
        await chi.click("[data-test=done-1]")
        await chi.locator("[data-test=finished-1]").wait_for()
        assert "Đã nộp bản giấy" in await chi.locator("[data-test=finished-1]").inner_text()

        stored = await services_of(app).db.fetchone(
            "SELECT a.status, a.note FROM task_assignees a JOIN members m"
            " ON m.id = a.member_id WHERE a.task_id = 1 AND m.telegram_id = ?",
            (people.chi["id"],))
        assert tuple(stored) == ("done", "Đã nộp bản giấy cho Văn phòng")

        admin = await telegram_page(browser, base, init_data(people.admin, now))
        await admin.click("[data-test=tab-committee]")
        await admin.locator("[data-test=open-1]").wait_for()
        assert "1/2 đã xong" in await admin.locator("[data-test=open-1]").inner_text()
        await admin.wait_for_function(
            "document.querySelector('img.chart') && document.querySelector('img.chart')"
            ".complete && document.querySelector('img.chart').naturalWidth > 0")
        await screenshot(admin, "committee")
        await admin.click("[data-test=open-1]")
        parts = admin.locator("[data-test=part]")
        await parts.first.wait_for()
        texts = await parts.all_inner_texts()
        assert any("Chi Phạm" in t and "đã xong" in t for t in texts)
        assert any("Binh Le" in t and "đang thực hiện" in t for t in texts)
        await screenshot(admin, "task-detail")
        await admin.click("[data-test=remind]")
        await admin.get_by_text("Đã nhắc 1 người.").wait_for()
        reminder = await double.wait_for_message(people.binh["id"], contains="#1")
        assert "Nộp bản kiểm điểm" in reminder["text"]


async def test_an_admin_creates_a_task_and_a_meeting_from_the_forms(
        browser, double, people, settings, clock) -> None:
    async with dashboard(settings, clock) as (app, base):
        await unit_with_roster(double, people)
        admin = await telegram_page(browser, base, init_data(people.admin, epoch(clock.now())))
        await admin.click("[data-test=tab-new]")
        form = admin.locator("[data-test=task-form]")
        await form.wait_for()
        await admin.fill("[data-test=task-title]", "Báo cáo kết quả học tập Nghị quyết")
        await form.get_by_label("Chi Phạm").check()
        await admin.fill("[data-test=task-date]", "2026-12-15")
        await admin.fill("[data-test=task-time]", "17:00")
        await admin.fill("[data-test=task-tag]", "39-NQ/TW")
        await screenshot(admin, "new-task")
        await admin.click("[data-test=task-create]")
        await admin.get_by_text("Đã lưu nhiệm vụ #1").wait_for()
        told = await double.wait_for_message(people.chi["id"], contains="nhiệm vụ mới")
        assert "Báo cáo kết quả học tập Nghị quyết" in told["text"]
        tag = await services_of(app).db.fetchone("SELECT tag FROM tasks WHERE id = 1")
        assert tuple(tag) == ("39-NQ/TW",)
        assert not [m for m in double.messages(people.binh["id"])
                    if "Báo cáo kết quả" in (m.get("text") or "")]

        meeting = admin.locator("[data-test=meeting-form]")
        await admin.fill("[data-test=meeting-title]", "Họp chi bộ tháng 12")
        await meeting.locator("[data-test=meeting-unit]").select_option(
            str(people.group["id"]))
        await admin.fill("[data-test=meeting-date]", "2026-12-05")
        await admin.fill("[data-test=meeting-time]", "14:00")
        await admin.fill("[data-test=meeting-place]", "Hội trường tầng 3")
        await admin.click("[data-test=meeting-create]")
        await admin.get_by_text("Đã lưu 1 cuộc họp").wait_for()
        await double.wait_for_message(people.binh["id"], contains="New meeting")

        chi = await telegram_page(browser, base, init_data(people.chi, epoch(clock.now())))
        await chi.click("[data-test=tab-meetings]")
        await chi.locator("[data-test=meeting-1]").wait_for()
        await chi.fill("[data-test=reason-1]", "Đi công tác")
        await chi.click("[data-test=absent-1]")
        await chi.get_by_text("Đồng chí sẽ vắng mặt. — Đi công tác").wait_for()
        await admin.click("[data-test=tab-meetings]")
        await admin.locator("[data-test=meeting-1]").get_by_text("Đi công tác").wait_for()
        await screenshot(admin, "meetings")
