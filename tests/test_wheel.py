"""The wheel is a complete bot: built, installed into a fresh virtualenv and started from an
unrelated folder, it answers /start in Vietnamese from the catalogues compiled into it.

Offline: the wheel is built with this environment's setuptools and Babel, and the fresh
virtualenv borrows this environment's dependencies through a .pth file (not its editable
install of the project: a path listed in a .pth file has its own .pth files ignored).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import TOKEN
from tests.double import BotApiDouble

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "bot", "handlers", "storage", "locales")
USER_ID = 4242


def clean_env(**extra: str) -> dict[str, str]:
    """No PYTHONPATH and no settings from the test run: only what the installed bot brings."""
    skip = {"PYTHONPATH", "BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH", "BOT_API_BASE_URL"}
    return {**{k: v for k, v in os.environ.items() if k not in skip}, **extra}


def build_wheel(tmp_path: Path) -> Path:
    """From a copy of the sources, so the build leaves nothing behind in the checkout."""
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.egg-info", "build")
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=ignore)
        else:
            shutil.copy(origin, source / name)
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", str(dist), str(source)],
        check=True, timeout=300, env=clean_env(),
    )
    (wheel,) = dist.glob("committee_bot-*.whl")
    return wheel


def fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, timeout=60, capture_output=True, text=True, env=clean_env(),
    ).stdout.strip()
    ours = sysconfig.get_paths()
    (Path(purelib) / "test-dependencies.pth").write_text(
        "\n".join(sorted({ours["purelib"], ours["platlib"]})) + "\n", encoding="utf-8"
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True, timeout=300, env=clean_env(),
    )
    return venv


def vietnamese_greeting(name: str) -> str:
    with (ROOT / "locales" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        (text,) = [m.string for m in read_po(handle) if str(m.id).startswith("Hello, {name}!")]
    return text.format(name=name)


def install_wheel(tmp_path: Path) -> tuple[Path, Path]:
    """Build and install the wheel; returns the virtualenv and a folder outside the checkout."""
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for language in ("vi", "en"):
        assert f"bot/locales/{language}/LC_MESSAGES/messages.mo" in names
    assert "bot/deploy/committee-bot.service" in names
    assert any(name.startswith("storage/migrations/") for name in names)
    assert any(name.startswith("bot/content/") for name in names)

    venv = fresh_venv(tmp_path, wheel)
    anywhere = tmp_path / "anywhere"  # not the checkout: nothing of it may be on the path
    anywhere.mkdir()
    located = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
        cwd=anywhere, env=clean_env(), check=True, timeout=60, capture_output=True, text=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(venv)
    unit = subprocess.run(
        [str(venv / "bin" / "committee-bot"), "systemd-unit"], cwd=anywhere, env=clean_env(),
        check=True, timeout=60, capture_output=True, text=True,
    )
    assert f"ExecStart={venv / 'bin' / 'committee-bot'} run" in unit.stdout.splitlines()
    return venv, anywhere


async def test_the_installed_wheel_answers_start_in_vietnamese(tmp_path: Path) -> None:
    venv, anywhere = await asyncio.to_thread(install_wheel, tmp_path)
    async with BotApiDouble(token=TOKEN) as double:
        user = double.add_user(USER_ID, "Lan", last_name="Nguyễn", language_code="vi")
        log = (tmp_path / "bot.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            str(venv / "bin" / "committee-bot"), "run", cwd=anywhere, stdout=log, stderr=log,
            env=clean_env(BOT_TOKEN=TOKEN, BOT_API_BASE_URL=double.base_url,
                          DATABASE_PATH="data/committee.sqlite3", RATE_LIMIT="false",
                          LOG_LEVEL="WARNING"),
        )
        try:
            await double.send_text(user, "/start")
            reply = await double.wait_for_message(USER_ID, timeout=60)
        finally:
            if process.returncode is None:
                process.terminate()
            status = await asyncio.wait_for(process.wait(), 30)
            log.close()
    output = (tmp_path / "bot.log").read_text(encoding="utf-8", errors="replace")
    assert reply["text"] == vietnamese_greeting("Lan Nguyễn"), output
    assert status == 0, output  # stopped cleanly by SIGTERM, as systemd stops it
    assert (anywhere / "data" / "committee.sqlite3").is_file()  # relative to where it runs
