"""Worksheet cells kept as ready-made XML, merged into the package openpyxl saves.

openpyxl makes a Python object for every cell and serialises each through an XML tree
writer: about 20 microseconds a cell, 35 s for the 1.8 million cells of a 2,000-bid tender.
Here a cell is one short string. openpyxl still writes everything else (styles, defined
names, charts, notes, merged ranges, protection, print set-up), and ``splice`` then merges
these cells into the worksheets it saved. Only the OOXML format is relied on, not openpyxl's
internals: a cell of ours replaces any cell openpyxl wrote at the same address (an empty
anchor for a note, say), and all others are kept.
"""

from __future__ import annotations

import datetime
import io
import itertools
import math
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from tenderscore.exporters.escaping import FORMULA_TRIGGERS

# characters XML 1.0 cannot carry (openpyxl refuses them) and lone surrogates (UTF-8 cannot):
# shown as the replacement character
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>(.*?)</sheetData>", re.DOTALL)
_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


@dataclass(frozen=True, eq=False)  # hashed by identity: a style lookup per cell stays cheap
class Look:
    """How a cell looks, besides its number format: font, fill, wrapping, horizontal
    alignment (None: text left, numbers right); unlocked for input."""

    font: Font | None = None
    fill: PatternFill | None = None
    wrap: bool = False
    unlocked: bool = False
    horizontal: str | None = None


PLAIN = Look()


class Styles:
    """A workbook's style ids, from openpyxl's style lookup once per look, not per cell."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.ids: dict[tuple[Look, str, bool], int] = {}

    def id(self, look: Look = PLAIN, fmt: str = "", *, quoted: bool = False) -> int:
        key = (look, fmt, quoted)
        found = self.ids.get(key)
        if found is None:
            probe = Cell(self.book.worksheets[0], row=1, column=1)  # not added to the sheet
            probe.number_format = fmt or "General"
            if look.font is not None:
                probe.font = look.font
            if look.fill is not None:
                probe.fill = look.fill
            # top-aligned everywhere: a row grown for wrapped text reads from its top line
            probe.alignment = Alignment(
                horizontal=look.horizontal, wrap_text=look.wrap or None, vertical="top"
            )
            if look.unlocked:
                probe.protection = Protection(locked=False)
            probe.quotePrefix = quoted
            found = self.ids[key] = probe.style_id
        return found

    def for_text(self, text: str, look: Look = PLAIN) -> int:
        """Text a spreadsheet would read as a formula (bid text is untrusted) also gets a
        quote prefix, so that editing the cell keeps it text."""
        return self.id(look, quoted=text.startswith(FORMULA_TRIGGERS))


Cached = float | str | None
"""A formula's computed value: a number, a text, or None (not known: the viewer computes)."""


class SheetCells:
    """The cells of one worksheet, any order in, sorted by row and column out.

    A row ``seal``ed when complete is kept as one string: a cell then costs its text alone,
    not a string object and a dictionary entry too (the workbook of 2,000 bids took 435 MiB
    of working memory, 284 MiB with its long rows sealed).
    """

    def __init__(self) -> None:
        self._rows: dict[int, dict[int, str]] = {}
        self._sealed: dict[int, str] = {}
        self._sealed_columns: set[int] = set()

    def number(self, row: int, column: int, value: float, style: int = 0) -> None:
        if not math.isfinite(value):
            raise ValueError(f"{get_column_letter(column)}{row}: {value} is not a number Excel has")
        self._put(row, column, style, "", f"<v>{value!r}</v>")

    def formula(
        self, row: int, column: int, formula: str, style: int = 0, cached: Cached = None
    ) -> None:
        """``formula`` as typed in Excel, with its leading ``=``, and the value it computes
        (``cached``), which viewers that do not recalculate show as they open the file."""
        body = f"<f>{escape(formula.removeprefix('='))}</f>"
        kind = ""
        if isinstance(cached, str):
            kind, body = ' t="str"', body + f"<v>{escape(_ILLEGAL.sub(chr(0xFFFD), cached))}</v>"
        elif cached is not None and math.isfinite(cached):
            whole = float(cached).is_integer() and abs(cached) < 1e15
            body += f"<v>{int(cached) if whole else float(cached)!r}</v>"  # 1, as Excel writes
        self._put(row, column, style, kind, body)

    def text(self, row: int, column: int, text: str, style: int = 0) -> None:
        """Always a string, never a formula, whatever it starts with."""
        clean = escape(_ILLEGAL.sub("\ufffd", text))
        self._put(
            row, column, style, ' t="inlineStr"', f'<is><t xml:space="preserve">{clean}</t></is>'
        )

    def seal(self, row: int) -> None:
        """Row ``row`` is complete: no cell will be added to it or looked up in it."""
        cells = self._rows.pop(row, {})
        self._sealed[row] = "".join(cells[column] for column in sorted(cells))
        if cells:
            self._sealed_columns |= {min(cells), max(cells)}

    def blank(self, row: int, column: int, style: int) -> None:
        """An empty cell that has a look: an input cell waiting to be filled in."""
        self._put(row, column, style, "", "")

    def __contains__(self, address: tuple[int, int]) -> bool:
        row, column = address
        if row in self._sealed:
            raise ValueError(f"row {row} is sealed")
        return column in self._rows.get(row, {})

    def _put(self, row: int, column: int, style: int, kind: str, content: str) -> None:
        if row in self._sealed:
            raise ValueError(f"row {row} is sealed")
        styled = f' s="{style}"' if style else ""
        reference = f"{get_column_letter(column)}{row}"
        self._rows.setdefault(row, {})[column] = f'<c r="{reference}"{styled}{kind}>{content}</c>'

    def columns(self) -> set[int]:
        """The first and last columns with cells (and perhaps others between)."""
        found = set(self._sealed_columns)
        for cells in self._rows.values():
            found |= {min(cells), max(cells)}
        return found

    def rows(self) -> Iterator[tuple[int, str]]:
        """Each row's cells as XML, in column order."""
        for row in sorted(self._rows.keys() | self._sealed.keys()):
            cells = self._rows.get(row)
            if cells is None:
                yield row, self._sealed[row]
            else:
                yield row, "".join(cells[column] for column in sorted(cells))


def splice(
    package: bytes, sheets: Mapping[str, SheetCells], *, moment: datetime.datetime | None = None
) -> bytes:
    """``package`` (an .xlsx openpyxl saved) with ``sheets`` (part name -> cells) merged in.

    Each worksheet is streamed into the new package row by row, so the sheet's XML never
    exists whole in memory. With ``moment`` (the run's time, which SOURCE_DATE_EPOCH fixes),
    every part is dated then and the document properties say it was made and modified then,
    so the same inputs give the same bytes (openpyxl stamps the wall-clock time).
    """
    source = zipfile.ZipFile(io.BytesIO(package))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if moment is not None:
                info = _dated(info, moment)
                if info.filename == "docProps/core.xml":
                    data = _W3CDTF.sub(_stamp(moment), data)
            if info.filename in sheets:
                with target.open(info, "w") as stream:  # deflated, as it was
                    _merge(data, sheets[info.filename], stream)
            else:
                target.writestr(info, data)
    return target_buffer.getvalue()


def moment_of(generated_at: str) -> datetime.datetime | None:
    """A run's time (ISO 8601) to date a package by; None when it is not a date."""
    try:
        moment = datetime.datetime.fromisoformat(generated_at)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _stamp(moment: datetime.datetime) -> bytes:
    text = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return rb"\g<1>" + text + rb"\g<2>"


def _dated(info: zipfile.ZipInfo, moment: datetime.datetime) -> zipfile.ZipInfo:
    """``info`` dated ``moment`` (zip dates start in 1980)."""
    when = max(moment.astimezone(datetime.UTC).replace(tzinfo=None), datetime.datetime(1980, 1, 1))
    dated = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
    dated.compress_type = info.compress_type
    dated.external_attr = info.external_attr
    return dated


def _merge(worksheet: bytes, cells: SheetCells, stream: IO[bytes]) -> None:
    """Write ``worksheet`` to ``stream`` with its rows merged with ``cells``, and its
    dimension widened to them."""
    found = _SHEET_DATA.search(worksheet)
    if found is None:
        raise ValueError("a worksheet without sheetData")
    theirs: dict[int, tuple[str, bytes]] = {}
    for row in _ROW.finditer(found.group(1) or b""):
        label = _ROW_NUMBER.search(row.group(1))
        if label is None:
            raise ValueError("a worksheet row without its number")
        theirs[int(label.group(1))] = (row.group(1).decode(), row.group(2) or b"")
    ours = dict(cells.rows())
    numbers = sorted(theirs.keys() | ours.keys())
    merged_rows = (
        _merged_row(number, theirs.get(number), ours.get(number, "")) for number in numbers
    )
    head = worksheet[: found.start()]
    columns = [*cells.columns()]
    columns += [
        _column(c.group(1)) for _, content in theirs.values() for c in _CELL.finditer(content)
    ]
    if columns:
        extent = (
            f"{get_column_letter(min(columns))}{numbers[0]}:"
            f"{get_column_letter(max(columns))}{numbers[-1]}"
        )
        head = _DIMENSION.sub(f'<dimension ref="{extent}"/>'.encode(), head, count=1)
    stream.write(head + b"<sheetData>")
    while batch := list(itertools.islice(merged_rows, 500)):
        stream.write("".join(batch).encode())
    stream.write(b"</sheetData>" + worksheet[found.end() :])


def _merged_row(number: int, theirs: tuple[str, bytes] | None, ours: str) -> str:
    """One row: openpyxl's cells with ours in their place or beside them, by column."""
    if theirs is None:
        return f'<row r="{number}">{ours}</row>'
    attributes, content = theirs
    merged = {_column(c.group(1)): c.group(0).decode() for c in _CELL.finditer(content)}
    merged |= {_column(c.group(1)): c.group(0).decode() for c in _CELL.finditer(ours.encode())}
    return f"<row{attributes}>" + "".join(merged[c] for c in sorted(merged)) + "</row>"


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
