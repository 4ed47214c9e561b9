"""Whole-life cost: the price a bid is scored on, from its one-off, yearly and exit costs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tenderscore.rules.arrays import Array


class AdjustmentLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def quantity(self) -> float: ...
    @property
    def unit_cost(self) -> float: ...
    @property
    def recurring(self) -> bool: ...


class WholeLifeLike(Protocol):
    """A bid's whole-life cost model (``bids/*.yaml`` ``price.whole_life``)."""

    @property
    def one_off(self) -> Mapping[str, float]: ...
    @property
    def annual(self) -> Mapping[str, float | list[float]]: ...
    @property
    def exit(self) -> float: ...
    @property
    def adjustments(self) -> Sequence[AdjustmentLike]: ...


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


def whole_life_cost(cost: WholeLifeLike, *, term_years: int, rate: float) -> list[CostLine]:
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
