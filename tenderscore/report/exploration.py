"""What the decision page's "try other weights" needs: the partial values the engine computed,
the weight tree, and the rules that turn weights into a ranking (aggregation, rounding,
minimums that move with the weights, the declared tie-break), taken from the export document.

The page's script recomputes totals from this model exactly as ``tenderscore evaluate
--weights`` does with the partial values held (they do not depend on the weights), so that a
reader moving a weight sees the ranking the engine would give. Two audiences, two levels of
detail, one model:

- the committee's page explores every weight: its units are the leaf criteria;
- the public page explores the sections' weights only: its units are the top-level sections,
  each carrying the bid's section score as the public report prints it (two decimals of
  points), because a criterion's weight moved alone reveals each bid's score on that
  criterion, and a finer section score the other prices, which the public report withholds
  (``report/disclosure.py``). Its totals are therefore known to within that rounding, which
  the page says (``unitError``), calling a lead inside it too close to call.

What the model cannot reproduce exactly is named in ``caveats`` and shown on the page, never
glossed: a tender that rounds each criterion's points (public page), a minimum below section
level, tie-break keys whose order is not public, and (checked in the page) weights under which
another set of bids would meet the minimums. The page also recomputes the published weights'
ranking when it loads and offers no exploration if it cannot reproduce it.
"""

from __future__ import annotations

from typing import Any, Literal

from tenderscore.report.criteria import (
    criteria_by_id,
    document_leaves,
    document_section_leaves,
    section_of,
)
from tenderscore.report.types import (
    BidPart,
    CriterionPart,
    ExportDocument,
    rounding_of,
    sensitivity_of,
)
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.rules.price import PRICE_FORMULAS
from tenderscore.rules.ranking import PRICE, RELATIVE_TOLERANCE, nearly_equal

Detail = Literal["criteria", "sections"]

PUBLISHED_DECIMALS = 2
"""The public report's precision for points: the public page's section scores hold no more."""
RELATIVE_VALUE_FUNCTIONS = ("observed", "relative_to_best")
"""Numeric value functions scored against the other bids (the engine's ``RelativeValue``)."""


def exploration_model(document: ExportDocument, *, detail: Detail) -> dict[str, Any]:
    """The JSON the page's script reads (see the module docstring), or one with
    ``unavailable`` saying why the exploration cannot be offered."""
    method = AGGREGATIONS[document["method"]["aggregation"]]
    disclosure = document["disclosure"]
    every_price = disclosure["winner_price"] and disclosure["losing_prices"]
    if detail == "sections" and method.price_as_money and not every_price:
        return {
            "unavailable": "Under this tender's method each total is a price adjusted for "
            "quality, so recomputing totals needs every bid's price, which is not published."
        }
    criteria = criteria_by_id(document)
    units = document_leaves(document) if detail == "criteria" else list(document["sections"])
    unit_index = {unit: k for k, unit in enumerate(units)}
    nodes = _weighted_nodes(document, detail)
    explored, fixed_out = _explored_bids(document, detail)
    leaves_of = {unit: document_section_leaves(document, unit) for unit in units}
    rounding = rounding_of(document["method"])
    caveats = []
    if detail == "sections" and rounding.points is not None:
        caveats.append(
            "This tender rounds each criterion's points, which this page (showing section "
            "scores only) cannot repeat: totals may differ from the engine's in the last "
            "decimal."
        )
    minimums, minimum_caveats = _moving_minimums(document, criteria, detail, unit_index)
    caveats += minimum_caveats
    caveats += [
        f"{bid['name']} is below a minimum that depends on the weights; its scores are not "
        "published, so this page does not show whether other weights would bring it back."
        for bid in fixed_out
        if bid["movable"]
    ]
    return {
        "method": {
            "name": method.name,
            "higherIsBetter": method.higher_is_better,
            "priceAsMoney": method.price_as_money,
            "moneyPerPoint": document["method"]["money_per_point"] or 0.0,
            "label": method.label,
            "unit": method.unit.strip(),
        },
        "rounding": {stage: getattr(rounding, stage) for stage in ("points", "section", "total")},
        "tolerance": RELATIVE_TOLERANCE,
        "weighting": document["method"]["weighting"],
        "nodes": nodes,
        "units": [
            {
                "id": unit,
                "priceShare": _price_share(criteria, leaves_of[unit]),
                "section": document["sections"].index(section_of(criteria, unit)),
                "relative": any(_relative(document, criteria[leaf]) for leaf in leaves_of[unit]),
            }
            for unit in units
        ],
        "sections": list(document["sections"]),
        "bids": [
            {
                "id": bid["id"],
                "name": bid["name"],
                "values": _unit_values(criteria, bid, units, detail),
                "price": _price(bid, document),
            }
            for bid in explored
        ],
        "tieBreaks": _tie_breaks(document, explored, units, detail),
        "minimums": minimums,
        "intervals": _intervals(document, detail),
        "published": {
            "winners": [bid["id"] for bid in explored if bid["rank"] == 1],
            "totals": {
                bid["id"]: round(bid["total"], PUBLISHED_DECIMALS)
                if detail == "sections"
                else bid["total"]
                for bid in explored
                if bid["eligible"]
            },
            "ranks": {bid["id"]: bid["rank"] for bid in explored},
        },
        "notExplored": fixed_out,
        "unseenMayReturn": any(bid["movable"] for bid in fixed_out),
        "hiddenUnits": sorted(
            {
                unit_index[section_of(criteria, node)]
                for bid in fixed_out
                if bid["movable"]
                for node in bid["minimums"]
            }
        ),
        "unitError": [
            0.5 * 10**-PUBLISHED_DECIMALS / (100 * criteria[unit]["effective_weight"])
            if detail == "sections" and criteria[unit]["effective_weight"] > 0
            else 0.0
            for unit in units
        ],
        "caveats": caveats + _tie_break_caveats(document, units, detail),
        "baseline": _baseline(document),
    }


def _baseline(document: ExportDocument) -> str:
    """What the page's figures start from, as its sentences name it."""
    run = document["run"]
    if not run["official"]:
        return "the leader of this what-if"
    return (
        "the leader of this draft" if run.get("draft", False) else "the bid recommended for award"
    )


def _tie_break_caveats(document: ExportDocument, units: list[str], detail: Detail) -> list[str]:
    dropped = [
        entry for entry in document["method"]["tie_break"] if entry != PRICE and entry not in units
    ]
    if detail == "criteria" or not dropped:
        return []
    return [
        f"Ties are broken first by {', '.join(dropped)}, whose scores are not published: a tie "
        "under other weights is shown here as a shared place."
    ]


def _weighted_nodes(document: ExportDocument, detail: Detail) -> list[dict[str, Any]]:
    """The weighted nodes in tree order (preorder) with their stated weights: the sections
    only for the public page."""
    weighted = [
        node
        for node in document["criteria"]
        if node["kind"] != "pass_fail" and document_section_leaves(document, node["id"])
    ]
    if detail == "sections":
        weighted = [node for node in weighted if node["parent"] is None]
    ids = [node["id"] for node in weighted]
    return [
        {
            "id": node["id"],
            "name": node["name"],
            "parent": ids.index(node["parent"]) if node["parent"] in ids else -1,
            # the public page holds no children: a section's weight as resolved from them
            "stated": _raw_weight(document, node)
            if detail == "sections"
            else node["stated_weight"],
            "local": node["local_weight"],
            "isSection": node["kind"] == "section",
            # published at 0%: its scores are not published, so it cannot be weighted here
            "fixed": detail == "sections" and node["effective_weight"] <= 0,
        }
        for node in weighted
    ]


def _raw_weight(document: ExportDocument, node: CriterionPart) -> float:
    """A node's weight before normalisation, as the tree resolves it (input/hierarchy.py):
    stated, or under points weighting a section's children's sum."""
    if node["stated_weight"] is not None:
        return node["stated_weight"]
    if node["kind"] == "pass_fail" or not document_section_leaves(document, node["id"]):
        return 0.0
    children = [n for n in document["criteria"] if n["parent"] == node["id"]]
    return sum(_raw_weight(document, child) for child in children)


def _relative(document: ExportDocument, node: CriterionPart) -> bool:
    """Whether a leaf is scored against the other bids in contention (so its values hold
    only while the same bids are in contention)."""
    if node["kind"] == "price":
        return PRICE_FORMULAS[document["method"]["price_formula"]].relative
    function = node["spec"].get("value_function")
    return function is not None and function["type"] in RELATIVE_VALUE_FUNCTIONS


def _price_share(criteria: dict[str, CriterionPart], leaves: list[str]) -> float:
    """The share of a unit's weight in the published tree that is price (price weighs
    nothing when it enters the figure as money, so the page takes it out)."""
    weights = {leaf: _tree_weight(criteria, leaf) for leaf in leaves}
    total = sum(weights.values())
    price = sum(w for leaf, w in weights.items() if criteria[leaf]["kind"] == "price")
    return price / total if total > 0 else 0.0


def _tree_weight(criteria: dict[str, CriterionPart], node_id: str) -> float:
    """A node's weight in the published tree: the product of the local weights on its path
    (the document's effective weights are the scoring weights, price taken out under
    price-as-money methods)."""
    weight = 1.0
    node: CriterionPart | None = criteria[node_id]
    while node is not None:
        weight *= node["local_weight"]
        node = criteria[node["parent"]] if node["parent"] is not None else None
    return weight


def _unit_values(
    criteria: dict[str, CriterionPart], bid: BidPart, units: list[str], detail: Detail
) -> list[float]:
    """The bid's partial value on each unit: a leaf's value; on the public page a section's
    score as the public report publishes it, its points to two decimals over its weight (a
    finer figure, with the successful tender's price and a relative price formula, gives the
    other prices to the penny, and a section's scores more digits than it publishes)."""
    cells = {cell["criterion"]: cell for cell in bid["criteria"]}
    if detail == "criteria":
        return [cells[unit]["value"] for unit in units]
    return [
        round(bid["section_points"][unit], PUBLISHED_DECIMALS)
        / (100 * criteria[unit]["effective_weight"])
        if criteria[unit]["effective_weight"] > 0
        else 0.0
        for unit in units
    ]


def _price(bid: BidPart, document: ExportDocument) -> float | None:
    """The price, where the figure needs it and the audience may read it."""
    if bid["price"] is None or not AGGREGATIONS[document["method"]["aggregation"]].price_as_money:
        return None
    return bid["price"]["price"]


def _explored_bids(
    document: ExportDocument, detail: Detail
) -> tuple[list[BidPart], list[dict[str, Any]]]:
    """The bids the exploration re-ranks, and those it leaves as they are, with why.

    A bid out of contention for a reason the weights cannot change (a gate, an exclusion, a
    score below a minimum score) stays out. One below a minimum in points or percent can
    come back under other weights: the committee's page re-checks it; the public page leaves
    it out (its scores are not published) and says so."""
    moving = {
        node["id"]
        for node in document["criteria"]
        if (minimum := node["spec"].get("minimum"))
        and (
            minimum["points"] is not None
            or (minimum["percent"] is not None and detail == "criteria")
        )
    }
    explored: list[BidPart] = []
    fixed_out: list[dict[str, Any]] = []
    for bid in document["bids"]:
        reasons = bid["exclusions"]
        undefined = AGGREGATIONS[document["method"]["aggregation"]].undefined
        weight_bound = bool(reasons) and all(
            e["kind"] == "minimum"
            and (e["criterion"] in moving or (bool(undefined) and e["reason"] == undefined))
            for e in reasons
        )
        if bid["eligible"] or (weight_bound and detail == "criteria"):
            explored.append(bid)
        else:
            fixed_out.append(
                {
                    "id": bid["id"],
                    "name": bid["name"],
                    "movable": weight_bound,
                    "minimums": [e["criterion"] for e in reasons if e["criterion"] in moving],
                }
            )
    return explored, fixed_out


def _moving_minimums(
    document: ExportDocument,
    criteria: dict[str, CriterionPart],
    detail: Detail,
    unit_index: dict[str, int],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The minimums whose outcome can change with the weights, on the page's units."""
    found: list[dict[str, Any]] = []
    caveats: list[str] = []
    for node in document["criteria"]:
        minimum = node["spec"].get("minimum")
        if not minimum or (minimum["points"] is None and minimum["percent"] is None):
            continue
        leaves = document_section_leaves(document, node["id"])
        units = leaves if detail == "criteria" else [node["id"]]
        if any(unit not in unit_index for unit in units):
            if minimum["points"] is not None:  # a percent below section level holds still
                caveats.append(
                    f"The minimum on {node['name']!r} is in points below section level; "
                    "this page does not re-check it."
                )
            continue
        if detail == "sections" and minimum["percent"] is not None:
            continue  # a section's percentage does not move with the sections' weights
        found.append(
            {
                "name": node["name"],
                "kind": "points" if minimum["points"] is not None else "percent",
                "required": minimum["points"]
                if minimum["points"] is not None
                else minimum["percent"],
                "units": [unit_index[unit] for unit in units],
                "early": not any(_relative(document, criteria[leaf]) for leaf in leaves),
            }
        )
    return found, caveats


def _tie_breaks(
    document: ExportDocument, bids: list[BidPart], units: list[str], detail: Detail
) -> list[dict[str, Any]]:
    """The declared tie-break keys. On the committee's page a criterion's key is its points,
    recomputed; the price, and on the public page every key, is an order that the weights do
    not change (a node's points all scale by its section's weight), so it is given as ranks
    (ties kept, by the engine's tolerance) and published no figure."""
    keys: list[dict[str, Any]] = []
    for entry in document["method"]["tie_break"]:
        if entry == PRICE:
            prices = [bid["price"]["price"] if bid["price"] else float("inf") for bid in bids]
            keys.append({"name": entry, "units": [], "order": _order([-p for p in prices])})
            continue
        leaves = document_section_leaves(document, entry)
        if detail == "criteria":
            keys.append(
                {"name": entry, "units": [units.index(leaf) for leaf in leaves], "order": None}
            )
            continue
        if entry not in units:  # a criterion's scores are not published, not even their order:
            break  # the keys after it would break ties the engine breaks on it
        leaves_of = set(leaves)
        points = [
            sum(c["points"] for c in bid["criteria"] if c["criterion"] in leaves_of) for bid in bids
        ]
        keys.append({"name": entry, "units": [units.index(entry)], "order": _order(points)})
    return keys


def _order(figures: list[float]) -> list[int]:
    """Each figure's place as a key, higher is better, nearly equal figures sharing one."""
    distinct: list[float] = []
    for figure in sorted(figures):
        if not distinct or not nearly_equal(distinct[-1], figure):
            distinct.append(figure)
    return [next(k for k, d in enumerate(distinct) if nearly_equal(d, f)) + 1 for f in figures]


def _intervals(document: ExportDocument, detail: Detail) -> dict[str, list[float]]:
    """For each control, the range of its level's share over which the recommended tender
    stays first (the sensitivity analysis' stability intervals): a section's share of the
    whole, a criterion's share of its section, drawn on criteria directly in a section."""
    sensitivity = sensitivity_of(document)
    parents = {node["id"]: node["parent"] for node in document["criteria"]}
    found = {
        i["id"]: [i["winner_low"]["weight"], i["winner_high"]["weight"]]
        for i in sensitivity["stability"]
        if i["top_level"]
    }
    if detail == "criteria":
        found |= {
            i["id"]: [i["winner_low"]["weight"], i["winner_high"]["weight"]]
            for i in sensitivity.get("section_stability", [])
            if parents[i["id"]] == i.get("section")
        }
    return found
