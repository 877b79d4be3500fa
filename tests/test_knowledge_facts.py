"""The loaded knowledge base says what the sources say: checked against bot/content/FACTS.md.

FACTS.md lists every fact with its source sentence; each row of its fact table is checked
against what the database holds after loading, so a fact changed in a content file (or lost on
the way into SQLite) fails here. The seeds in /work/shared/seeds hold every sentence the table
quotes, and the key figures.
"""

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio

from bot.knowledge.schema import parse
from bot.knowledge.service import CONTENT_DIR, KnowledgeService
from storage.knowledge_entities import Conference, Document, ItemList
from tests.knowledge_support import loaded

module_loop = pytest.mark.asyncio(loop_scope="module")
SEEDS = Path("/work/shared/seeds")
FACT_ROW = re.compile(r"^\| (\d+) \| (\S+) \| ([^|]+) \| (.*?) \| (\S+) \| (.*) \|$")

CODES = {  # code: (kind, date or None)
    "39-NQ/TW": ("resolution", date(2023, 7, 18)),
    "26-NQ/TW": ("resolution", None),
    "137/2024/QH15": ("resolution", date(2024, 6, 26)),
    "35-CT/TW": ("directive", date(2024, 6, 14)),
    "138-QĐ/TW": ("regulation", date(2023, 12, 1)),
    "27-QĐ/TU": ("regulation", None),
    "1059/QĐ-TTg": ("decision", None),
    "68-CTr/TU": ("programme", None),
    "21-KL/TW": ("conclusion", None),
    "01-KL/TW": ("conclusion", None),
    "05-CT/TW": ("directive", None),
    "18-TB/TW": ("notice", date(2022, 8, 5)),
    "08-QĐi/TW": ("regulation", date(2018, 10, 25)),
    "07-CT/TU": ("directive", date(2021, 7, 13)),
    "44-CT/TU": ("directive", date(2020, 3, 27)),
    "217-QĐ/TW": ("decision", None),
    "218-QĐ/TW": ("decision", None),
    "124-QĐ/TW": ("regulation", None),
}
UNCODED = {  # id: kind (the sources name these documents without a code, or a date)
    "decision-137-secretariat": "decision",
    "agencies-bloc-digital-transformation-project": "project",
    "hungyen-action-programme-general-secretary": "programme",
    "secretariat-directive-lunar-new-year": "directive",
    "hungyen-directive-lunar-new-year": "directive",
}
LISTS = {  # slug: (date, first word of each item's English title, in order)
    "six-key-tasks": (date(2023, 8, 29), "Review Follow Find Strengthen Build Uphold"),
    "eight-tasks-2023": (date(2023, 1, 13),
                         "Implement Lead Innovate Build Improve Strengthen Internal Renew"),
    "dialogue-2023-implementation": (date(2023, 8, 29),
                                     "Provincial Organizing Party Mass Organisations"),
    "hungyen-2023-report-solutions": (date(2023, 1, 13), "Strengthen Do Keep Promptly Strengthen "
                                      "Focus Resolutely Do Unite Focus Ensure Maintain"),
    "hungyen-2023-discussion-topics": (date(2023, 1, 13), "Advising Inspection Site Government"),
    "agencies-bloc-2023-results": (date(2023, 12, 15), "Led 100% Advised Helped Reviews "
                                   "Renewed Applied Social Digital Directed Rated"),
    "agencies-bloc-2023-limitations": (date(2023, 12, 15), "Grasp Online Weak Inspection "
                                       "Handling New Administrative Improvement Digital"),
    "agencies-bloc-2024-directions": (date(2023, 12, 15), "Keep Lead Thoroughly Alongside Run"),
    "agencies-bloc-2024-09-tasks": (date(2024, 9, 12), "Build Develop Direct Innovate Implement"),
    "agencies-bloc-2024-09-proposals": (date(2024, 9, 12), "A Upgrade Digital Coordination Add "
                                        "Annual Job"),
    "agencies-bloc-2024-09-limitations": (date(2024, 9, 12), "Some Grasp Some Some"),
    "agencies-bloc-2024-09-achievements": (date(2024, 9, 12), "Solidarity Creative 18/21 Many "
                                           "Leaders"),
    "advisory-common-tasks-2024": (date(2024, 1, 9), "Carry Immediately Advise Innovate Build "
                                   "Closer"),
    "advisory-agencies-2024-tasks": (date(2024, 1, 9), "Propaganda Mass Organisation Inspection "
                                     "Internal Office"),
    "advisory-agencies-2023-results": (date(2024, 1, 9), "Propaganda Organisation Mass "
                                       "Inspection Internal Offices Coordination"),
}
CONFERENCES = {  # slug: (date, key figures that must appear in both languages)
    "nghean-2023-12-15-agencies-bloc": (date(2023, 12, 15), ["100%", "26-NQ/TW"]),
    "nghean-2024-09-12-secretary-agencies-bloc": (date(2024, 9, 12), ["18/21"]),
    "nghean-2024-01-09-advisory-agencies": (date(2024, 1, 9), ["68-CTr/TU", "39-NQ/TW"]),
    "nghean-2023-08-dialogue": (date(2023, 8, 3), ["2021 - 2030", "2023 - 2025"]),
    "hungyen-2023-01-13-party-building": (date(2023, 1, 13),
                                          ["2/13", "11/13", "94/545", "397/545", "54/545"]),
}
ENGLISH_FIGURES = {  # figures written in the sources' number format, with the seed holding it
    "18/21": "001", "2/13": "004", "11/13": "004", "94/545": "004", "397/545": "004",
    "54/545": "004", "13.4%": "004", "1,486": "000", "93.84": "000",
}
VIETNAMESE_FIGURES = ["13,4%", "1.486", "93,84 tỷ đồng"]


class Loaded:
    """The database's content, keyed as FACTS.md names it (by file)."""

    def __init__(self, docs: list[Document], lists: list[ItemList], confs: list[Conference]):
        self.documents = {d.code: d for d in docs}
        self.lists = {tl.slug: tl for tl in lists}
        self.conferences = {c.slug: c for c in confs}

    def by_file(self, name: str) -> Document | ItemList | Conference:
        content = parse((CONTENT_DIR / name).read_bytes(), name)
        if content.documents:
            return self.documents[content.documents[0].code]
        if content.lists:
            return self.lists[content.lists[0].slug]
        return self.conferences[content.conferences[0].slug]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def knowledge(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[KnowledgeService]:
    async with loaded(Path(tmp_path_factory.mktemp("facts")) / "kb.sqlite3") as service:
        yield service


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stored(knowledge: KnowledgeService) -> Loaded:
    return Loaded(await knowledge.documents(), await knowledge.item_lists(),
                  await knowledge.conferences())


def _fact_rows(with_sources: bool = False) -> list[tuple[str, ...]]:
    rows = []
    for line in (CONTENT_DIR / "FACTS.md").read_text("utf-8").splitlines():
        match = FACT_ROW.match(line)
        if match:
            row = (match[1], match[2], match[3].strip(), match[4].strip())
            rows.append((*row, match[5], match[6].strip()) if with_sources else row)
    return rows


def _text(entity: object, path: str) -> str:
    """The text at ``items[number=N].detail.en``, ``source.vi``, ``decided.en`` and the like."""
    if path.startswith("items[number="):
        number, path = path.removeprefix("items[number=").split("].")
        (entity,) = [item for item in entity.items if item.number == number]
    name, language = path.split(".")
    return getattr(getattr(entity, name), language) or ""


def _check_fact(entity: object, field: str, value: str) -> None:
    if field.endswith(" ⊇"):  # the text holds the value
        assert value in _text(entity, field.removesuffix(" ⊇")) if "aliases" not in field \
            else set(value.split(", ")) <= set(entity.aliases)
    elif field.endswith(" ∌"):  # the text (or the aliases) holds none of the values
        held = entity.aliases if field.startswith("aliases") else \
            _text(entity, field.removesuffix(" ∌"))
        assert not [part for part in value.split(", ") if part in held]
    elif field == "coded":
        assert entity.coded == (value == "yes")
    elif field == "title.vi":
        assert entity.title.vi == value
    elif field == "date":
        expected = None if value.startswith("(absent") else date.fromisoformat(value[:10])
        assert entity.date == expected
    elif field in ("code", "kind", "conference"):
        assert getattr(entity, field) == value
    elif field in ("issuer.vi", "issuer.en", "place.en"):
        name, language = field.split(".")
        assert getattr(getattr(entity, name), language) == value
    elif field == "aliases":
        assert set(value.split(", ")) <= set(entity.aliases)
    elif field == "cited_in":
        assert set(entity.cited_in) == set(value.split(", "))
    elif field in ("title.en", "summary", "summary (10 years)"):
        text = (entity.title if field == "title.en" else entity.summary).en
        assert value.removeprefix("...").strip() in text
    elif field == "len(items)":
        assert len(entity.items) == int(value)
    elif field.startswith("items[number=") and field.endswith("(order)"):
        number = field.removeprefix("items[number=").split("]")[0]
        assert [item.title.en for item in entity.items if item.number == number] == [value]
    elif field in ("figures[].en", "figures[].vi"):
        assert value in [getattr(figure, field[-2:]) for figure in entity.figures]
    elif field == "chaired_by":
        for name in value.split(";"):
            assert name.split(" ...")[0].strip() in entity.chaired_by.en
    else:
        raise AssertionError(f"FACTS.md has a field this test does not know: {field}")


@module_loop
async def test_every_fact_of_facts_md_holds_in_the_database(
    stored: Loaded, knowledge: KnowledgeService
) -> None:
    rows = _fact_rows()
    assert len(rows) == 427
    wrong = []
    for number, name, field, value in rows:
        try:
            entity = stored.by_file(name)
            if field == "found as":  # what people type, the official form or not
                for typed in value.split(", "):
                    assert [d.code for d in await knowledge.find_documents(typed)] == [
                        entity.code], typed
            else:
                _check_fact(entity, field, value)
        except (AssertionError, KeyError, ValueError, FileNotFoundError):
            wrong.append(f"FACTS.md row {number}: {name} {field} = {value!r}")
    assert wrong == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source articles are not at hand")
def test_every_source_sentence_of_facts_md_is_in_its_source_article() -> None:
    """A quoted sentence, or each part of one abridged with "...", is in the article cited."""
    articles = {path.name: " ".join(path.read_text("utf-8").split())
                for path in SEEDS.glob("0*.txt")}
    checked = 0
    for number, _name, _field, _value, source, sentence in _fact_rows(with_sources=True):
        if source == "-" or (sentence.startswith("(") and sentence.endswith(")")):
            continue
        assert sentence, f"FACTS.md row {number} cites {source} but quotes nothing"
        for part in re.split(r"\s*(?:\.\.\.|…)\s*", sentence):
            assert part in articles[source], f"FACTS.md row {number}: {part!r} not in {source}"
        checked += 1
    assert checked > 250


@module_loop
async def test_items_keep_the_order_facts_md_gives(stored: Loaded) -> None:
    order: dict[str, list[str]] = {}
    for _number, name, field, _value in _fact_rows():
        if field.startswith("items[number=") and field.endswith("(order)"):
            order.setdefault(name, []).append(field.removeprefix("items[number=").split("]")[0])
    assert len(order) == 15
    for name, numbers in order.items():
        assert [item.number for item in stored.by_file(name).items] == numbers


@module_loop
async def test_the_documents_have_their_codes_kinds_and_dates(stored: Loaded) -> None:
    coded = {code: d for code, d in stored.documents.items() if d.coded}
    assert {code: (d.kind, d.date) for code, d in coded.items()} == CODES
    uncoded = {key: d for key, d in stored.documents.items() if not d.coded}
    assert {key: d.kind for key, d in uncoded.items()} == UNCODED
    assert all(d.date is None for d in uncoded.values())


@module_loop
async def test_codes_are_written_with_their_d_stroke(stored: Loaded) -> None:
    """Official codes have Đ (138-QĐ/TW); no text shows the unmarked form of a known code."""
    unmarked = {code.replace("Đ", "D") for code in CODES if "Đ" in code}
    assert len(unmarked) == 7
    texts = [text for d in stored.documents.values()
             for text in (d.title.vi, d.title.en, d.summary.vi, d.summary.en)]
    texts += [text for tl in stored.lists.values() for item in tl.items
              for text in (item.title.vi, item.title.en, item.detail.vi, item.detail.en)]
    texts += [text for c in stored.conferences.values()
              for text in (c.decided.vi, c.decided.en, *(f.vi for f in c.figures),
                           *(f.en for f in c.figures))]
    assert [text for text in texts if text and any(code in text for code in unmarked)] == []
    assert "08-QD/TU" not in " ".join(t for t in texts if t)


@module_loop
async def test_the_lists_have_their_dates_counts_and_items_in_order(stored: Loaded) -> None:
    assert set(stored.lists) == set(LISTS)
    for slug, (day, first_words) in LISTS.items():
        item_list = stored.lists[slug]
        assert item_list.date == day
        firsts = [item.title.en.split()[0].rstrip(",:") for item in item_list.items]
        assert firsts == first_words.split()
        assert all(item.title.vi for item in item_list.items), slug  # both languages
    assert len(stored.lists["six-key-tasks"].items) == 6
    assert len(stored.lists["eight-tasks-2023"].items) == 8
    assert sum(len(item_list.items) for item_list in stored.lists.values()) == 100


@module_loop
async def test_the_conferences_have_their_dates_and_key_figures(stored: Loaded) -> None:
    assert {slug: c.date for slug, c in stored.conferences.items()} == {
        slug: day for slug, (day, _figures) in CONFERENCES.items()}
    for slug, (_day, figures) in CONFERENCES.items():
        conference = stored.conferences[slug]
        for language in ("vi", "en"):
            texts = " ".join(f.get(language) or "" for f in conference.figures)
            assert all(figure in texts for figure in figures), (slug, language)


@module_loop
async def test_key_figures_keep_each_languages_number_format(stored: Loaded) -> None:
    english = " ".join(f.en for c in stored.conferences.values() for f in c.figures)
    vietnamese = " ".join(f.vi for c in stored.conferences.values() for f in c.figures)
    assert all(figure in english for figure in ENGLISH_FIGURES)
    assert all(figure in vietnamese for figure in VIETNAMESE_FIGURES)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source articles are not at hand")
def test_key_figures_are_those_of_the_source_articles() -> None:
    for figure, seed in ENGLISH_FIGURES.items():
        (path,) = SEEDS.glob(f"{seed}_*.txt")
        assert figure in path.read_text("utf-8"), (figure, path.name)
