"""Stability intervals for a tender that publishes rounding after the partial values.

Rounded points, subtotals or totals move in steps as a weight moves, so the pair margins are
no longer lines (stability.py). Along the line of weights every leaf's points are affine in
t; the first rounded stage steps where its unrounded figure crosses a half unit, and every
later figure is constant between two such steps. So the ranking is constant between
consecutive breakpoints: reading it once inside each gap, outwards from the weight, finds the
nearest change exactly (methods.md section 2). A line with more than ``MAX_BREAKPOINTS``
(thousands of bids with points rounded finely), or on which a bid's quality vanishes under
price per quality point with a rounded total (its ratio steps without end), is scanned
instead, ``SCAN`` steps each side and a bisection, which can miss a change narrower than a
step; methods.md says so.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tenderscore.rules.arrays import Array
from tenderscore.sensitivity.model import RankingModel
from tenderscore.sensitivity.stability import EDGE, Bound, Line

MAX_BREAKPOINTS = 2_000  # each gap is a ranking read in Python: beyond this, scan
SCAN = 400
BISECTIONS = 50
CHUNK = 256  # gaps read at a time, outwards from the weight
MERGED = 1e-12  # breakpoints closer than this are one


def stepped_bounds(model: RankingModel, line: Line, *, leader: bool) -> tuple[Bound, Bound]:
    """The nearest change of first place (``leader``) or of the ranking on each side."""
    w, limit = line.group.weight, line.limit

    def outcome(ts: Array) -> list[tuple[int, ...]]:
        weights = np.stack([line.weights_at(float(t)) for t in ts])
        goodness = model.goodness(weights)
        rankings = [model.rank(g, row) for g, row in zip(goodness, weights, strict=True)]
        if leader:
            return [ranking.groups[0] for ranking in rankings]
        return [tuple(ranking.rank[i] for i in range(model.size)) for ranking in rankings]

    (now,) = outcome(np.array([w]))
    steps = breakpoints(model, line)
    ends = []
    for end in (0.0, limit):
        if abs(end - w) <= EDGE:
            ends.append(Bound(end))
            continue
        found = (
            _first_change(outcome, now, w, end, steps)
            if steps is not None
            else _scanned_change(outcome, now, w, end)
        )
        if found is None:
            ends.append(Bound(end))
            continue
        t, probe = found
        if not leader:
            ends.append(Bound(t))
            continue
        takers = tuple(model.bids[i] for i in model.first_place(line.weights_at(probe)))
        others = [bid for bid in takers if bid != model.bids[0]]
        ends.append(
            Bound(
                t,
                taker=takers[0],
                pair=(model.bids[0], others[0]) if others else None,
                shared_with=takers[1:],
            )
        )
    return ends[0], ends[1]


Outcome = Callable[[Array], list[tuple[int, ...]]]


def _first_change(
    outcome: Outcome, now: tuple[int, ...], w: float, end: float, steps: Array
) -> tuple[float, float] | None:
    """The breakpoint where the outcome first differs from ``now`` going from w to ``end``,
    and the point where it differs: the breakpoint itself (with weights and answers given
    as round decimals a rounded figure often sits exactly on a half unit there, where two
    steps may meet), else inside the gap beyond it."""
    side = 1.0 if end > w else -1.0
    ahead = np.sort(steps[side * (steps - w) > EDGE] * side) * side
    ahead = ahead[side * (end - ahead) > EDGE]
    # steps of different bids that coincide in exact arithmetic land a rounding error apart:
    # one step, not a gap between them
    if len(ahead):
        ahead = ahead[np.concatenate([[True], np.abs(np.diff(ahead)) > MERGED])]
    edges = np.concatenate([[w], ahead, [end]])
    middles = (edges[:-1] + edges[1:]) / 2
    # in walking order: the gap after w, the first step, the gap after it, ...
    probes = np.empty(2 * len(middles) - 1)
    probes[0::2], probes[1::2] = middles, ahead
    bounds = np.empty_like(probes)
    bounds[0::2], bounds[1::2] = edges[:-1], ahead
    for start in range(0, len(probes), CHUNK):
        for k, seen in enumerate(outcome(probes[start : start + CHUNK])):
            if seen != now:
                return float(bounds[start + k]), float(probes[start + k])
    return None


def _scanned_change(
    outcome: Outcome, now: tuple[int, ...], w: float, end: float
) -> tuple[float, float] | None:
    grid = np.linspace(w, end, SCAN + 1)[1:]
    changed = [k for k, seen in enumerate(outcome(grid)) if seen != now]
    if not changed:
        return None
    keeps = w if changed[0] == 0 else float(grid[changed[0] - 1])
    moves = float(grid[changed[0]])
    for _ in range(BISECTIONS):
        middle = (keeps + moves) / 2
        if outcome(np.array([middle]))[0] == now:
            keeps = middle
        else:
            moves = middle
    return moves, moves


def breakpoints(model: RankingModel, line: Line) -> Array | None:
    """Every t in (0, limit) where the first rounded stage steps for some bid (None: more
    than ``MAX_BREAKPOINTS``)."""
    assert model.totals is not None
    first = model.totals.first_step()
    assert first is not None
    stage, decimals = first
    a, b = line.affine()
    values = model.values
    if stage == "points":
        start, slope = 100.0 * values * a, 100.0 * values * b  # (m, n) each
    elif stage == "section":
        sections = model.totals.sections.T
        start, slope = 100.0 * (values * a) @ sections, 100.0 * (values * b) @ sections
    else:  # the total
        quality0, quality1 = 100.0 * values @ a, 100.0 * values @ b
        if model.method.name == "price_per_quality_point":
            return _ratio_breakpoints(model.prices, quality0, quality1, line.limit, decimals)
        if model.method.price_as_money:  # monetised: P - c Q, affine
            c = model.money_per_point
            start, slope = model.prices - c * quality0, -c * quality1
        else:
            start, slope = quality0, quality1
    return _affine_breakpoints(start.ravel(), slope.ravel(), line.limit, decimals)


def _affine_breakpoints(start: Array, slope: Array, limit: float, decimals: int) -> Array | None:
    """t in (0, limit) where start + slope t crosses a half unit of 10^-decimals."""
    unit = 10.0**-decimals
    moving = np.abs(slope) > 0
    start, slope = start[moving], slope[moving]
    ends = np.stack([start, start + slope * limit])
    low, high = ends.min(axis=0) / unit - 0.5, ends.max(axis=0) / unit - 0.5
    first, last = np.ceil(low), np.floor(high)
    counts = np.maximum(0, last - first + 1).astype(np.int64)
    if counts.sum() > MAX_BREAKPOINTS:
        return None
    found = [
        ((np.arange(f, f + c) + 0.5) * unit - s) / d
        for f, c, s, d in zip(first, counts, start, slope, strict=True)
        if c
    ]
    return np.concatenate(found) if found else np.empty(0)


def _ratio_breakpoints(
    prices: Array, quality0: Array, quality1: Array, limit: float, decimals: int
) -> Array | None:
    """t where P / Q(t) crosses a half unit, Q affine: Q(t) = P / ((k + 0.5) unit)."""
    unit = 10.0**-decimals
    found = []
    total_count = 0
    for price, q0, q1 in zip(prices, quality0, quality1, strict=True):
        if q1 == 0:
            continue
        qs = np.array([q0, q0 + q1 * limit])
        if (qs <= 0).any():
            return None  # the ratio runs to infinity on this line: infinitely many steps
        ratios = price / qs
        first = np.ceil(ratios.min() / unit - 0.5)
        last = np.floor(ratios.max() / unit - 0.5)
        count = int(max(0, last - first + 1))
        total_count += count
        if total_count > MAX_BREAKPOINTS:
            return None
        ks = np.arange(first, first + count)
        found.append((price / ((ks + 0.5) * unit) - q0) / q1)
    return np.concatenate(found) if found else np.empty(0)
