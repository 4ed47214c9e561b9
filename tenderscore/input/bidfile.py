"""Pydantic types for a bid file, ``bids/<anything>.yaml``: what the supplier offered, how
the panel scored it and, when it is not ranked for a reason outside scoring, what happened to
it (withdrawn, late, excluded on a ground, disregarded as abnormally low).

Like ``tenderscore.input.models``, frozen and strict; checks against the criteria live in
``tenderscore.input.consistency``.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from tenderscore.input.fields import FiniteFloat, Identifier, Money, StrictModel, Text
from tenderscore.input.publication import OrgIdentifier


class Adjustment(StrictModel):
    """A monetised adjustment, e.g. training days x cost per day."""

    name: Text
    quantity: FiniteFloat = Field(ge=0)
    unit_cost: FiniteFloat
    recurring: bool = Field(False, description="Incurred every contract year, not once.")


class WholeLifeCost(StrictModel):
    """Costs over the contract term; see docs/input-format.md for the discounting convention."""

    one_off: dict[str, Money] = Field(
        default_factory=dict, description="Costs incurred once at the start (year 0)."
    )
    annual: dict[str, Money | list[Money]] = Field(
        default_factory=dict,
        description="Yearly costs: one figure for every year, or a list with one per year.",
    )
    exit: Money = Field(0.0, description="Exit and transition cost at the end of the term.")
    adjustments: list[Adjustment] = Field(default_factory=list)


class PriceData(StrictModel):
    total: Money | None = Field(None, description="A single total price.")
    whole_life: WholeLifeCost | None = Field(None, description="A whole-life cost model.")
    note: str | None = None

    @model_validator(mode="after")
    def _check_one_form(self) -> PriceData:
        if (self.total is None) == (self.whole_life is None):
            raise ValueError("give exactly one of total or whole_life")
        return self


class EvaluatorScore(StrictModel):
    score: FiniteFloat
    comment: str | None = Field(None, description="The evaluator's reason, citing the bid.")


class Consensus(StrictModel):
    """The panel's agreed view of one criterion for one bid, recorded at moderation: the
    reason always, a moderated score when it replaces the panel's, and the words the bidder
    reads when they should differ from the reason."""

    score: FiniteFloat | None = Field(
        None,
        description="The moderated score, replacing the panel's mean or median; omit to keep "
        "the panel's score and record only the agreed reason.",
    )
    reason: Text = Field(description="The panel's agreed reason, citing the bid (mandatory).")
    feedback: Text | None = Field(
        None, description="What the bidder reads in its assessment summary, if not the reason."
    )


GateAnswer = Literal["pass", "fail"]


class GateResponse(StrictModel):
    answer: GateAnswer
    note: str | None = None


OutcomeStatus = Literal["withdrawn", "late", "excluded", "abnormally_low"]


class DeclaredOutcome(StrictModel):
    """Why a bid is not ranked, when the reason is not its scores (which the engine finds)."""

    status: OutcomeStatus = Field(
        description="withdrawn (by the bidder), late (received after the deadline), excluded "
        "(on an exclusion ground), or abnormally_low (disregarded after investigation, "
        "Procurement Act 2023 s19)."
    )
    reason: Text = Field(description="What happened and when, in words the bidder will read.")
    ground: Text | None = Field(
        None,
        description="For excluded: the ground relied on, e.g. 'discretionary exclusion ground, "
        "Procurement Act 2023 Schedule 7 paragraph 12 (professional misconduct)'.",
    )

    @model_validator(mode="after")
    def _check_ground(self) -> DeclaredOutcome:
        if self.status == "excluded" and self.ground is None:
            raise ValueError(
                "an exclusion names its ground: add ground, e.g. 'mandatory exclusion ground, "
                "Procurement Act 2023 Schedule 6 paragraph 1'"
            )
        if self.status != "excluded" and self.ground is not None:
            raise ValueError(f"ground is only for status excluded (this is {self.status})")
        return self


class Supplier(StrictModel):
    """Who the bidder is, as the assessment summaries and the award notice name it."""

    legal_name: Text
    address: Text | None = None
    identifier: OrgIdentifier | None = None
    email: Text | None = Field(None, description="The contact e-mail address.")


class OfficerRecord(StrictModel):
    """What the procurement officer records about a bid that arrived as workbooks
    (``responses/<bid id>/record.yaml``): the parts of a bid file a bidder never writes."""

    outcome: DeclaredOutcome | None = Field(
        None,
        description="Recorded by the procurement officer when the bid is not ranked for a "
        "reason outside scoring: withdrawn, late, excluded on a ground, or disregarded as "
        "abnormally low after investigation.",
    )
    investigation: Text | None = Field(
        None,
        description="For an abnormally low price: what the bidder was asked, what it answered "
        "and the conclusion (Procurement Act 2023 s19).",
    )
    notes: str | None = None

    @model_validator(mode="after")
    def _check_investigated(self) -> OfficerRecord:
        _require_investigation(self.outcome, self.investigation)
        return self


def _require_investigation(outcome: DeclaredOutcome | None, investigation: str | None) -> None:
    """A bid disregarded as abnormally low has its investigation on record."""
    if outcome and outcome.status == "abnormally_low" and not investigation:
        raise ValueError(
            "a bid disregarded as abnormally low needs its investigation recorded: add "
            "investigation (what the bidder was asked, what it answered, the conclusion)"
        )


class BidFile(OfficerRecord):
    """One supplier's bid: ``bids/<anything>.yaml``."""

    id: Identifier
    name: Text = Field(description="Supplier name as shown in reports (untrusted text).")

    @field_validator("name")
    @classmethod
    def _check_visible(cls, name: str) -> str:
        """A name every output can show: one made only of spaces or invisible format
        characters (zero-width spaces, joiners) would leave a blank where the winner is."""
        if not any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in name):
            raise ValueError("the supplier name has no visible character")
        return name

    price: PriceData | None = None
    answers: dict[str, Any] = Field(
        default_factory=dict,
        json_schema_extra={
            "additionalProperties": {
                "anyOf": [
                    {"type": "number"},
                    {"enum": ["pass", "fail"]},
                    GateResponse.model_json_schema(),
                ]
            }
        },
        description="Answers to numeric criteria (numbers) and gates ('pass' or 'fail').",
    )
    scores: dict[str, dict[str, EvaluatorScore]] = Field(
        default_factory=dict, description="criterion id -> evaluator id -> score and comment."
    )
    consensus: dict[str, Consensus] = Field(
        default_factory=dict, description="criterion id -> moderated score with its reason."
    )
    supplier: Supplier | None = Field(
        None, description="The supplier's identity (from its response form)."
    )
