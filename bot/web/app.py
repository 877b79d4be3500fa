"""The dashboard's aiohttp application: static pages from the package, and an API whose
every call carries Telegram's initData (``Authorization: tma <initData>``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.clock import epoch
from bot.i18n import normalize_language, set_language
from bot.members import Person
from bot.services import Services
from bot.web import api_meetings, api_tasks
from bot.web.app_keys import MEMBER, SCOPE, SERVICES, TOKEN, member_of, scope_of
from bot.web.auth import validate
from bot.web.texts import texts

STATIC = Path(__file__).resolve().parent / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every /api/ call: valid, recent initData or 401 with nothing else; then the member,
    their scope and their language, exactly as a command would have them."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    services = request.app[SERVICES]
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    user = validate(raw, request.app[TOKEN], now=epoch(services.clock.now()),
                    max_age=int(services.settings.init_data_max_age.total_seconds())
                    ) if scheme.lower() == "tma" else None
    if user is None:
        return web.json_response({"error": "unauthorized"}, status=401)
    default = services.settings.default_language
    member = await services.members.seen(Person(
        telegram_id=user.id, username=user.username, full_name=user.full_name,
        language=normalize_language(user.language_code, default)))
    set_language(member.language)
    request[MEMBER] = member
    request[SCOPE] = await services.access.scope(member)
    return await handler(request)


async def index(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def me(request: web.Request) -> web.Response:
    """Who is asking, what they may do, and the pages' words in their language."""
    member, scope = member_of(request), scope_of(request)
    return web.json_response({
        "name": member.display_name, "language": member.language,
        "admin": scope.is_admin, "texts": texts()})


def create_web_app(services: Services, token: str) -> web.Application:
    app = web.Application(middlewares=[authenticate], client_max_size=64 * 1024)
    app[SERVICES] = services
    app[TOKEN] = token
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC, append_version=True)
    app.router.add_get("/api/me", me)
    api_tasks.register(app.router)
    api_meetings.register(app.router)
    return app
