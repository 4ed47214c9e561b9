"""How the tool phrases what it found, once, for the terminal and every document alike.

A committee reads the report, an officer reads the terminal, a bidder reads a summary: the
same finding must be said in the same words everywhere, so each phrasing lives here.
"""

from __future__ import annotations

import numpy as np

from tenderscore.figures import number
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.sensitivity.analysis import SensitivityReport

WHAT_IF = "WHAT-IF, not the official evaluation"
DRAFT = "DRAFT, not ready to award"
OFFICIAL_DRAFT = "official draft"  # the Audit sheet's run, read back by verify
"""The mark of a run with other weights than the tender's, where a reader looks first."""

SAMPLING_WORDS = {  # {whose}: the published weights, or a what-if's
    "uniform": "uniformly (no preference information)",
    "dirichlet": "around {whose} weights",
    "intervals": "within the declared intervals",
    "rank": "keeping only {whose} order of importance",
}


def sampling_words(
    sampling: str,
    *,
    score_uncertainty: bool,
    concentration: float | None = None,
    published: bool = True,
) -> str:
    """How weights (and scores) were drawn, completing "weights sampled ..."; a what-if's
    weights are not the published ones, and its words say so."""
    words = SAMPLING_WORDS[sampling].format(
        whose="the published" if published else "this what-if's"
    )
    if sampling == "dirichlet" and concentration is not None:
        words += f" (Dirichlet, concentration {concentration:g})"
    scores = " and scores drawn from the panel's individual scores" if score_uncertainty else ""
    return words + scores


def robustness_headline(report: SensitivityReport, *, published: bool = True) -> str:
    """One paragraph a committee can read: margin, critical weight, win probabilities
    (``published``: False for a what-if, whose weights are not the tender's)."""
    ranked = report.evaluation.ranked
    if len(ranked) < 2:
        return "Fewer than two bids are in contention: there is no ranking to test."
    leader, second = ranked[0], ranked[1]
    unit = AGGREGATIONS[report.evaluation.method].unit
    if second.rank == 1:
        tied = " and ".join(bid.name for bid in ranked if bid.rank == 1)
        said = [f"{tied} share first place ({leader.total:,.2f}{unit})."]
    elif leader.tie_broken_by:
        said = [
            f"{leader.name} and {second.name} tie on {leader.total:,.2f}{unit}; "
            f"{leader.name} ranks first on the declared tie-break ({leader.tie_broken_by})."
        ]
    else:
        said = [
            f"{leader.name} leads {second.name} by {second.gap_to_leader or 0:.4g}{unit} "
            f"({leader.total:,.2f} to {second.total:,.2f})."
        ]
    critical = report.most_critical
    if critical is not None:
        said.append(f"Most critical weight: {critical.sentences(report.names)[0]}")
    elif report.intervals:
        said.append("No single weight change within its whole range changes the winner.")
    smaa = report.smaa
    if smaa is not None:
        shares = ", ".join(
            f"{report.names[smaa.bids[i]]} {100 * smaa.win_probability[i]:.1f}%"
            for i in np.argsort(-smaa.win_probability)
            if smaa.win_probability[i] > 0
        )
        how = sampling_words(
            report.settings.sampling,
            score_uncertainty=smaa.score_uncertainty,
            concentration=report.settings.concentration,
            published=published,
        )
        said.append(
            f"With weights sampled {how}, the probability of winning is: {shares} "
            f"({smaa.samples:,} samples, seed {smaa.seed})."
        )
    if report.formulas and report.formula_dependent:
        others = sorted({o.formula for o in report.formulas if o.order[0] != leader.id})
        said.append(
            f"The winner depends on the price formula: under {', '.join(others)} "
            "another bid would win."
        )
    if any(r.winner_changes for r in report.reversals):
        said.append("Withdrawing a losing bid would change the winner (see rank reversal).")
    return " ".join(said)


def minimum_words(*, percent: float | None, points: float | None, score: float | None) -> str:
    """A minimum threshold: of the criterion's maximum, in points, or as a score."""
    if percent is not None:
        return f"{percent:g}% of the maximum"
    if points is not None:
        return f"{points:g} points"
    return f"a score of {score:g}"


def price_cut_words(current: float, needed: float | None, currency: str) -> str:
    """The price a losing bid would need to tie the leader, all else equal."""
    if needed is None:
        return "no price cut alone is enough"
    cut = 100 * (current - needed) / current
    return f"cut its price from {number(current)} to {number(needed)} {currency} (-{cut:.1f}%)"


def improvement_words(current: float, needed: float, criterion: str) -> str:
    """The input a losing bid would need on one criterion to tie the leader."""
    return f"{number(needed)} instead of {number(current)} on {criterion}"


def unreachable_words(count: int | None = None) -> str:
    """No single input changes the outcome (of ``count`` criteria, when counted)."""
    if count is None:
        return "no single input is enough"
    return f"no single one of {count} other criteria is enough"
