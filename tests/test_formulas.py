"""Every formula against a hand-computed value; the arithmetic is in each docstring."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tenderscore.input.bidfile import WholeLifeCost
from tenderscore.input.models import PriceRule
from tenderscore.rules.costs import discount_factors, whole_life_cost
from tenderscore.rules.price import PriceReference, price_reference, price_values
from tenderscore.rules.rounding import excel_round
from tenderscore.rules.values import Bounds, ValueContext, numeric_values, scale_values

PRICES = np.array([100.0, 125.0, 200.0])
REF = price_reference(PRICES)  # Pmin 100, Pmax 200, mean 141.666...


def values(formula: str, **params: float | bool) -> list[float]:
    rule = PriceRule.model_validate({"formula": formula, **params})
    return [round(float(v), 12) for v in price_values(PRICES, REF, rule.formula, rule)]


def test_relative_to_lowest() -> None:
    """100/100 = 1; 100/125 = 0.8; 100/200 = 0.5."""
    assert values("relative_to_lowest") == [1.0, 0.8, 0.5]


def test_linear_range() -> None:
    """(200-100)/100 = 1; (200-125)/100 = 0.75; (200-200)/100 = 0."""
    assert values("linear_range") == [1.0, 0.75, 0.0]


def test_linear_to_ceiling() -> None:
    """Pc 150: (150-100)/50 = 1; (150-125)/50 = 0.5; (150-200)/50 = -1, clipped to 0."""
    assert values("linear_to_ceiling", ceiling=150) == [1.0, 0.5, 0.0]


def test_absolute() -> None:
    """Pf 50, Pc 250: (250-100)/200 = 0.75; (250-125)/200 = 0.625; (250-200)/200 = 0.25."""
    assert values("absolute", floor=50, ceiling=250) == [0.75, 0.625, 0.25]


def test_proportional_penalty() -> None:
    """1 - 0/100 = 1; 1 - 25/100 = 0.75; 1 - 100/100 = 0."""
    assert values("proportional_penalty") == [1.0, 0.75, 0.0]


def test_deviation_from_mean() -> None:
    """mean 425/3: 0.5 - (100 - 141.667)/141.667 = 0.794118; 125 -> 0.617647; 200 -> 0.088235.

    Exactly: 0.5 - (3P - 425)/425, so 100 -> 0.5 + 125/425, 125 -> 0.5 + 50/425,
    200 -> 0.5 - 175/425.
    """
    assert values("deviation_from_mean") == pytest.approx(
        [0.5 + 125 / 425, 0.5 + 50 / 425, 0.5 - 175 / 425], abs=1e-12
    )


def test_a_rule_published_without_clipping_keeps_scores_beyond_the_ends() -> None:
    """Pc 150 as above: 200 -> (150 - 200)/50 = -1, kept; logarithmic with A = 1.5:
    1 - ln(200/100)/ln(1.5) = 1 - 1.709511 = -0.709511, kept; 100 scores 1 either way."""
    assert values("linear_to_ceiling", ceiling=150, clip=False) == [1.0, 0.5, -1.0]
    got = values("logarithmic", zero_at_multiple=1.5, clip=False)
    assert got[2] == pytest.approx(1 - math.log(2) / math.log(1.5), abs=1e-12)
    assert got[2] < 0
    assert values("logarithmic", zero_at_multiple=1.5)[2] == 0.0


def test_logarithmic() -> None:
    """A = 4: 1 - ln(1)/ln 4 = 1; 1 - ln(1.25)/ln 4 = 0.839036; 1 - ln 2/ln 4 = 0.5."""
    assert values("logarithmic", zero_at_multiple=4) == pytest.approx(
        [1.0, 1 - math.log(1.25) / math.log(4), 0.5], abs=1e-12
    )


def test_linear_range_with_equal_prices_gives_full_marks() -> None:
    rule = PriceRule(formula="linear_range")
    prices = np.array([80.0, 80.0])
    assert price_values(prices, price_reference(prices), rule.formula, rule).tolist() == [1.0, 1.0]


def test_relative_formula_never_exceeds_one_for_a_price_below_the_reference() -> None:
    """An excluded bid cheaper than every ranked bid: 100/50 = 2 is clipped to 1."""
    rule = PriceRule(formula="relative_to_lowest")
    ref = PriceReference(lowest=100.0, highest=200.0, mean=150.0)
    assert price_values(np.array([50.0]), ref, rule.formula, rule).tolist() == [1.0]


def test_discount_factors() -> None:
    """r = 3.5%: 1, 1/1.035 = 0.966184, 1/1.035^2 = 0.933511."""
    assert discount_factors(3, 0.035) == pytest.approx([1.0, 1 / 1.035, 1 / 1.035**2])


def test_whole_life_cost_discounted() -> None:
    """T = 3, r = 3.5%.

    one-off 20,000 at year 0: 20,000
    annual 30,000 at the start of years 1-3: 30,000 x (1 + 0.966184 + 0.933511) = 86,990.83
    yearly adjustment 10 days x 100 = 1,000: 1,000 x 2.899694 = 2,899.69
    one-off adjustment 5 x 200 = 1,000
    exit 5,000 at the end of year 3: 5,000 / 1.035^3 = 4,509.71
    """
    cost = WholeLifeCost.model_validate(
        {
            "one_off": {"setup": 20000},
            "annual": {"licence": 30000},
            "exit": 5000,
            "adjustments": [
                {"name": "days", "quantity": 10, "unit_cost": 100, "recurring": True},
                {"name": "delay", "quantity": 5, "unit_cost": 200},
            ],
        }
    )
    lines = {line.name: line for line in whole_life_cost(cost, term_years=3, rate=0.035)}
    annuity = 1 + 1 / 1.035 + 1 / 1.035**2
    assert lines["setup"].present_value == 20000
    assert lines["licence"].nominal == 90000
    assert lines["licence"].present_value == pytest.approx(30000 * annuity)
    assert lines["days"].present_value == pytest.approx(1000 * annuity)
    assert lines["days"].nominal == 3000
    assert lines["delay"].present_value == 1000
    assert lines["exit"].present_value == pytest.approx(5000 / 1.035**3)
    assert lines["licence"].present_value == pytest.approx(86990.83, abs=0.01)


def test_whole_life_cost_with_yearly_figures_undiscounted() -> None:
    """Rate 0: the list 100 + 110 + 121 = 331."""
    cost = WholeLifeCost.model_validate({"annual": {"licence": [100, 110, 121]}})
    (line,) = whole_life_cost(cost, term_years=3, rate=0.0)
    assert (line.nominal, line.present_value) == (331, 331)


def linear(answers: np.ndarray, parameters: dict[str, float]) -> np.ndarray:
    return numeric_values(answers, "linear", parameters, ValueContext())


def test_linear_value_both_directions() -> None:
    """Uptime worst 99, best 100: 99.5 -> 0.5, 98 -> 0 (clipped), 101 -> 1 (clipped).
    Hours worst 24, best 4: 14 -> (14-24)/(4-24) = 0.5."""
    up = {"worst": 99, "best": 100}
    assert linear(np.array([99.5, 98, 101]), up).tolist() == [0.5, 0.0, 1.0]
    assert linear(np.array([14.0]), {"worst": 24, "best": 4}).tolist() == [0.5]


def test_piecewise_value() -> None:
    """Points (1, 1), (1.1, 0.8), (1.5, 0): 1.05 -> 0.9; 1.3 -> 0.8 - 0.2 x 0.8 = 0.4; 2 -> 0."""
    points = {"points": [[1, 1], [1.1, 0.8], [1.5, 0]]}
    got = numeric_values(np.array([1.05, 1.3, 2.0]), "piecewise", points, ValueContext())
    assert got == pytest.approx([0.9, 0.4, 0])


def test_observed_value() -> None:
    """min 2, max 10: higher better 4 -> 0.25; lower better 4 -> 0.75; equal bounds -> 1."""

    def observed(bounds: Bounds, higher: bool) -> list[float]:
        context = ValueContext(higher, bounds)
        return numeric_values(np.array([4.0]), "observed", {}, context).tolist()

    assert observed(Bounds(2, 10), True) == [0.25]
    assert observed(Bounds(2, 10), False) == [0.75]
    assert observed(Bounds(4, 4), True) == [1.0]


def test_relative_to_best_value() -> None:
    """Best among 10, 20, 40: lower is better, best 10: 10/10, 10/20, 10/40 = 1, 0.5, 0.25;
    higher is better, best 40: 0.25, 0.5, 1. An answer beyond the best of the bids in
    contention (an excluded bid's) is clipped to 1."""
    answers = np.array([10.0, 20.0, 40.0, 5.0])
    bounds = Bounds(10, 40)

    def relative(higher: bool) -> list[float]:
        context = ValueContext(higher, bounds)
        return numeric_values(answers, "relative_to_best", {}, context).tolist()

    assert relative(False) == [1.0, 0.5, 0.25, 1.0]
    assert relative(True) == [0.25, 0.5, 1.0, 0.125]


@pytest.mark.parametrize(
    ("x", "decimals", "excel"),
    [
        (2.675, 2, 2.68),  # the double is 2.67499999999999982...: Python's round gives 2.67
        (-2.675, 2, -2.68),  # half away from zero, as Excel
        (1.005, 2, 1.01),  # Python: 1.0
        (0.285, 2, 0.29),  # Python: 0.28
        (2.665, 2, 2.67),
        (2.5, 0, 3.0),  # Python (to even): 2
        (-2.5, 0, -3.0),
        (0.5, 0, 1.0),  # Python: 0
        (1234.5678, 1, 1234.6),
        (86.0599, 2, 86.06),
        (0.0, 2, 0.0),
        (1e-300, 2, 0.0),  # 10^(14 - digits) would overflow
    ],
)
def test_excel_round(x: float, decimals: int, excel: float) -> None:
    """Excel's ROUND on the 15-significant-digit decimal, half away from zero (the values
    are Excel's own results for these inputs)."""
    assert excel_round(x, decimals).item() == excel


def test_scale_values() -> None:
    """Scale 0-5: 3.5 -> 0.7; scale 1-4: 2 -> 1/3."""
    assert scale_values(np.array([3.5]), 0, 5).tolist() == [0.7]
    assert scale_values(np.array([2.0]), 1, 4) == pytest.approx([1 / 3])
