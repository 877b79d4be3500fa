"""Per-update bookkeeping writes only when something changed: a burst of commands from a known
member in a known chat costs no write transaction at all."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


def count_transactions(db, monkeypatch) -> list[int]:
    """Wrap Database.transaction on this instance; the list grows by one per transaction."""
    opened: list[int] = []
    original = db.transaction

    @asynccontextmanager
    async def counted():
        opened.append(1)
        async with original() as conn:
            yield conn

    monkeypatch.setattr(db, "transaction", counted)
    return opened


async def test_a_burst_from_a_known_member_writes_nothing(double, people, app,
                                                          monkeypatch) -> None:
    group = people.group
    await ask(double, people.admin, "/start")
    await ask(double, people.binh, "/start")
    await ask(double, people.admin, "/subscribe", chat=group)
    await ask(double, people.binh, "/whoami", chat=group)  # joins the unit's roster
    await double.idle(quiet=0.3, timeout=10)
    opened = count_transactions(app.bot_data["services"].db, monkeypatch)
    for _ in range(3):
        for text in ("/tasks", "/whoami", "/meetings", "/help"):
            await ask(double, people.binh, text)
            await ask(double, people.binh, text, chat=group)
    assert opened == []

    # A change is written: the member renamed themselves on Telegram.
    binh = double.add_user(1002, "Binh", last_name="Le Van", username="binh_le",
                           language_code="en-US")
    renamed = await ask(double, binh, "/whoami")
    assert "Binh Le Van" in renamed["text"]
    assert len(opened) == 2  # the member's row, and their private chat's title
    member = await app.bot_data["services"].members.find("binh_le")
    assert member.full_name == "Binh Le Van"


async def test_a_guest_taken_off_the_roster_writes_nothing_when_speaking(
        double, people, app, monkeypatch) -> None:
    group = people.group
    await ask(double, people.admin, "/start")
    await ask(double, people.binh, "/start")
    await ask(double, people.admin, "/subscribe", chat=group)
    await ask(double, people.binh, "/whoami", chat=group)
    removed = await ask(double, people.admin, "/members remove @binh_le", chat=group)
    assert "Binh Le" in removed["text"]
    await double.idle(quiet=0.3, timeout=10)
    opened = count_transactions(app.bot_data["services"].db, monkeypatch)
    for _ in range(3):
        await ask(double, people.binh, "/whoami", chat=group)
    assert opened == []
    status = await app.bot_data["services"].db.fetchone(
        "SELECT status FROM chat_members WHERE member_id = (SELECT id FROM members"
        " WHERE username = 'binh_le')")
    assert status[0] == "left"
