"""Catalogues: complete, consistent placeholders, loud when missing; dates via Babel."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import LOCALES_DIR, format_datetime, normalize_language, use_language

PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _catalogue(language: str):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _template_ids() -> set[str]:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def _placeholders(text: str | tuple[str, ...]) -> list[str]:
    """Named placeholders of a message, or of every form of a plural one."""
    forms = (text,) if isinstance(text, str) else text
    return sorted({name for form in forms for name in PLACEHOLDER.findall(form)})


def test_every_message_has_a_vietnamese_translation_with_the_same_placeholders() -> None:
    vi = {m.id: m.string for m in _catalogue("vi") if m.id}
    assert _template_ids() <= set(vi), "run `make extract` and translate the new messages"
    for message_id, text in vi.items():
        forms = (text,) if isinstance(text, str) else text
        assert all(forms), f"untranslated: {message_id!r}"
        assert _placeholders(text) == _placeholders(message_id), message_id


def test_the_sources_hold_no_message_missing_from_the_template() -> None:
    assert {m.id for m in _catalogue("en") if m.id} == _template_ids()


def test_a_missing_catalogue_is_a_loud_error(monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "checkout")
    monkeypatch.setattr(i18n, "PACKAGED_DIR", tmp_path / "package")
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(i18n.CatalogueMissingError, match="vi catalogue is missing"):
            i18n.load_catalogues()
    finally:
        i18n.catalogue.cache_clear()


def _write_po(directory, language: str, text: str):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = directory / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    catalogue = Catalog(locale=language)
    catalogue.add("Hello", text)
    with path.open("wb") as handle:
        write_po(handle, catalogue)
    return path


def test_a_checkout_speaks_from_its_po_files_even_beside_a_stale_mo(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """No `make locales` step: what the .po says now is what the bot says."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    po = _write_po(tmp_path, "vi", "Xin chào")
    stale = Catalog(locale="vi")
    stale.add("Hello", "Cũ")
    with po.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, stale)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    monkeypatch.setattr(i18n, "PACKAGED_DIR", tmp_path / "package")
    i18n.catalogue.cache_clear()
    try:
        with use_language("vi"):
            assert i18n._("Hello") == "Xin chào"
    finally:
        i18n.catalogue.cache_clear()


def test_an_installed_package_speaks_from_the_catalogues_built_into_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    compiled = tmp_path / "package" / "vi" / "LC_MESSAGES" / "messages.mo"
    compiled.parent.mkdir(parents=True)
    built = Catalog(locale="vi")
    built.add("Hello", "Kính chào")
    with compiled.open("wb") as handle:
        write_mo(handle, built)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "no-checkout")
    monkeypatch.setattr(i18n, "PACKAGED_DIR", tmp_path / "package")
    i18n.catalogue.cache_clear()
    try:
        with use_language("vi"):
            assert i18n._("Hello") == "Kính chào"
    finally:
        i18n.catalogue.cache_clear()


@pytest.mark.parametrize(
    ("code", "expected"),
    [("vi", "vi"), ("vi-VN", "vi"), ("en", "en"), ("en-US", "en"), ("ru", "en"), (None, "en")],
)
def test_telegram_language_codes_map_to_vi_or_en(code: str | None, expected: str) -> None:
    assert normalize_language(code) == expected


def test_dates_are_shown_in_the_reader_language_and_the_committee_zone() -> None:
    moment = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    with use_language("vi"):
        assert format_datetime(moment, zone) == "17:00, Thứ Năm 31/12/2026"
    with use_language("en"):
        assert format_datetime(moment, zone) == "Thursday 31 December 2026, 17:00"


def test_the_template_holds_every_message_in_the_code(tmp_path) -> None:
    """A string added in code but never extracted would be shown untranslated."""
    import subprocess
    import sys
    from pathlib import Path

    root = LOCALES_DIR.parent
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "--mapping",
         str(root / "babel.cfg"), "--keywords", "N_", "--output", str(fresh), "bot", "handlers"],
        cwd=root, check=True, timeout=60,
    )
    with fresh.open("rb") as handle:
        in_code = {m.id for m in read_po(handle) if m.id}
    assert in_code == _template_ids(), "run `make extract`, then translate the new messages"
