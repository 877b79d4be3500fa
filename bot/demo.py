"""``make demo``: the real bot against the Bot API double, chatted with from this terminal.

Type commands as you would in Telegram. Lines starting with ``:`` drive the demo itself:
``:press N`` presses button N of the last message with buttons, ``:group`` and ``:private``
switch chats, ``:as admin|member`` switches who is typing, ``:file PATH CAPTION`` sends a file
(``:file bot/content/lists/six-key-tasks.yaml /import``), ``:quit`` leaves.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path

from bot.app import build_application, running
from bot.settings import load_settings
from tests.double import BotApiDouble

TOKEN = "100000:DEMO-token-not-a-real-one-000000000"
HELP = (
    "Commands: type /help to start. Demo controls: :press N, :group, :private, "
    ":as admin|member, :file PATH CAPTION, :quit"
)


class Demo:
    def __init__(self, double: BotApiDouble) -> None:
        self.double = double
        self.users = {
            "admin": double.add_user(
                1, "Quản trị", username="demo_admin", language_code="vi"
            ),
            "member": double.add_user(
                2, "Thành viên", username="demo_member", language_code="vi"
            ),
        }
        self.group = double.add_group(-100100, "Chi bộ Demo", kind="supergroup")
        self.user = self.users["admin"]
        self.in_group = False
        self.last_with_buttons: dict | None = None
        self.shown: set[tuple[int, int, str]] = set()

    @property
    def chat_id(self) -> int:
        return self.group["id"] if self.in_group else self.user["id"]

    async def handle(self, line: str) -> bool:
        """Act on one line; return False to quit."""
        if line in (":quit", ":q"):
            return False
        if match := re.fullmatch(r":press (\d+)", line):
            await self._press(int(match[1]))
        elif line in (":group", ":private"):
            self.in_group = line == ":group"
        elif match := re.fullmatch(r":as (admin|member)", line):
            self.user = self.users[match[1]]
        elif match := re.fullmatch(r":file (\S+)\s*(.*)", line):
            await self._send_file(Path(match[1]), match[2] or None)
        elif line:
            chat = self.group if self.in_group else None
            await self.double.send_text(self.user, line, chat=chat)
        await self.double.idle(quiet=0.4, timeout=10)
        self._print_new()
        return True

    async def _send_file(self, path: Path, caption: str | None) -> None:
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            print(f"(cannot read {path}: {exc.strerror})")
            return
        chat = self.group if self.in_group else None
        await self.double.send_document(self.user, filename=path.name, content=content,
                                        caption=caption, chat=chat)

    async def _press(self, number: int) -> None:
        if self.last_with_buttons is None:
            print("(no message with buttons yet)")
            return
        await self.double.press(self.last_with_buttons, self.user, index=number - 1)

    def _print_new(self) -> None:
        for message in self.double.messages(self.chat_id):
            key = (message["chat"]["id"], message["message_id"], message.get("text", ""))
            if key in self.shown:
                continue
            self.shown.add(key)
            print(f"\n🤖 {message.get('text') or message.get('caption', '')}")
            buttons = [
                button["text"]
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
            ]
            if buttons:
                self.last_with_buttons = message
                for index, label in enumerate(buttons, 1):
                    print(f"   [{index}] {label}")


async def _main() -> None:
    double = BotApiDouble(token=TOKEN, bot_username="committee_demo_bot")
    await double.start()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            bot_token=TOKEN,
            bot_api_base_url=double.base_url,
            database_path=Path(folder) / "demo.sqlite3",
            admin_ids="1",
        )
        demo = Demo(double)
        async with running(build_application(settings)):
            print(HELP)
            while True:
                where = "group" if demo.in_group else "private"
                prompt = f"\n[{demo.user['username']} @ {where}] > "
                try:
                    line = (await asyncio.to_thread(input, prompt)).strip()
                except EOFError:
                    break
                if not await demo.handle(line):
                    break
    await double.stop()


def run_demo() -> None:
    asyncio.run(_main())
