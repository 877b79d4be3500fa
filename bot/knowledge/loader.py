"""Storing validated content in one transaction: check references, save, re-index.

Shipped files and admins' imports go through here alike. The one difference is ``origin``: a
restart reloads the shipped files but leaves alone what an admin imported in their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aiosqlite

from bot.i18n import N_
from bot.knowledge.codes import loose_key
from bot.knowledge.content import Content, ContentError, Reference
from bot.knowledge.search import (
    conference_entries,
    document_entries,
    item_entries,
    list_entries,
)
from storage.knowledge_entities import Localized
from storage.knowledge_index import KnowledgeIndex
from storage.knowledge_writes import KnowledgeWriter

BUILTIN = "builtin"
IMPORT = "import"
Key = tuple[str, str]  # (kind, code or slug)


@dataclass(frozen=True)
class Stored:
    """What a load did, entity by entity, as (kind, code or slug)."""

    added: tuple[Key, ...] = ()
    replaced: tuple[Key, ...] = ()
    kept: tuple[Key, ...] = ()  # imported earlier; a restart does not undo that
    # How a reader knows each entity: a document's code, else the title (ids are for files).
    names: dict[Key, Localized] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.replaced)


class ContentStore:
    def __init__(self, writer: KnowledgeWriter, index: KnowledgeIndex) -> None:
        self.writer = writer
        self.index = index

    async def store(self, conn: aiosqlite.Connection, content: Content, origin: str) -> Stored:
        """Check, then save and index everything, inside the caller's transaction.

        Shipped entities that the shipped files no longer declare (a file removed, a code
        respelt as 138-QĐ/TW) are forgotten first, so the new spelling is not refused as a
        second spelling of the old one.
        """
        if origin == BUILTIN:
            await self.writer.forget_builtin(conn, keep=set(content.places))
        existing = await self.writer.origins(conn)
        _check_codes(content, existing)
        _check_references(content, existing)
        added, replaced, kept = [], [], []
        for kind, key in content.places:
            before = existing.get((kind, key))
            if origin == BUILTIN and before == IMPORT:
                kept.append((kind, key))
            else:
                (replaced if before else added).append((kind, key))
        await self._save(conn, content, origin, skip=set(kept))
        return Stored(tuple(added), tuple(replaced), tuple(kept), _reader_names(content))

    async def _save(
        self, conn: aiosqlite.Connection, content: Content, origin: str, skip: set[Key]
    ) -> None:
        documents = [d for d in content.documents if ("document", d.code) not in skip]
        lists = [t for t in content.lists if ("list", t.slug) not in skip]
        conferences = [c for c in content.conferences if ("conference", c.slug) not in skip]
        document_ids = await self.writer.save_documents(
            conn, [(doc, _names(doc.code, doc.aliases)) for doc in documents], origin
        )
        list_ids = await self.writer.save_lists(
            conn, [(tl, _names(tl.slug, tl.aliases)) for tl in lists], origin
        )
        conference_ids = await self.writer.save_conferences(conn, conferences, origin)
        entries = [("document", document_ids[d.code], document_entries(d)) for d in documents]
        for item_list in lists:
            list_id, item_ids = list_ids[item_list.slug]
            entries.append(("list", list_id, list_entries(item_list)))
            entries += [("item", item_id, item_entries(item))
                        for item_id, item in zip(item_ids, item_list.items, strict=True)]
        entries += [("conference", conference_ids[c.slug], conference_entries(c))
                    for c in conferences]
        await self.index.replace(conn, entries)
        await self.index.prune(conn)


def _reader_names(content: Content) -> dict[Key, Localized]:
    names: dict[Key, Localized] = {
        ("document", d.code): Localized(d.code, d.code) if d.coded else d.title
        for d in content.documents}
    names.update({("list", t.slug): t.title for t in content.lists})
    names.update({("conference", c.slug): c.title for c in content.conferences})
    return names


def _names(key: str, aliases: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(name, loose_key(name)) for name in (key, *aliases)]


def _check_codes(content: Content, existing: dict[Key, str]) -> None:
    """Refuse a code that differs from a known one only in spelling (39/NQ-TW vs 39-NQ/TW).

    Two spellings of one code would make two documents that every lookup confuses.
    """
    known = {loose_key(key): key for kind, key in existing if kind == "document"}
    for doc in content.documents:
        other = known.setdefault(loose_key(doc.code), doc.code)
        if other != doc.code:
            source, line = content.places[("document", doc.code)]
            raise ContentError(
                N_("The code {code} is another spelling of {other}, which already exists; write "
                   "{other} to replace that document."),
                line=line, source=source, code=doc.code, other=other,
            )


def _check_references(content: Content, existing: dict[Key, str]) -> None:
    known = set(existing) | set(content.places)
    for reference in content.references:
        if (reference.kind, reference.key) not in known:
            raise _unknown(reference, known)


_UNKNOWN = {
    "document": N_("{field} names the document {key}, which does not exist."),
    "list": N_("{field} names the list {key}, which does not exist."),
    "conference": N_("{field} names the conference {key}, which does not exist."),
}


def _unknown(reference: Reference, known: set[Key]) -> ContentError:
    if reference.kind == "document":
        wanted = loose_key(reference.key)
        for kind, key in known:
            if kind == "document" and loose_key(key) == wanted:
                return ContentError(
                    N_("{field} names the document {key}; write its code as {code}."),
                    line=reference.line, source=reference.source, field=reference.field,
                    key=reference.key, code=key,
                )
    return ContentError(
        _UNKNOWN[reference.kind], line=reference.line, source=reference.source,
        field=reference.field, key=reference.key,
    )
