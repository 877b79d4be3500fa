"""Command line: ``committee-bot`` runs the bot; ``committee-bot demo`` runs it offline;
``committee-bot import FILE`` loads a content file as an admin's /import would;
``committee-bot backup FILE`` / ``restore FILE`` copy the database out and back;
``committee-bot copy-db --from SRC --to DST`` moves the data to another database;
``committee-bot systemd-unit`` prints a unit that runs it as a service."""

from __future__ import annotations

import argparse
import asyncio
import errno
import gc
import logging
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NoReturn

from telegram import Bot, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.app import build_application
from bot.backup_cli import backup_command, restore_command
from bot.bot_api import bot_api_request
from bot.clock import SystemClock
from bot.copy_cli import copy_command
from bot.event_loop import use_uvloop
from bot.i18n import CatalogueMissingError
from bot.knowledge.content import ContentError
from bot.knowledge.loader import Stored
from bot.knowledge.service import KnowledgeService
from bot.logs import configure_logging, redact
from bot.service_unit import render_unit
from bot.settings import Settings, SettingsError, load_settings
from storage.backup import BackupError
from storage.copy import CopyError
from storage.database import Database, DatabaseTooNewError, DatabaseUnavailable, open_database


class StartupError(RuntimeError):
    """The bot cannot start as configured; the message says what to change."""


class BotApiUnreachableError(StartupError):
    """Telegram (or BOT_API_BASE_URL) did not answer: worth trying again later."""


class DatabaseServerError(StartupError):
    """The PostgreSQL server did not let the bot in: it may be down for a moment, or the
    address or credentials may be wrong (said in the message); worth trying again."""


class PortInUseError(StartupError):
    """WEB_PORT is taken, perhaps by the instance that is stopping: worth trying again."""


# Exit statuses: a configuration the user must fix, or a network that may come back (the
# systemd unit restarts on the second only).
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 75  # EX_TEMPFAIL
REASON_LIMIT = 100  # characters of the Bot API's own explanation


def _run() -> None:
    use_uvloop()
    settings = load_settings()
    token = settings.require_token()
    secrets = (token, *settings.secret_values())
    configure_logging(settings.log_level, secrets=secrets,
                      message_content=settings.log_message_content)
    # Check what start-up needs before PTB starts: its own failed start logs three tracebacks
    # before the exception we could explain.
    asyncio.run(_check_can_start(settings, token))
    app = build_application(settings)
    # What is loaded by now (modules, catalogues) lives as long as the process: out of the
    # collector's way, a full collection no longer walks it (a 50 ms pause every few hundred
    # updates in bench/views.py).
    gc.collect()
    gc.freeze()
    try:
        if settings.listen_port is None:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
        else:
            _serve_with_web(app, settings)
    except BadRequest as exc:
        if settings.webhook_url is None or "webhook" not in exc.message.lower():
            raise _bot_api_error(exc, settings, token) from None
        raise StartupError(
            f"Telegram refused WEBHOOK_URL={settings.webhook_url} "
            f"({redact(exc.message, secrets)[:REASON_LIMIT]}). It must be a public https:// "
            "address with a valid certificate, on port 443, 80, 88 or 8443."
        ) from None
    except TelegramError as exc:  # the Bot API went away between the check and the start
        raise _bot_api_error(exc, settings, token) from None


def _serve_with_web(app: Application, settings: Settings) -> None:
    """Run the bot beside its web server (webhook mode, or polling with WEB_PORT)."""
    # Imported here: aiohttp's server adds a tenth of a second to every start-up, and a bot
    # without WEB_PORT never uses it.
    from bot.runner import serve
    from bot.web.server import ListenError

    try:
        asyncio.run(serve(app, settings))
    except ListenError as exc:  # the port was taken after the probe
        raise _listen_error(settings, exc) from None


async def _check_can_start(settings: Settings, token: str) -> None:
    """Telegram first (nothing to undo), then the database (created or upgraded if need be)."""
    bot = Bot(token, request=bot_api_request(), get_updates_request=bot_api_request(),
              **settings.bot_api_urls())
    ptb = logging.getLogger("telegram")
    level = ptb.level
    ptb.setLevel(logging.CRITICAL)  # PTB logs what it raises; the exception is explained below
    try:
        async with bot:  # getMe
            pass
    except TelegramError as exc:
        raise _bot_api_error(exc, settings, token) from None
    finally:
        ptb.setLevel(level)
    if settings.listen_port is not None:
        _probe_port(settings)
    async with _database(settings.database_target):
        pass


def _probe_port(settings: Settings) -> None:
    """Fail before the database is touched if the web server could not listen."""
    try:
        with socket.create_server((settings.web_host, settings.listen_port or 0)):
            pass
    except OSError as exc:
        raise _listen_error(settings, exc) from None


def _bot_api_error(exc: TelegramError, settings: Settings, token: str) -> StartupError:
    where = settings.bot_api_base_url or "https://api.telegram.org"
    if isinstance(exc, InvalidToken):  # PTB's message repeats the token: say it without
        return StartupError(
            f"The Bot API at {where} rejected BOT_TOKEN. Check the token @BotFather gave you "
            "(/mybots → API Token) and put it in .env."
        )
    reason = redact(exc.message, (token,))
    if len(reason) > REASON_LIMIT:  # a web server's error page, say
        reason = reason[: REASON_LIMIT - 1] + "…"
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return BotApiUnreachableError(
            f"Cannot reach the Bot API at {where} ({reason}). Check the network, or "
            "BOT_API_BASE_URL if you run your own Bot API server."
        )
    return StartupError(
        f"The Bot API at {where} answered with an error ({reason}). Check BOT_API_BASE_URL: "
        "leave it empty for Telegram's own servers."
    )


@asynccontextmanager
async def _database(target: str | Path) -> AsyncIterator[Database]:
    """Open (creating or upgrading) the database, or say which one and why not."""
    db = open_database(target)
    try:
        await db.open()
    except DatabaseUnavailable as exc:  # a PostgreSQL server
        raise DatabaseServerError(
            f"Cannot use the database DATABASE_URL={db.where}: {exc}. Check that the "
            "server runs and that the address, user, password and database name are right."
        ) from None
    except (OSError, sqlite3.Error) as exc:  # the SQLite file
        raise _database_error(Path(target), exc) from None
    try:
        yield db
    finally:
        await db.close()


def _database_error(path: Path, exc: OSError | sqlite3.Error) -> StartupError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    where = str(path) if path.is_absolute() else f"{path} ({path.absolute()})"
    return StartupError(
        f"Cannot open the database DATABASE_PATH={where}: {reason}. "
        "Set DATABASE_PATH in .env to a file in a folder this user may write, like "
        "data/committee.sqlite3."
    )


def _listen_error(settings: Settings, exc: OSError) -> StartupError:
    where = f"WEB_HOST={settings.web_host} WEB_PORT={settings.listen_port}"
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EADDRINUSE:
        return PortInUseError(f"Cannot listen on {where}: {reason}. Another program (or the "
                              "bot itself, still stopping) uses that port; or set WEB_PORT.")
    return StartupError(f"Cannot listen on {where}: {reason}. Set WEB_HOST to an address of "
                        "this machine and WEB_PORT to a free port (above 1023 unless root).")


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
    async with _database(load_settings().database_target) as db:
        knowledge = KnowledgeService(db, SystemClock())
        await knowledge.load_builtin()
        return await knowledge.import_file(data, name, actor_id=None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="committee-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("demo", help="chat with the bot in this terminal, without Telegram")
    importer = sub.add_parser("import", help="add or replace directives, lists and conferences")
    importer.add_argument("file", type=Path, help="a YAML file in the schema of bot/content/")
    saver = sub.add_parser("backup", help="copy the database to FILE, also while the bot runs")
    saver.add_argument("file", type=Path, help="where to write the copy")
    saver.add_argument("--force", action="store_true", help="replace FILE if it exists")
    loader = sub.add_parser("restore", help="put a backup in place of the database (bot stopped)")
    loader.add_argument("file", type=Path, help="a file written by committee-bot backup")
    loader.add_argument("--force", action="store_true",
                        help="replace an existing database (kept as .replaced)")
    copier = sub.add_parser(
        "copy-db", help="copy every row into an empty database (SQLite to PostgreSQL, or back)")
    copier.add_argument("--from", dest="source", required=True, metavar="SRC",
                        help="sqlite:///PATH, a file path, or a postgresql:// URL")
    copier.add_argument("--to", dest="destination", required=True, metavar="DST",
                        help="an empty database: postgresql://..., sqlite:///PATH or a path")
    unit = sub.add_parser(
        "systemd-unit", help="print a systemd unit that runs the bot from this installation"
    )
    unit.add_argument("--user", help="the account the bot runs as (default: you)")
    unit.add_argument("--workdir", type=Path,
                      help="the folder with .env and data/ (default: this one)")
    args = parser.parse_args(argv)
    try:
        if args.command == "import":
            _import(args.file)
        elif args.command == "backup":
            backup_command(args.file, force=args.force)
        elif args.command == "restore":
            restore_command(args.file, force=args.force)
        elif args.command == "copy-db":
            copy_command(args.source, args.destination)
        elif args.command == "systemd-unit":
            print(render_unit(args.user, args.workdir), end="")
        else:
            _demo() if args.command == "demo" else _run()
    except (BotApiUnreachableError, PortInUseError, DatabaseServerError) as exc:
        _fail(exc, EXIT_UNREACHABLE)
    except (
        SettingsError, CatalogueMissingError, DatabaseTooNewError, ContentError, OSError,
        StartupError, BackupError, CopyError,
    ) as exc:
        _fail(exc, EXIT_CONFIG)
    except KeyboardInterrupt:  # Ctrl-C while starting
        raise SystemExit(130) from None


def _fail(exc: Exception, status: int) -> NoReturn:
    print(f"committee-bot: {exc}", file=sys.stderr)
    raise SystemExit(status) from None


if __name__ == "__main__":
    main()
