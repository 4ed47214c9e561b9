"""The field types and the base model every input file's models share (``models``,
``bidfile``, ``publication``): one definition of what an identifier, a text, an amount of
money or a weight may be."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

Identifier = Annotated[
    str,
    Field(
        pattern=IDENTIFIER,
        max_length=64,
        description="Short stable id: letters, digits, '_', '.', '-'; used in files and on the "
        "command line.",
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
LARGEST = 1e15
"""The largest magnitude of any figure a person types: a thousand million million, beyond any
public contract's value, yet far enough below float's range that sums over a term's years and
lines, products with weights and spreads between bids can never overflow."""
LARGEST_WEIGHT = 1e6
LARGEST_SCALE = 100  # points on a scoring scale: 0-100 is the widest in use

Money = Annotated[float, Field(ge=0, le=LARGEST, allow_inf_nan=False)]
FiniteFloat = Annotated[float, Field(ge=-LARGEST, le=LARGEST, allow_inf_nan=False)]
Weight = Annotated[float, Field(ge=0, le=LARGEST_WEIGHT, allow_inf_nan=False)]
FEWEST_SAMPLES, MOST_SAMPLES = 100, 10_000_000  # Monte Carlo samples: bounded work
LARGEST_SEED = 2**63 - 1
Samples = Annotated[int, Field(ge=FEWEST_SAMPLES, le=MOST_SAMPLES)]
Seed = Annotated[int, Field(ge=0, le=LARGEST_SEED)]
Direction = Literal["higher_is_better", "lower_is_better"]
ScoreAggregation = Literal["mean", "median"]
Sampling = Literal["uniform", "dirichlet", "intervals", "rank"]
NodeKind = Literal["section", "pass_fail", "scale", "numeric", "price"]
CURRENCY = r"^[A-Z]{3}$"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, hide_input_in_errors=True)


Day = Annotated[datetime.date, Field(strict=False)]
"""A date, written YYYY-MM-DD, quoted or not (YAML reads an unquoted one as a date, a quoted
one as text)."""
