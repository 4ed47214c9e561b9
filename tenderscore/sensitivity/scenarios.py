"""Named weight scenarios and command-line re-weighting, each a full re-evaluation.

Unlike the analyses that hold the bids in contention fixed, a scenario re-runs the whole
engine, so minimums that depend on the weights are applied again.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenderscore.engine.results import Evaluation
from tenderscore.engine.scoring import evaluate
from tenderscore.errors import UsageError
from tenderscore.input.fields import LARGEST_WEIGHT
from tenderscore.input.tender import Tender


@dataclass(frozen=True)
class ScenarioOutcome:
    name: str
    description: str | None
    weights: dict[str, float]
    evaluation: Evaluation

    @property
    def winners(self) -> tuple[str, ...]:
        return tuple(bid.id for bid in self.evaluation.winners)


def evaluate_scenarios(tender: Tender) -> list[ScenarioOutcome]:
    """The published weights as 'baseline', then every scenario in tender.yaml."""
    outcomes = [ScenarioOutcome("baseline", "the published weights", {}, evaluate(tender))]
    for name, scenario in tender.config.scenarios.items():
        weights = dict(scenario.weights)
        outcomes.append(
            ScenarioOutcome(
                name, scenario.description, weights, evaluate(tender.with_weights(weights))
            )
        )
    return outcomes


def scenario_weights(tender: Tender, name: str) -> dict[str, float]:
    scenarios = tender.config.scenarios
    if name not in scenarios:
        known = ", ".join(scenarios) or "none declared in tender.yaml"
        raise UsageError(f"no scenario {name!r} (scenarios: {known})")
    return dict(scenarios[name].weights)


def parse_weights(text: str) -> dict[str, float]:
    """``cost=50,ethics=15`` -> {'cost': 50.0, 'ethics': 15.0}."""
    weights: dict[str, float] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        node, sep, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not sep or not node.strip() or not 0 <= number <= LARGEST_WEIGHT:  # NaN fails too
            raise UsageError(
                f"--weights expects id=number pairs separated by commas, each number from 0 to "
                f"{LARGEST_WEIGHT:g}, e.g. cost=50,ethics=15; got {part!r}"
            )
        weights[node.strip()] = number
    if not weights:
        raise UsageError("--weights is empty; expected e.g. cost=50,ethics=15")
    return weights
