"""Re-score the bids in contention after changing their raw inputs or the price formula.

Criteria that depend on other bids (relative price formulas, observed bounds) are recomputed
over the bids present, so a price cut that moves the lowest price moves every bid's price
score: nothing is extrapolated. Eligibility is held as evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tenderscore.engine.results import Evaluation
from tenderscore.engine.scoring import depends_on_other_bids, leaf_values
from tenderscore.input.hierarchy import TreeNode
from tenderscore.input.models import PriceRule
from tenderscore.input.tender import Tender
from tenderscore.rules.arrays import Array
from tenderscore.sensitivity.model import RankingModel


@dataclass(frozen=True)
class Rescorer:
    model: RankingModel
    raw: Array
    leaves: tuple[TreeNode, ...]
    rule: PriceRule
    relative: tuple[int, ...]
    price_column: int | None

    def values(
        self,
        raw: Array,
        *,
        changed: int | None = None,
        present: NDArray[np.bool_] | None = None,
        rule: PriceRule | None = None,
    ) -> Array:
        """Partial values for ``raw`` (bids x leaves), relative columns recomputed.

        ``changed`` is a column whose raw inputs differ from the evaluation's; ``present``
        marks the bids that take part (to withdraw one); ``rule`` replaces the price formula.
        """
        values = self.model.values.copy()
        rule = rule or self.rule
        columns = set(self.relative)
        if changed is not None:
            columns.add(changed)
        if rule is not self.rule and self.price_column is not None:
            columns.add(self.price_column)
        rounding = self.model.totals.rounding if self.model.totals else None
        for j in sorted(columns):
            column = leaf_values(self.leaves[j], raw[:, j], rule=rule, reference=present)[0]
            values[:, j] = rounding.apply("value", column) if rounding else column
        return values

    def goodness(self, values: Array, raw: Array) -> Array:
        """(m,) goodness at the current weights."""
        prices = raw[:, self.price_column] if self.price_column is not None else None
        weights = self.model.weights[None, :]
        if self.model.rounded:
            rounded: Array = self.model.rounded_goodness(values[:, None, :], weights, prices)[0]
            return rounded
        points = 100.0 * values @ self.model.weights
        return self.model.goodness_from_points(points[:, None], weights, prices)[:, 0]


def rescorer(tender: Tender, evaluation: Evaluation, model: RankingModel) -> Rescorer:
    ranked = [bid for bid in evaluation.bids if bid.eligible]
    raw = np.array([[score.raw for score in bid.criteria] for bid in ranked]).reshape(
        len(ranked), len(tender.tree.leaves)
    )
    leaves = tender.tree.leaves
    price = [j for j, leaf in enumerate(leaves) if leaf.kind == "price"]
    return Rescorer(
        model=model,
        raw=raw,
        leaves=leaves,
        rule=tender.config.price,
        relative=tuple(j for j, leaf in enumerate(leaves) if depends_on_other_bids(tender, leaf)),
        price_column=price[0] if price else None,
    )
