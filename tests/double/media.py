"""sendPhoto and the chat menu button, in Telegram's shapes."""

from __future__ import annotations

import struct
from typing import Any

from .errors import bad_request
from .methods import Handler, _deliver, captioned
from .state import JSON, State, Upload
from .validate import target_chat

PHOTO_LIMIT = 10 * 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8"


def _dimensions(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG, as Telegram reads them; 400 otherwise."""
    if content.startswith(_PNG) and content[12:16] == b"IHDR":
        return struct.unpack(">II", content[16:24])
    if content.startswith(_JPEG):
        index = 2
        while index + 9 < len(content):
            marker = content[index + 1]
            length = struct.unpack(">H", content[index + 2:index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", content[index + 5:index + 9])
                return width, height
            index += 2 + length
    raise bad_request("IMAGE_PROCESS_FAILED")


async def send_photo(state: State, params: JSON) -> JSON:
    """sendPhoto with an uploaded image: the message holds PhotoSize objects, largest last."""
    chat = target_chat(state, params.get("chat_id"))
    photo: Any = params.get("photo")
    if isinstance(photo, str) and photo.startswith("attach://"):
        photo = params.get(photo.removeprefix("attach://"))
    if isinstance(photo, str) and photo in state.files:
        upload = state.files[photo]
        content, name = upload.content, upload.file_name
    elif isinstance(photo, Upload):
        content, name = photo.data, photo.filename or "photo.jpg"
    else:
        raise bad_request("there is no photo in the request")
    if len(content) > PHOTO_LIMIT:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    width, height = _dimensions(content)
    fields, markup, raw = captioned(params)
    stored = state.store_file(name, "image/png" if content.startswith(_PNG) else "image/jpeg",
                              content)
    fields["photo"] = [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                        "width": width, "height": height, "file_size": len(content)}]
    return await _deliver(state, chat, params, fields, markup, raw)


async def set_chat_menu_button(state: State, params: JSON) -> bool:
    """setChatMenuButton: the default button (no chat_id) or one private chat's."""
    button = params.get("menu_button") or {"type": "default"}
    if button.get("type") == "web_app":
        url = (button.get("web_app") or {}).get("url", "")
        if not str(url).startswith("https://") or not button.get("text"):
            raise bad_request("BUTTON_URL_INVALID")
    elif button.get("type") not in ("default", "commands"):
        raise bad_request("can't parse menu button")
    state.menu_buttons[params.get("chat_id")] = button
    return True


async def get_chat_menu_button(state: State, params: JSON) -> JSON:
    chat_id = params.get("chat_id")
    return state.menu_buttons.get(chat_id, state.menu_buttons.get(None, {"type": "default"}))


MEDIA_METHODS: dict[str, Handler] = {
    "sendPhoto": send_photo,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
}
