"""The knowledge base tables: documents, lists and their items, conferences, aliases, links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import aiosqlite

from storage.database import Database
from storage.knowledge_entities import Conference, Document, Item, ItemList, Localized, Name, Ref


@dataclass
class _Extras:
    aliases: list[str] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


_DOCUMENT = (
    "SELECT id, code, kind, date, title_vi, title_en, issuer_vi, issuer_en, summary_vi,"
    " summary_en, coded FROM kb_documents"
)
_LIST = "SELECT id, slug, date, title_vi, title_en, source_vi, source_en FROM kb_lists"
_ITEM = (
    "SELECT id, list_id, number, title_vi, title_en, detail_vi, detail_en, answer_vi,"
    " answer_en FROM kb_items"
)
_CONFERENCE = (
    "SELECT id, slug, date, title_vi, title_en, place_vi, place_en, chaired_by_vi,"
    " chaired_by_en, decided_vi, decided_en FROM kb_conferences"
)
_NAMES = {
    "document": "SELECT d.id, a.key FROM kb_aliases a JOIN kb_documents d"
    " ON d.code = a.owner_key WHERE a.owner_kind = 'document' ORDER BY d.id, a.position",
    "list": "SELECT l.id, a.key FROM kb_aliases a JOIN kb_lists l"
    " ON l.slug = a.owner_key WHERE a.owner_kind = 'list' ORDER BY l.id, a.position",
}
# The entities of one kind linked to (?1 kind, ?2 key), whichever side declared the link.
_RELATED = {
    "document": "SELECT 'document', id, code, title_vi, title_en, date, coded FROM kb_documents"
    " WHERE code IN (SELECT target_key FROM kb_links WHERE owner_kind = ?1"
    " AND owner_key = ?2 AND target_kind = 'document' UNION SELECT owner_key FROM kb_links"
    " WHERE target_kind = ?1 AND target_key = ?2 AND owner_kind = 'document')"
    " ORDER BY date IS NULL, date, code",
    "list": "SELECT 'list', id, slug, title_vi, title_en, date, 1 FROM kb_lists"
    " WHERE slug IN (SELECT target_key FROM kb_links WHERE owner_kind = ?1"
    " AND owner_key = ?2 AND target_kind = 'list' UNION SELECT owner_key FROM kb_links"
    " WHERE target_kind = ?1 AND target_key = ?2 AND owner_kind = 'list')"
    " ORDER BY date IS NOT NULL, date, id",  # undated first, as SQLite puts NULL
    "conference": "SELECT 'conference', id, slug, title_vi, title_en, date, 1"
    " FROM kb_conferences"
    " WHERE slug IN (SELECT target_key FROM kb_links WHERE owner_kind = ?1"
    " AND owner_key = ?2 AND target_kind = 'conference' UNION SELECT owner_key FROM kb_links"
    " WHERE target_kind = ?1 AND target_key = ?2 AND owner_kind = 'conference')"
    " ORDER BY date, id",
}


class KnowledgeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def documents(self) -> list[Document]:
        rows = await self.db.fetchall(f"{_DOCUMENT} ORDER BY code")
        extras = await self._extras("document")
        return [_document(row, extras[row[1]]) for row in rows]

    async def document(self, document_id: int) -> Document | None:
        row = await self.db.fetchone(f"{_DOCUMENT} WHERE id = ?", (document_id,))
        return _document(row, (await self._extras("document", row[1]))[row[1]]) if row else None

    async def item_lists(self) -> list[ItemList]:
        """Every list with its items, newest first."""
        rows = await self.db.fetchall(f"{_LIST} ORDER BY date IS NULL, date DESC, id")
        extras = await self._extras("list")
        items = defaultdict(list)
        for item in await self.db.fetchall(f"{_ITEM} ORDER BY list_id, position"):
            items[item[1]].append(_item(item))
        return [_item_list(row, items[row[0]], extras[row[1]]) for row in rows]

    async def item_list(self, list_id: int) -> ItemList | None:
        row = await self.db.fetchone(f"{_LIST} WHERE id = ?", (list_id,))
        if row is None:
            return None
        items = await self.db.fetchall(f"{_ITEM} WHERE list_id = ? ORDER BY position", (row[0],))
        extras = await self._extras("list", row[1])
        return _item_list(row, [_item(item) for item in items], extras[row[1]])

    async def list_id(self, slug: str) -> int | None:
        row = await self.db.fetchone("SELECT id FROM kb_lists WHERE slug = ?", (slug,))
        return int(row[0]) if row else None

    async def item(self, item_id: int) -> Item | None:
        row = await self.db.fetchone(f"{_ITEM} WHERE id = ?", (item_id,))
        return _item(row) if row else None

    async def conferences(self) -> list[Conference]:
        rows = await self.db.fetchall(f"{_CONFERENCE} ORDER BY date DESC, id")
        return [await self._conference(row) for row in rows]

    async def conference(self, conference_id: int) -> Conference | None:
        row = await self.db.fetchone(f"{_CONFERENCE} WHERE id = ?", (conference_id,))
        return await self._conference(row) if row else None

    async def _conference(self, row: aiosqlite.Row) -> Conference:
        figures = await self.db.fetchall(
            "SELECT text_vi, text_en FROM kb_figures WHERE conference_id = ? ORDER BY position",
            (row[0],),
        )
        links = (await self._extras("conference", row[1]))[row[1]].links
        return Conference(
            slug=row[1], date=date.fromisoformat(row[2]), title=Localized(row[3], row[4]),
            place=Localized(row[5], row[6]), chaired_by=Localized(row[7], row[8]),
            decided=Localized(row[9], row[10]), figures=tuple(Localized(*f) for f in figures),
            documents=tuple(links["document"]), lists=tuple(links["list"]), id=row[0],
        )

    async def names(self, kind: str) -> list[Name]:
        """Every name of every document (or list), the candidates of a loose lookup."""
        rows = await self.db.fetchall(_NAMES[kind])
        return [Name(*row) for row in rows]

    async def related(self, kind: str, key: str, target_kind: str) -> list[Ref]:
        """Entities of ``target_kind`` linked to (kind, key), whichever side declared it."""
        rows = await self.db.fetchall(_RELATED[target_kind], (kind, key))
        return [Ref(r[0], r[1], r[2], Localized(r[3], r[4]), _day(r[5]), bool(r[6]))
                for r in rows]

    async def _extras(self, kind: str, key: str | None = None) -> dict[str, _Extras]:
        """Aliases and declared links of one owner, or of every owner of ``kind``."""
        found: dict[str, _Extras] = defaultdict(_Extras)
        for row in await self.db.fetchall(
            "SELECT owner_key, alias FROM kb_aliases WHERE owner_kind = ?1"
            " AND (?2 IS NULL OR owner_key = ?2) AND position > 0 ORDER BY owner_key, position",
            (kind, key),
        ):
            found[row[0]].aliases.append(row[1])
        for row in await self.db.fetchall(
            "SELECT owner_key, target_kind, target_key FROM kb_links WHERE owner_kind = ?1"
            " AND (?2 IS NULL OR owner_key = ?2) ORDER BY owner_key, target_kind, position",
            (kind, key),
        ):
            found[row[0]].links[row[1]].append(row[2])
        return found


def _document(row: aiosqlite.Row, extras: _Extras) -> Document:
    return Document(
        code=row[1], kind=row[2], date=_day(row[3]), title=Localized(row[4], row[5]),
        issuer=Localized(row[6], row[7]), summary=Localized(row[8], row[9]),
        aliases=tuple(extras.aliases), cited_in=tuple(extras.links["conference"]),
        lists=tuple(extras.links["list"]), id=row[0], coded=bool(row[10]),
    )


def _item(row: aiosqlite.Row) -> Item:
    return Item(
        number=row[2], title=Localized(row[3], row[4]), detail=Localized(row[5], row[6]),
        answer=Localized(row[7], row[8]), id=row[0], list_id=row[1],
    )


def _item_list(row: aiosqlite.Row, items: list[Item], extras: _Extras) -> ItemList:
    conference = extras.links["conference"]
    return ItemList(
        slug=row[1], date=_day(row[2]), title=Localized(row[3], row[4]),
        source=Localized(row[5], row[6]), items=tuple(items),
        conference=conference[0] if conference else None,
        documents=tuple(extras.links["document"]), aliases=tuple(extras.aliases), id=row[0],
    )
