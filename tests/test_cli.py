"""The command line stops with a clear message when it cannot start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "ADMIN_IDS"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env here
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_token_the_bot_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN is not set" in result.stderr
    assert "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_setting_is_named(tmp_path: Path) -> None:
    result = run_bot(tmp_path, TIMEZONE="Nowhere/Land")
    assert result.returncode == 2
    assert "TIMEZONE: is not a known time zone" in result.stderr


def test_an_unreachable_bot_api_is_explained(tmp_path: Path) -> None:
    result = run_bot(tmp_path, BOT_TOKEN="123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
                     BOT_API_BASE_URL="http://127.0.0.1:9", DATABASE_PATH=str(tmp_path / "d"))
    assert result.returncode == 2
    # PTB logs its own failed attempt; the last word is ours, and says what to do.
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("committee-bot: Cannot reach the Bot API at http://127.0.0.1:9")
    assert "BOT_API_BASE_URL" in last
    assert "TEST-token" not in result.stderr


async def test_a_rejected_token_is_explained(tmp_path: Path) -> None:
    import asyncio

    from tests.double import BotApiDouble

    double = BotApiDouble(token="123456:the-real-one-abcdefghijklmnopqrstu")
    await double.start()
    try:
        result = await asyncio.to_thread(
            run_bot, tmp_path, BOT_TOKEN="123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
            BOT_API_BASE_URL=double.base_url, DATABASE_PATH=str(tmp_path / "d"),
        )
    finally:
        await double.stop()
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert "rejected BOT_TOKEN" in last
    assert "@BotFather" in last
    assert "TEST-token" not in result.stderr
