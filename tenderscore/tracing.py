"""Human-readable workings: each score written out as its formula with the numbers put in."""

from __future__ import annotations

from tenderscore.formulas import PRICE_FORMULAS
from tenderscore.hierarchy import TreeNode
from tenderscore.models import LinearValue, NumericCriterion, PiecewiseValue, ScaleCriterion
from tenderscore.tender import Tender


def number(value: float) -> str:
    """Money-sized figures with thousands separators, small ones to six significant digits."""
    if abs(value) >= 1000:
        return f"{value:,.2f}"
    return f"{value:.6g}"


def trace_cell(
    tender: Tender,
    leaf: TreeNode,
    *,
    raw: float,
    value: float,
    weight: float,
    points: float,
    reference: str | None,
    evaluator_scores: dict[str, float] | None,
    consensus: bool,
) -> tuple[str, str]:
    """(formula, working) for one bid on one leaf, ending with the weighted points."""
    formula, steps = _value_step(tender, leaf, raw, reference, evaluator_scores, consensus)
    working = (
        f"{steps} -> v = {value:.6f}; points = 100 x {weight:.6f} x {value:.6f} = {points:.6f}"
    )
    return formula, working


def _value_step(
    tender: Tender,
    leaf: TreeNode,
    raw: float,
    reference: str | None,
    evaluator_scores: dict[str, float] | None,
    consensus: bool,
) -> tuple[str, str]:
    model = leaf.model
    if leaf.kind == "price":
        rule = tender.config.price
        spec = PRICE_FORMULAS[rule.formula]
        params = [f"P = {number(raw)}"]
        if rule.ceiling is not None:
            params.append(f"Pc = {number(rule.ceiling)}")
        if rule.floor is not None:
            params.append(f"Pf = {number(rule.floor)}")
        if rule.zero_at_multiple is not None:
            params.append(f"A = {rule.zero_at_multiple:g}")
        if reference:
            params.append(reference)
        return f"{rule.formula}: v = {spec.expression}", f"{', '.join(params)}; clipped to 0-1"
    if isinstance(model, ScaleCriterion):
        low, high = model.scale.min, model.scale.max
        given = ", ".join(f"{e} {s:g}" for e, s in (evaluator_scores or {}).items())
        how = "consensus" if consensus else (model.aggregate or tender.config.score_aggregation)
        return (
            "scale: v = (s - smin) / (smax - smin)",
            f"s = {how} {raw:.6g} (panel: {given}); v = ({raw:.6g} - {low}) / ({high} - {low})",
        )
    assert isinstance(model, NumericCriterion)
    function = model.value_function
    if isinstance(function, LinearValue):
        return (
            "linear: v = (x - worst) / (best - worst), clipped to 0-1",
            f"x = {raw:g}; v = ({raw:g} - {function.worst:g}) / "
            f"({function.best:g} - {function.worst:g})",
        )
    if isinstance(function, PiecewiseValue):
        points = ", ".join(f"({x:g}, {v:g})" for x, v in function.points)
        return "piecewise linear through declared points", f"x = {raw:g}; points {points}"
    expression = (
        "(x - min) / (max - min)"
        if model.direction == "higher_is_better"
        else "(max - x) / (max - min)"
    )
    return f"observed bounds: v = {expression}", f"x = {raw:g}; {reference}"
