"""Invariants of the scoring engine (methods.md section 4), property-tested with hypothesis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderscore.engine.results import Evaluation
from tenderscore.engine.scoring import evaluate
from tenderscore.exporters.json import dumps
from tenderscore.report.document import RunInfo, export_document
from tenderscore.report.types import check_saved
from tenderscore.sensitivity.analysis import analyse_sensitivity

from conftest import ABSOLUTE, RELATIVE, inline_tender, numeric


def totals(evaluation: Evaluation) -> dict[str, tuple[int | None, float]]:
    return {bid.id: (bid.rank, bid.total) for bid in evaluation.bids}


def same(a: Evaluation, b: Evaluation) -> None:
    ta, tb = totals(a), totals(b)
    assert ta.keys() == tb.keys()
    for key in ta:
        assert ta[key][0] == tb[key][0], (key, ta, tb)
        assert ta[key][1] == pytest.approx(tb[key][1], rel=1e-9, abs=1e-9)


answer = st.integers(0, 20).map(lambda k: k / 20)


@st.composite
def tenders(draw: st.DrawFn, *, min_bids: int = 2) -> dict[str, Any]:
    m = draw(st.integers(min_bids, 6))
    n = draw(st.integers(1, 4))
    weights = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    price_weight = draw(st.integers(0, 10))
    if sum(weights) + price_weight == 0:
        price_weight = 1
    answers = draw(st.lists(st.lists(answer, min_size=n, max_size=n), min_size=m, max_size=m))
    prices = draw(st.lists(st.integers(1, 999).map(float), min_size=m, max_size=m))
    return {"weights": weights, "answers": answers, "prices": prices, "price_weight": price_weight}


@settings(max_examples=60, deadline=None)
@given(
    spec=tenders(),
    scale=st.sampled_from([0.5, 3.0, 7.25]),
    formula=st.sampled_from([ABSOLUTE, RELATIVE]),
)
def test_scaling_all_weights_changes_nothing(
    spec: dict[str, Any], scale: float, formula: dict[str, Any]
) -> None:
    scaled = {
        **spec,
        "weights": [w * scale for w in spec["weights"]],
        "price_weight": spec["price_weight"] * scale,
    }
    same(
        evaluate(inline_tender(**spec, price=formula)),
        evaluate(inline_tender(**scaled, price=formula)),
    )


@settings(max_examples=60, deadline=None)
@given(spec=tenders())
def test_a_zero_weight_criterion_changes_nothing(spec: dict[str, Any]) -> None:
    same(
        evaluate(inline_tender(**spec)), evaluate(inline_tender(**spec, extra=[numeric("zero", 0)]))
    )


@settings(max_examples=60, deadline=None)
@given(spec=tenders())
def test_splitting_a_criterion_in_halves_changes_nothing(spec: dict[str, Any]) -> None:
    """c0 with weight w equals c0 with weight w/2 plus a copy of it with weight w/2."""
    halved = {**spec, "weights": [spec["weights"][0] / 2, *spec["weights"][1:]]}
    split = inline_tender(**halved, extra=[numeric("c0copy", spec["weights"][0] / 2)])
    same(evaluate(inline_tender(**spec)), evaluate(split))


@settings(max_examples=60, deadline=None)
@given(spec=tenders(), data=st.data(), formula=st.sampled_from([ABSOLUTE, RELATIVE]))
def test_permuting_bids_permutes_results_only(
    spec: dict[str, Any], data: st.DataObject, formula: dict[str, Any]
) -> None:
    m = len(spec["prices"])
    order = data.draw(st.permutations(range(m)))
    base = evaluate(inline_tender(**spec, price=formula))
    permuted_spec = {
        **spec,
        "answers": [spec["answers"][i] for i in order],
        "prices": [spec["prices"][i] for i in order],
    }
    permuted = evaluate(inline_tender(**permuted_spec, price=formula))
    renamed = {f"b{k}": permuted.bid(f"b{k}") for k in range(m)}
    for new_index, old_index in enumerate(order):
        old, new = base.bid(f"b{old_index}"), renamed[f"b{new_index}"]
        assert (old.rank, old.rank_shared) == (new.rank, new.rank_shared)
        assert old.total == pytest.approx(new.total, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(spec=tenders(), data=st.data())
def test_a_bid_failing_a_gate_never_outranks_one_that_passes(
    spec: dict[str, Any], data: st.DataObject
) -> None:
    m = len(spec["prices"])
    gates = data.draw(st.lists(st.booleans(), min_size=m, max_size=m))
    result = evaluate(inline_tender(**spec, gates=gates))
    for bid, passed in ((result.bid(f"b{i}"), gates[i]) for i in range(m)):
        assert bid.eligible == passed
        assert (bid.rank is None) == (not passed)
    positions = [bid.eligible for bid in result.bids]
    assert positions == sorted(positions, reverse=True)


@settings(max_examples=60, deadline=None)
@given(spec=tenders(min_bids=3), data=st.data())
def test_with_absolute_bounds_removing_a_bid_never_reorders_the_others(
    spec: dict[str, Any], data: st.DataObject
) -> None:
    m = len(spec["prices"])
    gone = data.draw(st.integers(0, m - 1))
    full = evaluate(inline_tender(**spec))
    keep = [i for i in range(m) if i != gone]
    fewer = evaluate(
        inline_tender(
            **{
                **spec,
                "answers": [spec["answers"][i] for i in keep],
                "prices": [spec["prices"][i] for i in keep],
            }
        )
    )
    for new_index, old_index in enumerate(keep):
        assert fewer.bid(f"b{new_index}").total == pytest.approx(
            full.bid(f"b{old_index}").total, rel=1e-12
        )
    before = [full.bid(f"b{i}").total for i in keep]
    after = [fewer.bid(f"b{k}").total for k in range(len(keep))]
    assert sorted(range(len(keep)), key=lambda k: before[k]) == sorted(
        range(len(keep)), key=lambda k: after[k]
    )


@settings(max_examples=60, deadline=None)
@given(spec=tenders(), data=st.data(), formula=st.sampled_from([ABSOLUTE, RELATIVE]))
def test_improving_a_score_never_lowers_the_rank(
    spec: dict[str, Any], data: st.DataObject, formula: dict[str, Any]
) -> None:
    m, n = len(spec["answers"]), len(spec["weights"])
    i = data.draw(st.integers(0, m - 1))
    j = data.draw(st.integers(0, n - 1))
    better = [list(row) for row in spec["answers"]]
    better[i][j] = data.draw(st.floats(better[i][j], 1.0))
    before = evaluate(inline_tender(**spec, price=formula)).bid(f"b{i}").rank
    after = evaluate(inline_tender(**{**spec, "answers": better}, price=formula)).bid(f"b{i}").rank
    assert before is not None
    assert after is not None
    assert after <= before


@settings(max_examples=25, deadline=None)
@given(spec=tenders(), formula=st.sampled_from([ABSOLUTE, RELATIVE]))
def test_every_export_document_is_of_its_declared_type(
    spec: dict[str, Any], formula: dict[str, Any]
) -> None:
    """What ``export_document`` builds (cast to ``ExportDocument``) passes the strict check a
    saved export must pass, after the JSON round trip: the type describes what is built."""
    tender = inline_tender(**spec, price=formula)
    evaluation = evaluate(tender)
    report = analyse_sensitivity(tender, evaluation, quick=True)
    document = export_document(tender, evaluation, report, RunInfo("t", "c"))
    check_saved(Path("doc.json"), json.loads(dumps(document)))
