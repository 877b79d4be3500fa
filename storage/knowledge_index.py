"""The full-text index of the knowledge base, one row per entity and language.

The one part of the schema where the back-ends differ in kind: SQLite's FTS5 table ranked by
bm25, PostgreSQL's text-search vectors ranked by ts_rank (storage/migrations/postgres). Both
match the folded words (every one, or any one), say whether the words as typed, with their
marks, match too and whether the folded words stand side by side; both weigh a title above a
body. Which query runs is decided here, from the database's dialect, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import aiosqlite

from storage.database import Database
from storage.knowledge_entities import Localized

# bm25 weights by column: kind, ref, language, title, body, title_folded, body_folded.
# Only the folded columns are searched for recall; a hit in a title weighs more than in a body.
_WEIGHTS = "0, 0, 0, 0, 0, 4.0, 1.0"
_FTS5_HITS = (
    "WITH hits AS (SELECT kind, ref, language, title, body,"
    " rowid IN (SELECT rowid FROM kb_search WHERE kb_search MATCH ?2) AS exact,"
    " rowid IN (SELECT rowid FROM kb_search WHERE kb_search MATCH ?3) AS phrase,"
    f" bm25(kb_search, {_WEIGHTS}) AS score"
    " FROM kb_search WHERE kb_search MATCH ?1"
    " ORDER BY exact DESC, phrase DESC, score LIMIT ?4)"
)
# ts_rank's weights (D, C, B, A): the title is weight A, the body D. ts_rank, unlike bm25, grows
# with every repetition in a long body; a title holding every word (?5) ranks first, as bm25's
# weights make it. Negated, so that lower is better as with bm25.
_TSQUERY_HITS = (
    "WITH hits AS (SELECT kind, ref, language, title, body,"
    " marked @@ to_tsquery('kb', ?2) AS exact,"
    " folded @@ to_tsquery('kb', ?3) AS phrase,"
    " -(ts_rank('{0.1, 0.1, 0.1, 1.0}', folded, to_tsquery('kb', ?1))"
    " + CASE WHEN folded @@ to_tsquery('kb', ?5) THEN 1 ELSE 0 END) AS score"
    " FROM kb_search WHERE folded @@ to_tsquery('kb', ?1)"
    " ORDER BY exact DESC, phrase DESC, score LIMIT ?4)"
)
# What a result shows of each hit's entity (one query, not one per hit).
_ENTITIES = (
    " SELECT h.kind, h.ref, h.language, h.title, h.body, h.exact, h.phrase, h.score,"
    " COALESCE(CASE d.coded WHEN 1 THEN d.code WHEN 0 THEN '' END, l.slug, i.number, c.slug),"
    " COALESCE(d.title_vi, l.title_vi, i.title_vi, c.title_vi),"
    " COALESCE(d.title_en, l.title_en, i.title_en, c.title_en),"
    " il.title_vi, il.title_en, COALESCE(d.date, l.date, c.date)"
    " FROM hits h"
    " LEFT JOIN kb_documents d ON h.kind = 'document' AND d.id = h.ref"
    " LEFT JOIN kb_lists l ON h.kind = 'list' AND l.id = h.ref"
    " LEFT JOIN kb_items i ON h.kind = 'item' AND i.id = h.ref"
    " LEFT JOIN kb_lists il ON il.id = i.list_id"
    " LEFT JOIN kb_conferences c ON h.kind = 'conference' AND c.id = h.ref"
    " ORDER BY h.exact DESC, h.phrase DESC, h.score"
)
_SEARCH = {"sqlite": _FTS5_HITS + _ENTITIES, "postgresql": _TSQUERY_HITS + _ENTITIES}


def _fts5(terms: tuple[str, ...], exact: tuple[str, ...], any_term: bool) -> tuple[str, ...]:
    """(match, exact, phrase) as FTS5 queries (?1 to ?3); terms are runs of word characters,
    so they never hold a double quote themselves."""
    joiner = " OR " if any_term else " AND "
    return (
        "{title_folded body_folded} : (" + joiner.join(f'"{t}"' for t in terms) + ")",
        "{title body} : (" + " AND ".join(f'"{t}"' for t in exact) + ")",
        '{title_folded body_folded} : "' + " ".join(terms) + '"',
    )


def _tsquery(terms: tuple[str, ...], exact: tuple[str, ...], any_term: bool) -> tuple[str, ...]:
    """(match, exact, phrase, every term in the title) as PostgreSQL tsquery texts (?1 to
    ?3, ?5); each term quoted, as one lexeme."""
    joiner = " | " if any_term else " & "
    return (
        joiner.join(f"'{t}'" for t in terms),
        " & ".join(f"'{t}'" for t in exact),
        " <-> ".join(f"'{t}'" for t in terms),
        " & ".join(f"'{t}':A" for t in terms),
    )


_QUERIES = {"sqlite": _fts5, "postgresql": _tsquery}


_KINDS = ("document", "list", "item", "conference")
_LANGUAGES = ("vi", "en")


def _rowid(kind: str, ref: int, language: str) -> int:
    """Each (entity, language) has a fixed index row, so re-indexing needs no scan."""
    return (ref * len(_KINDS) + _KINDS.index(kind)) * len(_LANGUAGES) + _LANGUAGES.index(language)


@dataclass(frozen=True)
class IndexEntry:
    """The searchable text of one entity in one language, as shown and as folded."""

    language: str
    title: str
    body: str
    title_folded: str
    body_folded: str


@dataclass(frozen=True)
class Hit:
    """One matching index row, and what a search result shows of its entity."""

    kind: str
    ref: int
    language: str  # of the row that matched, and so of the snippet
    title: str  # the row's text, for the snippet
    body: str
    exact: bool  # every word matched with its marks as typed
    phrase: bool  # the folded words matched side by side, in order
    score: float  # bm25: lower is better
    label: str  # code, slug or item number; empty for a document without a code
    name: Localized  # the entity's title
    parent: Localized  # an item's list title (empty for others)
    date: date | None


class KnowledgeIndex:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    async def replace(
        conn: aiosqlite.Connection, entities: list[tuple[str, int, list[IndexEntry]]]
    ) -> None:
        """Re-index (kind, ref, entries) entities inside the caller's transaction."""
        await conn.executemany(
            "DELETE FROM kb_search WHERE rowid = ?",
            [(_rowid(kind, ref, language),) for kind, ref, _entries in entities
             for language in _LANGUAGES],
        )
        await conn.executemany(
            "INSERT INTO kb_search (rowid, kind, ref, language, title, body, title_folded,"
            " body_folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(_rowid(kind, ref, e.language), kind, ref, e.language, e.title, e.body,
              e.title_folded, e.body_folded)
             for kind, ref, entries in entities for e in entries],
        )

    @staticmethod
    async def prune(conn: aiosqlite.Connection) -> None:
        """Forget what is no longer stored: items a shorter list lost, entities removed."""
        for kind, table in (("item", "kb_items"), ("document", "kb_documents"),
                            ("list", "kb_lists"), ("conference", "kb_conferences")):
            await conn.execute(
                f"DELETE FROM kb_search WHERE kind = ? AND ref NOT IN (SELECT id FROM {table})",
                (kind,),
            )

    async def search(
        self, terms: tuple[str, ...], exact: tuple[str, ...], any_term: bool, limit: int
    ) -> list[Hit]:
        """Rows matching the folded ``terms`` (all, or any), best first: those matching the
        ``exact`` (marked) words, then those with the terms side by side, then by rank."""
        dialect = self.db.dialect
        match, marked, phrase, *more = _QUERIES[dialect](terms, exact, any_term)
        rows = await self.db.fetchall(_SEARCH[dialect], (match, marked, phrase, limit, *more))
        return [
            Hit(r[0], int(r[1]), r[2], r[3], r[4], bool(r[5]), bool(r[6]), float(r[7]), r[8],
                Localized(r[9], r[10]), Localized(r[11], r[12]),
                date.fromisoformat(r[13]) if r[13] else None)
            for r in rows if r[8] is not None
        ]

    async def folded_texts(self) -> list[str]:
        """All folded text, from which suggestions draw their vocabulary."""
        rows = await self.db.fetchall("SELECT title_folded, body_folded FROM kb_search")
        return [text for row in rows for text in row]
