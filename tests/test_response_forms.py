"""Bids arrive as workbooks: the forms filled by script give exactly the evaluation of the
equivalent YAML bids, and every mistake is located at its cell."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from workbooks import fill_moderation, fill_response, fill_sheets

from tenderscore.engine.scoring import evaluate
from tenderscore.input.loading import load_tender

from conftest import EXAMPLE, copy_example, run_cli

REFERENCE = "WPF-2026-DA-014"
FORM, SCHEDULE = f"{REFERENCE}-response-form.xlsx", f"{REFERENCE}-price-schedule.xlsx"
SUBMITTED = ("albion", "brightwater", "castellan", "deepfield", "ember")
FILES = {
    "albion": "albion-analytics",
    "brightwater": "brightwater-data",
    "castellan": "castellan-intelligence",
    "deepfield": "deepfield-ai",
    "ember": "ember-oak",
}


@pytest.fixture
def responses(tmp_path: Path) -> Path:
    """The example with the submitted bids as returned workbooks, not YAML."""
    tender = copy_example(tmp_path)
    original = load_tender(EXAMPLE)
    bids = {bid.id: bid for bid in (*original.bids, *original.set_aside)}
    for bid_id in SUBMITTED:
        (tender / "bids" / f"{FILES[bid_id]}.yaml").unlink()
    run_cli(["forms", tender])
    blank = tender / "out" / "forms"
    for bid_id in SUBMITTED:
        fill_response(
            blank / FORM,
            blank / SCHEDULE,
            bids[bid_id],
            tender / "responses" / bid_id,
            term_years=original.config.term_years,
        )
        record = bids[bid_id].model_dump(include={"investigation", "outcome"}, exclude_none=True)
        if record:  # the officer's part: here, Brightwater's price investigation
            (tender / "responses" / bid_id / "record.yaml").write_text(yaml.safe_dump(record))
    return tender


def test_workbooks_from_forms_to_award_evaluate_as_the_yaml_bids(responses: Path) -> None:
    original = load_tender(EXAMPLE)
    bids = {bid.id: bid for bid in original.bids}
    assert "scores missing" in run_cli(["status", responses]).stdout
    fill_sheets(responses, bids)
    fill_moderation(responses, REFERENCE, bids)
    loaded = load_tender(responses)
    from_books, from_yaml = evaluate(loaded), evaluate(original)
    assert [(b.id, b.rank, b.total) for b in from_books.bids] == [
        (b.id, b.rank, b.total) for b in from_yaml.bids
    ]
    assert sorted(b.id for b in from_books.set_aside) == sorted(b.id for b in from_yaml.set_aside)
    assert {s.role for s in loaded.sources} >= {"response", "scores", "moderation"}
    albion = next(b for b in loaded.bids if b.id == "albion")
    assert albion.supplier is not None
    assert albion.supplier.email == "tenders@albion.example"
    assert "Ready to award: nothing is open." in run_cli(["validate", responses]).stdout


def _edit(responses: Path, name: str, sheet: str, cell: str, value: object) -> Path:
    path = responses / "responses" / "albion" / name
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("name", "sheet", "cell", "value", "message"),
    [
        (SCHEDULE, "Prices", "B9", "four hundred", "expected an amount; got 'four hundred'"),
        (SCHEDULE, "Prices", "B9", -5, "expected an amount from 0 to 1e+15; got -5"),
        (SCHEDULE, "Prices", "B9", "=400000*1.1", "a formula (=400000*1.1) where a value is"),
        (SCHEDULE, "Prices", "C22", None, "'platform licences': the amount is missing"),
        (SCHEDULE, "Prices", "A9", None, "an amount without its item: name the cost"),
        (SCHEDULE, "Prices", "A10", "implementation", "'implementation' is named twice"),
        (SCHEDULE, "Prices", "B3", "0123456789abcdef", "made for another tender or an older"),
        (FORM, "Gates", "C2", "yes", "expected pass or fail for 'uk_residency'; got 'yes'"),
        (FORM, "Answers", "D2", "five", "expected a number for 'explanation_turnaround'"),
        (FORM, "Supplier", "B1", None, "the supplier's legal name is missing"),
        (FORM, "Cover", "B3", "0123456789abcdef", "made for another tender or an older"),
    ],
)
def test_each_mistake_is_located_at_its_cell(
    responses: Path, name: str, sheet: str, cell: str, value: object, message: str
) -> None:
    path = _edit(responses, name, sheet, cell, value)
    result = run_cli(["validate", responses], exit_code=2)
    assert f"{path}:{sheet}!{cell}: {message}" in result.stderr


def test_a_bid_in_both_forms_and_yaml_and_a_missing_schedule_are_errors(
    responses: Path,
) -> None:
    (responses / "bids" / "albion.yaml").write_text(
        (EXAMPLE / "bids" / "albion-analytics.yaml").read_text()
    )
    assert "duplicate bid id 'albion'" in run_cli(["validate", responses], exit_code=2).stderr
    (responses / "bids" / "albion.yaml").unlink()
    schedule = responses / "responses" / "albion" / SCHEDULE
    kept = schedule.read_bytes()
    schedule.unlink()
    assert (
        "a response form without its price schedule"
        in run_cli(["validate", responses], exit_code=2).stderr
    )
    (responses / "responses" / "albion" / FORM).unlink()
    schedule.write_bytes(kept)
    assert "no response form here" in run_cli(["validate", responses], exit_code=2).stderr


def test_the_officers_record_is_checked_where_it_is(responses: Path) -> None:
    record = responses / "responses" / "brightwater" / "record.yaml"
    record.write_text("outcome:\n  status: abnormally_low\n  reason: Not sustainable.\n")
    result = run_cli(["validate", responses], exit_code=2)
    assert f"{record}" in result.stderr
    assert "needs its investigation recorded" in result.stderr


def test_to_yaml_writes_the_bids_as_text(responses: Path) -> None:
    run_cli(["forms", responses, "--to-yaml"])
    written = (responses / "bids" / "albion.yaml").read_text()
    assert "legal_name: Albion Analytics Ltd" in written
    assert "implementation: 420000.0" in written


def test_the_shipped_workbook_example_ranks_as_the_yaml_example() -> None:
    books = evaluate(load_tender(EXAMPLE.parent / "police-analytics-workbooks"))
    yaml_bids = evaluate(load_tender(EXAMPLE))
    assert [(b.id, b.rank, b.total) for b in books.bids] == [
        (b.id, b.rank, b.total) for b in yaml_bids.bids
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook at all", "not an .xlsx workbook (not a zip package)"),
        (None, "its part xl/workbook.xml unpacks to 300 MiB"),  # a zip bomb
    ],
)
def test_hostile_response_workbooks_are_refused_naming_the_file(
    responses: Path, content: bytes | None, message: str
) -> None:
    import io
    import zipfile

    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("xl/workbook.xml", b"<" + b" " * (300 * 2**20))
        content = buffer.getvalue()
    path = responses / "responses" / "albion" / "extra.xlsx"
    path.write_bytes(content)
    result = run_cli(["validate", responses], exit_code=2)
    assert f"{path}: {message}" in result.stderr


def test_a_folder_that_gives_no_bid_is_said(responses: Path) -> None:
    castellan = responses / "responses" / "castellan"
    for path in castellan.iterdir():
        path.rename(path.with_suffix(".XLS"))
    result = run_cli(["validate", responses], exit_code=2)
    assert "not a response workbook: return the forms as .xlsx workbooks" in result.stderr
    assert f"{castellan}: no response workbooks here" in result.stderr
    for path in castellan.iterdir():
        path.unlink()
    (castellan / "record.yaml").write_text("outcome: {status: late, reason: At 12:01.}\n")
    result = run_cli(["validate", responses], exit_code=2)
    assert "a record.yaml without the bid's workbooks" in result.stderr


def test_no_bid_anywhere_is_one_problem(tmp_path: Path) -> None:
    tender = copy_example(tmp_path)
    for path in (tender / "bids").iterdir():
        path.unlink()
    (tender / "bids").rmdir()
    (tender / "responses").mkdir()
    result = run_cli(["validate", tender], exit_code=2)
    assert "no bids found: neither bids/*.yaml nor any bidder's workbooks" in result.stderr


def test_a_later_check_on_a_returned_bid_points_at_its_cell(responses: Path) -> None:
    """Checks that speak of a bid's fields (a placeholder left, a price the formula cannot
    divide by) are located in the workbook the field came from."""
    from tenderscore.input.response_forms import PriceLayout

    form = _edit(responses, FORM, "Supplier", "B2", "<registered address>")
    result = run_cli(["validate", responses], exit_code=2)
    assert f"{form}:Supplier!B2: supplier.address: still the placeholder" in result.stderr
    _edit(responses, FORM, "Supplier", "B2", "1 High Street")
    schedule = responses / "responses" / "albion" / SCHEDULE
    book = load_workbook(schedule)
    prices = book["Prices"]
    for row in prices.iter_rows(min_row=9, max_row=PriceLayout(7).exit_row, min_col=2, max_col=8):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = 0
    book.save(schedule)
    total = PriceLayout(7).total_row
    result = run_cli(["validate", responses], exit_code=2)
    assert f"{schedule}:Prices!B{total}: price: price must be above 0" in result.stderr
