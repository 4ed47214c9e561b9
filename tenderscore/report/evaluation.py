"""The evaluation and its sensitivity analysis as plain data, with every number's trace.

This is the engine's result turned into the lists and dicts that the export document, the
JSON export and ``--json`` output are made of; nothing here formats or writes text.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from tenderscore import __version__
from tenderscore.report.wording import robustness_headline

if TYPE_CHECKING:
    from tenderscore.engine.results import BidResult, CriterionScore, Evaluation
    from tenderscore.sensitivity.analysis import SensitivityReport
    from tenderscore.sensitivity.stability import StabilityInterval

SCHEMA = "tenderscore/evaluation"
SCHEMA_VERSION = 1
SENSITIVITY_SCHEMA = "tenderscore/sensitivity"


def evaluation_document(
    evaluation: Evaluation, robustness: SensitivityReport | None = None
) -> dict[str, Any]:
    """A plain-data view of ``evaluation`` that ``json.dumps`` can write without loss."""
    document = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tenderscore", "version": __version__},
        "tender": {
            "reference": evaluation.reference,
            "title": evaluation.title,
            "buyer": evaluation.buyer,
            "currency": evaluation.currency,
        },
        "method": {
            "aggregation": evaluation.method,
            "higher_is_better": evaluation.higher_is_better,
            "price_formula": evaluation.price_formula,
        },
        "criteria": [dataclasses.asdict(node) for node in evaluation.nodes],
        "sections": list(evaluation.sections),
        "ranking": [
            {"rank": bid.rank, "bid": bid.id, "shared": bid.rank_shared}
            for bid in evaluation.ranked
        ],
        "bids": [_bid(bid, evaluation) for bid in evaluation.bids],
        "set_aside": [_plain(bid) for bid in evaluation.set_aside],
        "warnings": [dataclasses.asdict(finding) for finding in evaluation.findings],
    }
    if robustness is not None:
        document["robustness"] = {
            "headline": robustness_headline(robustness),
            "most_critical": robustness.most_critical.id if robustness.most_critical else None,
            "win_probability": None
            if robustness.smaa is None
            else dict(
                zip(robustness.smaa.bids, robustness.smaa.win_probability.tolist(), strict=True)
            ),
            "samples": robustness.settings.samples,
            "seed": robustness.settings.seed,
        }
    return document


def _bid(bid: BidResult, evaluation: Evaluation) -> dict[str, Any]:
    data = {
        field.name: _plain(getattr(bid, field.name))
        for field in dataclasses.fields(bid)
        if field.name != "criteria"
    }
    data["section_points"] = {s: bid.node_points[s] for s in evaluation.sections}
    data["criteria"] = [_cell(score) for score in bid.criteria]
    return data


def _cell(score: CriterionScore) -> dict[str, Any]:
    return {
        "criterion": score.criterion,
        "kind": score.kind,
        "raw": score.raw,
        "value": score.value,
        "weight": score.weight,
        "points": score.points,
        "formula": score.formula,
        "working": score.working,
        "evaluator_scores": score.evaluator_scores,
        "evaluator_comments": score.evaluator_comments,
        "consensus_reason": score.consensus_reason,
        "moderated": score.moderated,
        "feedback": score.feedback,
    }


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _number(value: float) -> float | None:
    """JSON has no NaN: an undefined figure (a central weight of a bid that never wins) is null."""
    return None if value != value else float(value)


def _matrix(values: Any) -> list[list[float | None]]:
    return [[_number(v) for v in row] for row in values]


def _interval(interval: StabilityInterval) -> dict[str, Any]:
    return {**dataclasses.asdict(interval), "switching_change": interval.switching_change}


def sensitivity_document(
    report: SensitivityReport, *, ranks: int | None = None, published: bool = True
) -> dict[str, Any]:
    """The sensitivity report as plain data, every figure unrounded.

    ``ranks`` keeps the rank acceptabilities (and their standard errors) of the first ranks
    only: with 2,000 bids the full matrices are 4 million figures nobody reads.
    """
    smaa = report.smaa
    kept = slice(None, ranks)
    critical = report.most_critical
    return {
        "schema": SENSITIVITY_SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tenderscore", "version": __version__},
        "tender": {"reference": report.evaluation.reference, "title": report.evaluation.title},
        "headline": robustness_headline(report, published=published),
        "ranked": list(report.ranked),
        "settings": dataclasses.asdict(report.settings),
        "most_critical": critical.id if critical else None,
        "stability": [_interval(interval) for interval in report.intervals],
        "section_stability": [_interval(interval) for interval in report.section_intervals],
        "sweeps": [dataclasses.asdict(sweep) for sweep in report.sweeps],
        "switching_values": [
            {**dataclasses.asdict(value), "change": value.change} for value in report.switching
        ],
        "smaa": None
        if smaa is None
        else {
            "bids": list(smaa.bids),
            "leaves": list(smaa.leaves),
            "samples": smaa.samples,
            "seed": smaa.seed,
            "sampling": smaa.sampling,
            "score_uncertainty": smaa.score_uncertainty,
            "win_probability": [float(p) for p in smaa.win_probability],
            "ranks_kept": smaa.acceptability[:, kept].shape[1],
            "rank_acceptability": _matrix(smaa.acceptability[:, kept]),
            "standard_error": _matrix(smaa.standard_error[:, kept]),
            "central_weights": _matrix(smaa.central_weights),
            "confidence": [_number(c) for c in smaa.confidence],
            "pairwise_winning": None if smaa.pairwise is None else _matrix(smaa.pairwise),
        },
        "rank_reversals": [dataclasses.asdict(r) for r in report.reversals],
        "formulas": [dataclasses.asdict(f) for f in report.formulas],
        "scenarios": [
            {
                "name": s.name,
                "description": s.description,
                "weights": s.weights,
                "winners": list(s.winners),
                "ranking": [
                    {"bid": b.id, "rank": b.rank, "total": b.total} for b in s.evaluation.ranked
                ],
                "excluded": [b.id for b in s.evaluation.excluded],
            }
            for s in report.scenarios
        ],
    }
