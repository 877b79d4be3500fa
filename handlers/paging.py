"""Inline "previous / next" buttons for long lists; the page is re-rendered on each press."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks
from bot.callbacks import PageTurn
from bot.i18n import _
from handlers.context import reply
from storage.paging import LAST, Cursor, Page

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



@dataclass(frozen=True)
class Shown:
    """Where a keyset page sits: its number (0: not known), how many pages the capped count
    makes, and the sort keys of its first and last rows."""

    number: int
    pages: int
    capped: bool
    first: tuple[int, int]
    last: tuple[int, int]

    @classmethod
    def of(cls, page: Page, asked: int, pages: int, capped: bool,
           key: Callable[[Any], tuple[int, int]]) -> Shown:
        """A stale cursor may have landed on the first or last page: number it as such."""
        if page.first_page:
            number = 1
        elif page.last_page:
            number = 0 if capped else pages
        else:
            number = asked if capped else min(asked, pages)
        return cls(number, pages, capped, key(page.items[0]), key(page.items[-1]))

    @property
    def label(self) -> str:
        total = f"{self.pages}+" if self.capped else str(self.pages)
        return f"{self.number or '…'}/{total}"


def cursor_keyboard(turn: PageTurn, page: Page, shown: Shown,
                    key: str = "") -> InlineKeyboardMarkup | None:
    """‹ Previous, the page's number, Next ›, and Last » while there is more after."""
    row = []
    if page.more_before:
        back = Cursor(*shown.first, forward=False)
        row.append(InlineKeyboardButton(_("‹ Previous"), callback_data=turn.pack(
            back, max(shown.number - 1, 0), key)))
    if page.more_before or page.more_after:
        row.append(InlineKeyboardButton(shown.label, callback_data=callbacks.NOOP.pack()))
    if page.more_after:
        ahead = Cursor(*shown.last)
        row.append(InlineKeyboardButton(_("Next ›"), callback_data=turn.pack(
            ahead, shown.number + 1 if shown.number else 0, key)))
        row.append(InlineKeyboardButton(_("Last »"), callback_data=turn.pack(LAST, 0, key)))
    return InlineKeyboardMarkup([row]) if row else None


async def show_page(update: Update, text: str,
                    markup: InlineKeyboardMarkup | None = None) -> None:
    """Send a list's page, or edit the list in place when one of its buttons was pressed."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await reply(update, text, reply_markup=markup)
