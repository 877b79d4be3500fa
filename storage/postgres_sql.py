"""The one place where the SQL the repositories write becomes PostgreSQL's.

Repositories write one SQL text for both back-ends, in SQLite's spelling: ``?``, ``?N`` and
``:name`` parameters, ``json_each(?)`` over a JSON array, ``COLLATE NOCASE``, ``IS``/``IS NOT``
between values as NULL-safe comparisons, ``CROSS JOIN … ON`` and the two-argument
``MAX``/``MIN``. Everything else they use is standard SQL both understand (``ON CONFLICT``,
``RETURNING``, recursive CTEs, partial indexes).
This module rewrites the SQLite-only spellings once per statement (cached) for psycopg; the
PostgreSQL schema (storage/migrations/postgres/) supplies the rest: ``citext`` where SQLite's
columns compare without case, identity columns for ``AUTOINCREMENT``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

# A quoted literal or identifier is set aside while the code around it is rewritten, a comment
# dropped; a cast's ``::`` is not a parameter.
_TOKENS = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|::|\?(\d+)?|:([A-Za-z_]\w*)|%""",
    re.DOTALL,
)
_SET_ASIDE = re.compile("\x00(\\d+)\x00")
# SQLite's table-valued function over a JSON array, PostgreSQL's set-returning one; both name
# their column ``value``.
_JSON_EACH = re.compile(r"\bjson_each\(", re.IGNORECASE)
# The columns compared with NOCASE are citext in PostgreSQL, which compares without case.
_NOCASE = re.compile(r"\s+COLLATE\s+NOCASE\b", re.IGNORECASE)
# ``a IS b`` and ``a IS NOT b``, b a parameter or a column: SQLite's NULL-safe comparisons.
_KEYWORDS = r"(?!(?:NULL|NOT|TRUE|FALSE|DISTINCT|UNKNOWN)\b)"
_IS = re.compile(rf"\bIS\s+{_KEYWORDS}(?=[%\w])", re.IGNORECASE)
_IS_NOT = re.compile(rf"\bIS\s+NOT\s+{_KEYWORDS}(?=[%\w])", re.IGNORECASE)
# SQLite's ``a CROSS JOIN b ON …`` fixes the join order; PostgreSQL plans joins itself.
_CROSS_JOIN_ON = re.compile(r"\bCROSS\s+JOIN(?=\s+\w+(?:\s+(?:AS\s+)?\w+)?\s+ON\b)",
                            re.IGNORECASE)
_SCALAR = re.compile(r"\b(MAX|MIN)\(", re.IGNORECASE)
_REAL = re.compile(r"\bAS\s+REAL\)", re.IGNORECASE)


class Statement:
    """A statement in psycopg's spelling and how to pass it the repository's parameters."""

    __slots__ = ("_numbered", "sql")

    def __init__(self, sql: str, numbered: bool) -> None:
        self.sql = sql
        self._numbered = numbered  # ``?N`` parameters: a sequence becomes {"pN": value}

    def params(self, params: Sequence[Any] | Mapping[str, Any] | None) -> Any:
        if params is None:
            return ()  # still a parameterised statement: its ``%%`` must become ``%``
        if self._numbered and not isinstance(params, Mapping):
            return {f"p{index}": value for index, value in enumerate(params, start=1)}
        return params


@lru_cache(maxsize=2048)
def translate(sql: str) -> Statement:
    """The PostgreSQL form of one statement written in SQLite's spelling. The rewrites apply
    to the code only: what stands in quotes comes back as it was."""
    numbered = False
    quoted: list[str] = []

    def token(match: re.Match[str]) -> str:
        nonlocal numbered
        text = match[0]
        if text[0] in "'\"":
            quoted.append(text.replace("%", "%%"))  # psycopg reads placeholders in them too
            return f"\x00{len(quoted) - 1}\x00"
        if text.startswith(("--", "/*")):
            return " "
        if text == "::":
            return text
        if text == "%":
            return "%%"
        if match[1] is not None:
            numbered = True
            return f"%(p{match[1]})s"
        if match[2] is not None:
            return f"%({match[2]})s"
        return "%s"

    converted = _TOKENS.sub(token, sql)
    converted = _JSON_EACH.sub("json_array_elements_text(", converted)
    converted = _NOCASE.sub("", converted)
    converted = _IS_NOT.sub("IS DISTINCT FROM ", converted)
    converted = _IS.sub("IS NOT DISTINCT FROM ", converted)
    converted = _REAL.sub("AS DOUBLE PRECISION)", converted)
    converted = _CROSS_JOIN_ON.sub("JOIN", _scalar_extremes(converted))
    return Statement(_SET_ASIDE.sub(lambda m: quoted[int(m[1])], converted), numbered)


def _scalar_extremes(sql: str) -> str:
    """``MAX(a, b)`` is SQLite's scalar maximum, PostgreSQL's ``GREATEST(a, b)`` (and ``MIN``
    its ``LEAST``); one argument is the aggregate, the same in both."""
    pieces: list[str] = []
    position = 0
    for match in _SCALAR.finditer(sql):
        if _has_top_level_comma(sql, match.end()):
            pieces += [sql[position:match.start()],
                       "GREATEST(" if match[1].upper() == "MAX" else "LEAST("]
            position = match.end()
    return "".join(pieces) + sql[position:]


def _has_top_level_comma(sql: str, start: int) -> bool:
    depth = 0
    for char in sql[start:]:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return False
            depth -= 1
        elif char == "," and depth == 0:
            return True
    return False
