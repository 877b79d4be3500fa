"""Search results and "which one?" choices, as HTML with a button per entry."""

from __future__ import annotations

import html

from bot.i18n import _
from bot.knowledge.service import Found, SearchResult
from bot.text import pack_pages
from handlers.lookup_views import ICONS, OPEN, Answer, Texts, button, button_rows, day, keyboard


def choices(text: str, options: list[tuple[str, str, int]]) -> Answer:
    """A question with one button per (label, action, number) option."""
    return Answer([text], keyboard(button_rows([button(*option) for option in options], 1)))


def search_view(query: str, result: SearchResult) -> Answer:
    """The ranked hits with their snippets; or why nothing was found, and what to try."""
    shown = html.escape(query)
    if not result.found:
        return Answer([_("Nothing found for “{query}”.").format(query=shown) + "\n"
                       + _("Try other or fewer words, or browse with /directives and /lists.")])
    if result.partial:
        heading = _("Nothing contains all of “{query}”; these contain some of the words.").format(
            query=shown)
    elif result.corrected:
        heading = _("Nothing found for “{query}”; showing results for “{corrected}”.").format(
            query=shown, corrected=html.escape(result.corrected))
    else:
        heading = _("<b>Results for “{query}”</b>").format(query=shown)
    texts = Texts()
    blocks = [f"{n}. {_headline(found, texts)}\n{found.snippet}"
              for n, found in enumerate(result.found, 1)]
    blocks += [_("Tap a number to open that entry."), *texts.note()]
    buttons = [button(str(n), OPEN[found.kind], found.id)
               for n, found in enumerate(result.found, 1)]
    return Answer(pack_pages([heading, *blocks]), keyboard(button_rows(buttons, 5)))


def _headline(found: Found, texts: Texts) -> str:
    title = texts(found.title, 160)
    icon = ICONS[found.kind]
    if found.kind == "document" and found.label:
        return f"{icon} <b>{html.escape(found.label)}</b> — {title}"
    if found.kind == "item":
        assert found.parent is not None
        return _("{icon} <b>{number}. {title}</b> (in: {list})").format(
            icon=icon, number=html.escape(found.label), title=title,
            list=texts(found.parent, 80))
    if found.kind == "conference" and found.date:
        return f"{icon} <b>{day(found.date)}</b> — {title}"
    return f"{icon} <b>{title}</b>"
