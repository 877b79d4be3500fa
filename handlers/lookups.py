"""Lookups: /directives, /directive, /sixtasks, /eighttasks, /lists, /list, /find, /conference.

Buttons (``lookup_views.ACTIONS``) open a document, list, item or conference by row id, or turn
a page of the documents, lists or conferences.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.i18n import _
from bot.knowledge.service import EIGHT_TASKS, SIX_TASKS
from handlers import lookup_import
from handlers.context import BotContext, out_of_date, reply
from handlers.lookup_search import choices, search_view
from handlers.lookup_views import (
    ACTIONS,
    Answer,
    Texts,
    conference_view,
    conferences_page,
    document_label,
    document_view,
    documents_page,
    item_view,
    list_view,
    lists_page,
)

SEARCH_LIMIT = 8  # results: enough to choose from, few enough to fit one message
SUGGESTED_DOCUMENTS = 3  # documents offered when a list's name is a document's


async def send(update: Update, context: BotContext, answer: Answer) -> None:
    """Send internal material, protected from forwarding and saving when so configured."""
    protect = context.services.settings.protect_content
    for page in answer.pages[:-1]:
        await reply(update, page, protect_content=protect)
    await reply(update, answer.pages[-1], reply_markup=answer.markup, protect_content=protect)


# What people type is cut to this length: it is echoed in answers, and a search costs time in
# proportion to its words.
QUERY_LIMIT = 200


def _argument(context: BotContext) -> str:
    return " ".join(context.args or []).strip()[:QUERY_LIMIT]


# ---- catalogues -----------------------------------------------------------------------
async def _documents_page(context: BotContext, page: int) -> Answer | None:
    return documents_page(await context.services.knowledge.documents(), page)


async def _lists_page(context: BotContext, page: int) -> Answer | None:
    return lists_page(await context.services.knowledge.item_lists(), page)


async def _conferences_page(context: BotContext, page: int) -> Answer | None:
    return conferences_page(await context.services.knowledge.conferences(), page)


_PAGERS = {"dp": _documents_page, "lp": _lists_page, "cp": _conferences_page}


async def _first_page(update: Update, context: BotContext, pager: str) -> None:
    answer = await _PAGERS[pager](context, 0)
    assert answer is not None  # the first page always exists
    await send(update, context, answer)


async def directives(update: Update, context: BotContext) -> None:
    """List every document, grouped by kind, a page at a time."""
    await _first_page(update, context, "dp")


async def lists(update: Update, context: BotContext) -> None:
    """List every list from the sources, a page at a time."""
    await _first_page(update, context, "lp")


# ---- one entity -------------------------------------------------------------------------
async def _document(context: BotContext, number: int) -> Answer | None:
    view = await context.services.knowledge.document(number)
    return document_view(view) if view else None


async def _list(context: BotContext, number: int) -> Answer | None:
    view = await context.services.knowledge.item_list(number)
    return list_view(view) if view else None


async def _item(context: BotContext, number: int) -> Answer | None:
    view = await context.services.knowledge.item(number)
    return item_view(view) if view else None


async def _conference(context: BotContext, number: int) -> Answer | None:
    view = await context.services.knowledge.conference(number)
    return conference_view(view) if view else None


async def directive(update: Update, context: BotContext) -> None:
    """Show a document's summary, its lists and conferences, by a loosely written code."""
    code = _argument(context)
    if not code:
        await reply(update, _("Which document? Examples: <code>/directive 39</code>, "
                              "<code>/directive 138-QĐ/TW</code>. Send /directives to see "
                              "them all."))
        return
    knowledge = context.services.knowledge
    docs = await knowledge.find_documents(code)
    if len(docs) == 1:
        await send(update, context, document_view(await knowledge.view_document(docs[0])))
    elif docs:
        text = _("Several documents match “{code}”. Which one?").format(code=html.escape(code))
        texts = Texts()
        await send(update, context, choices(text, [(document_label(d, texts), "d", d.id)
                                                   for d in docs]))
    else:
        await reply(update, _("No document matches “{code}”. Send /directives to see them "
                              "all, or search the texts with <code>/find {code}</code>.").format(
            code=html.escape(code)))


async def _well_known(update: Update, context: BotContext, slug: str) -> None:
    view = await context.services.knowledge.well_known(slug)
    if view is None:
        await reply(update, _("That list is not loaded. Send /lists to see the lists."))
        return
    await send(update, context, list_view(view, full=True))


async def six_tasks(update: Update, context: BotContext) -> None:
    """Show the "6 key tasks" for commune-level key cadres, each in full."""
    await _well_known(update, context, SIX_TASKS)


async def eight_tasks(update: Update, context: BotContext) -> None:
    """Show the "8 tasks" for 2023, each in full."""
    await _well_known(update, context, EIGHT_TASKS)


async def one_list(update: Update, context: BotContext) -> None:
    """Show a list by its id or any alias, marks and case ignored."""
    name = _argument(context)
    if not name:
        await reply(update, _("Which list? Example: <code>/list 6 nhiem vu</code>. Send /lists "
                              "to see them all."))
        return
    knowledge, texts = context.services.knowledge, Texts()
    found = await knowledge.find_lists(name)
    if len(found) == 1:
        await send(update, context, list_view(await knowledge.view_list(found[0])))
        return
    documents = []
    if not found:  # a name may be a document's: "5 nhiệm vụ chung" is Decision 137's
        documents = (await knowledge.find_documents(name))[:SUGGESTED_DOCUMENTS]
        found = await knowledge.similar_lists(name)
        text = _("No list is called “{name}”.").format(name=html.escape(name))
        if not found and not documents:
            await reply(update, text + " " + _("Send /lists to see them all."))
            return
        text += " " + _("Did you mean one of these?")
    else:
        text = _("Several lists match “{name}”. Which one?").format(name=html.escape(name))
    await send(update, context, choices(
        text, [(document_label(d, texts), "d", d.id) for d in documents]
        + [(texts.plain(tl.title), "l", tl.id) for tl in found]))


async def conference(update: Update, context: BotContext) -> None:
    """Show a conference by its date or id; without one, list them all."""
    wanted = _argument(context)
    if not wanted:
        await _first_page(update, context, "cp")
        return
    knowledge = context.services.knowledge
    found = await knowledge.find_conferences(wanted)
    if len(found) == 1:
        await send(update, context, conference_view(await knowledge.view_conference(found[0])))
    elif found:
        texts = Texts()
        await send(update, context, choices(
            _("Several conferences match “{what}”. Which one?").format(what=html.escape(wanted)),
            [(texts.plain(c.title), "c", c.id) for c in found]))
    else:
        await reply(update, _("No conference matches “{what}”. Send /conference to see them "
                              "all.").format(what=html.escape(wanted)))


async def find(update: Update, context: BotContext) -> None:
    """Search documents, lists, items and conferences, with or without Vietnamese marks."""
    words = _argument(context)
    if not words:
        await reply(update, _("What should I look for? Example: <code>/find chuyen doi so</code>"))
        return
    result = await context.services.knowledge.search(words, SEARCH_LIMIT)
    answer = search_view(words, result)
    if result.found:
        await send(update, context, answer)
    else:
        await reply(update, answer.pages[0])


# ---- buttons ----------------------------------------------------------------------------
_OPENERS = {"d": _document, "l": _list, "i": _item, "c": _conference}


def _pressed(data: object) -> tuple[str, int] | None:
    """The action a lookup button names and its number, or None if malformed."""
    for action, kind in ACTIONS.items():
        values = kind.parse(data)
        if values is not None:
            return action, values[0]
    return None


def _is_lookup(data: object) -> bool:
    return any(kind.matches(data) for kind in ACTIONS.values())


async def on_press(update: Update, context: BotContext) -> None:
    """Open what a button names (a new message), or turn a catalogue's page (in place)."""
    query = update.callback_query
    assert query is not None
    pressed = _pressed(query.data)
    if pressed is None:
        await out_of_date(update)
        return
    action, number = pressed
    if action in _PAGERS:
        answer = await _PAGERS[action](context, number - 1)
        if answer is None:
            await out_of_date(update)
            return
        await query.answer()
        try:
            await query.edit_message_text(answer.pages[0], reply_markup=answer.markup)
        except BadRequest as error:  # a second press on a page already shown changes nothing
            if "not modified" not in error.message:
                raise
        return
    opened = await _OPENERS[action](context, number)
    if opened is None:
        await out_of_date(update)
        return
    await query.answer()
    await send(update, context, opened)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("directives", directives))
    app.add_handler(CommandHandler("directive", directive))
    app.add_handler(CommandHandler("sixtasks", six_tasks))
    app.add_handler(CommandHandler("eighttasks", eight_tasks))
    app.add_handler(CommandHandler("lists", lists))
    app.add_handler(CommandHandler("list", one_list))
    app.add_handler(CommandHandler("conference", conference))
    app.add_handler(CommandHandler("find", find))
    app.add_handler(CallbackQueryHandler(on_press, pattern=_is_lookup))
    lookup_import.register(app)
