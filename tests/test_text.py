"""Fitting text into Telegram's 4096 characters without breaking HTML or order."""

from bot.text import pack_pages, shorten

MESSAGE_LIMIT = 4096  # Telegram's limit on a message's text


def test_blocks_are_packed_whole_and_in_order() -> None:
    blocks = [f"<b>{n}</b> " + "x" * 900 for n in range(10)]
    pages = pack_pages(blocks)
    assert len(pages) == 3
    assert "".join(pages).count("<b>") == 10
    assert [int(p.split("<b>")[1].split("<")[0]) for p in pages] == [0, 4, 8]


def test_an_enormous_line_comes_after_the_lines_before_it() -> None:
    pages = pack_pages(["HEAD\nSUB\n" + "L" * 5000])
    assert pages[0] == "HEAD\nSUB"
    assert all(len(page) <= MESSAGE_LIMIT for page in pages)
    assert "".join(pages[1:]) == "L" * 5000


def test_a_cut_never_splits_an_html_entity() -> None:
    pages = pack_pages(["&amp;" * 2000])
    assert all(page.count("&") == page.count("&amp;") for page in pages)


def test_shorten_escapes_after_cutting() -> None:
    assert shorten("<b>" * 10, 5) == "&lt;b&gt;&lt;…"
