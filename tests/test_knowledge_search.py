"""Search: marks and case ignored both ways, exact accents first, misspellings helped."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.knowledge.folding import fold, words
from bot.knowledge.search import snippet
from bot.knowledge.service import KnowledgeService, SearchResult
from tests.knowledge_support import loaded

module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def knowledge(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[KnowledgeService]:
    async with loaded(Path(tmp_path_factory.mktemp("search")) / "kb.sqlite3") as service:
        yield service


def _refs(result: SearchResult) -> list[tuple[str, str]]:
    return [(found.kind, found.label) for found in result.found]


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Chuyển đổi SỐ", "chuyen doi so"), ("ĐẢNG VIÊN", "dang vien"), ("đ Đ d", "d d d"),
     ("Nghị quyết 39-NQ/TW", "nghi quyet 39-nq/tw"),
     ("chuye\u0302\u0309n", "chuyen"),  # decomposed marks, as some keyboards send them
     ("Ủy ban, Ưu tiên, ỹ", "uy ban, uu tien, y"), ("digital", "digital")],
)
def test_folding_drops_every_mark_and_the_stroke_of_d(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_words_are_folded_and_split_on_punctuation() -> None:
    assert words("138-QĐ/TW, 1,486 nhà") == ["138", "qd", "tw", "1", "486", "nha"]


def test_a_snippet_escapes_the_text_and_bolds_the_matched_words() -> None:
    text = snippet("title", "Đề án <chuyển đổi số> & cải cách", ["chuyen", "doi", "so"])
    assert text == "Đề án &lt;<b>chuyển</b> <b>đổi</b> <b>số</b>&gt; &amp; cải cách"
    long = snippet("", "mở đầu " * 60 + "chuyển đổi số " + "kết thúc " * 60, ["chuyen"])
    assert long.startswith("…") and long.endswith("…") and "<b>chuyển</b>" in long
    assert len(long) < 260
    assert snippet("39-NQ/TW · NQ39", "Một văn bản khác", ["nq39"]) == "39-NQ/TW · <b>NQ39</b>"


@module_loop
async def test_spellings_with_and_without_marks_find_the_same_entries(
    knowledge: KnowledgeService,
) -> None:
    spellings = ["chuyển đổi số", "chuyen doi so", "CHUYEN DOI SO", "Chuyển Đổi Số",
                 "chuyen doi sô"]
    results = [set(_refs(await knowledge.search(text, limit=100))) for text in spellings]
    assert len(results[0]) >= 8
    assert all(result == results[0] for result in results)
    assert ("item", "9") in results[0]  # "Công tác chuyển đổi số trong Đảng còn chậm."


@module_loop
async def test_exact_accent_matches_rank_above_folded_ones(knowledge: KnowledgeService) -> None:
    # "đổi" (change) and "đội" (team) fold alike; typed with its marks, "đổi" ranks first.
    change = await knowledge.search("đổi", limit=100)
    team = await knowledge.search("đội", limit=100)
    assert set(_refs(change)) == set(_refs(team))
    first_change, first_team = change.found[0], team.found[0]
    assert "<b>đổi</b>" in first_change.snippet
    assert "<b>đội</b>" in first_team.snippet


@module_loop
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # diacritic-free Vietnamese
        ("chuyen doi so", ("item", "9")),
        ("nong thon moi", ("item", "3")),
        ("dang vien", ("item", "5")),
        ("nghi quyet 39", ("document", "39-NQ/TW")),
        ("xay dung nong thon moi", ("item", "3")),
        ("6 nhiem vu trong tam", ("list", "six-key-tasks")),
        ("8 nhiem vu quan trong", ("list", "eight-tasks-2023")),
        ("pickleball", None),
        # with marks, in any case
        ("NÔNG THÔN MỚI", ("item", "3")),
        ("tầm nhìn đến năm 2045", ("document", "39-NQ/TW")),
        # English finds English
        ("digital transformation", ("item", "9")),
        ("new rural", ("item", "3")),
        ("Politburo resolution Nghe An", ("document", "39-NQ/TW")),
        ("Fatherland Front", ("item", "8")),
        # codes and figures
        ("39-NQ/TW", ("document", "39-NQ/TW")),
        ("138-QĐ/TW", ("document", "138-QĐ/TW")),
        ("138-QD/TW", ("document", "138-QĐ/TW")),
        ("18/21", ("conference", "nghean-2024-09-12-secretary-agencies-bloc")),
        ("94/545", ("conference", "hungyen-2023-01-13-party-building")),
        ("1,486", ("item", "8")),
        ("1.486 căn nhà", ("item", "8")),
        ("OCOP", ("item", "3")),
    ],
)
async def test_queries_find_what_they_name(
    knowledge: KnowledgeService, query: str, expected: tuple[str, str] | None
) -> None:
    result = await knowledge.search(query, limit=100)
    if expected is None:
        assert result.found == []
    else:
        assert expected in _refs(result)[:5], _refs(result)[:5]


@module_loop
@pytest.mark.parametrize(
    ("query", "corrected", "expected"),
    [
        ("digital transfromation", "digital transformation", ("item", "9")),
        ("chuyen doii so", "chuyen doi so", ("item", "9")),
        ("nong thon moii", "nong thon moi", ("item", "3")),
        ("Politbureau", "politburo", ("document", "39-NQ/TW")),
        ("dang vien kyy luat", "dang vien ky luat", ("item", "5")),
    ],
)
async def test_a_misspelt_query_is_searched_as_the_closest_known_words(
    knowledge: KnowledgeService, query: str, corrected: str, expected: tuple[str, str]
) -> None:
    result = await knowledge.search(query, limit=100)
    assert result.corrected == corrected
    assert expected in _refs(result)


@module_loop
async def test_words_never_together_give_entries_with_some_of_them(
    knowledge: KnowledgeService,
) -> None:
    result = await knowledge.search("OCOP Politburo")
    assert result.partial
    assert ("item", "3") in _refs(result)


@module_loop
async def test_nothing_close_says_so(knowledge: KnowledgeService) -> None:
    result = await knowledge.search("qwxz zzkq")
    assert (result.found, result.corrected, result.partial) == ([], None, False)
    assert await knowledge.search("  ,.;  ") == SearchResult([])


@module_loop
async def test_results_keep_the_order_exact_then_phrase(knowledge: KnowledgeService) -> None:
    result = await knowledge.search("chuyển đổi số", limit=100)
    bolded = ["<b>chuyển</b> <b>đổi</b> <b>số</b>" in found.snippet for found in result.found]
    assert bolded[:5] == [True] * 5  # the exact phrase, with its marks, comes first


@module_loop
async def test_a_misspelt_word_among_unrelated_ones_gives_partial_results(
    knowledge: KnowledgeService,
) -> None:
    result = await knowledge.search("transfromation qwxzv")
    assert result.partial
    assert ("item", "9") in _refs(result)
