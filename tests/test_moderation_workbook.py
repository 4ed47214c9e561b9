"""The moderation meeting in a workbook: filled by script, it gives the same evaluation as
the equivalent YAML consensus, and each mistake is located at its cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from tenderscore.engine.scoring import evaluate
from tenderscore.input.loading import load_tender

from conftest import EXAMPLE, copy_example, run_cli

REFERENCE = "WPF-2026-DA-014"
BOOK = f"{REFERENCE}-moderation.xlsx"


def _agreed_in_yaml(tender: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every consensus of the bid files, removed from them."""
    agreed = {}
    for path in sorted((tender / "bids").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for criterion, entry in data.pop("consensus", {}).items():
            agreed[data["id"], criterion] = entry
        path.write_text(yaml.safe_dump(data, sort_keys=False))
    return agreed


def _fill(tender: Path, agreed: dict[tuple[str, str], dict[str, Any]], **cells: Any) -> Path:
    """The workbook made for ``tender``, filled with ``agreed`` (and ``cells`` set after)."""
    (tender / "moderation" / BOOK).unlink(missing_ok=True)  # a new meeting, a new workbook
    run_cli(["moderation", tender, "--workbook"])
    book = load_workbook(tender / "out" / BOOK)
    sheet = book["Moderation"]
    sheet["B3"] = "2026-10-14"
    sheet["B4"] = "CPO"
    sheet["B5"] = "IAM, DEC, HPA"
    for row in range(8, sheet.max_row + 1):
        key = (sheet.cell(row, 2).value, sheet.cell(row, 1).value)
        entry = agreed.get(key)
        if entry:
            sheet.cell(row, 8).value = entry.get("score")
            sheet.cell(row, 9).value = entry["reason"]
            sheet.cell(row, 10).value = entry.get("feedback")
    for ref, value in cells.items():
        sheet[ref] = value
    (tender / "moderation").mkdir(exist_ok=True)
    target = tender / "moderation" / BOOK
    book.save(target)
    return target


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def test_a_filled_workbook_evaluates_as_the_yaml_consensus(tender: Path) -> None:
    agreed = _agreed_in_yaml(tender)
    assert len(agreed) == 40
    assert "not ready" in run_cli(["validate", tender]).stdout.lower()
    _fill(tender, agreed)
    loaded = load_tender(tender)
    from_book, from_yaml = evaluate(loaded), evaluate(load_tender(EXAMPLE))
    assert [(b.id, b.rank, b.total) for b in from_book.bids] == [
        (b.id, b.rank, b.total) for b in from_yaml.bids
    ]
    for a, b in zip(from_book.bids, from_yaml.bids, strict=True):
        assert [(c.consensus_reason, c.feedback, c.moderated) for c in a.criteria] == [
            (c.consensus_reason, c.feedback, c.moderated) for c in b.criteria
        ]
    assert "Ready to award: nothing is open." in run_cli(["validate", tender]).stdout
    assert "moderation" in {source.role for source in loaded.sources}
    assert loaded.meeting is not None
    assert (str(loaded.meeting.date), loaded.meeting.chair) == ("2026-10-14", "CPO")
    run_cli(["evaluate", tender, "--format", "md"])
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert "Moderation meeting of 2026-10-14, chaired by CPO; attended by IAM, DEC, HPA" in report


def _row_of(tender: Path, bid: str, criterion: str) -> int:
    run_cli(["moderation", tender, "--workbook"])
    sheet = load_workbook(tender / "out" / BOOK)["Moderation"]
    return next(
        row
        for row in range(8, sheet.max_row + 1)
        if (sheet.cell(row, 2).value, sheet.cell(row, 1).value) == (bid, criterion)
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("H", 7, "expected a score on the scale 0-5; got 7"),
        ("H", "=4+1", "a formula (=4+1) where a value is typed"),
        ("B", "acme", "unknown bid 'acme', or a bid not scored"),
        ("A", "price", "unknown scale criterion 'price'"),
    ],
)
def test_each_mistake_is_located_at_its_cell(
    tender: Path, column: str, value: object, message: str
) -> None:
    agreed = _agreed_in_yaml(tender)
    row = _row_of(tender, "albion", "explainability")
    _fill(tender, agreed, **{f"{column}{row}": value})
    result = run_cli(["validate", tender], exit_code=2)
    assert f"{BOOK}:Moderation!{column}{row}: {message}" in result.stderr


def test_a_score_without_its_reason_and_an_item_in_both_places_are_errors(
    tender: Path,
) -> None:
    agreed = _agreed_in_yaml(tender)
    row = _row_of(tender, "albion", "explainability")
    _fill(tender, agreed, **{f"I{row}": None})
    result = run_cli(["validate", tender], exit_code=2)
    assert f"Moderation!H{row}: bid 'albion', criterion 'explainability': an agreed score" in (
        result.stderr
    )
    _fill(tender, agreed)
    path = tender / "bids" / "albion-analytics.yaml"  # and then typed into the bid file too
    data = yaml.safe_load(path.read_text())
    data["consensus"] = {"key_control": agreed["albion", "key_control"]}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run_cli(["validate", tender], exit_code=2)
    assert "bid 'albion', criterion 'key_control': already agreed in" in result.stderr


def test_a_workbook_for_other_criteria_or_forged_is_refused(tender: Path) -> None:
    agreed = _agreed_in_yaml(tender)
    _fill(tender, agreed, B2="0000000000000000")
    assert (
        "Moderation!B2: made from different criteria"
        in run_cli(["validate", tender], exit_code=2).stderr
    )
    _fill(tender, agreed, E2="f" * 32)
    assert (
        "Moderation!E2: the seal does not match"
        in run_cli(["validate", tender], exit_code=2).stderr
    )


def test_rows_of_a_bid_withdrawn_after_the_meeting_are_not_read(tender: Path) -> None:
    agreed = _agreed_in_yaml(tender)
    _fill(tender, agreed)
    path = tender / "bids" / "castellan-intelligence.yaml"
    data = yaml.safe_load(path.read_text())
    del data["scores"]
    data["outcome"] = {"status": "withdrawn", "reason": "By letter of 20 October 2026."}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert "castellan" in [b.id for b in load_tender(tender).set_aside]
