"""Who on the panel scores what: the one rule for assigning evaluators to criteria."""

from __future__ import annotations

from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.models import TenderFile


def assigned_evaluators(config: TenderFile, tree: CriteriaTree, criterion: str) -> list[str]:
    """Ids of the evaluators who score ``criterion`` (all of them when sections are not set)."""
    lineage = {criterion, *(node.id for node in tree.ancestors(criterion))}
    return [
        evaluator.id
        for evaluator in config.panel
        if evaluator.sections is None or lineage.intersection(evaluator.sections)
    ]
