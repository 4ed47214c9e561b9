"""Walking the export document's criteria: its leaves and what lies beneath a section.

The helpers every renderer uses to find its way in the document, defined once beside it.
"""

from __future__ import annotations

from tenderscore.report.types import BidPart, CriterionPart, ExportDocument


def document_leaves(document: ExportDocument) -> list[str]:
    """Ids of the weighted leaf criteria, in the engine's order (the tree's, depth first)."""
    return [c["id"] for c in document["criteria"] if c["kind"] not in ("section", "pass_fail")]


def document_has_leaves(document: ExportDocument, node_id: str) -> bool:
    return bool(document_section_leaves(document, node_id))


def document_section_leaves(document: ExportDocument, node_id: str) -> list[str]:
    """Leaf ids beneath ``node_id`` (itself if it is a leaf)."""
    children: dict[str | None, list[str]] = {}
    for node in document["criteria"]:
        children.setdefault(node["parent"], []).append(node["id"])
    leaves = set(document_leaves(document))
    found: list[str] = []
    stack = [node_id]
    while stack:
        current = stack.pop()
        if current in leaves:
            found.append(current)
        stack.extend(reversed(children.get(current, [])))
    return [leaf for leaf in document_leaves(document) if leaf in found]


def criteria_by_id(document: ExportDocument) -> dict[str, CriterionPart]:
    return {node["id"]: node for node in document["criteria"]}


def section_of(criteria: dict[str, CriterionPart], node_id: str) -> str:
    """The top-level node (section, or a top-level leaf) that ``node_id`` lies beneath."""
    node = criteria[node_id]
    while node["parent"] is not None:
        node = criteria[node["parent"]]
    return node["id"]


def quality_points(bid: BidPart) -> float:
    """The points a bid scored on everything but price: the value-for-money chart's height."""
    return sum(cell["points"] for cell in bid["criteria"] if cell["kind"] != "price")


def document_priced(document: ExportDocument) -> bool:
    """Whether the tender scores a price (and so has a value-for-money chart)."""
    return any(node["kind"] == "price" for node in document["criteria"])
