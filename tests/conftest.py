"""Fixtures: a Bot API double on loopback and the real Application pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from telegram.ext import Application

from bot.app import build_application, dispatcher_of, running
from bot.settings import Settings, load_settings
from tests import databases
from tests.double import BotApiDouble

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
BOT_USERNAME = "committee_test_bot"
ADMIN_ID = 1001


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 22, 1, 0, tzinfo=UTC))


@pytest.fixture
async def double() -> AsyncIterator[BotApiDouble]:
    server = BotApiDouble(token=TOKEN, bot_username=BOT_USERNAME)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session", autouse=True)
def _postgres_template() -> None:
    if databases.SERVER is not None:
        databases.prepare_template()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str | Path]:
    """This test's database: a new SQLite file, or a new PostgreSQL database."""
    with databases.database_target(tmp_path) as target:
        yield target


@pytest.fixture
def settings(tmp_path: Path, double: BotApiDouble, database: str | Path) -> Settings:
    on_server = isinstance(database, str)
    return load_settings(
        _env_file=None,
        bot_token=TOKEN,
        database_path=tmp_path / "committee.sqlite3",
        database_url=database if on_server else None,
        admin_ids=str(ADMIN_ID),
        bot_api_base_url=double.base_url,
        # Replies in quick succession would wait out the 1 message/s per chat limit; the
        # limiter has its own tests with the double enforcing Telegram's limits.
        rate_limit=False,
        # Tests send many commands as one user while the fake clock stands still; the
        # throttle has its own test (tests/e2e/test_flood.py).
        commands_per_minute=1_000_000,
    )


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[Application]:
    application = build_application(settings, clock)
    async with running(application):
        yield application


async def advance(app: Application, clock: FakeClock, **delta: float) -> None:
    """Move time on and let the dispatcher send whatever became due, before returning."""
    clock.advance(**delta)
    await dispatcher_of(app).run()


@pytest.fixture
def people(double: BotApiDouble) -> SimpleNamespace:
    """An admin (Vietnamese), a member (English), a member (Vietnamese) and their group."""
    return SimpleNamespace(
        admin=double.add_user(ADMIN_ID, "Hùng", last_name="Trần", username="hung_tran",
                              language_code="vi"),
        binh=double.add_user(1002, "Binh", last_name="Le", username="binh_le",
                             language_code="en-US"),
        chi=double.add_user(1003, "Chi", last_name="Phạm", username="chi_pham",
                            language_code="vi"),
        group=double.add_group(-1001234567890, "Chi bộ Văn phòng", kind="supergroup"),
    )


async def create_task(services, admin, title: str, due, members, unit_id: int | None = None):
    """Store a task through the service, as an organisation admin would."""
    from bot.tasks.service import TaskRequest

    scope = await services.access.scope(admin)
    return await services.tasks.create(admin, scope, TaskRequest(
        title=title, due=due, members=tuple(members), unit_id=unit_id))
