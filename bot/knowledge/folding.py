"""Diacritic folding shared by indexing and queries, so both sides fold the same way.

Vietnamese users often type without marks (``chuyen doi so`` for ``chuyển đổi số``). SQLite's
``remove_diacritics`` leaves ``đ`` alone (it is a letter of its own, not d plus a mark), so the
folding is done here, in Python, for the index and for every query.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
_STROKED_D = str.maketrans({"đ": "d", "Đ": "d"})
# The Unicode blocks of combining diacritical marks (Vietnamese uses the first one only).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalize(text: str) -> str:
    """Composed form: phone keyboards send either, and exact matches must not depend on it."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase without diacritics: ``Chuyển đổi SỐ`` -> ``chuyen doi so``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKED_D))
    return _MARKS.sub("", decomposed).casefold()


def words(text: str) -> list[str]:
    """Folded words, the unit of the index's vocabulary and of corrections."""
    return _WORD.findall(fold(text))


def exact_words(text: str) -> list[str]:
    """Lowercased words that keep their marks, for ranking exact-accent matches first."""
    return _WORD.findall(normalize(text).casefold())
