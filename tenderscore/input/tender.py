"""A loaded tender: the validated input files, resolved into what the engine needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from tenderscore.errors import UsageError, did_you_mean
from tenderscore.input.bidfile import BidFile
from tenderscore.input.hierarchy import CriteriaTree, build_tree
from tenderscore.input.models import Node, TenderFile
from tenderscore.input.moderation_sheet import Meeting


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An input file and the SHA-256 of its bytes, for the audit trail."""

    path: Path
    role: str
    sha256: str


@dataclass(frozen=True)
class Tender:
    """Everything needed to evaluate a tender; built by ``load_tender``, read by ``evaluate``.

    The engine never reads files: it takes this object, so tests and analysts can build or
    modify one in memory (``with_weights``) and re-score without touching the disk.
    """

    root: Path
    config: TenderFile
    criteria_source: str
    criteria: tuple[Node, ...]
    tree: CriteriaTree
    bids: tuple[BidFile, ...]
    """The bids to score; those set aside before scoring are in ``set_aside``."""
    sources: tuple[SourceFile, ...] = ()
    lock_digest: str | None = None
    """The digest of the published rules in the tender's criteria lock, if it is locked."""
    set_aside: tuple[BidFile, ...] = ()
    """Bids not scored: withdrawn, late, failed a gate or excluded (``input.outcomes``)."""
    meeting: Meeting | None = None
    """The moderation meeting, as its workbook records it."""

    def with_weights(self, weights: Mapping[str, float]) -> Tender:
        """The same tender re-weighted by node id, each level renormalised to sum to 1.

        Raises:
            UsageError: for an id that is not in the criteria tree, or a negative weight.
        """
        weighted = [node.id for node in self.tree.nodes.values() if node.leaves]
        for node_id in weights:
            if node_id not in weighted:
                raise UsageError(
                    f"no weighted criterion or section {node_id!r}"
                    f"{did_you_mean(node_id, weighted)} (expected one of: {', '.join(weighted)})"
                )
        negative = sorted(node for node, weight in weights.items() if weight < 0)
        if negative:
            raise UsageError(f"weights must not be negative: {', '.join(negative)}")
        merged = {**self.config.weights, **weights}
        tree = build_tree(
            self.criteria, weighting=self.tree.weighting, overrides=merged, renormalise=True
        )
        if tree.problems:
            raise UsageError("; ".join(problem.message for problem in tree.problems))
        return replace(self, tree=tree)
