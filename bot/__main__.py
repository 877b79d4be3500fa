"""Command line: ``committee-bot`` runs the bot; ``committee-bot demo`` runs it offline."""

from __future__ import annotations

import argparse
import sys

from telegram import Update

from bot.app import build_application
from bot.i18n import CatalogueMissingError
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings
from storage.database import DatabaseTooNewError


def _run() -> None:
    settings = load_settings()
    token = settings.require_token()
    configure_logging(settings.log_level, secrets=(token,))
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def _demo() -> None:
    try:
        from bot.demo import run_demo
    except ModuleNotFoundError as exc:
        raise SystemExit(
            f"The demo needs the test extras and a source checkout ({exc.name} is missing): "
            "run `make demo` from the repository."
        ) from exc
    run_demo()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="committee-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("demo", help="chat with the bot in this terminal, without Telegram")
    args = parser.parse_args(argv)
    try:
        _demo() if args.command == "demo" else _run()
    except (SettingsError, CatalogueMissingError, DatabaseTooNewError) as exc:
        print(f"committee-bot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
