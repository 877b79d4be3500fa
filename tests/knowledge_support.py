"""The knowledge tests' fixtures: a database with the shipped content, and a file to import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.knowledge.service import CONTENT_DIR, KnowledgeService
from storage.database import open_database
from tests.databases import database_target

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
# A list an admin might import: it refers to shipped entities, and one item has no Vietnamese.
NEW_LIST = """\
id: tasks-2025
aliases: [nhiem vu 2025]
title: {vi: Nhiệm vụ năm 2025, en: Tasks for 2025}
date: 2025-01-10
conference: hungyen-2023-01-13-party-building
documents: [39-NQ/TW]
items:
- number: 1
  title: {vi: Chuẩn bị đại hội, en: Prepare the congress}
- number: 2
  title: {en: Review the plan}
"""


class FixedClock:
    def now(self) -> datetime:
        return NOW


@asynccontextmanager
async def loaded(path: Path, content_dir: Path = CONTENT_DIR) -> AsyncIterator[KnowledgeService]:
    """A fresh database (a file at ``path``, or one on the test server) holding the files of
    ``content_dir``."""
    with database_target(path.parent, path.name) as target:
        db = open_database(target)
        await db.open()
        try:
            service = KnowledgeService(db, FixedClock(), content_dir)
            await service.load_builtin()
            yield service
        finally:
            await db.close()
