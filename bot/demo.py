"""``make demo``: the real bot against the Bot API double, chatted with from this terminal.

Type commands as you would in Telegram; lines starting with ``:`` drive the demo itself
(``:help`` lists them). Every bot message is shown with a number (``#3``) so that ``:press``
can reach any of them, not only the last. A mistake in a demo command is explained and the
demo goes on: it never ends but on ``:quit`` or end of input.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import build_application, running
from bot.clock import Clock
from bot.settings import load_settings
from tests.double import BotApiDouble

TOKEN = "100000:DEMO-token-not-a-real-one-000000000"
BOT_USERNAME = "committee_demo_bot"
GROUP_TITLE = "Chi bộ Demo"
WELCOME = f"""\
Committee Assistant demo: the real bot, talking to a stand-in for Telegram.
You are @demo_admin (an admin) in your private chat with the bot. Also here: @demo_member
(a member who has not started the bot yet) and the group "{GROUP_TITLE}" with both of you.
Type /start, then /help. Type :help for the demo's own commands."""
HELP = f"""\
Demo commands (everything else is sent to the bot as a message):
  :press N         press button N of the latest message with buttons in this chat
  :press M N       press button N of message #M (each bot message is shown with its #number)
  :group           switch to the group "{GROUP_TITLE}"
  :private         switch back to your private chat with the bot
  :as member       type as @demo_member (a member); :as admin types as @demo_admin again
  :file PATH TEXT  send a file with a caption:
                   :file bot/content/lists/six-key-tasks.yaml /import
  :help            this list
  :quit            leave (the demo's data is thrown away)"""
TEXT_SUFFIXES = (".ics", ".txt", ".csv", ".yaml", ".yml", ".md", ".json")
PREVIEW_LINES = 8


class Mistake(Exception):
    """A demo command that cannot be carried out; the message says what to do instead."""


class Demo:
    def __init__(self, double: BotApiDouble, out: Callable[[str], object] = print) -> None:
        self.double = double
        self.out = out
        self.users = {
            "admin": double.add_user(1, "Quản trị", username="demo_admin", language_code="vi"),
            "member": double.add_user(2, "Thành viên", username="demo_member",
                                      language_code="vi"),
        }
        self.group = double.add_group(-100100, GROUP_TITLE, kind="supergroup")
        self.user = self.users["admin"]
        self.in_group = False
        self.numbers: dict[tuple[int, int], int] = {}  # (chat, message id) -> number shown
        self.printed: dict[tuple[int, int], tuple] = {}  # what was last shown of each message
        self.noted: dict[int, int] = {}  # chat -> unseen messages last mentioned

    @property
    def chat_id(self) -> int:
        return self.group["id"] if self.in_group else self.user["id"]

    @property
    def prompt(self) -> str:
        where = f"group {GROUP_TITLE}" if self.in_group else "private chat"
        return f"\n[@{self.user['username']} in {where}] > "

    async def handle(self, line: str) -> bool:
        """Act on one line; return False to quit. A mistake is explained, never fatal."""
        if line in (":quit", ":q"):
            return False
        try:
            await self._act(line)
        except Mistake as mistake:
            self.out(f"⚠️  {mistake}")
        except AssertionError as refused:  # the double refusing something a user could not do
            self.out(f"⚠️  Telegram would not allow that: {refused}")
        await self.double.idle(quiet=0.4, timeout=10)
        self._print_new()
        return True

    async def _act(self, line: str) -> None:
        if match := re.fullmatch(r":press\s+#?(\d+)(?:\s+(\d+))?", line):
            if match[2] is None:
                await self._press(None, int(match[1]))
            else:
                await self._press(int(match[1]), int(match[2]))
        elif line in (":group", ":private"):
            self.in_group = line == ":group"
        elif match := re.fullmatch(r":as\s+(admin|member)", line):
            self.user = self.users[match[1]]
        elif match := re.fullmatch(r":file\s+(\S+)\s*(.*)", line):
            await self._send_file(Path(match[1]), match[2] or None)
        elif line in (":help", ":h", ":?"):
            self.out(HELP)
        elif line.startswith(":"):
            raise Mistake(f"{line.split()[0]} is not a demo command (or its form is wrong).\n"
                          f"{HELP}")
        elif line:
            chat = self.group if self.in_group else None
            await self.double.send_text(self.user, line, chat=chat)

    async def _send_file(self, path: Path, caption: str | None) -> None:
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise Mistake(f"Cannot read {path}: {exc.strerror}. Example: "
                          ":file bot/content/lists/six-key-tasks.yaml /import") from exc
        chat = self.group if self.in_group else None
        await self.double.send_document(self.user, filename=path.name, content=content,
                                        caption=caption, chat=chat)

    # ---- pressing ----------------------------------------------------------------------
    async def _press(self, number: int | None, button: int) -> None:
        message = self._latest_with_buttons() if number is None else self._numbered(number)
        buttons = _buttons(message)
        label = f"#{self.numbers[_key(message)]}"
        if not buttons:
            raise Mistake(f"Message {label} has no buttons (any more: a press can remove them).")
        if not 1 <= button <= len(buttons):
            raise Mistake(f"Message {label} has buttons 1 to {len(buttons)}; "
                          f"for example :press {self.numbers[_key(message)]} 1")
        chosen = buttons[button - 1]
        if "url" in chosen:
            await self._open_link(chosen["url"])
            return
        query_id = await self.double.press(
            (message["chat"]["id"], message["message_id"]), self.user, index=button - 1)
        await self.double.idle(quiet=0.4, timeout=10)
        self._show_answer(query_id)

    def _latest_with_buttons(self) -> dict:
        live = [m for m in self.double.messages(self.chat_id) if _key(m) in self.numbers]
        for message in reversed(live):
            if not message["deleted"] and _buttons(message):
                return message
        raise Mistake("No message with buttons in this chat yet. To press a button of an "
                      "earlier message elsewhere, name it: :press M N (message #M, button N).")

    def _numbered(self, number: int) -> dict:
        key = next((key for key, shown in self.numbers.items() if shown == number), None)
        if key is None:
            raise Mistake(f"There is no message #{number}: messages are numbered as they are "
                          f"shown (#1 to #{len(self.numbers)} so far).")
        message = next(m for m in self.double.messages(key[0]) if m["message_id"] == key[1])
        if message["deleted"]:
            raise Mistake(f"Message #{number} was deleted by the bot.")
        return message

    async def _open_link(self, url: str) -> None:
        """A link button: a Start deep link opens the private chat and sends /start."""
        start = re.fullmatch(rf"https://t\.me/{BOT_USERNAME}\?start=(\w+)", url)
        if start is None:
            self.out(f"🔗 This button opens a link in the browser: {url}")
            return
        self.out(f"🔗 The button opens @{BOT_USERNAME} privately and presses Start "
                 f"(sends /start {start[1]}) for @{self.user['username']}.")
        self.in_group = False
        await self.double.send_text(self.user, f"/start {start[1]}")

    def _show_answer(self, query_id: str) -> None:
        answer = self.double.callback_answer(query_id)
        if answer is None:
            self.out("⚠️  The bot did not answer this press (in Telegram the button would "
                     "keep spinning).")
        elif answer.get("text"):
            kind = "alert (a box to close)" if answer.get("show_alert") else "toast"
            self.out(f"💬 {kind}: {answer['text']}")

    # ---- showing -----------------------------------------------------------------------
    def _print_new(self) -> None:
        documents = {d["message_id"]: d for d in self.double.documents(self.chat_id)}
        for message in self.double.messages(self.chat_id):
            key = _key(message)
            shown = (message.get("text") or message.get("caption"), str(_buttons(message)),
                     message["deleted"])
            if self.printed.get(key) == shown:
                continue
            known = key in self.numbers
            if not known:
                if message["deleted"]:
                    continue
                self.numbers[key] = len(self.numbers) + 1
            self.printed[key] = shown
            self._print_message(message, documents.get(message["message_id"]), known)
        self._note_elsewhere()

    def _print_message(self, message: dict, document: dict | None, edited: bool) -> None:
        number = self.numbers[_key(message)]
        if message["deleted"]:
            self.out(f"\n🤖 #{number} was deleted.")
            return
        head = f"\n🤖 #{number}" + (" (edited)" if edited else "")
        if document is not None:
            self.out(f"{head} 📎 {document['filename']} ({_size(len(document['bytes']))})")
            if document["caption"]:
                self.out(document["caption"])
            self._preview(document)
        else:
            self.out(f"{head} {message.get('text', '')}")
        for index, button in enumerate(_buttons(message), 1):
            link = f"  🔗 {button['url']}" if "url" in button else ""
            self.out(f"   [{index}] {button['text']}{link}")

    def _preview(self, document: dict) -> None:
        text_like = document["mime_type"].startswith("text/") or document["filename"].lower(
        ).endswith(TEXT_SUFFIXES)
        if not text_like:
            return
        lines = document["bytes"].decode("utf-8", errors="replace").splitlines()
        for line in lines[:PREVIEW_LINES]:
            self.out(f"   │ {line}")
        if len(lines) > PREVIEW_LINES:
            self.out(f"   │ … ({len(lines) - PREVIEW_LINES} more lines)")
        if document["filename"].lower().endswith(".ics"):  # the lines a reader looks for
            for line in lines[PREVIEW_LINES:]:
                if line.startswith(("SUMMARY", "DTSTART", "LOCATION")):
                    self.out(f"   │ {line}")

    def _note_elsewhere(self) -> None:
        """Say where the bot wrote while you were looking at another chat."""
        chats = {
            self.group["id"]: ":group",
            self.users["admin"]["id"]: ":private as admin",
            self.users["member"]["id"]: ":private and :as member",
        }
        for chat_id, how in chats.items():
            if chat_id == self.chat_id:
                continue
            unseen = [m for m in self.double.messages(chat_id)
                      if _key(m) not in self.numbers and not m["deleted"]]
            if unseen and len(unseen) != self.noted.get(chat_id):
                self.out(f"   (+{len(unseen)} new message(s) in another chat: {how} to see)")
            self.noted[chat_id] = len(unseen)


def _key(message: dict) -> tuple[int, int]:
    return message["chat"]["id"], message["message_id"]


def _buttons(message: dict) -> list[dict]:
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in keyboard for button in row]


def _size(length: int) -> str:
    return f"{length} bytes" if length < 1024 else f"{length / 1024:.1f} KB"


@asynccontextmanager
async def demo_session(
    folder: Path, out: Callable[[str], object] = print, clock: Clock | None = None
) -> AsyncIterator[Demo]:
    """The double, the bot (with a throw-away database in ``folder``) and the demo's people."""
    double = BotApiDouble(token=TOKEN, bot_username=BOT_USERNAME)
    await double.start()
    try:
        settings = load_settings(
            _env_file=None,
            bot_token=TOKEN,
            bot_api_base_url=double.base_url,
            database_path=folder / "demo.sqlite3",
            admin_ids="1",
            # One person typing never nears Telegram's limits, but the limiter's 1 message/s
            # per chat would hold the second reply past the moment the demo prints.
            rate_limit=False,
        )
        demo = Demo(double, out)
        async with running(build_application(settings, clock)):
            yield demo
    finally:
        await double.stop()


async def _main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with demo_session(Path(folder)) as demo:
            print(WELCOME)
            while True:
                try:
                    line = (await asyncio.to_thread(input, demo.prompt)).strip()
                except EOFError:
                    break
                if not await demo.handle(line):
                    break


def run_demo() -> None:
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:  # Ctrl-C at the prompt: leave as :quit would, without a trace
        print("\n(demo ended)")
