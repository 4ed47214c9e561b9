"""Bids that arrive as workbooks: a response form and a price schedule per bidder, read back
into the same ``BidFile`` a YAML bid gives, or into problems located at their cells.

The layout is the contract with the writer, ``tenderscore.exporters.response_forms``. Two
workbooks, as two envelopes, so quality evaluators never see prices: the **response form**
(sheets Cover, Supplier, Gates, Answers) and the **price schedule** (sheet Prices), each with
the fingerprint of what bidders were asked. A bidder's filled workbooks go in
``TENDER_DIR/responses/<bid id>/``. Bidders are untrusted: the workbooks are read through the
scoring sheets' bounded reader, a formula in an input cell is refused, never read as the value
its author cached, and text stays text.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenderscore.errors import Problem
from tenderscore.input.bidfile import (
    Adjustment,
    BidFile,
    GateAnswer,
    GateResponse,
    OfficerRecord,
    PriceData,
    Supplier,
    WholeLifeCost,
)
from tenderscore.input.fields import IDENTIFIER, LARGEST
from tenderscore.input.fingerprints import response_fingerprint
from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.models import TenderFile
from tenderscore.input.schema_errors import validate_document
from tenderscore.input.scoresheets import Formula, cell_at, package_problem, read_sheets
from tenderscore.input.yamlfile import YamlDocument, read_yaml

DIRECTORY = "responses"
FORM_SHEETS = ("Cover", "Supplier", "Gates", "Answers")
PRICES = "Prices"
FINGERPRINT_CELL = (3, 2)  # B3 of Cover and of Prices
SUPPLIER_ROWS = {"legal_name": 1, "address": 2, "identifier": 3, "email": 4}
GATE_ANSWER, GATE_EVIDENCE = 3, 4  # Gates!C, D; one row per gate from row 2
ANSWER = 4  # Answers!D; one row per numeric question from row 2
ONE_OFF_LINES, ANNUAL_LINES, ADJUSTMENT_LINES = 10, 10, 5
MAX_TEXT = 2_000


def form_name(reference: str) -> str:
    return f"{reference}-response-form.xlsx"


def schedule_name(reference: str) -> str:
    return f"{reference}-price-schedule.xlsx"


@dataclass(frozen=True, slots=True)
class PriceLayout:
    """Where the price schedule's blocks sit, for a term of ``years``."""

    years: int

    one_off_first: int = 9  # A: item, B: amount
    annual_first: int = 22  # A: item, B..: one column per contract year

    @property
    def adjustment_first(self) -> int:  # A item, B quantity, C unit cost, D every year
        return self.annual_first + ANNUAL_LINES + 4

    @property
    def exit_row(self) -> int:  # B: amount
        return self.adjustment_first + ADJUSTMENT_LINES + 1

    @property
    def total_row(self) -> int:
        return self.exit_row + 2

    @property
    def factor_row(self) -> int:
        return self.annual_first + ANNUAL_LINES

    @property
    def width(self) -> int:
        return max(4, 1 + self.years + 1)


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_response(
    directory: Path,
    files: dict[str, tuple[Path, bytes]],
    config: TenderFile,
    tree: CriteriaTree,
) -> tuple[BidFile | None, list[Problem]]:
    """The bid in ``directory`` (files by kind: 'form', 'prices'), or its problems."""
    reader = _Reader(config, tree)
    bid_id = directory.name
    if not re.fullmatch(IDENTIFIER, bid_id) or len(bid_id) > 64:
        return None, [
            Problem(
                directory,
                f"the folder names the bid: {bid_id!r} is not an id (letters, "
                "digits, '_', '.', '-')",
            )
        ]
    priced = tree.priced
    if "form" not in files:
        return None, [
            Problem(
                directory,
                "no response form here (sheets Cover, Supplier, "
                "Gates, Answers): each bidder returns the form with its prices",
            )
        ]
    if priced and "prices" not in files:
        return None, [
            Problem(
                directory,
                "a response form without its price schedule (sheet "
                "Prices): the tender scores price",
            )
        ]
    form_path, form_data = files["form"]
    fields = reader.form(form_path, form_data)
    price = None
    if priced:
        price_path, price_data = files["prices"]
        price = reader.prices(price_path, price_data)
    if reader.problems or fields is None:
        return None, reader.problems
    supplier, answers = fields
    bid = BidFile(
        id=bid_id,
        name=supplier.legal_name,
        supplier=supplier,
        answers=answers,
        price=price,
    )
    return bid, []


class _Reader:
    def __init__(self, config: TenderFile, tree: CriteriaTree) -> None:
        self.config = config
        self.tree = tree
        self.problems: list[Problem] = []
        self.stamp = response_fingerprint(config, tree)

    def sheets(
        self, path: Path, data: bytes, widths: dict[str, int], most: int
    ) -> dict[str, list[list[Any]]]:
        """Every sheet named in ``widths``, the workbook opened once ({} on a problem)."""
        found = read_sheets(path, data, widths, most_rows=most, what="response workbook")
        if isinstance(found, Problem):
            self.problems.append(found)
            return {}
        return found

    def at(self, path: Path, sheet: str, row: int, column: int, message: str) -> None:
        self.problems.append(Problem(path, message, cell=f"{sheet}!{column_letter(column)}{row}"))

    def value(self, path: Path, sheet: str, rows: list[list[Any]], row: int, column: int) -> Any:
        """The value typed at ``row``, ``column`` (1-based); a formula is refused."""
        found = cell_at(rows[row - 1], column) if row <= len(rows) else None
        if isinstance(found, Formula):
            self.at(
                path,
                sheet,
                row,
                column,
                f"a formula ({found.text[:40]}) where a value is typed: type the value itself",
            )
            return None
        if isinstance(found, str):
            found = found.strip() or None
            if found is not None and len(found) > MAX_TEXT:
                self.at(path, sheet, row, column, f"more than {MAX_TEXT:,} characters: shorten it")
                return None
        return found

    def in_place(
        self, path: Path, sheet: str, rows: list[list[Any]], row: int, what: str, expected: str
    ) -> bool:
        """Whether ``row`` still holds the question the form put there (its id in column A)."""
        if row <= len(rows) and cell_at(rows[row - 1], 1) == expected:
            return True
        message = f"expected {what} {expected!r} in this row: fill in the form as made, without "
        self.at(path, sheet, row, 1, message + "moving rows")
        return False

    def fingerprint(self, path: Path, sheet: str, rows: list[list[Any]]) -> bool:
        row, column = FINGERPRINT_CELL
        found = self.value(path, sheet, rows, row, column)
        if found != self.stamp:
            self.at(
                path,
                sheet,
                row,
                column,
                f"made for another tender or an older version "
                f"(fingerprint {found!r}, this tender's is {self.stamp!r}): fill in the "
                "forms `tenderscore forms` makes now",
            )
            return False
        return True

    def form(self, path: Path, data: bytes) -> tuple[Supplier, dict[str, Any]] | None:
        questions = len(self.tree.gates) + len(self.tree.leaves) + 20
        sheets = self.sheets(
            path, data, {"Cover": 2, "Supplier": 2, "Gates": 4, "Answers": 4}, questions
        )
        if not sheets or not self.fingerprint(path, "Cover", sheets["Cover"]):
            return None
        before = len(self.problems)
        rows = sheets["Supplier"]
        identity = {
            key: self.value(path, "Supplier", rows, r, 2) for key, r in SUPPLIER_ROWS.items()
        }
        if identity["legal_name"] is None:
            self.at(
                path,
                "Supplier",
                SUPPLIER_ROWS["legal_name"],
                2,
                "the supplier's legal name is missing",
            )
        answers: dict[str, Any] = {}
        gates = sheets["Gates"]
        for k, gate in enumerate(self.tree.gates, start=2):
            if not self.in_place(path, "Gates", gates, k, "gate", gate.id):
                continue
            answer = self.value(path, "Gates", gates, k, GATE_ANSWER)
            evidence = self.value(path, "Gates", gates, k, GATE_EVIDENCE)
            if not isinstance(answer, str) or answer.lower() not in ("pass", "fail"):
                self.at(
                    path,
                    "Gates",
                    k,
                    GATE_ANSWER,
                    f"expected pass or fail for {gate.id!r}; got {answer!r}",
                )
                continue
            verdict: GateAnswer = "pass" if answer.lower() == "pass" else "fail"
            note = str(evidence) if evidence else None
            answers[gate.id] = GateResponse(answer=verdict, note=note).model_dump(exclude_none=True)
        numeric = [leaf for leaf in self.tree.leaves if leaf.kind == "numeric"]
        rows = sheets["Answers"]
        for k, leaf in enumerate(numeric, start=2):
            if not self.in_place(path, "Answers", rows, k, "question", leaf.id):
                continue
            answer = self.value(path, "Answers", rows, k, ANSWER)
            if isinstance(answer, bool) or not isinstance(answer, int | float):
                self.at(
                    path, "Answers", k, ANSWER, f"expected a number for {leaf.id!r}; got {answer!r}"
                )
            elif not -LARGEST <= answer <= LARGEST:
                self.at(
                    path,
                    "Answers",
                    k,
                    ANSWER,
                    f"expected a number between -{LARGEST:g} and {LARGEST:g}; got {answer!r}",
                )
            else:
                answers[leaf.id] = answer
        if len(self.problems) > before:
            return None
        supplier = Supplier(**{k: str(v) for k, v in identity.items() if v is not None})
        return supplier, answers

    def prices(self, path: Path, data: bytes) -> PriceData | None:
        layout = PriceLayout(self.config.term_years)
        rows = self.sheets(path, data, {PRICES: layout.width}, layout.total_row + 20).get(PRICES)
        if not rows or not self.fingerprint(path, PRICES, rows):
            return None
        before = len(self.problems)
        one_off: dict[str, float] = {}
        for r in range(layout.one_off_first, layout.one_off_first + ONE_OFF_LINES):
            item, amounts = self.line(path, rows, r, [2])
            if item is not None and self.unique(path, r, item, one_off):
                one_off[item] = amounts[0]
        annual: dict[str, float | list[float]] = {}
        years = list(range(2, 2 + layout.years))
        for r in range(layout.annual_first, layout.annual_first + ANNUAL_LINES):
            item, amounts = self.line(path, rows, r, years)
            if item is not None and self.unique(path, r, item, annual):
                annual[item] = amounts
        adjustments = []
        for r in range(layout.adjustment_first, layout.adjustment_first + ADJUSTMENT_LINES):
            item, amounts = self.line(path, rows, r, [2, 3])
            if item is None:
                continue
            every = self.value(path, PRICES, rows, r, 4)
            if every not in (None, "yes", "no", "Yes", "No"):
                self.at(path, PRICES, r, 4, f"expected yes or no; got {every!r}")
                continue
            adjustments.append(
                Adjustment(
                    name=item,
                    quantity=amounts[0],
                    unit_cost=amounts[1],
                    recurring=str(every).lower() == "yes",
                )
            )
        exit_cost = self.value(path, PRICES, rows, layout.exit_row, 2)
        if exit_cost is not None and not self.money(path, layout.exit_row, 2, exit_cost):
            exit_cost = None
        if not (one_off or annual or adjustments) and len(self.problems) == before:
            self.at(
                path,
                PRICES,
                layout.one_off_first,
                1,
                "no price line: give at least one "
                "cost (one-off, annual or a quantity at a unit rate)",
            )
        if len(self.problems) > before:
            return None
        whole_life = WholeLifeCost(
            one_off=one_off, annual=annual, exit=float(exit_cost or 0.0), adjustments=adjustments
        )
        return PriceData(whole_life=whole_life)

    def line(
        self, path: Path, rows: list[list[Any]], row: int, columns: list[int]
    ) -> tuple[str | None, list[float]]:
        """A cost line: its item and its amounts (every one given), or (None, []) when the row
        is empty or wrong (the problem recorded)."""
        item = self.value(path, PRICES, rows, row, 1)
        amounts = [self.value(path, PRICES, rows, row, c) for c in columns]
        if item is None and all(a is None for a in amounts):
            return None, []
        if item is None:
            self.at(path, PRICES, row, 1, "an amount without its item: name the cost")
            return None, []
        found = []
        for column, amount in zip(columns, amounts, strict=True):
            if amount is None:
                self.at(
                    path,
                    PRICES,
                    row,
                    column,
                    f"{str(item)[:40]!r}: the amount is missing (type 0 if there is none)",
                )
                return None, []
            if not self.money(path, row, column, amount):
                return None, []
            found.append(float(amount))
        return str(item), found

    def unique(self, path: Path, row: int, item: str, block: Mapping[str, object]) -> bool:
        """A cost line's item names one line: a second line of the same name would be lost."""
        if item in block:
            self.at(
                path,
                PRICES,
                row,
                1,
                f"{item[:40]!r} is named twice in this block: give "
                "each line its own name, or add the amounts in one line",
            )
            return False
        return True

    def money(self, path: Path, row: int, column: int, amount: Any) -> bool:
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            self.at(path, PRICES, row, column, f"expected an amount; got {amount!r}")
            return False
        if not 0 <= amount <= LARGEST:
            self.at(
                path,
                PRICES,
                row,
                column,
                f"expected an amount from 0 to {LARGEST:g}; got {amount!r}",
            )
            return False
        return True


@dataclass(frozen=True, slots=True)
class Response:
    """A bid read from its workbooks, and the files it came from."""

    bid: BidFile
    files: tuple[tuple[Path, bytes], ...]
    """The response form first, then the price schedule and the officer's record if any."""
    prices: Path | None = None


RECORD = "record.yaml"
"""The officer's record of a bid that arrived as workbooks (OfficerRecord)."""
MAX_RESPONSE_BYTES = 32 * 2**20
MAX_RESPONSES = 5_000


def read_responses(
    root: Path, config: TenderFile, tree: CriteriaTree
) -> tuple[list[Response], list[Problem]]:
    """Every bid in ``root/responses/<bid id>/``, or the problems of each, located."""
    from tenderscore.input.reading import read_input

    base = root / DIRECTORY
    if not base.is_dir():
        return [], []
    entries = sorted(base.iterdir())[: MAX_RESPONSES + 1]
    folders = [p for p in entries if p.is_dir()]
    problems_here = [
        Problem(p, "put each bidder's workbooks in responses/<bid id>/, not in responses/")
        for p in entries
        if not p.is_dir()
    ]
    if len(folders) > MAX_RESPONSES:
        return [], [Problem(base, f"more than {MAX_RESPONSES:,} response folders")]
    responses: list[Response] = []
    problems: list[Problem] = problems_here
    for folder in folders:
        files: dict[str, tuple[Path, bytes]] = {}
        entries = sorted(p for p in folder.iterdir() if p.name != RECORD)[:20]
        for path in entries:
            if path.suffix.lower() != ".xlsx":
                problems.append(
                    Problem(
                        path,
                        "not a response workbook: return the forms as "
                        ".xlsx workbooks, as tenderscore forms made them",
                    )
                )
                continue
            data = read_input(path, limit=MAX_RESPONSE_BYTES, within=root)
            if isinstance(data, Problem):
                problems.append(data)
                continue
            refused = package_problem(data) or _oversized(data)
            kind = None if refused else kind_of(path, data)
            if refused:
                problems.append(Problem(path, refused))
            elif kind is None:
                problems.append(
                    Problem(
                        path,
                        "not a response form or price schedule of this "
                        "tool (no sheets Cover, Supplier, Gates, Answers or "
                        "Prices)",
                    )
                )
            elif kind in files:
                problems.append(
                    Problem(
                        path,
                        f"a second {kind} workbook in {folder.name}: "
                        f"keep one (the other is {files[kind][0].name})",
                    )
                )
            else:
                files[kind] = (path, data)
        if not files:
            record_only = (folder / RECORD).is_file()
            problems.append(
                Problem(
                    folder,
                    "a record.yaml without the bid's workbooks: a bid "
                    "that sent none (late, withdrawn) is recorded as "
                    f"bids/{folder.name}.yaml"
                    if record_only
                    else "no response workbooks here (the form and the price schedule, as .xlsx)",
                )
            )
            continue
        bid, found = read_response(folder, files, config, tree)
        problems += found
        record = folder / RECORD
        read = [files[kind] for kind in ("form", "prices") if kind in files]  # the form first
        if record.is_file():
            document = read_yaml(record, within=root)
            officer = (
                document
                if isinstance(document, list)
                else validate_document(OfficerRecord, document)
            )
            if isinstance(officer, list):
                problems += officer
                continue
            assert isinstance(document, YamlDocument)
            if document.problems:  # a key given twice: which one is meant?
                problems += document.problems
                continue
            read.append((record, document.text))
            if bid is not None:
                bid = bid.model_copy(update=dict(officer))
        if bid is not None:
            prices = files["prices"][0] if "prices" in files else None
            responses.append(Response(bid, tuple(read), prices))
    return responses, problems


MAX_RESPONSE_SHEET_BYTES = 8 * 2**20
"""A filled response form or price schedule's sheets unpack to a few hundred KiB."""


def _oversized(data: bytes) -> str:
    """Why a response workbook's sheets are too large to be one, or ''."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except Exception:
        return ""  # package_problem says why
    for part in parts:
        if part.filename.startswith(("xl/worksheets/", "xl/sharedStrings")) and (
            part.file_size > MAX_RESPONSE_SHEET_BYTES
        ):
            return (
                f"its part {part.filename[:60]} unpacks to {part.file_size / 2**20:,.0f} MiB; "
                "a response form or price schedule is far smaller"
            )
    return ""


def kind_of(path: Path, data: bytes) -> str | None:
    """'form' or 'prices' by the sheets the workbook holds; None for another workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            book = package.read("xl/workbook.xml").decode("utf-8", "replace")
    except Exception:  # an encrypted or corrupt part, an unknown compression: not ours
        return None
    if f'name="{PRICES}"' in book:
        return "prices"
    if all(f'name="{sheet}"' in book for sheet in FORM_SHEETS):
        return "form"
    return None


def relocate(
    problem: Problem, response: Response, config: TenderFile, tree: CriteriaTree
) -> Problem:
    """A problem a later check found in a bid read from workbooks, at the cell it came from
    (the checks speak of the bid's fields, as for a YAML bid)."""
    field = problem.field
    head, _, rest = field.partition(".")
    form = response.files[0][0]
    prices = response.prices
    cell: str | None = None
    path = form
    if field == "name":
        cell = f"Supplier!B{SUPPLIER_ROWS['legal_name']}"
    elif head == "supplier" and rest in SUPPLIER_ROWS:
        cell = f"Supplier!B{SUPPLIER_ROWS[rest]}"
    elif head == "answers" and rest:
        gates = [gate.id for gate in tree.gates]
        numeric = [leaf.id for leaf in tree.leaves if leaf.kind == "numeric"]
        if rest in gates:
            cell = f"Gates!{column_letter(GATE_ANSWER)}{gates.index(rest) + 2}"
        elif rest in numeric:
            cell = f"Answers!{column_letter(ANSWER)}{numeric.index(rest) + 2}"
    elif head == "price" and prices is not None:
        path, cell = prices, f"{PRICES}!B{PriceLayout(config.term_years).total_row}"
    if cell is None:
        return problem
    return dataclasses.replace(problem, path=path, cell=cell, line=None, column=None)
