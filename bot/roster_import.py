"""Reading a roster file (CSV or XLSX): one person per row — a @username or a Telegram id,
then the full name. Every error names its line, and a file with any error imports nothing."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

from bot.i18n import N_, _
from bot.numbers import parse_id
from bot.units import ImportRow

ROW_LIMIT = 5000
NAME_LIMIT = 200
_USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{3,31})")
_HEADER_WORDS = ("username", "tên đăng nhập", "ten dang nhap", "telegram", "id", "tài khoản")


class ImportError_(ValueError):
    """What is wrong with a roster file, and on which line."""

    def __init__(self, template: str, line: int | None = None, **params: object) -> None:
        super().__init__(template)
        self.template = template
        self.line = line
        self.params = params

    def render(self) -> str:
        text = _(self.template).format(**self.params)
        if self.line is None:
            return text
        return _("Line {line}: {problem}").format(line=self.line, problem=text)


def read_roster(data: bytes, file_name: str) -> list[ImportRow]:
    rows = list(_xlsx_rows(data) if file_name.lower().endswith(".xlsx") else _csv_rows(data))
    people = []
    for line, cells in rows:
        if not any(cells):
            continue
        if not people and line == 1 and cells[0].strip().lower() in _HEADER_WORDS:
            continue
        people.append(_person(line, cells))
        if len(people) > ROW_LIMIT:
            raise ImportError_(N_("The file has more than {limit} people."), limit=ROW_LIMIT)
    if not people:
        raise ImportError_(N_("The file lists nobody."))
    return people


def _person(line: int, cells: list[str]) -> ImportRow:
    who = cells[0].strip()
    name = " ".join(cells[1].split())[:NAME_LIMIT] if len(cells) > 1 else ""
    telegram_id = parse_id(who)
    if telegram_id is not None:
        return ImportRow(line, None, telegram_id, name)
    match = _USERNAME.fullmatch(who)
    if match is None:
        raise ImportError_(N_("“{value}” is neither a @username nor a Telegram id."), line,
                           value=who[:40])
    return ImportRow(line, match[1], None, name)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(N_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    dialect = ";" if text.count(";") > text.count(",") else ","
    yield from enumerate(csv.reader(io.StringIO(text), delimiter=dialect), 1)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # Imported on first use: openpyxl (with numpy) costs every start-up a tenth of a second
    # and ~20 MiB, for the few rosters sent as workbooks.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportError_(N_("This is not an XLSX workbook Excel can open.")) from exc
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        yield number, ["" if v is None else str(v) for v in row[:2]]
