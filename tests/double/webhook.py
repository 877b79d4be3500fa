"""Webhooks as Telegram runs them: setWebhook's checks, then each update POSTed to the URL.

Telegram posts one update per request, as JSON, with ``X-Telegram-Bot-Api-Secret-Token`` when
a secret_token was set; any answer but 2xx (or no answer) keeps the update and it is posted
again later, the failure shown by getWebhookInfo. Two test hooks stand in for the world: a
route from the public https address to the bot's local port (the reverse proxy), and a forged
secret header (an impostor's post).
"""

from __future__ import annotations

import asyncio
import copy
import re
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .errors import bad_request
from .state import JSON, State

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PORTS = (443, 80, 88, 8443)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
RETRY_DELAY = 0.05  # seconds; Telegram waits longer, the tests should not
ANSWER_TIMEOUT = 10.0
GENUINE = object()  # post with the secret given to setWebhook


def _drop_pending(state: State) -> None:
    state.updates.clear()
    state.delivered_update_id = state.next_update_id - 1


def _clear(state: State) -> None:
    state.webhook_url = ""
    state.webhook_secret = ""
    state.webhook_last_error = None


async def set_webhook(state: State, params: JSON) -> bool:
    """setWebhook with Telegram's checks of the address and the secret token."""
    url = str(params.get("url") or "")
    if params.get("drop_pending_updates"):
        _drop_pending(state)
    if not url:  # an empty url removes the webhook
        _clear(state)
        return True
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parts.port or 443) not in PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = params.get("secret_token")
    if secret is not None and not _SECRET.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    state.webhook_url = url
    state.webhook_secret = str(secret or "")
    state.webhook_max_connections = min(max(int(params.get("max_connections") or 40), 1), 100)
    if isinstance(params.get("allowed_updates"), list):
        state.allowed_updates = list(params["allowed_updates"])
    state.webhook_last_error = None
    state.ever_polled = True  # updates are fetched from now on: idle() waits for them
    await state.notify()
    return True


async def delete_webhook(state: State, params: JSON) -> bool:
    """deleteWebhook (PTB calls it before polling); may drop pending updates."""
    _clear(state)
    if params.get("drop_pending_updates"):
        _drop_pending(state)
    return True


async def get_webhook_info(state: State, params: JSON) -> JSON:
    """getWebhookInfo: the address, what waits, and the last delivery error."""
    info: JSON = {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if state.webhook_url:
        info["max_connections"] = state.webhook_max_connections
        if state.allowed_updates:
            info["allowed_updates"] = list(state.allowed_updates)
    if state.webhook_last_error is not None:
        info["last_error_date"], info["last_error_message"] = state.webhook_last_error
    return info


def _chat_of(update: JSON) -> int | None:
    """The chat an update belongs to (its sender's, for updates outside any chat)."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        for holder in (value, value.get("message")):
            if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
                return int(holder["chat"]["id"])
        if isinstance(value.get("from"), dict):
            return int(value["from"]["id"])
    return None


class WebhookDelivery:
    """Posts pending updates, oldest first, while a webhook is set."""

    def __init__(self, state: State) -> None:
        self.state = state
        # http://127.0.0.1:PORT that stands for the public address: several are a reverse
        # proxy balancing between instances, one post each in turn (the next one's when an
        # instance does not answer)
        self.routes: list[str] = []
        self._turn = 0
        self.forged: Any = GENUINE
        # Posts at once: 1 posts the updates one by one; more posts up to that many (and at
        # most the max_connections the bot set) as Telegram does, a chat's next update only
        # once its previous one was answered
        self.connections = 1
        self._posting: set[int] = set()  # update ids being posted
        self._busy_chats: set[int] = set()  # chats with an update being posted
        self._posts: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT)
        )
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        tasks = [*self._posts, *([self._task] if self._task is not None else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _next(self) -> JSON | None:
        state = self.state
        if not state.webhook_url or state.closing:
            return None
        if state.allowed_updates:
            state.updates[:] = [
                u for u in state.updates if any(kind in u for kind in state.allowed_updates)
            ]
        if self.connections <= 1:
            return state.updates[0] if state.updates else None
        if len(self._posting) >= min(self.connections, state.webhook_max_connections):
            return None
        for update in state.updates:  # the oldest whose chat has no update being posted
            if update["update_id"] not in self._posting and \
                    _chat_of(update) not in self._busy_chats:
                return update
        return None

    async def _run(self) -> None:
        state = self.state
        while not state.closing:
            async with state.changed:
                await state.changed.wait_for(lambda: self._next() is not None or state.closing)
            update = self._next()
            if update is None:
                continue
            if self.connections > 1:
                self._posting.add(update["update_id"])
                chat = _chat_of(update)
                if chat is not None:
                    self._busy_chats.add(chat)
                task = asyncio.create_task(self._deliver(update, chat))
                self._posts.add(task)
                task.add_done_callback(self._posts.discard)
            else:
                await self._deliver(update, None)

    async def _deliver(self, update: JSON, chat: int | None) -> None:
        """Post the update; once answered 2xx it is gone, else it is posted again later."""
        state = self.state
        try:
            if await self._post(update):
                state.updates.remove(update)
                state.delivered_update_id = max(state.delivered_update_id, update["update_id"])
                state.touch()
            else:
                await asyncio.sleep(RETRY_DELAY)
        finally:
            if self.connections > 1:
                self._posting.discard(update["update_id"])
                if chat is not None:
                    self._busy_chats.discard(chat)
                await state.notify()

    def _next_route(self) -> str:
        if not self.routes:
            return ""
        self._turn += 1
        return self.routes[self._turn % len(self.routes)]

    async def _post(self, update: JSON) -> bool:
        """One attempt; True when the bot answered 2xx."""
        state = self.state
        secret = state.webhook_secret if self.forged is GENUINE else self.forged
        headers = {SECRET_HEADER: secret} if secret else {}
        parts = urlsplit(state.webhook_url)
        route = self._next_route()
        target = route + parts.path + (f"?{parts.query}" if parts.query else "")
        started = time.monotonic()
        status, error = 0, ""
        assert self._session is not None
        try:
            if not route:
                raise aiohttp.ClientConnectionError("Failed to resolve host")
            async with self._session.post(target, json=copy.deepcopy(update),
                                          headers=headers) as answer:
                status = answer.status
                if not 200 <= status < 300:
                    error = f"Wrong response from the webhook: {status} {answer.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc or type(exc).__name__}"
        state.webhook_deliveries.append({
            "update_id": update["update_id"],
            "status": status,
            "secret": "missing" if not secret else (
                "right" if secret == state.webhook_secret else "wrong"),
            "seconds": time.monotonic() - started,
        })
        if error:
            state.webhook_last_error = (int(time.time()), error)
        await state.notify()
        return not error
