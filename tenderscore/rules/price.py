"""Price formulas: a price P turned into a partial value v in [0, 1].

Relative formulas depend on the prices of the bids in contention (the reference set the
caller chooses); ``Pmin``, ``Pmax`` and ``mean`` are over that set. Each entry's docstring-like
``expression`` is the formula exactly as the reports print it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from tenderscore.rules.arrays import Array, clipped

PriceFormulaName = Literal[
    "relative_to_lowest",
    "linear_range",
    "linear_to_ceiling",
    "absolute",
    "proportional_penalty",
    "deviation_from_mean",
    "logarithmic",
]
PriceParameter = Literal["ceiling", "floor", "zero_at_multiple"]


class PriceParameters(Protocol):
    """The published parameters a formula may need (the tender's ``price:`` settings)."""

    @property
    def ceiling(self) -> float | None: ...
    @property
    def floor(self) -> float | None: ...
    @property
    def zero_at_multiple(self) -> float | None: ...
    @property
    def clip(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class PriceSettings:
    """Published parameters as plain values, e.g. read back from an export document."""

    ceiling: float | None = None
    floor: float | None = None
    zero_at_multiple: float | None = None
    clip: bool = True

    @classmethod
    def from_mapping(cls, rule: Mapping[str, Any]) -> PriceSettings:
        return cls(
            rule.get("ceiling"),
            rule.get("floor"),
            rule.get("zero_at_multiple"),
            bool(rule.get("clip", True)),
        )


@dataclass(frozen=True, slots=True)
class PriceReference:
    """Statistics of the reference bids' prices that relative formulas need."""

    lowest: float
    highest: float
    mean: float


@dataclass(frozen=True, slots=True)
class ExcelPrice:
    """Excel expressions the Excel form is written in: the bid's price cell and the reference
    statistics (MIN, MAX, AVERAGE over the eligible bids' prices)."""

    price: str
    lowest: str
    highest: str
    mean: str


NumpyForm = Callable[[Array, PriceReference, PriceParameters], Array]
ExcelForm = Callable[[ExcelPrice, PriceParameters], str]


@dataclass(frozen=True, slots=True)
class PriceFormula:
    """One price formula: its name, parameters, numpy and Excel forms (unclipped), and words."""

    name: PriceFormulaName
    parameters: tuple[PriceParameter, ...]
    numpy: NumpyForm
    excel: ExcelForm
    expression: str
    description: str
    relative: bool
    divides_by_price: bool


def _relative_to_lowest(p: Array, ref: PriceReference, rule: PriceParameters) -> Array:
    return ref.lowest / p


def _linear_range(p: Array, ref: PriceReference, rule: PriceParameters) -> Array:
    spread = ref.highest - ref.lowest
    if spread == 0:
        return np.where(p <= ref.highest, 1.0, 0.0)
    return (ref.highest - p) / spread


def _linear_range_excel(x: ExcelPrice, rule: PriceParameters) -> str:
    high, low = x.highest, x.lowest
    return f"IF({high}={low},IF({x.price}<={high},1,0),({high}-{x.price})/({high}-{low}))"


def _linear_to_ceiling(p: Array, ref: PriceReference, rule: PriceParameters) -> Array:
    ceiling = _required(rule.ceiling)
    spread = ceiling - ref.lowest
    if spread <= 0:
        return np.where(p <= ceiling, 1.0, 0.0)
    return (ceiling - p) / spread


def _linear_to_ceiling_excel(x: ExcelPrice, rule: PriceParameters) -> str:
    c = _required(rule.ceiling)
    return f"IF({c}-{x.lowest}<=0,IF({x.price}<={c},1,0),({c}-{x.price})/({c}-{x.lowest}))"


def _absolute(p: Array, ref: PriceReference, rule: PriceParameters) -> Array:
    ceiling, floor = _required(rule.ceiling), _required(rule.floor)
    return (ceiling - p) / (ceiling - floor)


def _absolute_excel(x: ExcelPrice, rule: PriceParameters) -> str:
    c, f = _required(rule.ceiling), _required(rule.floor)
    return f"({c}-{x.price})/({c}-{f})"


def _proportional_penalty(p: Array, ref: PriceReference, rule: PriceParameters) -> Array:
    return 1.0 - (p - ref.lowest) / ref.lowest


def _deviation_from_mean(p: Array, ref: PriceReference, rule: PriceParameters) -> Array:
    return 0.5 - (p - ref.mean) / ref.mean


def _logarithmic(p: Array, ref: PriceReference, rule: PriceParameters) -> Array:
    multiple = _required(rule.zero_at_multiple)
    return 1.0 - np.log(p / ref.lowest) / math.log(multiple)


def _logarithmic_excel(x: ExcelPrice, rule: PriceParameters) -> str:
    return f"1-LN({x.price}/{x.lowest})/LN({_required(rule.zero_at_multiple)})"


def _required(value: float | None) -> float:
    """A parameter the model validation guarantees for this formula."""
    assert value is not None
    return value


PRICE_FORMULAS: dict[PriceFormulaName, PriceFormula] = {
    formula.name: formula
    for formula in (
        PriceFormula(
            "relative_to_lowest",
            (),
            _relative_to_lowest,
            lambda x, rule: f"{x.lowest}/{x.price}",
            "Pmin / P",
            "the lowest price divided by the bid's price",
            relative=True,
            divides_by_price=True,
        ),
        PriceFormula(
            "linear_range",
            (),
            _linear_range,
            _linear_range_excel,
            "(Pmax - P) / (Pmax - Pmin)",
            "linear between the highest price (0) and the lowest (full marks)",
            relative=True,
            divides_by_price=False,
        ),
        PriceFormula(
            "linear_to_ceiling",
            ("ceiling",),
            _linear_to_ceiling,
            _linear_to_ceiling_excel,
            "(Pc - P) / (Pc - Pmin)",
            "linear between the published ceiling (0) and the lowest price (full marks)",
            relative=True,
            divides_by_price=False,
        ),
        PriceFormula(
            "absolute",
            ("floor", "ceiling"),
            _absolute,
            _absolute_excel,
            "(Pc - P) / (Pc - Pf)",
            "linear between the published ceiling (0) and floor (full marks), independent of "
            "other bids",
            relative=False,
            divides_by_price=False,
        ),
        PriceFormula(
            "proportional_penalty",
            (),
            _proportional_penalty,
            lambda x, rule: f"1-({x.price}-{x.lowest})/{x.lowest}",
            "1 - (P - Pmin) / Pmin",
            "one percentage point lost for every 1% above the lowest price",
            relative=True,
            divides_by_price=True,
        ),
        PriceFormula(
            "deviation_from_mean",
            (),
            _deviation_from_mean,
            lambda x, rule: f"0.5-({x.price}-{x.mean})/{x.mean}",
            "0.5 - (P - mean) / mean",
            "half marks at the mean price, one point per 1% away from it",
            relative=True,
            divides_by_price=True,
        ),
        PriceFormula(
            "logarithmic",
            ("zero_at_multiple",),
            _logarithmic,
            _logarithmic_excel,
            "1 - ln(P / Pmin) / ln A",
            "logarithmic from the lowest price (full marks) to A times it (0)",
            relative=True,
            divides_by_price=True,
        ),
    )
}


def price_values(
    prices: Array, reference: PriceReference, name: PriceFormulaName, rule: PriceParameters
) -> Array:
    """Partial values of ``prices`` under formula ``name``, clipped to [0, 1] unless the
    tender publishes ``clip: false`` (some rules let a score go above full marks or below 0:
    APUC's deviation from the mean does)."""
    values = PRICE_FORMULAS[name].numpy(prices, reference, rule)
    return clipped(values) if rule.clip else np.asarray(values, dtype=np.float64)


def price_excel(name: PriceFormulaName, cells: ExcelPrice, rule: PriceParameters) -> str:
    """The Excel form of formula ``name`` (no leading ``=``), clipped as the engine clips."""
    formula = PRICE_FORMULAS[name].excel(cells, rule)
    return f"MAX(0,MIN(1,{formula}))" if rule.clip else formula


def price_reference(prices: Array) -> PriceReference:
    return PriceReference(
        lowest=float(prices.min()), highest=float(prices.max()), mean=float(prices.mean())
    )


def missing_parameters(name: PriceFormulaName, rule: PriceParameters) -> list[str]:
    """The parameters formula ``name`` requires that ``rule`` does not give."""
    return [key for key in PRICE_FORMULAS[name].parameters if getattr(rule, key) is None]
