"""Moderation analytics: where the panel disagreed, who scores high or low, how reliable the
panel is, and which written reasons would not survive a challenge.

Pure functions over a loaded ``Tender``; ``moderate`` returns everything the moderation
agenda, the workbook and the report need.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tenderscore.checks import assigned_evaluators
from tenderscore.models import ScaleCriterion
from tenderscore.tender import Tender

MIN_REASON_WORDS = 6
RESTATEMENT_SIMILARITY = 0.8
SHARED_WORDS = 0.5
WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class ReasonProblem:
    """A comment that would not explain a score to a bidder or a court."""

    evaluator: str
    problem: str


@dataclass(frozen=True, slots=True)
class ModerationItem:
    """One bid on one scale criterion: the panel's scores and what needs discussing."""

    criterion: str
    bid: str
    scores: dict[str, float]
    consensus: float | None
    consensus_reason: str | None
    spread: float
    spread_share: float
    disputed: bool
    reasons: tuple[ReasonProblem, ...]

    @property
    def delta(self) -> dict[str, float]:
        """How far the recorded consensus moved each evaluator's score."""
        if self.consensus is None:
            return {}
        return {e: self.consensus - s for e, s in self.scores.items()}


@dataclass(frozen=True, slots=True)
class EvaluatorProfile:
    """Leniency (mean deviation from the rest of the panel, in scale points; positive scores
    high) and how often the evaluator is the panel's outlier."""

    evaluator: str
    role: str
    scored: int
    leniency: float
    outlier_share: float


@dataclass(frozen=True)
class Moderation:
    items: tuple[ModerationItem, ...]
    evaluators: tuple[EvaluatorProfile, ...]
    agreement: dict[str, float | None]
    disagreement_share: float

    @property
    def agenda(self) -> tuple[ModerationItem, ...]:
        """Items needing discussion, most disputed first, then those with weak reasons."""
        flagged = [i for i in self.items if i.disputed or i.reasons]
        return tuple(
            sorted(flagged, key=lambda i: (-i.disputed, -i.spread_share, i.criterion, i.bid))
        )


def krippendorff_alpha_interval(units: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha with the interval metric (Krippendorff 2011, coincidence form).

    ``units`` holds, per unit (a bid on a criterion), the values given by each coder, None
    where a coder gave none. alpha = 1 - D_o / D_e: D_o averages squared differences within
    units (each unit's pairs weighted 1 / (m_u - 1)), D_e over all pairable values. None when
    there is nothing to compare or every value is the same.
    """
    pairable = [np.array([v for v in unit if v is not None], dtype=float) for unit in units]
    pairable = [values for values in pairable if len(values) >= 2]
    if not pairable:
        return None
    everything = np.concatenate(pairable)
    n = len(everything)
    observed = sum(_squared_differences(v) / (len(v) - 1) for v in pairable) / n
    expected = _squared_differences(everything) / (n * (n - 1))
    if expected == 0:
        return None
    return float(1.0 - observed / expected)


class ReasonLint:
    """Checks comments against one criterion's texts (its name, question, descriptors).

    The reference texts are indexed once per criterion; each comment then costs a few cheap
    upper bounds, and a full comparison only when it could be a restatement.
    """

    def __init__(self, references: Sequence[str]) -> None:
        self.references = [
            (
                set(WORD.findall(text.lower())),
                difflib.SequenceMatcher(None, b=text.strip().lower(), autojunk=False),
            )
            for text in references
            if text.strip()
        ]

    def __call__(self, comment: str | None) -> str | None:
        """Why ``comment`` is a weak reason, or None: missing, too short, or a restatement
        of the criterion or of a scale descriptor rather than a reference to the bid."""
        if comment is None or not comment.strip():
            return "no reason given"
        words = WORD.findall(comment)
        if len(words) < MIN_REASON_WORDS:
            return f"reason too short ({len(words)} words)"
        text = comment.strip().lower()
        vocabulary = {word.lower() for word in words}
        for reference_words, matcher in self.references:
            shared = len(vocabulary & reference_words) / len(vocabulary | reference_words)
            if shared < SHARED_WORDS:
                continue  # a restatement shares most of its words; the bid's evidence does not
            matcher.set_seq1(text)
            if matcher.ratio() >= RESTATEMENT_SIMILARITY:
                return "reason restates the criterion or a scale descriptor"
        return None


def _squared_differences(values: np.ndarray) -> float:
    """Sum over ordered pairs i != j of (v_i - v_j)^2 = 2 m sum(v^2) - 2 (sum v)^2, in O(m)."""
    return float(2 * len(values) * (values**2).sum() - 2 * values.sum() ** 2)


def lint_reason(comment: str | None, references: Sequence[str]) -> str | None:
    """``ReasonLint(references)(comment)``, for a single comment."""
    return ReasonLint(references)(comment)


def moderate(tender: Tender) -> Moderation:
    """Moderation statistics for every scale criterion of ``tender``."""
    disagreement_share = tender.config.moderation.disagreement_share
    items: list[ModerationItem] = []
    deviations: dict[str, list[float]] = {e.id: [] for e in tender.config.panel}
    outliers: dict[str, int] = {e.id: 0 for e in tender.config.panel}
    sections: dict[str, list[list[float | None]]] = {}
    panel = [e.id for e in tender.config.panel]
    for leaf in tender.tree.leaves:
        model = leaf.model
        if not isinstance(model, ScaleCriterion):
            continue
        width = model.scale.max - model.scale.min
        evaluators = assigned_evaluators(tender.config, tender.tree, leaf.id)
        lint = ReasonLint([leaf.name, model.question or "", *model.scale.descriptors.values()])
        top = leaf.id
        for node in tender.tree.ancestors(leaf.id):
            top = node.id
        for bid in tender.bids:
            entries = bid.scores[leaf.id]
            given = {e: entries[e].score for e in evaluators}
            spread = float(max(given.values()) - min(given.values())) if given else 0.0
            consensus = bid.consensus.get(leaf.id)
            reasons = tuple(
                ReasonProblem(e, problem)
                for e in evaluators
                if (problem := lint(entries[e].comment))
            )
            items.append(
                ModerationItem(
                    criterion=leaf.id,
                    bid=bid.id,
                    scores=given,
                    consensus=consensus.score if consensus else None,
                    consensus_reason=consensus.reason if consensus else None,
                    spread=spread,
                    spread_share=spread / width,
                    disputed=spread >= disagreement_share * width - 1e-12 and spread > 0,
                    reasons=reasons,
                )
            )
            _profile_unit(given, deviations, outliers)
            sections.setdefault(top, []).append(
                [(given[e] - model.scale.min) / width if e in given else None for e in panel]
            )
    roles = {e.id: e.role for e in tender.config.panel}
    profiles = tuple(
        EvaluatorProfile(
            evaluator=e,
            role=roles[e],
            scored=len(deviations[e]),
            leniency=float(np.mean(deviations[e])) if deviations[e] else 0.0,
            outlier_share=outliers[e] / len(deviations[e]) if deviations[e] else 0.0,
        )
        for e in panel
    )
    agreement = {section: krippendorff_alpha_interval(units) for section, units in sections.items()}
    return Moderation(tuple(items), profiles, agreement, disagreement_share)


def _profile_unit(
    given: dict[str, float], deviations: dict[str, list[float]], outliers: dict[str, int]
) -> None:
    """Each evaluator's deviation from the mean of the others; the single farthest is the
    unit's outlier (none when the panel agreed or two are equally far)."""
    if len(given) < 2:
        return
    total = sum(given.values())
    distances = {}
    for evaluator, score in given.items():
        others = (total - score) / (len(given) - 1)
        deviations[evaluator].append(score - others)
        distances[evaluator] = abs(score - others)
    farthest = max(distances.values())
    leaders = [e for e, d in distances.items() if d == farthest]
    if farthest > 0 and len(leaders) == 1:
        outliers[leaders[0]] += 1


def moderation_document(moderation: Moderation) -> dict[str, Any]:
    """Plain data for the JSON export, the workbook and the report."""
    return {
        "disagreement_share": moderation.disagreement_share,
        "agreement": moderation.agreement,
        "evaluators": [
            {
                "evaluator": profile.evaluator,
                "role": profile.role,
                "scored": profile.scored,
                "leniency": profile.leniency,
                "outlier_share": profile.outlier_share,
            }
            for profile in moderation.evaluators
        ],
        "agenda": [
            {
                "criterion": item.criterion,
                "bid": item.bid,
                "scores": item.scores,
                "consensus": item.consensus,
                "consensus_reason": item.consensus_reason,
                "spread": item.spread,
                "spread_share": item.spread_share,
                "disputed": item.disputed,
                "reasons": {reason.evaluator: reason.problem for reason in item.reasons},
                "delta": item.delta,
            }
            for item in moderation.agenda
        ],
        "moderated": [
            {
                "criterion": i.criterion,
                "bid": i.bid,
                "scores": i.scores,
                "consensus": i.consensus,
                "reason": i.consensus_reason,
                "delta": i.delta,
            }
            for i in moderation.items
            if i.consensus is not None
        ],
    }
