"""Bot-level and chat-info Bot API methods: identity, polling, commands, members (webhooks:
webhook.py)."""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any

from .errors import ApiError, bad_request
from .methods import Handler
from .state import GROUP_TYPES, JSON, State
from .webhook import delete_webhook, get_webhook_info, set_webhook

CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_GENERAL_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
_ADMIN_RIGHTS: JSON = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


async def get_me(state: State, params: JSON) -> JSON:
    """getMe: the bot's User object (username drives PTB's /cmd@bot matching)."""
    return copy.deepcopy(state.bot_user)


async def always_true(state: State, params: JSON) -> bool:
    """logOut / close: nothing to do locally."""
    return True


def _confirm(state: State, offset: Any) -> None:
    """Offset semantics: forget updates < offset; negative offset keeps the last -offset."""
    if offset is None:
        return
    offset = int(offset)
    if offset < 0:
        del state.updates[: max(len(state.updates) + offset, 0)]
    else:
        state.updates[:] = [u for u in state.updates if u["update_id"] >= offset]


def _available(state: State, limit: int) -> list[JSON]:
    """Pending updates the bot subscribed to (others are dropped, as on Telegram)."""
    if state.allowed_updates:
        state.updates[:] = [
            u for u in state.updates if any(kind in u for kind in state.allowed_updates)
        ]
    return state.updates[:limit]


async def get_updates(state: State, params: JSON) -> list[JSON]:
    """getUpdates with real long polling; a newer poll ends an older one with 409."""
    if state.webhook_url:
        raise ApiError(409, CONFLICT_WEBHOOK)
    state.ever_polled = True
    state.poll_generation += 1
    generation = state.poll_generation
    if isinstance(params.get("allowed_updates"), list):
        state.allowed_updates = list(params["allowed_updates"])
    _confirm(state, params.get("offset"))
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    timeout = max(float(params.get("timeout") or 0), 0.0)
    await state.notify()  # wake an older poll so it can notice it was superseded

    def ready() -> bool:
        return (
            bool(_available(state, limit))
            or state.closing
            or (generation != state.poll_generation)
        )

    if not ready():
        async with state.changed:
            try:
                await asyncio.wait_for(state.changed.wait_for(ready), timeout)
            except TimeoutError:
                return []
    if generation != state.poll_generation:
        raise ApiError(409, CONFLICT_POLL)
    result = copy.deepcopy(_available(state, limit))
    if result:
        state.touch()  # the bot is about to work on these
        state.delivered_update_id = max(state.delivered_update_id, result[-1]["update_id"])
    return result


def _scope_key(state: State, params: JSON) -> tuple[str, str]:
    """(scope key, language_code); chat-specific scopes include the chat (and user) id."""
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    if kind in _GENERAL_SCOPES:
        key = kind
    elif kind in ("chat", "chat_administrators", "chat_member"):
        chat_id = scope.get("chat_id")
        if chat_id not in state.chats:
            raise bad_request("chat not found")
        key = f"{kind}:{chat_id}"
        if kind == "chat_member":
            key += f":{scope.get('user_id')}"
    else:
        raise bad_request("wrong bot command scope type specified")
    return key, str(params.get("language_code") or "")


async def set_my_commands(state: State, params: JSON) -> bool:
    """setMyCommands with the server's command-name and description checks."""
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(command.get("description") or "").strip()
        if not description:
            raise bad_request("command description must be non-empty")
        if len(description) > 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    key = _scope_key(state, params)
    if commands:
        state.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    else:
        state.commands.pop(key, None)
    return True


async def get_my_commands(state: State, params: JSON) -> list[JSON]:
    """getMyCommands for exactly that scope and language (no fallback, like Telegram)."""
    return copy.deepcopy(state.commands.get(_scope_key(state, params), []))


async def delete_my_commands(state: State, params: JSON) -> bool:
    """deleteMyCommands for that scope and language."""
    state.commands.pop(_scope_key(state, params), None)
    return True


def _known_chat(state: State, chat_id: Any) -> JSON:
    """A chat the bot may query: groups it is in, private chats of users who started it."""
    chat = state.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None or (chat["type"] == "private" and chat_id not in state.started):
        raise bad_request("chat not found")
    return chat


async def get_chat(state: State, params: JSON) -> JSON:
    """getChat: ChatFullInfo with the fields PTB 22 requires."""
    chat = copy.deepcopy(_known_chat(state, params.get("chat_id")))
    chat.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    return chat


def _member(state: State, chat_id: int, user: JSON) -> JSON:
    """ChatMember object with the configured status."""
    status = state.member_status.get((chat_id, user["id"]), "member")
    member: JSON = {"status": status, "user": copy.deepcopy(user)}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


async def get_chat_member(state: State, params: JSON) -> JSON:
    """getChatMember: "member" unless the test configured another status."""
    chat = _known_chat(state, params.get("chat_id"))
    user_id = params.get("user_id")
    if user_id == state.bot_user["id"]:
        return _member(state, chat["id"], state.bot_user)
    if user_id not in state.users:
        raise bad_request("user not found")
    if chat["type"] == "private" and user_id != chat["id"]:
        raise bad_request("user not found")
    return _member(state, chat["id"], state.users[user_id])


async def get_chat_administrators(state: State, params: JSON) -> list[JSON]:
    """getChatAdministrators: creator and administrators configured by the test."""
    chat = _known_chat(state, params.get("chat_id"))
    if chat["type"] not in GROUP_TYPES:
        raise bad_request("there are no administrators in the private chat")
    everyone = {**state.users, state.bot_user["id"]: state.bot_user}
    return [
        _member(state, chat["id"], everyone[user_id])
        for (chat_id, user_id), status in state.member_status.items()
        if chat_id == chat["id"] and status in ("creator", "administrator") and user_id in everyone
    ]


BOT_METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": always_true,
    "close": always_true,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "getUpdates": get_updates,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
}
