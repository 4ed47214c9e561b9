"""The Markdown report, from a Jinja2 template in a sandbox.

The built-in template can be overridden with ``--template DIR``: a ``report.md.j2`` there
replaces it and may extend it as ``builtin/report.md.j2``. Templates run sandboxed with
strict undefined variables; every value that came from a bid passes through an escaping
filter. Dates are passed in, so the same inputs give byte-identical reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tenderscore.exporters.templating import environment, render
from tenderscore.figures import number
from tenderscore.report.criteria import document_leaves, document_priced
from tenderscore.report.timeline import standstill_sentence, timeline_rows
from tenderscore.report.types import (
    CriterionPart,
    ExportDocument,
    SmaaPart,
    SwitchingPart,
    rounding_of,
    sensitivity_of,
)
from tenderscore.report.wording import (
    CONFIDENTIAL,
    DRAFT,
    WHAT_IF,
    chart_alt_texts,
    improvement_words,
    minimum_words,
    not_ranked,
    price_cut_words,
    sampling_words,
    set_aside_words,
    unreachable_words,
)
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.rules.price import PRICE_FORMULAS

TEMPLATE = "report.md.j2"
BREAKDOWN_BIDS = 10  # the criterion-by-criterion table shows the leading bids only
MODERATION_LINES = 50  # the report lists the most disputed items; the rest are in the workbook


def render_report(
    document: ExportDocument, charts: dict[str, str], *, template_dir: Path | None = None
) -> str:
    """The report for ``document``; ``charts`` maps 'points' and 'tornado' to file names."""
    bounded = environment(template_dir, TEMPLATE)
    names = {bid["id"]: bid["name"] for bid in document["bids"]}
    bounded.filters["bid_name"] = lambda bid_id: names.get(bid_id, bid_id)
    return render(bounded, TEMPLATE, _context(document, charts), what="report")


def _context(document: ExportDocument, charts: dict[str, str]) -> dict[str, Any]:
    bids = document["bids"]
    ranked = [bid for bid in bids if bid["eligible"]]
    names = {bid["id"]: bid["name"] for bid in bids}
    node_names = {node["id"]: node["name"] for node in document["criteria"]}
    sensitivity = sensitivity_of(document)
    intervals = sensitivity["stability"]
    critical = next((i for i in intervals if i["id"] == sensitivity["most_critical"]), None)
    leaves = document_leaves(document)
    return {
        "tender": document["tender"],
        "method": document["method"],
        "audit": document["audit"],
        "criteria": document["criteria"],
        "sections": document["sections"],
        "section_names": node_names,
        "bid_names": names,
        "ranked": ranked,
        "leading": ranked[:BREAKDOWN_BIDS],
        "not_ranked": not_ranked(document),
        "set_aside_note": set_aside_words(
            [(bid["name"], bid["exclusions"][0]["kind"]) for bid in document["set_aside"]]
        )
        if document["set_aside"]
        else "",
        "winners": [bid for bid in ranked if bid["rank"] == 1],
        "runner_up": next((bid for bid in ranked if bid["rank"] != 1), None),
        "leaves": leaves,
        "points": {
            bid["id"]: {c["criterion"]: c["points"] for c in bid["criteria"]} for bid in bids
        },
        "sensitivity": sensitivity,
        "critical": critical,
        "top_intervals": [i for i in intervals if i["top_level"]],
        "section_intervals": sensitivity.get("section_stability", []),
        "smaa": sensitivity["smaa"],
        "smaa_rows": smaa_rows(sensitivity["smaa"], names),
        "sampling_words": document_sampling_words(document),
        "run": document["run"],
        "total_unit": AGGREGATIONS[document["method"]["aggregation"]].unit,
        "what_if_mark": WHAT_IF,
        "timeline_rows": timeline_rows(document.get("timeline")),
        "standstill": standstill_sentence(document.get("timeline")),
        "timeline_problems": timeline["problems"] if (timeline := document.get("timeline")) else [],
        "draft_mark": DRAFT,
        "readiness": document.get("readiness", []),
        "conflicts": document.get("conflicts", []),
        "approval": document.get("approval"),
        "meeting": document["meeting"],
        "switching": _switching_sentences(document, names, node_names),
        "moderation": _moderation_lines(document, names, node_names),
        "agreement": document["moderation"]["agreement"],
        "evaluator_profiles": document["moderation"]["evaluators"],
        "disagreement_share": document["method"]["disagreement_share"],
        "warnings": document["warnings"],
        "charts": charts,
        "confidential": CONFIDENTIAL,
        "priced": document_priced(document),
        "money": number,
        **chart_alt_texts(document),
        "price_words": price_words(document),
        "aggregation_words": aggregation_words(document),
        "scored_as": scored_as,
        "minimum": minimum_text,
    }


def price_words(document: ExportDocument) -> str:
    method = document["method"]
    rule = method["price"]
    formula = PRICE_FORMULAS[rule["formula"]]  # the words of the registry, not of the file
    tender = document["tender"]
    rate = tender["discount_rate"]
    discount = (
        f"discounted at {100 * rate:g}% a year over {tender['term_years']} years"
        if rate
        else f"undiscounted over {tender['term_years']} years"
    )
    parameters = [
        f"{key.replace('_', ' ')} {number(value)}"
        for key, value in (
            ("ceiling", rule["ceiling"]),
            ("floor", rule["floor"]),
            ("zero_at_multiple", rule["zero_at_multiple"]),
        )
        if value is not None
    ]
    if not rule.get("clip", True):
        parameters.append("not clipped: a score may go above full marks or below 0")
    extra = f" ({', '.join(parameters)})" if parameters else ""
    return (
        f"Price is the whole-life cost {discount}, scored {formula.description}: "
        f"v = {formula.expression}{extra}."
    )


def aggregation_words(document: ExportDocument) -> str:
    method = document["method"]
    words = AGGREGATIONS[method["aggregation"]].description(method["money_per_point"])
    rounding = rounding_of(method).words()
    return f"{words} {rounding}" if rounding else words


def document_sampling_words(document: ExportDocument) -> str:
    settings = sensitivity_of(document)["settings"]
    return sampling_words(
        settings["sampling"],
        score_uncertainty=settings["score_uncertainty"],
        concentration=settings["concentration"],
        published=document["run"]["official"],
    )


def scored_as(node: CriterionPart) -> str:
    spec = node.get("spec", {})
    kind = node["kind"]
    if kind == "section":
        return "section"
    if kind == "pass_fail":
        return "pass/fail gate: a fail excludes the bid"
    if kind == "price":
        return "price formula"
    if kind == "scale":
        scale = spec["scale"]
        return f"evaluators' scores on {scale['min']}-{scale['max']}"
    function = spec["value_function"]
    unit = f" {spec['unit']}" if spec.get("unit") else ""
    if function["type"] == "linear":
        return f"linear from {function['worst']:g} (0) to {function['best']:g}{unit} (full)"
    if function["type"] == "piecewise":
        return f"piecewise linear ({spec['unit']})" if spec.get("unit") else "piecewise linear"
    return "between the lowest and highest answers received" + unit


def minimum_text(node: CriterionPart) -> str:
    minimum = node.get("spec", {}).get("minimum")
    if not minimum:
        return ""
    return minimum_words(
        percent=minimum.get("percent"), points=minimum.get("points"), score=minimum.get("score")
    )


def smaa_rows(smaa: SmaaPart | None, names: dict[str, str]) -> list[dict[str, Any]]:
    if smaa is None:
        return []
    rows = []
    for k, bid in enumerate(smaa["bids"]):
        p = smaa["win_probability"][k]
        confidence = smaa["confidence"][k]
        rows.append(
            {
                "name": names[bid],
                "p": p,
                "se": "-" if (se := smaa["standard_error"][k][0]) is None else f"{100 * se:.1f}",
                "confidence": "-" if confidence is None else f"{100 * confidence:.0f}%",
            }
        )
    return sorted(rows, key=lambda row: -row["p"])


def _switching_sentences(
    document: ExportDocument, names: dict[str, str], node_names: dict[str, str]
) -> list[str]:
    """What each losing bid would need to win, one input at a time."""
    by_bid: dict[str, list[SwitchingPart]] = {}
    for value in sensitivity_of(document)["switching_values"]:
        by_bid.setdefault(value["bid"], []).append(value)
    currency = document["tender"]["currency"]
    sentences = []
    for bid, values in by_bid.items():
        parts: list[str] = []
        for value in values:
            if value["needed"] is None:
                continue
            if value["kind"] == "price":
                parts.insert(0, price_cut_words(value["current"], value["needed"], currency))
            else:
                criterion = node_names[value["criterion"]]
                parts.append(improvement_words(value["current"], value["needed"], criterion))
        if parts:
            sentences.append(f"{names[bid]}: " + "; or ".join(parts[:4]))
        else:
            sentences.append(f"{names[bid]}: {unreachable_words()}")
    return sentences


def _moderation_lines(
    document: ExportDocument, names: dict[str, str], node_names: dict[str, str]
) -> list[str]:
    """The moderation agenda in sentences: disputed scores first, then weak reasons."""
    lines = []
    agenda = document["moderation"]["agenda"]
    for item in agenda[:MODERATION_LINES]:
        given = ", ".join(f"{e} {s:g}" for e, s in item["scores"].items())
        what = f"{names[item['bid']]} on {node_names[item['criterion']]}: scores {given}"
        if item["disputed"]:
            what += f" (range {item['spread']:g}, {100 * item['spread_share']:.0f}% of the scale)"
        if item["consensus"] is not None:
            what += f"; consensus {item['consensus']:g}: {item['consensus_reason']}"
        for evaluator, problem in item["reasons"].items():
            what += f"; {evaluator}: {problem}"
        lines.append(what)
    if len(agenda) > MODERATION_LINES:
        lines.append(
            f"... and {len(agenda) - MODERATION_LINES} more items: see the workbook's "
            "Evaluators sheet or `tenderscore moderation`"
        )
    return lines
