"""Lists paged in SQL: first, middle and last page, and stale cursors, in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import create_task
from tests.double import BotApiDouble
from tests.e2e.test_lookups import buttons, current

pytestmark = pytest.mark.usefixtures("app")

WORDS = {
    "vi": {"next": "Trang sau ›", "previous": "‹ Trang trước", "last": "Trang cuối »",
           "mine": "Nhiệm vụ đang mở của đồng chí", "open": "Nhiệm vụ đang mở",
           "meetings": "Các cuộc họp sắp tới", "none": "Không có nhiệm vụ đang mở nào phù hợp."},
    "en": {"next": "Next ›", "previous": "‹ Previous", "last": "Last »",
           "mine": "Your open tasks", "open": "Open tasks", "meetings": "Next meetings",
           "none": "No open tasks match."},
}


async def ask_list(double: BotApiDouble, user: dict, text: str, heading: str) -> dict:
    """Send a command and return the list it answers with (notices may arrive meanwhile)."""
    await double.send_text(user, text)
    return await double.wait_for_message(user["id"], contains=heading, timeout=5)


async def turn(double: BotApiDouble, message: dict, user: dict, data: str) -> dict:
    """Press a page button and return the list as it reads after the edit."""
    await double.press(message, user, data=data)
    await double.wait_for_call("editMessageText", timeout=5)
    return current(double, message)


def shown(message: dict, prefix: str, count: int) -> list[int]:
    """Which of the numbered items the message shows."""
    return [n for n in range(count) if f"{prefix} {n:02d}" in message["text"]]


async def admin_speaking(double: BotApiDouble, people, app, language: str):
    """The admin, registered and speaking ``language``; their Member row."""
    await double.send_text(people.admin, "/start")
    await double.wait_for_message(people.admin["id"], timeout=5)
    if language == "en":
        await double.send_text(people.admin, "/lang en")
        await double.wait_for_message(people.admin["id"], timeout=5)
    return await app.bot_data["services"].members.find("hung_tran")


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_tasks_first_middle_last_and_stale_pages(double, people, app, clock,
                                                       language) -> None:
    words = WORDS[language]
    admin = await admin_speaking(double, people, app, language)
    services = app.bot_data["services"]
    for n in range(20):  # 8 a page: 8, 8, 4
        await create_task(services, admin, f"Việc số {n:02d}", clock.now() + timedelta(days=n + 1),
                          [admin])
    first = await ask_list(double, people.admin, "/tasks", words["mine"])
    assert first["text"].split("\n")[0] == f"{words['mine']} (20)"
    assert shown(first, "Việc số", 20) == list(range(8))
    assert set(buttons(first)) == {"1/3", words["next"], words["last"]}
    assert all(len(data.encode()) <= 64 for data in buttons(first).values())
    middle = await turn(double, first, people.admin, buttons(first)[words["next"]])
    assert shown(middle, "Việc số", 20) == list(range(8, 16))
    assert set(buttons(middle)) == {words["previous"], "2/3", words["next"], words["last"]}
    stale_next = buttons(middle)[words["next"]]
    last = await turn(double, middle, people.admin, buttons(middle)[words["last"]])
    assert shown(last, "Việc số", 20) == list(range(16, 20))
    assert set(buttons(last)) == {words["previous"], "3/3"}
    back = await turn(double, last, people.admin, buttons(last)[words["previous"]])
    assert shown(back, "Việc số", 20) == list(range(8, 16))

    # The last page's tasks are closed meanwhile: "Next" from the middle lands on the new last.
    for task_id in range(17, 21):
        await services.tasks.complete(admin, await services.access.scope(admin), task_id)
    now_last = await turn(double, back, people.admin, stale_next)
    assert shown(now_last, "Việc số", 20) == list(range(8, 16))
    assert set(buttons(now_last)) == {words["previous"], "2/2"}
    # The tasks before the page are closed too: "Previous" shows the new first page.
    for task_id in range(1, 5):
        await services.tasks.complete(admin, await services.access.scope(admin), task_id)
    new_first = await turn(double, now_last, people.admin, buttons(now_last)[words["previous"]])
    assert shown(new_first, "Việc số", 20) == list(range(4, 12))
    assert set(buttons(new_first)) == {"1/2", words["next"], words["last"]}


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_alltasks_pages_each_filter_and_a_stale_cursor(double, people, app, clock,
                                                             language) -> None:
    words = WORDS[language]
    admin = await admin_speaking(double, people, app, language)
    await double.send_text(people.binh, "/start")
    await double.wait_for_message(people.binh["id"], timeout=5)
    services = app.bot_data["services"]
    binh = await services.members.find("binh_le")
    for n in range(17):  # 8, 8, 1; the even ones are Binh's
        who = [binh] if n % 2 == 0 else [admin]
        await create_task(services, admin, f"Hồ sơ {n:02d}", clock.now() + timedelta(days=n + 1),
                          who)
    first = await ask_list(double, people.admin, "/alltasks", words["open"])
    assert first["text"].split("\n")[0] == f"{words['open']} (17)"
    assert shown(first, "Hồ sơ", 17) == list(range(8))
    middle = await turn(double, first, people.admin, buttons(first)[words["next"]])
    assert shown(middle, "Hồ sơ", 17) == list(range(8, 16))
    last = await turn(double, middle, people.admin, buttons(middle)[words["next"]])
    assert shown(last, "Hồ sơ", 17) == [16]
    assert set(buttons(last)) == {words["previous"], "3/3"}

    mine = await ask_list(double, people.admin, "/alltasks @binh_le", words["open"])
    assert shown(mine, "Hồ sơ", 17) == [0, 2, 4, 6, 8, 10, 12, 14]
    rest = await turn(double, mine, people.admin, buttons(mine)[words["next"]])
    assert shown(rest, "Hồ sơ", 17) == [16]
    assert buttons(rest)[words["previous"]].startswith("ta:p:")
    assert buttons(rest)[words["previous"]].endswith(":@binh_le")

    # The task of the last page is closed meanwhile: "Next" shows what is left.
    middle = await turn(double, last, people.admin, buttons(last)[words["previous"]])
    assert shown(middle, "Hồ sơ", 17) == list(range(8, 16))
    await services.tasks.complete(admin, await services.access.scope(admin), 17, everyone=True)
    after = await turn(double, middle, people.admin, buttons(middle)[words["next"]])
    assert shown(after, "Hồ sơ", 17) == list(range(8, 16))
    assert set(buttons(after)) == {words["previous"], "2/2"}
    overdue = await ask_list(double, people.admin, "/alltasks overdue", words["none"])
    assert overdue["text"] == words["none"]


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_meetings_first_middle_last_and_stale_pages(double, people, app, clock,
                                                          language) -> None:
    words = WORDS[language]
    admin = await admin_speaking(double, people, app, language)
    services = app.bot_data["services"]
    for n in range(12):  # 5 a page: 5, 5, 2
        await services.meetings.create(
            admin, await services.access.scope(admin), title=f"Họp chuyên đề {n:02d}",
            place="Phòng họp", agenda="", starts_at=clock.now() + timedelta(days=n + 10),
            group_chat_id=None, usernames=["hung_tran"])
    first = await ask_list(double, people.admin, "/meetings", words["meetings"])
    assert shown(first, "Họp chuyên đề", 12) == list(range(5))
    assert set(buttons(first)) == {"1/3", words["next"], words["last"]}
    middle = await turn(double, first, people.admin, buttons(first)[words["next"]])
    assert shown(middle, "Họp chuyên đề", 12) == list(range(5, 10))
    last = await turn(double, middle, people.admin, buttons(middle)[words["next"]])
    assert shown(last, "Họp chuyên đề", 12) == [10, 11]
    assert set(buttons(last)) == {words["previous"], "3/3"}
    middle = await turn(double, last, people.admin, buttons(last)[words["previous"]])
    assert shown(middle, "Họp chuyên đề", 12) == list(range(5, 10))

    for meeting_id in (11, 12):  # the last page's meetings are cancelled meanwhile
        await services.meetings.cancel(admin, await services.access.scope(admin), meeting_id)
    again = await turn(double, middle, people.admin, buttons(middle)[words["next"]])
    assert shown(again, "Họp chuyên đề", 12) == list(range(5, 10))
    assert set(buttons(again)) == {words["previous"], "2/2"}


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_members_roster_pages(double, people, app, language) -> None:
    words = WORDS[language]
    await admin_speaking(double, people, app, language)
    group = people.group
    await double.send_text(people.admin, "/subscribe", chat=group)
    await double.wait_for_message(group["id"], timeout=5)
    names = " ".join(f"@can_bo_{n:02d}" for n in range(35))
    await double.send_text(people.admin, f"/members add {names}", chat=group)
    await double.wait_for_message(group["id"], timeout=5)
    await double.send_text(people.admin, "/members", chat=group)
    first = await double.wait_for_message(group["id"], timeout=5)
    heading = {"vi": "Danh sách đơn vị (36 người)", "en": "Roster (36 people)"}[language]
    assert first["text"].split("\n")[0] == heading
    assert set(buttons(first)) == {"1/2", words["next"]}
    await double.press(first, people.admin, data=buttons(first)[words["next"]])
    await double.wait_for_call("editMessageText", timeout=5)
    second = current(double, first)
    assert set(buttons(second)) == {words["previous"], "2/2"}
    everyone = first["text"] + second["text"]
    assert all(f"@can_bo_{n:02d}" in everyone for n in range(35))
