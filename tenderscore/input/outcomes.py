"""Why a bid is not ranked, typed, and which bids are scored at all (the stages).

Two kinds the engine finds from the scores (a failed gate, a minimum not met); four are
recorded by the procurement officer in the bid file's ``outcome`` (withdrawn, late, excluded
on a ground, abnormally low tender disregarded after investigation). Each kind has its own
wording in every output (``tenderscore.report.wording.OUTCOME_TITLES``).

Gates and declared outcomes are settled before scoring. A bid that failed a gate or was
excluded is set aside: it is left out of the evaluators' sheets and the moderation agenda and
needs no scores, unless the tender asks for ``full_scoring``. Withdrawn and late bids are never
scored; an abnormally low tender is always scored, since its price is judged against the
evaluation, and is then disregarded without setting the lowest price.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tenderscore.input.bidfile import BidFile
from tenderscore.input.hierarchy import CriteriaTree, TreeNode
from tenderscore.input.models import TenderFile

ExclusionKind = Literal["gate", "minimum", "excluded", "abnormally_low", "withdrawn", "late"]
NEVER_SCORED: frozenset[ExclusionKind] = frozenset({"withdrawn", "late"})
SCORED_ONLY_IN_FULL: frozenset[ExclusionKind] = frozenset({"gate", "excluded"})


@dataclass(frozen=True, slots=True)
class GateOutcome:
    criterion: str
    passed: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Why a bid cannot be ranked: its ``kind``, the criterion concerned (for a gate or a
    minimum) and the reason in words."""

    kind: ExclusionKind
    criterion: str | None
    reason: str


def gate_outcome(bid: BidFile, gate: TreeNode) -> GateOutcome | None:
    """The bid's answer to ``gate``, or None when it gave none (a withdrawn bid need not)."""
    answer = bid.answers.get(gate.id)
    if answer is None:
        return None
    if isinstance(answer, dict):
        return GateOutcome(gate.id, answer.get("answer") == "pass", answer.get("note"))
    return GateOutcome(gate.id, answer == "pass")


def gate_exclusion(gate: TreeNode, outcome: GateOutcome) -> Exclusion:
    note = f" ({outcome.note})" if outcome.note else ""
    return Exclusion("gate", gate.id, f"gate {gate.name!r} answered fail{note}")


def declared_exclusion(bid: BidFile) -> Exclusion | None:
    """The exclusion the bid's recorded outcome makes: its reason, then the ground relied on
    or the investigation that led to disregarding it."""
    outcome = bid.outcome
    if outcome is None:
        return None
    reason = outcome.reason.rstrip()
    if outcome.ground:
        reason += f" Ground: {outcome.ground}"
    if outcome.status == "abnormally_low" and bid.investigation:
        reason += f" Investigation: {bid.investigation}"
    return Exclusion(outcome.status, None, reason)


def exclusions_before_scoring(tree: CriteriaTree, bid: BidFile) -> tuple[Exclusion, ...]:
    """The bid's declared outcome, then every gate it failed."""
    declared = declared_exclusion(bid)
    found = [declared] if declared else []
    for gate in tree.gates:
        outcome = gate_outcome(bid, gate)
        if outcome is not None and not outcome.passed:
            found.append(gate_exclusion(gate, outcome))
    return tuple(found)


def is_scored(config: TenderFile, exclusions: Iterable[Exclusion]) -> bool:
    """Whether a bid with these exclusions (found before scoring) is scored; see the module
    docstring."""
    kinds = {exclusion.kind for exclusion in exclusions}
    if kinds & NEVER_SCORED:
        return False
    return config.full_scoring or not kinds & SCORED_ONLY_IN_FULL


def bid_is_scored(config: TenderFile, tree: CriteriaTree, bid: BidFile) -> bool:
    return is_scored(config, exclusions_before_scoring(tree, bid))
