"""The HTTP clients that talk to the Bot API, sharing one TLS context.

httpx builds a context for every client it makes, reading the whole CA bundle each time:
17 ms apiece, and start-up makes four clients (two to check the token, two for the bot).
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx
from telegram.request import HTTPXRequest


@cache
def _tls() -> ssl.SSLContext:
    """The context httpx would make for each client (SSL_CERT_FILE, SSL_CERT_DIR or certifi)."""
    return httpx.create_ssl_context()


def bot_api_request(connection_pool_size: int = 1) -> HTTPXRequest:
    """PTB's own request with its defaults; one connection suits getUpdates."""
    return HTTPXRequest(connection_pool_size=connection_pool_size,
                        httpx_kwargs={"verify": _tls()})
