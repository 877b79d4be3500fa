"""Units and rosters: /units, /unit parent, /members (list, add, remove, import), /rollcall,
and the roster following joins and leaves that Telegram reports."""

from __future__ import annotations

import html

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, limits
from bot.i18n import N_, _, ngettext
from bot.roster_import import ImportError_, read_roster
from bot.text import pack_pages
from bot.units import UnitOutcome
from handlers.context import (
    NEEDS_UNIT_ADMIN,
    BotContext,
    admin_only,
    org_admin_only,
    out_of_date,
    person_from,
    reply,
)
from handlers.roster import show_roster
from handlers.usage import NO_SUCH_UNIT, SEVERAL_UNITS, arguments, too_long

_NOT_A_UNIT = N_("This group is not a unit yet: an organisation admin makes it one with "
                 "<code>/subscribe Chi bộ Văn phòng</code>.")
_MEMBERS_USAGE = N_(
    "In a unit's group: <code>/members</code> lists the roster, "
    "<code>/members add @binh_le @chi_pham</code> adds, <code>/members remove @binh_le</code> "
    "takes off, and a CSV or XLSX file sent with the caption <code>/members import</code> "
    "adds everyone it lists (columns: username or Telegram id, full name).")


async def _unit_of_chat(update: Update, context: BotContext) -> int | None:
    """This group's unit id; answers and returns None in a private chat or a plain group."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        await reply(update, _("Use this command inside the unit's group chat.") + "\n"
                    + _(_MEMBERS_USAGE))
        return None
    unit = await context.services.units.get(chat.id)
    if unit is None:
        await reply(update, _(_NOT_A_UNIT))
        return None
    return unit.id


@admin_only
async def units(update: Update, context: BotContext) -> None:
    """List the units this admin manages, each under its parent."""
    found = await context.services.units.managed(context.scope)
    if not found:
        await reply(update, _("There are no units yet. In a group, an organisation admin sends "
                              "<code>/subscribe Chi bộ Văn phòng</code> to make it one."))
        return
    names = {u.id: u.name for u in found}
    lines = [_("<b>Units</b>")]
    for unit in found:
        parent = names.get(unit.parent_id or 0)
        line = f"• {html.escape(unit.name)}"
        if parent:
            line += " — " + _("under {parent}").format(parent=html.escape(parent))
        lines.append(line)
    for page in pack_pages(lines, separator="\n"):
        await reply(update, page)


_PARENT_ANSWERS = {
    UnitOutcome.NO_SUCH_PARENT: NO_SUCH_UNIT,
    UnitOutcome.AMBIGUOUS_PARENT: SEVERAL_UNITS,
    UnitOutcome.OWN_PARENT: N_("A unit cannot be placed under itself or under its own child."),
    UnitOutcome.NOT_A_UNIT: _NOT_A_UNIT,
    UnitOutcome.NOT_ALLOWED: NEEDS_UNIT_ADMIN,
}


@org_admin_only
async def unit(update: Update, context: BotContext) -> None:
    """Place this unit under a parent unit: /unit parent <name> (no name: at the top)."""
    message = update.effective_message
    assert message is not None and context.member is not None
    words = arguments(message).split(maxsplit=1)
    if not words or words[0].lower() not in ("parent", "cấp trên", "cap_tren", "cha"):
        await reply(update, _("Example, in the cell's group: <code>/unit parent Đảng ủy "
                              "Khối</code> places this unit under the unit of that name; "
                              "<code>/unit parent</code> alone puts it at the top."))
        return
    unit_id = await _unit_of_chat(update, context)
    if unit_id is None:
        return
    parent_name = words[1].strip() if len(words) > 1 else None
    outcome, parent = await context.services.units.set_parent(context.member, context.scope,
                                                             unit_id, parent_name)
    if outcome is UnitOutcome.DONE:
        text = _("This unit is now under {parent}.").format(
            parent=html.escape(parent.name)) if parent else _("This unit is now at the top.")
    else:
        text = _(_PARENT_ANSWERS[outcome]).format(name=html.escape(parent_name or ""))
    await reply(update, text)


@admin_only
async def members(update: Update, context: BotContext) -> None:
    """The unit's roster, or add/remove people on it."""
    message = update.effective_message
    assert message is not None and context.member is not None
    unit_id = await _unit_of_chat(update, context)
    if unit_id is None:
        return
    if not context.scope.manages(unit_id):
        await reply(update, _(NEEDS_UNIT_ADMIN))
        return
    words = arguments(message).split()
    if not words:
        await show_roster(update, context, unit_id)
        return
    action, names = words[0].lower(), [w for w in words[1:] if w.startswith("@")]
    if len(names) > limits.PEOPLE:
        await reply(update, too_long(limits.TooLong("people", limits.PEOPLE)))
        return
    if action in ("add", "thêm", "them") and names and len(names) == len(words) - 1:
        _outcome, added = await context.services.units.add(context.member, context.scope,
                                                           unit_id, names)
        await reply(update, ngettext("{count} person added to the roster.",
                                     "{count} people added to the roster.",
                                     len(added)).format(count=len(added)))
    elif action in ("remove", "xóa", "xoá", "xoa", "bớt") and len(names) == 1 == len(words) - 1:
        await _remove(update, context, unit_id, names[0])
    else:
        await reply(update, _(_MEMBERS_USAGE))


async def _remove(update: Update, context: BotContext, unit_id: int, username: str) -> None:
    assert context.member is not None
    services = context.services
    member = await services.members.find(username)
    if member is None:
        await reply(update, _("I don't know {username}.").format(username=html.escape(username)))
        return
    outcome = await services.units.remove(context.member, context.scope, unit_id, member)
    if outcome is UnitOutcome.DONE:
        await reply(update, _("{name} is taken off the roster. Their open tasks stay with them "
                              "until you reassign them.").format(
            name=html.escape(member.display_name)))
    else:
        await reply(update, _("{name} is not on the roster.").format(
            name=html.escape(member.display_name)))


@admin_only
async def import_members(update: Update, context: BotContext) -> None:
    """A CSV or XLSX file sent with the caption /members import."""
    message = update.effective_message
    assert message is not None and message.document is not None
    assert context.member is not None
    unit_id = await _unit_of_chat(update, context)
    if unit_id is None:
        return
    document = message.document
    if document.file_size and document.file_size > 1_000_000:
        await reply(update, _("The file is too large (at most 1 MB)."))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        rows = read_roster(data, document.file_name or "")
    except ImportError_ as exc:
        await reply(update, exc.render() + "\n" + _("Nothing was changed.") + "\n"
                    + _(_MEMBERS_USAGE))
        return
    outcome, added = await context.services.units.import_rows(context.member, context.scope,
                                                              unit_id, rows)
    if outcome is not UnitOutcome.DONE:
        await reply(update, _(NEEDS_UNIT_ADMIN))
        return
    await reply(update, _("Imported {rows} rows: {added} people added to the roster.").format(
        rows=len(rows), added=added))


@admin_only
async def rollcall(update: Update, context: BotContext) -> None:
    """Post a button that puts whoever presses it on the unit's roster."""
    unit_id = await _unit_of_chat(update, context)
    if unit_id is None:
        return
    button = InlineKeyboardButton(_("🙋 I am a member"),
                                  callback_data=callbacks.ROLL_CALL.pack())
    await reply(update, _("📋 Roll call: members of this unit, please press the button below so "
                          "the bot knows you belong here and can remind you."),
                reply_markup=InlineKeyboardMarkup([[button]]))


async def on_rollcall(update: Update, context: BotContext) -> None:
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    if context.member is None or chat is None or callbacks.ROLL_CALL.parse(query.data) is None:
        await out_of_date(update)
        return
    unit = await context.services.units.get(chat.id)
    if unit is None:
        await query.answer(_(_NOT_A_UNIT), show_alert=True)
        return
    # Pressing in the group has already put them on the roster (anyone who acts there does);
    # the press is recorded as a roll call either way.
    await context.services.units.joined(unit.id, context.member, "rollcall")
    await query.answer(_("Thank you, you are on the roster of {unit}.").format(unit=unit.name))


async def on_chat_member(update: Update, context: BotContext) -> None:
    """Telegram's report of someone joining or leaving (the bot must be a group admin)."""
    change = update.chat_member
    assert change is not None
    user = change.new_chat_member.user
    if user.is_bot:
        return
    inside = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR,
                                               ChatMember.OWNER) or (
        change.new_chat_member.status == ChatMember.RESTRICTED
        and getattr(change.new_chat_member, "is_member", False))
    await _follow(context, change.chat.id, user, inside, "chat_member")


async def on_service_message(update: Update, context: BotContext) -> None:
    """"X joined the group" / "X left the group" messages."""
    message = update.effective_message
    assert message is not None
    for user in message.new_chat_members or ():
        await _follow(context, message.chat.id, user, True, "service")
    if message.left_chat_member is not None:
        await _follow(context, message.chat.id, message.left_chat_member, False, "service")


async def _follow(context: BotContext, chat_id: int, user, inside: bool, source: str) -> None:
    if user.is_bot:
        return
    services = context.services
    member = await services.members.seen(person_from(user, services.settings.default_language))
    if inside:
        await services.units.joined(chat_id, member, source)
    else:
        await services.units.left(chat_id, member, source)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("units", units))
    app.add_handler(CommandHandler("unit", unit))
    app.add_handler(CommandHandler("members", members))
    app.add_handler(MessageHandler(
        filters.Document.ALL & filters.CaptionRegex(r"^/members(@\w+)?\s+import\b"),
        import_members))
    app.add_handler(CommandHandler("rollcall", rollcall))
    app.add_handler(CallbackQueryHandler(on_rollcall, pattern=callbacks.ROLL_CALL.matches))
    app.add_handler(ChatMemberHandler(on_chat_member, ChatMemberHandler.CHAT_MEMBER))
    app.add_handler(MessageHandler(
        filters.StatusUpdate.NEW_CHAT_MEMBERS | filters.StatusUpdate.LEFT_CHAT_MEMBER,
        on_service_message))
