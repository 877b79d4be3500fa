"""Codes match loosely: any order, punctuation, case, marks, Đ, and leading zeros."""

import pytest

from bot.knowledge.codes import best_matches, loose_key
from bot.knowledge.content import Content
from bot.knowledge.schema import parse
from bot.knowledge.service import CONTENT_DIR


def _shipped_names() -> list[tuple[str, str]]:
    content = Content()
    for path in sorted((CONTENT_DIR / "documents").glob("*.yaml")):
        content.add(parse(path.read_bytes(), path.name))
    return [(doc.code, loose_key(name)) for doc in content.documents
            for name in (doc.code, *doc.aliases)]


NAMES = _shipped_names()


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("39", ["39-NQ/TW"]),
        ("39-NQ/TW", ["39-NQ/TW"]),
        ("39/NQ-TW", ["39-NQ/TW"]),
        ("nq39", ["39-NQ/TW"]),
        ("NQ 39", ["39-NQ/TW"]),
        ("nghi quyet 39", ["39-NQ/TW"]),
        ("Nghị quyết số 39-NQ/TW", ["39-NQ/TW"]),
        ("138", ["138-QĐ/TW"]),
        ("138-QĐ/TW", ["138-QĐ/TW"]),
        ("138-qđ/tw", ["138-QĐ/TW"]),
        ("qd138", ["138-QĐ/TW"]),
        ("QĐ 138", ["138-QĐ/TW"]),
        ("1059", ["1059/QĐ-TTg"]),
        ("1059/QĐ-TTg", ["1059/QĐ-TTg"]),
        ("68-CTr/TU", ["68-CTr/TU"]),
        ("137", ["137/2024/QH15", "decision-137-secretariat"]),  # ambiguous: the user chooses
        ("137/2024/QH15", ["137/2024/QH15"]),
        ("Quyết định 137", ["decision-137-secretariat"]),
        ("138-QD/TW", ["138-QĐ/TW"]),
        ("08-QDi/TW", ["08-QĐi/TW"]),
        ("1059/QD-TTg", ["1059/QĐ-TTg"]),
        ("5 nhiem vu chung", ["decision-137-secretariat"]),
        ("08", ["08-QĐi/TW", "27-QĐ/TU"]),  # 27-QD/TU was 08-QD/TU
        ("8", ["08-QĐi/TW", "27-QĐ/TU"]),
        ("08-QĐ/TU", ["27-QĐ/TU"]),
        ("08-QĐi/TW", ["08-QĐi/TW"]),
        ("21-KL/TW", ["21-KL/TW"]),
        ("kl 1", ["01-KL/TW"]),
        ("217", ["217-QĐ/TW"]),
        ("999", []),
        ("", []),
        ("/-", []),
    ],
)
def test_codes_are_matched_loosely(typed: str, codes: list[str]) -> None:
    assert best_matches(typed, NAMES) == codes


@pytest.mark.parametrize(
    ("text", "key"),
    [("39-NQ/TW", "39 nq tw"), ("NQ39", "39 nq"), ("138-QĐ/TW", "138 qd tw"),
     ("08-QĐi/TW", "8 qdi tw"), ("137/2024/QH15", "137 15 2024 qh"),
     ("6 nhiệm vụ trọng tâm", "6 nhiem tam trong vu")],
)
def test_the_loose_key_ignores_order_punctuation_marks_and_leading_zeros(text: str, key: str):
    assert loose_key(text) == key


def test_filler_words_alone_do_not_match_every_alias() -> None:
    from bot.knowledge.codes import best_matches, loose_key

    aliases = [("39", loose_key("Nghị quyết số 39")), ("05", loose_key("Chỉ thị số 05"))]
    assert best_matches("số", aliases) == []
    assert best_matches("nghi quyet", aliases) == []
    assert best_matches("so 39", aliases) == ["39"]
