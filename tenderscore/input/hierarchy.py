"""The criteria tree flattened for scoring: every node's normalised and effective weight.

The effective weight of a leaf is the product of the normalised weights on its path from the
root, so effective weights of all weighted leaves sum to 1. Gates (pass/fail) carry no weight.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from tenderscore.input.models import GateCriterion, Leaf, Node, Section, Weighting

PERCENT_TOLERANCE = 1e-6

NodePath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class TreeNode:
    """One node of the criteria tree with its weights resolved.

    ``source_path`` locates the node in the file it came from, so that problems found later can
    still name a line. ``leaves`` are the indices (into ``CriteriaTree.leaves``) of the weighted
    leaves beneath the node, the node itself for a leaf.
    """

    id: str
    name: str
    kind: str
    model: Section | Leaf
    parent: str | None
    depth: int
    source_path: NodePath
    stated_weight: float | None
    local_weight: float
    effective_weight: float
    leaves: tuple[int, ...]
    children: tuple[str, ...] = ()

    @property
    def is_gate(self) -> bool:
        return self.kind == "pass_fail"


@dataclass(frozen=True, slots=True)
class WeightProblem:
    """A weight error found while building the tree, located at ``source_path``."""

    source_path: NodePath
    message: str
    key: str = "weight"


@dataclass(frozen=True)
class CriteriaTree:
    weighting: Weighting
    nodes: Mapping[str, TreeNode]
    leaves: tuple[TreeNode, ...]
    gates: tuple[TreeNode, ...]
    sections: tuple[str, ...]
    problems: tuple[WeightProblem, ...] = field(default=())

    @property
    def weights(self) -> tuple[float, ...]:
        return tuple(leaf.effective_weight for leaf in self.leaves)

    @property
    def priced(self) -> bool:
        """Whether the tender scores a price (bids then give one, on a price schedule too)."""
        return any(leaf.kind == "price" for leaf in self.leaves)

    def ancestors(self, node_id: str) -> Iterator[TreeNode]:
        parent = self.nodes[node_id].parent
        while parent is not None:
            yield self.nodes[parent]
            parent = self.nodes[parent].parent


def iter_nodes(nodes: Sequence[Node], path: NodePath) -> Iterator[tuple[Node, NodePath]]:
    """Every node of the tree, depth first, with its path in the source data."""
    for index, node in enumerate(nodes):
        node_path = (*path, index)
        yield node, node_path
        if isinstance(node, Section):
            yield from iter_nodes(node.children, (*node_path, "children"))


def build_tree(
    criteria: Sequence[Node],
    *,
    weighting: Weighting,
    overrides: Mapping[str, float] | None = None,
    renormalise: bool = False,
    source_path: NodePath = ("criteria",),
) -> CriteriaTree:
    """Resolve weights, check that they are consistent, and flatten the tree.

    ``overrides`` replace stated weights by node id. With ``renormalise`` (command-line
    re-weighting) percentages need not sum to 100 and are scaled within each parent instead.
    """
    builder = _Builder(weighting, dict(overrides or {}), renormalise)
    builder.add_level(criteria, parent=None, depth=0, path=source_path, parent_weight=1.0)
    nodes = {node_id: builder.nodes[node_id] for node_id in builder.preorder}
    return CriteriaTree(
        weighting=weighting,
        nodes=nodes,
        leaves=tuple(builder.nodes[i] for i in builder.leaf_ids),
        gates=tuple(n for n in nodes.values() if n.is_gate),
        sections=tuple(n.id for n in nodes.values() if n.depth == 0 and n.leaves),
        problems=tuple(builder.problems),
    )


def _kind(node: Node) -> str:
    if isinstance(node, Section):
        return "section"
    return node.kind


def has_weight(node: Node) -> bool:
    """Whether a node takes part in weighting: anything but a gate or a section of gates."""
    if isinstance(node, GateCriterion):
        return False
    if isinstance(node, Section):
        return any(has_weight(child) for child in node.children)
    return True


class _Builder:
    def __init__(self, weighting: Weighting, overrides: dict[str, float], renormalise: bool):
        self.weighting = weighting
        self.overrides = overrides
        self.renormalise = renormalise
        self.nodes: dict[str, TreeNode] = {}
        self.preorder: list[str] = []
        self.leaf_ids: list[str] = []
        self.problems: list[WeightProblem] = []

    def stated(self, node: Node) -> float | None:
        if node.id in self.overrides:
            return self.overrides[node.id]
        return None if isinstance(node, GateCriterion) else node.weight

    def raw_weight(self, node: Node, path: NodePath) -> float:
        """The node's weight before normalisation among its siblings."""
        stated = self.stated(node)
        if not has_weight(node):
            if stated:
                self.problems.append(
                    WeightProblem(
                        path,
                        f"{node.id!r} holds only pass/fail gates, which carry no "
                        f"weight; expected no weight, got {stated:g}",
                    )
                )
            return 0.0
        if stated is not None:
            return stated
        if self.weighting == "points" and isinstance(node, Section):
            return sum(self.raw_weight(child, path) for child in node.children if has_weight(child))
        self.problems.append(WeightProblem(path, f"{node.id!r} needs a weight ({self.weighting})"))
        return 0.0

    def add_level(
        self,
        nodes: Sequence[Node],
        *,
        parent: Section | None,
        depth: int,
        path: NodePath,
        parent_weight: float,
    ) -> list[int]:
        raw = [self.raw_weight(node, (*path, i)) for i, node in enumerate(nodes)]
        total = sum(raw)
        self.check_sum(nodes, raw, parent, path)
        leaves: list[int] = []
        for index, (node, weight) in enumerate(zip(nodes, raw, strict=True)):
            local = weight / total if total > 0 else 0.0
            node_path = (*path, index)
            self.preorder.append(node.id)
            if isinstance(node, Section):
                node_leaves = self.add_level(
                    node.children,
                    parent=node,
                    depth=depth + 1,
                    path=(*node_path, "children"),
                    parent_weight=parent_weight * local,
                )
            elif isinstance(node, GateCriterion):
                node_leaves = []
            else:
                node_leaves = [len(self.leaf_ids)]
                self.leaf_ids.append(node.id)
            leaves.extend(node_leaves)
            self.nodes[node.id] = TreeNode(
                id=node.id,
                name=node.name,
                kind=_kind(node),
                model=node,
                parent=parent.id if parent else None,
                depth=depth,
                source_path=node_path,
                stated_weight=self.stated(node),
                local_weight=local,
                effective_weight=parent_weight * local,
                leaves=tuple(node_leaves),
                children=tuple(c.id for c in node.children) if isinstance(node, Section) else (),
            )
        return leaves

    def check_sum(
        self, nodes: Sequence[Node], raw: list[float], parent: Section | None, path: NodePath
    ) -> None:
        weighted = [(n.id, w) for n, w in zip(nodes, raw, strict=True) if has_weight(n)]
        if not weighted:
            return
        total = sum(w for _, w in weighted)
        where = f"under {parent.id!r}" if parent else "at the top level"
        parent_path = path[:-1] if parent else path
        listing = ", ".join(f"{node_id} {w:g}" for node_id, w in weighted)
        if total <= 0:
            self.problems.append(
                WeightProblem(parent_path, f"weights {where} are all zero ({listing})", key="")
            )
        elif (
            self.weighting == "percent"
            and not self.renormalise
            and abs(total - 100) > PERCENT_TOLERANCE
        ):
            self.problems.append(
                WeightProblem(
                    parent_path,
                    f"weights {where} must sum to 100; they sum to {total:g} ({listing})",
                    key="",
                )
            )
