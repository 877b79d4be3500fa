"""The dashboard Mini App, one feature of the bot's web server (bot/web/server.py): static
pages from the package at WEB_APP_URL's path, and an API beside them whose every call
carries Telegram's initData (``Authorization: tma <initData>``). The calls go to the same
services as the commands (web -> bot services -> storage), with the member's scope."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from telegram.ext import Application

from bot.clock import epoch
from bot.i18n import normalize_language, set_language
from bot.members import Person
from bot.services import Services
from bot.settings import Settings
from bot.web import api_meetings, api_tasks
from bot.web.app_keys import MEMBER, SCOPE, SERVICES, TOKEN, member_of, scope_of
from bot.web.auth import validate
from bot.web.texts import texts

STATIC = Path(__file__).resolve().parent / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNAUTHORIZED = {"error": "unauthorized"}


def authenticated(handler: Handler) -> Handler:
    """Valid, recent initData or 401 with nothing else; then the member, their scope and
    their language, exactly as a command would have them."""

    @functools.wraps(handler)
    async def checked(request: web.Request) -> web.StreamResponse:
        services = request.app[SERVICES]
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        max_age = int(services.settings.init_data_max_age.total_seconds())
        user = validate(raw, request.app[TOKEN], now=epoch(services.clock.now()),
                        max_age=max_age) if scheme.lower() == "tma" else None
        if user is None:
            return web.json_response(UNAUTHORIZED, status=401)
        default = services.settings.default_language
        member = await services.members.seen(Person(
            telegram_id=user.id, username=user.username, full_name=user.full_name,
            language=normalize_language(user.language_code, default)))
        set_language(member.language)
        request[MEMBER] = member
        request[SCOPE] = await services.access.scope(member)
        return await handler(request)

    return checked


async def index(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def me(request: web.Request) -> web.Response:
    """Who is asking, what they may do, and the pages' words in their language."""
    member, scope = member_of(request), scope_of(request)
    return web.json_response({"name": member.display_name, "language": member.language,
                              "admin": scope.is_admin, "texts": texts()})


class Routes:
    """Adds the API's routes under the dashboard's path, each behind the initData check."""

    def __init__(self, web_app: web.Application, prefix: str) -> None:
        self.router = web_app.router
        self.prefix = prefix

    def get(self, path: str, handler: Handler) -> None:
        self.router.add_get(f"{self.prefix}/api/{path}", authenticated(handler))

    def post(self, path: str, handler: Handler) -> None:
        self.router.add_post(f"{self.prefix}/api/{path}", authenticated(handler))


def register(web_app: web.Application, app: Application, settings: Settings) -> None:
    """Serve the dashboard at WEB_APP_URL's path, when WEB_APP_URL is set."""
    if settings.web_app_url is None:
        return
    services: Services = app.bot_data["services"]
    web_app[SERVICES] = services
    web_app[TOKEN] = settings.require_token()
    prefix = settings.web_app_path
    web_app.router.add_get(f"{prefix}/", index)
    if prefix:
        web_app.router.add_get(prefix, _to_folder(prefix))
    web_app.router.add_static(f"{prefix}/static/", STATIC, append_version=True)
    routes = Routes(web_app, prefix)
    routes.get("me", me)
    api_tasks.register(routes)
    api_meetings.register(routes)


def _to_folder(prefix: str) -> Handler:
    """The pages name their files relative to the folder: /app goes to /app/."""

    async def redirect(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect(f"{prefix}/")

    return redirect
