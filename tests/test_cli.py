"""The command line stops with one or two clear lines, in the README's words, when it cannot
start: no traceback, a non-zero status, and never the token."""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.double import BotApiDouble

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
WRONG_TOKEN = "123456:WRONG-token-abcdefghijklmnopqrstuvwxyz"
CONFIG, UNREACHABLE = 2, 75


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "ADMIN_IDS"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env here unless the test puts one
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


async def run_against_double(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    async with BotApiDouble(token=TOKEN) as double:
        env = {"BOT_API_BASE_URL": double.base_url,
               "DATABASE_PATH": str(tmp_path / "committee.sqlite3"), **env}
        return await asyncio.to_thread(run_bot, tmp_path, **env)


def explanation(result: subprocess.CompletedProcess[str], status: int, *secrets: str) -> str:
    """The one or two lines the user reads, checked for what must never be there."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == status, result.stderr
    assert 1 <= len(lines) <= 2, result.stderr
    assert lines[0].startswith("committee-bot: ")
    assert "Traceback" not in result.stderr
    for secret in (TOKEN, WRONG_TOKEN, *secrets):
        assert secret not in result.stderr + result.stdout
    return "\n".join(lines)


def test_without_a_token_the_bot_says_how_to_get_one(tmp_path: Path) -> None:
    text = explanation(run_bot(tmp_path), CONFIG)
    assert "BOT_TOKEN is not set" in text
    assert "@BotFather" in text


def test_following_the_readme_literally_gives_the_botfather_guidance(tmp_path: Path) -> None:
    """cp .env.example .env, BOT_TOKEN= left empty: not a malformed token but a missing one."""
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    text = explanation(run_bot(tmp_path), CONFIG)
    assert "BOT_TOKEN is not set" in text
    assert "@BotFather" in text


def test_a_malformed_token_is_named_but_not_echoed(tmp_path: Path) -> None:
    text = explanation(run_bot(tmp_path, BOT_TOKEN="my-secret-guess"), CONFIG, "my-secret-guess")
    assert "BOT_TOKEN: is not a bot token" in text


def test_an_invalid_setting_is_named(tmp_path: Path) -> None:
    text = explanation(run_bot(tmp_path, BOT_TOKEN=TOKEN, TIMEZONE="Nowhere/Land"), CONFIG)
    assert "TIMEZONE: is not a known time zone" in text


def test_an_unreachable_bot_api_is_explained(tmp_path: Path) -> None:
    result = run_bot(tmp_path, BOT_TOKEN=TOKEN, BOT_API_BASE_URL="http://127.0.0.1:9",
                     DATABASE_PATH=str(tmp_path / "d"))
    text = explanation(result, UNREACHABLE)  # worth retrying: the systemd unit restarts it
    assert text.startswith("committee-bot: Cannot reach the Bot API at http://127.0.0.1:9")
    assert "BOT_API_BASE_URL" in text


async def test_a_rejected_token_is_explained(tmp_path: Path) -> None:
    text = explanation(await run_against_double(tmp_path, BOT_TOKEN=WRONG_TOKEN), CONFIG)
    assert "rejected BOT_TOKEN" in text
    assert "@BotFather" in text
    assert not (tmp_path / "committee.sqlite3").exists(), "nothing is created for a bad start"


@pytest.mark.parametrize("kind", ["under a file", "a folder", "not a database"])
async def test_a_database_that_cannot_be_opened_is_named(tmp_path: Path, kind: str) -> None:
    (tmp_path / "notes.txt").write_text("Biên bản họp chi bộ\n" * 100, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    path = {"under a file": tmp_path / "notes.txt" / "committee.sqlite3",
            "a folder": tmp_path / "folder",
            "not a database": tmp_path / "notes.txt"}[kind]
    result = await run_against_double(tmp_path, BOT_TOKEN=TOKEN, DATABASE_PATH=str(path))
    text = explanation(result, CONFIG)
    assert text.startswith(f"committee-bot: Cannot open the database DATABASE_PATH={path}: ")
    assert "Set DATABASE_PATH in .env" in text
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8").startswith("Biên bản")


@pytest.mark.parametrize(
    "message",
    ["BOT_TOKEN is not set", "is not a bot token", "rejected BOT_TOKEN",
     "Cannot reach the Bot API", "Cannot open the database", "Invalid settings",
     "Telegram refused WEBHOOK_URL", "Cannot listen on", "Cannot use the database DATABASE_URL"],
)
def test_the_readme_explains_every_start_up_message(message: str) -> None:
    assert message in README


def test_a_database_server_that_refuses_is_named_without_its_password(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = asyncio.run(run_against_double(
        tmp_path, BOT_TOKEN=TOKEN, DATABASE_URL=f"postgresql://bot:s3cret-pw@127.0.0.1:{port}/c",
    ))
    text = explanation(result, UNREACHABLE, "s3cret-pw")
    assert f"Cannot use the database DATABASE_URL=postgresql://bot@127.0.0.1:{port}/c" in text
    assert "Connection refused" in text


def test_a_taken_web_port_is_retried_later(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = asyncio.run(run_against_double(
            tmp_path, BOT_TOKEN=TOKEN, WEBHOOK_URL="https://bot.example.org/hook",
            WEBHOOK_SECRET="s3cret-value", WEB_PORT=port,
        ))
    text = explanation(result, UNREACHABLE, "s3cret-value")
    assert f"Cannot listen on WEB_HOST=127.0.0.1 WEB_PORT={port}" in text
