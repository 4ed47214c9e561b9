"""From partial values to the figure that ranks the bids, with the published rounding.

One definition for the engine and for every re-scoring in the sensitivity analysis (weights
moved, scores or prices changed), so a rounding rule is applied identically everywhere:
points per criterion, then each top-level section's subtotal, then the total, each rounded
where the tender publishes it (``rules/rounding.py``). Arrays broadcast: values (m, n) with
weights (n,) in the engine; values (m, 1, n) or (m, K, n) with weights (K, n) in the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tenderscore.engine.results import Finding
from tenderscore.input.tender import Tender
from tenderscore.rules.aggregation import AGGREGATIONS, AggregationMethod
from tenderscore.rules.arrays import Array
from tenderscore.rules.ranking import Ranking, TieBreak, rank_by
from tenderscore.rules.rounding import NO_ROUNDING, STAGES, RoundingRule, Stage


@dataclass(frozen=True)
class Totals:
    """How a tender adds weighted points up into its ranking figure."""

    sections: Array
    """(S, n): 1 where a leaf lies below a top-level node (a section or a top-level leaf)."""
    method: AggregationMethod
    money_per_point: float
    rounding: RoundingRule

    def first_step(self) -> tuple[Stage, int] | None:
        """The first rounded stage whose figure moves with the weights, and its decimals:
        from there on figures move in steps as a weight moves. None: no such stage (rounded
        partial values do not depend on the weights; price-as-money methods add no
        section subtotals)."""
        used = ("points", "total") if self.method.price_as_money else STAGES[1:]
        for stage in used:
            decimals = getattr(self.rounding, stage)
            if decimals is not None:
                return stage, decimals
        return None

    def points(self, values: Array, weights: Array) -> Array:
        """100 x weight x v for every leaf, rounded as published."""
        return self.rounding.apply("points", 100.0 * values * weights)

    def section_points(self, points: Array) -> Array:
        """Each top-level node's subtotal (..., S), rounded as published."""
        return self.rounding.apply("section", points @ self.sections.T)

    def total(self, points: Array, prices: Array) -> Array:
        """The ranking figure from the leaves' points (..., n) and the prices.

        Under price per quality point and monetised quality the quality score is the sum of
        the points (the weights are the quality weights, summing to 1; a bid with no quality
        weight at all has quality 0)."""
        if self.method.price_as_money or self.rounding.section is None:
            figure = points.sum(axis=-1)
        else:
            figure = self.section_points(points).sum(axis=-1)
        total = self.method.numpy(figure, prices, self.money_per_point)
        return self.rounding.apply("total", total)


def tender_totals(tender: Tender, rounding: RoundingRule | None = None) -> Totals:
    """The tender's totals (``rounding`` replaces the published rule: the unrounded check)."""
    tree = tender.tree
    sections = np.zeros((len(tree.sections), len(tree.leaves)))
    for k, node_id in enumerate(tree.sections):
        sections[k, list(tree.nodes[node_id].leaves)] = 1.0
    config = tender.config
    return Totals(
        sections=sections,
        method=AGGREGATIONS[config.aggregation.method],
        money_per_point=config.aggregation.money_per_point or 0.0,
        rounding=config.rounding.rule() if rounding is None else rounding,
    )


ORDER_SHOWN = 5  # places listed when rounding changes the order


def rounding_finding(
    tender: Tender,
    rounded: Ranking,
    rounded_totals: Array,
    unrounded_values: Array,
    weights: Array,
    prices: Array,
    tie_breaks: Sequence[TieBreak],
) -> Finding | None:
    """A warning with both orders when the published rounding changed the ranking: the
    unrounded order differs, or rounding made a tie."""
    if not tender.config.rounding.rule().active or not rounded.groups:
        return None
    plain = tender_totals(tender, NO_ROUNDING)
    points = plain.points(unrounded_values, weights)
    totals = plain.total(points, prices)
    candidates = [i for group in rounded.groups for i in group]
    unrounded = rank_by(plain.method.goodness(totals), tie_breaks, points, prices, candidates)

    def tied(ranking: Ranking) -> set[int]:
        return {i for i in candidates if ranking.shared[i] or ranking.broken_by[i]}

    if unrounded.groups == rounded.groups and tied(rounded) <= tied(unrounded):
        return None
    ids = [bid.id for bid in tender.bids]

    def places(ranking: Ranking, figures: Array) -> str:
        shown = [
            f"{ranking.rank[group[0]]}. {', '.join(ids[i] for i in group)} "
            f"({figures[group[0]]:.10g})"
            for group in ranking.groups[:ORDER_SHOWN]
        ]
        return "; ".join(shown)

    return Finding(
        "rounding_changed_order",
        "the published rounding changes the ranking: unrounded "
        f"{places(unrounded, totals)}; rounded {places(rounded, rounded_totals)}.",
        bids=tuple(ids[i] for i in rounded.groups[0]),
    )
