"""What bench/views.py asks: each command, and for /alltasks the buttons of its middle and
last pages, in the page-button format of whichever code is running (the old page numbers, or
keyset cursors)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

# (row name, who asks, text, /alltasks filter whose pages are pressed too)
LIST_COMMANDS = (
    ("/tasks (a member's 10)", "asker", "/tasks", None),
    ("/alltasks", "admin", "/alltasks", ""),
    ("/alltasks overdue", "admin", "/alltasks overdue", "overdue"),
    ("/alltasks @cadre5", "admin", "/alltasks @cadre5", "@cadre5"),
    ("/alltasks #39-NQ/TW", "admin", "/alltasks #39-NQ/TW", "#39-NQ/TW"),
    ("/find chuyen doi so", "asker", "/find chuyen doi so", None),
    ("/directive 39", "asker", "/directive 39", None),
    ("/meetings (30 ahead)", "asker", "/meetings", None),
)

# The bench's own reading of each filter, to find the row in the middle of its list.
_OPEN = "SELECT t.due_at, t.id FROM tasks t WHERE t.status = 'open'"
_FILTERS = {
    "": (_OPEN, ()),
    "overdue": (_OPEN + " AND t.due_at < ?", ("now",)),
    "@cadre5": ("SELECT t.due_at, t.id FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
                " WHERE a.member_id = 5 AND a.status = 'open' AND t.status = 'open'", ()),
    "#39-NQ/TW": (_OPEN + " AND t.tag = '39-NQ/TW'", ()),
}


def middle_row(db_path: Path, key: str) -> tuple[int, int]:
    sql, names = _FILTERS[key]
    params = tuple(int(time.time()) for _ in names)
    conn = sqlite3.connect(db_path)
    try:
        total = conn.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0]
        return conn.execute(f"{sql} ORDER BY t.due_at, t.id LIMIT 1 OFFSET ?",
                            (*params, total // 2)).fetchone()
    finally:
        conn.close()


def page_presses(reply: dict, key: str, db_path: Path) -> list[tuple[str, str]]:
    """(which page, callback data) for the middle and the last page of a list's reply."""
    buttons = [b for row in (reply.get("reply_markup") or {}).get("inline_keyboard", [])
               for b in row]
    data = [b.get("callback_data", "") for b in buttons]
    if any(d.startswith("tl:all:") for d in data):  # page numbers, before keyset paging
        pages = int(next(b["text"] for b in buttons if "/" in b["text"]).split("/")[1])
        return [("middle", f"tl:all:{key}:{pages // 2}"), ("last", f"tl:all:{key}:{pages - 1}")]
    last = next((d for d in data if d.startswith("ta:l:")), None)
    if last is None:
        return []
    at, row_id = middle_row(db_path, key)
    return [("middle", f"ta:n:{at}:{row_id}:0:{key}"), ("last", last)]
