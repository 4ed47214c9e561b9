"""Switching values: how much a losing bid must improve, in the criterion's own units, to win.

For each losing bid and each weighted criterion, the raw input (scale score, answer, price)
at which the bid ties the best of the others is found by bisection on the exact re-scoring:
improving a bid's input never lowers its margin, so the margin changes sign at most once.
With formulas that depend on other bids, every step re-scores the column, so a price cut that
becomes the new lowest price lowers the others' price scores too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tenderscore.input.models import (
    LinearValue,
    NumericCriterion,
    ObservedValue,
    PiecewiseValue,
    RelativeToBestValue,
    ScaleCriterion,
)
from tenderscore.sensitivity.rescoring import Rescorer

ITERATIONS = 80
MAX_BIDS = 10


@dataclass(frozen=True, slots=True)
class SwitchingValue:
    """The input bid ``bid`` would need on ``criterion`` to tie the best of the other bids.

    ``needed`` is None when no input within the criterion's range is enough.
    """

    bid: str
    criterion: str
    kind: str
    unit: str
    current: float
    needed: float | None
    limit: float

    @property
    def change(self) -> float | None:
        return None if self.needed is None else self.needed - self.current


def switching_values(rescorer: Rescorer) -> list[SwitchingValue]:
    """The nearest ``MAX_BIDS`` losing bids against every weighted criterion and price.

    Further down the ranking the question stops being useful and the search (one exact
    re-scoring per bisection step) grows with the number of bids.
    """
    found = []
    weights = rescorer.model.weights
    for b in range(1, min(rescorer.model.size, MAX_BIDS + 1)):
        for j in range(len(rescorer.leaves)):
            if weights[j] <= 0 and j != rescorer.price_column:
                continue
            found.append(_switching_value(rescorer, b, j))
    return found


def _margin(rescorer: Rescorer, b: int, j: int, x: float) -> float:
    """Bid b's goodness less the best other bid's, with b's input on leaf j set to x."""
    raw = rescorer.raw.copy()
    raw[b, j] = x
    goodness = rescorer.goodness(rescorer.values(raw, changed=j), raw)
    return float(goodness[b] - np.delete(goodness, b).max())


def _switching_value(rescorer: Rescorer, b: int, j: int) -> SwitchingValue:
    leaf = rescorer.leaves[j]
    current = float(rescorer.raw[b, j])
    limit, unit = _best_input(rescorer, j)
    bid = rescorer.model.bids[b]
    if _margin(rescorer, b, j, limit) < 0:
        return SwitchingValue(bid, leaf.id, leaf.kind, unit, current, None, limit)
    low, high = current, limit  # margin(low) < 0 <= margin(high)
    for _ in range(ITERATIONS):
        middle = (low + high) / 2
        if _margin(rescorer, b, j, middle) >= 0:
            high = middle
        else:
            low = middle
    return SwitchingValue(bid, leaf.id, leaf.kind, unit, current, high, limit)


def _best_input(rescorer: Rescorer, j: int) -> tuple[float, str]:
    """The best input the criterion can take (as far as a search should go), and its unit."""
    leaf = rescorer.leaves[j]
    model = leaf.model
    column = rescorer.raw[:, j]
    if leaf.kind == "price":
        return float(column.min()) * 1e-6, "price"
    if isinstance(model, ScaleCriterion):
        return float(model.scale.max), f"points on the {model.scale.min}-{model.scale.max} scale"
    assert isinstance(model, NumericCriterion)
    unit = model.unit or ""
    function = model.value_function
    higher = model.direction == "higher_is_better"
    if isinstance(function, LinearValue):
        return function.best, unit
    if isinstance(function, PiecewiseValue):
        xs = [x for x, _ in function.points]
        return (xs[-1] if higher else xs[0]), unit
    if isinstance(function, RelativeToBestValue):  # answers stay above 0, as for a price
        return (float(column.max()) * 10 if higher else float(column.min()) * 1e-6), unit
    assert isinstance(function, ObservedValue)
    spread = float(np.ptp(column)) or 1.0
    return (float(column.max()) + 10 * spread) if higher else (
        float(column.min()) - 10 * spread
    ), unit
