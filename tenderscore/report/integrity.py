"""The references inside an export document hold together.

The types (``report.types``) say each value is of the right kind; this says each id a part
refers to exists where it should: every bid has a cell for every weighted criterion, the
ranking and the analyses name bids that exist, scores name panel members, and so on. An
export whose references were edited apart is refused here, naming the place, rather than
failing inside a renderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tenderscore.input.consistency import same_name
from tenderscore.report.types import BidPart, ExportDocument, SmaaPart

Found = tuple[str, str]  # where, what is wrong


def broken_references(document: ExportDocument) -> Iterator[Found]:
    """Every place where ``document`` names something it does not hold."""
    criteria = [node["id"] for node in document["criteria"]]
    yield from _unique("criteria", criteria)
    known = set(criteria)
    leaves = [n["id"] for n in document["criteria"] if n["kind"] not in ("section", "pass_fail")]
    for k, node in enumerate(document["criteria"]):
        if node["parent"] is not None and node["parent"] not in known:
            yield f"criteria[{k}].parent", f"no criterion {node['parent']!r}"
    yield from _within("sections", document["sections"], known, "criterion")
    yield from _within("run.weights", list(document["run"]["weights"]), known)
    tie_break = [entry for entry in document["method"]["tie_break"] if entry != "price"]
    yield from _within("method.tie_break", tie_break, known)
    if document["run"]["official"] == bool(document["run"]["name"]):
        yield "run", "a what-if has a name, the official run none"
    bids = [bid["id"] for bid in document["bids"]]
    yield from _unique("bids and set_aside", [*bids, *(b["id"] for b in document["set_aside"])])
    for k, set_aside in enumerate(document["set_aside"]):
        gates = [gate["criterion"] for gate in set_aside["gates"]]
        yield from _within(f"set_aside[{k}].gates", gates, known)
        if not set_aside["exclusions"]:
            yield f"set_aside[{k}].exclusions", "the outcome that set the bid aside"
    bid_set, panel = set(bids), {member["id"] for member in document["panel"]}
    yield from _within("ranking", [entry["bid"] for entry in document["ranking"]], bid_set, "bid")
    for k, bid in enumerate(document["bids"]):
        yield from _bid_references(f"bids[{k}]", bid, leaves, known, document, panel)
    yield from _moderation_references(document, known, bid_set, panel)
    yield from _sensitivity_references(document, known, bid_set)


def _bid_references(
    where: str,
    bid: BidPart,
    leaves: list[str],
    known: set[str],
    document: ExportDocument,
    panel: set[str],
) -> Iterator[Found]:
    cells = [cell["criterion"] for cell in bid["criteria"]]
    if cells != leaves:
        yield f"{where}.criteria", "a cell for each weighted criterion, in the criteria's order"
    missing = [s for s in document["sections"] if s not in bid["section_points"]]
    if missing or not known.issuperset(bid["node_points"]) or set(bid["node_points"]) != known:
        yield f"{where}.node_points", "points for each criterion and section, and no others"
    yield from _within(f"{where}.gates", [gate["criterion"] for gate in bid["gates"]], known)
    if bid["eligible"] == bool(bid["exclusions"]):
        yield f"{where}.exclusions", "an outcome for each bid not ranked, and none for the others"
    for c, cell in enumerate(bid["criteria"]):
        scorers = list(cell["evaluator_scores"] or {})
        yield from _within(f"{where}.criteria[{c}].evaluator_scores", scorers, panel, "evaluator")


def _moderation_references(
    document: ExportDocument, known: set[str], bids: set[str], panel: set[str]
) -> Iterator[Found]:
    moderation = document["moderation"]
    for part in ("agenda", "moderated"):
        for k, item in enumerate(moderation[part]):
            where = f"moderation.{part}[{k}]"
            yield from _within(where + ".criterion", [item["criterion"]], known)
            yield from _within(where + ".bid", [item["bid"]], bids, "bid")
            yield from _within(where + ".scores", list(item["scores"]), panel, "evaluator")
    evaluators = [profile["evaluator"] for profile in moderation["evaluators"]]
    yield from _within("moderation.evaluators", evaluators, panel, "evaluator")


def _sensitivity_references(
    document: ExportDocument, known: set[str], bids: set[str]
) -> Iterator[Found]:
    report = document["sensitivity"]
    if report is None:
        return
    yield from _within("sensitivity.ranked", report["ranked"], bids, "bid")
    stability = [interval["id"] for interval in report["stability"]]
    parts = (
        ("stability", report["stability"]),
        ("section_stability", report.get("section_stability", [])),
    )
    for part, intervals in parts:
        yield from _within(f"sensitivity.{part}", [i["id"] for i in intervals], known)
        sections = [section for i in intervals if (section := i.get("section"))]
        yield from _within(f"sensitivity.{part}.section", sections, known)
        for k, interval in enumerate(intervals):
            for end in ("winner_low", "winner_high", "ranking_low", "ranking_high"):
                bound = interval[end]
                named = [*([bound["taker"]] if bound["taker"] else []), *(bound["pair"] or [])]
                named += bound["shared_with"]
                yield from _within(f"sensitivity.{part}[{k}].{end}", named, bids, "bid")
    if report["most_critical"] is not None:
        yield from _within("sensitivity.most_critical", [report["most_critical"]], set(stability))
    for k, sweep in enumerate(report["sweeps"]):
        yield from _within(f"sensitivity.sweeps[{k}].figures", list(sweep["figures"]), bids, "bid")
        if any(len(line) != len(sweep["grid"]) for line in sweep["figures"].values()):
            yield f"sensitivity.sweeps[{k}].figures", "one figure per grid point"
    for k, value in enumerate(report["switching_values"]):
        yield from _within(f"sensitivity.switching_values[{k}].bid", [value["bid"]], bids, "bid")
        yield from _within(
            f"sensitivity.switching_values[{k}].criterion", [value["criterion"]], known
        )
    smaa = report["smaa"]
    if smaa is not None:
        yield from _within("sensitivity.smaa.bids", smaa["bids"], bids, "bid")
        yield from _within("sensitivity.smaa.leaves", smaa["leaves"], known)
        yield from _smaa_shapes(smaa)
    for k, outcome in enumerate(report["formulas"]):
        yield from _within(f"sensitivity.formulas[{k}].order", outcome["order"], bids, "bid")
        if len(outcome["figures"]) != len(outcome["order"]):
            yield f"sensitivity.formulas[{k}].figures", "one figure per bid in the order"
    for k, reversal in enumerate(report["rank_reversals"]):
        named = [reversal["withdrawn"], *(b for pair in reversal["swapped"] for b in pair)]
        yield from _within(f"sensitivity.rank_reversals[{k}]", named, bids, "bid")
    for k, scenario in enumerate(report["scenarios"]):
        named = [
            *scenario["winners"],
            *scenario["excluded"],
            *(r["bid"] for r in scenario["ranking"]),
        ]
        yield from _within(f"sensitivity.scenarios[{k}]", named, bids, "bid")


def _smaa_shapes(smaa: SmaaPart) -> Iterator[Found]:
    """Each SMAA figure has a row per bid, and each matrix row the columns it declares."""
    bids, leaves, ranks = len(smaa["bids"]), len(smaa["leaves"]), smaa["ranks_kept"]
    if len(smaa["win_probability"]) != bids or len(smaa["confidence"]) != bids:
        yield "sensitivity.smaa", "one win probability and one confidence per bid"
    matrices = {
        "rank_acceptability": (bids, ranks),
        "standard_error": (bids, ranks),
        "central_weights": (bids, leaves),
        "pairwise_winning": (bids, bids),
    }
    for name, (rows, columns) in matrices.items():
        matrix = smaa[name]  # type: ignore[literal-required]
        if matrix is not None and (
            len(matrix) != rows or any(len(row) != columns for row in matrix)
        ):
            yield f"sensitivity.smaa.{name}", f"a {rows} x {columns} table"


def _unique(where: str, ids: list[str]) -> Iterator[Found]:
    if len({same_name(i) for i in ids}) != len(ids):
        yield where, "an id is given twice (letter case aside, as file names and Excel compare)"


def _within(
    where: str, named: Iterable[str], known: set[str], what: str = "criterion"
) -> Iterator[Found]:
    for name in named:
        if name not in known:
            yield where, f"no {what} {name!r} in the export"
            return
