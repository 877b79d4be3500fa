"""A unit admin's lists stop at the units they manage; an organisation admin's do not."""

from __future__ import annotations

import pytest

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
