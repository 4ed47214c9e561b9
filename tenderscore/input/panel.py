"""Who on the panel scores what: the one rule for assigning evaluators to criteria."""

from __future__ import annotations

from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.models import TenderFile


def assigned_evaluators(config: TenderFile, tree: CriteriaTree, criterion: str) -> list[str]:
    """Ids of the evaluators who score ``criterion`` (all of them when sections are not set),
    leaving out anyone the conflicts assessment removed from the evaluation."""
    lineage = {criterion, *(node.id for node in tree.ancestors(criterion))}
    out = removed(config)
    return [
        evaluator.id
        for evaluator in config.panel
        if (evaluator.sections is None or lineage.intersection(evaluator.sections))
        and evaluator.id not in out
    ]


def removed(config: TenderFile) -> set[str]:
    """The people the conflicts assessment removed from the evaluation."""
    return {d.person for d in config.conflicts if d.mitigation == "removed"}


def undeclared(config: TenderFile) -> list[str]:
    """Panel members with no declaration of interests."""
    declared = {d.person for d in config.conflicts}
    return [evaluator.id for evaluator in config.panel if evaluator.id not in declared]
