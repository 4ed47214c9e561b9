"""Pydantic types for ``tender.yaml`` and criteria sets (bid files: ``tenderscore.input.bidfile``).

Models are frozen and reject unknown keys; field descriptions feed the published JSON Schema
(``tenderscore schema``) so that editors can autocomplete and check the YAML. Checks that need
more than one file (a bid answering a criterion that does not exist, say) live in
``tenderscore.input.consistency``.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from tenderscore.input.fields import (  # re-exported: the models' field types
    CURRENCY,
    LARGEST_SCALE,
    Day,
    Direction,
    FiniteFloat,
    Identifier,
    Money,
    Samples,
    Sampling,
    ScoreAggregation,
    Seed,
    StrictModel,
    Text,
    Weight,
)
from tenderscore.input.publication import Publication, Timeline
from tenderscore.rules.aggregation import AggregationName
from tenderscore.rules.price import PriceFormulaName, missing_parameters
from tenderscore.rules.rounding import RoundingRule

# --- criteria ----------------------------------------------------------------------------


class Minimum(StrictModel):
    """A minimum a bid must reach on a criterion or section, or be excluded."""

    percent: FiniteFloat | None = Field(
        None, ge=0, le=100, description="Minimum share of the node's maximum, in % (0-100)."
    )
    points: FiniteFloat | None = Field(
        None, ge=0, le=100, description="Minimum weighted points the node contributes to the total."
    )
    score: FiniteFloat | None = Field(
        None, description="Minimum consensus score on the scale (scale criteria only)."
    )

    @model_validator(mode="after")
    def _check_exactly_one(self) -> Minimum:
        given = [name for name in ("percent", "points", "score") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of percent, points or score; got {', '.join(given) or 'none'}"
            )
        return self


class NodeBase(StrictModel):
    id: Identifier
    name: Text = Field(description="Name shown to evaluators, committees and bidders.")
    description: str | None = Field(None, description="What the criterion is about.")
    rationale: str | None = Field(None, description="Why the criterion is asked (for the record).")
    source: str | None = Field(
        None, description="Guidance, law or standard the criterion rests on."
    )
    minimum: Minimum | None = Field(
        None, description="Exclude a bid that scores below this on the criterion or section."
    )


class WeightedNode(NodeBase):
    weight: Weight | None = Field(
        None,
        ge=0,
        description="Weight within the parent: a percentage (siblings sum to 100) or points, "
        "as the criteria set's 'weighting' says. In points weighting a section may omit it "
        "and then weighs the sum of its children.",
    )
    locked: bool = Field(False, description="Hold this weight fixed in sensitivity analysis.")


class Scale(StrictModel):
    """An evaluator scoring scale with a written descriptor for every point."""

    min: int = Field(0, description="Lowest score on the scale.")
    max: int = Field(5, description="Highest score on the scale.")
    descriptors: dict[int, Text] = Field(
        default_factory=dict,
        description="What each score means, e.g. 0: 'No response', 5: 'Excellent'.",
    )

    @model_validator(mode="after")
    def _check_scale(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max must be above min; got min {self.min}, max {self.max}")
        if self.max - self.min > LARGEST_SCALE or max(abs(self.min), abs(self.max)) > 1000:
            raise ValueError(
                f"a scoring scale spans at most {LARGEST_SCALE} points (e.g. 0-100); "
                f"got {self.min}-{self.max}"
            )
        stray = sorted(p for p in self.descriptors if not self.min <= p <= self.max)
        if stray:
            raise ValueError(f"descriptors must be for points {self.min}-{self.max}; got {stray}")
        return self


class ScaleCriterion(WeightedNode):
    kind: Literal["scale"]
    question: Text | None = Field(None, description="The question bidders answer.")
    scale: Scale = Field(default_factory=Scale)
    aggregate: ScoreAggregation | None = Field(
        None,
        description="How the panel's scores combine when no consensus is recorded "
        "(default: the tender's score_aggregation, itself 'mean').",
    )


class PriceCriterion(WeightedNode):
    kind: Literal["price"]
    question: Text | None = None


class LinearValue(StrictModel):
    type: Literal["linear"]
    worst: FiniteFloat = Field(description="Answer worth 0 (and anything worse).")
    best: FiniteFloat = Field(description="Answer worth full marks (and anything better).")

    @model_validator(mode="after")
    def _check_distinct(self) -> LinearValue:
        if self.worst == self.best:
            raise ValueError(f"worst and best must differ; both are {self.worst}")
        return self


class PiecewiseValue(StrictModel):
    type: Literal["piecewise"]
    points: list[Annotated[list[FiniteFloat], Field(min_length=2, max_length=2)]] = Field(
        min_length=2,
        description="[answer, value] pairs, answers strictly increasing, values in 0-1.",
    )

    @field_validator("points")
    @classmethod
    def _check_points(cls, points: list[list[float]]) -> list[list[float]]:
        xs = [x for x, _ in points]
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise ValueError(f"answers must be strictly increasing; got {xs}")
        if any(not 0 <= v <= 1 for _, v in points):
            raise ValueError(f"values must lie in 0-1; got {[v for _, v in points]}")
        return points


class ObservedValue(StrictModel):
    type: Literal["observed"]


class RelativeToBestValue(StrictModel):
    """value / best (higher is better) or best / value (lower is better), the best taken
    over the bids in contention; answers must be above 0."""

    type: Literal["relative_to_best"]


RelativeValue = ObservedValue | RelativeToBestValue
"""Value functions whose bounds come from the bids in contention."""

ValueFunction = Annotated[
    LinearValue | PiecewiseValue | ObservedValue | RelativeToBestValue,
    Field(discriminator="type"),
]


class NumericCriterion(WeightedNode):
    kind: Literal["numeric"]
    question: Text | None = None
    unit: str | None = Field(None, description="Unit of the answer, e.g. '%' or 'hours'.")
    direction: Direction
    value_function: ValueFunction

    @model_validator(mode="after")
    def _check_direction(self) -> NumericCriterion:
        vf = self.value_function
        higher = self.direction == "higher_is_better"
        if isinstance(vf, LinearValue) and (vf.best > vf.worst) != higher:
            raise ValueError(
                f"direction is {self.direction} but best ({vf.best}) is "
                f"{'below' if higher else 'above'} worst ({vf.worst})"
            )
        if isinstance(vf, PiecewiseValue):
            values = [v for _, v in vf.points]
            ordered = values == sorted(values, reverse=not higher)
            if not ordered:
                raise ValueError(
                    f"direction is {self.direction} but the piecewise values {values} are not "
                    f"{'non-decreasing' if higher else 'non-increasing'}"
                )
        return self


class GateCriterion(NodeBase):
    kind: Literal["pass_fail"]
    question: Text | None = Field(None, description="The requirement a bid must meet.")


def _node_tag(data: Any) -> str | None:
    """Pick the node type. Tags are spelled so they never collide with a key in the data,
    which lets error locations be mapped back onto the YAML unambiguously."""
    if isinstance(data, dict):
        if "children" in data:
            return "section node"
        kind = data.get("kind")
        return f"{kind} criterion" if isinstance(kind, str) else None
    return None


class Section(WeightedNode):
    children: list[Node] = Field(min_length=1, description="Criteria or sub-sections.")


Node = Annotated[
    Annotated[Section, Tag("section node")]
    | Annotated[ScaleCriterion, Tag("scale criterion")]
    | Annotated[PriceCriterion, Tag("price criterion")]
    | Annotated[NumericCriterion, Tag("numeric criterion")]
    | Annotated[GateCriterion, Tag("pass_fail criterion")],
    Discriminator(
        _node_tag,
        custom_error_type="node_kind",
        custom_error_message="expected a section (with 'children') or a criterion with kind "
        "scale, price, numeric or pass_fail",
    ),
]
Leaf = ScaleCriterion | PriceCriterion | NumericCriterion | GateCriterion
Section.model_rebuild()

Weighting = Literal["percent", "points"]


class CriteriaSet(StrictModel):
    """A reusable criteria file (``criteria/*.yaml`` or a tender's own)."""

    name: Identifier
    title: Text
    description: str | None = None
    version: str | None = None
    weighting: Weighting = "percent"
    criteria: list[Node] = Field(min_length=1)


# --- tender --------------------------------------------------------------------------------


class PriceRule(StrictModel):
    """How the price criterion turns a price into a score."""

    formula: PriceFormulaName = Field(
        "relative_to_lowest", description="Price scoring formula (see docs/input-format.md)."
    )
    ceiling: Money | None = Field(
        None, description="Published ceiling price (linear_to_ceiling, absolute)."
    )
    floor: Money | None = Field(None, description="Published floor price (absolute).")
    zero_at_multiple: FiniteFloat | None = Field(
        None, gt=1, description="Multiple of the lowest price that scores 0 (logarithmic)."
    )
    clip: bool = Field(
        True,
        description="Keep price scores within 0 and full marks (the default). false lets a "
        "formula's score go above full marks or below 0, as some published rules allow "
        "(deviation_from_mean, logarithmic, proportional_penalty can).",
    )

    @model_validator(mode="after")
    def _check_parameters(self) -> PriceRule:
        missing = missing_parameters(self.formula, self)
        if missing:
            raise ValueError(f"formula {self.formula} needs {' and '.join(missing)}")
        floor, ceiling = self.floor, self.ceiling
        if floor is not None and ceiling is not None and floor >= ceiling:
            raise ValueError(f"floor must be below ceiling; got floor {floor}, ceiling {ceiling}")
        return self


Decimals = Annotated[int, Field(ge=0, le=9)]


class Rounding(StrictModel):
    """Published rounding, in decimal places, half away from zero as Excel's ROUND does."""

    value: Decimals | None = Field(None, description="Each partial value v (0-1).")
    points: Decimals | None = Field(None, description="Each criterion's weighted points.")
    section: Decimals | None = Field(None, description="Each top-level section's subtotal.")
    total: Decimals | None = Field(None, description="The total that ranks the bids.")

    def rule(self) -> RoundingRule:
        return RoundingRule(self.value, self.points, self.section, self.total)


class Aggregation(StrictModel):
    """How criterion scores combine into the figure that ranks the bids."""

    method: AggregationName = Field(
        "weighted_sum",
        description="weighted_sum: 0-100 points, highest wins; price_per_quality_point: price / "
        "quality score, lowest wins; monetised_quality: price - quality points x "
        "money_per_point, lowest wins.",
    )
    money_per_point: Money | None = Field(
        None, description="Value of one quality point in the tender's currency (monetised_quality)."
    )

    @model_validator(mode="after")
    def _check_money(self) -> Aggregation:
        if self.method == "monetised_quality" and self.money_per_point is None:
            raise ValueError("method monetised_quality needs money_per_point")
        return self


class Evaluator(StrictModel):
    id: Identifier
    role: Text = Field(description="The evaluator's role (the record names roles, not people).")
    sections: list[Identifier] | None = Field(
        None, description="Ids of the sections or criteria this evaluator scores (default: all)."
    )


Mitigation = Literal["managed", "removed"]


class Declaration(StrictModel):
    """One person's declaration of interests for this procurement, and its assessment
    (Procurement Act 2023 s81-83): everyone who can influence the decision declares, "none"
    or the interest, before seeing any bid."""

    person: Identifier = Field(description="A panel member's id, or the id of another person.")
    role: Text = Field(description="Their role in the procurement.")
    declared: Day = Field(description="When the declaration was made (YYYY-MM-DD).")
    interest: Text = Field(description="'none', or the interest declared.")
    bids: list[Identifier] = Field(
        default_factory=list, description="The bids the interest concerns."
    )
    assessment: Text | None = Field(None, description="How the interest was assessed.")
    mitigation: Mitigation | None = Field(
        None,
        description="managed (disclosed, kept under review) or removed (takes no part in the "
        "evaluation: their scores cannot count).",
    )

    @property
    def conflicted(self) -> bool:
        return self.interest.strip().lower() != "none"

    @model_validator(mode="after")
    def _check_assessed(self) -> Declaration:
        if self.conflicted and not (self.bids and self.assessment and self.mitigation):
            raise ValueError(
                "an interest needs the bids it concerns, its assessment and a mitigation "
                "(managed or removed); write interest: none if there is none"
            )
        return self


class Scenario(StrictModel):
    """A named alternative weight set, evaluated side by side with the published weights."""

    description: str | None = None
    weights: dict[Identifier, Weight] = Field(
        min_length=1,
        description="Node id -> weight; each level is renormalised, so any scale will do.",
    )


class SensitivitySettings(StrictModel):
    """Defaults for `tenderscore sensitivity` (command-line options override them)."""

    samples: Samples = Field(20_000, description="Monte Carlo samples.")
    seed: Seed = Field(20_260_101, description="Seed: same seed, same results.")
    sampling: Sampling = Field(
        "dirichlet",
        description="Weight sampling: uniform (no preferences), dirichlet (around the stated "
        "weights), intervals (within declared ranges), rank (stated order only).",
    )
    concentration: FiniteFloat = Field(
        50.0, gt=0, description="Dirichlet concentration: higher keeps samples nearer the weights."
    )
    intervals: dict[Identifier, Annotated[list[FiniteFloat], Field(min_length=2, max_length=2)]] = (
        Field(
            default_factory=dict,
            description="Node id -> [low, high] weight within its parent, in % "
            "(intervals sampling).",
        )
    )
    score_uncertainty: bool = Field(
        True, description="Also resample scale scores from the panel's individual scores."
    )


class ModerationSettings(StrictModel):
    """When the panel's scores disagree enough to discuss at moderation."""

    disagreement_share: FiniteFloat = Field(
        0.3,
        gt=0,
        le=1,
        description="Flag a bid on a criterion when the range of scores reaches this share "
        "of the scale (0.3 as on Bonfire; VendorPanel uses 0.4).",
    )


class Disclosure(StrictModel):
    """What the public report shows of bidders' commercial information (the committee's
    documents show everything). Under a relative price formula a bid's price points and any
    one known price give its price: publishing section points and the winner's price lets a
    reader work out the others', whatever this says."""

    winner_price: bool = Field(
        True,
        description="Publish the successful tender's price (the contract value, which the "
        "award notice publishes anyway).",
    )
    losing_prices: bool = Field(
        False,
        description="Publish the other bids' prices and the figures they can be read from "
        "(price cuts needed to win, price-formula parameters, the value-for-money chart).",
    )


class TenderFile(StrictModel):
    """``tender.yaml``: what is bought, how it is scored, and by whom."""

    schema_version: Literal[1] = 1
    reference: Identifier = Field(description="The tender's reference; names the output files.")
    title: Text
    buyer: Text
    currency: str = Field("GBP", pattern=CURRENCY, description="ISO 4217 code.")
    term_years: int = Field(ge=1, le=50, description="Contract term in years, extensions included.")
    discount_rate: FiniteFloat | None = Field(
        None,
        ge=0,
        lt=1,
        description="Annual real discount rate for whole-life costs, e.g. 0.035 (HM Treasury "
        "Green Book); omit to compare undiscounted costs.",
    )
    criteria: Annotated[str, Field(min_length=1)] | Annotated[list[Node], Field(min_length=1)] = (
        Field(
            description="A shipped criteria set by name (see 'tenderscore criteria'), a path to a "
            "criteria file relative to tender.yaml, or the criteria tree inline."
        )
    )
    weighting: Weighting | None = Field(
        None, description="For inline criteria: percent (default) or points."
    )
    weights: dict[Identifier, Weight] = Field(
        default_factory=dict,
        description="Weights that replace those of a referenced criteria set, by node id.",
    )
    price: PriceRule = Field(default_factory=lambda: PriceRule())
    aggregation: Aggregation = Field(default_factory=lambda: Aggregation())
    score_aggregation: ScoreAggregation = Field(
        "mean", description="Default way to combine the panel's scores without a consensus."
    )
    tie_break: list[str] = Field(
        default_factory=list,
        description="Criterion or section ids (higher points win) and 'price' (lower wins), "
        "applied in order when totals tie.",
    )
    rounding: Rounding = Field(
        default_factory=lambda: Rounding(),
        description="Rounding the tender publishes, by stage: value, points, section, total.",
    )
    full_scoring: bool = Field(
        False,
        description="Score every bid, including those that failed a gate or were excluded on "
        "a ground. By default they are set aside before scoring: left out of the evaluators' "
        "sheets and the moderation agenda.",
    )
    disclosure: Disclosure = Field(
        default_factory=lambda: Disclosure(),
        description="What the public report may show: winner_price, losing_prices.",
    )
    panel: list[Evaluator] = Field(default_factory=list, description="The evaluation panel.")
    sole_evaluator_comments: bool = Field(
        False,
        description="Where one evaluator alone scores a criterion, let that evaluator's comment "
        "be the reason bidders read; otherwise every scored criterion needs the panel's agreed "
        "reason (consensus) before an award.",
    )
    conflicts: list[Declaration] = Field(
        default_factory=list,
        description="The conflicts assessment: a declaration per person who can influence the "
        "decision (panel members, moderators, the approving officer).",
    )
    abnormally_low_threshold: FiniteFloat = Field(
        0.15,
        gt=0,
        lt=1,
        description="Flag a price this share below the mean of the other bids for investigation.",
    )
    scenarios: dict[Identifier, Scenario] = Field(
        default_factory=dict, description="Named alternative weight sets, e.g. 'ethics-led'."
    )
    timeline: Timeline = Field(
        default_factory=lambda: Timeline(),
        description="The award's dates that are known: the standstill period is computed from "
        "the contract award notice.",
    )
    publication: Publication | None = Field(
        None,
        description="For the award's open data (tenderscore ocds): the OCID prefix, the "
        "buyer's identifier and the procurement method.",
    )
    sensitivity: SensitivitySettings = Field(default_factory=lambda: SensitivitySettings())
    moderation: ModerationSettings = Field(default_factory=lambda: ModerationSettings())
