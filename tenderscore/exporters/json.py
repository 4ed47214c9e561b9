"""The evaluation as one versioned JSON document, unrounded, with every number's trace."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from tenderscore import __version__
from tenderscore.results import BidResult, CriterionScore, Evaluation

SCHEMA = "tenderscore/evaluation"
SCHEMA_VERSION = 1


def evaluation_document(evaluation: Evaluation) -> dict[str, Any]:
    """A plain-data view of ``evaluation`` that ``json.dumps`` can write without loss."""
    return {
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
        "warnings": [dataclasses.asdict(finding) for finding in evaluation.findings],
    }


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
        "consensus_reason": score.consensus_reason,
    }


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def render_json(evaluation: Evaluation) -> str:
    return json.dumps(evaluation_document(evaluation), indent=2, allow_nan=False) + "\n"
