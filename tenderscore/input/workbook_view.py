"""What a reader of a workbook sees and relies on, read from the package itself.

``verify`` compares a saved workbook with the one the inputs give now. Comparing bytes cries
wolf on every honest re-save, and comparing the cell values openpyxl reads misses a forged
cached value (what a viewer shows for a formula), a number format that changes what a total
displays, a hidden row or sheet, an edited note, chart or defined name. So the package is
read here into a ``WorkbookView``: every sheet (name, order, visibility), every cell's formula
and cached value and number format, hidden rows and columns, merged ranges, hyperlinks,
protection, notes, charts' titles and data ranges and the defined names, each normalised for
what honest re-saving changes (shared strings, shared formulas, style numbering, number
spelling in formulas, sheet-name quoting, empty text).

The package is parsed with defusedxml, each worksheet streamed; callers check its size first
(``input.scoresheets.package_problem``).
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml.ElementTree import fromstring, iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DRAWING_TEXT = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"

BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    14: "mm-dd-yy",
    22: "m/d/yy h:mm",
    49: "@",
}

Value = float | str | bool | None


@dataclass
class CellView:
    formula: str | None
    value: Value
    number_format: str


@dataclass
class SheetView:
    name: str
    state: str
    cells: dict[str, CellView] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merged: set[str] = field(default_factory=set)
    hyperlinks: set[str] = field(default_factory=set)
    protected: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    charts: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class WorkbookView:
    sheets: list[SheetView]
    defined_names: dict[str, str]
    structure_locked: bool


def read_view(data: bytes, *, most_cells: int = 50_000_000) -> WorkbookView:
    """The view of the .xlsx package ``data``, reading at most ``most_cells`` cell elements
    (a saved workbook is read with a bound from the fresh one: a 675 KB file of one row of
    11 million cells took 7 GB).

    Raises:
        ValueError: for a package that is not a readable workbook, or has too many cells.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return _Reader(package, most_cells).view()


class _Reader:
    def __init__(self, package: zipfile.ZipFile, most_cells: int) -> None:
        self.package = package
        self.names = set(package.namelist())
        self.most_cells = self.cells_left = most_cells

    def xml(self, part: str) -> Any:
        return fromstring(self.package.read(part))

    def relations(self, part: str, *, with_types: bool = False) -> dict[str, str]:
        """Relationship id -> target part, for ``part``; or target part -> relationship type
        (``with_types``)."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self.names:
            return {}
        found = {}
        for rel in self.xml(rels).iter(PACKAGE_REL + "Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            resolved = (
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
            resolved = posixpath.normpath(resolved)
            if with_types:
                found[resolved] = rel.get("Type", "")
            else:
                found[rel.get("Id", "")] = resolved
        return found

    def part_of(self, source: str, kind: str) -> str | None:
        """The part ``source``'s relationship of type ``.../kind`` points to, as a reader
        (Excel, LibreOffice, openpyxl) finds it: never a part by its usual name alone."""
        for target, rel_type in self.relations(source, with_types=True).items():
            if rel_type.endswith("/" + kind) and target in self.names:
                return target
        return None

    def view(self) -> WorkbookView:
        workbook = self.part_of("", "officeDocument")
        if workbook is None:
            raise ValueError("no workbook part in the package's relationships")
        book = self.xml(workbook)
        targets = self.relations(workbook)
        strings = self.shared_strings(self.part_of(workbook, "sharedStrings"))
        formats = self.number_formats(self.part_of(workbook, "styles"))
        sheets = []
        local_names = {}
        for index, sheet in enumerate(book.iter(MAIN + "sheet")):
            name = sheet.get("name", "")
            local_names[str(index)] = name
            part = targets.get(sheet.get(REL + "id", ""), "")
            view = SheetView(name, sheet.get("state", "visible"))
            if part in self.names:
                self.read_sheet(part, view, strings, formats)
            sheets.append(view)
        names = {}
        for defined in book.iter(MAIN + "definedName"):
            scope = local_names.get(defined.get("localSheetId", ""), "")
            key = f"{scope}!{defined.get('name', '')}" if scope else defined.get("name", "")
            names[key] = normal_formula(defined.text or "")
        protection = book.find(MAIN + "workbookProtection")
        locked = protection is not None and _true(protection.get("lockStructure"))
        return WorkbookView(sheets, names, locked)

    def shared_strings(self, part: str | None) -> list[str]:
        if part is None:
            return []
        return [_text(item) for item in self.xml(part).iter(MAIN + "si")]

    def number_formats(self, part: str | None) -> list[str]:
        """The number format code of each cell style, by style index: the workbook's own
        formats (not the conditional formats' of the same id), else the built-in one, else
        the id itself, so that any change of format shows."""
        if part is None:
            return []
        styles = self.xml(part)
        codes: dict[int, str] = dict(BUILTIN_FORMATS)
        own = styles.find(MAIN + "numFmts")
        for fmt in own if own is not None else ():
            codes[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        xfs = styles.find(MAIN + "cellXfs")
        if xfs is None:
            return []
        numbers = [int(xf.get("numFmtId", "0")) for xf in xfs]
        return [_normal_format(codes.get(n, f"built-in format {n}")) for n in numbers]

    def read_sheet(
        self, part: str, view: SheetView, strings: list[str], formats: list[str]
    ) -> None:
        shared: dict[str, tuple[str, str]] = {}
        with self.package.open(part) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                tag = element.tag
                if tag == MAIN + "c":
                    self.cells_left -= 1
                    if self.cells_left < 0:
                        raise ValueError(f"more than {self.most_cells:,} cells")
                    ref, cell = _cell(element, strings, formats, shared)
                    if cell is not None:
                        view.cells[ref] = cell
                    element.clear()
                elif tag == MAIN + "row":
                    if _true(element.get("hidden")):
                        view.hidden_rows.add(int(element.get("r", "0")))
                    element.clear()
                elif tag == MAIN + "col" and _true(element.get("hidden")):
                    low, high = int(element.get("min", "0")), int(element.get("max", "0"))
                    view.hidden_columns.update(range(low, min(high, low + 16384) + 1))
                elif tag == MAIN + "sheetProtection":
                    view.protected = _true(element.get("sheet"))
                elif tag == MAIN + "mergeCell":
                    view.merged.add(element.get("ref", "").replace("$", ""))
                elif tag == MAIN + "hyperlink":
                    view.hyperlinks.add(element.get("ref", ""))
        for target, kind in self.relations(part, with_types=True).items():
            if target not in self.names:
                continue
            if kind.endswith("/comments"):
                for comment in self.xml(target).iter(MAIN + "comment"):
                    body = comment.find(MAIN + "text")
                    note = _text(body) if body is not None else ""
                    view.notes[comment.get("ref", "")] = " ".join(note.split())
            elif kind.endswith("/drawing"):
                view.charts += self.charts(target)

    def charts(self, drawing: str) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Each chart's title, and its series: each series' name (a literal or a cell) and
        the ranges it plots."""
        for target, kind in sorted(self.relations(drawing, with_types=True).items()):
            if not kind.endswith("/chart") or target not in self.names:
                continue
            chart = self.xml(target)
            title = chart.find(f"{CHART}chart/{CHART}title")
            words = " ".join(t.text or "" for t in title.iter(DRAWING_TEXT)) if title else ""
            series = []
            for ser in chart.iter(CHART + "ser"):
                name = ser.find(CHART + "tx")
                series.append(_series_name(name) if name is not None else "")
                for part in ser:
                    if part.tag != CHART + "tx":
                        series += [normal_formula(f.text or "") for f in part.iter(CHART + "f")]
            yield " ".join(words.split()), tuple(series)


def _series_name(tx: Any) -> str:
    """A series name as a cell reference, or as the literal text (LibreOffice writes a
    literal as a quoted formula, openpyxl as a value)."""
    formula = tx.find(f"{CHART}strRef/{CHART}f")
    if formula is not None and formula.text:
        text = formula.text.strip()
        if text.startswith('"') and text.endswith('"'):
            return str(text[1:-1]).replace('""', '"')
        return normal_formula(text)
    return "".join(str(v.text or "") for v in tx.iter(CHART + "v"))


def _cell(
    element: Any, strings: list[str], formats: list[str], shared: dict[str, tuple[str, str]]
) -> tuple[str, CellView | None]:
    ref = element.get("r", "")
    kind = element.get("t", "n")
    formula_element = element.find(MAIN + "f")
    formula = None
    if formula_element is not None:
        text = formula_element.text or ""
        index = formula_element.get("si")
        if formula_element.get("t") == "shared" and index is not None:
            if text:
                shared[index] = (ref, text)
            elif index in shared:
                text = _translated(*shared[index], ref)
        formula = normal_formula(text) if text else None
    raw = element.find(MAIN + "v")
    value: Value = None
    if kind == "inlineStr":
        inline = element.find(MAIN + "is")
        value = _text(inline) if inline is not None else None
    elif raw is not None and raw.text is not None:
        if kind == "s":
            value = strings[int(raw.text)] if int(raw.text) < len(strings) else None
        elif kind == "b":
            value = raw.text.strip() in ("1", "true")
        elif kind in ("str", "e"):
            value = raw.text
        else:
            value = float(raw.text)
    if value == "":
        value = None
    if formula is None and value is None:
        return ref, None
    style = int(element.get("s", "0"))
    number_format = formats[style] if style < len(formats) else "General"
    return ref, CellView(formula, value, number_format)


def _translated(origin: str, formula: str, ref: str) -> str:
    from openpyxl.formula.translate import Translator

    return str(Translator("=" + formula, origin=origin).translate_formula(ref))[1:]


def _text(element: Any) -> str:
    """The text of a string item as a viewer shows it: its own text and its runs' text,
    without phonetic guides (``rPh``), which viewers do not display."""
    parts = [t.text or "" for t in element.findall(MAIN + "t")]
    runs = element.findall(MAIN + "r")
    parts += [t.text or "" for run in runs for t in run.findall(MAIN + "t")]
    return "".join(parts)


def _normal_format(code: str) -> str:
    """A number format as writers spell it alike: LibreOffice escapes literal signs and
    brackets that need no escape (\\+0.00 for +0.00)."""
    return re.sub(r"\\([+\-()/:, $])", r"\1", code)


def _true(flag: str | None) -> bool:
    """An XML boolean as readers take it: '1' or 'true', surrounding spaces allowed."""
    return flag is not None and flag.strip() in ("1", "true")


_STRING = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'!')
_NUMBER = re.compile(r"(?<![A-Za-z_$\d.])(\d+\.?\d*(?:[eE][+-]?\d+)?)(?![\d(A-Za-z_])")


def normal_formula(formula: str) -> str:
    """A formula as every writer spells it alike: no leading '=', no spaces outside strings,
    names in capitals, every number in one spelling (20 and 20.0, 1e-09 and 0.000000001),
    simple sheet names unquoted."""
    parts = []
    last = 0
    text = formula.removeprefix("=")
    for match in _STRING.finditer(text):
        parts.append(_normal_code(text[last : match.start()]))
        literal = match.group(0)
        if literal.startswith("'"):  # a quoted sheet name: unquoted when it need not be
            name = literal[1:-2]
            simple = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name)
            literal = f"{name.upper()}!" if simple else f"'{name.upper()}'!"
        parts.append(literal)
        last = match.end()
    parts.append(_normal_code(text[last:]))
    return "".join(parts)


def _normal_code(code: str) -> str:
    code = code.replace(" ", "").upper()
    return _NUMBER.sub(lambda m: repr(float(m.group(1))), code)


def same_value(a: Value, b: Value) -> bool:
    """Equal, numbers within a relative 1e-9 (a recalculation may differ in the last digit)."""
    if isinstance(a, bool) != isinstance(b, bool):  # TRUE is not 1 to a formula's =1
        return False
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b
