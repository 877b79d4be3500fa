"""Lookup answers as Telegram HTML in the reader's language, each with its buttons.

Every text from the knowledge base is escaped here. A text missing in the reader's language is
shown in the other one, and the answer ends with a note saying so.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import N_, _, current_language, format_date, ngettext
from bot.knowledge.service import ConferenceView, DocumentView, ItemView, ListView
from bot.text import pack_pages
from handlers.paging import page_buttons
from storage.knowledge_entities import (
    Conference,
    Document,
    Item,
    ItemList,
    Localized,
    Ref,
)

PER_PAGE = 8  # catalogue entries per page: each gets a button, and the page stays short
LINE_TITLE = 110  # characters of a title in a one-line entry
BUTTON_TEXT = 40
_UTC = ZoneInfo("UTC")

KIND_HEADINGS = {
    "resolution": N_("Resolutions"), "directive": N_("Directives"),
    "regulation": N_("Regulations"), "decision": N_("Decisions"),
    "programme": N_("Programmes"), "project": N_("Projects"), "conclusion": N_("Conclusions"),
    "notice": N_("Notices"), "plan": N_("Plans"), "guidance": N_("Guidance"),
}
KIND_TITLES = {
    "resolution": N_("Resolution {code}"), "directive": N_("Directive {code}"),
    "regulation": N_("Regulation {code}"), "decision": N_("Decision {code}"),
    "programme": N_("Programme {code}"), "project": N_("Project {code}"),
    "conclusion": N_("Conclusion {code}"),
    "notice": N_("Notice {code}"), "plan": N_("Plan {code}"), "guidance": N_("Guidance {code}"),
}
ICONS = {"document": "📄", "list": "📋", "conference": "🏛", "item": "▫️"}
OPEN = {"document": "d", "list": "l", "item": "i", "conference": "c"}  # button actions
# What each action's button carries: open an entity by row id, or turn a catalogue's page.
ACTIONS = {"d": callbacks.OPEN_DOCUMENT, "l": callbacks.OPEN_LIST, "i": callbacks.OPEN_ITEM,
           "c": callbacks.OPEN_CONFERENCE, "dp": callbacks.DOCUMENTS_PAGE,
           "lp": callbacks.LISTS_PAGE, "cp": callbacks.CONFERENCES_PAGE}


@dataclass(frozen=True)
class Answer:
    """One or more message texts; the buttons go under the last one."""

    pages: list[str]
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Entry:
    """One line of a catalogue and its button."""

    line: str  # HTML
    button: str  # plain text
    action: tuple[str, int]  # what the button opens
    group: str = ""  # heading shown where the group changes


class Texts:
    """Picks texts in the reader's language, remembering whether one had to fall back."""

    def __init__(self) -> None:
        self.language = current_language()
        self.fell_back = False

    def __call__(self, value: Localized, limit: int | None = None) -> str:
        """The text as HTML (escaped), shortened to ``limit`` characters if given."""
        return html.escape(self.plain(value, limit))

    def plain(self, value: Localized, limit: int | None = None) -> str:
        """The text unescaped, for button labels."""
        text, fell_back = value.pick(self.language)
        self.fell_back = self.fell_back or fell_back
        return _short(text, limit) if limit else text

    def note(self) -> list[str]:
        if not self.fell_back:
            return []
        return [_("<i>Some parts are not yet translated into English and are shown in "
                  "Vietnamese.</i>")]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def day(value: date) -> str:
    """A calendar day in the reader's form (dd/MM/yyyy or d MMMM yyyy)."""
    return format_date(datetime.combine(value, time(12), tzinfo=UTC), _UTC)


def button(label: str, action: str, number: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(_short(label, BUTTON_TEXT),
                                callback_data=ACTIONS[action].pack(number))


def button_rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list]:
    return [list(buttons[n:n + width]) for n in range(0, len(buttons), width)]


def keyboard(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def code_of(entity: Document | Ref) -> str | None:
    """A document's official code; None for a document the sources name without one (its
    title names it) and for lists and conferences."""
    if isinstance(entity, Document):
        return entity.code if entity.coded else None
    return entity.key if entity.kind == "document" and entity.coded else None


def document_label(doc: Document, texts: Texts) -> str:
    """What names a document on a button: its code, or its title when it has none."""
    return code_of(doc) or texts.plain(doc.title)


def _ref_buttons(refs: list[Ref], texts: Texts) -> list[InlineKeyboardButton]:
    buttons = []
    for ref in refs:
        label = code_of(ref) or texts.plain(ref.title)
        if ref.kind == "conference" and ref.date:
            label = day(ref.date)
        buttons.append(button(f"{ICONS[ref.kind]} {label}", OPEN[ref.kind], ref.id))
    return buttons


def _ref_lines(heading: str, refs: list[Ref], texts: Texts) -> list[str]:
    if not refs:
        return []
    lines = [_line(texts(ref.title, LINE_TITLE), code_of(ref), ref.date) for ref in refs]
    return ["\n".join([heading, *lines])]


def _answer(blocks: list[str], texts: Texts, rows: list[list[InlineKeyboardButton]]) -> Answer:
    return Answer(pack_pages([block for block in blocks if block] + texts.note()), keyboard(rows))


# ---- catalogues -----------------------------------------------------------------------
def catalogue(
    heading: str, entries: list[Entry], page: int, pager: str, texts: Texts
) -> Answer | None:
    """One page of entries, a button for each, and buttons to turn the page; None for a page
    past the end (the catalogue shrank since the button was made)."""
    pages = max(1, -(-len(entries) // PER_PAGE))
    if not 0 <= page < pages:
        return None
    shown = entries[page * PER_PAGE:(page + 1) * PER_PAGE]
    lines, group = [heading], ""
    for entry in shown:
        if entry.group and entry.group != group:
            lines += ["", f"<b>{html.escape(entry.group)}</b>"]
            group = entry.group
        lines.append(entry.line)
    buttons = [button(e.button, *e.action) for e in shown]
    rows = [*button_rows(buttons, 2),
            page_buttons(lambda n: ACTIONS[pager].pack(n + 1), page, pages)]
    return Answer(["\n".join(lines + texts.note())], keyboard(rows))


def _line(title: str, label: str | None, when: date | None) -> str:
    """``• <b>label</b> — title (date)``, each part optional but the title; HTML given."""
    if label:
        title = _("<b>{label}</b> — {title}").format(label=html.escape(label), title=title)
    if when:
        return _("• {title} ({date})").format(title=title, date=day(when))
    return _("• {title}").format(title=title)


def documents_page(docs: list[Document], page: int) -> Answer | None:
    texts = Texts()
    entries = [Entry(_line(texts(doc.title, LINE_TITLE), code_of(doc), doc.date),
                     document_label(doc, texts), ("d", doc.id), _(KIND_HEADINGS[doc.kind]))
               for doc in docs]
    heading = _("<b>Documents</b> ({count}). Tap one for its summary.").format(count=len(docs))
    return catalogue(heading, entries, page, "dp", texts)


def lists_page(lists: list[ItemList], page: int) -> Answer | None:
    texts = Texts()
    entries = []
    for item_list in lists:
        count = ngettext("{count} item", "{count} items", len(item_list.items)).format(
            count=len(item_list.items))
        title = _("<b>{title}</b> — {items}").format(
            title=texts(item_list.title, LINE_TITLE), items=count)
        entries.append(Entry(_line(title, None, item_list.date), texts.plain(item_list.title),
                             ("l", item_list.id)))
    heading = _("<b>Lists</b> ({count}). Tap one to open it.").format(count=len(lists))
    return catalogue(heading, entries, page, "lp", texts)


def conferences_page(conferences: list[Conference], page: int) -> Answer | None:
    texts = Texts()
    entries = [Entry(_line(texts(c.title, LINE_TITLE), None, c.date), texts.plain(c.title),
                     ("c", c.id)) for c in conferences]
    heading = _("<b>Conferences</b> ({count}). Tap one for what it decided.").format(
        count=len(conferences))
    return catalogue(heading, entries, page, "cp", texts)


# ---- one entity -------------------------------------------------------------------------
def _is_code(alias: str) -> bool:
    """Another spelling of a code (39/NQ-TW, the former 08-QĐ/TU), not a name in words such
    as "Nghị quyết 39" or "Resolution 39", which would be in one language only."""
    return " " not in alias and any(ch.isdigit() for ch in alias)


def document_view(view: DocumentView) -> Answer:
    texts, doc = Texts(), view.document
    code = code_of(doc)
    if code:
        head = [f"<b>{_(KIND_TITLES[doc.kind]).format(code=html.escape(code))}</b>",
                f"<i>{texts(doc.title)}</i>"]
    else:  # the title is how the sources name it
        head = [f"<b>{texts(doc.title)}</b>"]
    if doc.issuer:
        head.append(_("Issued by: {issuer}").format(issuer=texts(doc.issuer)))
    if doc.date:
        head.append(_("Date: {date}").format(date=day(doc.date)))
    spellings = [alias for alias in doc.aliases if _is_code(alias)]
    if spellings:
        head.append(_("Also written: {aliases}").format(aliases=html.escape(", ".join(spellings))))
    blocks = ["\n".join(head), texts(doc.summary) if doc.summary else ""]
    blocks += _ref_lines(_("<b>Lists that refer to it</b>"), view.lists, texts)
    blocks += _ref_lines(_("<b>Cited at these conferences</b>"), view.conferences, texts)
    refs = _ref_buttons(view.lists, texts) + _ref_buttons(view.conferences, texts)
    return _answer(blocks, texts, button_rows(refs, 2))


def list_view(view: ListView, full: bool = False) -> Answer:
    """A list's items by their headings, a button each; ``full`` shows every item's whole
    text instead (a short list people read through, such as /sixtasks), on as many pages as
    it needs."""
    texts, item_list = Texts(), view.item_list
    head = [f"<b>{texts(item_list.title)}</b>"]
    if item_list.source:
        head.append(_("Source: {source}").format(source=texts(item_list.source)))
    if item_list.date:
        head.append(_("Date: {date}").format(date=day(item_list.date)))
    if full:
        blocks = ["\n".join(head), *[_item_text(item, texts) for item in item_list.items]]
        numbers = []
    else:
        items = [_("<b>{number}.</b> {title}").format(number=html.escape(item.number),
                                                      title=texts(item.title))
                 for item in item_list.items]
        blocks = ["\n".join(head), "\n".join(items), _("Tap a number to read that item.")]
        numbers = [button(item.number, "i", item.id) for item in item_list.items]
    blocks += _ref_lines(_("<b>Conference</b>"), view.conferences, texts)
    blocks += _ref_lines(_("<b>Documents</b>"), view.documents, texts)
    refs = _ref_buttons(view.conferences, texts) + _ref_buttons(view.documents, texts)
    return _answer(blocks, texts, button_rows(numbers, 6) + button_rows(refs, 2))


def _item_text(item: Item, texts: Texts) -> str:
    """An item's heading, then its whole text and the answer to it, if any."""
    lines = [_("<b>{number}. {title}</b>").format(number=html.escape(item.number),
                                                 title=texts(item.title))]
    if item.detail:
        lines.append(texts(item.detail))
    if item.answer:
        lines.append(_("<b>Answer:</b> {answer}").format(answer=texts(item.answer)))
    return "\n".join(lines)


def item_view(view: ItemView) -> Answer:
    texts, item, item_list = Texts(), view.item, view.item_list
    blocks = [f"<i>{texts(item_list.title)}</i>\n" + _("<b>{number}. {title}</b>").format(
        number=html.escape(item.number), title=texts(item.title))]
    if item.detail:
        blocks.append(texts(item.detail))
    if item.answer:
        blocks.append(_("<b>Answer:</b> {answer}").format(answer=texts(item.answer)))
    items = item_list.items
    at = [other.id for other in items].index(item.id)
    row = []
    if at > 0:
        row.append(button(_("‹ {number}").format(number=items[at - 1].number), "i",
                          items[at - 1].id))
    row.append(button(_("Whole list"), "l", item_list.id))
    if at + 1 < len(items):
        row.append(button(_("{number} ›").format(number=items[at + 1].number), "i",
                          items[at + 1].id))
    return _answer(blocks, texts, [row])


def conference_view(view: ConferenceView) -> Answer:
    texts, conference = Texts(), view.conference
    head = [f"<b>{texts(conference.title)}</b>",
            _("Date: {date}").format(date=day(conference.date))]
    if conference.place:
        head.append(_("Place: {place}").format(place=texts(conference.place)))
    if conference.chaired_by:
        head.append(_("Chaired by: {people}").format(people=texts(conference.chaired_by)))
    blocks = ["\n".join(head), texts(conference.decided) if conference.decided else ""]
    if conference.figures:
        figures = [_("• {title}").format(title=texts(figure)) for figure in conference.figures]
        blocks.append("\n".join([_("<b>Key figures</b>"), *figures]))
    blocks += _ref_lines(_("<b>Lists</b>"), view.lists, texts)
    blocks += _ref_lines(_("<b>Documents</b>"), view.documents, texts)
    refs = _ref_buttons(view.lists, texts) + _ref_buttons(view.documents, texts)
    return _answer(blocks, texts, button_rows(refs, 2))

