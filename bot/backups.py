"""Daily backups: one file per local date in BACKUP_DIR, the newest BACKUP_KEEP kept."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock
from storage.backup import BackupError, backup

log = logging.getLogger(__name__)

PREFIX = "committee-"
SUFFIX = ".sqlite3"
# Only files named by this pattern are ever deleted by the rotation.
_DAILY = re.compile(rf"^{re.escape(PREFIX)}\d{{4}}-\d{{2}}-\d{{2}}{re.escape(SUFFIX)}$")


def daily_name(day: date) -> str:
    return f"{PREFIX}{day.isoformat()}{SUFFIX}"


def daily_backups(folder: Path) -> list[Path]:
    """The daily backups in ``folder``, oldest first (the names sort by date)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _DAILY.match(p.name) and p.is_file())


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` (at least 1) daily backups; returns them."""
    doomed = daily_backups(folder)[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


class DailyBackup:
    """Takes today's backup unless it exists, then rotates. Run by the JobQueue once a day
    (and once at start, so a bot that was down at the usual hour still has today's copy)."""

    def __init__(self, database: Path, folder: Path, keep: int, clock: Clock,
                 zone: ZoneInfo) -> None:
        self.database = database
        self.folder = folder
        self.keep = keep
        self.clock = clock
        self.zone = zone

    async def run(self) -> Path | None:
        """Returns the file written, or None when today's copy was already there."""
        target = self.folder / daily_name(self.clock.now().astimezone(self.zone).date())
        if target.exists():
            return None
        try:
            await asyncio.to_thread(backup, self.database, target)
        except (BackupError, OSError) as exc:
            log.error("Daily backup to %s failed: %s", target, exc)
            return None
        removed = await asyncio.to_thread(rotate, self.folder, self.keep)
        log.info("Daily backup written to %s (%d old ones removed)", target, len(removed))
        return target
