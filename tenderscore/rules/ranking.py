"""Rank bids with a tolerance for floating-point noise and the tender's declared tie-breaks.

Two figures closer than ``RELATIVE_TOLERANCE`` of their size are a tie: 0.1 + 0.2 and 0.3 must
not separate two bids. Ties are broken only by the declared rule, in order; what is still tied
shares a rank (competition ranking: 1, 2, 2, 4). File order never decides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

RELATIVE_TOLERANCE = 1e-9
PRICE = "price"


@dataclass(frozen=True, slots=True)
class SortKey:
    """A figure to rank by, oriented so that higher is better."""

    name: str
    values: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TieBreak:
    """One entry of the declared tie-break: a criterion's or section's points (more wins), or
    the price (less wins). Every ranking in the tool, the engine's and every re-ranking in
    the sensitivity analysis, builds its keys here, so they all break ties the same way."""

    name: str
    leaves: tuple[int, ...] = ()
    """The leaves whose points make up the key; empty for the price."""

    def key(self, points: NDArray[np.float64], prices: NDArray[np.float64]) -> SortKey:
        """The key from the bids' points per leaf (bids x leaves, or bids x samples x leaves)
        and prices (bids)."""
        if self.name == PRICE:
            lowest = -prices.reshape(prices.shape + (1,) * (points.ndim - 2))
            return SortKey(PRICE, np.broadcast_to(lowest, points.shape[:-1]))
        return SortKey(self.name, points[..., list(self.leaves)].sum(axis=-1))


def rank_by(
    goodness: NDArray[np.float64],
    tie_breaks: Sequence[TieBreak],
    points: NDArray[np.float64],
    prices: NDArray[np.float64],
    candidates: Sequence[int] | None = None,
) -> Ranking:
    """Rank by ``goodness`` (higher is better), then by the declared tie-breaks."""
    keys = [SortKey("total", goodness), *(t.key(points, prices) for t in tie_breaks)]
    chosen = range(len(goodness)) if candidates is None else candidates
    return rank_bids(chosen, keys)


@dataclass(frozen=True, slots=True)
class Ranking:
    rank: dict[int, int]
    shared: dict[int, bool]
    broken_by: dict[int, str | None]
    groups: tuple[tuple[int, ...], ...]

    @property
    def order(self) -> tuple[int, ...]:
        """Every candidate, best first (a shared place in index order)."""
        return tuple(i for group in self.groups for i in group)


@overload
def nearly_equal(a: float, b: float) -> bool: ...
@overload
def nearly_equal(a: float | NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.bool_]: ...
@overload
def nearly_equal(a: NDArray[np.float64], b: float | NDArray[np.float64]) -> NDArray[np.bool_]: ...
def nearly_equal(
    a: float | NDArray[np.float64], b: float | NDArray[np.float64]
) -> bool | NDArray[np.bool_]:
    """Whether two figures (or arrays of figures, element by element) are a tie: within
    ``RELATIVE_TOLERANCE`` of their size, or the same infinity (no quality at all). Two
    Python floats are compared in plain Python: ranking 2,000 bids asks this 3 million times
    in the rank-reversal check."""
    if isinstance(a, float) and isinstance(b, float):
        difference = abs(a - b)
        if a == b:
            return True
        return math.isfinite(difference) and difference <= RELATIVE_TOLERANCE * max(
            1.0, abs(a), abs(b)
        )
    with np.errstate(invalid="ignore"):
        gap = np.abs(np.subtract(a, b))
        size = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
        close = np.isfinite(gap) & (gap <= RELATIVE_TOLERANCE * size)
        return np.asarray(close | np.equal(a, b), dtype=np.bool_)


def _runs(indices: Sequence[int], values: NDArray[np.float64]) -> list[list[int]]:
    """Split ``indices`` into runs of equal value (within tolerance), best first."""
    figures = values.tolist()
    ordered = sorted(indices, key=lambda i: -figures[i])
    runs: list[list[int]] = []
    for i in ordered:
        if runs and nearly_equal(figures[runs[-1][0]], figures[i]):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def rank_bids(candidates: Sequence[int], keys: Sequence[SortKey]) -> Ranking:
    """Rank ``candidates`` by ``keys[0]``, breaking ties with the following keys in order."""
    groups: list[tuple[list[int], str | None]] = [(list(candidates), None)]
    for level, key in enumerate(keys):
        refined: list[tuple[list[int], str | None]] = []
        for group, breaker in groups:
            if len(group) == 1:
                refined.append((group, breaker))
                continue
            runs = _runs(group, key.values)
            split = level > 0 and len(runs) > 1
            refined += [(run, key.name if split else breaker) for run in runs]
        groups = refined
    rank: dict[int, int] = {}
    shared: dict[int, bool] = {}
    broken_by: dict[int, str | None] = {}
    position = 1
    for group, breaker in groups:
        for i in sorted(group):
            rank[i] = position
            shared[i] = len(group) > 1
            broken_by[i] = breaker if len(group) == 1 else None
        position += len(group)
    return Ranking(rank, shared, broken_by, tuple(tuple(sorted(g)) for g, _ in groups))
