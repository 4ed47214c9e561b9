"""A what-if run (other weights than the tender publishes) never touches the official
outputs, and says what it is wherever a reader looks first (issue: official-and-lock)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tenderscore.report.wording import CONFIDENTIAL

from conftest import copy_example, run_cli

REFERENCE = "WPF-2026-DA-014"
WEIGHTS = "cost=60,ethics=10"


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def _what_if_set(tender: Path) -> Path:
    (directory,) = (tender / "out" / "what-if").iterdir()
    return directory


def test_a_what_if_leaves_the_official_set_byte_identical(tender: Path) -> None:
    run_cli(["evaluate", tender])
    official = _files(tender / "out")
    result = run_cli(["evaluate", tender, "--weights", WEIGHTS])
    after = _files(tender / "out")
    assert {name: after[name] for name in official} == official
    written = _what_if_set(tender)
    assert written.name.startswith("weights-")
    assert all(f"{REFERENCE}-what-if-{written.name}-" in p.name for p in written.iterdir())
    assert "WHAT-IF, not the official evaluation (--weights cost=60,ethics=10)" in result.stdout


def test_an_official_rerun_leaves_the_what_if_alone(tender: Path) -> None:
    run_cli(["evaluate", tender, "--scenario", "cost-led"])
    what_if = _files(tender / "out" / "what-if")
    assert list(what_if)
    assert all(name.startswith("cost-led/") for name in what_if)
    run_cli(["evaluate", tender])
    assert _files(tender / "out" / "what-if") == what_if


def test_every_format_says_it_is_a_what_if(tender: Path) -> None:
    run_cli(["evaluate", tender, "--weights", WEIGHTS])
    directory = _what_if_set(tender)
    report = next(directory.glob("*-report.md")).read_text()
    assert report.startswith(f"**{CONFIDENTIAL}**\n\n# WHAT-IF, not the official evaluation: ")
    assert "Recommended for award" not in report
    assert "Leads under these weights" in report
    assert "around the published weights" not in report
    assert "around this what-if's weights" in report
    document = json.loads(next(directory.glob("*-evaluation.json")).read_text())
    assert document["run"]["official"] is False
    assert document["run"]["weights"] == {"cost": 60.0, "ethics": 10.0}
    book = load_workbook(next(directory.glob("*-evaluation.xlsx")), read_only=True)
    for name in book.sheetnames:
        title = next(book[name].iter_rows(max_row=1, max_col=1, values_only=True))[0]
        assert str(title).startswith("WHAT-IF, not the official evaluation (--weights "), name


def test_the_official_report_recommends_and_a_what_if_json_says_official(tender: Path) -> None:
    run_cli(["evaluate", tender])
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert "Recommended for award" in report
    assert "WHAT-IF" not in report
    document = json.loads((tender / "out" / f"{REFERENCE}-evaluation.json").read_text())
    assert document["run"] == {
        "official": True,
        "draft": False,
        "label": None,
        "name": None,
        "weights": {},
    }


def test_export_and_verify_keep_the_distinction(tender: Path, tmp_path: Path) -> None:
    run_cli(["evaluate", tender, "--weights", WEIGHTS])
    directory = _what_if_set(tender)
    saved = next(directory.glob("*-evaluation.json"))
    for export in (saved, next(directory.glob("*-evaluation.xlsx"))):
        assert "matches the inputs" in run_cli(["verify", tender, export]).stdout
    again = tmp_path / "again"
    run_cli(["export", saved, "--out", again, "--format", "md"])
    assert sorted(p.name for p in again.iterdir())[0].startswith(f"{REFERENCE}-what-if-")
    assert not (again / f"{REFERENCE}-report.md").exists()
