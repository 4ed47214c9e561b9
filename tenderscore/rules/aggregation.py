"""Aggregation methods: how weighted partial values (and price) become the ranking figure.

Quality points Q are 100 x the weighted sum of the quality leaves' values, renormalised over
the quality weights when price enters the figure as money. The sensitivity analysis turns every
figure into a *goodness*, higher is better, so all methods share one code path there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from tenderscore.rules.arrays import Array

AggregationName = Literal["weighted_sum", "price_per_quality_point", "monetised_quality"]


@dataclass(frozen=True, slots=True)
class ExcelTotal:
    """Excel expressions the total is written in: the bid's quality points (or weighted sum),
    its price and the money value of a quality point."""

    points: str
    price: str
    money_per_point: float


@dataclass(frozen=True, slots=True)
class PairLines:
    """Two bids' quality points along a line of weights, Q(t) = q0 + q1 t, and their prices
    (arrays over pairs of bids a and b), for the closed-form stability intervals."""

    q0a: Array
    q1a: Array
    q0b: Array
    q1b: Array
    pa: Array
    pb: Array


PairMargin = Callable[[PairLines, float], tuple[Array, Array]]


@dataclass(frozen=True, slots=True)
class AggregationMethod:
    """One aggregation method: its figure in numpy and Excel, which way wins, and its words."""

    name: AggregationName
    parameters: tuple[str, ...]
    numpy: Callable[[Array, Array, float], Array]
    excel: Callable[[ExcelTotal], str]
    higher_is_better: bool
    pair_margin: PairMargin
    """(alpha, beta) with alpha + beta t > 0 exactly while bid a ranks above bid b."""
    label: str
    expression: str
    description: Callable[[float | None], str]
    undefined: str = ""
    """Why the figure can be undefined for a bid (it is then not ranked), if it can."""

    @property
    def price_as_money(self) -> bool:
        """Price enters the figure as money, so price leaves carry no weight."""
        return self.name != "weighted_sum"

    @property
    def unit(self) -> str:
        return " points" if self.name == "weighted_sum" else ""

    @property
    def direction_words(self) -> str:
        return "highest wins" if self.higher_is_better else "lowest wins"

    def goodness(self, figure: Array) -> Array:
        """The figure as a goodness, higher is better."""
        return figure if self.higher_is_better else -figure


def _weighted_sum(points: Array, prices: Array, money_per_point: float) -> Array:
    return points


def _price_per_quality_point(quality: Array, prices: Array, money_per_point: float) -> Array:
    """P / Q; a quality of 0 gives +inf (the bid cannot be ranked: the engine excludes it)."""
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(quality > 0, prices / np.where(quality > 0, quality, 1.0), np.inf)


def _monetised_quality(quality: Array, prices: Array, money_per_point: float) -> Array:
    return prices - quality * money_per_point


def _points_margin(x: PairLines, money_per_point: float) -> tuple[Array, Array]:
    """Qa(t) - Qb(t)."""
    return x.q0a - x.q0b, x.q1a - x.q1b


def _per_point_margin(x: PairLines, money_per_point: float) -> tuple[Array, Array]:
    """Pa / Qa < Pb / Qb  <=>  Pb Qa(t) - Pa Qb(t) > 0 (qualities positive)."""
    return x.pb * x.q0a - x.pa * x.q0b, x.pb * x.q1a - x.pa * x.q1b


def _money_margin(x: PairLines, c: float) -> tuple[Array, Array]:
    """Pa - c Qa < Pb - c Qb  <=>  c (Qa(t) - Qb(t)) - (Pa - Pb) > 0."""
    return c * (x.q0a - x.q0b) - (x.pa - x.pb), c * (x.q1a - x.q1b)


AGGREGATIONS: dict[AggregationName, AggregationMethod] = {
    "weighted_sum": AggregationMethod(
        "weighted_sum",
        (),
        _weighted_sum,
        lambda x: x.points,
        higher_is_better=True,
        pair_margin=_points_margin,
        label="Total",
        expression="U = 100 sum_j w_j v_j",
        description=lambda money: (
            "the weighted sum of the partial values, out of 100 (highest wins)."
        ),
    ),
    "price_per_quality_point": AggregationMethod(
        "price_per_quality_point",
        (),
        _price_per_quality_point,
        lambda x: f'IF({x.points}>0,{x.price}/{x.points},"")',
        higher_is_better=False,
        pair_margin=_per_point_margin,
        label="Price per quality point",
        expression="P / Q",
        description=lambda money: "the price divided by the quality score (lowest wins).",
        undefined="quality score is 0: price per point undefined",
    ),
    "monetised_quality": AggregationMethod(
        "monetised_quality",
        ("money_per_point",),
        _monetised_quality,
        lambda x: f"{x.price}-{x.points}*{x.money_per_point}",
        higher_is_better=False,
        pair_margin=_money_margin,
        label="Price less quality value",
        expression="P - c Q",
        description=lambda money: f"the price less {money} per quality point (lowest wins).",
    ),
}
