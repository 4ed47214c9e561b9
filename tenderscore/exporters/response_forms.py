"""The blank workbooks a buyer publishes with the tender: the response form (identity, gates,
quantitative answers) and the price schedule (the whole-life cost, its totals by formula so
the bidder sees what will be scored). Input cells only are unlocked, each with its data
validation and an input message; both print on A4. The reader, which owns the layout, is
``tenderscore.input.response_forms``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.escaping import set_text
from tenderscore.exporters.workbook.writer import LINE_HEIGHT, print_across, wrapped_lines
from tenderscore.input.fields import LARGEST
from tenderscore.input.fingerprints import response_fingerprint
from tenderscore.input.models import NumericCriterion, RelativeToBestValue
from tenderscore.input.response_forms import (
    ADJUSTMENT_LINES,
    ANNUAL_LINES,
    ANSWER,
    FINGERPRINT_CELL,
    GATE_ANSWER,
    GATE_EVIDENCE,
    ONE_OFF_LINES,
    PRICES,
    SUPPLIER_ROWS,
    PriceLayout,
    column_letter,
    form_name,
    schedule_name,
)
from tenderscore.input.tender import Tender

BOLD = Font(name="Calibri", bold=True)
INPUT = PatternFill("solid", fgColor="FFF2CC")
TOP = Alignment(wrap_text=True, vertical="top")


def render_forms(tender: Tender, *, deadline: str = "") -> dict[str, bytes]:
    """File name -> workbook bytes: the response form, and the price schedule when the
    tender scores price; ``deadline`` (the lock's submission deadline) on both covers."""
    reference = tender.config.reference
    books = {form_name(reference): _form(tender, deadline)}
    if tender.tree.priced:
        books[schedule_name(reference)] = _schedule(tender, deadline)
    return books


def _text(sheet: Worksheet, row: int, column: int, value: str, *, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=column)
    set_text(cell, value)
    cell.alignment = TOP
    if bold:
        cell.font = BOLD


def _input(sheet: Worksheet, cell: str, validation: DataValidation | None = None) -> None:
    target = sheet[cell]
    target.fill = INPUT
    target.protection = Protection(locked=False)
    target.alignment = TOP
    if validation is not None:
        validation.add(cell)


def _cover(sheet: Worksheet, tender: Tender, what: str, deadline: str) -> None:
    config = tender.config
    stamp_row, stamp_column = FINGERPRINT_CELL  # where the reader looks for it
    rows = {
        1: ("Tender", f"{config.reference}: {config.title}"),
        2: ("Buyer", config.buyer),
        stamp_row: ("Fingerprint", response_fingerprint(config, tender.tree)),
    }
    for row, (label, value) in rows.items():
        _text(sheet, row, stamp_column - 1, label, bold=True)
        _text(sheet, row, stamp_column, value)
        sheet.merge_cells(start_row=row, start_column=stamp_column, end_row=row, end_column=6)
    _text(sheet, 5, 1, f"Return by {deadline}. {what}" if deadline else what)
    sheet.merge_cells(start_row=5, start_column=1, end_row=5, end_column=6)
    sheet.row_dimensions[5].height = 60


def _validation(**options: Any) -> DataValidation:
    return DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True, **options)


def _form(tender: Tender, deadline: str) -> bytes:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    _cover(
        cover,
        tender,
        "Fill in the yellow cells of the sheets Supplier, Gates and Answers, save the workbook "
        "and return it with the price schedule. Do not move rows or rename sheets; the "
        "fingerprint ties this form to the tender as published. Answering pass to a gate "
        "declares that the bid meets the requirement; cite where your response shows it.",
        deadline,
    )
    supplier = book.create_sheet("Supplier")
    labels = {
        "legal_name": "Legal name",
        "address": "Registered address",
        "identifier": "Company number or other unique identifier",
        "email": "Contact e-mail",
    }
    for key, row in SUPPLIER_ROWS.items():
        _text(supplier, row, 1, labels[key], bold=True)
        _input(supplier, f"B{row}")
    gates = book.create_sheet("Gates")
    for column, label in enumerate(
        ("Id", "Requirement", "Answer (pass or fail)", "Evidence (section of your response)"),
        start=1,
    ):
        _text(gates, 1, column, label, bold=True)
    answer = _validation(
        type="list", formula1='"pass,fail"', error="pass or fail", prompt="pass or fail"
    )
    gates.add_data_validation(answer)
    for row, gate in enumerate(tender.tree.gates, start=2):
        _text(gates, row, 1, gate.id)
        requirement = getattr(gate.model, "question", None) or gate.name
        _text(gates, row, 2, requirement)
        gates.row_dimensions[row].height = LINE_HEIGHT * max(2, wrapped_lines(requirement, 60))
        _input(gates, f"{column_letter(GATE_ANSWER)}{row}", answer)
        _input(gates, f"{column_letter(GATE_EVIDENCE)}{row}")
    answers = book.create_sheet("Answers")
    for column, label in enumerate(
        ("Id", "Question", "Unit", "Answer (a number)", "Allowed"), start=1
    ):
        _text(answers, 1, column, label, bold=True)
    number = _validation(
        type="decimal",
        operator="between",
        formula1=str(-LARGEST),
        formula2=str(LARGEST),
        error="a number",
        prompt="A number, in the unit shown",
    )
    answers.add_data_validation(number)
    numeric = [leaf for leaf in tender.tree.leaves if isinstance(leaf.model, NumericCriterion)]
    for row, leaf in enumerate(numeric, start=2):
        assert isinstance(leaf.model, NumericCriterion)
        _text(answers, row, 1, leaf.id)
        question = leaf.model.question or leaf.name
        _text(answers, row, 2, question)
        answers.row_dimensions[row].height = LINE_HEIGHT * max(2, wrapped_lines(question, 60))
        _text(answers, row, 3, leaf.model.unit or "")
        _input(answers, f"{column_letter(ANSWER)}{row}", number)
        relative = isinstance(leaf.model.value_function, RelativeToBestValue)
        _text(answers, row, ANSWER + 1, "above 0" if relative else "any number")
    widths = {"A": 24, "B": 60, "C": 22, "D": 34, "E": 14}
    return _finish(book, tender, widths, "response form")


def _schedule(tender: Tender, deadline: str) -> bytes:
    config = tender.config
    layout = PriceLayout(config.term_years)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = PRICES
    rate = config.discount_rate or 0.0
    _cover(
        sheet,
        tender,
        f"Prices in {config.currency}, excluding VAT, over the {config.term_years}-year term. "
        "Fill in the yellow cells: one-off costs, yearly costs (every year, 0 if none), "
        "quantities at unit rates and the exit cost. The total below is the figure scored: "
        + (f"discounted at {100 * rate:g}% a year." if rate else "undiscounted."),
        deadline,
    )
    money = _validation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=str(LARGEST),
        error="an amount of 0 or more",
        prompt=f"An amount in {config.currency}, 0 if none",
    )
    sheet.add_data_validation(money)
    years = [column_letter(2 + k) for k in range(layout.years)]
    first = layout.one_off_first
    _text(sheet, first - 2, 1, "One-off costs (at the start)", bold=True)
    _text(sheet, first - 1, 1, "Item", bold=True)
    _text(sheet, first - 1, 2, "Amount", bold=True)
    for row in range(first, first + ONE_OFF_LINES):
        _input(sheet, f"A{row}")
        _input(sheet, f"B{row}", money)
    annual = layout.annual_first
    _text(sheet, annual - 2, 1, "Yearly costs (at the start of each contract year)", bold=True)
    _text(sheet, annual - 1, 1, "Item", bold=True)
    for k in range(1, layout.years + 1):
        _text(sheet, annual - 1, 1 + k, f"Year {k}", bold=True)
    for row in range(annual, annual + ANNUAL_LINES):
        _input(sheet, f"A{row}")
        for letter in years:
            _input(sheet, f"{letter}{row}", money)
    factors = layout.factor_row
    _text(sheet, factors, 1, "Discount factor", bold=True)
    for k, letter in enumerate(years):
        sheet[f"{letter}{factors}"] = f"=1/(1+{rate})^{k}"
        sheet[f"{letter}{factors}"].number_format = "0.0000"
    adjustment = layout.adjustment_first
    _text(sheet, adjustment - 2, 1, "Quantities at unit rates", bold=True)
    for column, label in enumerate(("Item", "Quantity", "Unit cost", "Every year (yes/no)"), 1):
        _text(sheet, adjustment - 1, column, label, bold=True)
    every = _validation(
        type="list", formula1='"yes,no"', error="yes or no", prompt="yes: every contract year"
    )
    sheet.add_data_validation(every)
    for row in range(adjustment, adjustment + ADJUSTMENT_LINES):
        _input(sheet, f"A{row}")
        _input(sheet, f"B{row}", money)
        _input(sheet, f"C{row}", money)
        _input(sheet, f"D{row}", every)
    _text(sheet, layout.exit_row, 1, "Exit cost (at the end of the term)", bold=True)
    _input(sheet, f"B{layout.exit_row}", money)
    span = f"{years[0]}{factors}:{years[-1]}{factors}"
    yearly = "+".join(
        f"SUMPRODUCT({years[0]}{row}:{years[-1]}{row},{span})"
        for row in range(annual, annual + ANNUAL_LINES)
    )
    adjusted = "+".join(
        f'B{row}*C{row}*IF(D{row}="yes",SUM({span}),1)'
        for row in range(adjustment, adjustment + ADJUSTMENT_LINES)
    )
    total = (
        f"=SUM(B{first}:B{first + ONE_OFF_LINES - 1})+{yearly}+{adjusted}"
        f"+B{layout.exit_row}/(1+{rate})^{layout.years}"
    )
    _text(sheet, layout.total_row, 1, "Total scored (present value)", bold=True)
    sheet[f"B{layout.total_row}"] = total
    sheet[f"B{layout.total_row}"].number_format = "#,##0.00"
    sheet[f"B{layout.total_row}"].font = BOLD
    widths = {"A": 44} | dict.fromkeys(years, 14)
    return _finish(book, tender, widths, "price schedule")


def _finish(book: Workbook, tender: Tender, widths: Mapping[str, float], what: str) -> bytes:
    footer = f"{tender.config.reference}: {what}"
    for sheet in book.worksheets:
        for letter, width in widths.items():
            sheet.column_dimensions[letter].width = width
        print_across(sheet, header_row=None, footer=footer)
        sheet.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
