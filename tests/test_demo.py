"""`make demo` works: a scripted terminal session gets the bot's replies."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_chats_as_an_admin_and_switches_users_and_chats() -> None:
    script = (
        "/whoami\n:as member\n/grant @demo_admin\n:as admin\n:group\n/subscribe\n"
        ":private\n:file bot/content/lists/six-key-tasks.yaml /import\n:quit\n"
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
    assert "Vai trò: quản trị viên (theo cấu hình của bot)" in result.stdout
    assert "chỉ quản trị viên của cấp ủy mới được dùng lệnh này" in result.stdout
    assert "Từ nay nhóm này sẽ nhận thông báo của cấp ủy." in result.stdout
    assert "six-key-tasks" in result.stdout  # the /import answer names what it replaced
