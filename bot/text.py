"""Fitting text into Telegram messages: 4096 characters at most, HTML kept balanced."""

from __future__ import annotations

import html
from collections.abc import Iterator

# Room left for a page header and footer ("Page 2/5") around the packed blocks.
PAGE_BUDGET = 3800


def pack_pages(
    blocks: list[str], budget: int = PAGE_BUDGET, separator: str = "\n\n"
) -> list[str]:
    """Pack whole blocks (each valid HTML on its own) into as few pages as fit the budget.

    A block longer than the budget is cut at line boundaries, so HTML tags must not span
    lines inside one block.
    """
    pieces = [piece for block in blocks for piece in _cut(block, budget)]
    return _pack(pieces, budget, separator) or [""]


def _cut(block: str, budget: int) -> list[str]:
    if len(block) <= budget:
        return [block]
    return _pack(list(_lines(block, budget)), budget, "\n")


def _lines(block: str, budget: int) -> Iterator[str]:
    """The block's lines, an enormous one cut into budget-sized parts between entities."""
    for line in block.split("\n"):
        while len(line) > budget:
            cut = _safe_cut(line, budget)
            yield line[:cut]
            line = line[cut:]
        yield line


def _pack(pieces: list[str], budget: int, separator: str) -> list[str]:
    """Join consecutive pieces (each within the budget) while the result fits, in order."""
    packed: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) > budget:
            packed.append(current)
            candidate = piece
        current = candidate
    if current:
        packed.append(current)
    return packed


def _safe_cut(line: str, at: int) -> int:
    """Move a cut point back so it does not split an HTML entity such as ``&amp;``."""
    amp = line.rfind("&", max(0, at - 8), at)
    return amp if amp > 0 and ";" not in line[amp:at] else at


def shorten(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters with an ellipsis, then HTML-escaped."""
    plain = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return html.escape(plain)
