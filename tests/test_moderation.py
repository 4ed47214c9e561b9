"""Moderation statistics against published and hand-computed values."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tenderscore.engine.moderation import krippendorff_alpha_interval, lint_reason, moderate
from tenderscore.input.tender import Tender

from conftest import EXAMPLE, bid, run_cli

MakeTender = Callable[..., Tender]
PANEL = [{"id": f"E{k}", "role": f"Role {k}"} for k in (1, 2, 3)]
N = None


def test_krippendorff_alpha_interval_published_example() -> None:
    """Krippendorff (2011), 'Computing Krippendorff's Alpha-Reliability', 4 observers x 12
    units with missing values: interval alpha = 0.849."""
    units = [
        [1, 1, N, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [N, 5, 5, 5],
        [N, N, 1, 1],
        [N, 3, N, N],
    ]
    assert krippendorff_alpha_interval(units) == pytest.approx(0.849, abs=5e-4)


def test_krippendorff_alpha_edge_cases() -> None:
    """Perfect agreement with variation between units gives 1; no variation at all, or
    nothing pairable, gives None rather than a division by zero."""
    assert krippendorff_alpha_interval([[1, 1], [3, 3], [5, 5]]) == 1.0
    assert krippendorff_alpha_interval([[2, 2], [2, 2]]) is None
    assert krippendorff_alpha_interval([[1, N], [N, 2]]) is None


def test_leniency_and_outliers_by_hand(make_tender: MakeTender) -> None:
    """Unit a: E1 4, E2 3, E3 2 -> deviations from the others' mean +1.5, 0, -1.5 (E1 and E3
    equally far: no outlier). Unit b: 5, 5, 2 -> +1.5, +1.5, -3 (E3 the outlier).
    Leniency E1 = 1.5, E2 = 0.75, E3 = -2.25; E3 is the outlier in 1 of 2 units."""
    tender = make_tender([bid("a", scores=(4, 3, 2)), bid("b", scores=(5, 5, 2))], panel=PANEL)
    profiles = {p.evaluator: p for p in moderate(tender).evaluators}
    assert profiles["E1"].leniency == pytest.approx(1.5)
    assert profiles["E2"].leniency == pytest.approx(0.75)
    assert profiles["E3"].leniency == pytest.approx(-2.25)
    assert [profiles[e].outlier_share for e in ("E1", "E2", "E3")] == [0.0, 0.0, 0.5]


def test_agenda_lists_disputed_items_first(make_tender: MakeTender) -> None:
    """Scale 0-5, flag at 30% = 1.5 points: a (range 2) and b (range 3) are disputed, c
    (range 1) is not; b is discussed first. c's two-word reasons still put it on the agenda."""
    short = bid("c", scores=(3, 4, 3))
    for entry in short["scores"]["method"].values():
        entry["comment"] = "Looks fine."
    tender = make_tender(
        [bid("a", scores=(4, 3, 2)), bid("b", scores=(5, 5, 2)), short], panel=PANEL
    )
    agenda = moderate(tender).agenda
    assert [(item.bid, item.disputed) for item in agenda] == [
        ("b", True),
        ("a", True),
        ("c", False),
    ]
    assert agenda[0].spread_share == pytest.approx(0.6)
    assert agenda[2].reasons[0].problem == "reason too short (2 words)"


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        (None, "no reason given"),
        ("   ", "no reason given"),
        ("Good answer overall.", "reason too short (3 words)"),
        (
            "Good. Fully meets the requirement with clear evidence.",
            "reason restates the criterion or a scale descriptor",
        ),
        ("Section 4.5 offers force-held keys in the force's own HSM.", None),
    ],
)
def test_reason_lint(comment: str | None, problem: str | None) -> None:
    references = ["Encryption keys", "Good. Fully meets the requirement with clear evidence."]
    assert lint_reason(comment, references) == problem


def test_moderation_command_and_json() -> None:
    text = run_cli(["moderation", EXAMPLE]).stdout
    assert "Moderation agenda (1 items" in text
    assert "Krippendorff" in text
    assert "39 other items need no discussion" in text
    assert "Set aside before scoring, so not on the evaluators' sheets or the moderation" in text
    everything = run_cli(["moderation", EXAMPLE, "--all"]).stdout
    assert "exit_plan" in everything
    assert "3 (DEC +1)" in everything  # the moderated score and who it moved
    assert "deepfield" not in everything  # set aside before scoring: on no agenda
    document = json.loads(run_cli(["moderation", EXAMPLE, "--json"]).stdout)
    assert document["agenda"][0]["criterion"] == "explainability"
    assert document["agenda"][0]["scores"] == {"IAM": 4.0, "DEC": 3.0, "HPA": 5.0}
    assert set(document["agreement"]) == {"sovereignty", "transparency", "ethics"}


def test_moderated_scores_keep_originals_and_deltas_and_reach_the_workbook(tmp_path: Path) -> None:
    """Brightwater's exit plan: panel 3, 2, 3, consensus 3 with a reason: deltas 0, +1, 0."""
    document = json.loads(run_cli(["moderation", EXAMPLE, "--json"]).stdout)
    moderated = next(m for m in document["moderated"] if m["bid"] == "brightwater")
    assert (moderated["bid"], moderated["criterion"]) == ("brightwater", "exit_plan")
    assert moderated["scores"] == {"IAM": 3.0, "DEC": 2.0, "HPA": 3.0}
    assert moderated["delta"] == {"IAM": 0.0, "DEC": 1.0, "HPA": 0.0}
    assert moderated["reason"].startswith("Moderation meeting 14 October 2026")
    run_cli(["evaluate", EXAMPLE, "--format", "xlsx", "--out", tmp_path, "--no-robustness"])
    sheet = load_workbook(tmp_path / "WPF-2026-DA-014-evaluation.xlsx")["Evaluators"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Inter-rater agreement (Krippendorff's alpha, interval)" in values
    assert "Independent member, Data Ethics Committee" in values


def _alpha_by_pairs(units: list[list[float | None]]) -> float | None:
    """Krippendorff's interval alpha straight from its definition, pair by pair."""
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [values for values in pairable if len(values) >= 2]
    everything = [v for values in pairable for v in values]
    n = len(everything)
    if n < 2:
        return None
    observed = (
        sum(
            sum((a - b) ** 2 for i, a in enumerate(vs) for j, b in enumerate(vs) if i != j)
            / (len(vs) - 1)
            for vs in pairable
        )
        / n
    )
    expected = sum(
        (a - b) ** 2 for i, a in enumerate(everything) for j, b in enumerate(everything) if i != j
    ) / (n * (n - 1))
    return None if expected == 0 else 1 - observed / expected


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 5).map(float)), min_size=3, max_size=3),
        min_size=1,
        max_size=12,
    )
)
def test_krippendorff_alpha_equals_its_pairwise_definition(units: list[list[float | None]]) -> None:
    expected = _alpha_by_pairs(units)
    found = krippendorff_alpha_interval(units)
    if expected is None:
        assert found is None
    else:
        assert found == pytest.approx(expected, abs=1e-9)
