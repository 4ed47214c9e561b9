"""Weight stability intervals and one-way sweeps, in closed form (methods.md section 2).

Move one group's weight (a section or a leaf) from w to t, holding locked weights and
rescaling the other weights proportionally: every other weight in the tender, or, for a
criterion "within its section", only its siblings there, the published section weights held.
Every bid's quality Q_i(t) = 100 w(t).v_i is then affine in t, and so is every pairwise margin
(for price per quality point, after multiplying out the prices), so each pair changes order
at most once, at t* = -alpha / beta. The stability interval is bounded by the nearest such
crossings on either side of w.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from tenderscore.rules.aggregation import PairLines
from tenderscore.rules.arrays import Array
from tenderscore.rules.ranking import nearly_equal
from tenderscore.sensitivity.model import Group, RankingModel

EDGE = 1e-12

Pairs = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Line:
    """Q_i(t) = q0_i + q1_i t for t in [0, limit]; ``weights_at`` gives the whole vector."""

    group: Group
    q0: Array
    q1: Array
    limit: float
    movable: bool
    base: Array
    rest: Array

    def affine(self) -> tuple[Array, Array]:
        """(a, b) with every leaf's weight a + b t along the line (it is a line)."""
        start = self.weights_at(0.0)
        return start, (self.weights_at(self.limit) - start) / self.limit

    def weights_at(self, t: float) -> Array:
        """The full weight vector when the group weighs t."""
        weights = self.base.copy()
        weights[list(self.group.leaves)] = t * self.group.shares
        spare = self.limit - self.group.weight
        if spare > 0:
            weights += self.rest * (self.limit - t) / spare
        return weights


def weight_line(model: RankingModel, group: Group, scope: Sequence[int] | None = None) -> Line:
    """The line along which ``group``'s weight moves; ``scope``: the leaves whose weights may
    make room (a section's), the others held (default: every leaf)."""
    in_group = np.zeros(len(model.leaves), dtype=bool)
    in_group[list(group.leaves)] = True
    held = np.ones(len(model.leaves), dtype=bool)
    held[list(range(len(model.leaves)) if scope is None else scope)] = False
    locked = (model.locked | held) & ~in_group
    rest_mask = ~locked & ~in_group
    base = np.where(locked, model.weights, 0.0)
    rest = np.where(rest_mask, model.weights, 0.0)
    limit = 1.0 - float(base.sum())
    spare = limit - group.weight
    values = model.values
    x = values[:, list(group.leaves)] @ group.shares
    fixed = values @ base
    others = values @ rest
    movable = spare > EDGE and not bool(model.locked[list(group.leaves)].any())
    if spare > EDGE:
        q1 = 100.0 * (x - others / spare)
        q0 = 100.0 * (fixed + limit * others / spare)
    else:
        q1 = 100.0 * x
        q0 = 100.0 * fixed
    return Line(group, q0, q1, limit, movable, base, rest)


def pair_margins(model: RankingModel, line: Line, a: Pairs, b: Pairs) -> tuple[Array, Array]:
    """alpha + beta t: positive while bid a ranks above bid b, for arrays of pairs."""
    pair = PairLines(
        line.q0[a], line.q1[a], line.q0[b], line.q1[b], model.prices[a], model.prices[b]
    )
    return model.method.pair_margin(pair, model.money_per_point)


@dataclass(frozen=True, slots=True)
class Bound:
    """One end of an interval: the weight, and who takes over beyond it (None: no change)."""

    weight: float
    taker: str | None = None
    pair: tuple[str, str] | None = None
    shared_with: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StabilityInterval:
    """How far one weight can move before the winner (or the whole ranking) changes."""

    id: str
    name: str
    top_level: bool
    weight: float
    locked: bool
    movable: bool
    winner_low: Bound
    winner_high: Bound
    ranking_low: Bound
    ranking_high: Bound
    section: str | None = None
    """Set for an interval within a section: its id. The weights are then shares of the
    section's weight, which is held, and only the siblings make room."""
    section_name: str = ""

    @property
    def switches(self) -> tuple[Bound, ...]:
        """The ends beyond which another bid wins, nearest (relatively) first."""
        ends = [end for end in (self.winner_low, self.winner_high) if end.taker is not None]
        return tuple(sorted(ends, key=lambda end: abs(end.weight - self.weight)))

    @property
    def switching_change(self) -> float | None:
        """Smallest relative weight change that changes the winner, or None if none does."""
        if not self.switches or self.weight <= 0:
            return None
        return abs(self.switches[0].weight - self.weight) / self.weight

    def sentence(self, end: Bound, names: Mapping[str, str]) -> str:
        """One switching end in the committee's words."""
        relative = (
            f" (relative {100 * (end.weight - self.weight) / self.weight:+.1f}%)"
            if self.weight > 0
            else ""
        )
        takers = [names.get(b, b) for b in (end.taker or "", *end.shared_with)]
        outcome = (
            f"{' and '.join(takers)} share first place"
            if end.shared_with
            else (f"{takers[0]} wins")
        )
        of = f" of {self.section_name}" if self.section else ""
        if abs(end.weight - self.weight) <= EDGE:  # tied now: any move that way decides
            way = "below" if end is self.winner_low else "above"
            return (
                f"the winner changes as soon as {self.name} moves {way} "
                f"{100 * self.weight:.1f}%{of}: then {outcome}."
            )
        return (
            f"the winner changes if {self.name} goes from {100 * self.weight:.1f}% to "
            f"{100 * end.weight:.1f}%{of}{relative}: then {outcome}."
        )

    def sentences(self, names: Mapping[str, str]) -> list[str]:
        """The interval in the committee's words, nearest switch first."""
        if not self.movable:
            return [f"{self.name} is locked, or every other weight is."]
        if not self.switches:
            return [
                f"no weight of {self.name} between {100 * self.winner_low.weight:.1f}% and "
                f"{100 * self.winner_high.weight:.1f}% changes the winner."
            ]
        return [self.sentence(end, names) for end in self.switches]


def section_interval(model: RankingModel, group: Group, section: Group) -> StabilityInterval:
    """``group``'s interval within ``section``, as shares of the section's weight."""
    interval = stability_interval(model, group, scope=section.leaves)
    share = section.weight if section.weight > 0 else 1.0

    def scaled(end: Bound) -> Bound:
        return replace(end, weight=end.weight / share)

    return replace(
        interval,
        weight=interval.weight / share,
        winner_low=scaled(interval.winner_low),
        winner_high=scaled(interval.winner_high),
        ranking_low=scaled(interval.ranking_low),
        ranking_high=scaled(interval.ranking_high),
        section=section.id,
        section_name=section.name,
    )


def stability_interval(
    model: RankingModel, group: Group, scope: Sequence[int] | None = None
) -> StabilityInterval:
    line = weight_line(model, group, scope)
    w = group.weight
    locked = bool(model.locked[list(group.leaves)].any())
    if not line.movable or model.size < 2:
        still = Bound(w)
        return StabilityInterval(
            group.id,
            group.name,
            group.top_level,
            w,
            locked,
            line.movable and model.size > 1,
            still,
            still,
            still,
            still,
        )
    m = model.size
    if model.totals is not None and model.totals.first_step() is not None:
        from tenderscore.sensitivity.steps import stepped_bounds  # steps.py builds on Line

        winner = stepped_bounds(model, line, leader=True)
        ranking = stepped_bounds(model, line, leader=False)
        return StabilityInterval(
            group.id, group.name, group.top_level, w, locked, True, *winner, *ranking
        )
    first = np.zeros(m - 1, dtype=np.intp)
    winner = _bounds(model, line, first, np.arange(1, m), leader=True)
    a, b = np.triu_indices(m, k=1)
    ranking = _bounds(model, line, a, b, leader=False)
    return StabilityInterval(
        group.id, group.name, group.top_level, w, locked, True, *winner, *ranking
    )


def _bounds(
    model: RankingModel, line: Line, a: Pairs, b: Pairs, *, leader: bool
) -> tuple[Bound, Bound]:
    """The nearest order changes of the pairs (a, b) below and above the current weight.

    A pair whose figures are tied now (told apart by the declared tie-break, or sharing a
    place) but not at both ends of the range changes order at the current weight itself, on
    the side where b gains; on both sides when they share a place. A pair tied along the whole
    line never changes. Otherwise a pair changes order where its margin crosses 0.
    """
    w, limit = line.group.weight, line.limit
    alpha, beta = pair_margins(model, line, a, b)
    sloped = np.abs(beta) > EDGE * (1 + np.abs(alpha))
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = np.where(sloped, -alpha / beta, np.nan)
    start, end = model.goodness(np.stack([line.weights_at(0.0), line.weights_at(limit)]))
    now = model.goodness(model.weights)[0]
    tied_now = nearly_equal(now[a], now[b])
    throughout = np.zeros_like(tied_now)
    pairs = np.flatnonzero(tied_now)  # few: ties are rare, and 2,000 bids make 2 million pairs
    ends = nearly_equal(start[a[pairs]], start[b[pairs]]) & nearly_equal(
        end[a[pairs]], end[b[pairs]]
    )
    throughout[pairs] = ends
    tied = tied_now & ~throughout
    crossing = np.where(throughout, np.nan, crossing)  # never cross: their slope is noise
    shared = np.array(model.ranks)[a] == np.array(model.ranks)[b] if model.ranks else tied
    crossing = np.where(tied, w, crossing)
    # Crossings exactly at 0 or at the limit are ties at the end of the range, not changes.
    below = ~tied & (crossing < w - EDGE) & (crossing > EDGE)
    above = ~tied & (crossing > w + EDGE) & (crossing < limit - EDGE)
    below |= tied & (w > EDGE) & ((beta > 0) | shared)
    above |= tied & (w < limit - EDGE) & ((beta < 0) | shared)
    ends = []
    for side, mask, default in ((-1, below, 0.0), (1, above, limit)):
        if not mask.any():
            ends.append(Bound(default))
            continue
        pick = np.flatnonzero(mask)
        nearest = pick[np.argmax(crossing[pick])] if side < 0 else pick[np.argmin(crossing[pick])]
        t = float(np.clip(crossing[nearest], 0.0, limit))
        pair = (model.bids[int(a[nearest])], model.bids[int(b[nearest])])
        takers = _leaders_beyond(model, line, t, side, crossing[mask]) if leader else ()
        ends.append(
            Bound(t, taker=takers[0] if takers else None, pair=pair, shared_with=takers[1:])
        )
    return ends[0], ends[1]


def _leaders_beyond(
    model: RankingModel, line: Line, t: float, side: int, crossings: Array
) -> tuple[str, ...]:
    """The bid or bids ranked first just past the crossing at t, tie-break applied (several
    when they share first place along the line, as bids with the same answers on the moving
    criteria do). The probe stays short of the next crossing on that side."""
    beyond = np.abs(crossings[side * (crossings - t) > EDGE] - t)
    step = min(1e-4 * line.limit, *(beyond / 2), abs((line.limit if side > 0 else 0.0) - t))
    probe = float(np.clip(t + side * max(step, 1e-12), 0.0, line.limit))
    return tuple(model.bids[i] for i in model.first_place(line.weights_at(probe)))


@dataclass(frozen=True, slots=True)
class Sweep:
    """Every bid's ranking figure as one group's weight runs over its whole range."""

    id: str
    name: str
    weight: float
    grid: tuple[float, ...]
    figures: dict[str, tuple[float, ...]]


def sweep(model: RankingModel, group: Group, *, points: int = 21) -> Sweep:
    line = weight_line(model, group)
    grid = np.linspace(0.0, line.limit, points) if line.movable else np.array([group.weight])
    weights = np.stack([line.weights_at(float(t)) for t in grid])
    figures = model.figure(model.goodness(weights))
    return Sweep(
        group.id,
        group.name,
        group.weight,
        tuple(grid.tolist()),
        {bid: tuple(figures[:, i].tolist()) for i, bid in enumerate(model.bids)},
    )
