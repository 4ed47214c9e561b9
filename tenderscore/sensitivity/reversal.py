"""Rank reversal by withdrawing a bid, and the outcome under every price formula.

Only criteria scored against the other bids (relative price formulas, observed bounds) can
reorder the remaining bids when one withdraws, so the check names them as the cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tenderscore.input.models import PriceRule
from tenderscore.rules.arrays import Array
from tenderscore.rules.price import PRICE_FORMULAS, PriceFormulaName
from tenderscore.rules.ranking import nearly_equal
from tenderscore.sensitivity.rescoring import Rescorer


@dataclass(frozen=True, slots=True)
class Reversal:
    """Withdrawing ``withdrawn`` swaps the order of each pair in ``swapped``."""

    withdrawn: str
    swapped: tuple[tuple[str, str], ...]
    causes: tuple[str, ...]
    winner_changes: bool


MAX_PAIRS = 20


def _ranks(rescorer: Rescorer, values: Array, present: NDArray[np.bool_]) -> dict[int, int]:
    """The present bids' ranks under ``values``, the declared tie-break applied."""
    goodness = rescorer.goodness(values, rescorer.raw)
    candidates = np.flatnonzero(present).tolist()
    return rescorer.model.rank(goodness, values=values, among=candidates).rank


def rank_reversals(rescorer: Rescorer) -> list[Reversal]:
    """For each bid in contention, the pairs of other bids whose order its withdrawal swaps
    (at most ``MAX_PAIRS`` listed per withdrawal)."""
    model = rescorer.model
    if not rescorer.relative or model.size < 3:
        return []
    everyone = np.ones(model.size, dtype=bool)
    base = _ranks(rescorer, model.values, everyone)
    base_goodness = rescorer.goodness(model.values, rescorer.raw)
    found = []
    for r in range(model.size):
        present = everyone.copy()
        present[r] = False
        values = rescorer.values(rescorer.raw, present=present)
        if _same_strict_order(
            base_goodness[present], rescorer.goodness(values, rescorer.raw)[present]
        ):
            continue  # no tie and the same order: the ranking cannot have changed
        after = _ranks(rescorer, values, present)
        swapped = _swapped_pairs(base, after)
        if not swapped:
            continue
        changed = tuple(
            rescorer.leaves[j].id
            for j in rescorer.relative
            if not np.allclose(values[present, j], model.values[present, j], rtol=0, atol=1e-12)
        )
        pairs = tuple((model.bids[a], model.bids[b]) for a, b in swapped)
        first_before = {i for i in after if base[i] == min(base[k] for k in after)}
        first_after = {i for i, rank in after.items() if rank == 1}
        found.append(Reversal(model.bids[r], pairs, changed, first_before != first_after))
    return found


def _same_strict_order(before: Array, after: Array) -> bool:
    """Both in the same order, with no two figures tied after (a tie-break could reorder)."""
    order = np.argsort(-after, kind="stable")
    if not np.array_equal(np.argsort(-before, kind="stable"), order):
        return False
    ranked = after[order]
    return not bool(nearly_equal(ranked[:-1], ranked[1:]).any())


def _swapped_pairs(before: dict[int, int], after: dict[int, int]) -> list[tuple[int, int]]:
    """Pairs (a, b), a < b, of bids ranked both times whose order is strictly reversed
    (at most ``MAX_PAIRS``)."""
    index = sorted(after)
    first = np.array([before[i] for i in index])
    second = np.array([after[i] for i in index])
    a, b = np.nonzero(
        np.triu((first[:, None] - first[None, :]) * (second[:, None] - second[None, :]) < 0, k=1)
    )
    return [
        (index[i], index[j])
        for i, j in zip(a[:MAX_PAIRS].tolist(), b[:MAX_PAIRS].tolist(), strict=True)
    ]


@dataclass(frozen=True, slots=True)
class FormulaOutcome:
    """The ranking of the bids in contention under one price formula."""

    formula: str
    parameters: str
    order: tuple[str, ...]
    figures: tuple[float, ...]
    declared: bool


def formula_outcomes(rescorer: Rescorer) -> list[FormulaOutcome]:
    """Re-rank under every price formula; parameters the tender does not publish are set
    from the prices received and stated in the outcome."""
    if rescorer.price_column is None or rescorer.model.method.price_as_money:
        return []
    prices = rescorer.raw[:, rescorer.price_column]
    declared = rescorer.rule
    outcomes = []
    for name, formula in PRICE_FORMULAS.items():
        if formula.divides_by_price and bool((prices <= 0).any()):
            continue  # undefined for a price of 0 or less: the tender's own formula is not one
        rule, parameters = _rule_for(name, declared, prices)
        values = rescorer.values(rescorer.raw, rule=rule)
        goodness = rescorer.goodness(values, rescorer.raw)
        order = rescorer.model.rank(goodness, values=values).order
        outcomes.append(
            FormulaOutcome(
                formula=name,
                parameters=parameters,
                order=tuple(rescorer.model.bids[i] for i in order),
                figures=tuple(float(goodness[i]) for i in order),
                declared=name == declared.formula,
            )
        )
    return outcomes


def _rule_for(
    name: PriceFormulaName, declared: PriceRule, prices: np.ndarray
) -> tuple[PriceRule, str]:
    """The rule for formula ``name``: published parameters, else ones set from the prices."""
    if name == declared.formula:
        return declared, "as published"
    ceiling = declared.ceiling or float(prices.max()) * 1.25
    floor = declared.floor if declared.floor is not None else float(prices.min()) * 0.5
    floor = floor if floor < ceiling else 0.0
    multiple = declared.zero_at_multiple or 2.0
    stated = {
        "ceiling": (f"ceiling {ceiling:,.2f}", declared.ceiling is None, "1.25 x highest price"),
        "floor": (f"floor {floor:,.2f}", declared.floor is None, "0.5 x lowest price"),
        "zero_at_multiple": (f"A = {multiple:g}", declared.zero_at_multiple is None, "2"),
    }
    parts = [
        f"{text} (assumed: {how})" if assumed else text
        for text, assumed, how in (stated[key] for key in PRICE_FORMULAS[name].parameters)
    ]
    rule = PriceRule(
        formula=name,
        ceiling=ceiling,
        floor=floor,
        zero_at_multiple=multiple,
        clip=declared.clip,
    )
    return rule, ", ".join(parts)
