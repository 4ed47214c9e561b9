"""The award as open data: an Open Contracting Data Standard 1.1 release package.

One release, tagged ``award``, for the tender as one lot: the tender (its award criteria code
and procurement method), the lot with the award criteria breakdown (the award criteria
extension lives on a Lot, so the lots extension carries it), every bid with its status and
rank and, as the disclosure policy allows, its value (the bid extension), the award with its
supplier, value, date and the rationale in words, and the parties with their roles and
identifiers. It is public by nature: what it shows of prices is what the public report shows
(``report/disclosure.py``). Identifiers are stable: the ocid is the publisher's prefix and the
tender's reference; the release id carries a digest of the release's content, so the same
decision always gives the same release and a changed one a new id.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tenderscore.errors import UsageError
from tenderscore.exporters.markdown import aggregation_words, minimum_text, price_words
from tenderscore.figures import number
from tenderscore.input.publication import ORG_ID
from tenderscore.report.award import award_date, check_publishable
from tenderscore.report.criteria import (
    criteria_by_id,
    document_leaves,
    document_priced,
    section_of,
)
from tenderscore.report.disclosure import public_prices
from tenderscore.report.timeline import standstill_sentence
from tenderscore.report.types import CriterionPart, ExportDocument
from tenderscore.report.wording import OUTCOME_TITLES
from tenderscore.rules.aggregation import AGGREGATIONS

OCDS_VERSION = "1.1"
EXTENSIONS = tuple(
    f"https://raw.githubusercontent.com/open-contracting-extensions/{name}/master/extension.json"
    for name in ("ocds_lots_extension", "ocds_bid_extension", "ocds_awardCriteria_extension")
)
LOT = "1"
BID_STATUS = {  # bidStatus codelist, by outcome kind
    "gate": "disqualified",
    "minimum": "disqualified",
    "excluded": "disqualified",
    "abnormally_low": "disqualified",
    "late": "disqualified",
    "withdrawn": "withdrawn",
}


def render_ocds(document: ExportDocument) -> bytes:
    """The release package as UTF-8 JSON (sorted keys, two-space indent).

    Raises:
        UsageError: without ``publication`` in tender.yaml, or for a what-if or a draft.
    """
    check_publishable(document, "open data")
    publication = document.get("publication")
    if publication is None:
        raise UsageError(
            "open data needs the publisher's OCID prefix: add publication: {ocid_prefix: "
            "ocds-xxxxxx} to tender.yaml (the prefix comes from the Open Contracting Partnership)"
        )
    if award_date(document) is None:
        raise UsageError(
            "open data needs the award's date: give timeline.award_notice in tender.yaml or "
            "record the approval (tenderscore approve)"
        )
    tender = document["tender"]
    ocid = f"{publication['ocid_prefix']}-{tender['reference']}"
    release = _release(document)
    digest = hashlib.sha256(_canonical(release)).hexdigest()[:16]
    release = {"ocid": ocid, "id": f"{ocid}-award-{digest}", **release}
    package = {
        "uri": f"urn:ocid:{ocid}:{digest}",
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": _date_time(document["audit"]["generated_at"]),
        "publisher": {"name": tender["buyer"]} | _scheme_uid(publication["buyer"]["identifier"]),
        "releases": [release],
    }
    return json.dumps(package, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"


def _release(document: ExportDocument) -> dict[str, Any]:
    date = _date_time(award_date(document) or "")
    parties, refs = _parties(document)
    return {
        "date": date,
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": refs["buyer"],
        "tender": _tender(document, refs),
        "bids": _bids(document, refs),
        "awards": [_award(document, refs, date)],
    }


def _tender(document: ExportDocument, refs: dict[str, dict[str, str]]) -> dict[str, Any]:
    tender, method = document["tender"], document["method"]
    publication = document.get("publication")
    timeline = document.get("timeline")
    scored = [*document["bids"], *document["set_aside"]]
    part: dict[str, Any] = {
        "id": tender["reference"],
        "title": tender["title"],
        "status": "complete",
        "procurementMethod": publication["procurement_method"] if publication else "open",
        "procurementMethodDetails": publication["procurement_method_details"]
        if publication
        else None,
        "awardCriteria": _award_criteria_code(document),
        "eligibilityCriteria": _eligibility(document),
        "awardCriteriaDetails": _weighting_description(document),
        "numberOfTenderers": len(scored),
        "tenderers": [refs[bid["id"]] for bid in scored],
        "lots": [
            {
                "id": LOT,
                "title": tender["title"],
                "status": "complete",
                "awardCriteria": {
                    "weightingDescription": _weighting_description(document),
                    "criteria": [_criterion(document, node) for node in _leaves(document)],
                },
            }
        ],
    }
    if timeline and timeline["submission_deadline"]:
        part["tenderPeriod"] = {"endDate": _date_time(timeline["submission_deadline"])}
    if method["tie_break"]:
        part["awardCriteriaDetails"] += f" Ties are broken by: {', '.join(method['tie_break'])}."
    return {key: value for key, value in part.items() if value is not None}


def _leaves(document: ExportDocument) -> list[CriterionPart]:
    leaves = set(document_leaves(document))
    return [node for node in document["criteria"] if node["id"] in leaves]


def _criterion(document: ExportDocument, node: CriterionPart) -> dict[str, Any]:
    """One leaf criterion: its type, name, section, weight and minimum."""
    criteria = criteria_by_id(document)
    section = section_of(criteria, node["id"])
    as_money = AGGREGATIONS[document["method"]["aggregation"]].price_as_money
    numbers: list[dict[str, Any]] = []
    if not (as_money and node["kind"] == "price"):  # price then enters the figure as money
        numbers.append(
            {"number": round(100 * node["effective_weight"], 6), "weight": "percentageExact"}
        )
    minimum = node["spec"].get("minimum")
    if minimum:
        for figure in (minimum["percent"], minimum["points"], minimum["score"]):
            if figure is not None:
                numbers.append({"number": figure, "threshold": "minimumScore"})
    described = node["spec"].get("description") or node["name"]
    criterion: dict[str, Any] = {
        "type": _criterion_type(document, node),
        "name": node["name"],
        "description": f"{criteria[section]['name']}: {described}"
        if section != node["id"]
        else described,
    }
    return criterion | ({"numbers": numbers} if numbers else {})


def _criterion_type(document: ExportDocument, node: CriterionPart) -> str:
    """awardCriterionType: a whole-life cost is cost, a plain price is price."""
    if node["kind"] != "price":
        return "quality"
    tender = document["tender"]
    return "cost" if tender["discount_rate"] is not None or tender["term_years"] > 1 else "price"


def _award_criteria_code(document: ExportDocument) -> str:
    """The awardCriteria codelist: priceOnly, costOnly, qualityOnly or ratedCriteria."""
    kinds = {_criterion_type(document, node) for node in _leaves(document)}
    if kinds == {"quality"}:
        return "qualityOnly"
    if kinds == {"price"}:
        return "priceOnly"
    if kinds == {"cost"}:
        return "costOnly"
    return "ratedCriteria"


def _weighting_description(document: ExportDocument) -> str:
    """How the bids were assessed, in the report's own words: the method, the sections'
    weights as they counted, the price rule, the minimum standards."""
    sections = [n for n in document["criteria"] if n["parent"] is None and n["kind"] != "pass_fail"]
    listed = "; ".join(f"{n['name']} {100 * n['effective_weight']:.4g}%" for n in sections)
    said = f"Most advantageous tender: {aggregation_words(document)} Sections: {listed}."
    if document_priced(document):
        said += f" {price_words(document)}"
    minimums = [
        f"{node['name']}: {minimum_text(node)}"
        for node in document["criteria"]
        if node["kind"] != "pass_fail" and minimum_text(node)
    ]
    if minimums:
        said += f" Minimum standards (below one, a bid is not ranked): {'; '.join(minimums)}."
    return said


def _eligibility(document: ExportDocument) -> str | None:
    """The pass/fail requirements: a fail excludes the bid."""
    gates = [node["name"] for node in document["criteria"] if node["kind"] == "pass_fail"]
    if not gates:
        return None
    return f"Pass/fail requirements (a fail excludes the bid): {'; '.join(gates)}."


def _parties(
    document: ExportDocument,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """The parties (buyer first, then every bidder) and a reference to each by bid id (and
    'buyer')."""
    publication = document.get("publication")
    identity = publication["buyer"] if publication else None
    identifier = identity["identifier"] if identity else None
    reference = document["tender"]["reference"]
    buyer_id = f"{reference}-buyer"  # ids made here are unique; identifiers need not be
    buyer: dict[str, Any] = {
        "id": buyer_id,
        "name": document["tender"]["buyer"],
        "roles": ["buyer", "procuringEntity"],
    }
    buyer |= _identity(identifier, document["tender"]["buyer"])
    if identity:
        buyer |= _contact(identity["address"], identity["email"])
    parties = [buyer]
    refs = {"buyer": {"id": buyer_id, "name": document["tender"]["buyer"]}}
    suppliers = document.get("suppliers", {})
    winner = next(bid["id"] for bid in document["bids"] if bid["rank"] == 1)
    for bid in [*document["bids"], *document["set_aside"]]:
        supplier = suppliers.get(bid["id"])
        bidder_identifier = supplier["identifier"] if supplier else None
        party_id = f"{reference}-bidder-{bid['id']}"
        party: dict[str, Any] = {
            "id": party_id,
            "name": bid["name"],
            "roles": ["tenderer", "supplier"] if bid["id"] == winner else ["tenderer"],
        }
        if supplier:
            party |= _identity(bidder_identifier, supplier["legal_name"])
            party |= _contact(supplier["address"], supplier["email"])
        parties.append(party)
        refs[bid["id"]] = {"id": party_id, "name": bid["name"]}
    return parties, refs


def _identity(identifier: str | None, legal_name: str) -> dict[str, Any]:
    """OCDS's identifier from an org-id.guide one (scheme, then id), or the legal name only."""
    found = ORG_ID.fullmatch(identifier or "")
    if found is None:
        return {"identifier": {"legalName": legal_name}}
    return {"identifier": {"scheme": found["scheme"], "id": found["id"], "legalName": legal_name}}


def _scheme_uid(identifier: str | None) -> dict[str, str]:
    found = ORG_ID.fullmatch(identifier or "")
    return {} if found is None else {"scheme": found["scheme"], "uid": found["id"]}


def _contact(address: str | None, email: str | None) -> dict[str, Any]:
    part: dict[str, Any] = {}
    if address:
        part["address"] = {"streetAddress": address}
    if email:
        part["contactPoint"] = {"email": email}
    return part


def _bids(document: ExportDocument, refs: dict[str, dict[str, str]]) -> dict[str, Any]:
    reference = document["tender"]["reference"]
    currency = document["tender"]["currency"]
    prices = public_prices(document)
    ranks = {bid["id"]: bid["rank"] for bid in document["bids"] if bid["eligible"]}
    details = []
    for bid in [*document["bids"], *document["set_aside"]]:
        kinds = [e["kind"] for e in bid["exclusions"]]
        detail: dict[str, Any] = {
            "id": f"{reference}-bid-{bid['id']}",
            "status": BID_STATUS[kinds[0]] if kinds else "valid",
            "tenderers": [refs[bid["id"]]],
            "relatedLots": [LOT],
        }
        if bid["id"] in ranks:
            detail |= {"hasRank": True, "rank": ranks[bid["id"]]}
        else:
            detail["description"] = "; ".join(dict.fromkeys(OUTCOME_TITLES[k] for k in kinds))
        if bid["id"] in prices:
            detail["value"] = {"amount": _contract_value(document, bid["id"]), "currency": currency}
        details.append(detail)
    ranked = sum(1 for bid in document["bids"] if bid["eligible"])
    statistics = [
        ("bids", len(details)),
        ("validBids", ranked),
        ("disqualifiedBids", sum(1 for d in details if d["status"] == "disqualified")),
    ]
    return {
        "statistics": [
            {"id": str(k), "measure": measure, "value": value, "relatedLot": LOT}
            for k, (measure, value) in enumerate(statistics, start=1)
        ],
        "details": details,
    }


def _award(document: ExportDocument, refs: dict[str, dict[str, str]], date: str) -> dict[str, Any]:
    reference = document["tender"]["reference"]
    winner = next(bid for bid in document["bids"] if bid["rank"] == 1)
    ranked = [bid for bid in document["bids"] if bid["eligible"]]
    runner_up = next((bid for bid in ranked if bid["rank"] != 1), None)
    method = AGGREGATIONS[document["method"]["aggregation"]]
    rationale = f"{winner['name']} submitted the most advantageous tender"
    if not method.price_as_money:  # points are published; a price-as-money total is a price
        rationale += f": {winner['total']:.2f}{method.unit} against the published criteria"
        if runner_up:
            rationale += f", ahead of {runner_up['name']} ({runner_up['total']:.2f})"
    rationale += f"; {len(ranked)} tenders ranked."
    prices = public_prices(document)
    tender = document["tender"]
    if winner["id"] in prices:
        rationale += (
            f" The award's value is the whole-life cost over {tender['term_years']} years as "
            f"offered, {number(_contract_value(document, winner['id']))} {tender['currency']}"
        )
        if tender["discount_rate"]:
            rationale += (
                f" (scored at its present value, {number(prices[winner['id']])} "
                f"{tender['currency']}, discounted at {100 * tender['discount_rate']:g}% a year)"
            )
        rationale += "."
    standstill = standstill_sentence(document.get("timeline"))
    if standstill:
        rationale += " " + standstill
    award: dict[str, Any] = {
        "id": f"{reference}-award-1",
        "title": document["tender"]["title"],
        "description": rationale,
        "status": "pending",
        "date": date,
        "suppliers": [refs[winner["id"]]],
        "relatedLots": [LOT],
        "relatedBids": [f"{reference}-bid-{winner['id']}"],
    }
    if winner["id"] in prices:
        award["value"] = {
            "amount": _contract_value(document, winner["id"]),
            "currency": tender["currency"],
        }
    return award


def _contract_value(document: ExportDocument, bid_id: str) -> float:
    """What the bid offers to be paid over the term, to the penny: its cost lines as offered
    (the scored figure is discounted when the tender discounts)."""
    bid = next(b for b in document["bids"] if b["id"] == bid_id)
    price = bid["price"]
    assert price is not None  # only priced bids have a public price
    nominal = sum(line["nominal"] for line in price["lines"]) if price["lines"] else price["price"]
    return round(nominal, 2)


def _date_time(text: str) -> str:
    """An ISO date or date-time as OCDS's date-time (a date alone at midnight UTC)."""
    return text if "T" in text else f"{text}T00:00:00Z"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
