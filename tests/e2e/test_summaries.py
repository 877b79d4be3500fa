"""Weekly summaries and the monthly report: planned once, sent once, across a restart."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from bot.app import build_application, dispatcher_of, running, services_of
from tests.e2e.test_accountability import unit_with_roster
from tests.e2e.test_members import ask

MONDAY = datetime(2026, 11, 30, 0, 30, 5, tzinfo=UTC)  # 07:30 in Hà Nội


def summaries(double, chat_id: int) -> list[str]:
    return [m["text"] for m in double.messages(chat_id)
            if "Tổng hợp tuần" in (m.get("text") or "")
            or "Weekly summary" in (m.get("text") or "")]


async def deliver(app, clock, moment: datetime) -> None:
    """What the daily job and the dispatcher do when ``moment`` comes."""
    clock.current = moment
    await services_of(app).summaries.plan()
    await dispatcher_of(app).run()


async def set_up_week(double, people, clock) -> None:
    await unit_with_roster(double, people)
    said = await double.send_text(people.chi, "Em là bí thư", chat=people.group)
    await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    await ask(double, people.admin, "/addtask 27/11/2026 Báo cáo tuần", chat=people.group)
    await ask(double, people.admin, "/addtask 28/11/2026 Bảng chấm công", chat=people.group)
    await ask(double, people.admin, "/addtask 02/12/2026 Kế hoạch tháng 12",
              chat=people.group)
    clock.current = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    for person in (people.binh, people.chi):
        await double.send_text(person, "/done 1")
        await double.idle(quiet=0.3, timeout=10)


async def test_the_weekly_summary_goes_out_once_across_a_restart(double, people, settings,
                                                                 clock) -> None:
    async with running(build_application(settings, clock)) as app:
        await set_up_week(double, people, clock)
        await deliver(app, clock, MONDAY)
        await double.idle(quiet=0.3, timeout=10)
    [group] = summaries(double, people.group["id"])
    assert group == ("📅 <b>Tổng hợp tuần: Chi bộ Văn phòng</b> (tuần từ 30/11/2026)\n"
                     "✅ Đã xong trong tuần trước: 2\n📌 Đến hạn trong tuần này: 2\n"
                     "⚠️ Quá hạn: 2").replace("<b>", "").replace("</b>", "")
    assert "Binh" not in group and "Chi Phạm" not in group
    [private] = summaries(double, people.chi["id"])
    assert "• #2 Bảng chấm công — Binh Le" in private
    assert "• #3 Kế hoạch tháng 12 — Chi Phạm" in private
    assert not summaries(double, people.binh["id"])

    async with running(build_application(settings, clock)) as app:  # a restart, same Monday
        await deliver(app, clock, MONDAY.replace(minute=45))
        await double.idle(quiet=0.3, timeout=10)
        assert len(summaries(double, people.group["id"])) == 1
        assert len(summaries(double, people.chi["id"])) == 1

        await deliver(app, clock, datetime(2026, 12, 1, 0, 30, 5, tzinfo=UTC))
        await double.idle(quiet=0.3, timeout=10)
        [monthly] = double.documents(people.admin["id"])
        assert monthly["caption"].startswith("📊 Báo cáo tháng 11/2026")
        book = load_workbook(io.BytesIO(monthly["bytes"]))
        assert book["Nhiệm vụ"].max_row == 1 + 4  # two parts each of tasks #1 and #2

        await deliver(app, clock, datetime(2026, 12, 7, 0, 30, 5, tzinfo=UTC))
        await double.idle(quiet=0.3, timeout=10)
        assert len(summaries(double, people.group["id"])) == 2


async def test_off_plans_no_summary(double, people, settings, clock) -> None:
    quiet = settings.model_copy(update={"weekly_summary": None})
    async with running(build_application(quiet, clock)) as app:
        await unit_with_roster(double, people)
        await deliver(app, clock, MONDAY)
        await double.idle(quiet=0.3, timeout=10)
    assert not summaries(double, people.group["id"])
