"""A leader whose lock session ends while its process lives (bot/reminders/dispatcher.py):
it claims nothing more, and the next leader leaves its last sends' rows alone until those
sends are over. The session is a stand-in here; tests/e2e/test_instances.py ends a real one."""

from __future__ import annotations

import math
from datetime import timedelta

from bot.app import dispatcher_of, services_of
from bot.clock import epoch
from bot.reminders.dispatcher import SEND_TIMEOUT
from storage.database import LockSessionLost
from storage.reminders import Delivery, ReminderRepository
from tests.conftest import create_task
from tests.e2e.test_tasks import start_all

TITLE = "Báo cáo quý"


async def _session_lost() -> None:
    raise LockSessionLost("terminating connection due to administrator command")


async def _session_alive() -> None:
    """The session answers."""


async def _plan_a_notice(app, people, clock) -> None:
    services = services_of(app)
    admin = await services.members.find("hung_tran")
    binh = await services.members.find("binh_le")
    await create_task(services, admin, TITLE, clock.now() + timedelta(days=3), [binh])


def _notices(double, people) -> list[dict]:
    return [m for m in double.messages(people.binh["id"]) if TITLE in m["text"]]


async def test_a_leader_whose_session_is_lost_claims_nothing(double, people, app, clock) -> None:
    await start_all(double, people)
    dispatcher = dispatcher_of(app)
    dispatcher.session_check = _session_lost
    await _plan_a_notice(app, people, clock)
    await dispatcher.run()
    assert not dispatcher.leading
    assert _notices(double, people) == []
    assert (await ReminderRepository(services_of(app).db).status_counts())["pending"] >= 1


async def test_the_next_leader_waits_for_the_last_sends_of_a_live_one(
    double, people, app, clock
) -> None:
    """The old leader claimed the notice, lost its session and is still sending it: the new
    leader holds the row back past the send timeout, and the outcome the old one stores
    then stands."""
    await start_all(double, people)
    dispatcher = dispatcher_of(app)
    dispatcher.session_check = _session_lost  # this instance plans; "the old one" claims
    await _plan_a_notice(app, people, clock)
    reminders = ReminderRepository(services_of(app).db)
    now = epoch(clock.now())
    claimed = await reminders.claim_due(now, 64)
    assert claimed

    dispatcher.session_check = _session_alive
    await dispatcher.lead()
    assert await reminders.next_pending_at() >= now + math.ceil(SEND_TIMEOUT) + 1
    await reminders.finish_each([Delivery(r.id, "sent", now) for r in claimed])  # the old one's
    clock.advance(seconds=math.ceil(SEND_TIMEOUT) + 1)
    await dispatcher.run()
    assert _notices(double, people) == []  # the old leader's send was the one
    counts = await reminders.status_counts()
    assert counts["sent"] == len(claimed) and "sending" not in counts
