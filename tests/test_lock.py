"""The criteria lock: what bidders were told cannot drift unnoticed (issue: official-and-lock)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, run_cli

CHANGES = {
    "a weight": (
        "tender.yaml",
        "tie_break: [ethics, price]",
        "weights: {cost: 45, ethics: 15}\ntie_break: [ethics, price]",
        "criteria.cost.weight: 40.0 -> 45.0",
    ),
    "the tie-break": (
        "tender.yaml",
        "tie_break: [ethics, price]",
        "tie_break: [price, ethics]",
        "tie_break: ['ethics', 'price'] -> ['price', 'ethics']",
    ),
    "a formula parameter": (
        "tender.yaml",
        "formula: relative_to_lowest",
        "formula: logarithmic\n  zero_at_multiple: 3",
        "price.formula: 'relative_to_lowest' -> 'logarithmic'",
    ),
    "full scoring": (
        "tender.yaml",
        "tie_break: [ethics, price]",
        "tie_break: [ethics, price]\nfull_scoring: true",
        "full_scoring added",
    ),
}


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    """The shipped example, which is locked."""
    target = tmp_path / "tender"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("out"))
    assert (target / "criteria.lock.yaml").is_file()
    return target


def _change(tender: Path, case: str) -> str:
    name, old, new, said = CHANGES[case]
    path = tender / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return said


def test_the_example_is_locked_and_evaluates_as_official(tender: Path) -> None:
    run_cli(["evaluate", tender, "--format", "json"])
    saved = (tender / "out" / "WPF-2026-DA-014-evaluation.json").read_text()
    assert re.search(r'"criteria_lock": "[0-9a-f]{64}"', saved)
    assert '"official": true' in saved
    assert "The tender matches what is locked." in run_cli(["lock", tender]).stdout


@pytest.mark.parametrize("case", list(CHANGES))
def test_a_change_after_locking_is_an_error_naming_it(tender: Path, case: str) -> None:
    said = _change(tender, case)
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "differs from what bidders were told" in message
    assert said in message


def test_a_descriptor_change_is_named(tender: Path) -> None:
    criteria = (EXAMPLE.parent.parent / "criteria" / "police-data-platform.yaml").read_text()
    (tender / "criteria.yaml").write_text(criteria.replace("Excellent", "Outstanding", 1))
    tender_file = tender / "tender.yaml"
    tender_file.write_text(
        tender_file.read_text().replace(
            "criteria: police-data-platform", "criteria: criteria.yaml", 1
        )
    )
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert ".scale.descriptors." in message
    assert "-> 'Outstanding. Fully meets" in message


BEFORE_DEADLINE = "1767571200"  # 2026-01-05, before the example's deadline of 2026-03-31


def test_an_amendment_before_the_deadline_is_accepted_and_recorded(
    tender: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE_DEADLINE)
    said = _change(tender, "the tie-break")
    basis = "revised tender notice (s31)"
    run_cli(["lock", tender, "--amend", "--basis", basis, "--told", "2026-01-10"])
    run_cli(["validate", tender])
    shown = run_cli(["lock", tender]).stdout
    assert "revised tender notice (s31); bidders told 2026-01-10" in shown
    assert said in shown


def test_an_amendment_after_the_deadline_is_an_error(
    tender: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # today: past the deadline
    _change(tender, "the tie-break")
    refused = run_cli(["lock", tender, "--amend", "--basis", "notice"], exit_code=2)
    assert "the submission deadline (2026-03-31) has passed" in refused.stderr
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE_DEADLINE)
    run_cli(["lock", tender, "--amend", "--basis", "notice", "--told", "2026-01-10"])
    lock = tender / "criteria.lock.yaml"
    text = lock.read_text()
    dated = re.sub(r"- date: '[0-9-]+'", "- date: '2026-04-15'", text, count=1)
    assert dated != text
    lock.write_text(dated)
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "after the submission deadline (2026-03-31)" in message


def test_an_edited_lock_file_is_refused(tender: Path) -> None:
    lock = tender / "criteria.lock.yaml"
    lock.write_text(lock.read_text().replace("tie_break:\n  - ethics", "tie_break:\n  - price", 1))
    assert "the lock file was edited" in run_cli(["validate", tender], exit_code=2).stderr


def test_lock_refuses_an_invalid_tender_and_a_silent_replacement(tender: Path) -> None:
    lock = tender / "criteria.lock.yaml"
    before = lock.read_bytes()
    refused = run_cli(["lock", tender, "--by", "X", "--force"], exit_code=2)
    assert "--force replaces" in refused.stderr
    assert lock.read_bytes() == before
    run_cli(["lock", tender, "--by", "Y", "--force", "--reason", "tender re-issued"])
    assert "reason: tender re-issued" in lock.read_text()
    lock.unlink()
    _change(tender, "a weight")
    tender_file = tender / "tender.yaml"
    tender_file.write_text(tender_file.read_text().replace("term_years: 7", "term_years: 0"))
    run_cli(["lock", tender, "--by", "Z"], exit_code=2)
    assert not lock.exists()
