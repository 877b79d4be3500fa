"""The systemd unit shipped in bot/deploy/, filled in for the installation that runs it."""

from __future__ import annotations

import getpass
import sys
from importlib import resources
from pathlib import Path


def default_command() -> str:
    """The ``committee-bot`` script beside this Python, else ``python -m bot`` (a checkout)."""
    script = Path(sys.executable).parent / "committee-bot"
    return str(script) if script.is_file() else f"{sys.executable} -m bot"


def render_unit(user: str | None = None, workdir: Path | None = None,
                command: str | None = None) -> str:
    template = resources.files("bot").joinpath("deploy", "committee-bot.service").read_text(
        encoding="utf-8"
    )
    values = {
        "@USER@": user or getpass.getuser(),
        "@WORKDIR@": str((workdir or Path.cwd()).absolute()),
        "@COMMAND@": command or default_command(),
    }
    for field, value in values.items():
        template = template.replace(field, value)
    return template
