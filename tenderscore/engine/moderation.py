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

from tenderscore.input.models import ScaleCriterion
from tenderscore.input.panel import assigned_evaluators
from tenderscore.input.tender import Tender

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
    by_size: dict[int, list[list[float]]] = {}
    for unit in units:
        values = [float(v) for v in unit if v is not None]
        by_size.setdefault(len(values), []).append(values)
    return _alpha([np.array(group).reshape(len(group), size) for size, group in by_size.items()])


def _alpha(blocks: Sequence[np.ndarray]) -> float | None:
    """``krippendorff_alpha_interval`` of units given as blocks: 2-D arrays, a unit per row,
    every value in a block pairable (one block per criterion, so the work is vectorised)."""
    pairable = [block for block in blocks if block.shape[0] and block.shape[1] >= 2]
    if not pairable:
        return None
    everything = np.concatenate([block.ravel() for block in pairable])
    n = len(everything)
    within = sum(
        float(_row_squared_differences(block).sum()) / (block.shape[1] - 1) for block in pairable
    )
    observed = within / n
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


def _row_squared_differences(block: np.ndarray) -> np.ndarray:
    """``_squared_differences`` of each row of ``block``."""
    m = block.shape[1]
    return np.asarray(2 * m * (block**2).sum(axis=1) - 2 * block.sum(axis=1) ** 2)


def lint_reason(comment: str | None, references: Sequence[str]) -> str | None:
    """``ReasonLint(references)(comment)``, for a single comment."""
    return ReasonLint(references)(comment)


def moderate(tender: Tender) -> Moderation:
    """Moderation statistics for every scale criterion of ``tender``."""
    disagreement_share = tender.config.moderation.disagreement_share
    items: list[ModerationItem] = []
    panel = [e.id for e in tender.config.panel]
    tally = _PanelTally(panel)
    sections: dict[str, list[np.ndarray]] = {}
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
        scores = np.array(
            [[bid.scores[leaf.id][e].score for e in evaluators] for bid in tender.bids], dtype=float
        ).reshape(len(tender.bids), len(evaluators))
        spreads = np.ptp(scores, axis=1) if evaluators else np.zeros(len(tender.bids))
        for bid, given_scores, spread in zip(
            tender.bids, scores.tolist(), spreads.tolist(), strict=True
        ):
            entries = bid.scores[leaf.id]
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
                    scores=dict(zip(evaluators, given_scores, strict=True)),
                    consensus=consensus.score if consensus else None,  # None: reason only
                    consensus_reason=consensus.reason if consensus else None,
                    spread=spread,
                    spread_share=spread / width,
                    disputed=spread >= disagreement_share * width - 1e-12 and spread > 0,
                    reasons=reasons,
                )
            )
        tally.add(evaluators, scores)
        sections.setdefault(top, []).append((scores - model.scale.min) / width)
    roles = {e.id: e.role for e in tender.config.panel}
    profiles = tuple(tally.profile(e, roles[e]) for e in panel)
    agreement = {section: _alpha(blocks) for section, blocks in sections.items()}
    return Moderation(tuple(items), profiles, agreement, disagreement_share)


class _PanelTally:
    """Each evaluator's deviations from the mean of the others, and how often they are the
    single farthest from it (none when the panel agreed or two are equally far)."""

    def __init__(self, panel: Sequence[str]) -> None:
        self.index = {evaluator: k for k, evaluator in enumerate(panel)}
        self.deviation = np.zeros(len(panel))
        self.scored = np.zeros(len(panel), dtype=int)
        self.outliers = np.zeros(len(panel), dtype=int)

    def add(self, evaluators: Sequence[str], scores: np.ndarray) -> None:
        """``scores``: a row per bid, a column per evaluator of ``evaluators``."""
        k = len(evaluators)
        if k < 2:
            return
        columns = np.array([self.index[e] for e in evaluators])
        others = (scores.sum(axis=1, keepdims=True) - scores) / (k - 1)
        deviation = scores - others
        self.deviation[columns] += deviation.sum(axis=0)
        self.scored[columns] += len(scores)
        distance = np.abs(deviation)
        farthest = distance.max(axis=1)
        single = ((distance == farthest[:, None]).sum(axis=1) == 1) & (farthest > 0)
        np.add.at(self.outliers, columns[distance.argmax(axis=1)[single]], 1)

    def profile(self, evaluator: str, role: str) -> EvaluatorProfile:
        k = self.index[evaluator]
        scored = int(self.scored[k])
        return EvaluatorProfile(
            evaluator=evaluator,
            role=role,
            scored=scored,
            leniency=float(self.deviation[k] / scored) if scored else 0.0,
            outlier_share=float(self.outliers[k] / scored) if scored else 0.0,
        )


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
