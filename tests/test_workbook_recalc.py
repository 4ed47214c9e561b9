"""The workbook's formulas, recalculated by LibreOffice, equal the engine's numbers.

Skipped with a reason when LibreOffice is not installed locally; in CI (CI=true) it must run,
and .ci/run installs libreoffice-calc-nogui.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from recalc import recalculate, soffice

from tenderscore.engine.results import Evaluation
from tenderscore.engine.scoring import evaluate
from tenderscore.exporters.workbook import render_workbook
from tenderscore.input.loading import load_tender
from tenderscore.input.tender import Tender
from tenderscore.report.document import RunInfo, export_document
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.rules.price import PRICE_FORMULAS
from tenderscore.rules.values import VALUE_FUNCTIONS
from tenderscore.sensitivity.analysis import analyse_sensitivity

from conftest import EXAMPLE, inline_tender, numeric

if soffice() is None and os.environ.get("CI"):
    pytest.fail("CI must run the LibreOffice recalculation test: soffice is missing")
pytestmark = pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice (soffice) is not installed; `apt-get install libreoffice-calc-nogui`",
)
RUN = RunInfo("2026-11-29T00:00:00+00:00", "tenderscore evaluate (test)")


def _write(tender: Tender, path: Path) -> tuple[Evaluation, dict[str, float]]:
    evaluation = evaluate(tender)
    report = analyse_sensitivity(tender, evaluation, quick=True)
    path.write_bytes(render_workbook(export_document(tender, evaluation, report, RUN)))
    return evaluation, {node.id: node.effective_weight for node in tender.tree.nodes.values()}


def _checked_cells(book: Any, evaluation: Evaluation, effective: dict[str, float]) -> int:
    """Compare every computed figure in the recalculated book with the engine; count them.

    ``effective`` are the tree's effective weights (the Weights sheet shows those; the Scores
    sheet shows the weights scoring used, which differ when price enters as money).
    """
    scores = book["Scores"]
    names = {cell.value: cell.column for cell in scores[3] if cell.value}
    checked = 0
    leaf_rows: dict[str, list[int]] = {}
    labels: dict[str, int] = {}
    for row in scores.iter_rows(min_row=4, max_col=1):
        value = row[0].value
        if value in evaluation.leaves:
            leaf_rows.setdefault(value, []).append(row[0].row)
        elif isinstance(value, str):
            labels[value] = row[0].row
    for bid in evaluation.bids:
        column = names[bid.name]
        for score in bid.criteria:
            raw_row, value_row, points_row = leaf_rows[score.criterion]
            for row, expected in (
                (raw_row, score.raw),
                (value_row, score.value),
                (points_row, score.points),
            ):
                found = scores.cell(row=row, column=column).value
                assert found == pytest.approx(expected, rel=1e-9, abs=1e-9), (
                    bid.id,
                    score.criterion,
                    row,
                )
                checked += 1
            weight = scores.cell(row=points_row, column=4).value
            assert weight == pytest.approx(score.weight, rel=1e-9, abs=1e-12)
        total_label = next(
            label for label in labels if label == "Total" or label.startswith("Price ")
        )
        total = scores.cell(row=labels[total_label], column=column).value
        assert total == pytest.approx(bid.total, rel=1e-9)
        rank = scores.cell(row=labels["Rank"], column=column).value
        assert (rank or None) == bid.rank
        checked += 2
    weights = book["Weights"]
    for row in weights.iter_rows(min_row=4):
        node = row[0].value
        if node in effective:
            assert row[6].value == pytest.approx(effective[node], rel=1e-9, abs=1e-12)
            checked += 1
    return checked


def _cached_equal_recalculated(original: Path, recalculated: Path) -> int:
    """Every formula cell's cached value (what a viewer that does not recalculate shows)
    equals what LibreOffice computes; the number of formula cells compared."""
    formulas = load_workbook(original, read_only=True)
    cached = load_workbook(original, read_only=True, data_only=True)
    fresh = load_workbook(recalculated, read_only=True, data_only=True)
    compared = 0
    for name in formulas.sheetnames:
        rows = zip(
            formulas[name].iter_rows(),
            cached[name].iter_rows(values_only=True),
            fresh[name].iter_rows(values_only=True),
            strict=False,
        )
        for cells, kept, computed in rows:
            for cell, mine, theirs in zip(cells, kept, computed, strict=False):
                if getattr(cell, "data_type", None) != "f":
                    continue
                where = f"{name}!{cell.coordinate}"
                if isinstance(theirs, int | float) and not isinstance(theirs, bool):
                    assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-9), where
                else:
                    assert (mine or "") == (theirs or ""), where
                compared += 1
    return compared


def test_example_workbook_recalculates_to_the_engine_values(tmp_path: Path) -> None:
    tender = load_tender(EXAMPLE)
    original = tmp_path / "example.xlsx"
    evaluation, effective = _write(tender, original)

    edited = tmp_path / "edited.xlsx"
    book = load_workbook(original)
    sheet = book["Weights"]
    row = next(
        r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "cost"
    )
    sheet.cell(row=row, column=5).value = 55
    book.save(edited)

    first, second = recalculate(tmp_path / "libreoffice", original, edited)
    assert _checked_cells(load_workbook(first, data_only=True), evaluation, effective) > 150
    assert _cached_equal_recalculated(original, first) > 300
    heavier = tender.with_weights({"cost": 55})
    reweighted = evaluate(heavier)
    tree = {node.id: node.effective_weight for node in heavier.tree.nodes.values()}
    assert _checked_cells(load_workbook(second, data_only=True), reweighted, tree) > 150
    summary = load_workbook(first, data_only=True)["Summary"]
    winner = next(row[1].value for row in summary.iter_rows() if row[0].value == "Winner")
    assert winner == evaluation.ranked[0].name
    assert _live_ranking(first) == [bid.name for bid in evaluation.ranked]
    assert _live_ranking(second) == [bid.name for bid in reweighted.ranked]
    assert _live_ranking(second) != _live_ranking(first)  # the weight edit reordered it


def _live_ranking(path: Path) -> list[str]:
    """The suppliers of the Summary's ranking that follows the formulas, in order."""
    rows = list(load_workbook(path, data_only=True)["Summary"].iter_rows(values_only=True))
    start = next(k for k, row in enumerate(rows) if row[0] == "Live ranking")
    names = []
    for row in rows[start + 2 :]:
        if not isinstance(row[0], int | float) or not row[1]:
            break
        names.append(str(row[1]))
    return names


# A published value for every parameter a rule may require, so each registry entry can be
# written into a tender as it stands: the variants follow the registries, not a list kept here.
SAMPLE_PARAMETERS = {"ceiling": 180, "floor": 40, "zero_at_multiple": 3, "money_per_point": 2}


VARIANTS: dict[str, dict[str, Any]] = {
    **{
        name: {"price": {"formula": name} | {p: SAMPLE_PARAMETERS[p] for p in formula.parameters}}
        for name, formula in PRICE_FORMULAS.items()
    },
    **{
        name: {
            "aggregation": {"method": name} | {p: SAMPLE_PARAMETERS[p] for p in method.parameters}
        }
        for name, method in AGGREGATIONS.items()
        if name != "weighted_sum"  # every price variant above is a weighted sum
    },
    # rounded as published at every stage (each leaf is its own top-level section here)
    "rounded": {"rounding": {"value": 3, "points": 2, "section": 1, "total": 1}},
    "rounded, price per quality point": {
        "rounding": {"points": 1, "total": 2},
        "aggregation": {"method": "price_per_quality_point"},
    },
    # published without clipping: b1's 40 scores above full marks, b2's 150 below 0
    "deviation_from_mean, not clipped": {
        "price": {"formula": "deviation_from_mean", "clip": False}
    },
}


def _variant(changes: dict[str, Any]) -> Tender:
    observed = numeric("observed", 2) | {
        "value_function": {"type": "observed"},
        "direction": "lower_is_better",
    }
    piecewise = numeric("piecewise", 3) | {
        "value_function": {"type": "piecewise", "points": [[0, 0], [0.5, 0.8], [1, 1]]}
    }
    relative = {"value_function": {"type": "relative_to_best"}}
    fastest = numeric("fastest", 2) | relative | {"direction": "lower_is_better"}
    most = numeric("most", 1) | relative  # higher is better
    return inline_tender(
        [4, 1],
        [[0.9, 0.2], [0.6, 0.7], [0.3, 0.9], [0.8, 0.1]],
        [100, 40, 150, 60],
        price_weight=3,
        gates=[True, True, True, False],
        extra=[observed, piecewise, fastest, most],
        **changes,
    )


def test_the_variants_use_every_value_function() -> None:
    """Each variant holds a numeric criterion per value function (linear in ``numeric``)."""
    used = {
        node["value_function"]["type"]
        for node in _variant({}).config.model_dump()["criteria"]
        if isinstance(node, dict) and node.get("kind") == "numeric"
    }
    assert used == set(VALUE_FUNCTIONS)


def test_every_formula_and_method_recalculates_to_the_engine_values(tmp_path: Path) -> None:
    paths, expected = [], []
    for name, changes in VARIANTS.items():
        path = tmp_path / f"{name}.xlsx"
        expected.append(_write(_variant(changes), path))
        paths.append(path)
    recalculated_books = recalculate(tmp_path / "libreoffice", *paths)
    for path, recalculated, (evaluation, tree) in zip(
        paths, recalculated_books, expected, strict=True
    ):
        assert _checked_cells(load_workbook(recalculated, data_only=True), evaluation, tree) > 40
        assert _cached_equal_recalculated(path, recalculated) > 40


TIED = {  # b0 and b1 both on 65.00 points; b0 is ahead on c0, b1 on the lower price
    "answers": [[2 / 3, 0.0], [0.0, 1.0], [0.2, 0.2]],
    "prices": [100, 100 - 1e-6, 100],
}


@pytest.mark.parametrize(
    ("tie_break", "first"), [(["c0", "price"], ["b0"]), (["price"], ["b1"]), ([], ["b0", "b1"])]
)
def test_ranks_follow_the_declared_tie_break_after_recalculation(
    tmp_path: Path, tie_break: list[str], first: list[str]
) -> None:
    """Rank, Place and the live ranking agree with the engine on a tie, before and after a
    weight edit that breaks it (c1 heavier: b1 ahead on the total)."""
    price = {"formula": "absolute", "floor": 0, "ceiling": 1e9}  # prices 1e-6 apart score alike
    tender = inline_tender(
        [30, 20], TIED["answers"], TIED["prices"], price_weight=50, price=price, tie_break=tie_break
    )
    original = tmp_path / "tied.xlsx"
    evaluation, effective = _write(tender, original)
    assert [bid.id for bid in evaluation.ranked if bid.rank == 1] == first
    edited = tmp_path / "edited.xlsx"
    book = load_workbook(original)
    sheet = book["Weights"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "c1")
    sheet.cell(row=row, column=5).value = 25
    book.save(edited)
    recalculated, reweighted_book = recalculate(tmp_path / "libreoffice", original, edited)
    assert _checked_cells(load_workbook(recalculated, data_only=True), evaluation, effective) > 10
    assert _cached_equal_recalculated(original, recalculated) > 20
    assert _live_ranking(recalculated) == [bid.name for bid in evaluation.ranked]
    heavier = tender.with_weights({"c1": 25})
    reweighted = evaluate(heavier)
    assert reweighted.ranked[0].id == "b1"
    assert not reweighted.ranked[0].rank_shared
    tree = {node.id: node.effective_weight for node in heavier.tree.nodes.values()}
    assert _checked_cells(load_workbook(reweighted_book, data_only=True), reweighted, tree) > 10
    assert _live_ranking(reweighted_book) == [bid.name for bid in reweighted.ranked]
