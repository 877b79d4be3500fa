"""What a dashboard request carries once authenticated: the services, the member and their
scope (set by the middleware in bot/web/app.py)."""

from __future__ import annotations

from aiohttp import web

from bot.access import Scope
from bot.services import Services
from storage.members import Member

SERVICES = web.AppKey("services", Services)
TOKEN = web.AppKey("token", str)
MEMBER = web.RequestKey("member", Member)
SCOPE = web.RequestKey("scope", Scope)


def member_of(request: web.Request) -> Member:
    return request[MEMBER]


def scope_of(request: web.Request) -> Scope:
    return request[SCOPE]


def services_of(request: web.Request) -> Services:
    return request.app[SERVICES]
