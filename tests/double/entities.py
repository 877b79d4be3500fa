"""Telegram-style text handling: HTML parse_mode, entity offsets in UTF-16, length limits.

Mirrors tdlib's HTML parser closely enough that markup the real server rejects (unknown
tags, stray ``<``, unbalanced tags) is rejected here too, with the same wording.
"""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]

_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_WHITESPACE = " \t\n\r\u00a0\u2028\u2029"
_SPECIAL = re.compile("[&<]")  # what ends a run of plain text


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class HtmlError(ValueError):
    """Markup the real server refuses; message is the part after "can't parse entities: "."""


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode ``&...;`` at i; unknown or malformed entities stay literal, as in tdlib."""
    end = text.find(";", i + 1, i + 12)
    if end != -1:
        name = text[i + 1 : end]
        if name in _NAMED_ENTITIES:
            return _NAMED_ENTITIES[name], end + 1
        if re.fullmatch(r"#[0-9]{1,7}", name) or re.fullmatch(r"#[xX][0-9a-fA-F]{1,6}", name):
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), end + 1
    return "&", i + 1


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse ``name="value"`` pairs up to ``>``; returns attributes and index after ``>``."""
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i] in _WHITESPACE:
            i += 1
        if i >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and (text[i].isalnum() or text[i] in "-_"):
            i += 1
        name = text[start:i].lower()
        if not name:
            raise HtmlError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        while i < n and text[i] in _WHITESPACE:
            i += 1
        if i >= n or text[i] != "=":
            attrs[name] = ""  # valueless attribute such as <blockquote expandable>
            continue
        i += 1
        while i < n and text[i] in _WHITESPACE:
            i += 1
        value_chars: list[str] = []
        if i < n and text[i] in "'\"":
            quote = text[i]
            i += 1
            while i < n and text[i] != quote:
                if text[i] == "&":
                    decoded, i = _decode_entity(text, i)
                    value_chars.append(decoded)
                else:
                    value_chars.append(text[i])
                    i += 1
            if i >= n:
                raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            i += 1
        else:
            while i < n and text[i] not in _WHITESPACE and text[i] != ">":
                value_chars.append(text[i])
                i += 1
        attrs[name] = "".join(value_chars)


def _make_entity(tag: str, attrs: dict[str, str], offset: int, length: int) -> Entity | None:
    """Entity for a closed tag, or None when Telegram would drop it (empty, no href)."""
    if length <= 0:
        return None
    kind = _SIMPLE_TAGS[tag]
    entity: Entity = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        if not attrs.get("href"):
            return None
        entity["url"] = attrs["href"]
    elif tag == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Strip Telegram HTML into plain text plus entities; raise HtmlError like the server."""
    out: list[str] = []
    out_len = 0  # UTF-16 units emitted so far
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[Entity] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded, i = _decode_entity(text, i)
            out.append(decoded)
            out_len += utf16_len(decoded)
            continue
        if char != "<":
            run_end = _SPECIAL.search(text, i + 1)
            run = text[i : run_end.start() if run_end else n]
            out.append(run)
            out_len += utf16_len(run)
            i += len(run)
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            end = text.find(">", i)
            if end == -1:
                raise HtmlError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            name = text[i + 1 : end].strip().lower()
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            tag, attrs, start = stack.pop()
            if name != tag:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag}>", found "</{name}>"'
                )
            language = attrs.get("class", "")
            inside_pre = bool(stack) and stack[-1][0] == "pre"
            if tag == "code" and language.startswith("language-") and inside_pre:
                # <pre><code class="language-x"> is a single pre entity with a language
                stack[-1][1]["language"] = language.removeprefix("language-")
                i = end + 1
                continue
            entity = _make_entity(tag, attrs, start, out_len - start)
            if entity is not None:
                entities.append(entity)
            i = end + 1
            continue
        start_name = i
        while i < n and text[i] not in _WHITESPACE and text[i] not in ">/":
            i += 1
        if i >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        tag = text[start_name:i].lower()
        if tag not in _SIMPLE_TAGS:
            raise HtmlError(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs, i = _parse_attributes(text, i, tag, begin)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        stack.append((tag, attrs, out_len))
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace like Telegram does, shifting and clipping entities."""
    stripped = text.lstrip(_WHITESPACE)
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip(_WHITESPACE)
    total = utf16_len(stripped)
    result: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def command_entities(text: str) -> list[Entity]:
    """bot_command entities for ``/cmd`` and ``/cmd@bot`` tokens, as the client app adds."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND_RE.finditer(text)
    ]
