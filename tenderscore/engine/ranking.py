"""Rank bids with a tolerance for floating-point noise and the tender's declared tie-breaks.

Two figures closer than ``RELATIVE_TOLERANCE`` of their size are a tie: 0.1 + 0.2 and 0.3 must
not separate two bids. Ties are broken only by the declared rule, in order; what is still tied
shares a rank (competition ranking: 1, 2, 2, 4). File order never decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class SortKey:
    """A figure to rank by, oriented so that higher is better."""

    name: str
    values: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Ranking:
    rank: dict[int, int]
    shared: dict[int, bool]
    broken_by: dict[int, str | None]
    groups: tuple[tuple[int, ...], ...]


def nearly_equal(a: float, b: float) -> bool:
    return abs(a - b) <= RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))


def _runs(indices: Sequence[int], values: NDArray[np.float64]) -> list[list[int]]:
    """Split ``indices`` into runs of equal value (within tolerance), best first."""
    ordered = sorted(indices, key=lambda i: -values[i])
    runs: list[list[int]] = []
    for i in ordered:
        if runs and nearly_equal(values[runs[-1][0]], values[i]):
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
