"""Nothing unresolved slips into an award: the official exports wait for every dispute, every
consensus reason and every abnormally low price to be settled; --draft shows where things stand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tenderscore.report.wording import CONFIDENTIAL

from conftest import copy_example, run_cli

REFERENCE = "WPF-2026-DA-014"
ALBION = "bids/albion-analytics.yaml"
BRIGHTWATER = "bids/brightwater-data.yaml"


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def _without(path: Path, key: str) -> None:
    """The bid file without its top-level ``key`` block."""
    text = path.read_text()
    path.write_text(re.sub(rf"^{key}:.*?(?=^\S|\Z)", "", text, flags=re.S | re.M))


def _without_consensus(path: Path, criterion: str) -> None:
    """The bid file without the panel's agreed view of ``criterion``."""
    data = yaml.safe_load(path.read_text())
    del data["consensus"][criterion]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_shipped_example_is_ready_to_award(tender: Path) -> None:
    run_cli(["evaluate", tender, "--format", "md"])
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert "Recommended for award: Albion Analytics Ltd" in report
    assert "DRAFT" not in report


def test_an_unresolved_dispute_blocks_the_award_and_a_draft_shows_it(tender: Path) -> None:
    """Albion's explainability: the panel scored 4, 3 and 5 (40% of the scale apart)."""
    _without_consensus(tender / ALBION, "explainability")
    result = run_cli(["evaluate", tender], exit_code=2)
    assert "Not ready to award:" in result.stderr
    assert "bid 'albion', criterion 'explainability' (IAM 4, DEC 3, HPA 5)" in result.stderr
    assert "no moderated score is recorded" in result.stderr
    assert "1 item open; nothing was written." in result.stderr
    assert not (tender / "out").exists()

    run_cli(["evaluate", tender, "--draft"])
    assert not (tender / "out" / f"{REFERENCE}-report.md").exists()  # never the official name
    report = (tender / "out" / "draft" / f"{REFERENCE}-draft-report.md").read_text()
    assert report.startswith(f"**{CONFIDENTIAL}**\n\n# DRAFT, not ready to award: WPF-2026-DA-014")
    assert "no moderated score is recorded" in report
    assert "Leads in this draft: Albion Analytics Ltd" in report
    assert "Recommended for award" not in report
    book = load_workbook(tender / "out" / "draft" / f"{REFERENCE}-draft-evaluation.xlsx")
    for sheet in book.worksheets:
        assert str(sheet["A1"].value).startswith("DRAFT, not ready to award - "), sheet.title


@pytest.mark.parametrize(
    "reason", ["ok", "Agreed.", "Good. Fully meets the requirement with clear evidence."]
)
def test_a_consensus_reason_that_explains_nothing_blocks_the_award(
    tender: Path, reason: str
) -> None:
    """Too short, or the scale's descriptor for 4 restated."""
    bid = tender / ALBION
    data = yaml.safe_load(bid.read_text())
    data["consensus"]["explainability"] = {"score": 4, "reason": reason}
    data["consensus"]["key_control"]["feedback"] = reason
    bid.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run_cli(["evaluate", tender, "--no-robustness"], exit_code=2)
    assert "'explainability' (IAM 4, DEC 3, HPA 5): the agreed reason will not explain" in (
        result.stderr
    )
    assert "'key_control' (IAM 5, DEC 5, HPA 5): the feedback will not explain" in result.stderr


def test_every_scored_criterion_needs_the_panels_reason_for_the_bidder(tender: Path) -> None:
    """Without it, a summary would quote an evaluator's working notes or nothing; an agreed
    reason without a score changes no total."""

    def totals() -> list[float]:
        out = run_cli(["evaluate", tender, "--json", "--no-export", "--no-robustness"]).stdout
        return [bid["total"] for bid in json.loads(out)["bids"]]

    with_reason = totals()
    _without_consensus(tender / BRIGHTWATER, "key_control")
    assert totals() == with_reason
    result = run_cli(["evaluate", tender], exit_code=2)
    assert (
        "bid 'brightwater', criterion 'key_control' (IAM 4, DEC 4, HPA 4): no agreed reason "
        "for the bidder" in result.stderr
    )
    assert "1 item open" in result.stderr


def test_an_abnormally_low_price_waits_for_its_investigation(tender: Path) -> None:
    _without(tender / BRIGHTWATER, "investigation")
    result = run_cli(["evaluate", tender], exit_code=2)
    assert "bid 'brightwater': the price is abnormally low and no investigation" in result.stderr
    assert "Procurement Act 2023 s19" in result.stderr


def test_disregarding_an_abnormally_low_tender_moves_the_award_and_is_said(
    tender: Path,
) -> None:
    """Brightwater disregarded: it leaves the ranking and the lowest price, so Albion's
    price scores full marks; the report and Brightwater's summary give the outcome with the
    investigation, and a one-word investigation is not ready to award."""
    path = tender / BRIGHTWATER
    path.write_text(
        path.read_text()
        + "outcome:\n  status: abnormally_low\n  reason: The price cannot deliver the "
        "human review the specification requires.\n"
    )
    albion = tender / ALBION  # now abnormally low against Castellan alone
    albion.write_text(
        albion.read_text() + "investigation: Asked on 15 October 2026 to explain the licence "
        "price; it showed a framework rate card; accepted as sustainable.\n"
    )
    run_cli(["evaluate", tender, "--format", "md"])
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert (
        "| Brightwater Data Systems Ltd | scored, then not ranked | Abnormally low tender, "
        in report
    )
    assert (
        "s19): The price cannot deliver the human review the specification requires. "
        "Investigation: " in report
    )
    (tender / "approval.yaml").unlink()  # the inputs changed since the approval
    run_cli(["summaries", tender])
    summary = (tender / "out" / "summaries" / f"{REFERENCE}-summary-brightwater.md").read_text()
    assert "Your bid was not ranked, for these reasons:" in summary
    assert "- Abnormally low tender, disregarded after investigation" in summary
    document = json.loads(run_cli(["evaluate", tender, "--json", "--no-export"]).stdout)
    albion_price = next(b for b in document["bids"] if b["id"] == "albion")["criteria"][0]
    assert (albion_price["kind"], albion_price["value"]) == ("price", 1.0)
    _without(path, "investigation")
    path.write_text(path.read_text() + "investigation: asked\n")
    result = run_cli(["evaluate", tender], exit_code=2)
    assert "bid 'brightwater': the price is abnormally low and no investigation" in result.stderr


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        (
            "status: excluded\n  reason: Convicted of a listed offence on 2 May 2026.\n"
            "  ground: mandatory exclusion ground, Procurement Act 2023 Schedule 6 paragraph 1",
            "Excluded: Convicted of a listed offence on 2 May 2026. Ground: mandatory exclusion "
            "ground, Procurement Act 2023 Schedule 6 paragraph 1",
        ),
        (
            "status: withdrawn\n  reason: By letter of 3 October 2026.",
            "Withdrawn by the bidder: By letter of 3 October 2026.",
        ),
        (
            "status: late\n  reason: Received at 12:01 on 29 September 2026.",
            "Late, received after the deadline: Received at 12:01 on 29 September 2026.",
        ),
    ],
)
def test_each_recorded_outcome_reaches_the_report_and_the_bidder(
    tender: Path, outcome: str, words: str
) -> None:
    """Ember set aside by its recorded outcome: no scores needed, the report's table and its
    own summary give the outcome in its words."""
    path = tender / "bids" / "ember-oak.yaml"
    _without(path, "scores")
    _without(path, "consensus")
    path.write_text(path.read_text() + f"outcome:\n  {outcome}\n")
    run_cli(["evaluate", tender, "--format", "md"])
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert f"| Ember \\& Oak Analytics LLP | set aside before scoring | {words} |" in report
    (tender / "approval.yaml").unlink()  # the inputs changed since the approval
    run_cli(["summaries", tender])
    summary = (tender / "out" / "summaries" / f"{REFERENCE}-summary-ember.md").read_text()
    assert f"- {words}" in summary
    assert "## Your scores" not in summary


def test_a_what_if_is_never_held_back_and_takes_no_draft(tender: Path) -> None:
    _without(tender / ALBION, "consensus")
    run_cli(["evaluate", tender, "--weights", "cost=50", "--format", "md"])
    result = run_cli(["evaluate", tender, "--weights", "cost=50", "--draft"], exit_code=2)
    assert "--draft is for the official evaluation" in result.stderr


def test_validate_lists_what_is_open(tender: Path) -> None:
    assert "Ready to award: nothing is open." in run_cli(["validate", tender]).stdout
    _without_consensus(tender / ALBION, "explainability")
    _without(tender / BRIGHTWATER, "investigation")
    out = run_cli(["validate", tender]).stdout
    assert "Not ready to award (2 open):" in out
    assert "no moderated score is recorded" in out
    assert "no investigation is recorded" in out


def _declarations(tender: Path, replace: str, by: str) -> None:
    path = tender / "tender.yaml"
    text = path.read_text()
    assert replace in text
    path.write_text(text.replace(replace, by, 1))


DEC_DECLARATION = """  - person: DEC
    role: Independent member, Data Ethics Committee
    declared: 2026-09-01
    interest: none
"""


def test_no_sheet_reaches_a_panel_member_who_has_not_declared(tender: Path) -> None:
    _declarations(tender, DEC_DECLARATION, "")
    result = run_cli(["sheets", tender], exit_code=2)
    assert "no declaration of interests for DEC" in result.stderr
    assert not (tender / "out" / "sheets").exists()
    assert (
        "panel member 'DEC' has no declaration of interests" in run_cli(["validate", tender]).stdout
    )


def test_a_member_removed_for_a_conflict_cannot_score(tender: Path) -> None:
    removed = (
        "  - person: DEC\n    role: Independent member, Data Ethics Committee\n"
        "    declared: 2026-09-01\n    interest: Spouse is a director of Albion Analytics.\n"
        "    bids: [albion]\n    assessment: A personal interest in a bidder.\n"
        "    mitigation: removed\n"
    )
    _declarations(tender, DEC_DECLARATION, removed)
    result = run_cli(["validate", tender], exit_code=2)
    assert "evaluator 'DEC' was removed from the evaluation by the conflicts assessment" in (
        result.stderr
    )
    assert "albion-analytics.yaml:" in result.stderr


def test_an_interest_needs_its_bids_assessment_and_mitigation(tender: Path) -> None:
    _declarations(
        tender,
        "    interest: none\n  - person: HPA",
        "    interest: Owns shares in a bidder.\n  - person: HPA",
    )
    result = run_cli(["validate", tender], exit_code=2)
    assert "an interest needs the bids it concerns, its assessment and a mitigation" in (
        result.stderr
    )


def test_the_conflicts_record_reaches_the_report_and_the_workbook(tender: Path) -> None:
    run_cli(["evaluate", tender, "--format", "xlsx,md", "--no-robustness"])
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert "## Conflicts of interest" in report
    assert "| HPA | Head of Performance and Analytics | 2026-09-02 |" in report
    audit = load_workbook(tender / "out" / f"{REFERENCE}-evaluation.xlsx")["Audit"]
    values = [cell.value for row in audit.iter_rows() for cell in row if cell.value]
    assert "Conflicts of interest (declarations and their assessment)" in values
    assert any(str(v).startswith("Mitigation: managed.") for v in values)


def test_the_approval_is_recorded_shown_and_goes_stale_when_an_input_changes(
    tender: Path,
) -> None:
    (tender / "approval.yaml").unlink()  # the example's own approval
    out = run_cli(["approve", tender, "--by", "CPO", "--role", "Chief Procurement Officer"]).stdout
    assert "approved: albion recommended for award, by CPO" in out
    record = (tender / "approval.yaml").read_text()
    assert "inputs_digest:" in record
    assert "result_digest:" in record
    run_cli(["evaluate", tender, "--format", "md,xlsx", "--no-robustness"])
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert "Approved by CPO (Chief Procurement Officer)" in report

    bid = tender / "bids" / "ember-oak.yaml"
    bid.write_text(bid.read_text() + "notes: a late note\n")
    result = run_cli(["evaluate", tender, "--format", "md,xlsx", "--no-robustness"])
    assert "is STALE: an input changed since it" in result.stderr
    report = (tender / "out" / f"{REFERENCE}-report.md").read_text()
    assert "**APPROVAL STALE.**" in report
    audit = load_workbook(tender / "out" / f"{REFERENCE}-evaluation.xlsx")["Audit"]
    row = next(r for r in audit.iter_rows(values_only=True) if r[0] == "Approval")
    assert str(row[1]).startswith("STALE: CPO")


def test_verify_catches_an_approval_forged_in_an_export(tender: Path) -> None:
    """The approval an export shows is recomputed from approval.yaml and the inputs, in the
    JSON and in the workbook's Audit sheet alike."""
    run_cli(["evaluate", tender])
    saved = tender / "out" / f"{REFERENCE}-evaluation.json"
    saved.write_text(saved.read_text().replace('"approved_by": "CPO"', '"approved_by": "ACC"'))
    result = run_cli(["verify", tender, saved], exit_code=4)
    assert "approval.approved_by: export has 'ACC', recomputed 'CPO'" in result.stdout
    book_path = tender / "out" / f"{REFERENCE}-evaluation.xlsx"
    book = load_workbook(book_path)
    audit = book["Audit"]
    cell = next(c for row in audit.iter_rows() for c in row if c.value == "CPO")
    cell.value = "ACC"
    book.save(book_path)
    assert "Audit!" in run_cli(["verify", tender, book_path], exit_code=4).stdout


def test_approval_needs_a_ready_evaluation_and_replace_to_record_again(tender: Path) -> None:
    args = ["approve", tender, "--by", "CPO", "--role", "Chief Procurement Officer"]
    assert "--replace records a new one" in run_cli(args, exit_code=2).stderr
    _without(tender / ALBION, "consensus")
    result = run_cli([*args, "--replace"], exit_code=2)
    assert "Not ready to award:" in result.stderr


def test_a_draft_export_verifies_as_a_draft(tender: Path) -> None:
    _without(tender / ALBION, "consensus")
    run_cli(["evaluate", tender, "--draft", "--format", "json,xlsx"])
    for name in ("evaluation.json", "evaluation.xlsx"):
        saved = tender / "out" / "draft" / f"{REFERENCE}-draft-{name}"
        run_cli(["verify", tender, saved])


def test_bidders_hear_nothing_before_the_evaluation_is_ready(tender: Path) -> None:
    _without(tender / BRIGHTWATER, "investigation")
    result = run_cli(["summaries", tender], exit_code=2)
    assert "Not ready to award:" in result.stderr
    assert not (tender / "out" / "summaries").exists()


def test_the_json_of_an_official_run_says_what_is_open(tender: Path) -> None:
    _without_consensus(tender / ALBION, "explainability")
    out = run_cli(["evaluate", tender, "--json", "--no-export", "--no-robustness"]).stdout
    document = json.loads(out)
    assert document["run"]["official"] is True
    assert len(document["readiness"]) == 1
    assert "no moderated score is recorded" in document["readiness"][0]
