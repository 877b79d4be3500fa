"""Vietnamese text holds no English: every vi message of the catalogue and every vi field of
the built-in content is checked for English words, English glosses and file ids.

A word is suspect when it is written in plain ASCII letters and could not be a Vietnamese
syllable written without marks (``Party``, ``cell``, ``examples``), or when it is one of the
common English words that could (``the``, ``one``). Codes, abbreviations and the few proper
names the bot uses are allowed. An id such as ``six-key-tasks`` is a file's, never a reader's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR
from bot.knowledge.content import Content
from bot.knowledge.schema import parse
from bot.knowledge.service import CONTENT_DIR
from storage.knowledge_entities import Localized

# A Vietnamese syllable without its marks: initial consonant, vowels, final consonant.
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})"
    r"(?:ng|nh|ch|[cmnpt])?$"
)
# Common English words that could pass for Vietnamese syllables written without marks.
_ENGLISH = frozenset({
    "on", "of", "at", "is", "as", "or", "by", "we", "and", "for", "with", "this", "that",
    "are", "was", "were", "not", "but", "all", "new", "list", "task", "tasks", "one",
})
# Names, abbreviations and terms that are the same in Vietnamese writing, and the keys of a
# content file, which an admin types as they are.
ALLOWED = frozenset({
    "Telegram", "BotFather", "YAML", "HTML", "UTC", "ID", "OCOP", "GRDP", "PCI", "CTr", "TTg",
    "Excel", "CSV", "XLSX",
    # Sub-commands typed as they are: /members add, /unit parent.
    "add", "remove", "parent", "import",
    "code", "id", "kind", "title", "aliases", "issuer", "date", "summary", "cited", "lists",
    "items", "source", "conference", "conferences", "documents", "place", "chaired", "decided",
    "figures", "number", "detail", "answer",
})
# The example in the message that tells an admin how an id is written: an id as such, not a
# file's id standing in for a name.
# Report files are named as an office names them ("bao-cao-20261001-20261231.xlsx").
ALLOWED_IDS = frozenset({"sau-nhiem-vu-trong-tam", "bao-cao"})
_STRIPPED = re.compile(
    r"<code>.*?</code>|<[^>]+>|\{[^}]*\}|https?://\S+|[@#/]\w[\w@.\-/]*|\S*\d\S*",
    re.DOTALL,
)
_WORD = re.compile(r"[^\W\d_]+")
_SLUG = re.compile(r"(?<![\w/.-])[a-z0-9]*[a-z]{2}[a-z0-9]*(?:-[a-z0-9]+)+(?![\w/])|"
                   r"(?<![\w/.-])[a-z0-9]+(?:-[a-z0-9]+)*-[a-z]{2,}[a-z0-9]*(?![\w/])")


def english_in(text: str) -> list[str]:
    """The words and ids of ``text`` that are English, not Vietnamese."""
    found = [slug for slug in _SLUG.findall(text) if slug not in ALLOWED_IDS]
    for word in _WORD.findall(_STRIPPED.sub(" ", _SLUG.sub(" ", text))):
        if word in ALLOWED or not word.isascii() or (word.isupper() and len(word) > 1):
            continue
        lower = word.lower()
        if lower in _ENGLISH or not _SYLLABLE.match(lower):
            found.append(word)
    return found


def _catalogue_texts() -> Iterator[tuple[str, str]]:
    with (LOCALES_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                forms = message.string if isinstance(message.string, tuple) else (message.string,)
                for form in forms:
                    yield str(message.id), form


def _content() -> Content:
    content = Content()
    for path in sorted(CONTENT_DIR.glob("*/*.yaml")):
        content.add(parse(path.read_bytes(), str(path.relative_to(CONTENT_DIR))))
    return content


def _content_texts() -> Iterator[tuple[str, str]]:
    content = _content()

    def each(where: str, *values: Localized) -> Iterator[tuple[str, str]]:
        for value in values:
            if value.vi:
                yield where, value.vi

    for doc in content.documents:
        yield from each(doc.code, doc.title, doc.issuer, doc.summary)
    for item_list in content.lists:
        yield from each(item_list.slug, item_list.title, item_list.source)
        for item in item_list.items:
            yield from each(f"{item_list.slug} {item.number}", item.title, item.detail,
                            item.answer)
    for conference in content.conferences:
        yield from each(conference.slug, conference.title, conference.place,
                        conference.chaired_by, conference.decided, *conference.figures)


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ('cho 1 chi bộ ("one Party cell") và 7 đơn vị', ["one", "Party", "cell"]),
        ('cuộc thi "Bright examples around us"', ["Bright", "examples", "around", "us"]),
        ("Cách gọi khác: Nghị quyết 39, Resolution 39", ["Resolution"]),
        ("• danh sách six-key-tasks — đã thay thế", ["six-key-tasks"]),
        ("Các nguồn yêu cầu cụ thể hóa chương trình", []),
        ("Nghị quyết số 39-NQ/TW, Quyết định số 1059/QĐ-TTg, Chương trình 68-CTr/TU", []),
        ("Chương trình Mỗi xã một sản phẩm (OCOP), Telegram, <code>/find chuyen doi so</code>",
         []),
        ("Đồng chí Chu Bá Long, Nghệ An, an ninh, in ấn, to lớn, no đủ", []),
    ],
)
def test_the_check_tells_english_from_vietnamese(text: str, english: list[str]) -> None:
    assert english_in(text) == english


def test_no_vietnamese_message_of_the_catalogue_holds_english() -> None:
    found = {message_id: english_in(text) for message_id, text in _catalogue_texts()}
    assert {message_id: words for message_id, words in found.items() if words} == {}


def test_no_vietnamese_text_of_the_content_holds_english() -> None:
    found = [(where, text, english_in(text)) for where, text in _content_texts()]
    assert [(where, words) for where, _text, words in found if words] == []


def test_the_content_says_nothing_about_its_sources_as_a_writer_would() -> None:
    """Summaries report what was said, by whom, not what "the sources" ask."""
    texts = [text for _where, text in _content_texts()]
    assert not [text for text in texts if "Các nguồn" in text or "các nguồn yêu cầu" in text]


def test_dates_in_the_vietnamese_content_are_written_one_way() -> None:
    """dd/mm/yyyy, as the bot shows dates (01/12/2023, never 5/8/2022 beside it)."""
    days = [day for _where, text in _content_texts()
            for day in re.findall(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}\b", text)]
    assert len(days) > 50
    assert [day for day in days if not re.fullmatch(r"\d\d/\d\d/\d{4}", day)] == []
