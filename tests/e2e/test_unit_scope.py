"""A unit admin's lists stop at the units they manage; an organisation admin's do not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.meetings.model import Outcome
from tests.e2e.test_accountability import DUE, unit_with_roster
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


async def two_units(double, people) -> dict:
    """Unit A (people.group) with Chi as its admin, unit B ("Chi bộ Kế toán") besides."""
    other = double.add_group(-1009876543210, "Chi bộ Kế toán", kind="supergroup")
    await unit_with_roster(double, people)
    await ask(double, people.admin, "/subscribe", chat=other)
    said = await double.send_text(people.chi, "Em là bí thư chi bộ", chat=people.group)
    await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    return other


async def test_units_lists_only_the_units_a_unit_admin_manages(double, people) -> None:
    await two_units(double, people)
    mine = await ask(double, people.chi, "/units")
    assert "Chi bộ Văn phòng" in mine["text"]
    assert "Chi bộ Kế toán" not in mine["text"]
    everything = await ask(double, people.admin, "/units")
    assert "Chi bộ Văn phòng" in everything["text"] and "Chi bộ Kế toán" in everything["text"]


async def test_unreachable_lists_only_the_members_of_the_unit_admins_tasks(double,
                                                                           people) -> None:
    other = await two_units(double, people)
    dung = double.add_user(1004, "Dung", last_name="Võ", username="dung_vo")
    giang = double.add_user(1005, "Giang", last_name="Đỗ", username="giang_do")
    await double.send_text(dung, "Chào", chat=people.group)  # on A's roster, never started
    await double.send_text(giang, "Chào", chat=other)  # on B's roster, never started
    await double.idle(quiet=0.2, timeout=5)
    await ask(double, people.chi, f"/addtask @dung_vo {DUE} Việc của chi bộ A")
    await ask(double, people.admin, f"/addtask {DUE} Việc của chi bộ B", chat=other)
    mine = await ask(double, people.chi, "/unreachable")
    assert "Dung Võ" in mine["text"]
    assert "Giang Đỗ" not in mine["text"]
    everyone = await ask(double, people.admin, "/unreachable")
    assert "Dung Võ" in everyone["text"] and "Giang Đỗ" in everyone["text"]


async def test_attendance_shows_the_last_meetings_of_the_unit_admins_own_units(
        double, people, app, clock) -> None:
    other = await two_units(double, people)
    services = app.bot_data["services"]
    admin = await services.members.find("@hung_tran")
    scope = await services.access.scope(admin)
    start = clock.now() + timedelta(hours=1)
    for number, unit in enumerate([people.group["id"]] + [other["id"]] * 25):
        made = await services.meetings.create(
            admin, scope, title=f"Họp {number}", place="", agenda="",
            starts_at=start + timedelta(minutes=number), group_chat_id=unit, usernames=[])
        assert not isinstance(made, Outcome)
    clock.current = clock.now() + timedelta(days=2)
    await double.send_text(people.chi, "/attendance")
    report = await double.wait_for_message(people.chi["id"], contains="cuộc họp gần đây")
    assert "“Họp 0”" in report["text"]
    assert "“Họp 1”" not in report["text"]
