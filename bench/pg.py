"""A PostgreSQL server for the benchmarks, and a fresh database on it per scenario.

By default tests/postgres/server.sh starts a throw-away server (Debian's postgresql, installed
when running as root; fsync off, as the test suite runs it); ``--database-url`` names one of
your own instead. Every database made here is dropped again when the run ends.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.harness import ROOT

SERVER_SCRIPT = ROOT / "tests" / "postgres" / "server.sh"
DEFAULT_PORT = "25433"  # beside the test suite's 25432, below the ephemeral ports


def start_server(port: str = DEFAULT_PORT) -> str:
    """Start (or find running) the throw-away server; its URL."""
    env = {**os.environ, "PG_TEST_PORT": os.environ.get("PG_TEST_PORT", port)}
    done = subprocess.run([str(SERVER_SCRIPT), "start"], env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def postmaster_pid(port: str = DEFAULT_PORT) -> int | None:
    """The pid of the server start_server started (None for a server of your own)."""
    port = os.environ.get("PG_TEST_PORT", port)
    # The folder tests/postgres/server.sh uses (per user, per port).
    data = Path(os.environ.get("PG_TEST_DATA", f"/tmp/committee-pg-{os.getuid()}-{port}"))
    try:
        return int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def server_pids(postmaster: int) -> list[int]:
    """The server and its backends (each connection is a process of its own)."""
    found = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == postmaster:
                found.append(int(entry.name))
    return found


class Databases:
    """Fresh, empty databases on one server (the bot migrates them as it opens them)."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.made: list[str] = []

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(sql)

    def fresh(self, label: str) -> str:
        name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return urlunsplit(urlsplit(self.server_url)._replace(path=f"/{name}"))

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"

    def drop_all(self) -> None:
        while self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{self.made.pop()}" WITH (FORCE)')
