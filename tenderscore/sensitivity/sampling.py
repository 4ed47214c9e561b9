"""Exact weight sampling over the criteria hierarchy (methods.md section 3).

Weights are sampled within each group of siblings and multiplied down the tree. Within a
group the unlocked children share what the locked ones leave, distributed:

- ``uniform``: uniformly on the simplex, Dirichlet(1, ..., 1) (no preference information);
- ``dirichlet``: Dirichlet(kappa w0) around the stated weights w0: E[w] = w0,
  Var(w_j) = w0_j (1 - w0_j) / (kappa + 1);
- ``intervals``: uniformly on {lo_j <= w_j <= hi_j, sum w = 1} by rejection, falling back to
  hit-and-run when few draws are accepted (only groups with declared intervals vary);
- ``rank``: uniformly among weight vectors in the stated order (sorted Dirichlet(1) draws).

Normalising i.i.d. uniforms is never used: it is biased towards equal weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import get_args

import numpy as np
from numpy.typing import NDArray

from tenderscore.input.fields import Sampling
from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.rules.arrays import Array

SAMPLINGS: tuple[Sampling, ...] = get_args(Sampling)


@dataclass(frozen=True)
class SiblingGroup:
    """Children of one node (the root is None): stated local weights and what may vary."""

    parent: str | None
    children: tuple[str, ...]
    stated: Array
    locked: NDArray[np.bool_]
    low: Array
    high: Array
    has_intervals: bool


@dataclass(frozen=True)
class WeightSampler:
    """Draws effective leaf weights for the whole criteria tree."""

    tree: CriteriaTree
    groups: tuple[SiblingGroup, ...]
    sampling: Sampling
    concentration: float
    leaf_index: Mapping[str, int] = field(repr=False)

    def sample(self, rng: np.random.Generator, count: int) -> Array:
        """(count, leaves), each row summing to 1.

        Built leaf by leaf as rows of a (leaves, count) array and returned as its transpose:
        the SMAA kernels read weights a criterion at a time, which is then contiguous.
        """
        weights = np.zeros((len(self.tree.leaves), count))
        effective: dict[str | None, Array | None] = {None: None}
        for group in self.groups:
            local = self._local(rng, group, count)
            parent = effective[group.parent]
            for k, child in enumerate(group.children):
                share = local[k] if parent is None else parent * local[k]
                column = self.leaf_index.get(child)
                if column is None:
                    effective[child] = share
                else:
                    weights[column] = share
        return weights.T

    def _local(self, rng: np.random.Generator, group: SiblingGroup, count: int) -> Array:
        """(children, count) local weights of one group, each column summing to 1."""
        stated = group.stated
        free = ~group.locked & (stated > 0)  # a zero weight is no criterion: it stays zero
        mass = 1.0 - float(stated[~free].sum())
        k = int(free.sum())
        if k < 2 or mass <= 0 or (self.sampling == "intervals" and not group.has_intervals):
            return np.broadcast_to(stated[:, None], (len(stated), count))
        if self.sampling == "intervals":
            drawn = sample_box_simplex(rng, group.low[free], group.high[free], mass, count).T
        elif self.sampling == "dirichlet":
            base = stated[free] / stated[free].sum()
            drawn = dirichlet_columns(rng, self.concentration * base, count) * mass
        else:
            drawn = dirichlet_columns(rng, np.ones(k), count) * mass
            if self.sampling == "rank":
                drawn = _in_stated_order(rng, drawn.T, stated[free]).T
        if k == len(stated):
            return drawn
        samples = np.repeat(stated[:, None], count, axis=1)
        samples[free] = drawn
        return samples


def dirichlet_columns(rng: np.random.Generator, alpha: Array, count: int) -> Array:
    """(k, count) Dirichlet(alpha) draws, one per column: normalised Gamma(alpha_j) variates.

    Very small parameters make every gamma variate underflow to 0; numpy's own sampler
    handles them, so they go through it.
    """
    if alpha.min() < 0.1:
        return np.ascontiguousarray(rng.dirichlet(np.maximum(alpha, 1e-3), count).T)
    if (alpha == 1).all():
        gamma = rng.standard_exponential((len(alpha), count))
    else:
        gamma = rng.standard_gamma(alpha[:, None], size=(len(alpha), count))
    gamma /= gamma.sum(axis=0)
    return gamma


def _in_stated_order(rng: np.random.Generator, drawn: Array, stated: Array) -> Array:
    """Sort each draw descending and give the largest to the highest stated weight.

    Children with equal stated weights are one rank class: their order is random per draw.
    """
    count, k = drawn.shape
    ordered = -np.sort(-drawn, axis=1)
    keys = np.argsort(-stated, kind="stable")
    classes = -stated[keys]
    # random tie-breaking inside classes of equal stated weight
    jitter = rng.random((count, k))
    order = np.lexsort((jitter, np.broadcast_to(classes, (count, k))), axis=1)
    result = np.empty_like(drawn)
    rows = np.arange(count)[:, None]
    result[rows, keys[order]] = ordered
    return result


def sample_box_simplex(
    rng: np.random.Generator, low: Array, high: Array, mass: float, count: int
) -> Array:
    """Uniform draws from {low <= w <= high, sum w = mass}: rejection, else hit-and-run."""
    low = np.clip(low, 0.0, mass)
    high = np.clip(high, low, mass)
    if low.sum() > mass + 1e-12 or high.sum() < mass - 1e-12:
        raise ValueError(
            f"the intervals cannot hold: lower bounds sum to {low.sum():.4g} and upper bounds "
            f"to {high.sum():.4g}, but the weights must sum to {mass:.4g}"
        )
    k = len(low)
    trial = rng.dirichlet(np.ones(k), min(count * 4, 200_000)) * mass
    inside = ((trial >= low) & (trial <= high)).all(axis=1)
    acceptance = inside.mean()
    if acceptance >= 0.05:
        accepted = [trial[inside]]
        have = len(accepted[0])
        while have < count:
            more = rng.dirichlet(np.ones(k), int((count - have) / acceptance * 1.2) + 16) * mass
            more = more[((more >= low) & (more <= high)).all(axis=1)]
            accepted.append(more)
            have += len(more)
        return np.concatenate(accepted)[:count]
    return _hit_and_run(rng, low, high, mass, count)


def _hit_and_run(
    rng: np.random.Generator, low: Array, high: Array, mass: float, count: int, *, thin: int = 10
) -> Array:
    """Hit-and-run on the box-constrained simplex, many chains in parallel, thinned."""
    k = len(low)
    chains = min(count, 1000)
    start = low + (mass - low.sum()) * (high - low) / max((high - low).sum(), 1e-300)
    x = np.tile(start, (chains, 1))
    out = []
    burn = 50
    steps = burn + thin * int(np.ceil(count / chains))
    for step in range(steps):
        d = rng.standard_normal((chains, k))
        d -= d.mean(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            to_low = (low - x) / d
            to_high = (high - x) / d
        lo = np.where(d > 0, to_low, np.where(d < 0, to_high, -np.inf)).max(axis=1)
        hi = np.where(d > 0, to_high, np.where(d < 0, to_low, np.inf)).min(axis=1)
        lam = lo + (hi - lo) * rng.random(chains)
        x = np.clip(x + lam[:, None] * d, low, high)
        if step >= burn and (step - burn) % thin == thin - 1:
            out.append(x.copy())
    return np.concatenate(out)[:count]


def weight_sampler(
    tree: CriteriaTree,
    *,
    sampling: Sampling = "dirichlet",
    concentration: float = 50.0,
    intervals: Mapping[str, tuple[float, float]] | None = None,
) -> WeightSampler:
    """A sampler for ``tree``; ``intervals`` bound node weights within their parent (0-1)."""
    intervals = dict(intervals or {})
    by_parent: dict[str | None, list[str]] = {}
    for node in tree.nodes.values():
        if node.is_gate or not node.leaves:
            continue
        by_parent.setdefault(node.parent, []).append(node.id)
    groups = []
    for parent, children in by_parent.items():
        nodes = [tree.nodes[c] for c in children]
        groups.append(
            SiblingGroup(
                parent=parent,
                children=tuple(children),
                stated=np.array([n.local_weight for n in nodes]),
                locked=np.array([bool(getattr(n.model, "locked", False)) for n in nodes]),
                low=np.array([intervals.get(c, (0.0, 1.0))[0] for c in children]),
                high=np.array([intervals.get(c, (0.0, 1.0))[1] for c in children]),
                has_intervals=any(c in intervals for c in children),
            )
        )
    leaf_index = {leaf.id: j for j, leaf in enumerate(tree.leaves)}
    return WeightSampler(tree, tuple(groups), sampling, concentration, leaf_index)
