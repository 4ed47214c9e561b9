"""Published rounding: Excel's ROUND, in numpy and in Excel, at the stages tenders state.

Tenders publish rounding ("scores rounded to two decimal places", "totals to two decimals"),
and the committee's workbook applies it with ROUND. Excel's ROUND rounds half away from zero
on the number as Excel shows it, its 15 significant decimal digits: ROUND(2.675, 2) is 2.68,
although the double nearest 2.675 lies below it (2.67499999999999982...), so binary half-up
and Python's round both give 2.67. ``excel_round`` reproduces Excel: it first reads the number
to 15 significant digits, then rounds that decimal half away from zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tenderscore.rules.arrays import Array

SIGNIFICANT = 15  # the digits Excel keeps and shows
TINY = 1e-200

Stage = Literal["value", "points", "section", "total"]
STAGES: tuple[Stage, ...] = ("value", "points", "section", "total")
STAGE_WORDS: dict[Stage, str] = {
    "value": "partial values",
    "points": "each criterion's weighted points",
    "section": "each top-level section's subtotal",
    "total": "the total",
}


@dataclass(frozen=True, slots=True)
class RoundingRule:
    """Decimal places at each stage (None: not rounded there)."""

    value: int | None = None
    points: int | None = None
    section: int | None = None
    total: int | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, stage) is not None for stage in STAGES)

    def apply(self, stage: Stage, x: Array) -> Array:
        """``x`` rounded as the tender publishes for ``stage`` (unchanged if it does not)."""
        decimals = getattr(self, stage)
        return x if decimals is None else excel_round(x, decimals)

    def excel(self, stage: Stage, expression: str) -> str:
        """``expression`` wrapped in ROUND for ``stage`` (unchanged if not rounded there)."""
        decimals = getattr(self, stage)
        return expression if decimals is None else f"ROUND({expression},{decimals})"

    def words(self) -> str:
        """The rule in the committee's words, or "" when nothing is rounded."""
        said = [
            f"{STAGE_WORDS[stage]} to {getattr(self, stage)} decimal places"
            for stage in STAGES
            if getattr(self, stage) is not None
        ]
        if not said:
            return ""
        return "Rounded as published (half away from zero, as Excel's ROUND): " + (
            "; ".join(said) + "."
        )


NO_ROUNDING = RoundingRule()


def excel_round(x: Array | float, decimals: int) -> Array:
    """Excel's ROUND(x, decimals), element by element: half away from zero on the
    15-significant-digit decimal value of x."""
    x = np.asarray(x, dtype=np.float64)
    sign = np.sign(x)
    scaled = np.abs(x) * 10.0**decimals
    scaled = np.where(scaled < TINY, 0.0, scaled)  # rounds to 0; 10^(14 - digits) overflows
    with np.errstate(divide="ignore", invalid="ignore"):
        digits = np.floor(np.log10(np.where(scaled > 0, scaled, 1.0)))
        unit = 10.0 ** (SIGNIFICANT - 1 - digits)
        shown = np.where(scaled > 0, np.round(scaled * unit) / unit, 0.0)
    rounded = np.floor(shown + 0.5)
    result = sign * rounded / 10.0**decimals
    return np.asarray(np.where(np.isfinite(x), result, x), dtype=np.float64)
