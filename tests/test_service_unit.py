"""`committee-bot systemd-unit` prints a unit that runs this installation as a service."""

import configparser
import os
import shlex
from pathlib import Path

import pytest

from bot.__main__ import main


def unit(capsys: pytest.CaptureFixture[str], *args: str) -> configparser.ConfigParser:
    main(["systemd-unit", *args])
    parsed = configparser.ConfigParser(interpolation=None, strict=True)
    parsed.optionxform = str  # systemd keys are case-sensitive
    parsed.read_string(capsys.readouterr().out)
    return parsed


def test_the_unit_runs_the_bot_as_the_named_user_from_the_named_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    service = unit(capsys, "--user", "committee", "--workdir", str(tmp_path))["Service"]
    assert service["User"] == "committee"
    assert service["WorkingDirectory"] == str(tmp_path)
    assert service["EnvironmentFile"] == str(tmp_path / ".env")
    assert service["Restart"] == "on-failure"
    # A setting to fix is not retried; an unreachable Bot API (75) is.
    assert service["RestartPreventExitStatus"] == "2"


def test_by_default_the_unit_starts_this_installations_command_here(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    parsed = unit(capsys)
    assert parsed["Service"]["WorkingDirectory"] == str(tmp_path)
    command = shlex.split(parsed["Service"]["ExecStart"])
    assert command[-1] == "run"
    assert os.access(command[0], os.X_OK)
    assert "@" not in parsed["Service"]["User"]
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
    assert parsed["Unit"]["After"] == "network-online.target"


def test_the_unit_says_it_serves_both_modes(capsys: pytest.CaptureFixture[str]) -> None:
    main(["systemd-unit"])
    text = capsys.readouterr().out
    assert "WEBHOOK_URL" in text and "polls" in text
    assert "WEB_PORT still taken" in text
