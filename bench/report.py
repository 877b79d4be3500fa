"""Plain-text tables and number formats for the benchmark's output."""

from __future__ import annotations

import math
from collections.abc import Sequence

MIB = 1024 * 1024


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], indent: int = 2) -> str:
    """Columns sized to their widest cell; the first left-aligned, numbers right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [row[0].ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return " " * indent + "  ".join(parts).rstrip()

    rule = " " * indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def count(value: int) -> str:
    return f"{value:,}"


def mib(value: float, signed: bool = False) -> str:
    return f"{value / MIB:{'+' if signed else ''}.1f} MiB"


def rate(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.0f}/s" if value >= 100 else f"{value:.1f}/s"


def seconds(value: float) -> str:
    return f"{value:.3f} s" if abs(value) < 10 else f"{value:.1f} s"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually observed, never interpolated."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def verdict(met: bool) -> str:
    return "yes" if met else "NO"
