"""Rich rendering of results for the terminal. Bid text is always wrapped in ``Text``, never
parsed as markup, so a supplier called ``[bold]`` prints as written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.box import HEAVY_HEAD, SIMPLE_HEAD
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tenderscore.cli.terminal import bullets, is_narrow, legend
from tenderscore.engine.moderation import Moderation
from tenderscore.engine.results import BidResult, Evaluation, SetAsideBid
from tenderscore.figures import number
from tenderscore.input.models import CriteriaSet, Minimum
from tenderscore.input.tender import Tender
from tenderscore.report.document import WhatIf
from tenderscore.report.wording import SET_ASIDE, WHAT_IF, minimum_words, outcome_words
from tenderscore.rules.aggregation import AGGREGATIONS

SHOWN_BIDS = 25
"""Ranked bids listed in the terminal; a 2,000-bid ranking lives in the exports."""


def _rank(bid: BidResult) -> str:
    if bid.rank is None:
        return "-"
    return f"{bid.rank}=" if bid.rank_shared else str(bid.rank)


def _node_names(evaluation: Evaluation) -> dict[str, str]:
    return {node.id: node.name for node in evaluation.nodes}


def render_evaluation(console: Console, evaluation: Evaluation) -> None:
    weights = {node.id: node.effective_weight for node in evaluation.nodes}
    narrow = is_narrow(console)
    title = Text(f"{evaluation.reference}: {evaluation.title}")
    table = Table(title=title, title_justify="left", box=SIMPLE_HEAD if narrow else HEAVY_HEAD)
    table.add_column("#", justify="right")
    table.add_column("Bid" if narrow else "Supplier", ratio=1, min_width=8, overflow="fold")
    for section in evaluation.sections:
        label = Text(f"{section}\n{100 * weights[section]:.4g}%")
        table.add_column(label, justify="right", overflow="fold", min_width=len(section))
    table.add_column(Text(AGGREGATIONS[evaluation.method].label), justify="right", style="bold")
    table.add_column("Gap", justify="right")
    shown = evaluation.ranked[:SHOWN_BIDS]
    for bid in shown:
        table.add_row(
            _rank(bid),
            Text(bid.id if narrow else bid.name),
            *(f"{bid.node_points[s]:.2f}" for s in evaluation.sections),
            _total(evaluation, bid.total),
            "" if bid.rank == 1 else _total(evaluation, bid.gap_to_leader or 0.0),
        )
    console.print(table)
    if len(evaluation.ranked) > len(shown):
        console.print(
            f"... and {len(evaluation.ranked) - len(shown):,} more ranked bids: the workbook "
            "and the JSON hold every one.",
            markup=False,
        )
    if narrow and shown:
        legend(console, "Bids", [(bid.id, bid.name) for bid in shown])
    if not evaluation.ranked:
        console.print("No bid can be ranked: every bid was excluded.")
    not_ranked: list[BidResult | SetAsideBid] = [*evaluation.excluded, *evaluation.set_aside]
    if not_ranked:
        console.print(Text("Not ranked", style="bold"))
        bullets(
            console,
            (
                f"{entry.name} ({entry.id}"
                f"{f', {SET_ASIDE}' if k >= len(evaluation.excluded) else ''}): "
                f"{_outcomes(entry)}"
                for k, entry in enumerate(not_ranked)
            ),
        )
    if evaluation.findings:
        console.print(Text("Warnings", style="bold yellow"))
        bullets(console, (finding.message for finding in evaluation.findings))


def _outcomes(bid: BidResult | SetAsideBid) -> str:
    return "; ".join(outcome_words(e.kind, e.reason) for e in bid.exclusions)


def render_set_aside(console: Console, bid: SetAsideBid) -> None:
    """What ``explain`` says of a bid that has no scores to explain."""
    console.print(Text(f"{bid.name} ({bid.id}) was {SET_ASIDE}, so has no scores."))
    console.print(Text(_outcomes(bid), style="red"))


def render_reweighting(console: Console, what_if: WhatIf, evaluation: Evaluation) -> None:
    """Echo the effective weights a re-scoring used, so a scripted run shows what it did: the
    sections', and those of the criteria it changed below them."""
    nodes = {node.id: node for node in evaluation.nodes}

    def listed(ids: Iterable[str]) -> str:
        return ", ".join(f"{i} {100 * nodes[i].effective_weight:.4g}%" for i in ids)

    said = f"{WHAT_IF} ({what_if.label}); effective section weights: {listed(evaluation.sections)}"
    changed = [i for i in what_if.weights if i in nodes and i not in evaluation.sections]
    if changed:
        said += f"; changed criteria: {listed(changed)}"
    console.print(Text(said, style="bold"))


def _total(evaluation: Evaluation, value: float) -> str:
    if AGGREGATIONS[evaluation.method].price_as_money:
        return f"{value:,.2f}"
    return f"{value:.2f}"


def render_explanation(
    console: Console, tender: Tender, evaluation: Evaluation, bid: BidResult
) -> None:
    names = _node_names(evaluation)
    header = Text(f"{bid.name} ({bid.id})", style="bold")
    header.append(f"  rank {_rank(bid)}" if bid.eligible else "  excluded", style="")
    console.print(header)
    if bid.price is not None:
        console.print(Text(f"Price scored: {number(bid.price.price)} {evaluation.currency}"))
        if bid.price.lines:
            rate = bid.price.discount_rate
            how = f"discounted at {100 * rate:g}% a year" if rate else "undiscounted"
            console.print(Text(f"  whole-life cost over the term, {how}:"))
            lines = Table.grid()
            lines.add_column()
            for line in bid.price.lines:
                lines.add_row(
                    Text(
                        f"{line.name} ({line.category}): nominal {number(line.nominal)}, "
                        f"present value {number(line.present_value)}"
                    )
                )
            console.print(Padding(lines, (0, 0, 0, 4)))
    for gate in bid.gates:
        verdict = "pass" if gate.passed else "FAIL"
        note = f" - {gate.note}" if gate.note else ""
        console.print(Text(f"Gate {names[gate.criterion]}: {verdict}{note}"))
    table = Table(show_lines=True)
    table.add_column("Criterion")
    table.add_column("Raw", justify="right")
    table.add_column("Formula and working")
    table.add_column("Points", justify="right")
    for score in bid.criteria:
        working = Text(f"{score.formula}\n{score.working}")
        if score.consensus_reason:
            working.append(f"\nagreed reason: {score.consensus_reason}")
        table.add_row(
            Text(names[score.criterion]), number(score.raw), working, f"{score.points:.4f}"
        )
    console.print(table)
    for section in evaluation.sections:
        console.print(Text(f"{names[section]}: {bid.node_points[section]:.4f} points"))
    method = AGGREGATIONS[evaluation.method]
    console.print(Text(f"{method.label}: {_total(evaluation, bid.total)}"))
    if method.price_as_money:
        console.print(Text(f"Quality score: {bid.quality:.4f} of 100"))
    for exclusion in bid.exclusions:
        console.print(Text(outcome_words(exclusion.kind, exclusion.reason), style="red"))


def render_weights(console: Console, tender: Tender) -> None:
    """The criteria tree with every node's stated, normalised and effective weight."""
    narrow = is_narrow(console)
    table = Table(
        title=Text(f"Criteria and weights ({tender.criteria_source})"),
        title_justify="left",
        box=SIMPLE_HEAD if narrow else HEAVY_HEAD,
    )
    if narrow:  # the name under the id, indented alike; every other column kept whole
        longest = max(2 * n.depth + len(n.id) for n in tender.tree.nodes.values())
        table.add_column("Criterion", ratio=1, overflow="fold", min_width=longest)
    else:
        table.add_column("Id", no_wrap=True)
        table.add_column("Name", ratio=1)
    table.add_column("Kind", no_wrap=narrow)
    table.add_column("Stated", justify="right", no_wrap=narrow)
    table.add_column("Share" if narrow else "In parent", justify="right", no_wrap=narrow)
    table.add_column("Effective", justify="right", no_wrap=narrow)
    table.add_column("Minimum", max_width=12 if narrow else None)
    for node in tender.tree.nodes.values():
        gate = node.is_gate
        minimum = node.model.minimum
        indent = "  " * node.depth
        label: Text | Padding = Text(indent + node.id)
        if narrow:
            label = Padding(
                Text.assemble(node.id, "\n", (node.name, "dim")), (0, 0, 0, 2 * node.depth)
            )
        table.add_row(
            label,
            *([] if narrow else [Text(node.name)]),
            "gate" if gate else node.kind,
            "" if node.stated_weight is None else f"{node.stated_weight:g}",
            "" if gate else f"{100 * node.local_weight:.4g}%",
            "" if gate else f"{100 * node.effective_weight:.4g}%",
            _minimum(minimum) if minimum else "",
        )
    console.print(table)


def _minimum(minimum: Minimum) -> str:
    return minimum_words(percent=minimum.percent, points=minimum.points, score=minimum.score)


def render_criteria_sets(console: Console, sets: Mapping[str, CriteriaSet]) -> None:
    table = Table()
    table.add_column("Name", no_wrap=True)
    table.add_column("Title")
    table.add_column("Weighting")
    table.add_column("Top-level sections")
    for name, criteria in sets.items():
        sections = ", ".join(node.name for node in criteria.criteria)
        table.add_row(Text(name), Text(criteria.title), criteria.weighting, Text(sections))
    console.print(table)


def render_moderation(console: Console, moderation: Moderation, *, show_all: bool) -> None:
    agenda = moderation.agenda
    rest = [item for item in moderation.items if item not in agenda]
    share = f"{100 * moderation.disagreement_share:.0f}%"
    console.print(
        Text(
            f"Moderation agenda ({len(agenda)} items; disputed = range of at "
            f"least {share} of the scale)",
            style="bold",
        )
    )
    table = Table(box=SIMPLE_HEAD if is_narrow(console) else HEAVY_HEAD)
    longest = max((len(item.criterion) for item in moderation.items), default=9)
    table.add_column("Criterion", min_width=longest, overflow="fold")
    table.add_column("Bid", overflow="fold")
    for column in ("Scores", "Range", "Consensus (moves)", "Weak reasons"):
        table.add_column(column, ratio=1, overflow="fold")
    for item in [*agenda, *(rest if show_all else [])]:
        scores = ", ".join(f"{e} {s:g}" for e, s in item.scores.items())
        consensus = (
            ""
            if item.consensus is None
            else (
                f"{item.consensus:g} ("
                + ", ".join(f"{e} {d:+g}" for e, d in item.delta.items() if d)
                + ")"
            )
        )
        reasons = "; ".join(f"{r.evaluator}: {r.problem}" for r in item.reasons)
        spread = f"{item.spread:g}" + (" (disputed)" if item.disputed else "")
        table.add_row(
            Text(item.criterion), Text(item.bid), Text(scores), spread, consensus, Text(reasons)
        )
    console.print(table)
    if rest and not show_all:
        console.print(Text(f"{len(rest)} other items need no discussion (--all lists them)."))
    profiles = Table(
        title=Text("Evaluators"),
        title_justify="left",
        box=SIMPLE_HEAD if is_narrow(console) else HEAVY_HEAD,
    )
    for column in ("Evaluator", "Role", "Scores given", "Leniency", "Outlier in"):
        profiles.add_column(column)
    for profile in moderation.evaluators:
        profiles.add_row(
            Text(profile.evaluator),
            Text(profile.role),
            str(profile.scored),
            f"{profile.leniency:+.2f}",
            f"{100 * profile.outlier_share:.0f}%",
        )
    console.print(profiles)
    agreement = "; ".join(
        f"{section} {'n/a' if alpha is None else f'{alpha:.2f}'}"
        for section, alpha in moderation.agreement.items()
    )
    console.print(Text(f"Inter-rater agreement (Krippendorff's alpha, interval): {agreement}"))
