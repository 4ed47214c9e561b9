"""Checks that need more than one file: bids against the criteria, the panel and the rules.

Each check returns located problems instead of raising, so ``validate`` can report everything
wrong with a tender in one run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tenderscore.errors import Problem, did_you_mean
from tenderscore.input.bidfile import BidFile
from tenderscore.input.fields import LARGEST
from tenderscore.input.hierarchy import CriteriaTree, TreeNode, iter_nodes
from tenderscore.input.models import Minimum, RelativeToBestValue, ScaleCriterion, TenderFile
from tenderscore.input.outcomes import (
    NEVER_SCORED,
    Exclusion,
    exclusions_before_scoring,
    is_scored,
)
from tenderscore.input.panel import assigned_evaluators, removed
from tenderscore.input.schema_errors import is_placeholder
from tenderscore.input.yamlfile import DataPath, YamlDocument
from tenderscore.rules.aggregation import AGGREGATIONS
from tenderscore.rules.costs import whole_life_cost
from tenderscore.rules.price import PRICE_FORMULAS


@dataclass(frozen=True, slots=True)
class Sourced:
    """A validated model with the document it came from, to locate later problems."""

    model: Any
    document: YamlDocument


def check_tender(
    tender: Sourced, criteria: Sourced, criteria_prefix: DataPath, tree: CriteriaTree
) -> list[Problem]:
    """Weights, duplicate ids, references to criteria, panel and rules."""
    config: TenderFile = tender.model
    problems = list(placeholder_problems(tender.document))
    problems += _weight_problems(tender, criteria, criteria_prefix, tree)
    problems += _duplicate_node_ids(criteria, criteria_prefix)
    ids = set(tree.nodes)
    references: list[tuple[DataPath, str]] = [(("weights",), node) for node in config.weights]
    references += [
        (("scenarios", name, "weights"), node)
        for name, scenario in config.scenarios.items()
        for node in scenario.weights
    ]
    references += [(("sensitivity", "intervals"), node) for node in config.sensitivity.intervals]
    for path, node_id in references:
        if node_id not in ids:
            problems.append(
                tender.document.problem(
                    (*path, node_id),
                    f"no criterion or section {node_id!r}{did_you_mean(node_id, ids)}",
                    key=True,
                )
            )
    for node_id, (low, high) in config.sensitivity.intervals.items():
        if not 0 <= low <= high <= 100:
            problems.append(
                tender.document.problem(
                    ("sensitivity", "intervals", node_id),
                    f"expected [low, high] with 0 <= low <= high <= 100; got [{low:g}, {high:g}]",
                )
            )
    priced = tree.priced
    for index, entry in enumerate(config.tie_break):
        if entry == "price" and not priced:
            problems.append(
                tender.document.problem(
                    ("tie_break", index),
                    "'price' breaks ties by the lower price, and this tender has no price "
                    "criterion; name a criterion or section instead",
                )
            )
        elif entry != "price" and (entry not in ids or not tree.nodes[entry].leaves):
            problems.append(
                tender.document.problem(
                    ("tie_break", index),
                    "expected a weighted criterion or section id, or 'price'; got "
                    f"{entry!r}{did_you_mean(entry, [*ids, 'price'])}",
                )
            )
    problems += _panel_problems(tender, tree)
    problems += _price_rule_problems(tender, tree)
    problems += _minimum_problems(criteria, criteria_prefix, tree)
    return problems


def _weight_problems(
    tender: Sourced, criteria: Sourced, prefix: DataPath, tree: CriteriaTree
) -> Iterator[Problem]:
    config: TenderFile = tender.model
    overridden = {tree.nodes[i].source_path: i for i in config.weights if i in tree.nodes}
    for problem in tree.problems:
        node_id = overridden.get(problem.source_path)
        if node_id is not None and problem.key == "weight":
            yield tender.document.problem(("weights", node_id), problem.message)
            continue
        siblings = [i for path, i in overridden.items() if _level_of(path) == problem.source_path]
        if siblings and problem.key == "":  # a level's sum, wrong with tender.yaml's weights
            yield tender.document.problem(
                ("weights", siblings[0]),
                f"{problem.message}; tender.yaml's weights set {', '.join(siblings)}",
            )
            continue
        path = problem.source_path[1:]  # the tree's own path starts with "criteria"
        full = (*prefix, *path, problem.key) if problem.key else (*prefix, *path)
        yield criteria.document.problem(full, problem.message)


def _level_of(path: DataPath) -> DataPath:
    """Where the sum of a node's level is reported: its section, or the criteria list."""
    return path[:-2] if len(path) > 2 else path[:-1]


def placeholder_problems(document: YamlDocument) -> Iterator[Problem]:
    """Every value still the ``<...>`` that ``tenderscore init`` or the bid template wrote:
    it would reach the report's title, the sheets and the bidders' summaries."""
    stack: list[tuple[DataPath, Any]] = [((), document.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str) and is_placeholder(value):
            yield document.problem(path, f"still the placeholder {value!r}: fill it in")


def same_name(identifier: str) -> str:
    """The form two ids are compared in: file systems on Windows and macOS and Excel's
    defined names ignore letter case, so 'Acme' and 'acme' would overwrite each other."""
    return identifier.casefold()


def _case_note(first: str, again: str) -> str:
    if first == again:
        return ""
    return f" (as {first!r}: ids that differ only in letter case name the same file)"


def _duplicate_node_ids(criteria: Sourced, prefix: DataPath) -> list[Problem]:
    seen: dict[str, tuple[DataPath, str]] = {}
    problems = []
    for node, path in iter_nodes(criteria.model.criteria, prefix):
        key = same_name(node.id)
        if key in seen:
            first_path, first_id = seen[key]
            first = criteria.document.position(first_path)
            problems.append(
                criteria.document.problem(
                    (*path, "id"),
                    f"duplicate criterion id {node.id!r} (first at line "
                    f"{first.line if first else '?'}); ids must be unique across the tree"
                    f"{_case_note(first_id, node.id)}",
                )
            )
        else:
            seen[key] = (path, node.id)
    return problems


def _panel_problems(tender: Sourced, tree: CriteriaTree) -> list[Problem]:
    config: TenderFile = tender.model
    problems = []
    seen: dict[str, str] = {}
    for index, evaluator in enumerate(config.panel):
        key = same_name(evaluator.id)
        if key in seen:
            note = _case_note(seen[key], evaluator.id)
            problems.append(
                tender.document.problem(
                    ("panel", index, "id"), f"duplicate evaluator id {evaluator.id!r}{note}"
                )
            )
        seen.setdefault(key, evaluator.id)
        for s_index, node_id in enumerate(evaluator.sections or []):
            if node_id not in tree.nodes:
                problems.append(
                    tender.document.problem(
                        ("panel", index, "sections", s_index),
                        f"no criterion or section {node_id!r}{did_you_mean(node_id, tree.nodes)}",
                    )
                )
    people: dict[str, int] = {}
    for index, declaration in enumerate(config.conflicts):
        key = same_name(declaration.person)
        if key in people:
            problems.append(
                tender.document.problem(
                    ("conflicts", index, "person"),
                    f"{declaration.person!r} has a second declaration (the first is entry "
                    f"{people[key] + 1}); keep one per person, updated when it changes",
                )
            )
        people.setdefault(key, index)
    scale_leaves = [leaf for leaf in tree.leaves if leaf.kind == "scale"]
    for leaf in scale_leaves:
        if not assigned_evaluators(config, tree, leaf.id):
            problems.append(
                tender.document.problem(
                    ("panel",),
                    f"no evaluator is assigned to scale criterion {leaf.id!r}; expected at "
                    "least one panel member whose sections include it",
                )
            )
    return problems


def _price_rule_problems(tender: Sourced, tree: CriteriaTree) -> list[Problem]:
    config: TenderFile = tender.model
    price_leaves = [leaf for leaf in tree.leaves if leaf.kind == "price"]
    problems = []
    if len(price_leaves) > 1:
        names = ", ".join(leaf.id for leaf in price_leaves)
        problems.append(
            tender.document.problem(
                ("criteria",), f"expected at most one price criterion; found {names}"
            )
        )
    if AGGREGATIONS[config.aggregation.method].price_as_money and not price_leaves:
        problems.append(
            tender.document.problem(
                ("aggregation", "method"),
                f"{config.aggregation.method} needs a price criterion; the criteria have none",
            )
        )
    return problems


def _minimum_problems(criteria: Sourced, prefix: DataPath, tree: CriteriaTree) -> list[Problem]:
    problems = []
    for node in tree.nodes.values():
        minimum: Minimum | None = node.model.minimum
        if minimum is None:
            continue
        path = (*prefix, *node.source_path[1:], "minimum")
        if minimum.score is not None:
            if not isinstance(node.model, ScaleCriterion):
                problems.append(
                    criteria.document.problem(
                        (*path, "score"),
                        f"a minimum score applies to scale criteria only; {node.id!r} is a "
                        f"{node.kind}: use percent or points",
                    )
                )
            elif not node.model.scale.min <= minimum.score <= node.model.scale.max:
                scale = node.model.scale
                problems.append(
                    criteria.document.problem(
                        (*path, "score"),
                        f"expected a score on the scale {scale.min}-{scale.max}; "
                        f"got {minimum.score:g}",
                    )
                )
        if minimum.points is not None and minimum.points > 100 * node.effective_weight + 1e-9:
            problems.append(
                criteria.document.problem(
                    (*path, "points"),
                    f"{node.id!r} is worth at most {100 * node.effective_weight:.4g} points; "
                    f"a minimum of {minimum.points:g} can never be met",
                )
            )
        if node.is_gate:
            problems.append(
                criteria.document.problem(path, "a pass/fail gate cannot have a minimum")
            )
    return problems


# --- bids -----------------------------------------------------------------------------------


def check_bids(
    tender: Sourced, tree: CriteriaTree, bids: Sequence[Sourced], *, require_scores: bool = True
) -> list[Problem]:
    problems = _duplicate_bid_ids(bids)
    for bid in bids:
        problems += check_bid(tender.model, tree, bid, require_scores=require_scores)
    if bids:  # not when the bids are not read (lock, init)
        problems += _declared_bids(tender, [bid.model.id for bid in bids])
    return problems


def _declared_bids(tender: Sourced, ids: Sequence[str]) -> list[Problem]:
    """Every bid a declared interest names is a bid of this tender."""
    config: TenderFile = tender.model
    return [
        tender.document.problem(
            ("conflicts", index, "bids", k),
            f"no bid {bid!r}{did_you_mean(bid, ids)}: a declared interest names the bids it "
            "concerns by their ids",
        )
        for index, declaration in enumerate(config.conflicts)
        for k, bid in enumerate(declaration.bids)
        if bid not in ids
    ]


def _duplicate_bid_ids(bids: Sequence[Sourced]) -> list[Problem]:
    first: dict[str, Sourced] = {}
    problems = []
    for bid in bids:
        key = same_name(bid.model.id)
        if key in first:
            problems.append(
                bid.document.problem(
                    ("id",),
                    f"duplicate bid id {bid.model.id!r}; also used in {first[key].document.path}"
                    f"{_case_note(first[key].model.id, bid.model.id)}",
                )
            )
        else:
            first[key] = bid
    return problems


def check_bid(
    config: TenderFile, tree: CriteriaTree, sourced: Sourced, *, require_scores: bool = True
) -> list[Problem]:
    """Everything wrong with one bid against the criteria. A bid set aside before scoring
    (``tenderscore.input.outcomes``) needs no price, answers or scores, and may have no
    scores: they would not be used."""
    bid: BidFile = sourced.model
    doc = sourced.document
    answerable = {leaf.id: leaf for leaf in tree.leaves if leaf.kind == "numeric"}
    answerable |= {gate.id: gate for gate in tree.gates}
    scale = {leaf.id: leaf for leaf in tree.leaves if leaf.kind == "scale"}
    problems = list(placeholder_problems(doc))
    unreadable_gate = False
    for criterion, answer in bid.answers.items():
        node = answerable.get(criterion)
        if node is None:
            problems.append(
                doc.problem(
                    ("answers", criterion),
                    _unknown_criterion(criterion, tree, answerable, scale),
                    key=True,
                )
            )
        else:
            wrong = _answer_problems(doc, node, answer)
            unreadable_gate |= bool(wrong) and node.is_gate
            problems += wrong
    if unreadable_gate:  # the bid's stage depends on its gate answers: nothing more to say
        return problems
    before = exclusions_before_scoring(tree, bid)
    scored = is_scored(config, before)
    if scored:
        problems += _price_problems(config, tree, sourced)
    required = answerable if scored else {} if bid.outcome else {g.id: g for g in tree.gates}
    for criterion in required:
        if criterion not in bid.answers:
            problems.append(
                doc.problem(
                    ("answers",) if "answers" in doc.data else (),
                    f"bid {bid.id!r} does not answer {answerable[criterion].kind} criterion "
                    f"{criterion!r}",
                    field="answers",
                )
            )
    if not scored:
        return problems + _set_aside_scores(doc, bid, before)
    for section in ("scores", "consensus"):
        for criterion in getattr(bid, section):
            if criterion not in scale:
                problems.append(
                    doc.problem(
                        (section, criterion),
                        _unknown_criterion(criterion, tree, scale, answerable),
                        key=True,
                    )
                )
    for leaf in scale.values():
        problems += _score_problems(config, tree, sourced, leaf, require_scores)
    return problems


def _set_aside_scores(
    doc: YamlDocument, bid: BidFile, exclusions: Sequence[Exclusion]
) -> list[Problem]:
    """One problem for scores recorded on a bid that is not scored."""
    section = "scores" if bid.scores else "consensus" if bid.consensus else None
    if section is None:
        return []
    why = exclusions[0].reason
    fix = (
        "delete them"
        if exclusions[0].kind in NEVER_SCORED
        else "delete them, or set full_scoring: true in tender.yaml to score every bid"
    )
    return [
        doc.problem(
            (section,),
            f"bid {bid.id!r} is set aside before scoring ({why}), so its {section} would "
            f"not be used: {fix}",
            key=True,
        )
    ]


def _unknown_criterion(
    criterion: str, tree: CriteriaTree, expected: dict[str, TreeNode], other: dict[str, TreeNode]
) -> str:
    if criterion in other:
        return f"{criterion!r} is a {other[criterion].kind} criterion and does not belong here"
    if criterion in tree.nodes:
        return f"{criterion!r} is a {tree.nodes[criterion].kind}, not answered here"
    return f"no such criterion {criterion!r}{did_you_mean(criterion, expected)}"


def _answer_problems(doc: YamlDocument, node: TreeNode, answer: Any) -> list[Problem]:
    path = ("answers", node.id)
    if node.is_gate:
        value = answer.get("answer") if isinstance(answer, dict) else answer
        if isinstance(answer, dict):
            extra = set(answer) - {"answer", "note"}
            if extra:
                return [
                    doc.problem(
                        (*path, sorted(extra)[0]),
                        f"unknown key {sorted(extra)[0]!r} (expected answer, note)",
                        key=True,
                    )
                ]
        if value not in ("pass", "fail"):
            hint = (
                " (YAML reads yes/no as true/false: write pass or fail)"
                if isinstance(value, bool)
                else ""
            )
            return [doc.problem(path, f"gate answer must be 'pass' or 'fail'; got {value!r}{hint}")]
        return []
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return [doc.problem(path, f"expected a number; got {answer!r}")]
    if not -LARGEST <= answer <= LARGEST:  # NaN fails too
        return [
            doc.problem(
                path, f"expected a number between -{LARGEST:g} and {LARGEST:g}; got {answer!r}"
            )
        ]
    function = getattr(node.model, "value_function", None)
    if isinstance(function, RelativeToBestValue) and answer <= 0:
        return [
            doc.problem(
                path,
                f"expected a number above 0: {node.id!r} is scored in proportion to the best "
                f"answer (value_function relative_to_best), which needs positive answers; "
                f"got {answer!r}",
            )
        ]
    return []


def _score_problems(
    config: TenderFile, tree: CriteriaTree, sourced: Sourced, leaf: TreeNode, required: bool
) -> list[Problem]:
    bid: BidFile = sourced.model
    doc = sourced.document
    assert isinstance(leaf.model, ScaleCriterion)
    scale = leaf.model.scale
    expected = assigned_evaluators(config, tree, leaf.id)
    given = bid.scores.get(leaf.id, {})
    problems = []
    for evaluator in expected if required else ():
        if evaluator not in given:
            problems.append(
                doc.problem(
                    ("scores", leaf.id) if leaf.id in bid.scores else ("scores",),
                    f"bid {bid.id!r}, criterion {leaf.id!r}: evaluator {evaluator!r} has not "
                    "scored it (a missing score is never read as 0)",
                    field=f"scores.{leaf.id}.{evaluator}",
                )
            )
    for evaluator, entry in given.items():
        path = ("scores", leaf.id, evaluator)
        if evaluator not in expected:
            all_ids = [e.id for e in config.panel]
            why = (
                "was removed from the evaluation by the conflicts assessment (conflicts in "
                "tender.yaml): their scores cannot count; delete them"
                if evaluator in removed(config)
                else f"is not assigned to {leaf.id!r}"
                if evaluator in all_ids
                else f"is not on the panel{did_you_mean(evaluator, all_ids)}"
            )
            problems.append(doc.problem(path, f"evaluator {evaluator!r} {why}", key=True))
        problems += _on_scale(doc, (*path, "score"), entry.score, scale.min, scale.max)
    consensus = bid.consensus.get(leaf.id)
    if consensus is not None and consensus.score is not None:
        problems += _on_scale(
            doc, ("consensus", leaf.id, "score"), consensus.score, scale.min, scale.max
        )
    return problems


def _on_scale(
    doc: YamlDocument, path: DataPath, score: float, low: int, high: int
) -> list[Problem]:
    if low <= score <= high:
        return []
    return [doc.problem(path, f"expected a score on the scale {low}-{high}; got {score:g}")]


def _price_problems(config: TenderFile, tree: CriteriaTree, sourced: Sourced) -> list[Problem]:
    bid: BidFile = sourced.model
    doc = sourced.document
    has_price = tree.priced
    if not has_price:
        if bid.price is not None:
            return [
                doc.problem(
                    ("price",), "this tender has no price criterion; remove price", key=True
                )
            ]
        return []
    if bid.price is None:
        return [
            doc.problem(
                (),
                f"bid {bid.id!r} has no price; expected price.total or price.whole_life",
                field="price",
            )
        ]
    problems = []
    total = bid.price.total
    rate = config.discount_rate or 0.0
    if total is not None and bid.price.whole_life is None and rate > 0:
        return [
            doc.problem(
                ("price", "total"),
                f"a plain total cannot be compared with the other bids: this tender discounts "
                f"whole-life costs at {100 * rate:g}% a year, so prices are present values; "
                "give the costs as price.whole_life (one_off, annual, exit), or remove "
                "discount_rate from tender.yaml if the tender compares nominal totals",
            )
        ]
    if bid.price.whole_life is not None:
        for name, amount in bid.price.whole_life.annual.items():
            if isinstance(amount, list) and len(amount) != config.term_years:
                problems.append(
                    doc.problem(
                        ("price", "whole_life", "annual", name),
                        f"expected one figure per contract year ({config.term_years}); "
                        f"got {len(amount)}",
                    )
                )
        if problems:
            return problems
        lines = whole_life_cost(
            bid.price.whole_life, term_years=config.term_years, rate=config.discount_rate or 0.0
        )
        total = sum(line.present_value for line in lines)
    formula = PRICE_FORMULAS[config.price.formula]
    if total is not None and total <= 0 and formula.divides_by_price:
        problems.append(
            doc.problem(
                ("price",),
                f"price must be above 0 for the {config.price.formula} formula, which divides "
                f"by it; got {total:g}",
            )
        )
    return problems
