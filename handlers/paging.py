"""Inline "previous / next" buttons for long lists; the page is re-rendered on each press."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import _

PageData = Callable[[int], str]  # callback data that opens page N (0-based)


def page_buttons(data: PageData, page: int, pages: int) -> list[InlineKeyboardButton]:
    """The navigation row for page ``page`` (0-based) of ``pages``; empty for one page."""
    if pages <= 1:
        return []
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(_("‹ Previous"), callback_data=data(page - 1)))
    row.append(InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=callbacks.NOOP.pack()))
    if page < pages - 1:
        row.append(InlineKeyboardButton(_("Next ›"), callback_data=data(page + 1)))
    return row


def page_keyboard(data: PageData, page: int, pages: int) -> InlineKeyboardMarkup | None:
    row = page_buttons(data, page, pages)
    return InlineKeyboardMarkup([row]) if row else None


def page_of(values: tuple[int, ...] | None) -> int | None:
    """The 0-based page a page button names (buttons count from 1), None if malformed."""
    return None if values is None else values[-1] - 1
