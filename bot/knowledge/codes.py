"""Loose matching of document codes and list names, as people actually type them.

``39``, ``39-NQ/TW``, ``39/NQ-TW``, ``nq39`` and ``NQ 39`` all mean Resolution 39-NQ/TW: a code
is reduced to the bag of its letter runs and numbers (folded, leading zeros dropped), so order,
punctuation, spacing, case, marks and the Vietnamese Đ stop mattering.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
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
    tokens = _tokens(query)
    if not tokens:
        return []
    wanted, wanted_key = Counter(tokens), " ".join(sorted(tokens))
    exact: list[T] = []
    partial: list[T] = []
    only_filler = set(wanted) <= _FILLER
    for owner, key in candidates:
        if key == wanted_key:  # keys are sorted tokens: equal keys, equal bags
            _add(exact, owner)
        elif not only_filler and _holds(_bag(key), wanted):
            _add(partial, owner)
    return exact or partial


@lru_cache(maxsize=4096)
def _bag(key: str) -> Counter[str]:
    """A stored key's tokens counted; cached, as every lookup compares the same keys (the
    result is only read)."""
    return Counter(key.split())


def _holds(bag: Counter[str], wanted: Counter[str]) -> bool:
    """Whether the bag holds every wanted token as often (a subtraction, without building
    the difference for each of the candidates)."""
    return all(bag[token] >= count for token, count in wanted.items())


def _add(found: list[T], owner: T) -> None:
    if owner not in found:
        found.append(owner)
