"""Human-readable workings: each score written out as its formula with the numbers put in.

A ``LeafTrace`` is made once per criterion; the working of a single cell is formatted only
when someone reads it (``CriterionScore.working``), so scoring 2,000 bids does not format
120,000 strings nobody looks at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tenderscore.figures import number
from tenderscore.input.hierarchy import TreeNode
from tenderscore.input.models import (
    LinearValue,
    NumericCriterion,
    PiecewiseValue,
    PriceRule,
    RelativeToBestValue,
    ScaleCriterion,
)
from tenderscore.rules.price import PRICE_FORMULAS


@dataclass(frozen=True, slots=True)
class LeafTrace:
    """How one criterion turns a raw input into a value: the formula and its parameters."""

    formula: str
    parameters: str
    kind: str
    aggregate: str = ""
    scale: tuple[int, int] = (0, 1)

    def working(
        self,
        *,
        raw: float,
        value: float,
        weight: float,
        points: float,
        evaluator_scores: Mapping[str, float] | None,
        consensus: bool,
    ) -> str:
        """The cell's arithmetic from raw input to weighted points."""
        if self.kind == "scale":
            low, high = self.scale
            given = ", ".join(f"{e} {s:g}" for e, s in (evaluator_scores or {}).items())
            how = "consensus" if consensus else self.aggregate
            step = (
                f"s = {how} {raw:.6g} (panel: {given}); v = ({raw:.6g} - {low}) / ({high} - {low})"
            )
        elif self.kind == "price":
            step = f"P = {number(raw)}; {self.parameters}"
        else:
            step = f"x = {raw:g}; {self.parameters}"
        return (
            f"{step} -> v = {value:.6f}; points = 100 x {weight:.6f} x {value:.6f} = {points:.6f}"
        )


def leaf_trace(
    leaf: TreeNode, *, rule: PriceRule, reference: str | None, score_aggregation: str
) -> LeafTrace:
    """The trace of ``leaf``; ``reference`` describes the bids a relative formula used."""
    model = leaf.model
    if leaf.kind == "price":
        params = []
        if rule.ceiling is not None:
            params.append(f"Pc = {number(rule.ceiling)}")
        if rule.floor is not None:
            params.append(f"Pf = {number(rule.floor)}")
        if rule.zero_at_multiple is not None:
            params.append(f"A = {rule.zero_at_multiple:g}")
        if reference:
            params.append(reference)
        expression = PRICE_FORMULAS[rule.formula].expression
        return LeafTrace(
            f"{rule.formula}: v = {expression}",
            ", ".join([*params, "clipped to 0-1" if rule.clip else "not clipped (as published)"]),
            "price",
        )
    if isinstance(model, ScaleCriterion):
        return LeafTrace(
            "scale: v = (s - smin) / (smax - smin)",
            "",
            "scale",
            aggregate=model.aggregate or score_aggregation,
            scale=(model.scale.min, model.scale.max),
        )
    assert isinstance(model, NumericCriterion)
    function = model.value_function
    if isinstance(function, LinearValue):
        return LeafTrace(
            "linear: v = (x - worst) / (best - worst), clipped to 0-1",
            f"worst = {function.worst:g}, best = {function.best:g}",
            "numeric",
        )
    if isinstance(function, PiecewiseValue):
        points = ", ".join(f"({x:g}, {v:g})" for x, v in function.points)
        return LeafTrace("piecewise linear through declared points", points, "numeric")
    higher = model.direction == "higher_is_better"
    if isinstance(function, RelativeToBestValue):
        expression = "x / best" if higher else "best / x"
        return LeafTrace(f"relative to the best bid: v = {expression}", reference or "", "numeric")
    expression = "(x - min) / (max - min)" if higher else "(max - x) / (max - min)"
    return LeafTrace(f"observed bounds: v = {expression}", reference or "", "numeric")
