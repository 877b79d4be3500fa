"""Settings: defaults, parsing, and start-up errors that name the variable."""

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


def settings(**values: object):
    return load_settings(_env_file=None, **values)


def test_defaults_match_the_documented_ones() -> None:
    s = settings()
    assert s.database_path == Path("data/committee.sqlite3")
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.default_language == "vi"
    assert s.bot_api_base_url is None
    assert s.admin_ids == frozenset()
    assert s.protect_content is True


def test_admin_ids_are_read_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 12345, 67890 ,")
    assert settings().admin_ids == {12345, 67890}


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"BOT_TOKEN={TOKEN}\nTIMEZONE=Europe/Paris\nBOT_API_BASE_URL=http://h:1/\n")
    s = load_settings(_env_file=env)
    assert s.require_token() == TOKEN
    assert s.timezone == "Europe/Paris"
    assert s.bot_api_base_url == "http://h:1"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ADMIN_IDS", "12,abc", "comma-separated numeric Telegram user ids"),
        ("ADMIN_IDS", "1087968824", "anonymous group admin"),
        ("TIMEZONE", "Mars/Olympus", "an IANA zone"),
        ("DEFAULT_LANGUAGE", "fr", "vi or en"),
        ("BOT_API_BASE_URL", "ftp://x", "http(s) URL"),
        ("LOG_LEVEL", "LOUD", "DEBUG, INFO"),
        ("BOT_TOKEN", "not-a-token", "the token @BotFather gives"),
    ],
)
def test_an_invalid_value_names_the_variable_and_the_expected_form(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        settings()
    assert variable in str(error.value)
    assert expected in str(error.value)


def test_a_bad_token_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "secret value with spaces")
    with pytest.raises(SettingsError) as error:
        settings()
    assert "secret value" not in str(error.value)


def test_a_missing_token_explains_how_to_get_one() -> None:
    with pytest.raises(SettingsError) as error:
        settings().require_token()
    message = str(error.value)
    assert "@BotFather" in message
    assert ".env" in message


@pytest.mark.parametrize(
    ("values", "variable", "expected"),
    [
        ({"webhook_url": "http://bot.example.org/hook"}, "WEBHOOK_URL", "https://"),
        ({"webhook_url": "https://bot.example.org:8080/hook"}, "WEBHOOK_URL", "port"),
        ({"webhook_url": "https://"}, "WEBHOOK_URL", "https://"),
        ({"web_port": "70000"}, "WEB_PORT", "TCP port"),
        ({"webhook_max_connections": "0"}, "WEBHOOK_MAX_CONNECTIONS", "1 to 100"),
        ({"backup_keep": "0"}, "BACKUP_KEEP", "whole number"),
        ({"database_url": "mysql://db/x"}, "DATABASE_URL", "postgresql://"),
    ],
)
def test_web_and_backup_settings_are_checked(values: dict, variable: str,
                                             expected: str) -> None:
    with pytest.raises(SettingsError) as error:
        settings(**values)
    assert variable in str(error.value)
    assert expected in str(error.value)


def test_webhook_mode_needs_a_secret_which_is_never_echoed() -> None:
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET is required with WEBHOOK_URL"):
        settings(webhook_url="https://bot.example.org/hook")
    leaked = "has spaces and a secret-word!"
    with pytest.raises(SettingsError) as error:
        settings(webhook_url="https://bot.example.org/hook", webhook_secret=leaked)
    assert "WEBHOOK_SECRET: must be 1-256 characters" in str(error.value)
    assert "secret-word" not in str(error.value)
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        settings(webhook_secret="x" * 257)
    ok = settings(webhook_url="https://bot.example.org/hook", webhook_secret="a-B_9" * 10)
    assert "a-B_9" not in repr(ok)
    assert ok.webhook_path == "/hook"
    assert ok.listen_port == 8080


def test_the_web_server_is_off_in_polling_mode_unless_web_port_is_set() -> None:
    assert settings().listen_port is None
    assert settings(web_port="9000").listen_port == 9000
    assert settings(webhook_url="", webhook_secret="", backup_dir="").webhook_url is None


@pytest.mark.parametrize(
    ("url", "said"),
    [("postgresql://bob:s3cr%et@db/committee", "write % as %25"),
     ("postgresql://bob:s3cret@db:port/committee", "is not a URL"),
     ("mysql://bob:s3cret@db/committee", "is not a postgresql:// URL")],
)
def test_a_database_url_the_driver_cannot_read_is_refused_without_its_password(
    url: str, said: str
) -> None:
    with pytest.raises(SettingsError) as error:
        settings(database_url=url)
    assert said in str(error.value)
    assert "s3cr" not in str(error.value)


def test_a_percent_encoded_password_is_redacted_as_written_and_as_meant() -> None:
    s = settings(database_url="postgresql://bob:s3cr%25et@db/committee")
    assert {"s3cr%25et", "s3cr%et"} <= set(s.secret_values())


def test_daily_backups_of_the_file_are_refused_with_a_server() -> None:
    with pytest.raises(SettingsError, match="BACKUP_DIR backs up the SQLite file"):
        settings(database_url="postgresql:///committee", backup_dir="data/backups")
