"""Assessment summaries: each bidder sees its own scores and reasons, nobody else's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tenderscore.input.loading import load_tender

from conftest import EXAMPLE, run_cli

REFERENCE = "WPF-2026-DA-014"


def _foreign_text(bid_id: str) -> list[str]:
    """Text that only other bidders' data would contain: names and evaluators' comments."""
    tender = load_tender(EXAMPLE)
    found = []
    for bid in tender.bids:
        if bid.id == bid_id:
            continue
        found.append(bid.name)
        found += [
            entry.comment.split(".")[0]
            for criterion in bid.scores.values()
            for entry in criterion.values()
            if entry.comment
        ]
    return found


@pytest.fixture
def summaries(tmp_path: Path) -> Path:
    target = tmp_path / "tender"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target


@pytest.mark.parametrize("bid_id", ["albion", "deepfield"])
def test_no_other_bidders_data_for_the_winner_or_a_bid_set_aside(
    summaries: Path, bid_id: str
) -> None:
    run_cli(["summaries", summaries])
    text = (summaries / "out" / "summaries" / f"{REFERENCE}-summary-{bid_id}.md").read_text()
    for foreign in _foreign_text(bid_id):
        assert foreign not in text
    assert "86.06" not in text or bid_id == "albion"


def test_comparison_shows_the_successful_bid_only(summaries: Path) -> None:
    run_cli(["summaries", summaries])
    text = (summaries / "out" / "summaries" / f"{REFERENCE}-summary-brightwater.md").read_text()
    assert "## Comparison with the successful bid" in text
    assert "86.06" in text  # the winner's total
    neither = set(_foreign_text("brightwater")) & set(_foreign_text("albion"))
    for foreign in neither:
        assert foreign not in text  # Castellan and Ember appear nowhere
    assert "Albion" not in text  # the successful bid is shown by its scores, not its name
    assert (  # and by the panel's reasons where it scored higher (s50(3))
        "- **Encryption keys and foreign legal access**: 8.00 points to your 6.40. Panel: "
        "Section 4.5 offers force-held keys" in text
    )


def test_summary_content(summaries: Path) -> None:
    result = run_cli(["summaries", summaries])
    out = summaries / "out" / "summaries"
    assert len(list(out.iterdir())) == 7  # the bidders set aside are told why too
    assert "wrote" in result.stderr
    brightwater = (out / f"{REFERENCE}-summary-brightwater.md").read_text()
    assert "ranked **2 of 3**" in brightwater
    assert "Panel: Moderation meeting 14 October 2026" in brightwater
    for summary in out.iterdir():  # the panel's reasons only, never working notes
        assert "Evaluator " not in summary.read_text()
        assert "Best answer seen on this question" not in summary.read_text()
    ember = (out / f"{REFERENCE}-summary-ember.md").read_text()
    assert "Panel: Your tender offered no human-rights assessment" in ember  # its feedback
    assert "## Comparison with the successful bid" in ember  # assessed, then not ranked
    assert "### Data sovereignty: 14.80 points" in brightwater
    deepfield = (out / f"{REFERENCE}-summary-deepfield.md").read_text()
    assert (
        "Your bid was set aside before scoring, so it was not scored, for these reasons:\n\n"
        "- Failed a pass/fail requirement: gate 'UK data residency' answered fail" in deepfield
    )
    assert "Your scores" not in deepfield
    northgate = (out / f"{REFERENCE}-summary-northgate.md").read_text()
    assert "- Withdrawn by the bidder: By letter of 2 October 2026" in northgate
    assert "pass/fail requirements" not in northgate.split("## How bids")[0]
    assert "Gate **UK data residency**: fail" in deepfield


def test_the_successful_bidders_feedback_is_for_it_alone(summaries: Path) -> None:
    """Brightwater reads the panel's agreed reason for Albion's higher score, never the
    feedback the panel wrote for Albion."""
    import yaml

    path = summaries / "bids" / "albion-analytics.yaml"
    data = yaml.safe_load(path.read_text())
    data["consensus"]["key_control"]["feedback"] = "Private note for Albion: thank you."
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    (summaries / "approval.yaml").unlink()  # an input changed: the approval no longer holds
    run_cli(["summaries", summaries])
    out = summaries / "out" / "summaries"
    assert "Private note for Albion" in (out / f"{REFERENCE}-summary-albion.md").read_text()
    brightwater = (out / f"{REFERENCE}-summary-brightwater.md").read_text()
    assert "Private note for Albion" not in brightwater
    assert "Section 4.5 offers force-held keys" in brightwater
