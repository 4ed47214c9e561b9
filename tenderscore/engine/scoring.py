"""The scoring engine: gates, value functions, minimums, aggregation and ranking.

``evaluate(tender)`` is pure: it reads no files and returns an ``Evaluation``. The order of
work follows procurement practice:

1. gates and declared outcomes (``tenderscore.input.outcomes``): a failed pass/fail
   criterion or a recorded exclusion takes the bid out of contention; bids set aside before
   scoring are not in ``tender.bids`` at all and are reported in ``Evaluation.set_aside``;
2. minimums on nodes whose score does not depend on other bids;
3. scores that depend on other bids (relative price formulas, observed bounds) computed
   against the bids still in contention, so an excluded bid never sets the lowest price;
4. the remaining minimums (they may depend on step 3; nothing is recomputed after them);
5. aggregation and ranking with the declared tie-break rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from tenderscore.engine.findings import collect_findings
from tenderscore.engine.gathering import RawInputs, answered_gates, gather_inputs
from tenderscore.engine.results import (
    BidResult,
    CriterionScore,
    Evaluation,
    NodeWeight,
    SetAsideBid,
)
from tenderscore.engine.totals import rounding_finding, tender_totals
from tenderscore.engine.tracing import leaf_trace
from tenderscore.input.bidfile import BidFile
from tenderscore.input.hierarchy import CriteriaTree, TreeNode
from tenderscore.input.models import (
    NumericCriterion,
    ObservedValue,
    PriceRule,
    RelativeValue,
    ScaleCriterion,
)
from tenderscore.input.outcomes import Exclusion, exclusions_before_scoring
from tenderscore.input.tender import Tender
from tenderscore.memory import collector_paused
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.rules.arrays import Array
from tenderscore.rules.price import PRICE_FORMULAS, price_reference, price_values
from tenderscore.rules.ranking import PRICE, TieBreak, rank_by
from tenderscore.rules.values import Bounds, ValueContext, numeric_values, scale_values

TOLERANCE = 1e-9


@dataclass
class _State:
    """Working arrays shared by the steps of one evaluation."""

    tender: Tender
    inputs: RawInputs
    weights: Array
    values: Array
    eligible: NDArray[np.bool_]
    exclusions: list[list[Exclusion]]
    references: dict[int, str]
    unrounded: Array
    """The partial values before the published rounding, to say when rounding reorders."""


@collector_paused()
def evaluate(tender: Tender) -> Evaluation:
    """Score, check and rank every bid of ``tender``; see the module docstring for the order."""
    tree = tender.tree
    inputs = gather_inputs(tender)
    m, n = inputs.raw.shape
    state = _State(
        tender=tender,
        inputs=inputs,
        weights=scoring_weights(tender),
        values=np.zeros((m, n)),
        eligible=np.ones(m, dtype=bool),
        exclusions=[[] for _ in range(m)],
        references={},
        unrounded=np.zeros((m, n)),
    )
    _apply_gates(state)
    relative = {j for j, leaf in enumerate(tree.leaves) if depends_on_other_bids(tender, leaf)}
    for j in range(n):
        if j not in relative:
            state.values[:, j] = _column(state, j, reference=None)
    early = [node for node in tree.nodes.values() if not relative.intersection(node.leaves)]
    _apply_minimums(state, early)
    reference = state.eligible if state.eligible.any() else np.ones(m, dtype=bool)
    for j in sorted(relative) if m else ():  # no bid scored: nothing to compare with
        state.values[:, j] = _column(state, j, reference=reference)
    late = [node for node in tree.nodes.values() if relative.intersection(node.leaves)]
    _apply_minimums(state, late)
    return _assemble(state)


def scoring_weights(tender: Tender) -> Array:
    """Effective leaf weights; price leaves weigh nothing when price is used directly.

    With price per quality point or monetised quality, price enters the ranking figure as
    money, so the quality weights are renormalised over the other leaves.
    """
    weights = np.array(tender.tree.weights, dtype=np.float64)
    if AGGREGATIONS[tender.config.aggregation.method].price_as_money:
        is_price = np.array([leaf.kind == "price" for leaf in tender.tree.leaves])
        weights[is_price] = 0.0
        total = weights.sum()
        if total > 0:
            weights /= total
    return weights


def depends_on_other_bids(tender: Tender, leaf: TreeNode) -> bool:
    if leaf.kind == "price":
        return PRICE_FORMULAS[tender.config.price.formula].relative
    model = leaf.model
    return isinstance(model, NumericCriterion) and isinstance(model.value_function, RelativeValue)


def _apply_gates(state: _State) -> None:
    """Declared outcomes and failed gates of the bids scored (all of them under full
    scoring; otherwise only an abnormally low tender disregarded has any)."""
    for i, bid in enumerate(state.tender.bids):
        found = exclusions_before_scoring(state.tender.tree, bid)
        if found:
            state.exclusions[i].extend(found)
            state.eligible[i] = False


def _column(state: _State, j: int, *, reference: NDArray[np.bool_] | None) -> Array:
    values, described = leaf_values(
        state.tender.tree.leaves[j],
        state.inputs.raw[:, j],
        rule=state.tender.config.price,
        reference=reference,
    )
    if described:
        state.references[j] = described
    state.unrounded[:, j] = values
    return state.tender.config.rounding.rule().apply("value", values)


def leaf_values(
    leaf: TreeNode, raw: Array, *, rule: PriceRule, reference: NDArray[np.bool_] | None
) -> tuple[Array, str | None]:
    """Partial values of one leaf for every bid, and a note of the reference bids used.

    ``reference`` marks the bids whose answers set relative figures (lowest price, observed
    bounds); it is ignored by criteria that do not depend on other bids.
    """
    model = leaf.model
    pool = raw[reference] if reference is not None else raw
    if leaf.kind == "price":
        ref = price_reference(pool)
        note = (
            f"Pmin {ref.lowest:,.2f}, Pmax {ref.highest:,.2f}, mean {ref.mean:,.2f} "
            f"over {len(pool)} bids"
        )
        return price_values(raw, ref, rule.formula, rule), note
    if isinstance(model, ScaleCriterion):
        return scale_values(raw, model.scale.min, model.scale.max), None
    assert isinstance(model, NumericCriterion)
    bounds: Bounds | None = None
    reference_note: str | None = None
    higher = model.direction == "higher_is_better"
    if isinstance(model.value_function, RelativeValue):
        bounds = Bounds(float(pool.min()), float(pool.max()))
        reference_note = (
            f"observed min {bounds.low:g}, max {bounds.high:g}"
            if isinstance(model.value_function, ObservedValue)
            else f"best {bounds.high if higher else bounds.low:g} over {len(pool)} bids"
        )
    function = model.value_function
    context = ValueContext(higher, bounds)
    values = numeric_values(raw, function.type, function.model_dump(), context)
    return values, reference_note


def declared_tie_breaks(tender: Tender) -> tuple[TieBreak, ...]:
    """The tender's ``tie_break`` entries, in order."""
    nodes = tender.tree.nodes
    return tuple(
        TieBreak(entry) if entry == PRICE else TieBreak(entry, nodes[entry].leaves)
        for entry in tender.config.tie_break
    )


def node_shares(tree: CriteriaTree, weights: Array) -> Array:
    """Matrix (nodes x leaves): 1 where a leaf lies beneath a node, else 0."""
    membership = np.zeros((len(tree.nodes), len(weights)))
    for k, node in enumerate(tree.nodes.values()):
        membership[k, list(node.leaves)] = 1.0
    return membership


def _apply_minimums(state: _State, nodes: list[TreeNode]) -> None:
    for node in nodes:
        minimum = node.model.minimum
        if minimum is None:
            continue
        leaves = list(node.leaves)
        w = state.weights[leaves]
        v = state.values[:, leaves]
        if minimum.score is not None:
            achieved = state.inputs.raw[:, leaves[0]]
            required, unit = minimum.score, ""
        elif minimum.points is not None:
            achieved = tender_totals(state.tender).points(v, w).sum(axis=1)
            required, unit = minimum.points, " points"
        else:
            assert minimum.percent is not None
            achieved = 100 * (v @ w / w.sum() if w.sum() > 0 else v.mean(axis=1))
            required, unit = minimum.percent, "%"
        for i in np.flatnonzero(achieved < required - TOLERANCE):
            state.exclusions[i].append(
                Exclusion(
                    "minimum",
                    node.id,
                    f"{node.name!r} scored {achieved[i]:.4g}{unit}, required {required:g}{unit}",
                )
            )
            state.eligible[i] = False


def _assemble(state: _State) -> Evaluation:
    tender, tree, inputs = state.tender, state.tender.tree, state.inputs
    config = tender.config
    totals = tender_totals(tender)
    points = totals.points(state.values, state.weights)
    membership = node_shares(tree, state.weights)
    node_points = points @ membership.T
    if totals.rounding.section is not None:  # the subtotals as published
        columns = [list(tree.nodes).index(node_id) for node_id in tree.sections]
        node_points[:, columns] = totals.section_points(points)
    method = AGGREGATIONS[config.aggregation.method]
    # under price-as-money methods the quality is the sum of the (published, rounded) points
    quality = points.sum(axis=1) if method.price_as_money else _quality(tender, state)
    prices = np.array([p.price if p else np.nan for p in inputs.prices])
    total = totals.total(points, prices)
    for undefined in np.flatnonzero(state.eligible & ~np.isfinite(total)):
        state.exclusions[undefined].append(Exclusion("minimum", "quality", method.undefined))
        state.eligible[undefined] = False
    higher_is_better = method.higher_is_better
    node_ids = list(tree.nodes)
    candidates = [int(i) for i in np.flatnonzero(state.eligible)]
    goodness = method.goodness(total)
    tie_breaks = declared_tie_breaks(tender)
    ranking = rank_by(goodness, tie_breaks, points, prices, candidates)
    rounding = rounding_finding(
        tender, ranking, total, state.unrounded, state.weights, prices, tie_breaks
    )
    leader = total[ranking.groups[0][0]] if candidates else None
    results = []
    cells = _criterion_scores(state, points)
    for i, bid in enumerate(tender.bids):
        results.append(
            BidResult(
                id=bid.id,
                name=bid.name,
                eligible=bool(state.eligible[i]),
                rank=ranking.rank.get(i),
                rank_shared=ranking.shared.get(i, False),
                tie_broken_by=ranking.broken_by.get(i),
                total=float(total[i]),
                quality=float(quality[i]),
                gap_to_leader=float(abs(leader - total[i]))
                if leader is not None and state.eligible[i]
                else None,
                node_points={node_ids[k]: float(node_points[i, k]) for k in range(len(node_ids))},
                criteria=tuple(cells[i]),
                gates=inputs.gates[i],
                exclusions=tuple(state.exclusions[i]),
                price=inputs.prices[i],
            )
        )
    order = sorted(
        range(len(results)),
        key=lambda i: (results[i].rank is None, results[i].rank or 0, results[i].id),
    )
    bids = tuple(results[i] for i in order)
    evaluation = Evaluation(
        reference=config.reference,
        title=config.title,
        buyer=config.buyer,
        currency=config.currency,
        method=method.name,
        higher_is_better=higher_is_better,
        price_formula=config.price.formula,
        nodes=_node_weights(tree, state.weights, membership),
        sections=tree.sections,
        leaves=tuple(leaf.id for leaf in tree.leaves),
        bids=bids,
        findings=(),
        values=state.values[order],
        weights=state.weights,
        set_aside=tuple(_set_aside(tender, bid) for bid in tender.set_aside),
    )
    findings = (*collect_findings(tender, evaluation), *([rounding] if rounding else []))
    return replace(evaluation, findings=findings)


def _set_aside(tender: Tender, bid: BidFile) -> SetAsideBid:
    return SetAsideBid(
        id=bid.id,
        name=bid.name,
        gates=answered_gates(tender, bid),
        exclusions=exclusions_before_scoring(tender.tree, bid),
    )


def _quality(tender: Tender, state: _State) -> Array:
    """Quality score 0-100: the weighted mean of the non-price partial values."""
    is_quality = np.array([leaf.kind != "price" for leaf in tender.tree.leaves], dtype=bool)
    w = state.weights * is_quality
    if w.sum() == 0:
        return np.zeros(len(tender.bids))
    return np.asarray(100.0 * (state.values @ w) / w.sum(), dtype=np.float64)


def _node_weights(tree: CriteriaTree, weights: Array, membership: Array) -> tuple[NodeWeight, ...]:
    effective = membership @ weights
    return tuple(
        NodeWeight(
            id=node.id,
            name=node.name,
            kind=node.kind,
            parent=node.parent,
            depth=node.depth,
            stated_weight=node.stated_weight,
            local_weight=node.local_weight,
            effective_weight=float(effective[k]) if not node.is_gate else 0.0,
            locked=bool(getattr(node.model, "locked", False)),
        )
        for k, node in enumerate(tree.nodes.values())
    )


def _criterion_scores(state: _State, points: Array) -> list[list[CriterionScore]]:
    """Per bid, the trace of every leaf; built column by column from plain Python floats."""
    tender = state.tender
    m, _n = points.shape
    rows: list[list[CriterionScore]] = [[] for _ in range(m)]
    for j, leaf in enumerate(tender.tree.leaves):
        trace = leaf_trace(
            leaf,
            rule=tender.config.price,
            reference=state.references.get(j),
            score_aggregation=tender.config.score_aggregation,
        )
        panel = state.inputs.panels.get(j)
        panel_rows = panel.scores.tolist() if panel is not None else None
        weight = float(state.weights[j])
        columns = zip(
            state.inputs.raw[:, j].tolist(),
            state.values[:, j].tolist(),
            points[:, j].tolist(),
            strict=True,
        )
        for i, (raw, value, cell_points) in enumerate(columns):
            scores = reason = feedback = comments = None
            if panel is not None and panel_rows is not None:
                scores = dict(zip(panel.evaluators, panel_rows[i], strict=True))
                comments = dict(zip(panel.evaluators, panel.comments[i], strict=True))
                reason, feedback = panel.agreed.get(i, (None, None))
            rows[i].append(
                CriterionScore(
                    criterion=leaf.id,
                    kind=leaf.kind,
                    raw=raw,
                    value=value,
                    weight=weight,
                    points=cell_points,
                    formula=trace.formula,
                    evaluator_scores=scores,
                    consensus_reason=reason,
                    trace=trace,
                    evaluator_comments=comments,
                    moderated=panel is not None and i in panel.consensus,
                    feedback=feedback,
                )
            )
    return rows
