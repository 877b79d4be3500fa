"""The dashboard's API: initData checked exactly as Telegram specifies, and the same roles
and scopes as the commands."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest

from bot.clock import epoch
from bot.web.auth import validate
from tests.conftest import TOKEN
from tests.e2e.test_accountability import unit_with_roster
from tests.e2e.test_members import ask
from tests.e2e.test_unit_scope import two_units
from tests.web_support import WEB_APP_URL, dashboard, init_data

DAY = 86400


def test_validation_follows_telegrams_algorithm() -> None:
    # The example from Telegram's documentation, re-signed: the check uses every field but
    # hash, sorted, as received (percent-decoded), never re-serialised.
    user = {"id": 279058397, "first_name": "Vladislav", "last_name": "Kibenko",
            "username": "vdkfrost", "language_code": "ru"}
    raw = init_data(user, 1_700_000_000)
    found = validate(raw, TOKEN, now=1_700_000_100, max_age=DAY)
    assert found is not None and found.id == 279058397 and found.username == "vdkfrost"
    assert validate(raw, "654321:other-token-abcdefghijklmnopqrstu", now=1_700_000_100,
                    max_age=DAY) is None
    assert validate(raw, TOKEN, now=1_700_000_000 + DAY + 1, max_age=DAY) is None
    fields = dict(parse_qsl(raw))
    altered = urlencode({**fields, "auth_date": "1700000050"})
    assert validate(altered, TOKEN, now=1_700_000_100, max_age=DAY) is None
    unsigned = urlencode({k: v for k, v in fields.items() if k != "hash"})
    assert validate(unsigned, TOKEN, now=1_700_000_100, max_age=DAY) is None
    assert validate(raw + "&auth_date=1", TOKEN, now=1_700_000_100, max_age=DAY) is None
    assert validate("", TOKEN, now=1_700_000_100, max_age=DAY) is None


async def post(base: str, path: str, auth: str, body: dict) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.post(
            base + path, json=body, headers={"Authorization": auth}) as response:
        return response.status, await response.json()


async def get(base: str, path: str, auth: str | None) -> tuple[int, dict]:
    headers = {"Authorization": auth} if auth is not None else {}
    async with aiohttp.ClientSession() as session, session.get(base + path,
                                                               headers=headers) as response:
        return response.status, await response.json()


async def test_forged_altered_and_expired_init_data_get_401_and_nothing_else(
        double, people, settings, clock) -> None:
    async with dashboard(settings, clock) as (_app, base):
        await unit_with_roster(double, people)
        await ask(double, people.admin, "/addtask 31/12/2026 Báo cáo năm", chat=people.group)
        now = epoch(clock.now())
        good = init_data(people.binh, now)
        fields = dict(parse_qsl(good))
        forged = init_data(people.binh, now, token="654321:forged-token-abcdefghijklmnopqrs")
        altered = urlencode({**fields, "user": fields["user"].replace("1002", "1001")})
        expired = init_data(people.binh, now - 2 * DAY)
        for auth in (None, "tma ", f"tma {forged}", f"tma {altered}", f"tma {expired}",
                     f"Bearer {good}"):
            status, body = await get(base, "/api/tasks/mine", auth)
            assert (status, body) == (401, {"error": "unauthorized"})
        status, body = await get(base, "/api/tasks/mine", f"tma {good}")
        assert status == 200 and [t["id"] for t in body["open"]] == [1]
        status, _body = await get(base, "/api/committee", f"tma {good}")
        assert status == 403  # a member is not an admin: the same refusal as /report
        status, body = await get(base, "/api/committee", f"tma {init_data(people.admin, now)}")
        assert status == 200 and body["units"][0]["name"] == "Chi bộ Văn phòng"
        await double.send_text(people.chi, "/dashboard")
        offered = await double.wait_for_message(people.chi["id"], contains="một màn hình")
        status, body = await post(base, "/api/tasks/1/done", f"tma {good}", {"note": "x" * 1001})
        assert (status, body) == (400, {"error": "Too long: at most 1000 characters."})
        status, body = await post(base, "/api/tasks/1/done", f"tma {good}", {"note": "Xong"})
        assert status == 200 and body["task"]["mine"] == "done"
        [[button]] = offered["reply_markup"]["inline_keyboard"]
        assert button == {"text": "📊 Mở bảng điều hành", "web_app": {"url": WEB_APP_URL}}
        await double.send_text(people.chi, "/dashboard", chat=people.group)
        in_group = await double.wait_for_message(people.group["id"], contains="Bảng điều hành")
        assert in_group["text"] == ("Bảng điều hành mở trong cuộc trò chuyện riêng của đồng chí "
                                    "với Trợ lý.")
    assert double.menu_button() == {"type": "web_app", "text": "Bảng điều hành",
                                    "web_app": {"url": WEB_APP_URL}}


@pytest.mark.usefixtures("app")
async def test_dashboard_button_opens_the_mini_app_only_when_set_up(double, people) -> None:
    answer = await ask(double, people.binh, "/dashboard")
    assert answer["text"].startswith("The dashboard is not set up on this bot yet")


async def test_a_unit_admin_cannot_reach_another_units_people_tasks_or_meetings(
        double, people, settings, clock) -> None:
    async with dashboard(settings, clock) as (app, base):
        other = await two_units(double, people)
        giang = double.add_user(1005, "Giang", last_name="Đỗ", username="giang_do")
        await double.send_text(giang, "Chào", chat=other)  # on unit B's roster
        await double.idle(quiet=0.2, timeout=5)
        await double.send_text(people.admin, "/addtask 31/12/2026 Việc của chi bộ B", chat=other)
        await double.wait_for_message(other["id"], contains="Đã lưu nhiệm vụ")
        await double.send_text(people.admin, "/addmeeting 15/12/2026 14:00 | Phòng họp | "
                               "Họp chi bộ B", chat=other)
        await double.wait_for_message(other["id"], contains="Đã lưu cuộc họp")
        db = app.bot_data["services"].db
        giang_id = (await db.fetchone("SELECT id FROM members WHERE telegram_id = 1005"))[0]
        counts = "SELECT (SELECT COUNT(*) FROM tasks), (SELECT COUNT(*) FROM meetings)"
        before = tuple(await db.fetchone(counts))
        chi = f"tma {init_data(people.chi, epoch(clock.now()))}"
        form = {"title": "Việc lấn sân", "date": "2026-12-30", "time": "17:00"}
        refused = "Đồng chí chỉ được chọn các đơn vị mình quản lý và những người trong danh sách"
        for path, body in (("/api/tasks", {**form, "member_ids": [giang_id]}),
                           ("/api/tasks", {**form, "unit_id": other["id"]}),
                           ("/api/meetings", {**form, "member_ids": [giang_id]}),
                           ("/api/meetings", {**form, "unit_id": other["id"]})):
            status, answer = await post(base, path, chi, body)
            assert status == 403 and answer["error"].startswith(refused)
        assert tuple(await db.fetchone(counts)) == before
        status, answer = await get(base, "/api/tasks/1", chi)
        assert status == 404 and "title" not in answer
        status, answer = await post(base, "/api/tasks/1/remind", chi, {})
        assert status == 403 and "message" not in answer
        status, answer = await get(base, "/api/roster", chi)
        assert status == 200 and [u["name"] for u in answer["units"]] == ["Chi bộ Văn phòng"]
        assert "Giang Đỗ" not in str(answer)
        status, answer = await get(base, "/api/meetings", chi)
        assert status == 200 and answer["meetings"] == []
        mine = {**form, "member_ids": [giang_id]}
        admin = f"tma {init_data(people.admin, epoch(clock.now()))}"
        status, answer = await post(base, "/api/tasks", admin, mine)
        assert status == 200  # an organisation admin may choose anyone
