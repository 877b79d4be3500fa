"""`make demo` works: a scripted terminal session gets the bot's replies, and no mistake ends it.

Most tests drive the demo in this process (its output collected, the clock fixed); one runs
`python -m bot demo` as a newcomer would.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo import Demo, demo_session
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parent.parent


class Screen:
    """What the demo printed, and the demo itself."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.demo: Demo

    def write(self, text: str) -> None:
        self.lines.append(text)

    async def type(self, *lines: str) -> str:
        """Type lines into the demo; return what it printed meanwhile."""
        start = len(self.lines)
        for line in lines:
            assert await self.demo.handle(line)
        return "\n".join(self.lines[start:])


@pytest.fixture
async def screen(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Screen]:
    shown = Screen()
    async with demo_session(tmp_path, out=shown.write, clock=clock) as demo:
        shown.demo = demo
        yield shown


def test_the_demo_chats_as_an_admin_and_switches_users_and_chats() -> None:
    script = (
        "/whoami\n:as member\n/grant @demo_admin\n:as admin\n:group\n/subscribe\n"
        ":private\n:file bot/content/lists/six-key-tasks.yaml /import\n"
        # Mistakes a newcomer makes: each is explained and the demo goes on.
        ":press 1\n:press 40 2\n:file no/such/file.yaml\n:presss 1\n/whoami\n:quit\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=ROOT,
        input=script,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    assert "You are @demo_admin (an admin)" in result.stdout
    assert "Vai trò: quản trị viên (theo cấu hình của bot)" in result.stdout
    assert "lệnh này dành cho quản trị viên của tổ chức và của đơn vị" in result.stdout
    assert "Nhóm này nay là đơn vị “Chi bộ Demo” và sẽ nhận thông báo của cấp ủy." in result.stdout
    assert "six-key-tasks" in result.stdout  # the /import answer names what it replaced
    assert "No message with buttons in this chat yet" in result.stdout
    assert "There is no message #40" in result.stdout
    assert "Cannot read no/such/file.yaml" in result.stdout
    assert ":presss is not a demo command" in result.stdout
    assert result.stdout.count("Vai trò: quản trị viên") == 2  # still answering at the end
    assert "Traceback" not in result.stderr


async def test_messages_are_numbered_and_help_explains_press(screen: Screen) -> None:
    shown = await screen.type("/start", ":help")
    assert "🤖 #1 Xin chào đồng chí Quản trị!" in shown
    assert ":press M N       press button N of message #M" in shown


async def test_a_start_link_button_opens_the_private_chat_and_starts_the_bot(
    screen: Screen,
) -> None:
    await screen.type(":group", "/subscribe", "/addtask @demo_member +3d Báo cáo thử")
    shown = await screen.type(":as member", ":press 1")
    assert "[1] ▶️ Bắt đầu  🔗 https://t.me/committee_demo_bot?start=task1" in "\n".join(
        screen.lines)
    assert "presses Start (sends /start task1) for @demo_member" in shown
    assert "Xin chào đồng chí Thành viên!" in shown  # the member's private chat, started
    assert screen.demo.in_group is False


async def test_toasts_alerts_and_buttons_an_earlier_press_removed(screen: Screen) -> None:
    invitation = await screen.type(
        "/addmeeting @demo_admin 15/12/2026 14:00 | Hội trường | Họp thử")
    assert "#2 📣" in invitation and "[2] ❌ Vắng" in invitation
    asked = await screen.type(":press 2")  # Absent: the bot asks why, with a Skip button
    assert "#3 " in asked and "[1] Bỏ qua" in asked
    skipped = await screen.type(":press 3 1")
    assert "💬 toast: Đã ghi nhận." in skipped
    assert "🤖 #3 (edited)" in skipped  # the Skip button is gone
    again = await screen.type(":press 3 1")
    assert "Message #3 has no buttons (any more: a press can remove them)." in again
    earlier = await screen.type(":press 2 1")  # the invitation, though #3 came later
    assert "💬 toast: Đã ghi nhận: đồng chí tham dự cuộc họp #1." in earlier
    wrong = await screen.type(":press 2 7", ":press 99 1")
    assert "Message #2 has buttons 1 to 2" in wrong
    assert "There is no message #99" in wrong


async def test_documents_show_their_name_size_and_first_lines(screen: Screen) -> None:
    await screen.type("/addmeeting @demo_admin 15/12/2026 14:00 | Hội trường | Họp thử")
    shown = await screen.type("/ics 1")
    assert "📎 meeting-1.ics (" in shown and " bytes)" in shown
    assert "   │ BEGIN:VCALENDAR" in shown
    assert "   │ SUMMARY:Họp thử" in shown


async def test_other_chats_are_pointed_at_and_shown_on_switching(screen: Screen) -> None:
    await screen.type("/start", ":group", "/subscribe")
    pointed = await screen.type("/addmeeting 15/12/2026 14:00 | Hội trường | Họp thử")
    assert "new message(s) in another chat: :private as admin to see" in pointed
    switched = await screen.type(":private")
    assert "📣 Thông báo cuộc họp mới." in switched


def test_the_readme_names_the_demo_accounts_and_group() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    demo = readme[readme.index("## Demo"):readme.index("## Layout")]
    for name in ("@demo_admin", "@demo_member", "Chi bộ Demo", ":press M N", ":help"):
        assert name in demo
