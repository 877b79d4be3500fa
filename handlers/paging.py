"""Inline "previous / next" buttons for long lists; the page is re-rendered on each press."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _

CALLBACK_LIMIT = 64  # bytes, Telegram's limit on callback_data
NOOP = "noop"


def callback(*parts: object) -> str:
    """Join parts into callback data, refusing what Telegram would reject."""
    data = ":".join(str(part) for part in parts)
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes: {data!r}")
    return data


def page_buttons(prefix: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    """The navigation row for page ``page`` (0-based) of ``pages``; empty for one page."""
    if pages <= 1:
        return []
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(_("‹ Previous"), callback_data=callback(prefix, page - 1)))
    row.append(InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=NOOP))
    if page < pages - 1:
        row.append(InlineKeyboardButton(_("Next ›"), callback_data=callback(prefix, page + 1)))
    return row


def page_keyboard(prefix: str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    row = page_buttons(prefix, page, pages)
    return InlineKeyboardMarkup([row]) if row else None
