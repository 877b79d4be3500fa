"""HTTP front of the double: Bot API routing, request decoding, envelopes, limits, latency."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp import web

from .bot_methods import BOT_METHODS
from .errors import ApiError, bad_request, upgraded_to_supergroup
from .limits import COUNTED_METHODS, FailureInjector, RateLimiter
from .media import MEDIA_METHODS
from .methods import MESSAGE_METHODS, Handler
from .state import JSON, State, Upload
from .webhook import WebhookDelivery

METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for name, handler in {**BOT_METHODS, **MESSAGE_METHODS, **MEDIA_METHODS}.items()
}
# Methods that change what users see: latency applies, and idle() watches them.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
        "sendChatAction",
    }
)
JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "media",
        "menu_button",
        "permissions",
    }
)
INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "user_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
        "from_chat_id",
    }
)
BOOL_PARAMS = frozenset(
    {
        "protect_content",
        "disable_notification",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "allow_paid_broadcast",
        "disable_content_type_detection",
        "only_if_banned",
        "revoke_messages",
    }
)
MAX_UPLOAD = 50 * 1024 * 1024
_INT_RE = re.compile(r"^-?\d+$")


def _coerce(name: str, value: Any) -> Any:
    """Form values arrive as strings (PTB JSON-encodes objects); type them per parameter."""
    if not isinstance(value, str):
        return value
    if name in JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError as exc:
            what = "reply keyboard markup" if name == "reply_markup" else name
            raise bad_request(f"can't parse {what} JSON object") from exc
    if name == "chat_id":
        return int(value) if _INT_RE.match(value.strip()) else value
    if name in INT_PARAMS:
        try:
            return int(float(value))
        except ValueError as exc:
            raise bad_request(f"invalid {name} specified") from exc
    if name in BOOL_PARAMS:
        return value.strip().lower() in ("true", "1")
    return value


def envelope_response(body: JSON, status: int = 200) -> web.Response:
    """JSON response with Telegram's envelope already built by the caller."""
    text = json.dumps(body, ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json")


class ApiServer:
    """aiohttp application serving ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.limiter = RateLimiter()
        self.failures = FailureInjector()
        self.latency = 0.0
        self.migrated: dict[int, int] = {}  # old group id -> its supergroup's id
        self.throttled = 0
        self.call_log: list[JSON] = []
        self._runner: web.AppRunner | None = None
        self.webhook = WebhookDelivery(state)
        self.port = 0

    def app(self) -> web.Application:
        """Routes: file downloads first, then every Bot API method (any HTTP verb)."""
        application = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        application.router.add_get("/file/bot{token}/{path:.+}", self._download)
        application.router.add_route("*", "/bot{token}/{method}", self._api)
        return application

    async def start(self) -> int:
        """Bind 127.0.0.1 on a free port; returns the port."""
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.webhook.start()
        return self.port

    async def stop(self) -> None:
        """End pending long polls first so the graceful shutdown does not wait for them."""
        self.state.closing = True
        await self.state.notify()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _params(self, request: web.Request) -> JSON:
        """Merge query string and body (JSON, urlencoded or multipart) into typed params."""
        raw: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = json.loads(await request.text() or "{}")
                except ValueError as exc:
                    raise bad_request("can't parse JSON request body") from exc
                if not isinstance(body, dict):
                    raise bad_request("request body must be a JSON object")
                raw.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        raw[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        raw[key] = value
        return {key: _coerce(key, value) for key, value in raw.items()}

    def _fail(self, method: str, params: JSON, error: ApiError) -> web.Response:
        """Log an error answer (429s are counted) and return its envelope."""
        if error.code == 429:
            self.throttled += 1
        self.state.errors.append(
            {
                "method": method,
                "params": params,
                "error_code": error.code,
                "description": error.description,
            }
        )
        self.call_log.append({"method": method, "params": params, "error": error.envelope()})
        return envelope_response(error.envelope(), error.code)

    async def _api(self, request: web.Request) -> web.Response:
        """One Bot API call: auth, decode, inject failures, rate-limit, dispatch, record."""
        requested = request.match_info["method"]
        if request.match_info["token"] != self.state.token:
            return self._fail(requested, {}, ApiError(401, "Unauthorized"))
        try:
            params = await self._params(request)
        except ApiError as exc:
            return self._fail(requested, {}, exc)
        entry = METHODS.get(requested.lower())
        if entry is None:
            self.state.calls.append((requested, params))
            return self._fail(requested, params, ApiError(404, "Not Found"))
        name, handler = entry
        sending = name in SENDING_METHODS
        if sending:
            self.state.inflight += 1
            self.state.touch()
        try:
            result = await self._dispatch(name, handler, params, sending)
        except ApiError as exc:
            return self._fail(name, params, exc)
        finally:
            self.state.calls.append((name, params))
            if sending:
                self.state.inflight -= 1
                self.state.touch()
            await self.state.notify()
        self.call_log.append({"method": name, "params": params, "result": result})
        return envelope_response({"ok": True, "result": result})

    async def _dispatch(self, name: str, handler: Handler, params: JSON, sending: bool) -> Any:
        """Latency, then injected failure, then flood control, then the method itself."""
        if sending and self.latency > 0:
            await asyncio.sleep(self.latency)
        injected = self.failures.take(name, params)
        if injected is not None:
            raise injected
        chat_id = params.get("chat_id")
        if chat_id in self.migrated:
            raise upgraded_to_supergroup(self.migrated[chat_id])
        counted = name in COUNTED_METHODS and isinstance(chat_id, int)
        if counted:
            self.limiter.check(chat_id, self.state.is_group(chat_id))
        result = await handler(self.state, params)
        if counted:
            self.limiter.record(chat_id)
            self.state.counted.append((time.monotonic(), chat_id))
        return result

    async def _download(self, request: web.Request) -> web.Response:
        """File download route used by File.download_*; 404 like Telegram when unknown."""
        stored = self.state.files_by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.state.token or stored is None:
            return envelope_response(ApiError(404, "Not Found").envelope(), 404)
        return web.Response(body=stored.content, content_type=stored.mime_type)
