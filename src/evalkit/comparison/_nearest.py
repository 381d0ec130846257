"""Nearest-neighbour searches of :func:`~evalkit.comparison.match` (private).

Two greedy searches on a one-dimensional distance (the logit of the score or the score):

- :func:`greedy_rounds`: treated people in a given (random) order take the nearest
  still-free control on the sorted scale of the distance; ties go to the smaller
  distance, then to the control first in the data.
- :func:`walk_rounds`: R MatchIt's ``nn_matchC_vec`` (without replacement): every unit
  has a place in the stable sort of all distances (ties in data order); a treated
  person's candidates are the nearest free control placed below and above them, and an
  exact tie between the two goes to the one MatchIt's alternating walk (one place
  down, one place up, ...) reaches first.

With k controls per treated person both run in rounds (MatchIt's order): every
treated person gets a first control before anyone gets a second; someone without a
first control drops out. Free controls are found through two union-find structures
("next free to the right / left") with path compression, so n searches cost about
O(n log n) instead of O(n m). :func:`nearest_k` is matching with replacement.
"""

from __future__ import annotations

import bisect

import numpy as np

__all__ = ["greedy_nearest", "greedy_rounds", "nearest_k", "nearest_with_replacement",
           "walk_rounds"]


class _FreeControls:
    """Which of ``m`` sorted controls are still free: the nearest free one on each side."""

    def __init__(self, m: int) -> None:
        self.m = m
        self.remaining = m
        self._right = list(range(m + 1))  # _right[i]: smallest free index >= i (m: none)
        self._left = list(range(m + 1))  # _left[i]: 1 + largest free index < i (0: none)

    @staticmethod
    def _find(parent: list[int], i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def right_of(self, i: int) -> int:
        """The smallest free index >= ``i`` (``m`` if none)."""
        return self._find(self._right, i)

    def left_of(self, i: int) -> int:
        """The largest free index < ``i`` (-1 if none)."""
        return self._find(self._left, i) - 1

    def take(self, j: int) -> None:
        """Mark control ``j`` as used."""
        self._right[j], self._left[j + 1] = j + 1, j
        self.remaining -= 1


def _take_nearest(values: list[float], free: _FreeControls, x: float, width: float) -> int:
    """Take the free value nearest ``x`` within ``width`` (ties: the smaller value, then the
    first index); return its index, or -1."""
    if free.remaining == 0:
        return -1
    pos = bisect.bisect_left(values, x)
    r = free.right_of(pos)
    lo = free.left_of(pos)
    if lo >= 0:  # the first free index among values equal to values[lo]
        lo = free.right_of(bisect.bisect_left(values, values[lo]))
    if r == free.m or (lo >= 0 and x - values[lo] <= values[r] - x):
        best = lo
    else:
        best = r
    if abs(values[best] - x) <= width:
        free.take(best)
        return best
    return -1


def greedy_nearest(sorted_values: np.ndarray, queries: np.ndarray, width: float) -> list[int]:
    """Greedy nearest-neighbour matching without replacement on a sorted scale.

    Each query in turn takes the nearest still-free value (ties: the lowest index)
    if it lies within ``width``; returns the index taken, or -1. The one-round case of
    :func:`greedy_rounds`, written out for speed (it is the default matching).
    """
    values = sorted_values.tolist()
    m = len(values)
    right = list(range(m + 1))  # right[i]: smallest free index >= i (m: none)
    left = list(range(m + 1))  # left[i]: 1 + largest free index < i (0: none)
    find = _FreeControls._find
    taken = []
    remaining = m
    for x in queries.tolist():
        if remaining == 0:
            taken.append(-1)
            continue
        pos = bisect.bisect_left(values, x)
        r = find(right, pos)
        lo = find(left, pos) - 1
        if lo >= 0:  # the first free index among values equal to values[lo]
            lo = find(right, bisect.bisect_left(values, values[lo]))
        if r == m or (lo >= 0 and x - values[lo] <= values[r] - x):
            best = lo
        else:
            best = r
        if abs(values[best] - x) <= width:
            right[best], left[best + 1] = best + 1, best
            remaining -= 1
            taken.append(best)
        else:
            taken.append(-1)
    return taken


def greedy_rounds(
    sorted_values: np.ndarray, queries: np.ndarray, width: float, ratio: int
) -> list[list[int]]:
    """:func:`greedy_nearest` in ``ratio`` rounds: the indices each query took."""
    values = sorted_values.tolist()
    free = _FreeControls(len(values))
    xs = queries.tolist()
    taken = [[j] if (j := _take_nearest(values, free, x, width)) >= 0 else [] for x in xs]
    for _ in range(ratio - 1):
        for own, x in zip(taken, xs, strict=True):
            if own and (j := _take_nearest(values, free, x, width)) >= 0:
                own.append(j)
    return taken


def nearest_with_replacement(
    sorted_values: np.ndarray, queries: np.ndarray, width: float
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest sorted value to each query (ties: the lower), and if within width."""
    pos = np.searchsorted(sorted_values, queries)
    left = np.clip(pos - 1, 0, len(sorted_values) - 1)
    right = np.clip(pos, 0, len(sorted_values) - 1)
    pick = np.where(
        np.abs(sorted_values[left] - queries) <= np.abs(sorted_values[right] - queries),
        left,
        right,
    )
    return pick, np.abs(sorted_values[pick] - queries) <= width


def _walk_pick(c_place, c_dist, free, place, dist, own, width) -> int:
    """MatchIt's choice for one treated person: the index of a free control, or -1.

    ``c_place`` and ``c_dist`` are the controls' places in the sort of all units and
    their distances (in place order), ``place`` and ``dist`` the treated person's,
    ``own`` the places of the controls they already have.
    """
    split = bisect.bisect_left(c_place, place)
    lo, hi = free.left_of(split), free.right_of(split)
    d_lo = abs(dist - c_dist[lo]) if lo >= 0 else np.inf
    d_hi = abs(dist - c_dist[hi]) if hi < free.m else np.inf
    d_lo, d_hi = (d if d <= width else np.inf for d in (d_lo, d_hi))
    if d_lo == d_hi == np.inf:
        return -1
    if d_lo != d_hi:
        return lo if d_lo < d_hi else hi
    # an exact tie: the walk goes down first, one place at a time on each side, from
    # the outermost places already matched
    start_lo, start_hi = min([place, *own]), max([place, *own])
    return lo if start_lo - c_place[lo] <= c_place[hi] - start_hi else hi


def walk_rounds(
    c_place: np.ndarray, c_dist: np.ndarray, t_place: np.ndarray, t_dist: np.ndarray,
    width: float, ratio: int,
) -> list[list[int]]:
    """MatchIt's nearest-neighbour matching without replacement, in ``ratio`` rounds.

    Controls in place order; treated people in the order they match. Returns the
    control indices each treated person took, in the order taken.
    """
    places, dists = c_place.tolist(), c_dist.tolist()
    free = _FreeControls(len(places))
    taken: list[list[int]] = [[] for _ in range(len(t_place))]
    for r in range(ratio):
        for own, place, dist in zip(taken, t_place.tolist(), t_dist.tolist(), strict=True):
            if r and not own:  # no first control: out of the later rounds
                continue
            j = _walk_pick(places, dists, free, place, dist, [places[i] for i in own], width)
            if j >= 0:
                free.take(j)
                own.append(j)
    return taken


def nearest_k(
    c_place: np.ndarray, c_dist: np.ndarray, t_place: np.ndarray, t_dist: np.ndarray,
    width: float, ratio: int,
) -> np.ndarray:
    """The ``ratio`` nearest controls of each treated person, with replacement.

    Returns an ``n_treated x ratio`` array of control indices (-1 where fewer lie
    within ``width``). Candidates are the ``ratio`` nearest places below and above the
    treated person's; ties go to the one MatchIt's alternating walk reaches first.
    """
    m = len(c_place)
    split = np.searchsorted(c_place, t_place)[:, None]
    steps = np.arange(1, ratio + 1)
    index = np.concatenate([split - steps, split + steps - 1], axis=1)
    valid = (index >= 0) & (index < m)
    safe = np.clip(index, 0, max(m - 1, 0))
    dist = np.abs(t_dist[:, None] - c_dist[safe]) if m else np.zeros(index.shape)
    dist = np.where(valid & (dist <= width), dist, np.inf)
    gap = np.abs(t_place[:, None] - c_place[safe]) if m else np.zeros(index.shape)
    turn = np.where(np.arange(2 * ratio) < ratio, 2 * gap - 1, 2 * gap)
    order = np.lexsort((turn, dist), axis=1)[:, :ratio]
    chosen = np.take_along_axis(index, order, axis=1)
    return np.where(np.isfinite(np.take_along_axis(dist, order, axis=1)), chosen, -1)
