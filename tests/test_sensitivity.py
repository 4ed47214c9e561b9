"""Sensitivity analysis against hand-computed values, exact answers and brute force."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tenderscore.engine.scoring import evaluate
from tenderscore.input.hierarchy import build_tree
from tenderscore.input.loading import load_tender
from tenderscore.input.models import TenderFile
from tenderscore.input.tender import Tender
from tenderscore.report.wording import robustness_headline
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.sensitivity.analysis import analyse_sensitivity, smaa_settings
from tenderscore.sensitivity.model import RankingModel, ranking_model, weight_groups
from tenderscore.sensitivity.rescoring import rescorer
from tenderscore.sensitivity.reversal import formula_outcomes, rank_reversals
from tenderscore.sensitivity.sampling import weight_sampler
from tenderscore.sensitivity.smaa import ScorePanel, run_smaa
from tenderscore.sensitivity.stability import Bound, stability_interval, weight_line
from tenderscore.sensitivity.steps import breakpoints
from tenderscore.sensitivity.switching import switching_values

from conftest import EXAMPLE, inline_tender, numeric, run_cli, write_tender

MakeTender = Callable[..., Tender]


def _quality_price(bids: list[tuple[str, float, float]], formula: dict[str, Any]) -> Tender:
    """procurement.md section 5: quality (0-100, weight 60) and price (weight 40)."""
    return inline_tender(
        [60],
        [[q / 100] for _, q, _ in bids],
        [p for _, _, p in bids],
        price_weight=40,
        price=formula,
        names=[name for name, _, _ in bids],
    )


RELATIVE = {"formula": "relative_to_lowest"}


def _model(tender: Tender) -> tuple[RankingModel, Any]:
    evaluation = evaluate(tender)
    return ranking_model(tender, evaluation), evaluation


def test_break_even_weight_by_hand() -> None:
    """A (Q 60, 100) 76 vs B (Q 70, 125) 74. Moving price from w = 0.4:
    dU = 0.02, dv = 1 - 0.8 = 0.2, t* = (dU - w dv) / (dU - dv) = -0.06 / -0.18 = 1/3."""
    tender = _quality_price([("A", 60, 100), ("B", 70, 125)], RELATIVE)
    model, _ = _model(tender)
    price = next(g for g in weight_groups(tender.tree, model) if g.id == "price")
    interval = stability_interval(model, price)
    assert interval.winner_low.weight == pytest.approx(1 / 3)
    assert interval.winner_low.taker == "B"
    assert interval.winner_high.weight == pytest.approx(1.0)
    assert interval.winner_high.taker is None
    assert interval.switching_change == pytest.approx((0.4 - 1 / 3) / 0.4)
    names = {"A": "Alpha", "B": "Beta"}
    assert interval.sentences(names) == [
        "the winner changes if price goes from 40.0% to 33.3% (relative -16.7%): then Beta wins."
    ]


def test_locked_weights_are_held() -> None:
    """Three criteria 0.6/0.2/0.2 with the last locked: moving the first to t leaves 0.2 and
    gives the second 0.8 - t. A (1, 0, 0) vs B (0, 1, 1): U_A = t = 0.6 leads
    U_B = 0.8 - t + 0.2 = 0.4, and they tie at t = 0.5."""
    criteria = [
        {
            "id": "x",
            "name": "x",
            "kind": "numeric",
            "weight": 60,
            "direction": "higher_is_better",
            "value_function": {"type": "linear", "worst": 0, "best": 1},
        },
        {
            "id": "y",
            "name": "y",
            "kind": "numeric",
            "weight": 20,
            "direction": "higher_is_better",
            "value_function": {"type": "linear", "worst": 0, "best": 1},
        },
        {
            "id": "z",
            "name": "z",
            "kind": "numeric",
            "weight": 20,
            "locked": True,
            "direction": "higher_is_better",
            "value_function": {"type": "linear", "worst": 0, "best": 1},
        },
    ]
    config = TenderFile.model_validate(
        {"reference": "L", "title": "t", "buyer": "b", "term_years": 1, "criteria": criteria}
    )
    assert isinstance(config.criteria, list)
    model = RankingModel(
        bids=("A", "B"),
        names=("A", "B"),
        leaves=("x", "y", "z"),
        values=np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]),
        weights=np.array([0.6, 0.2, 0.2]),
        prices=np.array([np.nan, np.nan]),
        method=AGGREGATIONS["weighted_sum"],
        money_per_point=0.0,
        locked=np.array([False, False, True]),
        quality=np.ones(3, dtype=bool),
    )
    tree = build_tree(config.criteria, weighting="percent")
    x = next(g for g in weight_groups(tree, model) if g.id == "x")
    line = weight_line(model, x)
    assert line.limit == pytest.approx(0.8)
    assert line.weights_at(0.7).tolist() == pytest.approx([0.7, 0.1, 0.2])
    interval = stability_interval(model, x)
    assert interval.winner_low.weight == pytest.approx(0.5)
    z = next(g for g in weight_groups(tree, model) if g.id == "z")
    assert not stability_interval(model, z).movable


@st.composite
def random_tenders(draw: st.DrawFn) -> Tender:
    """Small tenders; in some, bid b1 ties b0 on total by swapping two equally weighted
    answers (so the declared tie-break, if any, decides between them)."""
    m = draw(st.integers(2, 5))
    n = draw(st.integers(1, 4))
    weights = draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    grid = st.integers(0, 40).map(lambda k: k / 40)  # real answers are never 1e-9 apart
    answers = draw(st.lists(st.lists(grid, min_size=n, max_size=n), min_size=m, max_size=m))
    prices = draw(st.lists(st.integers(50, 200).map(float), min_size=m, max_size=m))
    if n >= 2 and draw(st.booleans()):
        weights[1] = weights[0]
        answers[1] = [answers[0][1], answers[0][0], *answers[0][2:]]
        prices[1] = prices[0]
    formula = draw(st.sampled_from([RELATIVE, {"formula": "absolute", "floor": 0, "ceiling": 300}]))
    method = draw(st.sampled_from(["weighted_sum", "price_per_quality_point", "monetised_quality"]))
    aggregation = {"method": method}
    if method == "monetised_quality":
        aggregation["money_per_point"] = draw(st.sampled_from([0.5, 2.0]))
    return inline_tender(
        weights,
        answers,
        prices,
        price_weight=draw(st.integers(1, 10)),
        price=formula,
        aggregation=aggregation,
        tie_break=draw(st.sampled_from([(), ("c0",), ("price",), ("c0", "price")])),
        rounding=draw(
            st.sampled_from([None, {"points": 1, "total": 1}, {"total": 0}, {"points": 0}])
        ),
    )


TIE_BROKEN = inline_tender(  # b0 and b1 tie on 20 points; b0 leads on c0, the tie-break
    [30, 20], [[2 / 3, 0.0], [0.0, 1.0]], [100, 100], price_weight=50, tie_break=["c0", "price"]
)


@settings(max_examples=120, deadline=None)
@given(tender=random_tenders())
@example(  # b0 and b2 tie now: the ranking may change at once, the nearest grid point hid that
    tender=inline_tender([1, 1], [[0, 0.025], [0, 0.05], [0.025, 0]], [50.0] * 3, price=RELATIVE)
)
@example(tender=TIE_BROKEN)
@example(  # b0 and b1 tie along c2's whole line; its margin's noise crossed zero inside it
    tender=inline_tender(
        [8, 8, 3, 1],
        [[0.375, 0.875, 0.125, 0.025], [0.875, 0.375, 0.125, 0.025]],
        [73, 73],
        price=RELATIVE,
        aggregation={"method": "price_per_quality_point"},
    )
)
@example(  # b0 has no quality at one end of c0's range, b1 at the other: -inf is no tie
    tender=inline_tender(
        [1, 1],
        [[0.025, 0], [0, 0.025]],
        [50, 50],
        price=RELATIVE,
        aggregation={"method": "price_per_quality_point"},
    )
)
@example(  # b0 and b1 tie along c3's whole line: rounding noise in the margin is not a slope
    tender=inline_tender(
        [9, 9, 3, 2],
        [[0.325, 0.6, 0.825, 0], [0.6, 0.325, 0.825, 0], [0] * 4, [0] * 4, [0] * 4],
        [91, 91, 50, 50, 50],
        price_weight=2,
        price=RELATIVE,
        aggregation={"method": "price_per_quality_point"},
    )
)
@example(  # the same tie with no tie-break: first place is shared, any move separates it
    tender=inline_tender([30, 20], [[2 / 3, 0.0], [0.0, 1.0]], [100, 100], price_weight=50)
)
def test_stability_intervals_agree_with_a_brute_force_sweep(tender: Tender) -> None:
    """First place (after the declared tie-break) is the same everywhere inside the interval
    and is the stated taker just beyond each end; no pair ordered now swaps inside the
    ranking interval."""
    model, evaluation = _model(tender)
    if model.size < 2:
        return
    assert [model.ranks[i] for i in model.rank(model.goodness(model.weights)[0]).order] == [
        bid.rank for bid in evaluation.ranked
    ]
    leaders = model.first_place(model.weights)
    for group in weight_groups(tender.tree, model):
        interval = stability_interval(model, group)
        if not interval.movable:
            continue
        line = weight_line(model, group)
        low, high = interval.winner_low.weight, interval.winner_high.weight
        scanned = model.rounded and breakpoints(model, line) is None  # may miss a narrow step
        for t in np.linspace(0, line.limit, 801):
            if low + 1e-6 < t < high - 1e-6 and not scanned:
                assert model.first_place(line.weights_at(float(t))) == leaders, t
        for end, side in ((interval.winner_low, -1), (interval.winner_high, 1)):
            if end.taker is None:
                continue
            if scanned:
                continue
            takers = {end.taker, *end.shared_with}
            # rounded figures hold between steps; a step may change first place only exactly
            # at the bound, where two steps meet
            probes = (
                (end.weight, end.weight + side * 1e-11)
                if model.rounded
                else (end.weight + side * 1e-6,)
            )
            firsts = [model.first_place(line.weights_at(probe)) for probe in probes]
            first = next((f for f in firsts if {model.bids[i] for i in f} == takers), firsts[-1])
            assert {model.bids[i] for i in first} == takers
            assert first != leaders
        now = _positions(model, model.weights)
        for t in np.linspace(0, line.limit, 201) if not scanned else ():
            if interval.ranking_low.weight + 1e-6 < t < interval.ranking_high.weight - 1e-6:
                there = _positions(model, line.weights_at(float(t)))
                assert not ((now[:, None] < now[None, :]) & (there[:, None] > there[None, :])).any()


def _positions(model: RankingModel, weights: np.ndarray) -> np.ndarray:
    """Each bid's rank at ``weights``, the declared tie-break applied."""
    ranking = model.rank(model.goodness(weights)[0], weights)
    return np.array([ranking.rank[i] for i in range(model.size)])


def test_a_tie_won_on_the_tie_break_changes_with_any_move_against_the_leader() -> None:
    """The issue's case: b0 and b1 both on 65.00 (20 + 45 price points), b0 first on c0.
    Any decrease of c0 (or increase of c1) lets b1 win; moving price keeps the tie."""
    report = analyse_sensitivity(TIE_BROKEN, quick=True)
    intervals = {interval.id: interval for interval in report.intervals}
    assert intervals["c0"].winner_low == Bound(0.3, "b1", ("b0", "b1"))
    assert intervals["c1"].winner_high == Bound(0.2, "b1", ("b0", "b1"))
    assert intervals["price"].switches == ()
    assert report.most_critical is not None
    assert report.most_critical.switching_change == 0.0
    assert intervals["c0"].sentences(report.names) == [
        "the winner changes as soon as c0 moves below 30.0%: then b1 wins."
    ]


def test_smaa_two_bids_two_criteria_is_a_length_on_the_simplex() -> None:
    """Uniform weights (w, 1 - w); A (1, 0), B (0.3, 0.6): A wins iff w > 0.6 - 0.3 w, that
    is w > 6/13, so P(A wins) = 7/13 and A's central weight is ((1 + 6/13) / 2, ...)."""
    tender = inline_tender([1, 1], [[1, 0], [0.3, 0.6]], [1, 1], price_weight=0)
    model, _ = _model(tender)
    sampler = weight_sampler(tender.tree, sampling="uniform")
    result = run_smaa(model, sampler, samples=200_000, seed=7)
    a = model.bids.index("b0")
    se = np.sqrt((7 / 13) * (6 / 13) / 200_000)
    assert result.win_probability[a] == pytest.approx(7 / 13, abs=4 * se)
    assert result.central_weights[a, :2] == pytest.approx([19 / 26, 7 / 26], abs=0.003)
    assert result.acceptability.sum(axis=0) == pytest.approx([1, 1])
    assert result.acceptability.sum(axis=1) == pytest.approx([1, 1])
    assert result.pairwise is not None
    assert result.pairwise[a, 1 - a] == pytest.approx(7 / 13, abs=4 * se)
    assert result.confidence.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("tie_break", "first", "second", "b0_over_b1"),
    [((), [0.5, 0.5], [0.5, 0.5], 0.5), (("price",), [1.0, 0.0], [0.0, 1.0], 1.0)],
)
def test_smaa_identical_figures_share_the_credit_or_follow_the_tie_break(
    tie_break: tuple[str, ...], first: list[float], second: list[float], b0_over_b1: float
) -> None:
    """b0 and b1 score alike everywhere (both prices, 100 and 150, are below the floor, so
    both score 1), so they tie in every sample: without a tie-break they share ranks 1 and 2;
    the tie-break on price puts b0 first in every sample, as the evaluation does."""
    tender = inline_tender(
        [1, 2],
        [[0.5, 0.5], [0.5, 0.5], [0.1, 0.2]],
        [100, 150, 100],
        price={"formula": "absolute", "floor": 200, "ceiling": 300},
        tie_break=tie_break,
    )
    model, evaluation = _model(tender)
    ranks = [bid.rank for bid in evaluation.ranked][:2]
    assert ranks == ([1, 2] if tie_break else [1, 1])
    result = run_smaa(model, weight_sampler(tender.tree, sampling="uniform"), samples=5_000, seed=1)
    top = [model.bids.index("b0"), model.bids.index("b1")]
    assert result.acceptability[top, 0].tolist() == first
    assert result.acceptability[top, 1].tolist() == second
    assert result.pairwise is not None
    assert result.pairwise[top[0], top[1]] == b0_over_b1


def test_smaa_is_reproducible_and_depends_on_the_seed() -> None:
    tender = load_tender(EXAMPLE)
    first = analyse_sensitivity(tender, quick=True).smaa
    again = analyse_sensitivity(tender, quick=True).smaa
    other = analyse_sensitivity(
        tender, settings=smaa_settings(tender, samples=2_000, seed=99), quick=True
    ).smaa
    assert first is not None
    assert again is not None
    assert other is not None
    assert np.array_equal(first.acceptability, again.acceptability)
    assert not np.array_equal(first.acceptability, other.acceptability)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), sampling=st.sampled_from(["uniform", "dirichlet", "rank"]))
def test_rank_acceptabilities_sum_to_one(seed: int, sampling: str) -> None:
    tender = load_tender(EXAMPLE)
    settings_ = smaa_settings(tender, samples=500, seed=seed, sampling=sampling)  # type: ignore[arg-type]
    result = analyse_sensitivity(tender, settings=settings_, quick=True).smaa
    assert result is not None
    assert result.acceptability.sum(axis=0) == pytest.approx(np.ones(3))
    assert result.acceptability.sum(axis=1) == pytest.approx(np.ones(3))


def test_uniform_weights_are_exact_not_normalised_uniforms() -> None:
    """E[max of 12 uniform-simplex weights] = H_12 / 12 = 0.2586; normalised i.i.d. uniforms
    would give about 0.157 (methods.md section 3)."""
    tender = inline_tender([1] * 12, [[0.5] * 12, [0.4] * 12], [1, 1], price_weight=0)
    sampler = weight_sampler(tender.tree, sampling="uniform")
    weights = sampler.sample(np.random.default_rng(3), 100_000)[:, :12]
    harmonic = sum(1 / k for k in range(1, 13))
    assert weights.max(axis=1).mean() == pytest.approx(harmonic / 12, abs=0.002)
    assert weights.sum(axis=1) == pytest.approx(np.ones(100_000))


def test_dirichlet_weights_centre_on_the_published_ones() -> None:
    tender = load_tender(EXAMPLE)
    sampler = weight_sampler(tender.tree, sampling="dirichlet", concentration=50)
    weights = sampler.sample(np.random.default_rng(4), 100_000)
    assert weights.mean(axis=0) == pytest.approx(np.array(tender.tree.weights), abs=0.002)
    # Var(w_cost) = 0.4 x 0.6 / 51
    assert weights[:, 0].var() == pytest.approx(0.4 * 0.6 / 51, rel=0.05)


def test_interval_and_rank_sampling_respect_their_constraints() -> None:
    tender = load_tender(EXAMPLE)
    bounds = {"cost": (0.30, 0.50), "ethics": (0.15, 0.30)}
    sampler = weight_sampler(tender.tree, sampling="intervals", intervals=bounds)
    weights = sampler.sample(np.random.default_rng(5), 20_000)
    cost = weights[:, [0]].sum(axis=1)
    assert cost.min() >= 0.30 - 1e-12
    assert cost.max() <= 0.50 + 1e-12
    tight = dict.fromkeys(("sovereignty", "transparency", "ethics"), (0.199, 0.201))
    tight["cost"] = (0.399, 0.401)
    tight_weights = weight_sampler(tender.tree, sampling="intervals", intervals=tight).sample(
        np.random.default_rng(6), 2_000
    )
    assert tight_weights[:, 0].min() >= 0.399 - 1e-12  # hit-and-run path
    ranked = weight_sampler(tender.tree, sampling="rank").sample(np.random.default_rng(7), 5_000)
    section_totals = [
        ranked[:, list(tender.tree.nodes[s].leaves)].sum(axis=1) for s in tender.tree.sections
    ]
    assert (section_totals[0] >= section_totals[1] - 1e-12).all()
    leaf = {node.id: k for k, node in enumerate(tender.tree.leaves)}
    assert (ranked[:, leaf["key_control"]] >= ranked[:, leaf["sub_processors"]]).all()


def test_switching_values_by_hand() -> None:
    """B (Q 70, 125) loses 74 to 76. On quality B needs 0.02 / 0.6 = 3.33 more points
    (73.33); on price 40 x 100 / P + 42 = 76 gives P = 117.65."""
    tender = _quality_price([("A", 60, 100), ("B", 70, 125)], RELATIVE)
    model, evaluation = _model(tender)
    values = {
        (v.bid, v.criterion): v for v in switching_values(rescorer(tender, evaluation, model))
    }
    assert values["B", "c0"].needed == pytest.approx(0.7333333, abs=1e-6)
    assert values["B", "price"].needed == pytest.approx(100 / 0.85, rel=1e-9)


def test_price_cut_below_the_lowest_price_is_recomputed_not_extrapolated() -> None:
    """A (Q 20, 100) against B (Q 70, 80). Below 80, A sets the lowest price and scores
    0.4 + 0.12 = 0.52 while B scores 0.4 P / 80 + 0.42, so A wins only below P = 20."""
    tender = _quality_price([("A", 20, 100), ("B", 70, 80)], RELATIVE)
    model, evaluation = _model(tender)
    cuts = [v for v in switching_values(rescorer(tender, evaluation, model)) if v.kind == "price"]
    assert cuts[0].bid == "A"
    assert cuts[0].needed == pytest.approx(20.0, rel=1e-9)


def test_rank_reversal_names_the_price_formula() -> None:
    """procurement.md section 5: withdrawing C (Q 20, 50) turns B 58 / A 56 into A 76 / B 74."""
    tender = _quality_price([("A", 60, 100), ("B", 70, 125), ("C", 20, 50)], RELATIVE)
    model, evaluation = _model(tender)
    scorer = rescorer(tender, evaluation, model)
    (reversal,) = rank_reversals(scorer)
    assert reversal.withdrawn == "C"
    assert reversal.swapped == (("B", "A"),)
    assert reversal.causes == ("price",)
    assert reversal.winner_changes
    outcomes = {o.formula: o for o in formula_outcomes(scorer)}
    assert outcomes["relative_to_lowest"].order[0] == "B"
    assert outcomes["relative_to_lowest"].declared


def test_absolute_formula_has_no_rank_reversal() -> None:
    tender = _quality_price(
        [("A", 60, 100), ("B", 70, 125), ("C", 20, 50)],
        {"formula": "absolute", "floor": 0, "ceiling": 150},
    )
    model, evaluation = _model(tender)
    assert rank_reversals(rescorer(tender, evaluation, model)) == []


def test_score_panels_keep_the_official_score_as_expectation() -> None:
    """Scores 1, 2, 5 (values 0.2, 0.4, 1.0), consensus 4 (0.8): the draws are shifted by
    0.8 - 8/15 and clipped, so deviations are 0.2 - 8/15, 0.4 - 8/15, 1 - 8/15 capped."""
    panel = ScorePanel.from_values(0, np.array([[0.2, 0.4, 1.0]]), np.array([0.8]))
    shift = 0.8 - 1.6 / 3
    expected = np.clip(np.array([0.2, 0.4, 1.0]) + shift, 0, 1) - 0.8
    assert panel.deviations[0] == pytest.approx(expected)


def test_full_report_on_the_example() -> None:
    report = analyse_sensitivity(load_tender(EXAMPLE))
    assert report.most_critical is not None
    assert report.most_critical.id == "cost"
    assert report.most_critical.switches[0].taker == "brightwater"
    assert report.formula_dependent
    assert [s.name for s in report.scenarios] == ["baseline", "ethics-led", "cost-led"]
    assert report.scenarios[1].winners == ("castellan",)
    assert {v.bid for v in report.switching} == {"brightwater", "castellan"}
    assert len(report.sweeps) == 4
    assert "Most critical weight" in robustness_headline(report)


def test_sensitivity_command_and_json() -> None:
    text = run_cli(["sensitivity", EXAMPLE, "--samples", "1000"]).stdout
    assert "Weight stability" in text
    assert "Rank probabilities (1,000 samples" in text
    first = run_cli(["sensitivity", EXAMPLE, "--samples", "1000", "--json"]).stdout
    second = run_cli(["sensitivity", EXAMPLE, "--samples", "1000", "--json"]).stdout
    assert first == second
    document = json.loads(first)
    assert document["schema"] == "tenderscore/sensitivity"
    assert document["most_critical"] == "cost"
    assert len(document["smaa"]["rank_acceptability"]) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weights", "cost=fifty"], "--weights expects id=number pairs"),
        (["--weights", "ethic=10"], "did you mean 'ethics'?"),
        (["--scenario", "nope"], "no scenario 'nope' (scenarios: ethics-led, cost-led)"),
    ],
)
def test_bad_reweighting_is_a_usage_error(args: list[str], message: str) -> None:
    assert message in run_cli(["evaluate", EXAMPLE, "--no-export", *args], exit_code=2).stderr


def test_weights_override_echoes_the_effective_weights() -> None:
    out = run_cli(
        [
            "evaluate",
            EXAMPLE,
            "--weights",
            "cost=2,sovereignty=1,transparency=1,ethics=1",
            "--no-robustness",
            "--no-export",
        ]
    ).stdout
    assert "effective section weights: cost 40%, sovereignty 20%" in out


def test_weights_override_of_a_criterion_echoes_its_effective_weight() -> None:
    """sub_processors 30 -> 60 of sovereignty's (60 + 40 + 30): 60/130 of its 20%, 9.231%."""
    out = run_cli(
        ["evaluate", EXAMPLE, "--weights", "sub_processors=60", "--no-robustness", "--no-export"]
    ).stdout
    assert "changed criteria: sub_processors 9.231%" in out


def test_an_override_that_breaks_a_level_sum_is_reported_at_tender_yaml(tmp_path: Path) -> None:
    """It was reported against the shipped criteria file, inside the installed package."""
    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender, ignore=shutil.ignore_patterns("out", "criteria.lock.yaml"))
    text = (tender / "tender.yaml").read_text()
    (tender / "tender.yaml").write_text(
        text.replace("\ncriteria: ", "\nweights: {sub_processors: 50}\ncriteria: ", 1)
    )
    result = run_cli(["validate", tender], exit_code=2)
    assert "tender.yaml:9:" in result.stderr
    assert "weights.sub_processors: weights under 'sovereignty' must sum to 100" in result.stderr
    assert "tender.yaml's weights set sub_processors" in result.stderr
    assert "criteria/police-data-platform.yaml" not in result.stderr


def test_bad_sampling_is_a_usage_error() -> None:
    assert (
        "--sampling must be one of"
        in run_cli(["sensitivity", EXAMPLE, "--sampling", "magic"], exit_code=2).stderr
    )


def test_a_flat_tender_lists_each_interval_once() -> None:
    """Criteria directly under the root are sections and leaves at once: they were listed
    twice (8 rows for 4 criteria) in the text and in --json."""
    tender = inline_tender([4, 1, 2], [[0.9, 0.2, 0.4], [0.6, 0.7, 0.1]], [100, 80])
    report = analyse_sensitivity(tender, quick=True)
    ids = [interval.id for interval in report.intervals]
    assert len(ids) == len(set(ids)) == 4


def test_a_tie_won_on_the_tie_break_is_told_as_a_tie() -> None:
    report = analyse_sensitivity(TIE_BROKEN, quick=True)
    assert robustness_headline(report).startswith(
        "b0 and b1 tie on 65.00 points; b0 ranks first on the declared tie-break (c0)."
    )


def test_a_criterion_interval_within_its_section_holds_the_section_weights(
    tmp_path: Path,
) -> None:
    """Section s (50%: a 50, b 50) and price (50%). X: a 1, b 0, price 200 -> 0.8; Y: a 0,
    b 1, price 100 -> 0.9. X = 25 + 40 = 65, Y = 25 + 45 = 70: Y leads.

    Within s (its 50% held, b = 1 - a's share s): X = 50 s + 40, Y = 50 (1 - s) + 45, equal at
    s = 0.55: X wins above 55% of s. Across the tender (b and price make room): X = 100 t +
    53.33 (1 - t), Y = 93.33 (1 - t), equal at t = 2/7 = 28.6%: a different question, a
    different answer."""
    criteria = [
        {
            "id": "s",
            "name": "Service",
            "weight": 50,
            "children": [numeric("a", 50), numeric("b", 50)],
        },
        {"id": "price", "name": "Price", "kind": "price", "weight": 50},
    ]
    tender = {
        "reference": "T",
        "title": "t",
        "buyer": "b",
        "term_years": 1,
        "criteria": criteria,
        "price": {"formula": "absolute", "floor": 0, "ceiling": 1000},
    }
    bids = [
        {"id": "X", "name": "X", "price": {"total": 200}, "answers": {"a": 1, "b": 0}},
        {"id": "Y", "name": "Y", "price": {"total": 100}, "answers": {"a": 0, "b": 1}},
    ]
    report = analyse_sensitivity(load_tender(write_tender(tmp_path, tender, bids)), quick=True)
    within = {interval.id: interval for interval in report.section_intervals}
    assert within["a"].section == "s"
    assert within["a"].weight == pytest.approx(0.5)
    assert within["a"].winner_high.weight == pytest.approx(0.55)
    assert within["a"].winner_high.taker == "X"
    assert within["a"].sentences(report.names) == [
        "the winner changes if a goes from 50.0% to 55.0% of Service (relative +10.0%): "
        "then X wins."
    ]
    assert within["b"].winner_low.weight == pytest.approx(0.45)
    across = {interval.id: interval for interval in report.intervals}
    assert across["a"].winner_high.weight == pytest.approx(2 / 7)
    assert across["a"].section is None
