"""How the tool phrases what it found, once, for the terminal and every document alike.

A committee reads the report, an officer reads the terminal, a bidder reads a summary: the
same finding must be said in the same words everywhere, so each phrasing lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tenderscore.figures import number
from tenderscore.input.bidfile import BidFile
from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.outcomes import ExclusionKind, exclusions_before_scoring
from tenderscore.report.types import ExportDocument
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.sensitivity.analysis import SensitivityReport

WHAT_IF = "WHAT-IF, not the official evaluation"
CONFIDENTIAL_MARK = "CONFIDENTIAL: evaluation committee only"
"""The marking at the top of every page of a committee document (the first paragraph says
why, in ``CONFIDENTIAL``)."""
CONFIDENTIAL = (
    "CONFIDENTIAL: for the evaluation committee. It holds bidders' prices, the evaluators' "
    "working notes and declared interests; the public report is written with --audience public."
)
DRAFT = "DRAFT, not ready to award"
OFFICIAL_DRAFT = "official draft"  # the Audit sheet's run, read back by verify
"""The mark of a run with other weights than the tender's, where a reader looks first."""

OUTCOME_TITLES: dict[ExclusionKind, str] = {
    "gate": "Failed a pass/fail requirement",
    "minimum": "Below a minimum standard",
    "excluded": "Excluded",
    "abnormally_low": "Abnormally low tender, disregarded after investigation (Procurement "
    "Act 2023 s19)",
    "withdrawn": "Withdrawn by the bidder",
    "late": "Late, received after the deadline",
}
"""What each kind of outcome is called, wherever a bid that is not ranked is listed."""
SET_ASIDE = "set aside before scoring"


def outcome_words(kind: ExclusionKind, reason: str) -> str:
    """One outcome, as every output says it: its title, then its reason."""
    return f"{OUTCOME_TITLES[kind]}: {reason}"


def set_aside_words(bids: Sequence[tuple[str, ExclusionKind]]) -> str:
    """The sentence that says which bids (name, first outcome kind) were set aside before
    scoring, so were on no evaluator's sheet and no moderation agenda."""
    listed = "; ".join(f"{name} ({_lower_first(OUTCOME_TITLES[kind])})" for name, kind in bids)
    return (
        f"Set aside before scoring, so not on the evaluators' sheets or the moderation "
        f"agenda: {listed}."
    )


def set_aside_note(tree: CriteriaTree, bids: Sequence[BidFile]) -> str:
    """``set_aside_words`` for a loaded tender's ``set_aside`` bids ("" when there are none)."""
    if not bids:
        return ""
    return set_aside_words([(b.name, exclusions_before_scoring(tree, b)[0].kind) for b in bids])


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True, slots=True)
class NotRanked:
    """A bid that is not ranked, as the outputs list it: scored and then excluded, or set
    aside before scoring; ``outcomes`` in words (``outcome_words``)."""

    id: str
    name: str
    set_aside: bool
    outcomes: tuple[str, ...]
    titles: tuple[str, ...]
    """The outcomes' titles alone, without the reasons (for a public document)."""

    @property
    def stage(self) -> str:
        return SET_ASIDE if self.set_aside else "scored, then not ranked"


def not_ranked(document: ExportDocument) -> list[NotRanked]:
    """Every bid the document does not rank: those scored first, then those set aside."""
    scored = [bid for bid in document["bids"] if not bid["eligible"]]
    return [
        NotRanked(
            bid["id"],
            bid["name"],
            set_aside=k >= len(scored),
            outcomes=tuple(outcome_words(e["kind"], e["reason"]) for e in bid["exclusions"]),
            titles=tuple(dict.fromkeys(OUTCOME_TITLES[e["kind"]] for e in bid["exclusions"])),
        )
        for k, bid in enumerate([*scored, *document["set_aside"]])
    ]


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


def chart_alt_texts(document: ExportDocument, *, totals: bool = True) -> dict[str, str]:
    """Text alternatives for the report's charts (accessibility regulations): what each shows,
    and where the same figures are in a table, so that nothing rests on the picture or its
    colours (``totals`` False: the bids' totals are withheld)."""
    ranked = [bid for bid in document["bids"] if bid["eligible"]]
    names = {node["id"]: node["name"] for node in document["criteria"]}
    listed = (f"{bid['name']} {bid['total']:.2f}" if totals else bid["name"] for bid in ranked)
    figures = "; ".join(list(listed)[:10])
    stability = document["sensitivity"]["stability"] if document["sensitivity"] else []
    ranges = "; ".join(
        f"{names[i['id']]} {100 * i['winner_low']['weight']:.1f}-"
        f"{100 * i['winner_high']['weight']:.1f}%"
        for i in stability
        if i["top_level"]
    )
    return {
        "points_alt": "Bar chart: the points each ranked bid scored in each section, stacked "
        f"to its total ({figures}). The ranking table gives the same figures.",
        "tornado_alt": "Bar chart: for each section, the range of its weight over which the "
        f"leading bid stays first ({ranges}). The list above gives the same ranges.",
        "value_alt": "Scatter chart: each ranked bid's quality points against its whole-life "
        "price, the bids no other bid beats on both joined as the efficient frontier, the "
        "leading bid labelled as such. The ranking table gives the same figures.",
    }
