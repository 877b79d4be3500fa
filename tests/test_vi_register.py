"""The Vietnamese catalogue reads as an office writes: one register, no doubled words."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, format_relative, use_language


def _vi_texts() -> list[str]:
    with (LOCALES_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    texts = []
    for message in catalogue:
        if message.id:
            texts += [message.string] if isinstance(message.string, str) else message.string
    return texts


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"\bbạn\b", "the reader is addressed as “đồng chí”, never “bạn”"),
        # "họ và tên" (full name) is a column heading, not a pronoun.
        (r"\bhọ\b(?! (và )?tên)",
         "comrades are not called “họ”: say “người này”, “người được giao”"),
        (r"\bcủa nó\b", "“của nó” is for things in speech, not in an office's letter"),
        (r"đã đang", "“đã đang” doubles the tense"),
        (r"(?<![.!?:>\n] )(?<!^)Tiếng (Việt|Anh)", "“tiếng Việt” mid-sentence"),
        (r"\bsau\b[^.()]*\bnữa\b", "“sau … nữa” says “ahead” twice"),
        (r"\(Start\)|\bchat\b", "no English words inside Vietnamese text"),
    ],
)
def test_no_vietnamese_message_uses(pattern: str, why: str) -> None:
    offending = [text for text in _vi_texts() if re.search(pattern, text)]
    assert offending == [], why


def test_relative_times_are_said_once() -> None:
    with use_language("vi"):
        assert format_relative(3 * 86400) == "còn 3 ngày"
        assert format_relative(28 * 86400) == "còn 4 tuần"
        assert format_relative(2 * 3600) == "còn 2 giờ"
        assert format_relative(-24 * 3600) == "24 giờ trước"
    with use_language("en"):
        assert format_relative(3 * 86400) == "in 3 days"
        assert format_relative(86400) == "in 24 hours"
        assert format_relative(60) == "in 1 minute"
        assert format_relative(-2 * 86400) == "2 days ago"
