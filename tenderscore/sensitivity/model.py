"""The ranking as a function of the weights, for the bids in contention.

Sensitivity analysis holds the bids in contention fixed (those the evaluation ranked) and asks
how their order moves with the weights or one bid's inputs. Every ranking figure is turned
into a *goodness*, higher is better, so the three aggregation methods share one code path:

- weighted sum: G = 100 w.v
- price per quality point: G = -P / Q with Q = 100 w.v / sum(w) over the quality leaves
- monetised quality: G = -(P - c Q)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tenderscore.engine.results import Evaluation
from tenderscore.engine.scoring import declared_tie_breaks
from tenderscore.engine.totals import Totals, tender_totals
from tenderscore.input.hierarchy import CriteriaTree, TreeNode
from tenderscore.input.tender import Tender
from tenderscore.rules.aggregation import AGGREGATIONS, AggregationMethod
from tenderscore.rules.arrays import Array
from tenderscore.rules.ranking import Ranking, TieBreak, rank_by

ROUNDED_BLOCK = 4_000_000  # values per block when points are rounded leaf by leaf (32 MB)


@dataclass(frozen=True)
class Group:
    """A weight the committee can move: a section or a leaf, as the leaves it covers.

    ``shares`` are the leaves' proportions within the group, kept when the group's weight moves.
    """

    id: str
    name: str
    leaves: tuple[int, ...]
    shares: Array = field(repr=False)
    weight: float
    top_level: bool


@dataclass(frozen=True)
class RankingModel:
    """Values, weights and prices of the bids in contention, with the aggregation method.

    Bids are in the evaluation's rank order: index 0 is the leader. ``ranks`` are the
    evaluation's ranks (equal where a place is shared after the declared tie-break).
    """

    bids: tuple[str, ...]
    names: tuple[str, ...]
    leaves: tuple[str, ...]
    values: Array
    weights: Array
    prices: Array
    method: AggregationMethod
    money_per_point: float
    locked: NDArray[np.bool_]
    quality: NDArray[np.bool_]
    ranks: tuple[int, ...] = ()
    tie_breaks: tuple[TieBreak, ...] = ()
    totals: Totals | None = None
    """The tender's totals when it publishes rounding (None: none, the fast path)."""

    @property
    def size(self) -> int:
        return len(self.bids)

    @property
    def rounded(self) -> bool:
        return self.totals is not None and self.totals.rounding.active

    def goodness(self, weights: Array) -> Array:
        """Goodness of every bid for each weight vector: (K, n) -> (K, m), higher is better."""
        weights = np.atleast_2d(weights)
        if self.rounded:
            return self.rounded_goodness(self.values[:, None, :], weights)
        return self.goodness_from_points(100.0 * self.values @ weights.T, weights).T

    def rounded_goodness(self, values: Array, weights: Array, prices: Array | None = None) -> Array:
        """(K, m) goodness with the published rounding at every stage, from values (m, 1, n)
        or (m, K, n) and weights (K, n): points leaf by leaf, in blocks of samples."""
        assert self.totals is not None
        prices = (self.prices if prices is None else prices)[:, None]
        count, m = len(weights), self.size
        block = max(1, ROUNDED_BLOCK // max(1, m * len(self.leaves)))
        goodness = np.empty((count, m))
        for start in range(0, count, block):
            part = slice(start, start + block)
            chunk = values if values.shape[1] == 1 else values[:, part]
            points = self.totals.points(chunk, weights[None, part])
            with np.errstate(over="ignore", divide="ignore"):
                total = self.totals.total(points, prices)
            goodness[part] = self.method.goodness(total).T
        return goodness

    def goodness_from_points(
        self, points: Array, weights: Array, prices: Array | None = None
    ) -> Array:
        """(m, K) goodness from (m, K) weighted points 100 w.v and the (K, n) weights.

        ``prices`` replaces the bids' prices (a price cut being tried).
        """
        if not self.method.price_as_money:
            return self.method.goodness(points)
        total = weights[:, self.quality].sum(axis=1)
        quality = points / np.where(total > 0, total, 1.0)
        prices = (self.prices if prices is None else prices)[:, None]
        with np.errstate(over="ignore"):  # a vanishing quality ranks last (-inf)
            return self.method.goodness(self.method.numpy(quality, prices, self.money_per_point))

    def rank(
        self,
        goodness: Array,
        weights: Array | None = None,
        values: Array | None = None,
        prices: Array | None = None,
        among: Sequence[int] | None = None,
    ) -> Ranking:
        """The engine's ranking for one set of figures: ``goodness`` (m,) first, then the
        declared tie-break on the points at ``weights`` of ``values`` and ``prices`` (each
        defaults to the evaluation's), so every re-ranking breaks a tie as the evaluation
        did. ``among`` ranks only those bids (a withdrawal)."""
        weights = self.weights if weights is None else weights
        values = self.values if values is None else values
        prices = self.prices if prices is None else prices
        points = self.totals.points(values, weights) if self.totals else 100.0 * values * weights
        return rank_by(goodness, self.tie_breaks, points, prices, among)

    def first_place(self, weights: Array) -> tuple[int, ...]:
        """The bid, or bids sharing first place, at ``weights`` (n,)."""
        return self.rank(self.goodness(weights)[0], weights).groups[0]

    def figure(self, goodness: Array) -> Array:
        """The figure users read (points, price per point, money) from a goodness."""
        return self.method.goodness(goodness)  # its own inverse: a sign


def ranking_model(tender: Tender, evaluation: Evaluation) -> RankingModel:
    """The model of ``evaluation``'s ranked bids, in rank order (the leader first)."""
    eligible = [i for i, bid in enumerate(evaluation.bids) if bid.eligible]
    ranked = [evaluation.bids[i] for i in eligible]
    prices = np.array([bid.price.price if bid.price else np.nan for bid in ranked])
    tree = tender.tree
    return RankingModel(
        bids=tuple(bid.id for bid in ranked),
        names=tuple(bid.name for bid in ranked),
        leaves=evaluation.leaves,
        values=evaluation.values[eligible],
        weights=evaluation.weights.copy(),
        prices=prices,
        method=AGGREGATIONS[evaluation.method],
        money_per_point=tender.config.aggregation.money_per_point or 0.0,
        locked=np.array([_is_locked(tree, leaf) for leaf in tree.leaves], dtype=bool),
        quality=np.array([leaf.kind != "price" for leaf in tree.leaves], dtype=bool),
        ranks=tuple(bid.rank or 0 for bid in ranked),
        tie_breaks=declared_tie_breaks(tender),
        totals=tender_totals(tender) if tender.config.rounding.rule().active else None,
    )


def _is_locked(tree: CriteriaTree, leaf: TreeNode) -> bool:
    lineage = [leaf, *tree.ancestors(leaf.id)]
    return any(getattr(node.model, "locked", False) for node in lineage)


def weight_groups(tree: CriteriaTree, model: RankingModel) -> list[Group]:
    """The top-level sections and every weighted leaf, as groups of leaves.

    When price enters the figure as money, price leaves carry no weight: a group of price
    leaves only is left out, and a section's price leaves get no share of its weight.
    """
    groups = []
    seen: set[tuple[int, ...]] = set()
    # a criterion at the top level, or the only leaf of its section, moves the same weight as
    # its section: one group, not two
    for node_id in dict.fromkeys([*tree.sections, *(leaf.id for leaf in tree.leaves)]):
        group = _group(tree, model, tree.nodes[node_id])
        if group is None or group.leaves in seen:
            continue
        seen.add(group.leaves)
        groups.append(group)
    return groups


def section_groups(tree: CriteriaTree, model: RankingModel) -> list[tuple[Group, Group]]:
    """(criterion, its section) for every weighted criterion below the top level whose
    section has another weighted criterion to make room: the within-section intervals."""
    pairs = []
    for leaf in tree.leaves:
        if leaf.parent is None:
            continue
        group, section = _group(tree, model, leaf), _group(tree, model, tree.nodes[leaf.parent])
        if group is None or section is None or len(section.leaves) < 2:
            continue
        pairs.append((group, section))
    return pairs


def _group(tree: CriteriaTree, model: RankingModel, node: TreeNode) -> Group | None:
    """``node`` as a group of leaves, or None when it carries no weight that can move."""
    usable = model.quality if model.method.price_as_money else np.ones(len(model.leaves), bool)
    leaves = np.array(node.leaves, dtype=np.intp)
    if not len(leaves) or not usable[leaves].any():
        return None
    inner = model.weights[leaves]
    shares = inner / inner.sum() if inner.sum() > 0 else _stated_shares(tree, node)
    shares = np.where(usable[leaves], shares, 0.0)
    shares /= shares.sum()
    return Group(
        id=node.id,
        name=node.name,
        leaves=node.leaves,
        shares=shares,
        weight=float(inner.sum()),
        top_level=node.depth == 0,
    )


def _stated_shares(tree: CriteriaTree, node: TreeNode) -> Array:
    """Leaf proportions inside a node from the local weights below it (node weight 0)."""
    shares = []
    for index in node.leaves:
        leaf = tree.leaves[index]
        share = 1.0
        current: TreeNode | None = leaf
        while current is not None and current.id != node.id:
            share *= current.local_weight
            current = tree.nodes[current.parent] if current.parent else None
        shares.append(share)
    total = sum(shares)
    return np.array(shares) / total if total > 0 else np.full(len(shares), 1 / len(shares))
