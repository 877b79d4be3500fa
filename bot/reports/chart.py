"""The report's picture: completion and attendance per unit (or per person when the report
has one unit), drawn headless with matplotlib's Agg canvas in DejaVu Sans, which matplotlib
ships and which has every Vietnamese diacritic."""

from __future__ import annotations

import io

from bot.i18n import _
from bot.reports.stats import Report, Tally

FONT = "DejaVu Sans"
MOST = 15  # bars, so that names stay readable on a phone


def _rows(report: Report) -> list[Tally]:
    tallies = list(report.units.values()) if len(report.units) > 1 else list(
        report.people.values())
    tallies.sort(key=lambda t: (t.completion if t.completion is not None else 2.0, t.name))
    return tallies[:MOST]


def chart_png(report: Report) -> bytes:
    # Imported on first use: matplotlib costs the bot 0.3 s and ~50 MiB at start-up, for a
    # picture few reports ask for (bench/views.py's start-up and memory targets).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = _rows(report)
    figure = Figure(figsize=(8, 1.6 + 0.45 * max(len(rows), 1)), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    names = [t.name or _("(no unit)") for t in rows]
    places = range(len(rows))
    completion = [100 * (t.completion or 0) for t in rows]
    attendance = [100 * (t.attendance_rate or 0) for t in rows]
    axes.barh([p + 0.2 for p in places], completion, height=0.4, color="#2e7d32",
              label=_("Tasks done (%)"))
    axes.barh([p - 0.2 for p in places], attendance, height=0.4, color="#1565c0",
              label=_("Meetings attended (%)"))
    axes.set_yticks(list(places), names, fontfamily=FONT)
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    axes.set_title(report.title, fontfamily=FONT)
    axes.legend(loc="lower right", prop={"family": FONT})
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
