"""``analyse_sensitivity``: every robustness check on one evaluated tender, in one report."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tenderscore.engine.results import Evaluation
from tenderscore.engine.scoring import evaluate
from tenderscore.input.fields import Sampling
from tenderscore.input.models import ScaleCriterion
from tenderscore.input.tender import Tender
from tenderscore.sensitivity.model import (
    RankingModel,
    ranking_model,
    section_groups,
    weight_groups,
)
from tenderscore.sensitivity.rescoring import rescorer
from tenderscore.sensitivity.reversal import (
    FormulaOutcome,
    Reversal,
    formula_outcomes,
    rank_reversals,
)
from tenderscore.sensitivity.sampling import weight_sampler
from tenderscore.sensitivity.scenarios import ScenarioOutcome, evaluate_scenarios
from tenderscore.sensitivity.smaa import Progress, ScorePanel, SmaaResult, run_smaa
from tenderscore.sensitivity.stability import (
    StabilityInterval,
    Sweep,
    section_interval,
    stability_interval,
    sweep,
)
from tenderscore.sensitivity.switching import SwitchingValue, switching_values

QUICK_SAMPLES = 2_000


@dataclass(frozen=True)
class SmaaSettings:
    samples: int
    seed: int
    sampling: Sampling
    concentration: float
    intervals: dict[str, tuple[float, float]]
    score_uncertainty: bool


@dataclass(frozen=True)
class SensitivityReport:
    """How robust the ranking is: weights, scores, price, formula, withdrawals, scenarios."""

    evaluation: Evaluation
    settings: SmaaSettings
    names: dict[str, str]
    intervals: tuple[StabilityInterval, ...] = ()
    section_intervals: tuple[StabilityInterval, ...] = ()
    """Each criterion's interval within its section (shares of the section's weight)."""
    sweeps: tuple[Sweep, ...] = ()
    switching: tuple[SwitchingValue, ...] = ()
    smaa: SmaaResult | None = None
    reversals: tuple[Reversal, ...] = ()
    formulas: tuple[FormulaOutcome, ...] = ()
    scenarios: tuple[ScenarioOutcome, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ranked(self) -> tuple[str, ...]:
        return tuple(bid.id for bid in self.evaluation.ranked)

    @property
    def most_critical(self) -> StabilityInterval | None:
        """The weight whose smallest relative change changes the winner."""
        candidates = [i for i in self.intervals if i.switching_change is not None]
        return min(candidates, key=lambda i: i.switching_change or 0.0, default=None)

    @property
    def formula_dependent(self) -> bool:
        winners = {outcome.order[0] for outcome in self.formulas}
        return len(winners) > 1


def smaa_settings(
    tender: Tender,
    *,
    samples: int | None = None,
    seed: int | None = None,
    sampling: Sampling | None = None,
    score_uncertainty: bool | None = None,
) -> SmaaSettings:
    declared = tender.config.sensitivity
    return SmaaSettings(
        samples=declared.samples if samples is None else samples,
        seed=declared.seed if seed is None else seed,
        sampling=declared.sampling if sampling is None else sampling,
        concentration=declared.concentration,
        intervals={k: (v[0] / 100, v[1] / 100) for k, v in declared.intervals.items()},
        score_uncertainty=declared.score_uncertainty
        if score_uncertainty is None
        else score_uncertainty,
    )


def analyse_sensitivity(
    tender: Tender,
    evaluation: Evaluation | None = None,
    *,
    settings: SmaaSettings | None = None,
    quick: bool = False,
    progress: Progress | None = None,
) -> SensitivityReport:
    """Every robustness check of ``tender``'s ranking (``quick``: interval and SMAA only).

    The analyses hold the bids in contention fixed, as evaluated; scenarios re-evaluate.
    """
    evaluation = evaluation or evaluate(tender)
    settings = settings or smaa_settings(tender, samples=QUICK_SAMPLES if quick else None)
    names = {bid.id: bid.name for bid in evaluation.bids}
    model = ranking_model(tender, evaluation)
    if model.size < 2:
        return SensitivityReport(evaluation, settings, names)
    groups = weight_groups(tender.tree, model)
    intervals = tuple(stability_interval(model, group) for group in groups)
    within = tuple(
        section_interval(model, group, section)
        for group, section in section_groups(tender.tree, model)
    )
    sampler = weight_sampler(
        tender.tree,
        sampling=settings.sampling,
        concentration=settings.concentration,
        intervals=settings.intervals,
    )
    smaa = run_smaa(
        model,
        sampler,
        samples=settings.samples,
        seed=settings.seed,
        panels=score_panels(tender, evaluation, model) if settings.score_uncertainty else (),
        pairwise=not quick and model.size <= 200,
        progress=progress,
    )
    if quick:
        return SensitivityReport(
            evaluation, settings, names, intervals=intervals, section_intervals=within, smaa=smaa
        )
    scorer = rescorer(tender, evaluation, model)
    return SensitivityReport(
        evaluation,
        settings,
        names,
        intervals=intervals,
        section_intervals=within,
        sweeps=tuple(sweep(model, g) for g in groups if g.top_level),
        switching=tuple(switching_values(scorer)),
        smaa=smaa,
        reversals=tuple(rank_reversals(scorer)),
        formulas=tuple(formula_outcomes(scorer)),
        scenarios=tuple(evaluate_scenarios(tender)),
    )


def score_panels(
    tender: Tender, evaluation: Evaluation, model: RankingModel
) -> tuple[ScorePanel, ...]:
    """A ``ScorePanel`` for each scale criterion, from the individual evaluators' scores."""
    ranked = [bid for bid in evaluation.bids if bid.eligible]
    panels = []
    for j, leaf in enumerate(tender.tree.leaves):
        criterion = leaf.model
        if not isinstance(criterion, ScaleCriterion) or model.weights[j] <= 0:
            continue
        low, high = criterion.scale.min, criterion.scale.max
        scores = np.array(
            [list((bid.criteria[j].evaluator_scores or {}).values()) for bid in ranked]
        )
        if scores.size == 0:
            continue
        values = (scores - low) / (high - low)
        panels.append(ScorePanel.from_values(j, values, model.values[:, j]))
    return tuple(panels)
