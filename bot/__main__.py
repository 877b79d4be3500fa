"""Command line: ``committee-bot`` runs the bot; ``committee-bot demo`` runs it offline;
``committee-bot import FILE`` loads a content file as an admin's /import would."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application
from bot.clock import SystemClock
from bot.i18n import CatalogueMissingError
from bot.knowledge.content import ContentError
from bot.knowledge.loader import Stored
from bot.knowledge.service import KnowledgeService
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings
from storage.database import Database, DatabaseTooNewError


class StartupError(RuntimeError):
    """The bot could not reach Telegram, or Telegram refused the token."""


def _run() -> None:
    settings = load_settings()
    token = settings.require_token()
    configure_logging(settings.log_level, secrets=(token,),
                      message_content=settings.log_message_content)
    app = build_application(settings)
    where = settings.bot_api_base_url or "https://api.telegram.org"
    try:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:  # PTB's message repeats the token: say it without
        raise StartupError(
            f"The Bot API at {where} rejected BOT_TOKEN. Check the token @BotFather gave you "
            "(/mybots → API Token) and put it in .env."
        ) from None
    except NetworkError as exc:
        raise StartupError(
            f"Cannot reach the Bot API at {where} ({exc.message.replace(token, '[REDACTED]')})."
            " Check the network, or BOT_API_BASE_URL if you run your own Bot API server."
        ) from None


def _demo() -> None:
    try:
        from bot.demo import run_demo
    except ModuleNotFoundError as exc:
        raise SystemExit(
            f"The demo needs the test extras and a source checkout ({exc.name} is missing): "
            "run `make demo` from the repository."
        ) from exc
    run_demo()


def _import(path: Path) -> None:
    """Load a content file as an admin's /import would, and print what changed."""
    stored = asyncio.run(_import_data(path.read_bytes(), path.name))
    print(f"{path}: {len(stored.added)} added, {len(stored.replaced)} replaced")
    for verb, entries in (("added", stored.added), ("replaced", stored.replaced)):
        for kind, key in entries:
            print(f"  {kind} {key}: {verb}")


async def _import_data(data: bytes, name: str) -> Stored:
    """Load the shipped content first, as a start would, so the file may refer to it."""
    db = Database(load_settings().database_path)
    await db.open()
    try:
        knowledge = KnowledgeService(db, SystemClock())
        await knowledge.load_builtin()
        return await knowledge.import_file(data, name, actor_id=None)
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="committee-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("demo", help="chat with the bot in this terminal, without Telegram")
    importer = sub.add_parser("import", help="add or replace directives, lists and conferences")
    importer.add_argument("file", type=Path, help="a YAML file in the schema of bot/content/")
    args = parser.parse_args(argv)
    try:
        if args.command == "import":
            _import(args.file)
        else:
            _demo() if args.command == "demo" else _run()
    except (
        SettingsError, CatalogueMissingError, DatabaseTooNewError, ContentError, OSError,
        StartupError,
    ) as exc:
        print(f"committee-bot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
