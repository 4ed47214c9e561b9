"""Assessment summaries: one Markdown document per bidder (Procurement Act 2023 s50).

Each summary explains the bidder's own scores by criterion with the panel's agreed reasons
(or the feedback written for bidders), never an evaluator's working notes. An unsuccessful
bidder whose tender was assessed also gets the successful tender's scores and the panel's
reasons where it scored higher, as s50 requires; no other bidder's data appears.
Rendered from the export document, in the same sandbox as the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from tenderscore.exporters.markdown import (
    aggregation_words,
    price_words,
    scored_as,
)
from tenderscore.exporters.templating import environment, render
from tenderscore.figures import number
from tenderscore.report.criteria import document_section_leaves
from tenderscore.report.timeline import long_date, standstill_sentence
from tenderscore.report.types import BidPart, CellPart, ExportDocument, SetAsidePart
from tenderscore.report.wording import outcome_words
from tenderscore.rules.aggregation import AGGREGATIONS

TEMPLATE = "summary.md.j2"


def summary_name(reference: str, bid_id: str, suffix: str = ".md") -> str:
    return f"{reference}-summary-{bid_id}{suffix}"


def render_summary_letters(
    document: ExportDocument, formats: tuple[str, ...], *, template_dir: Path | None = None
) -> dict[str, bytes]:
    """File name -> bytes: each bidder's summary in Markdown, and as a Word letter laid out
    from that Markdown (``exporters/word.py``), marked for its addressee only."""
    from tenderscore.exporters.word import markdown_to_docx

    reference = document["tender"]["reference"]
    names = {bid["id"]: bid["name"] for bid in [*document["bids"], *document["set_aside"]]}
    texts = render_summaries(document, template_dir=template_dir)
    files: dict[str, bytes] = {}
    for bid_id, name in names.items():
        markdown = texts[summary_name(reference, bid_id)]
        if "md" in formats:
            files[summary_name(reference, bid_id)] = markdown.encode()
        if "docx" in formats:
            files[summary_name(reference, bid_id, ".docx")] = markdown_to_docx(
                markdown,
                images={},
                template_dir=template_dir,
                marking=f"COMMERCIAL IN CONFIDENCE: for {name} only",
                title=f"{reference}: assessment summary for {name}",
            )
    return files


def render_summaries(
    document: ExportDocument, *, template_dir: Path | None = None
) -> dict[str, str]:
    """File name -> Markdown for every bidder."""
    bounded = environment(template_dir, TEMPLATE)
    reference = document["tender"]["reference"]
    return {
        summary_name(reference, bid["id"]): render(
            bounded, TEMPLATE, _context(document, bid), what="summary"
        )
        for bid in [*document["bids"], *document["set_aside"]]
    }


def _context(document: ExportDocument, bid: BidPart | SetAsidePart) -> dict[str, Any]:
    """What the template needs for ``bid``; one set aside before scoring has no scores, only
    its outcome and gate answers."""
    ranked = [b for b in document["bids"] if b["eligible"]]
    winner = next((b for b in ranked if b["rank"] == 1), None)
    node_names = {node["id"]: node["name"] for node in document["criteria"]}
    specs = {node["id"]: node.get("spec", {}) for node in document["criteria"]}
    scored = cast(BidPart, bid) if "criteria" in bid else None
    cells = {cell["criterion"]: cell for cell in scored["criteria"]} if scored else {}
    by_section = {
        section: [cells[leaf] for leaf in document_section_leaves(document, section)]
        for section in document["sections"]
        if scored
    }
    comparison = []
    sole = document["method"]["sole_evaluator_comments"]
    if scored and winner is not None and winner["id"] != bid["id"]:
        theirs = {cell["criterion"]: cell for cell in winner["criteria"]}
        comparison = [
            {
                "criterion": leaf,
                "yours": cells[leaf]["points"],
                "winner": theirs[leaf]["points"],
                "why": agreed_reason(theirs[leaf], sole)
                if theirs[leaf]["points"] > cells[leaf]["points"]
                else None,
            }
            for section in document["sections"]
            for leaf in document_section_leaves(document, section)
        ]

    def cell_score(cell: CellPart) -> str:
        spec = specs[cell["criterion"]]
        if cell["kind"] == "scale":
            scale = spec["scale"]
            return f"score {cell['raw']:.3g} on the {scale['min']}-{scale['max']} scale"
        if cell["kind"] == "price":
            return f"price scored {number(cell['raw'])} {document['tender']['currency']}"
        unit = f" {spec['unit']}" if spec.get("unit") else ""
        return f"answer {cell['raw']:g}{unit}"

    def cell_reasons(cell: CellPart) -> list[str]:
        reason = panel_reason(cell, sole)
        return [f"Panel: {reason}"] if reason else []

    return {
        "tender": document["tender"],
        "method": document["method"],
        "total_unit": AGGREGATIONS[document["method"]["aggregation"]].unit,
        "bid": bid,
        "set_aside": scored is None,
        "outcomes": [outcome_words(e["kind"], e["reason"]) for e in bid["exclusions"]],
        "winner": winner if scored else None,
        "ranked_count": len(ranked),
        "criteria": document["criteria"],
        "sections": document["sections"],
        "section_names": node_names,
        "cells": by_section,
        "comparison": comparison,
        "price_words": price_words(document),
        "aggregation_words": aggregation_words(document),
        "scored_as": scored_as,
        "cell_score": cell_score,
        "cell_reasons": cell_reasons,
        "addressee": document.get("suppliers", {}).get(bid["id"]),
        **letter_details(document),
    }


def letter_details(document: ExportDocument) -> dict[str, Any]:
    """What a letter to a bidder says beyond its scores: the buyer's contact details, the
    date it is sent and the standstill period."""
    publication = document.get("publication")
    timeline = document.get("timeline")
    sent = timeline["summaries_sent"] if timeline else None
    return {
        "buyer_identity": publication["buyer"] if publication else None,
        "sent_on": long_date(sent) if sent else None,
        "standstill": standstill_sentence(timeline),
    }


def panel_reason(cell: CellPart, sole_evaluator_comments: bool) -> str | None:
    """What a bidder reads for its own criterion: the feedback written for it, else the
    panel's agreed reason (``agreed_reason``)."""
    return cell["feedback"] or agreed_reason(cell, sole_evaluator_comments)


def agreed_reason(cell: CellPart, sole_evaluator_comments: bool) -> str | None:
    """The panel's agreed reason, which any bidder may read (feedback was written for one
    bidder alone: the successful tender's is not shown to the others); an evaluator's own
    comment only where the tender allows it and that evaluator alone scored the criterion.
    Numeric and price criteria have none."""
    if cell["consensus_reason"]:
        return cell["consensus_reason"]
    comments = [c for c in (cell["evaluator_comments"] or {}).values() if c]
    if sole_evaluator_comments and len(cell["evaluator_comments"] or {}) == 1 and comments:
        return comments[0]
    return None
