"""The HTTP client that talks to the Bot API: PTB's request interface, on aiohttp.

PTB's own client (httpx) spends more CPU on each call than the bot spends answering most
commands: its cookie jar, its request and response models, and percent-encoding every byte of a
reply. aiohttp, the bot's web server already, parses HTTP in C and keeps no cookies here. Calls
without files go as a JSON body, one of the encodings the Bot API accepts; files go as
multipart/form-data, the only one it accepts for them. bench/views.py measures the difference.
"""

from __future__ import annotations

import json
import re
import ssl
from functools import cache
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_CREDENTIALS = re.compile(r"(?<=//)[^/@\s]+@")  # user:password@ in an address

# PTB's defaults (HTTPXRequest), in seconds.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0  # an upload: a report or a chart


@cache
def _tls() -> ssl.SSLContext:
    """One context for every client, as httpx would make it (SSL_CERT_FILE, SSL_CERT_DIR or
    certifi), rather than reading the whole CA bundle for each."""
    return httpx.create_ssl_context()


class AiohttpRequest(BaseRequest):
    """One pool of keep-alive connections. Proxies come from HTTPS_PROXY and its kin (NO_PROXY
    too), as with PTB's default client, looked up once per host: aiohttp's ``trust_env`` looks
    them up again for every call, which doubled a call's cost. A call's every wait is bounded:
    the connection (pool wait included), each read, and the whole call."""

    def __init__(self, connection_pool_size: int = 1) -> None:
        self._pool_size = connection_pool_size
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=_tls()),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        timeout = _timeout(
            _given(read_timeout, READ_TIMEOUT),
            _given(write_timeout, MEDIA_WRITE_TIMEOUT if uploads else WRITE_TIMEOUT),
            _given(connect_timeout, CONNECT_TIMEOUT),
            _given(pool_timeout, POOL_TIMEOUT),
        )
        body, headers = _body(request_data)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy(url),
                allow_redirects=False,  # as PTB's own client: the Bot API never redirects
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's time-outs are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(_described(exc)) from exc

    def _proxy(self, url: str) -> str | None:
        """The environment's proxy for the URL's scheme and host (None: go direct)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxies = getproxies()
            bypass = not key[1] or proxy_bypass(key[1])
            self._proxies[key] = None if bypass else proxies.get(key[0], proxies.get("all"))
        return self._proxies[key]


def _described(exc: aiohttp.ClientError) -> str:
    """What went wrong, without the addresses some of aiohttp's errors quote: a proxy's may
    hold its password, a request's the token."""
    if isinstance(exc, aiohttp.ClientResponseError):
        text = f"{exc.status} {exc.message}"
    elif isinstance(exc, aiohttp.InvalidURL):
        text = "invalid URL"
    else:
        text = _CREDENTIALS.sub("", str(exc))
    return f"aiohttp.{exc.__class__.__name__}: {text}"


def _given(value: float | object | None, default: float) -> float | None:
    """A time-out passed to the call, or this client's default when none was."""
    return value if value is None or isinstance(value, int | float) else default


def _timeout(read: float | None, write: float | None, connect: float | None,
             pool: float | None) -> aiohttp.ClientTimeout:
    """aiohttp has no write time-out: sending is bounded by the whole call's, the sum of all
    four (None, unbounded, only when one of them is)."""
    parts = (read, write, connect, pool)
    whole = None if None in parts else sum(parts)  # type: ignore[arg-type]
    wait_for_connection = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=whole, connect=wait_for_connection, sock_read=read)


def _body(request_data: RequestData | None) -> tuple[bytes | aiohttp.FormData | None,
                                                     dict[str, str] | None]:
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        payload = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        return payload, {"Content-Type": "application/json"}
    # Raw UTF-8 file names (RFC 7578), as PTB's default client sends them.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, *mime) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
    return form, None


def bot_api_request(connection_pool_size: int = 1) -> AiohttpRequest:
    """One client: the default pool of one suits getUpdates."""
    return AiohttpRequest(connection_pool_size=connection_pool_size)
