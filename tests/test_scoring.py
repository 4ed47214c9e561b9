"""The engine end to end on small tenders, each expected figure computed by hand."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tenderscore.engine.scoring import evaluate
from tenderscore.errors import InputError
from tenderscore.input.loading import load_tender
from tenderscore.input.tender import Tender
from tenderscore.report.wording import outcome_words

from conftest import BASE_TENDER, bid, inline_tender, numeric, tender_with, write_tender

MakeTender = Callable[..., Tender]


def test_weighted_sum_by_hand(make_tender: MakeTender) -> None:
    """Weights price 0.4, method 0.3, uptime 0.3 (40% x 100%, 60% x 50% each).

    a: price 100 -> 100/100 = 1 -> 40; scores 4, 3 -> mean 3.5 -> 0.7 -> 21;
       uptime 99.5 -> 0.5 -> 15; total 76.
    b: price 125 -> 100/125 = 0.8 -> 32; scores 5, 5 -> 1 -> 30; uptime 99.9 -> 0.9 -> 27;
       total 89.
    """
    tender = make_tender(
        [
            bid("a", price=100, scores=(4, 3), uptime=99.5),
            bid("b", price=125, scores=(5, 5), uptime=99.9),
        ]
    )
    result = evaluate(tender)
    a, b = result.bid("a"), result.bid("b")
    assert a.total == pytest.approx(76)
    assert b.total == pytest.approx(89)
    assert (b.rank, a.rank) == (1, 2)
    assert a.gap_to_leader == pytest.approx(13)
    assert a.node_points["cost"] == pytest.approx(40)
    assert a.node_points["quality"] == pytest.approx(36)
    method = a.score("method")
    assert (method.raw, method.value, method.weight, method.points) == pytest.approx(
        (3.5, 0.7, 0.3, 21)
    )
    assert method.evaluator_scores == {"E1": 4, "E2": 3}
    assert "mean 3.5" in method.working


def _rank_reversal_tender(formula: dict[str, Any]) -> dict[str, Any]:
    """procurement.md section 5: 60 quality points (a 0-100 score) and 40 price points."""
    return {
        "criteria": [
            {"id": "price", "name": "Price", "kind": "price", "weight": 40},
            {
                "id": "q",
                "name": "Quality",
                "kind": "numeric",
                "weight": 60,
                "direction": "higher_is_better",
                "value_function": {"type": "linear", "worst": 0, "best": 100},
            },
        ],
        "panel": [],
        "price": formula,
    }


def _qp_bid(bid_id: str, quality: float, price: float) -> dict[str, Any]:
    return {"id": bid_id, "name": bid_id, "price": {"total": price}, "answers": {"q": quality}}


def test_rank_reversal_under_relative_formula(make_tender: MakeTender) -> None:
    """A (Q 60, 100): 40 + 36 = 76 beats B (Q 70, 125): 32 + 42 = 74.
    With C (Q 20, 50): A 40 x 50/100 + 36 = 56, B 40 x 50/125 + 42 = 58, C 40 + 12 = 52."""
    spec = _rank_reversal_tender({"formula": "relative_to_lowest"})
    two = evaluate(make_tender([_qp_bid("A", 60, 100), _qp_bid("B", 70, 125)], **spec))
    assert [(b.id, round(b.total, 9)) for b in two.bids] == [("A", 76), ("B", 74)]
    three = evaluate(
        make_tender([_qp_bid("A", 60, 100), _qp_bid("B", 70, 125), _qp_bid("C", 20, 50)], **spec)
    )
    assert [(b.id, round(b.total, 9)) for b in three.bids] == [("B", 58), ("A", 56), ("C", 52)]
    assert any(f.code == "relative_price_formula" for f in three.findings)


def test_absolute_formula_has_no_rank_reversal(make_tender: MakeTender) -> None:
    """Floor 0, ceiling 150: A 40 x 50/150 + 36 = 49.33 beats B 40 x 25/150 + 42 = 48.67,
    with or without C (40 x 100/150 + 12 = 38.67)."""
    spec = _rank_reversal_tender({"formula": "absolute", "floor": 0, "ceiling": 150})
    three = evaluate(
        make_tender([_qp_bid("A", 60, 100), _qp_bid("B", 70, 125), _qp_bid("C", 20, 50)], **spec)
    )
    assert [b.id for b in three.bids] == ["A", "B", "C"]
    assert three.bid("A").total == pytest.approx(40 / 3 + 36)
    assert three.bid("B").total == pytest.approx(20 / 3 + 42)
    assert not any(f.code == "relative_price_formula" for f in three.findings)


def test_three_level_hierarchy_effective_weights(make_tender: MakeTender) -> None:
    """A 60 -> (A1 50 -> (x 25, y 75), A2 50), B 40.
    x = 0.6 x 0.5 x 0.25 = 0.075; y = 0.6 x 0.5 x 0.75 = 0.225; A2 = 0.3; B = 0.4."""

    criteria = [
        {
            "id": "A",
            "name": "A",
            "weight": 60,
            "children": [
                {
                    "id": "A1",
                    "name": "A1",
                    "weight": 50,
                    "children": [numeric("x", 25), numeric("y", 75)],
                },
                numeric("A2", 50),
            ],
        },
        numeric("B", 40),
    ]
    answers = {"x": 1, "y": 0, "A2": 1, "B": 0}
    tender = make_tender(
        [{"id": "a", "name": "a", "answers": answers}], criteria=criteria, panel=[]
    )
    assert tender.tree.weights == pytest.approx((0.075, 0.225, 0.3, 0.4))
    result = evaluate(tender)
    assert result.bid("a").total == pytest.approx(7.5 + 30)
    assert result.bid("a").node_points["A1"] == pytest.approx(7.5)


def test_points_weighting(make_tender: MakeTender) -> None:
    """Maximum marks 10 and 20 in section S (no weight: 30), 30 in T: 10/60, 20/60, 30/60."""
    criteria = [
        {
            "id": "S",
            "name": "S",
            "children": [
                {"id": "s1", "name": "s1", "kind": "scale", "weight": 10},
                {"id": "s2", "name": "s2", "kind": "scale", "weight": 20},
            ],
        },
        {"id": "t", "name": "t", "kind": "scale", "weight": 30},
    ]
    scores = {c: {"E1": {"score": 5}} for c in ("s1", "s2", "t")}
    scores["t"] = {"E1": {"score": 0}}
    tender = make_tender(
        [{"id": "a", "name": "a", "scores": scores}],
        criteria=criteria,
        weighting="points",
        panel=[{"id": "E1", "role": "r"}],
    )
    assert tender.tree.weights == pytest.approx((1 / 6, 2 / 6, 3 / 6))
    assert evaluate(tender).bid("a").total == pytest.approx(50)


def test_failed_gate_excludes_and_does_not_set_the_lowest_price(make_tender: MakeTender) -> None:
    """Under full scoring c is scored, fails the gate at price 50 and stays out of the
    reference: a's price 100 stays the lowest, so a scores 1.0 on price."""
    result = evaluate(
        make_tender(
            [bid("a", price=100), bid("b", price=125), bid("c", price=50, uk="fail")],
            full_scoring=True,
        )
    )
    c = result.bid("c")
    assert not c.eligible
    assert c.rank is None
    assert c.exclusions[0].kind == "gate"
    assert c.exclusions[0].reason == "gate 'UK data' answered fail"
    assert result.bid("a").score("price").value == 1.0
    assert [b.id for b in result.bids][-1] == "c"
    assert result.set_aside == ()


def test_a_failed_gate_sets_the_bid_aside_before_scoring(make_tender: MakeTender) -> None:
    """Without full scoring c needs no scores, is not scored and is reported set aside;
    a (100) is still the lowest price."""
    unscored = bid("c", price=50, uk="fail")
    del unscored["scores"], unscored["consensus"]
    result = evaluate(make_tender([bid("a", price=100), bid("b", price=125), unscored]))
    assert [b.id for b in result.bids] == ["a", "b"]
    (c,) = result.set_aside
    assert (c.id, [e.kind for e in c.exclusions]) == ("c", ["gate"])
    assert [g.passed for g in c.gates] == [False]
    assert result.bid("a").score("price").value == 1.0


def test_scores_on_a_bid_set_aside_are_one_error(make_tender: MakeTender) -> None:
    with pytest.raises(InputError) as raised:
        make_tender([bid("a"), bid("c", uk="fail")])
    (problem,) = raised.value.problems
    assert problem.message == (
        "bid 'c' is set aside before scoring (gate 'UK data' answered fail), so its scores "
        "would not be used: delete them, or set full_scoring: true in tender.yaml to score "
        "every bid"
    )


@pytest.mark.parametrize(
    ("outcome", "scored", "words"),
    [
        (
            {"status": "withdrawn", "reason": "By letter."},
            False,
            "Withdrawn by the bidder: By letter.",
        ),
        (
            {"status": "late", "reason": "12:14."},
            False,
            "Late, received after the deadline: 12:14.",
        ),
        (
            {"status": "excluded", "reason": "Fraud.", "ground": "Sch 6 para 6"},
            False,
            "Excluded: Fraud. Ground: Sch 6 para 6",
        ),
        (
            {"status": "abnormally_low", "reason": "Not sustainable."},
            True,
            "Abnormally low tender, disregarded after investigation (Procurement Act 2023 "
            "s19): Not sustainable. Investigation: Asked on 1 May; no costed answer.",
        ),
    ],
)
def test_each_declared_outcome_has_its_stage_and_words(
    make_tender: MakeTender, outcome: dict[str, str], scored: bool, words: str
) -> None:
    """Withdrawn, late and excluded bids need nothing but the outcome and are not scored; an
    abnormally low tender is scored, then disregarded, and never sets the lowest price."""
    declared: dict[str, Any] = (
        bid("c", price=50) if scored else {"id": "c", "name": "C Ltd", "outcome": outcome}
    )
    declared["outcome"] = outcome
    if scored:
        declared["investigation"] = "Asked on 1 May; no costed answer."
    result = evaluate(make_tender([bid("a", price=100), bid("b", price=125), declared]))
    found = result.bid("c") if scored else result.set_aside[0]
    (exclusion,) = found.exclusions
    assert exclusion.kind == outcome["status"]
    assert outcome_words(exclusion.kind, exclusion.reason) == words
    assert [b.id for b in result.ranked] == ["a", "b"]
    assert result.bid("a").score("price").value == 1.0
    assert (len(result.set_aside) == 0) == scored


def test_full_scoring_scores_an_excluded_bid_but_never_a_withdrawn_one(
    make_tender: MakeTender,
) -> None:
    excluded, withdrawn = (
        bid("c"),
        {"id": "d", "name": "D", "outcome": {"status": "withdrawn", "reason": "r"}},
    )
    excluded["outcome"] = {"status": "excluded", "reason": "r", "ground": "g"}
    result = evaluate(make_tender([bid("a"), excluded, withdrawn], full_scoring=True))
    assert [b.id for b in result.excluded] == ["c"]
    assert [b.id for b in result.set_aside] == ["d"]


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ({"status": "excluded", "reason": "r"}, "an exclusion names its ground"),
        ({"status": "late", "reason": "r", "ground": "g"}, "ground is only for status excluded"),
        ({"status": "abnormally_low", "reason": "r"}, "needs its investigation recorded"),
    ],
)
def test_an_incomplete_outcome_is_one_error(
    make_tender: MakeTender, outcome: dict[str, str], message: str
) -> None:
    declared = bid("c")
    declared["outcome"] = outcome
    with pytest.raises(InputError) as raised:
        make_tender([bid("a"), declared])
    (problem,) = raised.value.problems
    assert message in problem.message


def test_gate_note_appears_in_the_reason(make_tender: MakeTender) -> None:
    entry = bid("a")
    entry["answers"]["uk"] = {"answer": "fail", "note": "support from abroad"}
    result = evaluate(make_tender([entry, bid("b")], full_scoring=True))
    assert result.bid("a").exclusions[0].reason.endswith("(support from abroad)")


@pytest.mark.parametrize(
    ("minimum", "excluded"),
    [
        # quality = 100 x (0.5 x 0.6 + 0.5 x 0.5) = 55% for a; b: 0.5 x 0.8 + 0.5 x 0.5 = 65%
        ({"percent": 60}, {"a"}),
        # quality points: a 60 x 0.55 = 33, b 60 x 0.65 = 39
        ({"points": 35}, {"a"}),
        ({"points": 33}, set()),
    ],
)
def test_section_minimum(
    make_tender: MakeTender, minimum: dict[str, float], excluded: set[str]
) -> None:
    tender_spec: dict[str, Any] = copy.deepcopy(BASE_TENDER)
    tender_spec["criteria"][1]["minimum"] = minimum
    result = evaluate(
        make_tender(
            [bid("a", scores=(3, 3)), bid("b", scores=(4, 4))], criteria=tender_spec["criteria"]
        )
    )
    assert {b.id for b in result.excluded} == excluded
    for b in result.excluded:
        assert b.exclusions[0].kind == "minimum"
        assert b.exclusions[0].criterion == "quality"


def test_minimum_score_on_a_scale_criterion(make_tender: MakeTender) -> None:
    """Minimum consensus score 3: a's mean (3 + 2)/2 = 2.5 fails, b's 3 passes."""
    spec: dict[str, Any] = copy.deepcopy(BASE_TENDER)
    spec["criteria"][1]["children"][0]["minimum"] = {"score": 3}
    result = evaluate(
        make_tender([bid("a", scores=(3, 2)), bid("b", scores=(3, 3))], criteria=spec["criteria"])
    )
    assert [b.id for b in result.excluded] == ["a"]
    assert result.bid("a").exclusions[0].reason == "'Method' scored 2.5, required 3"


def test_consensus_wins_over_the_panel_and_median_is_available(make_tender: MakeTender) -> None:
    """Panel 1, 2, 5: mean 8/3, median 2; a recorded consensus of 4 wins over both."""
    panel = [{"id": f"E{k}", "role": "r"} for k in (1, 2, 3)]
    plain = bid("a", scores=(1, 2, 5))
    moderated = bid("b", scores=(1, 2, 5))
    moderated["consensus"] = {"method": {"score": 4, "reason": "agreed at moderation"}}
    result = evaluate(make_tender([plain, moderated], panel=panel))
    assert result.bid("a").score("method").raw == pytest.approx(8 / 3)
    assert result.bid("b").score("method").raw == 4
    assert result.bid("b").score("method").consensus_reason == "agreed at moderation"
    median = evaluate(make_tender([plain], panel=panel, score_aggregation="median"))
    assert median.bid("a").score("method").raw == 2


def test_price_per_quality_point(make_tender: MakeTender) -> None:
    """Quality weights renormalised without price: method 0.5, uptime 0.5.
    a: Q = 100 x (0.5 x 0.7 + 0.5 x 0.5) = 60, 100 / 60 = 1.6667;
    b: Q = 100 x (0.5 x 1 + 0.5 x 0.9) = 95, 125 / 95 = 1.3158: b wins (lowest)."""
    result = evaluate(
        make_tender(
            [
                bid("a", price=100, scores=(4, 3), uptime=99.5),
                bid("b", price=125, scores=(5, 5), uptime=99.9),
            ],
            aggregation={"method": "price_per_quality_point"},
        )
    )
    assert result.bid("a").total == pytest.approx(100 / 60)
    assert result.bid("b").total == pytest.approx(125 / 95)
    assert [b.id for b in result.bids] == ["b", "a"]
    assert result.bid("a").gap_to_leader == pytest.approx(100 / 60 - 125 / 95)
    assert any(f.code == "price_weight_not_used" for f in result.findings)


def test_monetised_quality(make_tender: MakeTender) -> None:
    """0.5 per point: a 100 - 60 x 0.5 = 70; b 125 - 95 x 0.5 = 77.5: a wins (lowest)."""
    result = evaluate(
        make_tender(
            [
                bid("a", price=100, scores=(4, 3), uptime=99.5),
                bid("b", price=125, scores=(5, 5), uptime=99.9),
            ],
            aggregation={"method": "monetised_quality", "money_per_point": 0.5},
        )
    )
    assert result.bid("a").total == pytest.approx(70)
    assert result.bid("b").total == pytest.approx(77.5)
    assert [b.id for b in result.bids] == ["a", "b"]


def _tied_bids() -> list[dict[str, Any]]:
    """a: 40 + 0.6 x 30 + 0.5 x 30 = 73. b: 32 + 30 + 30 x (99.3666... - 99) = 73."""
    return [
        bid("a", price=100, scores=(3, 3), uptime=99.5),
        bid("b", price=125, scores=(5, 5), uptime=99 + 11 / 30),
    ]


def test_tie_is_shared_without_a_rule(make_tender: MakeTender) -> None:
    result = evaluate(make_tender(_tied_bids()))
    assert [(b.rank, b.rank_shared) for b in result.bids] == [(1, True), (1, True)]
    assert [f.bids for f in result.findings if f.code == "tie"] == [("a", "b")]


@pytest.mark.parametrize(
    ("rule", "winner"), [(["quality"], "b"), (["price"], "a"), (["cost", "price"], "a")]
)
def test_declared_tie_break(make_tender: MakeTender, rule: list[str], winner: str) -> None:
    """Quality points a 33, b 41; price a 100, b 125; cost points a 40, b 32."""
    result = evaluate(make_tender(_tied_bids(), tie_break=rule))
    assert result.bids[0].id == winner
    assert result.bids[0].rank == 1
    assert not result.bids[0].rank_shared
    assert result.bids[0].tie_broken_by == rule[0]
    assert result.bids[1].rank == 2


def test_all_bids_excluded(make_tender: MakeTender) -> None:
    failing = [bid("a", uk="fail"), bid("b", uk="fail")]
    result = evaluate(make_tender(failing, full_scoring=True))
    assert result.ranked == ()
    assert any(f.code == "no_eligible_bids" for f in result.findings)
    for entry in failing:
        del entry["scores"], entry["consensus"]
    set_aside = evaluate(make_tender(failing))
    assert (set_aside.bids, [b.id for b in set_aside.set_aside]) == ((), ["a", "b"])
    assert any(f.code == "no_eligible_bids" for f in set_aside.findings)


def test_findings(make_tender: MakeTender) -> None:
    """c at 60 is 1 - 60/112.5 = 46.7% below the mean of 100 and 125; every bid scores
    (3, 3) on method, so it does not discriminate."""
    result = evaluate(make_tender([bid("a", price=100), bid("b", price=125), bid("c", price=60)]))
    codes = {(f.code, f.criterion, f.bids) for f in result.findings}
    assert ("abnormally_low_price", None, ("c",)) in codes
    assert ("not_discriminating", "method", ()) in codes
    low = next(f for f in result.findings if f.code == "abnormally_low_price")
    assert "46.7% below" in low.message


def test_dominant_weight_and_observed_bounds(make_tender: MakeTender) -> None:
    spec: dict[str, Any] = copy.deepcopy(BASE_TENDER)
    spec["criteria"][0]["weight"] = 80
    spec["criteria"][1]["weight"] = 20
    spec["criteria"][1]["children"][1]["value_function"] = {"type": "observed"}
    result = evaluate(
        make_tender([bid("a", uptime=99.2), bid("b", uptime=99.8)], criteria=spec["criteria"])
    )
    codes = {f.code for f in result.findings}
    assert {"dominant_weight", "observed_bounds"} <= codes
    assert result.bid("a").score("uptime").value == 0
    assert result.bid("b").score("uptime").value == 1


def test_a_dominant_quality_weight_under_price_per_point_is_said_truly() -> None:
    """Under price per quality point the only quality criterion carries 100% of the quality
    weight, but price is half the ranking figure: 'decided by it alone' was untrue."""
    tender = inline_tender(
        [1], [[0.9], [0.6]], [100, 80], aggregation={"method": "price_per_quality_point"}
    )
    messages = [f.message for f in evaluate(tender).findings if f.code == "dominant_weight"]
    assert messages == [
        "'c0' carries 100.0% of the quality weight: the quality score is decided by it alone "
        "(price enters the ranking as money)."
    ]


def test_an_empty_tie_break_is_a_warning_that_says_what_happens() -> None:
    tender = inline_tender([1], [[0.9], [0.6]], [100, 80])
    assert not tender.config.tie_break
    found = [f.message for f in evaluate(tender).findings if f.code == "no_tie_break"]
    assert found
    assert found[0].startswith("no tie-break rule is declared: bids with equal totals share")


FIGHTER_AIRCRAFT = {  # Hwang and Yoon (1981), the fighter-aircraft selection example
    "A1": [2.0, 1500, 20000, 5.5, 5, 9],
    "A2": [2.5, 2700, 18000, 6.5, 3, 5],
    "A3": [1.8, 2000, 21000, 4.5, 7, 7],
    "A4": [2.2, 1800, 20000, 5.0, 5, 5],
}


def test_relative_to_best_reproduces_simple_additive_weighting(tmp_path: Path) -> None:
    """Hwang, C.-L. and Yoon, K. (1981), Multiple Attribute Decision Making: Methods and
    Applications, Springer (LNEMS 186): four fighter aircraft on maximum speed, ferry range,
    maximum payload (more is better), acquisition cost (less is better), reliability and
    manoeuvrability (ratings 3-9, more is better), weights 0.2, 0.1, 0.1, 0.1, 0.2, 0.3.
    Simple additive weighting with the linear (max) normalisation, x / max and min / x, is
    relative_to_best. Totals by hand from the ratios (A3 first, then A1, A4, A2); the book's
    printed totals could not be consulted here, so these are checked to 1e-12 against the
    fractions, not against its digits."""
    names = ["speed", "range", "payload", "cost", "reliability", "manoeuvrability"]
    weights = [20, 10, 10, 10, 20, 30]
    criteria: list[dict[str, Any]] = [
        {
            "id": name,
            "name": name,
            "kind": "numeric",
            "weight": weight,
            "direction": "lower_is_better" if name == "cost" else "higher_is_better",
            "value_function": {"type": "relative_to_best"},
        }
        for name, weight in zip(names, weights, strict=True)
    ]
    criteria.append({"id": "price", "name": "Price", "kind": "price", "weight": 0})
    tender = {**tender_with(criteria=criteria, panel=[]), "weighting": "points"}
    bids = [
        {
            "id": aircraft,
            "name": aircraft,
            "price": {"total": 1},
            "answers": dict(zip(names, row, strict=True)),
        }
        for aircraft, row in FIGHTER_AIRCRAFT.items()
    ]
    result = evaluate(load_tender(write_tender(tmp_path, tender, bids)))
    by_hand = {
        "A1": 0.2 * 2.0 / 2.5
        + 0.1 * 1500 / 2700
        + 0.1 * 20000 / 21000
        + 0.1 * 4.5 / 5.5
        + 0.2 * 5 / 7
        + 0.3 * 9 / 9,
        "A2": 0.2 * 2.5 / 2.5
        + 0.1 * 2700 / 2700
        + 0.1 * 18000 / 21000
        + 0.1 * 4.5 / 6.5
        + 0.2 * 3 / 7
        + 0.3 * 5 / 9,
        "A3": 0.2 * 1.8 / 2.5
        + 0.1 * 2000 / 2700
        + 0.1 * 21000 / 21000
        + 0.1 * 4.5 / 4.5
        + 0.2 * 7 / 7
        + 0.3 * 7 / 9,
        "A4": 0.2 * 2.2 / 2.5
        + 0.1 * 1800 / 2700
        + 0.1 * 20000 / 21000
        + 0.1 * 4.5 / 5.0
        + 0.2 * 5 / 7
        + 0.3 * 5 / 9,
    }
    assert [aircraft.id for aircraft in result.ranked] == ["A3", "A1", "A4", "A2"]
    for aircraft in result.ranked:
        assert aircraft.total == pytest.approx(100 * by_hand[aircraft.id], abs=1e-10)
    assert round(by_hand["A3"], 4) == 0.8514  # the four-decimal totals, for the record
    assert round(by_hand["A1"], 4) == 0.8355


def test_an_answer_of_zero_for_a_relative_to_best_criterion_is_refused_at_its_line(
    tmp_path: Path,
) -> None:
    spec = copy.deepcopy(BASE_TENDER)
    spec["criteria"][1]["children"][1]["value_function"] = {"type": "relative_to_best"}
    directory = write_tender(tmp_path, spec, [bid("a", uptime=0), bid("b")])
    with pytest.raises(InputError) as raised:
        load_tender(directory)
    (problem,) = raised.value.problems
    assert (problem.path.name, problem.field, problem.line) == ("a.yaml", "answers.uptime", 7)
    assert "expected a number above 0" in problem.message
    assert "relative_to_best" in problem.message


def test_published_rounding_is_excel_round_at_each_stage() -> None:
    """Partial values to 2 decimals: 0.285 -> 0.29 (Excel; Python's round gives 0.28), so
    b0's total is exactly 29 with the weight 1 it has alone."""
    answers, prices = [[0.285], [0.2]], [100, 100]
    rounded = inline_tender([1], answers, prices, price_weight=0, rounding={"value": 2})
    result = evaluate(rounded)
    assert result.bids[0].criteria[0].value == 0.29
    assert result.bids[0].total == pytest.approx(29.0, abs=1e-12)  # 100 x 0.29, as in Excel
    plain = inline_tender([1], answers, prices, price_weight=0)
    assert evaluate(plain).bids[0].total == pytest.approx(28.5)


def test_a_warning_gives_both_orders_when_rounding_changes_the_ranking() -> None:
    """Totals 70.04, 70.00, 69.96 round to 70.0 each (total to 1 decimal); the tie-break on
    price then puts b2 (100) first, b1 (200), b0 (300): the reverse of the unrounded order."""

    def tender(rounding: dict[str, int]) -> Tender:
        answers = [[0.7004], [0.7], [0.6996]]
        return inline_tender(
            [1], answers, [300, 200, 100], price_weight=0, tie_break=["price"], rounding=rounding
        )

    result = evaluate(tender({"total": 1}))
    assert [bid.id for bid in result.ranked] == ["b2", "b1", "b0"]
    assert [bid.total for bid in result.ranked] == [70.0, 70.0, 70.0]
    (warning,) = [f for f in result.findings if f.code == "rounding_changed_order"]
    assert warning.message == (
        "the published rounding changes the ranking: unrounded 1. b0 (70.04); 2. b1 (70); "
        "3. b2 (69.96); rounded 1. b2 (70); 2. b1 (70); 3. b0 (70)."
    )
    assert not [f for f in evaluate(tender({})).findings if f.code == "rounding_changed_order"]


def test_a_price_tie_break_needs_a_price_criterion(tmp_path: Path) -> None:
    spec = copy.deepcopy(BASE_TENDER)
    spec["criteria"] = [spec["criteria"][1]]  # quality only
    spec["criteria"][0]["weight"] = 100
    spec["tie_break"] = ["price"]
    bids = [bid("a"), bid("b")]
    for entry in bids:
        del entry["price"]
    with pytest.raises(InputError) as raised:
        load_tender(write_tender(tmp_path, spec, bids))
    assert any("this tender has no price criterion" in p.message for p in raised.value.problems)


def test_a_sole_evaluators_comment_is_the_reason_and_is_linted(make_tender: MakeTender) -> None:
    """Where the tender lets one evaluator's comment stand as the reason, an 'ok' does not."""
    from tenderscore.engine.readiness import readiness_items

    panel = [{"id": "E1", "role": "Lead"}]
    conflicts = [{"person": "E1", "role": "Lead", "declared": "2026-09-01", "interest": "none"}]
    entries = []
    for bid_id, comment in (("a", "ok"), ("b", "Section 3 sets out a staffed weekly plan.")):
        entry = bid(bid_id, scores=(3,))
        del entry["consensus"]
        entry["scores"]["method"]["E1"]["comment"] = comment
        entries.append(entry)
    tender = make_tender(entries, panel=panel, conflicts=conflicts, sole_evaluator_comments=True)
    items = readiness_items(tender, evaluate(tender))
    assert [(i.code, i.bid) for i in items] == [("weak_consensus_reason", "a")]
    assert "the evaluator's comment, which the bidder reads as the reason" in items[0].message
