"""What the knowledge base holds: documents, lists and their items, conferences.

Entities are what a content file declares; reading one back from storage gives the same value
plus its row id, so a file survives the round trip through the database unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Localized:
    """One text in Vietnamese and English; either may be missing (not translated yet)."""

    vi: str | None = None
    en: str | None = None

    def get(self, language: str) -> str | None:
        return self.vi if language == "vi" else self.en

    def pick(self, language: str) -> tuple[str, bool]:
        """The text in ``language``, else the other one; True when it had to fall back."""
        own = self.get(language)
        if own:
            return own, False
        return self.vi or self.en or "", bool(self.vi or self.en)

    def __bool__(self) -> bool:
        return bool(self.vi or self.en)


@dataclass(frozen=True)
class Document:
    code: str  # the official code; for an uncoded document, its id
    kind: str
    title: Localized
    issuer: Localized = Localized()
    date: date | None = None
    summary: Localized = Localized()
    aliases: tuple[str, ...] = ()
    cited_in: tuple[str, ...] = ()  # conference slugs
    lists: tuple[str, ...] = ()  # list slugs
    id: int = 0  # the row id once stored
    coded: bool = True  # False: the sources give no code, and the title names the document


@dataclass(frozen=True)
class Item:
    number: str
    title: Localized
    detail: Localized = Localized()
    answer: Localized = Localized()
    id: int = 0
    list_id: int = 0


@dataclass(frozen=True)
class ItemList:
    slug: str
    title: Localized
    items: tuple[Item, ...]
    source: Localized = Localized()
    date: date | None = None
    conference: str | None = None
    documents: tuple[str, ...] = ()  # document codes
    aliases: tuple[str, ...] = ()
    id: int = 0


@dataclass(frozen=True)
class Conference:
    slug: str
    date: date
    title: Localized
    place: Localized = Localized()
    chaired_by: Localized = Localized()
    decided: Localized = Localized()
    figures: tuple[Localized, ...] = ()
    documents: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    id: int = 0


@dataclass(frozen=True)
class Ref:
    """Enough of a linked entity to name it and offer a button to it."""

    kind: str  # document, list or conference
    id: int
    key: str  # code or slug
    title: Localized
    date: date | None
    coded: bool = True  # a document without a code is named by its title


@dataclass(frozen=True)
class Name:
    """One name of a document or list (its code or slug, or an alias) in loose form."""

    owner_id: int
    key: str
