"""``tenderscore init``: a new tender folder from a criteria set, so nobody starts from blank.

Returns the files' text; the CLI writes them (refusing to overwrite an existing tender).
"""

from __future__ import annotations

from collections.abc import Iterator

from tenderscore.input.hierarchy import build_tree
from tenderscore.input.models import CriteriaSet, NumericCriterion, ScaleCriterion

PANEL = ("E1", "E2", "E3")


def scaffold(criteria: CriteriaSet, reference: str) -> dict[str, str]:
    """tender.yaml, bid-template.yaml and README.md for a tender using ``criteria``."""
    return {
        "tender.yaml": _tender(criteria, reference),
        "bid-template.yaml": _bid_template(criteria),
        "README.md": _readme(criteria, reference),
        "bids/.keep": "",
    }


def _tender(criteria: CriteriaSet, reference: str) -> str:
    tree = build_tree(criteria.criteria, weighting=criteria.weighting)
    weights = "\n".join(
        f"#   {node.id}: {node.stated_weight:g}"
        for node in tree.nodes.values()
        if node.depth == 0 and node.stated_weight is not None
    )
    scored = [
        section
        for section in tree.sections
        if any(tree.leaves[j].kind == "scale" for j in tree.nodes[section].leaves)
    ]
    sections = ", ".join(scored)  # price stays with the commercial team (two envelopes)
    panel = "\n".join(
        f'  - id: {e}\n    role: "<role, e.g. Head of Information Assurance>"\n'
        f"    sections: [{sections}]"
        for e in PANEL
    )
    conflicts = "\n".join(
        f'  - person: {e}\n    role: "<role, as on the panel>"\n'
        f'    declared: "<YYYY-MM-DD>"\n    interest: "<none, or the interest declared>"'
        for e in PANEL
    )
    return f"""# Tender set up with `tenderscore init` from the criteria set {criteria.name!r}.
# Fill in every <...>, then put one YAML file per bid in bids/ (see bid-template.yaml).
# Publish the criteria, weights, price formula and tie-break rule before bids are opened.
reference: {reference}
title: "<what is being bought>"
buyer: "<contracting authority>"
currency: GBP
term_years: 5              # contract term, extensions included
discount_rate: 0.035       # HM Treasury Green Book rate; remove to compare undiscounted costs
criteria: {criteria.name}
# To change the set's weights (each level must still sum to 100):
# weights:
{weights}
price:
  formula: relative_to_lowest   # or absolute (needs floor and ceiling), linear_range, ...
aggregation:
  method: weighted_sum
tie_break: []                   # e.g. [ethics, price]: declare it before bids are opened
panel:
{panel}
# The conflicts assessment (Procurement Act 2023 s81-83): a declaration from everyone who can
# influence the decision (each panel member, moderators, the approving officer), made before
# any scoring sheet is issued. For an interest, add the bids it concerns, the assessment and
# the mitigation: managed (disclosed, kept under review) or removed (takes no part).
conflicts:
{conflicts}
moderation:
  disagreement_share: 0.3
sensitivity:
  samples: 20000
  seed: 1
# scenarios:
#   cost-led: {{description: "...", weights: {{...}}}}
"""


def _bid_template(criteria: CriteriaSet) -> str:
    return "\n".join(_bid_lines(criteria)) + "\n"


def _bid_lines(criteria: CriteriaSet) -> Iterator[str]:
    tree = build_tree(criteria.criteria, weighting=criteria.weighting)
    yield "# One file per bid in bids/, e.g. bids/acme.yaml. Scores must be filled in by every"
    yield "# evaluator: a missing score is an error, never a 0."
    yield "id: <short-id>"
    yield 'name: "<supplier name>"'
    if tree.priced:
        yield "price:"
        yield "  whole_life:                 # or: total: <amount>"
        yield "    one_off: {implementation: <amount>}"
        yield "    annual: {licences: <amount per year>}"
        yield "    exit: <amount>"
    answers = [leaf for leaf in tree.leaves if leaf.kind == "numeric"] + list(tree.gates)
    if answers:
        yield "answers:"
        for node in answers:
            model = node.model
            if isinstance(model, NumericCriterion):
                unit = f" in {model.unit}" if model.unit else ""
                yield f"  {node.id}: <number{unit}>  # {node.name}"
            else:
                yield f"  {node.id}: <pass or fail>  # {node.name}"
    scale = [leaf for leaf in tree.leaves if isinstance(leaf.model, ScaleCriterion)]
    if scale:
        yield "scores:"
        for leaf in scale:
            assert isinstance(leaf.model, ScaleCriterion)
            low, high = leaf.model.scale.min, leaf.model.scale.max
            yield f"  {leaf.id}:  # {leaf.name} ({low}-{high})"
            placeholder = f'{{score: <{low}-{high}>, comment: "<reason citing the bid>"}}'
            for evaluator in PANEL:
                yield f"    {evaluator}: {placeholder}"
        yield "# consensus:  # the panel's agreed reason per criterion, which the bidder reads;"
        yield "#             # a score here replaces the panel's mean (needed for a dispute)"
        yield f'#   {scale[0].id}: {{reason: "<what in the bid decided the score>"}}'


def _readme(criteria: CriteriaSet, reference: str) -> str:
    return f"""# Tender {reference}

Criteria: {criteria.title} (`{criteria.name}`, {criteria.weighting} weighting).

1. Complete `tender.yaml` (every `<...>`), and agree the weights, price formula and tie-break
   rule before bids are opened.
2. Add one file per bid to `bids/`, starting from `bid-template.yaml`.
3. `tenderscore validate .` until it reports no problems.
4. `tenderscore evaluate .` for the ranking and the exports in `out/`;
   `tenderscore moderation .` before the moderation meeting;
   `tenderscore sensitivity .` before the award decision;
   `tenderscore summaries .` for the assessment summaries.
"""
