"""Filling tenderscore's workbooks by script, as a bidder's, an evaluator's or the moderation
meeting's Excel would save them (openpyxl): the shared steps of the workbook round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tenderscore.input.bidfile import BidFile
from tenderscore.input.response_forms import (
    ANSWER,
    GATE_ANSWER,
    GATE_EVIDENCE,
    PRICES,
    SUPPLIER_ROWS,
    PriceLayout,
    column_letter,
)

from conftest import run_cli


def fill_response(
    form: Path, schedule: Path, bid: BidFile, target: Path, *, term_years: int
) -> None:
    """The blank ``form`` and ``schedule`` filled with ``bid``'s identity, answers and price,
    saved in ``target`` (responses/<bid id>/)."""
    target.mkdir(parents=True, exist_ok=True)
    book = load_workbook(form)
    supplier = book["Supplier"]
    supplier[f"B{SUPPLIER_ROWS['legal_name']}"] = bid.name
    supplier[f"B{SUPPLIER_ROWS['email']}"] = f"tenders@{bid.id}.example"
    for sheet, column, note_column in (
        (book["Gates"], GATE_ANSWER, GATE_EVIDENCE),
        (book["Answers"], ANSWER, None),
    ):
        for row in range(2, sheet.max_row + 1):
            answer: Any = bid.answers.get(str(sheet.cell(row, 1).value))
            if isinstance(answer, dict):
                if note_column and answer.get("note"):
                    sheet.cell(row, note_column).value = answer["note"]
                answer = answer["answer"]
            sheet.cell(row, column).value = answer
    book.save(target / form.name)
    if bid.price is None or bid.price.whole_life is None:
        return
    cost = bid.price.whole_life
    layout = PriceLayout(term_years)
    book = load_workbook(schedule)
    prices = book[PRICES]
    for row, (item, amount) in enumerate(cost.one_off.items(), start=layout.one_off_first):
        prices[f"A{row}"], prices[f"B{row}"] = item, amount
    for row, (item, amount) in enumerate(cost.annual.items(), start=layout.annual_first):
        prices[f"A{row}"] = item
        yearly = amount if isinstance(amount, list) else [amount] * term_years
        for k, value in enumerate(yearly):
            prices[f"{column_letter(2 + k)}{row}"] = value
    for row, adjustment in enumerate(cost.adjustments, start=layout.adjustment_first):
        prices[f"A{row}"] = adjustment.name
        prices[f"B{row}"] = adjustment.quantity
        prices[f"C{row}"] = adjustment.unit_cost
        prices[f"D{row}"] = "yes" if adjustment.recurring else "no"
    prices[f"B{layout.exit_row}"] = cost.exit
    book.save(target / schedule.name)


def fill_sheets(tender: Path, original: dict[str, BidFile]) -> None:
    """Every evaluator's sheet made for ``tender``, filled with the ``original`` bids'
    scores and comments, in scores/."""
    run_cli(["sheets", tender])
    (tender / "scores").mkdir(exist_ok=True)
    for path in sorted((tender / "out" / "sheets").glob("*.xlsx")):
        book = load_workbook(path)
        sheet = book["Scores"]
        evaluator = sheet["B2"].value
        for row in range(6, sheet.max_row + 1):
            criterion, bid = sheet.cell(row, 1).value, sheet.cell(row, 3).value
            if criterion is None:
                continue
            entry = original[str(bid)].scores[str(criterion)][str(evaluator)]
            sheet.cell(row, 5).value = entry.score
            sheet.cell(row, 6).value = entry.comment
        book.save(tender / "scores" / path.name)


def fill_moderation(tender: Path, reference: str, original: dict[str, BidFile]) -> None:
    """The moderation workbook made for ``tender``, filled with the ``original`` bids'
    consensus, in moderation/."""
    run_cli(["moderation", tender, "--workbook"])
    name = f"{reference}-moderation.xlsx"
    book = load_workbook(tender / "out" / name)
    sheet = book["Moderation"]
    sheet["B3"], sheet["B4"], sheet["B5"] = "2026-10-14", "CPO", "IAM, DEC, HPA"
    for row in range(8, sheet.max_row + 1):
        bid, criterion = sheet.cell(row, 2).value, sheet.cell(row, 1).value
        agreed = original[str(bid)].consensus.get(str(criterion))
        if agreed is not None:
            sheet.cell(row, 8).value = agreed.score
            sheet.cell(row, 9).value = agreed.reason
            sheet.cell(row, 10).value = agreed.feedback
    (tender / "moderation").mkdir(exist_ok=True)
    book.save(tender / "moderation" / name)
