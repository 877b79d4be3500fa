"""Writing the knowledge base: upserts of whole loads inside the caller's transaction.

A load is hundreds of rows and every statement is a hop to aiosqlite's thread, so each kind of
row is written with one ``executemany``; the bot's start stays quick.
"""

from __future__ import annotations

import aiosqlite

from storage.knowledge_entities import Conference, Document, ItemList, Localized

# Every name of a document or list with its loose key (bot/knowledge/codes.py), code first.
Names = list[tuple[str, str]]
# (owner key, target kind, target keys): the links one owner declares to one kind of entity.
Links = list[tuple[str, str, tuple[str, ...]]]

_UPSERT_DOCUMENT = (
    "INSERT INTO kb_documents (code, kind, date, title_vi, title_en, issuer_vi, issuer_en,"
    " summary_vi, summary_en, origin, coded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, date = excluded.date,"
    " title_vi = excluded.title_vi, title_en = excluded.title_en,"
    " issuer_vi = excluded.issuer_vi, issuer_en = excluded.issuer_en,"
    " summary_vi = excluded.summary_vi, summary_en = excluded.summary_en,"
    " origin = excluded.origin, coded = excluded.coded"
)
_UPSERT_LIST = (
    "INSERT INTO kb_lists (slug, date, title_vi, title_en, source_vi, source_en, origin)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET date = excluded.date,"
    " title_vi = excluded.title_vi, title_en = excluded.title_en,"
    " source_vi = excluded.source_vi, source_en = excluded.source_en, origin = excluded.origin"
)
# Items are matched by position, so an item keeps its id (and the buttons sent for it keep
# working) when a reload leaves it in place.
_UPSERT_ITEM = (
    "INSERT INTO kb_items (list_id, position, number, title_vi, title_en, detail_vi, detail_en,"
    " answer_vi, answer_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (list_id, position) DO UPDATE SET number = excluded.number,"
    " title_vi = excluded.title_vi, title_en = excluded.title_en,"
    " detail_vi = excluded.detail_vi, detail_en = excluded.detail_en,"
    " answer_vi = excluded.answer_vi, answer_en = excluded.answer_en"
)
_UPSERT_CONFERENCE = (
    "INSERT INTO kb_conferences (slug, date, title_vi, title_en, place_vi, place_en,"
    " chaired_by_vi, chaired_by_en, decided_vi, decided_en, origin)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET"
    " date = excluded.date, title_vi = excluded.title_vi, title_en = excluded.title_en,"
    " place_vi = excluded.place_vi, place_en = excluded.place_en,"
    " chaired_by_vi = excluded.chaired_by_vi, chaired_by_en = excluded.chaired_by_en,"
    " decided_vi = excluded.decided_vi, decided_en = excluded.decided_en,"
    " origin = excluded.origin"
)


class KnowledgeWriter:
    @staticmethod
    async def origins(conn: aiosqlite.Connection) -> dict[tuple[str, str], str]:
        """Who wrote each stored entity last, by (kind, code or slug)."""
        found: dict[tuple[str, str], str] = {}
        for sql, kind in (
            ("SELECT code, origin FROM kb_documents", "document"),
            ("SELECT slug, origin FROM kb_lists", "list"),
            ("SELECT slug, origin FROM kb_conferences", "conference"),
        ):
            async with conn.execute(sql) as cursor:
                found.update({(kind, row[0]): row[1] async for row in cursor})
        return found

    @staticmethod
    async def forget_builtin(conn: aiosqlite.Connection, keep: set[tuple[str, str]]) -> None:
        """Delete the shipped entities not in ``keep`` (kind, code or slug), with their names,
        links and index rows; what admins imported stays. (Table and column names are the
        constants below, never input.)"""
        for kind, table, key in (("document", "kb_documents", "code"),
                                 ("list", "kb_lists", "slug"),
                                 ("conference", "kb_conferences", "slug")):
            async with conn.execute(
                f"SELECT id, {key} FROM {table} WHERE origin = 'builtin'"
            ) as cursor:
                stale = [(row[0], row[1]) async for row in cursor if (kind, row[1]) not in keep]
            if not stale:
                continue
            await conn.executemany(f"DELETE FROM {table} WHERE id = ?",
                                   [(row_id,) for row_id, _key in stale])
            await conn.executemany(
                "DELETE FROM kb_aliases WHERE owner_kind = ? AND owner_key = ?",
                [(kind, stale_key) for _id, stale_key in stale])
            await conn.executemany(
                "DELETE FROM kb_links WHERE owner_kind = ? AND owner_key = ?",
                [(kind, stale_key) for _id, stale_key in stale])

    async def save_documents(
        self, conn: aiosqlite.Connection, documents: list[tuple[Document, Names]], origin: str
    ) -> dict[str, int]:
        """Insert or replace documents; returns the row id of every stored code."""
        await conn.executemany(_UPSERT_DOCUMENT, [
            (doc.code, doc.kind, _iso(doc), *_texts(doc.title), *_texts(doc.issuer),
             *_texts(doc.summary), origin, int(doc.coded))
            for doc, _names in documents
        ])
        await _replace_names(conn, "document", [(doc.code, names) for doc, names in documents])
        await _replace_links(conn, "document", [
            link for doc, _names in documents for link in (
                (doc.code, "conference", doc.cited_in), (doc.code, "list", doc.lists))
        ])
        return await _ids(conn, "SELECT code, id FROM kb_documents")

    async def save_lists(
        self, conn: aiosqlite.Connection, lists: list[tuple[ItemList, Names]], origin: str
    ) -> dict[str, tuple[int, list[int]]]:
        """Insert or replace lists and their items; returns (list id, item ids) by slug."""
        await conn.executemany(_UPSERT_LIST, [
            (item_list.slug, _iso(item_list), *_texts(item_list.title),
             *_texts(item_list.source), origin)
            for item_list, _names in lists
        ])
        list_ids = await _ids(conn, "SELECT slug, id FROM kb_lists")
        await conn.executemany(_UPSERT_ITEM, [
            (list_ids[item_list.slug], position, item.number, *_texts(item.title),
             *_texts(item.detail), *_texts(item.answer))
            for item_list, _names in lists for position, item in enumerate(item_list.items)
        ])
        await conn.executemany(
            "DELETE FROM kb_items WHERE list_id = ? AND position >= ?",
            [(list_ids[item_list.slug], len(item_list.items)) for item_list, _names in lists],
        )
        await _replace_names(conn, "list", [(tl.slug, names) for tl, names in lists])
        await _replace_links(conn, "list", [
            link for tl, _names in lists for link in (
                (tl.slug, "conference", (tl.conference,) if tl.conference else ()),
                (tl.slug, "document", tl.documents))
        ])
        items: dict[int, list[int]] = {}
        async with conn.execute("SELECT list_id, id FROM kb_items ORDER BY position") as cursor:
            async for row in cursor:
                items.setdefault(row[0], []).append(row[1])
        return {tl.slug: (list_ids[tl.slug], items[list_ids[tl.slug]]) for tl, _names in lists}

    async def save_conferences(
        self, conn: aiosqlite.Connection, conferences: list[Conference], origin: str
    ) -> dict[str, int]:
        await conn.executemany(_UPSERT_CONFERENCE, [
            (c.slug, _iso(c), *_texts(c.title), *_texts(c.place), *_texts(c.chaired_by),
             *_texts(c.decided), origin)
            for c in conferences
        ])
        ids = await _ids(conn, "SELECT slug, id FROM kb_conferences")
        await conn.executemany(
            "DELETE FROM kb_figures WHERE conference_id = ?", [(ids[c.slug],) for c in conferences]
        )
        await conn.executemany(
            "INSERT INTO kb_figures (conference_id, position, text_vi, text_en)"
            " VALUES (?, ?, ?, ?)",
            [(ids[c.slug], n, *_texts(figure)) for c in conferences
             for n, figure in enumerate(c.figures)],
        )
        await _replace_links(conn, "conference", [
            link for c in conferences for link in (
                (c.slug, "document", c.documents), (c.slug, "list", c.lists))
        ])
        return ids


async def _ids(conn: aiosqlite.Connection, sql: str) -> dict[str, int]:
    async with conn.execute(sql) as cursor:
        return {row[0]: int(row[1]) async for row in cursor}


async def _replace_names(
    conn: aiosqlite.Connection, kind: str, owners: list[tuple[str, Names]]
) -> None:
    await conn.executemany(
        "DELETE FROM kb_aliases WHERE owner_kind = ? AND owner_key = ?",
        [(kind, key) for key, _names in owners],
    )
    await conn.executemany(
        "INSERT INTO kb_aliases (owner_kind, owner_key, position, alias, key)"
        " VALUES (?, ?, ?, ?, ?)",
        [(kind, key, n, name, loose) for key, names in owners
         for n, (name, loose) in enumerate(names)],
    )


async def _replace_links(conn: aiosqlite.Connection, kind: str, links: Links) -> None:
    await conn.executemany(
        "DELETE FROM kb_links WHERE owner_kind = ? AND owner_key = ? AND target_kind = ?",
        [(kind, key, target_kind) for key, target_kind, _targets in links],
    )
    await conn.executemany(
        "INSERT INTO kb_links (owner_kind, owner_key, target_kind, position, target_key)"
        " VALUES (?, ?, ?, ?, ?)",
        [(kind, key, target_kind, n, target) for key, target_kind, targets in links
         for n, target in enumerate(targets)],
    )


def _texts(value: Localized) -> tuple[str | None, str | None]:
    return value.vi, value.en


def _iso(entity: Document | ItemList | Conference) -> str | None:
    return entity.date.isoformat() if entity.date else None

