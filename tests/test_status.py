"""`tenderscore status` at each stage of the shipped example gives the right next step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tenderscore.status import tender_status

from conftest import copy_example, run_cli


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def _strip(tender: Path, key: str, *, only: str | None = None) -> None:
    """Remove ``key`` from every bid file (``only``: that evaluator's scores alone)."""
    for path in (tender / "bids").glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if only is None:
            data.pop(key, None)
        else:
            for given in data.get(key, {}).values():
                given.pop(only, None)
        path.write_text(yaml.safe_dump(data, sort_keys=False))


def _stages(tender: Path) -> dict[str, bool]:
    return {stage.name: stage.done for stage in tender_status(tender).stages}


def test_no_scores_returned_points_to_the_sheets(tender: Path) -> None:
    _strip(tender, "scores")
    _strip(tender, "consensus")
    status = tender_status(tender)
    assert {p.evaluator: (p.given, p.expected) for p in status.evaluators} == {
        "IAM": (0, 40),
        "DEC": (0, 40),
        "HPA": (0, 40),
    }
    assert _stages(tender)["scores returned"] is False
    assert status.next_step.startswith(f"tenderscore sheets {tender}")


def test_some_scores_returned_are_counted_per_evaluator(tender: Path) -> None:
    _strip(tender, "scores", only="DEC")
    status = tender_status(tender)
    assert {p.evaluator: p.expected - p.given for p in status.evaluators} == {
        "IAM": 0,
        "DEC": 40,
        "HPA": 0,
    }
    assert "40 scores missing" in {s.name: s.detail for s in status.stages}["scores returned"]


def test_before_moderation_the_next_step_is_the_meeting_workbook(tender: Path) -> None:
    _strip(tender, "consensus")
    status = tender_status(tender)
    assert _stages(tender)["scores returned"] is True
    assert _stages(tender)["moderation done"] is False
    assert len(status.open_items) == 40
    assert status.next_step.startswith(f"tenderscore moderation {tender} --workbook")


def test_ready_but_not_approved_points_to_approve(tender: Path) -> None:
    (tender / "approval.yaml").unlink()
    stages = _stages(tender)
    assert stages["ready to award"] is True
    assert stages["approved"] is False
    assert "tenderscore approve" in tender_status(tender).next_step


def test_approved_points_to_the_bidders_and_the_public(tender: Path) -> None:
    assert all(_stages(tender).values())
    result = run_cli(["status", tender])
    assert "Next:" in result.stdout
    assert "tenderscore summaries" in " ".join(result.stdout.split())
    document = json.loads(run_cli(["status", tender, "--json"]).stdout)
    assert [s["name"] for s in document["stages"]][-1] == "approved"


def test_missing_declarations_and_no_lock_come_first(tender: Path) -> None:
    (tender / "criteria.lock.yaml").unlink()
    path = tender / "tender.yaml"
    text = path.read_text()
    path.write_text(text.replace("  - person: DEC", "  - person: DECX", 1))
    status = tender_status(tender)
    assert status.next_step.startswith(f"tenderscore lock {tender}")
    assert not _stages(tender)["interests declared"]


def test_the_status_screen_reads_at_80_columns(tender: Path) -> None:
    _strip(tender, "consensus")
    from typer.testing import CliRunner

    from tenderscore.cli import app

    result = CliRunner().invoke(app, ["status", str(tender)], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "39 criteria without the panel's agreed reason" in result.stdout


def test_a_half_filled_scoring_sheet_is_counted_not_fatal(tender: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from openpyxl import load_workbook
    from workbooks import fill_sheets

    from tenderscore.input.loading import load_tender

    original = {bid.id: bid for bid in load_tender(tender).bids}
    _strip(tender, "scores")
    fill_sheets(tender, original)
    sheet_path = next((tender / "scores").glob("*IAM*.xlsx"))
    book = load_workbook(sheet_path)
    book["Scores"]["E6"] = None
    book.save(sheet_path)
    status = tender_status(tender)
    assert {p.evaluator: p.expected - p.given for p in status.evaluators}["IAM"] == 1
