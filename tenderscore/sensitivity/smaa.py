"""SMAA-2: rank acceptability, central weights, confidence and pairwise winning indices.

Lahdelma & Salminen (2001), Tervonen & Lahdelma (2007); methods.md section 3. Weight vectors
(and, optionally, the panel's scores) are sampled in blocks; block k draws from its own
generator spawned from the seed, so results depend only on the seed and the sample count, and
blocks can run on both cores. Each sample ranks the bids in contention; bids with exactly
equal figures in a sample are ordered by the declared tie-break (on that sample's weights and
scores), as the evaluation would order them; bids still tied share the credit: t tied bids
each get 1/t of each of the t ranks they span, so every row and column of the acceptability
matrix still sums to 1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tenderscore.rules.arrays import Array
from tenderscore.rules.ranking import PRICE, Ranking, SortKey, rank_bids
from tenderscore.sensitivity.model import ROUNDED_BLOCK, RankingModel
from tenderscore.sensitivity.sampling import WeightSampler

BLOCK = 50000
DIRECT = 64
CONFIDENCE_SAMPLES = 10_000
CONFIDENCE_BIDS = 10

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ScorePanel:
    """How one scale leaf's value may move with evaluator disagreement.

    In each sample, each bid's score on the leaf is one panel member's score, every member
    equally likely, shifted so that its expectation is the official score (a recorded
    consensus, or the median when the criterion aggregates by median) and clipped to the
    scale. ``deviations`` (bids, evaluators) holds those draws minus the official value.
    """

    leaf: int
    deviations: Array
    rows: NDArray[np.intp] = field(init=False, repr=False)
    table: Array = field(init=False, repr=False)
    offsets: NDArray[np.intp] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        disagreeing = np.flatnonzero(np.ptp(self.deviations, axis=1) > 0)
        # Drawing for every bid (a zero row where the panel agreed) avoids a scattered
        # update, and pays off once most bids have some disagreement.
        if 2 * len(disagreeing) >= len(self.deviations):
            disagreeing = np.arange(len(self.deviations))
        evaluators = self.deviations.shape[1]
        object.__setattr__(self, "rows", disagreeing)
        object.__setattr__(self, "table", self.deviations[disagreeing].ravel())
        object.__setattr__(self, "offsets", (np.arange(len(disagreeing)) * evaluators)[:, None])

    @classmethod
    def from_values(cls, leaf: int, values: Array, official: Array) -> ScorePanel:
        """``values``: each evaluator's partial value (bids, evaluators); ``official``: (bids,)."""
        shifted = values + (official - values.mean(axis=1))[:, None]
        return cls(leaf, np.clip(shifted, 0.0, 1.0) - official[:, None])


@dataclass(frozen=True)
class SmaaResult:
    """Results for the bids in contention, in ``bids`` order (rank r is column r - 1)."""

    bids: tuple[str, ...]
    leaves: tuple[str, ...]
    samples: int
    seed: int
    sampling: str
    score_uncertainty: bool
    acceptability: Array
    central_weights: Array
    confidence: Array
    pairwise: Array | None

    @property
    def win_probability(self) -> Array:
        return self.acceptability[:, 0]

    @property
    def standard_error(self) -> Array:
        b = self.acceptability
        return np.sqrt(b * (1 - b) / self.samples)


def run_smaa(
    model: RankingModel,
    sampler: WeightSampler,
    *,
    samples: int,
    seed: int,
    panels: tuple[ScorePanel, ...] = (),
    pairwise: bool = True,
    progress: Progress | None = None,
) -> SmaaResult:
    """Run SMAA-2 with ``samples`` weight vectors; ``panels`` adds score uncertainty."""
    m, n = model.values.shape
    total = _Tally(m, n, pairwise=pairwise)
    ties = ties_possible(model, panels)
    size = max(1_000, min(BLOCK, 2_000_000 // m))  # about 16 MB per array, whatever m
    sizes = [min(size, samples - start) for start in range(0, samples, size)]
    streams = np.random.SeedSequence(seed).spawn(len(sizes))

    def block(k: int) -> _Tally:
        rng = np.random.default_rng(streams[k])
        weights = adapt_weights(model, sampler.sample(rng, sizes[k]))
        tally = _Tally(m, n, pairwise=pairwise)
        goodness, keys = _goodness(model, weights, panels, rng, tie_keys=ties)
        tally.add(goodness, weights, ties_possible=ties, keys=keys)
        return tally

    done = 0
    for k, tally in enumerate(_in_order(block, len(sizes))):
        total.merge(tally)
        done += sizes[k]
        if progress is not None:
            progress(done, samples)
    wins = total.ranks[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        central = np.where(wins[:, None] > 0, total.central / wins[:, None], np.nan)
    pairs = None
    if total.pairs is not None:
        pairs = total.pairs / samples
        np.fill_diagonal(pairs, np.nan)
    return SmaaResult(
        bids=model.bids,
        leaves=model.leaves,
        samples=samples,
        seed=seed,
        sampling=sampler.sampling,
        score_uncertainty=bool(panels),
        acceptability=total.ranks / samples,
        central_weights=central,
        confidence=_confidence(model, central, wins, panels, seed),
        pairwise=pairs,
    )


def ties_possible(model: RankingModel, panels: tuple[ScorePanel, ...]) -> bool:
    """Whether two bids can have exactly equal figures on a set of weights of positive measure.

    Only identical bids can (same values, and same price where price is money), or bids whose
    scores are resampled from a panel's discrete scores, or bids with no quality at all under
    price per quality point. Otherwise a tie has probability zero and is not looked for.
    """
    if panels or model.rounded:  # rounding makes different bids equal
        return True
    rows = model.values
    if model.method.price_as_money:
        rows = np.column_stack([rows, model.prices])
    if len(np.unique(rows, axis=0)) < len(rows):
        return True
    no_quality = (model.values[:, model.quality] == 0).all(axis=1)
    return bool(model.method.undefined) and bool(no_quality.any())


def _in_order(block: Callable[[int], _Tally], count: int) -> Iterator[_Tally]:
    """Results of ``block(0..count-1)`` in order, two at a time when there are two cores.

    numpy releases the GIL in the heavy loops, so threads use both cores; merging in block
    order keeps the floating-point sums identical from run to run.
    """
    workers = min(2, os.cpu_count() or 1)
    if workers < 2 or count < 2:
        yield from (block(k) for k in range(count))
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(block, range(count))


def _product(a: Array, b: Array) -> Array:
    """a @ b without BLAS. OpenBLAS keeps its own threads spinning after each call; beside the
    block threads they made two cores slower than one (0.70 s against 0.40 s for 1M samples)."""
    product: Array = np.einsum("ij,jk->ik", a, b)
    return product


def adapt_weights(model: RankingModel, weights: Array) -> Array:
    """Zero the price weights when price enters the figure as money, and renormalise."""
    if not model.method.price_as_money:
        return weights
    weights = weights * model.quality
    total = weights.sum(axis=1, keepdims=True)
    return weights / np.where(total > 0, total, 1.0)


def _goodness(
    model: RankingModel,
    weights: Array,
    panels: tuple[ScorePanel, ...],
    rng: np.random.Generator,
    *,
    tie_keys: bool,
) -> tuple[Array, tuple[Array, ...]]:
    """(m, K) goodness of every bid in every sample and, with ``tie_keys``, the declared
    tie-break keys (m, K) in those samples (higher is better; the same score draws)."""
    if model.rounded:
        return _rounded_goodness(model, weights, panels, rng, tie_keys=tie_keys)
    points = _product(model.values, weights.T)
    keys = [
        100.0 * _product(model.values[:, list(tie.leaves)], weights[:, list(tie.leaves)].T)
        if tie.name != PRICE
        else np.broadcast_to(-model.prices[:, None], points.shape)
        for tie in (model.tie_breaks if tie_keys else ())
    ]
    for panel in panels:
        rows, drawn = _panel_draws(rng, panel, weights[:, panel.leaf])
        _add_rows(points, rows, drawn)
        for key, tie in zip(keys, model.tie_breaks, strict=False):
            if panel.leaf in tie.leaves:
                _add_rows(key, rows, 100.0 * drawn)
    points *= 100.0
    return model.goodness_from_points(points, weights), tuple(keys)


def _rounded_goodness(
    model: RankingModel,
    weights: Array,
    panels: tuple[ScorePanel, ...],
    rng: np.random.Generator,
    *,
    tie_keys: bool,
) -> tuple[Array, tuple[Array, ...]]:
    """``_goodness`` for a tender that publishes rounding: each sample's values leaf by leaf
    (a panel's draws are values, rounded as published), then the engine's totals."""
    assert model.totals is not None
    totals = model.totals
    m, n = model.values.shape
    count = len(weights)
    draws = [(panel.leaf, *_panel_draws(rng, panel, np.ones(count))) for panel in panels]
    ties = model.tie_breaks if tie_keys else ()
    goodness = np.empty((m, count))
    keys = [np.empty((m, count)) for _ in ties]
    block = max(1, ROUNDED_BLOCK // max(1, m * n))
    for start in range(0, count, block):
        part = slice(start, min(start + block, count))
        values = np.repeat(model.values[:, None, :], part.stop - part.start, axis=1)
        for leaf, rows, drawn in draws:
            if len(rows):
                drawn_values = values[rows, :, leaf] + drawn[:, part]
                values[rows, :, leaf] = totals.rounding.apply("value", drawn_values)
        points = totals.points(values, weights[None, part])
        with np.errstate(over="ignore", divide="ignore"):
            goodness[:, part] = model.method.goodness(totals.total(points, model.prices[:, None]))
        for key, tie in zip(keys, ties, strict=True):
            key[:, part] = tie.key(points, model.prices).values
    return goodness, tuple(keys)


def _panel_draws(
    rng: np.random.Generator, panel: ScorePanel, weight: Array
) -> tuple[NDArray[np.intp], Array]:
    """w_j x (drawn value - official value) for the bids whose panel disagreed: their rows
    and the draws (rows, K)."""
    rows = panel.rows
    evaluators = panel.deviations.shape[1]
    picks = rng.integers(0, evaluators, size=(len(rows), len(weight)), dtype=np.intp)
    picks += panel.offsets
    drawn = np.take(panel.table, picks)
    drawn *= weight
    return rows, drawn


def _add_rows(target: Array, rows: NDArray[np.intp], drawn: Array) -> None:
    if not len(rows):
        return
    if len(rows) == len(target):
        target += drawn
    else:
        target[rows] += drawn


class _Tally:
    """Counts for a block: rank shares (m x m), winners' weight sums (m x n), pairwise wins.

    A bid's rank in a sample is one plus the number of bids strictly better, counted by
    comparison for up to ``DIRECT`` bids (faster than sorting such short rows) and by sorting
    beyond. A sample where two bids have exactly equal figures is credited by ``rank_shares``.
    """

    def __init__(self, m: int, n: int, *, pairwise: bool) -> None:
        self.m = m
        self.ranks = np.zeros((m, m))
        self.central = np.zeros((m, n))
        self.pairs = np.zeros((m, m)) if pairwise else None

    def merge(self, other: _Tally) -> None:
        self.ranks += other.ranks
        self.central += other.central
        if self.pairs is not None and other.pairs is not None:
            self.pairs += other.pairs

    def add(
        self,
        goodness: Array,
        weights: Array,
        *,
        ties_possible: bool = True,
        keys: tuple[Array, ...] = (),
    ) -> None:
        """Count one block: ``goodness`` (m, K), ``weights`` (K, n), tie-break ``keys``.

        One comparison per pair gives both ranks and pairwise wins. Where ties are possible
        (see ``ties_possible``) the pass also looks for exactly equal figures, and a block
        that has any is counted again by the exact path, which orders ties by the keys and
        credits what is still tied by share.
        """
        m = self.m
        if m <= DIRECT:
            pairs = None if self.pairs is None else np.zeros_like(self.pairs)
            better, tied = _single_pass(goodness, pairs, check_ties=ties_possible)
            if not tied:
                self._count(better, weights)
                if self.pairs is not None and pairs is not None:
                    self.pairs += pairs
                return
        self._add_exact(goodness, weights, keys)

    def _add_exact(self, goodness: Array, weights: Array, keys: tuple[Array, ...]) -> None:
        m = self.m
        better = better_counts(goodness)
        tied = better.sum(axis=0, dtype=np.int64) != m * (m - 1) // 2
        g, w = goodness, weights
        if tied.any():
            g, better, w = goodness[:, ~tied], better[:, ~tied], weights[~tied]
        self._count(better, w)
        if self.pairs is not None:
            for i in range(m - 1):
                ahead = np.count_nonzero(g[i] > g[i + 1 :], axis=1)
                self.pairs[i, i + 1 :] += ahead
                self.pairs[i + 1 :, i] += g.shape[1] - ahead
        for k in np.flatnonzero(tied):
            self._add_tied(goodness[:, k], weights[k], [key[:, k] for key in keys])

    def _count(self, better: NDArray[np.integer[Any]], weights: Array) -> None:
        m = self.m
        cells = better + (np.arange(m) * m)[:, None]
        self.ranks += np.bincount(cells.ravel(), minlength=m * m).reshape(m, m)
        winner = np.argmin(better, axis=0)
        for j in range(weights.shape[1]):
            self.central[:, j] += np.bincount(winner, weights=weights[:, j], minlength=m)

    def _add_tied(self, goodness: Array, weights: Array, keys: list[Array]) -> None:
        ranking = rank_bids(
            range(self.m),
            [SortKey("total", goodness), *(SortKey(f"key {k}", key) for k, key in enumerate(keys))],
        )
        shares = rank_shares(ranking)
        self.ranks += shares
        self.central += shares[:, [0]] * weights[None, :]
        if self.pairs is not None:
            rank = np.array([ranking.rank[i] for i in range(self.m)])
            self.pairs += np.where(
                rank[:, None] == rank[None, :], 0.5, rank[:, None] < rank[None, :]
            )
            np.fill_diagonal(self.pairs, self.pairs.diagonal() - 0.5)


def _single_pass(
    g: Array, pairs: Array | None, *, check_ties: bool
) -> tuple[NDArray[np.int16], bool]:
    """Ranks (bids strictly better) and pairwise wins from one comparison per pair.

    Returns whether any two figures were exactly equal (only looked for with
    ``check_ties``); the counts are then not valid and the caller must count exactly.
    """
    m, count = g.shape
    better = np.zeros((m, count), dtype=np.int16)
    scratch = np.empty((m, count), dtype=bool)
    for i in range(m - 1):
        if check_ties and np.equal(g[i], g[i + 1 :], out=scratch[: m - 1 - i]).any():
            return better, True
        ahead = np.greater(g[i], g[i + 1 :], out=scratch[: m - 1 - i])
        better[i + 1 :] += ahead
        better[i] += m - 1 - i
        better[i] -= ahead.sum(axis=0, dtype=np.int16)
        if pairs is not None:
            wins = np.count_nonzero(ahead, axis=1)
            pairs[i, i + 1 :] += wins
            pairs[i + 1 :, i] += count - wins
    return better, False


def better_counts(goodness: Array) -> NDArray[np.integer[Any]]:
    """(m, K): how many bids are strictly better than bid i in sample k."""
    m, count = goodness.shape
    kind = np.int16 if m < 32_000 else np.int32
    if m <= DIRECT:
        better = np.zeros((m, count), dtype=kind)
        scratch = np.empty((m, count), dtype=bool)
        for j in range(m):
            np.greater(goodness[j], goodness, out=scratch)
            better += scratch
        return better
    order = np.argsort(-goodness, axis=0, kind="stable")
    ranked = np.take_along_axis(goodness, order, axis=0)
    new_value = np.vstack([np.ones((1, count), dtype=bool), ranked[1:] != ranked[:-1]])
    first = np.maximum.accumulate(np.where(new_value, np.arange(m)[:, None], 0), axis=0)
    better = np.empty((m, count), dtype=kind)
    np.put_along_axis(better, order, first.astype(kind), axis=0)
    return better


def rank_shares(ranking: Ranking) -> Array:
    """(m, m): the share of rank r (column) credited to bid i (row) in one sample: a place
    shared by t bids gives each 1/t of each of the t ranks it spans."""
    m = len(ranking.rank)
    shares = np.zeros((m, m))
    start = 0
    for group in ranking.groups:
        members = np.array(group)
        shares[np.ix_(members, np.arange(start, start + len(group)))] = 1.0 / len(group)
        start += len(group)
    return shares


def _confidence(
    model: RankingModel, central: Array, wins: Array, panels: tuple[ScorePanel, ...], seed: int
) -> Array:
    """Probability that bid i wins with the weights fixed at its central weight vector.

    With exact scores it is 0 or 1; with score uncertainty a second simulation draws only
    the scores. Computed for the ``CONFIDENCE_BIDS`` bids most likely to win (the others are
    NaN: a confidence factor matters for potential winners only).
    """
    m, n = model.values.shape
    confidence = np.full(m, np.nan)
    samples = min(CONFIDENCE_SAMPLES, max(200, 1_000_000 // m)) if panels else 1
    likeliest = sorted(range(m), key=lambda i: -wins[i])[:CONFIDENCE_BIDS]
    for i in (i for i in likeliest if wins[i] > 0):
        rng = np.random.default_rng(np.random.SeedSequence([seed, i]))
        weights = np.tile(central[i], (samples, 1))
        goodness, keys = _goodness(model, weights, panels, rng, tie_keys=True)
        tally = _Tally(m, n, pairwise=False)
        tally.add(goodness, weights, keys=keys)
        confidence[i] = tally.ranks[i, 0] / samples
    return confidence
