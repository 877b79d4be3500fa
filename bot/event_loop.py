"""The event loop the running bot uses: libuv's (uvloop) where it is installed.

Per update the bot hands work between coroutines many times (the chat's queue, the database's
thread, the outbox, the HTTP client); asyncio's loop, written in Python, was a third of the
bot's own work per update in bench/views.py. uvloop runs the same coroutines on a loop written
in C. It has no Windows build: there asyncio's own loop stays.
"""

from __future__ import annotations

import asyncio
import importlib.util


def use_uvloop() -> None:
    """Make every loop this process creates from now on a uvloop one, where it is installed."""
    if importlib.util.find_spec("uvloop") is None:
        return
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
