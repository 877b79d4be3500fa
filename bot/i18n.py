"""gettext catalogues, the current language, and locale-aware dates.

Message ids are English sentences with named placeholders. The language of the update being
handled (or of the recipient a reminder goes to) lives in a ContextVar, so concurrent tasks
never see each other's language.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("vi", "en")
DOMAIN = "messages"
# The catalogues of a source checkout (and of an editable install, which points into one).
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
# Compiled into the package when a wheel is built (locales/build_hook.py).
PACKAGED_DIR = Path(__file__).resolve().parent / "locales"

_language: ContextVar[str] = ContextVar("language", default="vi")


class CatalogueMissingError(RuntimeError):
    """A catalogue is absent: the bot would silently speak the wrong language."""


@cache
def catalogue(language: str) -> _gettext.GNUTranslations:
    """The wheel's compiled catalogue, or else the checkout's ``.po`` file, compiled now.

    Compiling at start (a few milliseconds with Babel) means a checkout can never run with a
    stale or missing ``.mo`` file, whatever way it was installed or started.
    """
    compiled = PACKAGED_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if compiled.is_file():
        with compiled.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    source = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not source.is_file():
        raise CatalogueMissingError(
            f"The {language} catalogue is missing: neither {compiled} (built into the package) "
            f"nor {source} (in a source checkout) exists. Reinstall committee-bot, or restore "
            "locales/ from the repository."
        )
    with source.open("rb") as handle:
        parsed = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def load_catalogues() -> None:
    """Fail at start rather than on the first message if a catalogue is missing."""
    for language in LANGUAGES:
        catalogue(language)


def normalize_language(code: str | None, default: str = "en") -> str:
    """Map Telegram's ``language_code`` (``vi``, ``vi-VN``, ``en-US``...) to vi or en."""
    if not code:
        return default
    return "vi" if code.lower().startswith("vi") else "en"


def current_language() -> str:
    return _language.get()


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else LANGUAGES[0])


@contextmanager
def use_language(language: str) -> Iterator[None]:
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    return catalogue(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


_DATETIME_PATTERNS = {"vi": "HH:mm, EEEE dd/MM/yyyy", "en": "EEEE d MMMM yyyy, HH:mm"}


def format_datetime(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the reader expects it: their language, the committee's zone."""
    return _formatted_datetime(moment, zone, _language.get())


@lru_cache(maxsize=4096)
def _formatted_datetime(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """Cached: a burst of reminders repeats the same few deadlines, and Babel is slow."""
    return _babel_datetime(moment, _DATETIME_PATTERNS[language], tzinfo=zone, locale=language)


def format_date(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone).date()
    if _language.get() == "vi":
        return _babel_date(local, "dd/MM/yyyy", locale="vi")
    return _babel_date(local, "d MMMM yyyy", locale="en")


# Babel's relative times read "sau 4 tuần nữa" in Vietnamese ("after 4 weeks more"): both
# words say "ahead". Ours come from the catalogue: "còn 4 tuần" / "in 4 weeks".
_UNITS = (
    (365 * 86400, lambda n: ngettext("{n} year", "{n} years", n)),
    (30 * 86400, lambda n: ngettext("{n} month", "{n} months", n)),
    (7 * 86400, lambda n: ngettext("{n} week", "{n} weeks", n)),
    (86400, lambda n: ngettext("{n} day", "{n} days", n)),
    (3600, lambda n: ngettext("{n} hour", "{n} hours", n)),
    (60, lambda n: ngettext("{n} minute", "{n} minutes", n)),
)


def format_relative(seconds: int) -> str:
    """How far ahead (positive) or back (negative) a moment is, in the largest fitting unit."""
    return _formatted_relative(seconds, _language.get())


@lru_cache(maxsize=4096)
def _formatted_relative(seconds: int, language: str) -> str:
    """Cached like dates: a burst of reminders repeats the same few distances."""
    distance = abs(seconds)
    for size, spell in _UNITS:  # the first unit with at least 1.5 of it, as Babel rounds
        if distance / size >= 1.5 or size == 60:
            count = max(1, round(distance / size))
            duration = spell(count).format(n=count)
            break
    return (_("in {duration}") if seconds >= 0 else _("{duration} ago")).format(
        duration=duration)
