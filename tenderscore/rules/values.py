"""Value functions: a quantitative answer or an evaluator's score turned into v in [0, 1].

Functions with declared bounds (linear, piecewise, scale) give a bid a value that does not
depend on the other bids; ``observed`` and ``relative_to_best`` take their bounds from the
bids in contention, which the caller chooses, as relative price formulas do (see
``methods.md``: they can reorder bids when one is added or withdrawn).
Parameters are read from a mapping (the criterion's ``value_function`` or ``scale`` settings,
as validated or as saved in an export), so the numpy and Excel forms read the same keys.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tenderscore.rules.arrays import Array, clipped

ValueFunctionName = Literal["linear", "piecewise", "observed", "relative_to_best"]
Parameters = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Bounds:
    """Observed answers of the reference bids (for observed-bounds value functions)."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class ValueContext:
    """What a value function may need beyond its parameters."""

    higher_is_better: bool = True
    bounds: Bounds | None = None


@dataclass(frozen=True, slots=True)
class ExcelValue:
    """Excel expressions for the Excel form: the answer cell and the range of the eligible
    bids' answers (blank for the others), the reference set of relative functions."""

    answer: str
    reference: str = ""
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class ValueFunction:
    """One value function: name, parameters, numpy and Excel forms (clipped), and words."""

    name: str
    parameters: tuple[str, ...]
    numpy: Callable[[Array, Parameters, ValueContext], Array]
    excel: Callable[[ExcelValue, Parameters], str]
    expression: str
    description: str
    relative: bool


def _linear(x: Array, p: Parameters, context: ValueContext) -> Array:
    return clipped((x - p["worst"]) / (p["best"] - p["worst"]))


def _linear_excel(x: ExcelValue, p: Parameters) -> str:
    worst, best = p["worst"], p["best"]
    return f"MAX(0,MIN(1,({x.answer}-{worst})/({best}-{worst})))"


def _piecewise(x: Array, p: Parameters, context: ValueContext) -> Array:
    xs = np.array([point[0] for point in p["points"]], dtype=np.float64)
    vs = np.array([point[1] for point in p["points"]], dtype=np.float64)
    return np.asarray(np.interp(x, xs, vs), dtype=np.float64)


def _piecewise_excel(x: ExcelValue, p: Parameters) -> str:
    """Linear interpolation through the points, flat beyond the ends, as nested IFs."""
    points, a = p["points"], x.answer
    (x0, v0), vn = points[0], points[-1][1]
    formula = f"{vn}"
    for (xa, va), (xb, vb) in reversed(list(itertools.pairwise(points))):
        formula = f"IF({a}<={xb},{va}+({a}-{xa})*({vb}-{va})/({xb}-{xa}),{formula})"
    return f"IF({a}<={x0},{v0},{formula})"


def _observed(x: Array, p: Parameters, context: ValueContext) -> Array:
    bounds = context.bounds
    assert bounds is not None, "observed bounds come from the reference bids"
    spread = bounds.high - bounds.low
    if spread == 0:
        return np.ones_like(x)
    if context.higher_is_better:
        return clipped((x - bounds.low) / spread)
    return clipped((bounds.high - x) / spread)


def _observed_excel(x: ExcelValue, p: Parameters) -> str:
    low, high = f"MIN({x.reference})", f"MAX({x.reference})"
    numerator = f"({x.answer}-{low})" if x.higher_is_better else f"({high}-{x.answer})"
    return f"IF({high}={low},1,MAX(0,MIN(1,{numerator}/({high}-{low}))))"


def _relative_to_best(x: Array, p: Parameters, context: ValueContext) -> Array:
    """value / best when higher is better, best / value when lower is better; the answers
    are positive (input checks refuse 0 and below for this function)."""
    bounds = context.bounds
    assert bounds is not None, "the best answer comes from the reference bids"
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = x / bounds.high if context.higher_is_better else bounds.low / x
    return clipped(np.nan_to_num(ratio, nan=0.0, posinf=1.0))


def _relative_to_best_excel(x: ExcelValue, p: Parameters) -> str:
    ratio = (
        f"{x.answer}/MAX({x.reference})"
        if x.higher_is_better
        else (f"MIN({x.reference})/{x.answer}")
    )
    return f"MAX(0,MIN(1,{ratio}))"


def _scale(s: Array, p: Parameters, context: ValueContext) -> Array:
    low, high = p["min"], p["max"]
    return np.asarray((s - low) / (high - low), dtype=np.float64)


def _scale_excel(x: ExcelValue, p: Parameters) -> str:
    return f"({x.answer}-{p['min']})/({p['max']}-{p['min']})"


VALUE_FUNCTIONS: dict[ValueFunctionName, ValueFunction] = {
    "linear": ValueFunction(
        "linear",
        ("worst", "best"),
        _linear,
        _linear_excel,
        "(x - worst) / (best - worst), clipped to 0-1",
        "linear between the declared worst answer (0) and best answer (full marks)",
        relative=False,
    ),
    "piecewise": ValueFunction(
        "piecewise",
        ("points",),
        _piecewise,
        _piecewise_excel,
        "linear between the declared (answer, value) points, flat beyond the ends",
        "read from the published table of answers and values, linear in between",
        relative=False,
    ),
    "observed": ValueFunction(
        "observed",
        (),
        _observed,
        _observed_excel,
        "(x - min) / (max - min), or (max - x) / (max - min) when lower is better",
        "linear between the worst and best answers of the bids in contention",
        relative=True,
    ),
    "relative_to_best": ValueFunction(
        "relative_to_best",
        (),
        _relative_to_best,
        _relative_to_best_excel,
        "x / best when higher is better, best / x when lower is better",
        "in proportion to the best answer among the bids in contention (the best scores "
        "full marks)",
        relative=True,
    ),
}

SCALE = ValueFunction(
    "scale",
    ("min", "max"),
    _scale,
    _scale_excel,
    "(s - smin) / (smax - smin)",
    "the agreed score as a share of the scale",
    relative=False,
)
"""Evaluators' scores on a scale: the value function of every scale criterion."""


def numeric_values(
    answers: Array, name: ValueFunctionName, parameters: Parameters, context: ValueContext
) -> Array:
    """Partial values of quantitative ``answers`` under value function ``name``."""
    return VALUE_FUNCTIONS[name].numpy(answers, parameters, context)


def scale_values(scores: Array, low: float, high: float) -> Array:
    """v = (s - smin) / (smax - smin)."""
    return SCALE.numpy(scores, {"min": low, "max": high}, ValueContext())
