"""The export document's types, and the check a saved export must pass before it is rendered.

A saved ``<reference>-evaluation.json`` is an input like any other: whoever holds it can edit
it. Its reference names the files ``export`` writes, bid ids name the summaries, and figures
from the method, the criteria and the bids are written into workbook formulas. Each of those is
checked with the rules tender.yaml is checked with (identifier patterns, numbers that are
numbers, the registered rule names), so that an edited export can neither write outside
``--out`` nor put text into a formula. Parts no renderer trusts this way are left unchecked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field, Strict, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from tenderscore.errors import InputError, Problem
from tenderscore.input.models import Identifier
from tenderscore.rules.aggregation import AggregationName
from tenderscore.rules.price import PriceFormulaName
from tenderscore.rules.values import ValueFunctionName

Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Count = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]


class TenderPart(TypedDict):
    reference: Identifier
    title: str
    buyer: str
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class PricePart(TypedDict):
    formula: PriceFormulaName
    ceiling: Number | None
    floor: Number | None
    zero_at_multiple: Number | None


class MethodPart(TypedDict):
    aggregation: AggregationName
    higher_is_better: Flag
    price: PricePart
    money_per_point: Number | None
    score_aggregation: Literal["mean", "median"]
    tie_break: list[Identifier]
    abnormally_low_threshold: Number | None
    disagreement_share: Number


class ScalePart(TypedDict):
    min: Count
    max: Count


class ValueFunctionPart(TypedDict):
    type: ValueFunctionName
    worst: NotRequired[Number]
    best: NotRequired[Number]
    points: NotRequired[list[Annotated[list[Number], Field(min_length=2, max_length=2)]]]


class SpecPart(TypedDict):
    scale: NotRequired[ScalePart]
    value_function: NotRequired[ValueFunctionPart]
    direction: NotRequired[Literal["higher_is_better", "lower_is_better"]]
    aggregate: NotRequired[Literal["mean", "median"] | None]


class CriterionPart(TypedDict):
    id: Identifier
    parent: Identifier | None
    kind: Literal["section", "pass_fail", "scale", "numeric", "price"]
    spec: SpecPart


class CellPart(TypedDict):
    criterion: Identifier
    raw: Number | None
    value: Number | None
    weight: Number
    points: Number | None
    evaluator_scores: dict[Identifier, Number] | None


class BidPart(TypedDict):
    id: Identifier
    name: str
    eligible: Flag
    total: Number | None
    criteria: list[CellPart]


class PanelPart(TypedDict):
    id: Identifier


class SavedExport(TypedDict):
    """What a saved export must hold where renderers rely on it (see the module docstring)."""

    tender: TenderPart
    method: MethodPart
    criteria: list[CriterionPart]
    sections: list[Identifier]
    bids: list[BidPart]
    panel: list[PanelPart]


_CHECK: TypeAdapter[SavedExport] = TypeAdapter(SavedExport)
SHOWN = 10  # problems listed before the rest are counted


def check_saved(path: Path, document: dict[str, Any]) -> None:
    """Raise InputError naming each field of ``document`` that breaks the rules, if any."""
    try:
        _CHECK.validate_python(document)  # validation only: the document is kept as it is
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        problems = [
            Problem(
                path,
                f"{_location(error['loc'])}: {error['msg']} (was it edited? run "
                "tenderscore evaluate again)",
            )
            for error in errors[:SHOWN]
        ]
        if len(errors) > SHOWN:
            problems.append(Problem(path, f"and {len(errors) - SHOWN} more problems like these"))
        raise InputError(problems) from None


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
