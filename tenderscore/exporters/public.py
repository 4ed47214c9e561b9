"""The public report: the decision and its reasons for the public and councillors in open
session, without what bidders gave in confidence or the panel's working notes.

It is rendered from an allow-list (this context), not by blanking the committee's report, so
that a field added to the export document later stays out of it until someone decides it
belongs. What it leaves out is decided in ``tenderscore.report.disclosure`` and listed in the
report itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tenderscore.exporters.markdown import (
    aggregation_words,
    document_sampling_words,
    minimum_text,
    price_words,
    scored_as,
    smaa_rows,
)
from tenderscore.exporters.templating import environment, render
from tenderscore.figures import number
from tenderscore.report.criteria import document_section_leaves
from tenderscore.report.disclosure import (
    losing_prices_public,
    price_caveat,
    public_prices,
    withheld,
)
from tenderscore.report.types import BidPart, ExportDocument, sensitivity_of
from tenderscore.report.wording import DRAFT, chart_alt_texts, not_ranked
from tenderscore.rules.aggregation import AGGREGATIONS

TEMPLATE = "report-public.md.j2"


def render_public_report(
    document: ExportDocument, charts: dict[str, str], *, template_dir: Path | None = None
) -> str:
    """The public report for ``document``; ``charts`` maps chart roles to file names."""
    bounded = environment(template_dir, TEMPLATE)
    return render(bounded, TEMPLATE, public_context(document, charts), what="public report")


def public_context(document: ExportDocument, charts: dict[str, str]) -> dict[str, Any]:
    """What a public document shows of ``document`` (the allow-list); ``charts`` maps chart
    roles to where each chart is."""
    ranked = [bid for bid in document["bids"] if bid["eligible"]]
    names = {bid["id"]: bid["name"] for bid in document["bids"]}
    node_names = {node["id"]: node["name"] for node in document["criteria"]}
    sensitivity = sensitivity_of(document)
    winners = [bid for bid in ranked if bid["rank"] == 1]
    prices = public_prices(document)
    method = AGGREGATIONS[document["method"]["aggregation"]]
    # under price per point or monetised quality each total is money that, with the published
    # quality, gives the price: such totals are withheld, in the headline and alt text too
    money_totals = method.price_as_money and not losing_prices_public(document)
    if money_totals:
        ranked = [bid if bid["id"] in prices else _without_total(bid) for bid in ranked]
    rate = document["tender"]["discount_rate"]
    return {
        "tender": document["tender"],
        "method": document["method"],
        "audit": document["audit"],
        "run": document["run"],
        "draft_mark": DRAFT,
        "criteria": document["criteria"],
        "sections": document["sections"],
        "section_names": node_names,
        "ranked": ranked,
        "winners": winners,
        "runner_up": next((bid for bid in ranked if bid["rank"] != 1), None),
        "prices": prices,
        "show_prices": len(prices) > len(winners),
        "price_basis": "whole-life cost, present value" if rate else "whole-life cost",
        "money": number,
        "shown_total": _shown_total,
        "total_unit": method.unit,
        "approval": document.get("approval"),
        "headline": "" if money_totals else sensitivity["headline"],
        "show_totals": not money_totals,
        "leads": _sections_led(document, winners),
        "price_words": price_words(document),
        "aggregation_words": aggregation_words(document),
        "scored_as": scored_as,
        "minimum": minimum_text,
        "charts": charts,
        **chart_alt_texts(document, totals=not money_totals),
        "not_ranked": not_ranked(document),
        "top_intervals": [i for i in sensitivity["stability"] if i["top_level"]],
        "smaa": sensitivity["smaa"],
        "smaa_rows": smaa_rows(sensitivity["smaa"], names),
        "sampling_words": document_sampling_words(document),
        "conflicts_words": _conflicts_words(document),
        "withheld": withheld(document),
        "price_caveat": price_caveat(document),
    }


def _without_total(bid: BidPart) -> BidPart:
    return {**bid, "total": float("nan")}


def _shown_total(bid: BidPart) -> str:
    total = bid["total"]
    return "withheld" if total != total else f"{total:.2f}"


def _sections_led(document: ExportDocument, winners: list[BidPart]) -> list[str]:
    """The sections on which the recommended tender scored highest of the ranked bids."""
    if len(winners) != 1:
        return []
    ranked = [bid for bid in document["bids"] if bid["eligible"]]
    names = {node["id"]: node["name"] for node in document["criteria"]}
    winner = winners[0]
    kinds = {node["id"]: node["kind"] for node in document["criteria"]}
    return [
        names[section]
        for section in document["sections"]
        if any(kinds[leaf] != "price" for leaf in document_section_leaves(document, section))
        and winner["section_points"][section]
        >= max(bid["section_points"][section] for bid in ranked) - 1e-9
    ]


def _conflicts_words(document: ExportDocument) -> str:
    """The conflicts assessment in numbers: who declared, and how interests were handled."""
    declarations = document.get("conflicts", [])
    if not declarations:
        return "No declarations of interests are recorded."
    interests = [d for d in declarations if d["interest"].strip().lower() != "none"]
    managed = sum(1 for d in interests if d["mitigation"] == "managed")
    removed = sum(1 for d in interests if d["mitigation"] == "removed")
    said = (
        f"{len(declarations)} people who could influence the decision declared their interests "
        "before seeing any bid (Procurement Act 2023 s81-83)."
    )
    if not interests:
        return said + " None declared an interest."
    return (
        f"{said} {len(interests)} declared an interest, assessed by the contracting authority: "
        f"{managed} disclosed and managed, {removed} removed from the evaluation."
    )
