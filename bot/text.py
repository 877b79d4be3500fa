"""Fitting text into Telegram messages: 4096 characters at most, HTML kept balanced."""

from __future__ import annotations

import html

MESSAGE_LIMIT = 4096
# Room left for a page header and footer ("Page 2/5") around the packed blocks.
PAGE_BUDGET = 3800


def pack_pages(
    blocks: list[str], budget: int = PAGE_BUDGET, separator: str = "\n\n"
) -> list[str]:
    """Pack whole blocks (each valid HTML on its own) into as few pages as fit the budget.

    A block longer than the budget is cut at line boundaries, so HTML tags must not span
    lines inside one block.
    """
    pages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _cut(block, budget):
            candidate = f"{current}{separator}{piece}" if current else piece
            if len(candidate) > budget:
                pages.append(current)
                candidate = piece
            current = candidate
    if current:
        pages.append(current)
    return pages or [""]


def _cut(block: str, budget: int) -> list[str]:
    if len(block) <= budget:
        return [block]
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        if len(line) > budget and current:  # keep what came before the enormous line first
            pieces.append(current)
            current = ""
        while len(line) > budget:  # a single enormous line: cut it between entities
            cut = _safe_cut(line, budget)
            pieces.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > budget:
            pieces.append(current)
            candidate = line
        current = candidate
    if current:
        pieces.append(current)
    return pieces


def _safe_cut(line: str, at: int) -> int:
    """Move a cut point back so it does not split an HTML entity such as ``&amp;``."""
    amp = line.rfind("&", max(0, at - 8), at)
    return amp if amp > 0 and ";" not in line[amp:at] else at


def shorten(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters with an ellipsis, then HTML-escaped."""
    plain = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return html.escape(plain)
