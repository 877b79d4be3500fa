"""Reminders end to end: offsets, buttons, escalation, fallbacks, restarts, 429s, digest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from bot.app import build_application, dispatcher_of, running, services_of
from tests import databases
from tests.conftest import advance
from tests.e2e.test_members import ask
from tests.e2e.test_tasks import add_task, start_all

DUE = "31/12/2026 17:00"  # Thursday; 3d before is Monday 28/12 17:00


def buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def statuses(app: Application) -> dict[str, int]:
    return await services_of(app).tasks.reminders.status_counts()


@pytest.fixture
async def task_in_group(double, people, app) -> None:
    """Task #1 for Binh (English) and Chi (Vietnamese), reported to the subscribed group."""
    await start_all(double, people)
    await ask(double, people.admin, "/subscribe", chat=people.group)
    await add_task(
        double,
        people.admin,
        f"/addtask @binh_le @chi_pham {DUE} Báo cáo quý",
        people.binh,
        people.chi,
        chat=people.group,
    )


@pytest.mark.usefixtures("task_in_group")
async def test_each_offset_reminds_assignees_privately_and_the_group(
    double, people, app, clock
) -> None:
    clock.current = datetime(2026, 12, 28, 10, 0, 30, tzinfo=UTC)  # 3d before, local 17:00:30
    await dispatcher_of(app).run()
    binh = await double.wait_for_message(people.binh["id"])
    assert binh["text"] == (
        "⏰ Reminder: task #1 “Báo cáo quý” is due Thursday 31 December 2026, 17:00 "
        "(in 3 days)."
    )
    assert [b["text"] for b in buttons(binh)] == [
        "✅ Done", "⏰ Snooze 1h", "📅 Ask for more time"]
    chi = await double.wait_for_message(people.chi["id"])
    assert chi["text"].startswith(
        "⏰ Nhắc việc: nhiệm vụ #1 “Báo cáo quý” đến hạn lúc 17:00, "
        "Thứ Năm 31/12/2026 (còn 3 ngày)."
    )
    group = await double.wait_for_message(people.group["id"])
    assert group["text"].startswith("⏰ Nhắc việc: nhiệm vụ #1")
    assert group["text"].endswith("Còn 2/2 người chưa xong. Binh Le, Chi Phạm")
    await advance(app, clock, days=2)  # 1d before
    assert "(in 24 hours)" in (await double.wait_for_message(people.binh["id"]))["text"]
    await advance(app, clock, hours=22)  # 2h before
    assert "(in 2 hours)" in (await double.wait_for_message(people.binh["id"]))["text"]
    await advance(app, clock, hours=2)  # the deadline
    due = await double.wait_for_message(people.binh["id"])
    assert due["text"] == "⌛ Task #1 “Báo cáo quý” is due now."
    assert "Sent late" not in due["text"]
    assert len(double.messages(people.binh["id"])) == 1 + 1 + 4  # /start, notice, 4 reminders


@pytest.mark.usefixtures("task_in_group")
async def test_only_assignees_and_admins_may_press_done(double, people, app, clock) -> None:
    await advance(app, clock, days=36, hours=9)  # into the 3-days-before window
    reminder = await double.wait_for_message(people.group["id"], contains="Nhắc việc")
    outsider = double.add_user(1005, "Eve", username="eve", language_code="en")
    query = await double.press(reminder, outsider, data="td:1")
    answer = await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query
    )
    assert answer["text"] == "Task #1 is not assigned to you. Send /tasks to see yours."
    assert answer["show_alert"] is True
    query = await double.press(reminder, people.chi, data="td:1")
    answer = await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query
    )
    assert answer["text"] == ("Phần việc của đồng chí trong nhiệm vụ #1 đã xong (1/2 đã xong). "
                              "Cảm ơn đồng chí!")
    edit = await double.wait_for_call("editMessageText")
    assert edit["message_id"] == reminder["message_id"]
    [edited] = [
        m for m in double.messages(people.group["id"]) if m["message_id"] == reminder["message_id"]
    ]
    assert edited["text"].endswith("✅ Đồng chí Chi Phạm đã xong phần việc (1/2 đã xong).")
    query = await double.press(reminder, people.binh, data="td:1")
    await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query
    )
    notice = await double.wait_for_message(people.group["id"], contains="đã hoàn thành")
    assert notice["text"] == ("✅ Nhiệm vụ #1 “Báo cáo quý” đã hoàn thành: mọi người đều đã xong "
                              "phần việc của mình (2/2 đã xong).")
    assert (await statuses(app)).get("pending", 0) == 0


@pytest.mark.usefixtures("task_in_group")
async def test_snooze_reminds_again_an_hour_later(double, people, app, clock) -> None:
    await advance(app, clock, days=36, hours=9)
    reminder = await double.wait_for_message(people.binh["id"], contains="Reminder")
    query = await double.press(reminder, people.binh, data="ts:1")
    answer = await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query
    )
    assert answer["text"] == "I will remind you again in 1 hour."
    await advance(app, clock, minutes=59)
    assert double.messages(people.binh["id"])[-1]["message_id"] == reminder["message_id"]
    await advance(app, clock, minutes=1)
    again = await double.wait_for_message(people.binh["id"])
    assert again["text"].startswith("⏰ Reminder: task #1 “Báo cáo quý”")


@pytest.mark.usefixtures("task_in_group")
async def test_an_overdue_task_is_escalated_to_its_creator(double, people, app, clock) -> None:
    clock.current = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)  # the deadline
    await dispatcher_of(app).run()
    await advance(app, clock, hours=23, minutes=59)
    assert not [m for m in double.messages(people.admin["id"]) if "🚨" in m["text"]]
    await advance(app, clock, minutes=1)
    escalation = await double.wait_for_message(people.admin["id"], contains="🚨")
    assert escalation["text"] == (
        "🚨 Nhiệm vụ #1 “Báo cáo quý” vẫn chưa hoàn thành: hạn chót là 17:00, Thứ Năm 31/12/2026 "
        "(24 giờ trước).\nCòn 2/2 người chưa xong. Binh Le, Chi Phạm"
    )


@pytest.mark.usefixtures("task_in_group")
async def test_a_blocked_assignee_is_mentioned_in_the_group_instead(
    double, people, app, clock
) -> None:
    double.block(people.binh["id"])
    await advance(app, clock, days=36, hours=9)
    fallback = await double.wait_for_message(people.group["id"], contains="nhắn riêng")
    assert fallback["text"].startswith(
        "Binh Le, tôi chưa nhắn riêng được cho đồng chí nên xin nhắc tại đây: nhiệm vụ #1"
    )
    [start] = buttons(fallback)
    assert start["url"] == "https://t.me/committee_test_bot?start=task1"
    assert 'href="tg://user?id=1002"' in fallback["raw_text"]
    listing = await ask(double, people.admin, "/unreachable")
    assert "• Binh Le — đã chặn bot (từ 28/12/2026)" in listing["text"]
    # The next reminder skips the API call and goes straight to the group.
    calls_before = sum(
        1
        for method, params in double.calls
        if method == "sendMessage" and params.get("chat_id") == 1002
    )
    await advance(app, clock, days=2)
    await double.wait_for_message(people.group["id"], contains="nhắn riêng")
    calls_after = sum(
        1
        for method, params in double.calls
        if method == "sendMessage" and params.get("chat_id") == 1002
    )
    assert calls_after == calls_before
    double.unblock(people.binh["id"])
    await ask(double, people.binh, "/start task1")
    deep = await double.wait_for_message(people.binh["id"])
    assert deep["text"].startswith("From now on your reminders come here, privately.")
    cleared = await ask(double, people.admin, "/unreachable")
    assert cleared["text"] == "Bot nhắn riêng được cho mọi người được giao việc."


async def test_a_member_who_never_started_is_reminded_in_the_group(
    double, people, app, clock
) -> None:
    await ask(double, people.admin, "/subscribe", chat=people.group)
    await add_task(double, people.admin, f"/addtask @dung_vo {DUE} Chuẩn bị", chat=people.group)
    await advance(app, clock, days=36, hours=9)
    fallback = await double.wait_for_message(people.group["id"], contains="nhắn riêng")
    assert fallback["text"].startswith("@dung_vo, tôi chưa nhắn riêng được")
    listing = await ask(double, people.admin, "/unreachable")
    assert "• @dung_vo — chưa bấm Bắt đầu với bot" in listing["text"]


@pytest.mark.usefixtures("task_in_group")
async def test_a_429_is_obeyed_and_the_reminder_still_arrives(double, people, app, clock) -> None:
    double.fail_next("sendMessage", chat_id=people.binh["id"], error_code=429, retry_after=5)
    await advance(app, clock, days=36, hours=9)
    assert not [m for m in double.messages(people.binh["id"]) if "Reminder" in m["text"]]
    await advance(app, clock, seconds=4)
    assert not [m for m in double.messages(people.binh["id"]) if "Reminder" in m["text"]]
    await advance(app, clock, seconds=3)
    assert (await double.wait_for_message(people.binh["id"])).get("text").startswith("⏰")
    assert [(e["method"], e["error_code"]) for e in double.errors] == [("sendMessage", 429)]


async def test_reminders_pending_across_a_restart_are_sent_late_once(
    double, people, settings, clock
) -> None:
    async with running(build_application(settings, clock)):
        await start_all(double, people)
        await add_task(double, people.admin, f"/addtask @binh_le {DUE} Báo cáo", people.binh)
    # Down from before the 3-day reminder until after the 1-day one.
    clock.current = datetime(2026, 12, 30, 12, 0, tzinfo=UTC)
    async with running(build_application(settings, clock)) as app:
        await dispatcher_of(app).run()
        late = await double.wait_for_message(people.binh["id"])
        await double.idle(quiet=0.3)
        assert late["text"].startswith(
            "⏰ Reminder: task #1 “Báo cáo” is due Thursday 31 December 2026, 17:00 (in 22 hours)"
        )
        assert late["text"].endswith(
            "Sent late: it was due at Wednesday 30 December 2026, 17:00."
        )
        assert len(double.messages(people.binh["id"])) == 3  # /start, notice, one late reminder
        counts = await statuses(app)
        assert (counts["sent"], counts["skipped"]) == (2, 1)


async def test_an_overdue_task_gets_one_notice_after_downtime(
    double, people, settings, clock
) -> None:
    async with running(build_application(settings, clock)):
        await start_all(double, people)
        await add_task(double, people.admin, f"/addtask @binh_le {DUE} Báo cáo", people.binh)
    clock.current = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 10 h after the deadline
    async with running(build_application(settings, clock)) as app:
        await dispatcher_of(app).run()
        await double.idle(quiet=0.3)
        received = double.messages(people.binh["id"])[2:]
        assert [m["text"] for m in received] == [
            "⚠️ Task #1 “Báo cáo” is overdue: the deadline was Thursday 31 December 2026, "
            "17:00 (10 hours ago)."
        ]


async def test_the_morning_digest(double, people, app, clock) -> None:
    await start_all(double, people)
    await add_task(
        double, people.admin, "/addtask @binh_le ngày mai 9h Việc ngày mai", people.binh
    )
    await add_task(double, people.admin, "/addtask @binh_le 25/11 Việc trong tuần", people.binh)
    await add_task(double, people.admin, "/addtask @binh_le 31/12 Việc sau", people.binh)
    await add_task(double, people.admin, "/addtask @chi_pham 24/11 10h Việc của Chi", people.chi)
    clock.current = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # Tuesday 07:00 local
    services = services_of(app)
    await services.digest.plan_today()
    await services.digest.plan_today()  # twice: still one digest each
    await dispatcher_of(app).run()
    await double.idle(quiet=0.3)
    digests = [m["text"] for m in double.messages(people.binh["id"]) if "☀️" in m["text"]]
    assert digests == [
        "☀️ Your tasks for 24 November 2026\n\n"
        "Overdue\n• #1 “Việc ngày mai” — Monday 23 November 2026, 09:00 (22 hours ago)\n\n"
        "Due this week\n• #2 “Việc trong tuần” — Wednesday 25 November 2026, 17:00 (in 34 hours)"
        "\n\nLater: 1 more open task — send /tasks to see all."
    ]
    chi = [m["text"] for m in double.messages(people.chi["id"]) if "☀️" in m["text"]]
    assert chi == [
        "☀️ Nhiệm vụ của đồng chí ngày 24/11/2026\n\nĐến hạn hôm nay\n"
        "• #4 “Việc của Chi” — 10:00, Thứ Ba 24/11/2026 (còn 3 giờ)"
    ]
    [admin] = [m["text"] for m in double.messages(people.admin["id"]) if "☀️" in m["text"]]
    assert "Nhiệm vụ đồng chí đã giao\n• #1 “Việc ngày mai” — 0/1 đã xong" in admin
    assert "\n• #4 “Việc của Chi” — 0/1 đã xong · 10:00, Thứ Ba 24/11/2026" in admin


async def test_the_digest_job_runs_daily_at_the_configured_local_time(app) -> None:
    [job] = app.job_queue.get_jobs_by_name("digest")
    local = job.next_t.astimezone(services_of(app).settings.zone)
    assert (local.hour, local.minute) == (7, 0)


async def test_the_scheduler_holds_a_constant_number_of_jobs(double, people, app) -> None:
    await start_all(double, people)
    for n in range(5):
        await add_task(double, people.admin, f"/addtask @binh_le {DUE} Việc {n}", people.binh)
    await dispatcher_of(app).run()  # settle: the last wake-up re-arms for the next reminder
    names = sorted(job.name for job in app.job_queue.jobs())
    # On a server, one more: the attempt to lead (or the check that it still does).
    leading = ["leadership"] if databases.SERVER else []
    assert names == sorted(["digest", "meeting-series", "reminders-dispatch", "reminders-sweep",
                            "summaries", *leading])
