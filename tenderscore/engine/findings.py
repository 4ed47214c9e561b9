"""Warnings a committee must read before relying on a ranking.

None of these changes a score: they say when the result depends on something other than the
bid's own merits (other bids, a dominant weight, a tie) or when a price needs investigating.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import numpy as np

from tenderscore.engine.results import Evaluation, Finding
from tenderscore.input.models import NumericCriterion, ObservedValue, RelativeValue
from tenderscore.input.tender import Tender
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.rules.price import PRICE_FORMULAS

DOMINANT_WEIGHT = 0.70


def collect_findings(tender: Tender, evaluation: Evaluation) -> Iterator[Finding]:
    yield from _method_findings(tender, evaluation)
    yield from _weight_findings(evaluation)
    yield from _tie_findings(evaluation)
    yield from _price_findings(tender, evaluation)
    yield from _discrimination_findings(tender, evaluation)
    yield from _look_alike_findings(evaluation)
    yield from _timeline_findings(tender)


def _timeline_findings(tender: Tender) -> Iterator[Finding]:
    """Dates in tender.yaml that are out of order (the summaries after the award notice)."""
    for problem in tender.config.timeline.order_problems():
        yield Finding("timeline_order", f"timeline: {problem}")


def _method_findings(tender: Tender, evaluation: Evaluation) -> Iterator[Finding]:
    config = tender.config
    if not config.tie_break:
        yield Finding(
            "no_tie_break",
            "no tie-break rule is declared: bids with equal totals share a rank, and choosing "
            "between them would fall outside the published rules (declare one, e.g. "
            "tie_break: [ethics, price], before bids are opened)",
        )
    price_leaves = [leaf for leaf in tender.tree.leaves if leaf.kind == "price"]
    formula = PRICE_FORMULAS[config.price.formula]
    as_money = AGGREGATIONS[evaluation.method].price_as_money
    if price_leaves and not as_money and formula.relative:
        yield Finding(
            "relative_price_formula",
            f"price formula {config.price.formula} ({formula.expression}) scores each price "
            "against the other bids: adding or withdrawing a bid can reorder the others. The "
            "absolute formula (published floor and ceiling) avoids this.",
            criterion=price_leaves[0].id,
        )
    if price_leaves and as_money and price_leaves[0].effective_weight:
        yield Finding(
            "price_weight_not_used",
            f"aggregation {evaluation.method} uses the price itself, so the weight of "
            f"{price_leaves[0].id!r} is not used; quality weights are renormalised without it.",
            criterion=price_leaves[0].id,
        )
    for leaf in tender.tree.leaves:
        model = leaf.model
        if isinstance(model, NumericCriterion) and isinstance(model.value_function, RelativeValue):
            how = (
                "between the lowest and highest answers received"
                if isinstance(model.value_function, ObservedValue)
                else "against the best answer received"
            )
            yield Finding(
                "observed_bounds",
                f"{leaf.id!r} is scored {how}, so its scores depend on the other bids (adding "
                "or withdrawing a bid can reorder the others); declared worst and best values "
                "would not.",
                criterion=leaf.id,
            )
    if not evaluation.ranked:
        yield Finding("no_eligible_bids", "every bid was excluded; there is nothing to rank.")


def _weight_findings(evaluation: Evaluation) -> Iterator[Finding]:
    """A leaf carrying most of the weight. When price enters the figure as money, the
    weights are the quality score's only: the leaf decides the quality, not the result."""
    as_money = AGGREGATIONS[evaluation.method].price_as_money
    for leaf_id, weight in zip(evaluation.leaves, evaluation.weights, strict=True):
        if weight > DOMINANT_WEIGHT:
            decides = (
                "the quality score is decided by it alone (price enters the ranking as money)"
                if as_money
                else "the result will almost always be decided by it alone"
            )
            share = "the quality weight" if as_money else "the weight"
            yield Finding(
                "dominant_weight",
                f"{leaf_id!r} carries {100 * weight:.1f}% of {share}: {decides}.",
                criterion=leaf_id,
            )


def _tie_findings(evaluation: Evaluation) -> Iterator[Finding]:
    by_rank: dict[int, list[str]] = {}
    for bid in evaluation.ranked:
        if bid.rank_shared and bid.rank is not None:
            by_rank.setdefault(bid.rank, []).append(bid.id)
        if bid.tie_broken_by:
            yield Finding(
                "tie_broken",
                f"{bid.id!r} tied on the total and was placed {bid.rank} by the tie-break rule "
                f"({bid.tie_broken_by}).",
                bids=(bid.id,),
            )
    for rank, ids in sorted(by_rank.items()):
        yield Finding(
            "tie",
            f"{', '.join(ids)} share rank {rank}: the totals are equal and the declared "
            "tie-break rule does not separate them.",
            bids=tuple(ids),
        )


def _price_findings(tender: Tender, evaluation: Evaluation) -> Iterator[Finding]:
    priced = [bid for bid in evaluation.ranked if bid.price is not None]
    prices = np.array([bid.price.price for bid in priced if bid.price is not None])
    threshold = tender.config.abnormally_low_threshold
    if len(priced) >= 2:
        others_mean = (prices.sum() - prices) / (len(prices) - 1)
        for bid, price, mean in zip(priced, prices, others_mean, strict=True):
            if price < (1 - threshold) * mean:
                yield Finding(
                    "abnormally_low_price",
                    f"{bid.id!r} prices at {price:,.2f}, {100 * (1 - price / mean):.1f}% below "
                    f"the mean of the other bids ({mean:,.2f}): ask the supplier to explain "
                    "the price before relying on it (it is not excluded automatically).",
                    bids=(bid.id,),
                )
    ceiling = tender.config.price.ceiling
    if ceiling is not None:
        for bid in evaluation.bids:
            if bid.price is not None and bid.price.price > ceiling:
                scored = [cell.value for cell in bid.criteria if cell.kind == "price"]
                value = f"; its price scores {scored[0]:.4g} of 1" if scored else ""
                yield Finding(
                    "price_above_ceiling",
                    f"{bid.id!r} prices at {bid.price.price:,.2f}, above the published ceiling "
                    f"{ceiling:,.2f}{value}.",
                    bids=(bid.id,),
                )


def _discrimination_findings(tender: Tender, evaluation: Evaluation) -> Iterator[Finding]:
    eligible = np.array([bid.eligible for bid in evaluation.bids], dtype=bool)
    if eligible.sum() < 2:
        return
    values = evaluation.values[eligible]
    for j, leaf in enumerate(tender.tree.leaves):
        if evaluation.weights[j] > 0 and np.ptp(values[:, j]) <= 1e-12:
            yield Finding(
                "not_discriminating",
                f"every eligible bid scored the same on {leaf.id!r} ({values[0, j]:.4g} of 1): "
                f"its {100 * evaluation.weights[j]:.1f}% of the weight does not separate "
                "them, so the other criteria decide.",
                criterion=leaf.id,
            )


# Latin letters' commonest look-alikes in Cyrillic and Greek (after NFKC and casefolding).
_LOOK_ALIKES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u04bb\u0501"
    "\u03b1\u03bf\u03c1\u03c5\u03ba\u03bd\u03c7\u03b9",
    "aeopcyxijshdaopukvxi",
)


def name_likeness(name: str) -> str:
    """The form in which two supplier names that look the same on the page are equal:
    compatibility forms folded, case ignored, invisible characters dropped, white space
    collapsed, and Cyrillic and Greek look-alikes of Latin letters read as Latin."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    visible = "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cf", "Cc", "Mn"))
    return " ".join(visible.split()).translate(_LOOK_ALIKES)


def _look_alike_findings(evaluation: Evaluation) -> Iterator[Finding]:
    """Two bids whose supplier names look the same: a duplicate submission, or a name made
    to pass for another (a zero-width character or a Cyrillic 'a' is invisible in print)."""
    by_likeness: dict[str, list[str]] = {}
    for bid in evaluation.bids:
        by_likeness.setdefault(name_likeness(bid.name), []).append(bid.id)
    for ids in by_likeness.values():
        if len(ids) > 1:
            yield Finding(
                "look_alike_names",
                f"bids {', '.join(repr(i) for i in ids)} have supplier names that look the "
                "same in print: check they are different suppliers, and give each its legal "
                "name",
                bids=tuple(ids),
            )
