"""Search text: what is indexed for each entity, snippets and corrections.

Every query is matched on folded text (so ``chuyen doi so`` finds ``chuyển đổi số``), and ranked
by whether the words also match as typed, with their marks, then by whether they stand side by
side, then by bm25.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.knowledge.folding import exact_words, fold, normalize, words
from storage.knowledge_entities import Conference, Document, Item, ItemList
from storage.knowledge_index import IndexEntry

LANGUAGES = ("vi", "en")
SNIPPET_WIDTH = 180
_WORD = re.compile(r"\w+")
_SEPARATOR = " · "
Parts = tuple[list[str | None], list[str | None]]  # title parts, body parts


@dataclass(frozen=True)
class Query:
    """A search as typed, as folded terms and as exact (marked) terms."""

    text: str
    terms: tuple[str, ...]
    exact: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Query | None:
        terms = tuple(words(text))
        return cls(text.strip(), terms, tuple(exact_words(text))) if terms else None

    def replaced(self, fixes: dict[str, str]) -> Query:
        """The query with misspelt terms replaced by known ones (folded: marks are lost)."""
        terms = tuple(fixes.get(term, term) for term in self.terms)
        return Query(" ".join(terms), terms, terms)


# ---- what is indexed ------------------------------------------------------------------
def document_entries(doc: Document) -> list[IndexEntry]:
    names = _SEPARATOR.join((doc.code, *doc.aliases) if doc.coded else doc.aliases)
    return _entries(lambda lang: ([names, doc.title.get(lang)],
                                  [doc.issuer.get(lang), doc.summary.get(lang)]))


def list_entries(item_list: ItemList) -> list[IndexEntry]:
    names = _SEPARATOR.join(item_list.aliases)
    return _entries(lambda lang: ([item_list.title.get(lang), names],
                                  [item_list.source.get(lang)]))


def item_entries(item: Item) -> list[IndexEntry]:
    return _entries(lambda lang: ([item.title.get(lang)],
                                  [item.detail.get(lang), item.answer.get(lang)]))


def conference_entries(conference: Conference) -> list[IndexEntry]:
    def parts(lang: str) -> Parts:
        figures = [figure.get(lang) for figure in conference.figures]
        texts = (conference.place, conference.chaired_by, conference.decided)
        return [conference.title.get(lang)], [text.get(lang) for text in texts] + figures

    return _entries(parts)


def _entries(parts_of: Callable[[str], Parts]) -> list[IndexEntry]:
    entries = []
    for language in LANGUAGES:
        title_parts, body_parts = parts_of(language)
        title = normalize(_SEPARATOR.join(p for p in title_parts if p))
        body = normalize("\n".join(p for p in body_parts if p))
        if title or body:
            entries.append(IndexEntry(language, title, body, fold(title), fold(body)))
    return entries


# ---- what is shown ----------------------------------------------------------------------
def snippet(title: str, body: str, terms: Sequence[str]) -> str:
    """HTML: a window of the text around the matched words, matched words in bold.

    The window opens where the words stand in the query's order, else where most of them
    are close together. The body is preferred; a hit only in the title (a code, an alias)
    shows the title.
    """
    matched, phrase = _patterns(tuple(terms))
    for text in (body, title):
        text, folded = _prepared(text)
        spans = [m.span() for m in matched.finditer(folded)]
        if spans:
            together = phrase.search(folded) if phrase else None
            return _window(text, spans, (together.start() if together else 0)
                           or _densest(spans))
    text = " ".join(body.split()) or title
    end = _end(text, 0)
    return html.escape(text[:end]) + ("…" if end < len(text) else "")


@lru_cache(maxsize=128)
def _prepared(text: str) -> tuple[str, str]:
    """The text on one line, and folded with each character in its place, so that spans
    found in the folded text hold in the text. Cached: searches keep hitting the same texts,
    a few kilobytes each."""
    text = " ".join(text.split())
    return text, _folded(text)


def _folded(text: str) -> str:
    """Folding rarely changes a length (decomposed marks, ß); then it goes by character,
    keeping any that would not fold to one."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join(f if len(f := fold(c)) == 1 else c for c in text)


@lru_cache(maxsize=256)
def _patterns(terms: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern | None]:
    """(any matching word, the words side by side in order) as regular expressions, so the
    scan of a hit's text runs in the regex engine: it dominated /find word by word.

    A word matches a term exactly or, both of four letters or more, as a stem (task ~ tasks):
    the word starts with the term, or is a start of it.
    """
    stems = [term for term in terms if len(term) >= 4]
    starts = {stem[:size] for stem in stems for size in range(4, len(stem) + 1)}
    choices = sorted({*terms, *starts}, key=len, reverse=True)
    alternatives = [re.escape(stem) + r"\w*" for stem in stems]
    alternatives += [re.escape(choice) for choice in choices]
    matched = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")
    phrase = None
    if len(terms) > 1:
        phrase = re.compile(r"\b" + r"\W+".join(re.escape(term) for term in terms) + r"\b")
    return matched, phrase


def _densest(spans: list[tuple[int, int]]) -> int:
    """Where the most matched words stand close together."""
    reach = SNIPPET_WIDTH // 2

    def near(left: int) -> int:
        return sum(1 for start, _end in spans if left <= start < left + reach)

    return max((start for start, _end in spans), key=near)


def _window(text: str, spans: list[tuple[int, int]], focus: int) -> str:
    start = max(0, focus - SNIPPET_WIDTH // 3)
    if start:
        space = text.find(" ", start, focus)
        start = space + 1 if space >= 0 else start
    end = _end(text, start)
    pieces, cursor = [], start
    for left, right in spans:
        if left >= cursor and right <= end:
            pieces += [html.escape(text[cursor:left]), f"<b>{html.escape(text[left:right])}</b>"]
            cursor = right
    pieces.append(html.escape(text[cursor:end]))
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(text) else "")


def _end(text: str, start: int) -> int:
    """Where a window from ``start`` ends: a word boundary within the snippet width."""
    end = min(len(text), start + SNIPPET_WIDTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return end


# ---- when nothing is found --------------------------------------------------------------
def vocabulary(folded_texts: Iterable[str]) -> set[str]:
    return {word for text in folded_texts for word in _WORD.findall(text)}


def corrections(query: Query, known: set[str]) -> dict[str, str]:
    """For each unknown term of three letters or more, the known word closest to it."""
    found = {}
    for term in query.terms:
        if term not in known and len(term) >= 3:
            close = difflib.get_close_matches(term, known, n=1, cutoff=0.75)
            if close:
                found[term] = close[0]
    return found
