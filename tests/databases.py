"""The back-end the suite runs on: SQLite files, or PostgreSQL when TEST_DATABASE_URL names a
server (``make test`` runs the suite once on each; tests/postgres/server.sh starts one).

On PostgreSQL every test gets a database of its own, copied from a template the migrations
were applied to once (a copy takes milliseconds, migrating takes a second), dropped after.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from storage.database import open_database

SERVER = os.environ.get("TEST_DATABASE_URL") or None
TEMPLATE = "committee_template"
BACKEND = "postgresql" if SERVER else "sqlite"

postgres_only = pytest.mark.skipif(
    SERVER is None,
    reason="needs a PostgreSQL server: set TEST_DATABASE_URL (make test starts one)")
sqlite_only = pytest.mark.skipif(
    SERVER is not None, reason="about SQLite's file itself (its PostgreSQL counterpart is tested "
    "apart)")


def _url(database: str) -> str:
    assert SERVER is not None
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{database}"))


def _admin(sql: str) -> None:
    import psycopg

    assert SERVER is not None
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(sql)


def prepare_template() -> None:
    """A fresh template with today's schema, once per test session."""
    _admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{TEMPLATE}"')

    async def migrate() -> None:
        db = open_database(_url(TEMPLATE))
        await db.open()
        await db.close()

    asyncio.run(migrate())


@contextmanager
def database_target(tmp_path: Path, name: str = "committee.sqlite3") -> Iterator[str | Path]:
    """Where a test's database lives: a new file, or a new PostgreSQL database."""
    if SERVER is None:
        yield tmp_path / name
        return
    with server_database() as url:
        yield url


@contextmanager
def server_database(template: str | None = TEMPLATE) -> Iterator[str]:
    """A new database on the test server, dropped after: a copy of the migrated template, or
    empty (no schema at all) when ``template`` is None."""
    database = f"test_{uuid.uuid4().hex[:16]}"
    _admin(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield _url(database)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

