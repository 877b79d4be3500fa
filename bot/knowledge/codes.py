"""Loose matching of document codes and list names, as people actually type them.

``39``, ``39-NQ/TW``, ``39/NQ-TW``, ``nq39`` and ``NQ 39`` all mean Resolution 39-NQ/TW: a code
is reduced to the bag of its letter runs and numbers (folded, leading zeros dropped), so order,
punctuation, spacing, case, marks and the Vietnamese Đ stop mattering.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

from bot.knowledge.folding import fold

T = TypeVar("T")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
# Words that name a kind of document, or "number": in aliases such as "Nghị quyết số 39"
# they would make a query of only these words match nearly everything.
_FILLER = frozenset({
    "so", "no", "number", "nghi", "quyet", "chi", "thi", "quy", "dinh", "ket", "luan",
    "thong", "bao", "chuong", "trinh", "ke", "hoach", "resolution", "directive",
    "regulation", "conclusion", "decision", "notice", "programme", "plan",
})


def loose_key(text: str) -> str:
    """The stored form of a code or name: its tokens, sorted, space-separated."""
    return " ".join(sorted(_tokens(text)))


def _tokens(text: str) -> list[str]:
    # isdecimal, not isdigit: "²" is a digit int() cannot read.
    return [str(int(token)) if token.isdecimal() else token
            for token in _TOKEN.findall(fold(text))]


def best_matches(query: str, candidates: Iterable[tuple[T, str]]) -> list[T]:
    """Owners whose key equals the query's; failing that, those whose key contains all of it.

    ``candidates`` pairs an owner with one of its keys (a code, an alias, a list id); an owner
    appears once in the answer, in the order first seen. An empty list means nothing matched,
    several mean the query is ambiguous (``137`` is both 137/2024/QH15 and Decision 137).
    """
    wanted = Counter(_tokens(query))
    if not wanted:
        return []
    exact: list[T] = []
    partial: list[T] = []
    only_filler = set(wanted) <= _FILLER
    for owner, key in candidates:
        have = Counter(key.split())
        if have == wanted:
            _add(exact, owner)
        elif not only_filler and not wanted - have:
            _add(partial, owner)
    return exact or partial


def _add(found: list[T], owner: T) -> None:
    if owner not in found:
        found.append(owner)
