"""Rank reversal by withdrawing a bid, and the outcome under every price formula.

Only criteria scored against the other bids (relative price formulas, observed bounds) can
reorder the remaining bids when one withdraws, so the check names them as the cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tenderscore.input.models import PriceRule
from tenderscore.rules.price import PRICE_FORMULAS, PriceFormulaName
from tenderscore.sensitivity.rescoring import Rescorer


@dataclass(frozen=True, slots=True)
class Reversal:
    """Withdrawing ``withdrawn`` swaps the order of each pair in ``swapped``."""

    withdrawn: str
    swapped: tuple[tuple[str, str], ...]
    causes: tuple[str, ...]
    winner_changes: bool


MAX_PAIRS = 20


def _order(goodness: np.ndarray, present: np.ndarray) -> list[int]:
    return sorted(np.flatnonzero(present).tolist(), key=lambda i: -goodness[i])


def rank_reversals(rescorer: Rescorer) -> list[Reversal]:
    """For each bid in contention, the pairs of other bids whose order its withdrawal swaps
    (at most ``MAX_PAIRS`` listed per withdrawal)."""
    model = rescorer.model
    if not rescorer.relative or model.size < 3:
        return []
    base = rescorer.goodness(model.values, rescorer.raw)
    found = []
    for r in range(model.size):
        present = np.ones(model.size, dtype=bool)
        present[r] = False
        values = rescorer.values(rescorer.raw, present=present)
        goodness = rescorer.goodness(values, rescorer.raw)
        before, after = _order(base, present), _order(goodness, present)
        if before == after:
            continue
        swapped = _swapped_pairs(base, goodness, present)
        if not swapped:
            continue
        changed = tuple(
            rescorer.leaves[j].id
            for j in rescorer.relative
            if not np.allclose(values[present, j], model.values[present, j], rtol=0, atol=1e-12)
        )
        pairs = tuple((model.bids[a], model.bids[b]) for a, b in swapped)
        found.append(Reversal(model.bids[r], pairs, changed, before[0] != after[0]))
    return found


def _swapped_pairs(
    base: np.ndarray, goodness: np.ndarray, present: np.ndarray
) -> list[tuple[int, int]]:
    """Pairs (a, b), a < b, of present bids whose order differs, strictly, before and after."""
    index = np.flatnonzero(present)
    before = np.sign(base[index][:, None] - base[index][None, :])
    after = np.sign(goodness[index][:, None] - goodness[index][None, :])
    a, b = np.nonzero(np.triu(before * after < 0, k=1))
    return [
        (int(index[i]), int(index[j])) for i, j in zip(a[:MAX_PAIRS], b[:MAX_PAIRS], strict=True)
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
        order = sorted(range(len(goodness)), key=lambda i: -goodness[i])
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
    rule = PriceRule(formula=name, ceiling=ceiling, floor=floor, zero_at_multiple=multiple)
    return rule, ", ".join(parts)
