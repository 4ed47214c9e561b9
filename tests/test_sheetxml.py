"""Cells written as XML and spliced into an openpyxl package read back exactly."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from tenderscore.exporters.sheetxml import SheetCells, splice


def _spliced(cells: SheetCells) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet["B2"].comment = Comment("a note on a cell of ours", "test")
    sheet["A1"] = "openpyxl's own"
    sheet["D2"] = 7
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(splice(buffer.getvalue(), {"xl/worksheets/sheet1.xml": cells})))


def test_cells_merge_with_openpyxl_cells_by_address() -> None:
    cells = SheetCells()
    cells.formula(2, 3, "=B2*2")
    cells.number(2, 2, 0.1 + 0.2)
    cells.text(3, 1, '=HYPERLINK("http://e.vil") & <b> \x01\ud800')
    cells.number(1, 27, 12)
    cells.seal(2)  # one string now; openpyxl's D2 and the note's anchor B2 still merge in
    with pytest.raises(ValueError, match="row 2 is sealed"):
        cells.number(2, 5, 1)
    sheet = _spliced(cells)["Data"]
    assert sheet["A1"].value == "openpyxl's own"
    assert sheet["B2"].value == 0.30000000000000004  # repr keeps every digit
    assert sheet["B2"].comment.text == "a note on a cell of ours"
    assert sheet["C2"].value == "=B2*2"
    assert sheet["D2"].value == 7
    assert sheet["A3"].value == '=HYPERLINK("http://e.vil") & <b> \ufffd\ufffd'
    assert sheet["A3"].data_type == "s"
    assert sheet["AA1"].value == 12
    assert sheet.dimensions == "A1:AA3"


def test_cells_are_sorted_whatever_order_they_came_in() -> None:
    cells = SheetCells()
    for row, column in [(5, 3), (5, 1), (4, 2), (5, 2)]:
        cells.number(row, column, row * 10 + column)
    sheet = _spliced(cells)["Data"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=5)] == [
        [None, 42, None, None],
        [51, 52, 53, None],
    ]
    assert (5, 2) in cells
    assert (5, 4) not in cells


def test_a_number_excel_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="C2: nan"):
        SheetCells().number(2, 3, float("nan"))
