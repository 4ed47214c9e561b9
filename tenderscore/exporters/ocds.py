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
from tenderscore.input.publication import ORG_ID
from tenderscore.report.criteria import document_leaves
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


def check_publishable(document: ExportDocument) -> None:
    """Refuse open data or letters for anything but the official evaluation, ready to award
    and approved: they describe an award.

    Raises:
        UsageError: naming what is missing.
    """
    run = document["run"]
    if not run["official"] or run.get("draft", False):
        raise UsageError(
            "open data and letters describe the award: they are written from the official "
            "evaluation once it is ready to award, not from a what-if or a draft"
        )
    winners = [bid for bid in document["bids"] if bid["rank"] == 1]
    if len(winners) != 1:
        raise UsageError(
            "the evaluation recommends no single tender (a shared first place or no bid "
            "ranked): there is no award to publish"
        )


def render_ocds(document: ExportDocument) -> bytes:
    """The release package as UTF-8 JSON (sorted keys, two-space indent).

    Raises:
        UsageError: without ``publication`` in tender.yaml, or for a what-if or a draft.
    """
    check_publishable(document)
    publication = document.get("publication")
    if publication is None:
        raise UsageError(
            "open data needs the publisher's OCID prefix: add publication: {ocid_prefix: "
            "ocds-xxxxxx} to tender.yaml (the prefix comes from the Open Contracting Partnership)"
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
    timeline = document.get("timeline")
    decided = timeline and (timeline["award_notice"] or timeline["approved"])
    date = _date_time(decided or document["audit"]["generated_at"])
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
    names = {n["id"]: n["name"] for n in document["criteria"]}
    section = node["parent"]
    while section is not None and (parent := _parent(document, section)) is not None:
        section = parent
    numbers: list[dict[str, Any]] = [
        {"number": round(100 * _published_weight(document, node), 6), "weight": "percentageExact"}
    ]
    minimum = node["spec"].get("minimum")
    if minimum:
        for figure in (minimum["percent"], minimum["points"], minimum["score"]):
            if figure is not None:
                numbers.append({"number": figure, "threshold": "minimumScore"})
    described = node["spec"].get("description") or node["name"]
    return {
        "type": _criterion_type(document, node),
        "name": node["name"],
        "description": f"{names[section]}: {described}" if section else described,
        "numbers": numbers,
    }


def _parent(document: ExportDocument, node_id: str) -> str | None:
    return next(n["parent"] for n in document["criteria"] if n["id"] == node_id)


def _published_weight(document: ExportDocument, node: CriterionPart) -> float:
    """The weight the tender published (the product of local weights on the path): under
    price-as-money methods the document's effective weights leave price out."""
    weights = {n["id"]: n for n in document["criteria"]}
    weight, current = 1.0, node
    while True:
        weight *= current["local_weight"]
        if current["parent"] is None:
            return weight
        current = weights[current["parent"]]


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
    method = document["method"]
    aggregation = AGGREGATIONS[method["aggregation"]]
    sections = [n for n in document["criteria"] if n["parent"] is None and n["kind"] != "pass_fail"]
    listed = "; ".join(f"{n['name']} {100 * n['local_weight']:.4g}%" for n in sections)
    return (
        f"Most advantageous tender: {aggregation.description(None)} Sections: {listed}. "
        f"Price scored {method['price_description']} ({method['price_expression']})."
    )


def _parties(
    document: ExportDocument,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """The parties (buyer first, then every bidder) and a reference to each by bid id (and
    'buyer')."""
    publication = document.get("publication")
    identity = publication["buyer"] if publication else None
    identifier = identity["identifier"] if identity else None
    reference = document["tender"]["reference"]
    buyer_id = identifier or f"{reference}-buyer"
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
        party_id = bidder_identifier or f"{reference}-bidder-{bid['id']}"
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
    found = ORG_ID.match(identifier or "")
    if found is None:
        return {"identifier": {"legalName": legal_name}}
    return {"identifier": {"scheme": found["scheme"], "id": found["id"], "legalName": legal_name}}


def _scheme_uid(identifier: str | None) -> dict[str, str]:
    found = ORG_ID.match(identifier or "")
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
            detail["value"] = {"amount": prices[bid["id"]], "currency": currency}
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
    rationale = (
        f"{winner['name']} submitted the most advantageous tender: "
        f"{winner['total']:.2f}{method.unit} against the published criteria"
        + (f", ahead of {runner_up['name']} ({runner_up['total']:.2f})" if runner_up else "")
        + f"; {len(ranked)} tenders ranked."
    )
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
    prices = public_prices(document)
    if winner["id"] in prices:
        award["value"] = {
            "amount": prices[winner["id"]],
            "currency": document["tender"]["currency"],
        }
    return award


def _date_time(text: str) -> str:
    """An ISO date or date-time as OCDS's date-time (a date alone at midnight UTC)."""
    return text if "T" in text else f"{text}T00:00:00Z"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
