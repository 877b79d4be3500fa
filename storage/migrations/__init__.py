"""Numbered SQL migrations: ``NNNN_name.sql`` files, applied in order, each in a transaction.

SQLite's are in this folder, from the first schema on. PostgreSQL's are in ``postgres/``: the
bot first spoke PostgreSQL at schema 10, so its first file makes that schema whole (a baseline
standing for 1..10) and every later version has a file in both folders.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(script: str) -> tuple[str, ...]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending!r}")
    return tuple(statements)


def load_migrations(dialect: str = "sqlite") -> list[Migration]:
    folder = resources.files(__package__)
    if dialect == "postgresql":
        folder = folder / "postgres"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(
                Migration(int(match[1]), match[2], split_statements(entry.read_text("utf-8")))
            )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    first = versions[0] if versions else 1
    if versions != list(range(first, first + len(found))) or (dialect == "sqlite" and first != 1):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


def latest_version(dialect: str = "sqlite") -> int:
    """The schema version this code brings a database to."""
    migrations = load_migrations(dialect)
    return migrations[-1].version if migrations else 0
