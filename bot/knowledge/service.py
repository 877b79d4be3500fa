"""Lookups of directives, lists and conferences, search, and importing content files."""

from __future__ import annotations

import asyncio
import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.clock import Clock, epoch
from bot.knowledge.codes import best_matches, loose_key
from bot.knowledge.content import Content
from bot.knowledge.loader import BUILTIN, IMPORT, ContentStore, Stored
from bot.knowledge.schema import KINDS, parse
from bot.knowledge.search import Query, corrections, snippet, vocabulary
from storage.audit import AuditRepository
from storage.database import Database
from storage.knowledge import KnowledgeRepository
from storage.knowledge_entities import Conference, Document, Item, ItemList, Localized, Ref
from storage.knowledge_index import Hit, KnowledgeIndex
from storage.knowledge_writes import KnowledgeWriter

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
SIX_TASKS = "six-key-tasks"
EIGHT_TASKS = "eight-tasks-2023"
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class DocumentView:
    document: Document
    lists: list[Ref]
    conferences: list[Ref]


@dataclass(frozen=True)
class ListView:
    item_list: ItemList
    conferences: list[Ref]
    documents: list[Ref]


@dataclass(frozen=True)
class ItemView:
    item: Item
    item_list: ItemList


@dataclass(frozen=True)
class ConferenceView:
    conference: Conference
    documents: list[Ref]
    lists: list[Ref]


@dataclass(frozen=True)
class Found:
    """One search result: what it is, how to open it, and the matched text around the words."""

    kind: str  # document, list, item or conference
    id: int
    label: str  # code, list id, item number or conference id
    title: Localized
    snippet: str  # HTML, escaped, matched words in <b>
    parent: Localized | None = None  # an item's list
    date: date | None = None


@dataclass(frozen=True)
class SearchResult:
    found: list[Found]
    corrected: str | None = None  # the misspelt query was searched as this instead
    partial: bool = False  # no entry has every word; these have some of them


class KnowledgeService:
    def __init__(self, db: Database, clock: Clock, content_dir: Path = CONTENT_DIR) -> None:
        self.db = db
        self.clock = clock
        self.content_dir = content_dir
        self.repository = KnowledgeRepository(db)
        self.index = KnowledgeIndex(db)
        self.store = ContentStore(KnowledgeWriter(), self.index)
        self.audit = AuditRepository(db)

    # ---- loading -----------------------------------------------------------------------
    async def load_builtin(self) -> Stored:
        """Upsert the shipped files, so that editing one and restarting updates the bot."""
        content = Content()
        for path in sorted(self.content_dir.glob("*/*.yaml")):
            content.add(parse(path.read_bytes(), str(path.relative_to(self.content_dir))))
        async with self.db.transaction() as conn:
            return await self.store.store(conn, content, BUILTIN)

    async def import_file(self, data: bytes | str, source: str, actor_id: int | None) -> Stored:
        """Add or replace what one file declares: all of it, or (on any error) nothing."""
        content = parse(data, source)
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            stored = await self.store.store(conn, content, IMPORT)
            for verb, entries in (("added", stored.added), ("replaced", stored.replaced)):
                for kind, key in entries:
                    await self.audit.record(
                        conn, at=now, actor_id=actor_id, action="import",
                        target=f"{kind}:{key}", details=f"{verb} from {source}",
                    )
        return stored

    # ---- documents ---------------------------------------------------------------------
    async def documents(self) -> list[Document]:
        """Every document: by kind (resolutions first), newest first, undated last."""
        return sorted(await self.repository.documents(), key=_catalogue_order)

    async def find_documents(self, code: str) -> list[Document]:
        """Documents whose code or an alias matches loosely; several when it is ambiguous."""
        names = await self.repository.names("document")
        ids = best_matches(code, [(name.owner_id, name.key) for name in names])
        return [doc for doc in [await self.repository.document(i) for i in ids] if doc]

    async def official_code(self, tag: str) -> str:
        """A task's ``#tag`` as the official code of the one document it names, however it
        was typed (``138-QD/TW``, ``qd138``), else as typed."""
        docs = await self.find_documents(tag)
        return docs[0].code if len(docs) == 1 and docs[0].coded else tag

    async def document(self, document_id: int) -> DocumentView | None:
        doc = await self.repository.document(document_id)
        return await self.view_document(doc) if doc is not None else None

    async def view_document(self, doc: Document) -> DocumentView:
        """A document already read (by ``find_documents``), with what is linked to it."""
        return DocumentView(doc, *await self._linked("document", doc.code, "list", "conference"))

    # ---- lists and items ---------------------------------------------------------------
    async def item_lists(self) -> list[ItemList]:
        return await self.repository.item_lists()

    async def find_lists(self, name: str) -> list[ItemList]:
        """Lists whose id or an alias matches loosely, marks and case ignored."""
        names = await self.repository.names("list")
        return await self._lists(best_matches(name, [(n.owner_id, n.key) for n in names]))

    async def similar_lists(self, name: str) -> list[ItemList]:
        """The lists whose names are closest to a misspelt one."""
        keys = {n.key: n.owner_id for n in await self.repository.names("list")}
        close = difflib.get_close_matches(loose_key(name), keys, n=3, cutoff=0.6)
        return await self._lists(list(dict.fromkeys(keys[key] for key in close)))

    async def _lists(self, ids: list[int]) -> list[ItemList]:
        found = [await self.repository.item_list(list_id) for list_id in ids]
        return [item_list for item_list in found if item_list is not None]

    async def item_list(self, list_id: int) -> ListView | None:
        item_list = await self.repository.item_list(list_id)
        return await self.view_list(item_list) if item_list is not None else None

    async def view_list(self, item_list: ItemList) -> ListView:
        """A list already read (by ``find_lists``), with what is linked to it."""
        return ListView(item_list,
                        *await self._linked("list", item_list.slug, "conference", "document"))

    async def well_known(self, slug: str) -> ListView | None:
        """A list the bot has a command for (/sixtasks, /eighttasks)."""
        list_id = await self.repository.list_id(slug)
        return await self.item_list(list_id) if list_id is not None else None

    async def item(self, item_id: int) -> ItemView | None:
        item = await self.repository.item(item_id)
        item_list = await self.repository.item_list(item.list_id) if item else None
        return ItemView(item, item_list) if item and item_list else None

    # ---- conferences -------------------------------------------------------------------
    async def conferences(self) -> list[Conference]:
        return await self.repository.conferences()

    async def find_conferences(self, text: str) -> list[Conference]:
        """Conferences held on a day (13/01/2023 or 2023-01-13) or matching an id loosely."""
        day = _parse_day(text.strip())
        everything = await self.repository.conferences()
        if day is not None:
            return [conference for conference in everything if conference.date == day]
        wanted = best_matches(text, [(c.id, loose_key(c.slug)) for c in everything])
        return [conference for conference in everything if conference.id in wanted]

    async def conference(self, conference_id: int) -> ConferenceView | None:
        conference = await self.repository.conference(conference_id)
        return await self.view_conference(conference) if conference is not None else None

    async def view_conference(self, conference: Conference) -> ConferenceView:
        """A conference already read (by ``find_conferences``), with what is linked to it."""
        return ConferenceView(
            conference, *await self._linked("conference", conference.slug, "document", "list"))

    async def _linked(self, kind: str, key: str, first: str, second: str
                      ) -> tuple[list[Ref], list[Ref]]:
        """The entities of two kinds linked to (kind, key), read at once: one wait for the
        database's thread instead of two in a row."""
        related = self.repository.related
        return await asyncio.gather(related(kind, key, first), related(kind, key, second))

    # ---- search ------------------------------------------------------------------------
    async def search(self, text: str, limit: int = 10) -> SearchResult:
        """Ranked hits; failing that, hits for the misspelt words corrected, or for some words.

        Corrections come from the indexed vocabulary, so ``digital transfromation`` is searched
        as ``digital transformation``.
        """
        query = Query.parse(text)
        if query is None:
            return SearchResult([])
        found = await self._found(query, limit)
        if found:
            return SearchResult(found)
        fixes = corrections(query, vocabulary(await self.index.folded_texts()))
        if fixes:
            query = query.replaced(fixes)
            found = await self._found(query, limit)
            if found:
                return SearchResult(found, corrected=query.text)
        found = await self._found(query, limit, any_term=True) if len(query.terms) > 1 else []
        return SearchResult(found, partial=bool(found))

    async def _found(self, query: Query, limit: int, any_term: bool = False) -> list[Found]:
        hits = await self.index.search(query.terms, query.exact, any_term, limit * 4)
        best: dict[tuple[str, int], Hit] = {}
        for hit in hits:  # an entity is indexed once per language: keep its best row
            best.setdefault((hit.kind, hit.ref), hit)
        return [
            Found(hit.kind, hit.ref, hit.label, hit.name,
                  snippet(hit.title, hit.body, query.terms), hit.parent or None, hit.date)
            for hit in list(best.values())[:limit]
        ]


def _catalogue_order(doc: Document) -> tuple[int, bool, int, str]:
    kind = KINDS.index(doc.kind) if doc.kind in KINDS else len(KINDS)
    return kind, doc.date is None, -doc.date.toordinal() if doc.date else 0, doc.code


def _parse_day(text: str) -> date | None:
    """A calendar day as officials write it (day first) or in ISO form; None otherwise."""
    match = _DAY_FIRST.match(text)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None
