"""Scoring formulas as pure numpy functions; each docstring states the formula exactly.

Every function maps raw answers to partial values v in [0, 1]. Functions that depend on the
other bids (relative price formulas, observed bounds) take the reference statistics as
arguments, so the caller decides which bids form the reference set.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tenderscore.input.models import (
    LinearValue,
    ObservedValue,
    PiecewiseValue,
    PriceFormulaName,
    PriceRule,
    WholeLifeCost,
)

Array = NDArray[np.float64]


# --- whole-life cost ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CostLine:
    """One line of a whole-life cost: its nominal sum over the term and its present value."""

    name: str
    category: str
    nominal: float
    present_value: float


def discount_factors(term_years: int, rate: float) -> Array:
    """d_k = 1 / (1 + r)^(k - 1) for contract years k = 1..T (costs paid at each year's start)."""
    return np.asarray(1.0 / (1.0 + rate) ** np.arange(term_years), dtype=np.float64)


def whole_life_cost(cost: WholeLifeCost, *, term_years: int, rate: float) -> list[CostLine]:
    """Cost lines of a whole-life model, discounted at ``rate`` (0 for undiscounted).

    Convention (HM Treasury Green Book style, year 0 undiscounted): one-off costs and
    non-recurring adjustments fall at the start (factor 1); annual costs and recurring
    adjustments at the start of each contract year k, factor 1/(1+r)^(k-1); the exit cost at the
    end of the term, factor 1/(1+r)^T.
    """
    factors = discount_factors(term_years, rate)
    exit_factor = 1.0 / (1.0 + rate) ** term_years
    lines = [CostLine(name, "one-off", amount, amount) for name, amount in cost.one_off.items()]
    for name, amount in cost.annual.items():
        yearly = np.full(term_years, amount) if isinstance(amount, float) else np.asarray(amount)
        lines.append(
            CostLine(name, "annual", float(yearly.sum()), float(yearly @ factors[: len(yearly)]))
        )
    for adjustment in cost.adjustments:
        amount = adjustment.quantity * adjustment.unit_cost
        if adjustment.recurring:
            lines.append(
                CostLine(
                    adjustment.name,
                    "adjustment (yearly)",
                    amount * term_years,
                    float(amount * factors.sum()),
                )
            )
        else:
            lines.append(CostLine(adjustment.name, "adjustment", amount, amount))
    if cost.exit:
        lines.append(CostLine("exit", "exit", cost.exit, cost.exit * exit_factor))
    return lines


# --- price formulas ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceReference:
    """Statistics of the reference bids' prices that relative formulas need."""

    lowest: float
    highest: float
    mean: float


def relative_to_lowest(prices: Array, ref: PriceReference, rule: PriceRule) -> Array:
    """v = Pmin / P (the UK default; depends on the lowest bid)."""
    return ref.lowest / prices


def linear_range(prices: Array, ref: PriceReference, rule: PriceRule) -> Array:
    """v = (Pmax - P) / (Pmax - Pmin); every bid scores 1 when all prices are equal."""
    spread = ref.highest - ref.lowest
    if spread == 0:
        return np.where(prices <= ref.highest, 1.0, 0.0)
    return (ref.highest - prices) / spread


def linear_to_ceiling(prices: Array, ref: PriceReference, rule: PriceRule) -> Array:
    """v = (Pc - P) / (Pc - Pmin) with the published ceiling Pc."""
    assert rule.ceiling is not None
    spread = rule.ceiling - ref.lowest
    if spread <= 0:
        return np.where(prices <= rule.ceiling, 1.0, 0.0)
    return (rule.ceiling - prices) / spread


def absolute(prices: Array, ref: PriceReference, rule: PriceRule) -> Array:
    """v = (Pc - P) / (Pc - Pf) between a published floor Pf and ceiling Pc (no other bids)."""
    assert rule.ceiling is not None
    assert rule.floor is not None
    return (rule.ceiling - prices) / (rule.ceiling - rule.floor)


def proportional_penalty(prices: Array, ref: PriceReference, rule: PriceRule) -> Array:
    """v = 1 - (P - Pmin) / Pmin: a bid 10% dearer than the lowest scores 0.9."""
    return 1.0 - (prices - ref.lowest) / ref.lowest


def deviation_from_mean(prices: Array, ref: PriceReference, rule: PriceRule) -> Array:
    """v = 0.5 - (P - mean) / mean: the mean price scores half marks, one point per %."""
    return 0.5 - (prices - ref.mean) / ref.mean


def logarithmic(prices: Array, ref: PriceReference, rule: PriceRule) -> Array:
    """v = 1 - ln(P / Pmin) / ln A, with A the multiple of the lowest price that scores 0."""
    assert rule.zero_at_multiple is not None
    return 1.0 - np.log(prices / ref.lowest) / math.log(rule.zero_at_multiple)


@dataclass(frozen=True, slots=True)
class PriceFormula:
    function: Callable[[Array, PriceReference, PriceRule], Array]
    expression: str
    description: str
    relative: bool
    divides_by_price: bool


PRICE_FORMULAS: dict[PriceFormulaName, PriceFormula] = {
    "relative_to_lowest": PriceFormula(
        relative_to_lowest, "Pmin / P", "the lowest price divided by the bid's price", True, True
    ),
    "linear_range": PriceFormula(
        linear_range,
        "(Pmax - P) / (Pmax - Pmin)",
        "linear between the highest price (0) and the lowest (full marks)",
        True,
        False,
    ),
    "linear_to_ceiling": PriceFormula(
        linear_to_ceiling,
        "(Pc - P) / (Pc - Pmin)",
        "linear between the published ceiling (0) and the lowest price (full marks)",
        True,
        False,
    ),
    "absolute": PriceFormula(
        absolute,
        "(Pc - P) / (Pc - Pf)",
        "linear between the published ceiling (0) and floor (full marks), independent of "
        "other bids",
        False,
        False,
    ),
    "proportional_penalty": PriceFormula(
        proportional_penalty,
        "1 - (P - Pmin) / Pmin",
        "one percentage point lost for every 1% above the lowest price",
        True,
        True,
    ),
    "deviation_from_mean": PriceFormula(
        deviation_from_mean,
        "0.5 - (P - mean) / mean",
        "half marks at the mean price, one point per 1% away from it",
        True,
        True,
    ),
    "logarithmic": PriceFormula(
        logarithmic,
        "1 - ln(P / Pmin) / ln A",
        "logarithmic from the lowest price (full marks) to A times it (0)",
        True,
        True,
    ),
}


def price_values(prices: Array, reference: PriceReference, rule: PriceRule) -> Array:
    """Partial values of ``prices`` under ``rule``, clipped to [0, 1]."""
    raw = PRICE_FORMULAS[rule.formula].function(prices, reference, rule)
    return np.asarray(np.clip(raw, 0.0, 1.0), dtype=np.float64)


def price_reference(prices: Array) -> PriceReference:
    return PriceReference(
        lowest=float(prices.min()), highest=float(prices.max()), mean=float(prices.mean())
    )


# --- value functions for quantitative answers and scales ----------------------------------


@dataclass(frozen=True, slots=True)
class Bounds:
    """Observed answers of the reference bids (for observed-bounds value functions)."""

    low: float
    high: float


def linear_value(answers: Array, function: LinearValue) -> Array:
    """v = (x - worst) / (best - worst), clipped to [0, 1]; works in either direction."""
    return np.clip((answers - function.worst) / (function.best - function.worst), 0.0, 1.0)


def piecewise_value(answers: Array, function: PiecewiseValue) -> Array:
    """Linear interpolation through the declared (answer, value) points, flat beyond the ends."""
    xs = np.array([x for x, _ in function.points])
    vs = np.array([v for _, v in function.points])
    return np.asarray(np.interp(answers, xs, vs), dtype=np.float64)


def observed_value(answers: Array, bounds: Bounds, *, higher_is_better: bool) -> Array:
    """v = (x - min) / (max - min), or (max - x) / (max - min) when lower is better.

    min and max are over the reference bids; all bids score 1 when they are equal.
    """
    spread = bounds.high - bounds.low
    if spread == 0:
        return np.ones_like(answers)
    raw = (answers - bounds.low) / spread if higher_is_better else (bounds.high - answers) / spread
    return np.clip(raw, 0.0, 1.0)


def numeric_values(
    answers: Array,
    function: LinearValue | PiecewiseValue | ObservedValue,
    *,
    higher_is_better: bool,
    bounds: Bounds | None,
) -> Array:
    if isinstance(function, LinearValue):
        return linear_value(answers, function)
    if isinstance(function, PiecewiseValue):
        return piecewise_value(answers, function)
    assert bounds is not None
    return observed_value(answers, bounds, higher_is_better=higher_is_better)


def scale_values(scores: Array, low: float, high: float) -> Array:
    """v = (s - smin) / (smax - smin)."""
    return (scores - low) / (high - low)
