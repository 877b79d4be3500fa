"""Content files: every field validated, errors name the field and its line."""

from datetime import date

import pytest
import yaml

from bot.i18n import use_language
from bot.knowledge import schema
from bot.knowledge.content import Content, ContentError
from bot.knowledge.schema import parse
from bot.knowledge.service import CONTENT_DIR
from storage.knowledge_entities import Localized

DOCUMENT = "code: 1-NQ/TW\nkind: resolution\ntitle:\n  vi: Tiêu đề\n"
LIST = "id: x\ntitle: {en: A list}\nitems:\n- number: 1\n  title: {en: First}\n"
BUNDLE = """\
documents:
- code: 1-NQ/TW
  kind: resolution
  title: {vi: Một}
  cited_in: [c1]
- code: 2-NQ/TW
  kind: directive
  title: {en: Two}
  date: 2024-01-09
  lists: [x]
  cited_in: [c1]
lists:
- id: x
  title: {en: A list}
  items:
  - number: 1
    title: {en: First}
conferences:
- id: c1
  date: 2023-01-13
  title: {en: A conference}
  documents: [1-NQ/TW]
"""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("code: 1-NQ/TW\nkind: resolution\n", 1, "title is missing."),
        ("code: 1-NQ/TW\nkind: law\ntitle: {vi: a}\n", 2,
         "kind is law, but it must be one of: resolution, directive,"),
        (DOCUMENT + "date: 18/07/2023\n", 5,
         "date must be a date written like 2023-07-18, not 18/07/2023."),
        (DOCUMENT + "date: 2023-02-30\n", 5, "not 2023-02-30."),
        (DOCUMENT + "  fr: Titre\n", 5, "title.fr is not a known field; expected one of: en, vi."),
        ("code: 1-NQ/TW\nkind: resolution\ntitle: Hello\n", 3,
         "title must have a vi and/or an en text"),
        ("code: 1-NQ/TW\nkind: resolution\ntitle: {}\n", 3, "title needs a vi or an en text."),
        ("code: 1-NQ/TW\nkind: resolution\ntitle:\n  vi: ''\n", 4, "title.vi must not be empty."),
        (DOCUMENT + "sumary: {en: b}\n", 5, "sumary is not a known field"),
        (DOCUMENT + "aliases: NQ1\n", 5, "aliases must be a list (lines starting with -)."),
        (DOCUMENT + "aliases:\n- [a, b]\n", 6, "aliases[1] must be a text."),
        ("code: 1-NQ/TW\nkind: resolution\nkind: directive\ntitle: {en: a}\n", 3,
         "kind appears twice."),
        ("id: x\ntitle: {en: a}\nitems: []\n", 3, "items must not be empty."),
        (LIST + "- number: 2\n", 6, "items[2].title is missing."),
        (LIST + "- number: 1\n  title: {en: Again}\n", 6, "items[2].number 1 appears twice."),
        (LIST.replace("id: x", "id: Six Tasks"), 1,
         "id must be lowercase letters, digits and hyphens"),
        (LIST + "conference: [a]\n", 6, "conference must be a text."),
        ("id: c1\ntitle: {en: a}\nplace: {en: b}\n", 1, "date is missing."),
        ("id: c1\ndate: 2023-01-13\ntitle: {en: a}\nfigures:\n- 18/21\n", 5,
         "figures[1] must have a vi and/or an en text"),
        ("documents:\n- code: 1-NQ/TW\n  kind: resolution\n  title: {en: a}\n"
         "- code: 2-NQ/TW\n  kind: resolution\n", 5, "documents[2].title is missing."),
        (BUNDLE.replace("code: 2-NQ/TW", "code: 1-NQ/TW"), 6,
         "1-NQ/TW is declared twice in this file."),
        (BUNDLE.replace("[c1]", "[c1, Conference One]"), 5,
         "documents[1].cited_in[2] must be lowercase letters, digits and hyphens"),
        ("code: 1-NQ/TW\nkind: [resolution\n", 3, "This is not valid YAML (column 1)"),
        ("hello: 1\n", 1, "The file must hold a document (with code), a list"),
        ("- a\n- b\n", 1, "The file must hold a document"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field_and_line(text: str, line: int, message: str):
    with pytest.raises(ContentError) as caught:
        parse(text, "import.yaml")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"import.yaml, line {line}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [("", "import.yaml: The file is empty."), ("# only a comment\n", "The file is empty."),
     (b"\xff\xfe\xfa", "import.yaml: The file is not UTF-8 text.")],
)
def test_an_empty_or_binary_file_is_refused(data: str | bytes, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        parse(data, "import.yaml")


def test_a_file_holds_one_entity_decided_by_its_keys() -> None:
    document = parse(DOCUMENT + "date: 2023-07-18\naliases: [NQ1]\ncited_in: [c1]\n").documents
    assert document[0].code == "1-NQ/TW"
    assert document[0].date == date(2023, 7, 18)
    assert document[0].title == Localized(vi="Tiêu đề")
    assert parse(LIST).lists[0].items[0].number == "1"  # a YAML number is read as written
    conference = parse("id: c1\ndate: 2023-01-13\ntitle: {en: a}\n").conferences[0]
    assert conference.date == date(2023, 1, 13)


def test_a_file_may_hold_sections_of_each_kind() -> None:
    content = parse(BUNDLE)
    assert [d.code for d in content.documents] == ["1-NQ/TW", "2-NQ/TW"]
    assert [(len(content.lists), len(content.conferences))] == [(1, 1)]
    assert [(r.kind, r.key, r.field, r.line) for r in content.references] == [
        ("conference", "c1", "documents[1].cited_in[1]", 5),
        ("conference", "c1", "documents[2].cited_in[1]", 11),
        ("list", "x", "documents[2].lists[1]", 10),
        ("document", "1-NQ/TW", "conferences[1].documents[1]", 22),
    ]


def test_the_shipped_files_are_valid_and_declare_each_entity_once() -> None:
    content = Content()
    for path in sorted(CONTENT_DIR.glob("*/*.yaml")):
        content.add(parse(path.read_bytes(), path.name))
    assert (len(content.documents), len(content.lists), len(content.conferences)) == (23, 15, 5)
    with pytest.raises(ContentError, match="six-key-tasks is already declared in six-key"):
        content.add(parse((CONTENT_DIR / "lists" / "six-key-tasks.yaml").read_bytes(), "copy"))


def test_an_error_is_shown_in_the_readers_language() -> None:
    with pytest.raises(ContentError) as caught:
        parse("code: 1-NQ/TW\nkind: resolution\n", "import.yaml")
    with use_language("en"):
        assert caught.value.render() == "import.yaml, line 1: title is missing."
    with use_language("vi"):
        assert caught.value.render() == "import.yaml, dòng 1: thiếu trường title."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("code: &c 39-NQ/TW\naliases: [*c]\n", "line 2: Anchors and aliases (*name) are not"),
        ("code: '---'\nkind: resolution\ntitle: {vi: A}\n", "line 1: code needs a letter or"),
        ("code: 1-NQ/TW\nkind: resolution\ntitle: {vi: A}\naliases: ["
         + ", ".join(f"a{n}" for n in range(21)) + "]\n", "aliases has 21 entries, at most 20"),
    ],
)
def test_files_that_could_harm_the_bot_are_refused(data: str, message: str) -> None:
    with pytest.raises(ContentError) as error:
        parse(data, "bad.yaml")
    assert message in str(error.value)


# libyaml, when PyYAML has it, is what the bot uses; the pure-Python parser is the fallback.
PARSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])
DEEP = [
    ("code: " + "[" * 100_000 + "]" * 100_000, 1),  # far past libyaml's own limit
    ("code: " + "[" * 1_000_000, 1),  # never closed
    ("code: " + "[" * 13 + "]" * 13, 1),  # one past ours
    ("code: " + "{a: " * 5_000 + "b" + "}" * 5_000, 1),
    ("- " * 2_000 + "x\n", 1),  # block sequences on one line
    ("".join(" " * n + "a:\n" for n in range(2_000)) + " " * 2_000 + "b\n", 13),
]


@pytest.mark.parametrize("loader", PARSERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize(("data", "line"), DEEP, ids=range(len(DEEP)))
def test_a_file_nested_too_deeply_is_refused_in_our_own_words(
    monkeypatch: pytest.MonkeyPatch, loader: type, data: str, line: int
) -> None:
    """Whatever limits and wording the YAML library has, the reader gets our message."""
    monkeypatch.setattr(schema, "_LOADER", loader)
    with pytest.raises(ContentError) as caught:
        parse(data, "bad.yaml")
    with use_language("vi"):
        assert caught.value.render() == f"bad.yaml, dòng {line}: Tệp lồng nhau quá nhiều cấp."
    with use_language("en"):
        assert caught.value.render() == f"bad.yaml, line {line}: The file is nested too deeply."


@pytest.mark.parametrize("loader", PARSERS, ids=lambda loader: loader.__name__)
def test_broken_yaml_is_explained_without_the_librarys_english(
    monkeypatch: pytest.MonkeyPatch, loader: type
) -> None:
    monkeypatch.setattr(schema, "_LOADER", loader)
    with pytest.raises(ContentError) as caught:
        parse("code: 1-NQ/TW\ntitle: {vi: A\nkind: resolution\n", "bad.yaml")
    with use_language("vi"):
        assert caught.value.render() == (
            "bad.yaml, dòng 3: Đây không phải YAML hợp lệ (cột 5): đề nghị đồng chí kiểm tra "
            "thụt lề, dấu hai chấm và dấu ngoặc kép ở chỗ đó."
        )
    with pytest.raises(ContentError) as caught:
        parse("code: a\x00b\n", "bad.yaml")
    with use_language("vi"):
        assert caught.value.render() == "bad.yaml: Tệp có ký tự mà YAML không cho phép."


def test_a_document_without_a_code_has_an_id_and_is_named_by_its_title() -> None:
    content = parse(
        "id: decision-137-secretariat\nkind: decision\n"
        "title: {vi: Quyết định 137 của Ban Bí thư, en: Decision 137 of the Secretariat}\n",
        "d.yaml",
    )
    (document,) = content.documents
    assert (document.code, document.coded) == ("decision-137-secretariat", False)
    coded = parse("code: 138-QĐ/TW\nkind: regulation\ntitle: {vi: Về chức năng}\n", "c.yaml")
    assert (coded.documents[0].code, coded.documents[0].coded) == ("138-QĐ/TW", True)
    both = "code: 138-QĐ/TW\nid: quy-dinh-138\nkind: regulation\ntitle: {vi: Về chức năng}\n"
    with pytest.raises(ContentError, match="needs either a code or, for a document without"):
        parse(both, "both.yaml")
