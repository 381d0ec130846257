"""Small array helpers used by several estimators."""

from __future__ import annotations

import numpy as np

__all__ = ["indicator_counts", "level_counts", "reverse_cumsum", "take_rows"]


def reverse_cumsum(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Cumulative sums from the end along ``axis``: ``out[i] = x[i:].sum()``.

    The number still at risk at each time is the reverse cumulative sum of the numbers
    leaving at or after it.

    Examples
    --------
    >>> reverse_cumsum(np.array([1, 2, 3])).tolist()
    [6, 5, 3]
    """
    return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)


def take_rows(x: np.ndarray, rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``x[rows]`` (integer positions), column-major like the designs of ``model_matrix``.

    Gathering column by column is faster than ``x[rows]`` on a column-major matrix,
    which returns a row-major copy. ``out`` may be the leading rows of a column-major
    array (memory to reuse).

    Examples
    --------
    >>> take_rows(np.asfortranarray([[1.0, 2.0], [3.0, 4.0]]), np.array([1, 1])).tolist()
    [[3.0, 4.0], [3.0, 4.0]]
    """
    if out is None:
        out = np.empty((len(rows), x.shape[1]), order="F")
    for j in range(x.shape[1]):
        np.take(x[:, j], rows, out=out[:, j])
    return out


def indicator_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """People with (1) and without (0) each 0/1 column of a design matrix.

    The coefficient of a 0/1 column (a level of a categorical, a boolean) contrasts
    those two sets of people: if either is small, the coefficient is about those few
    people (:func:`evalkit.reporting.disclosure.rare_indicators` lists such columns).
    Other columns (the intercept, numeric terms) get ``(n, 0)``: every row informs them.

    Examples
    --------
    >>> x = np.column_stack([np.ones(6), [1, 0, 0, 0, 0, 0], [2.5, 1, 0, 3, 4, 1]])
    >>> [c.tolist() for c in indicator_counts(x)]
    [[6, 1, 6], [0, 5, 0]]
    """
    x = np.asarray(x, dtype=float)
    n = x.shape[0]
    ones = np.count_nonzero(x == 1, axis=0)
    zeros = np.count_nonzero(x == 0, axis=0)
    indicator = (ones + zeros == n) & (ones > 0) & (ones < n)
    return np.where(indicator, ones, n), np.where(indicator, zeros, 0)


def level_counts(kind: np.ndarray, mean: np.ndarray, n: np.ndarray) -> np.ndarray:
    """People behind each row of a standardized-mean-difference table, in one group.

    For a level (``kind == "binary"``, ``mean`` its unweighted proportion among ``n``
    people) the people who have it; for a numeric variable the ``n`` people with a
    value.

    Examples
    --------
    >>> level_counts(np.array(["binary", "continuous"]), np.array([0.25, 31.2]),
    ...              np.array([40, 40])).tolist()
    [10, 40]
    """
    n = np.asarray(n, dtype=float)
    held = np.rint(np.nan_to_num(np.asarray(mean, dtype=float) * n))
    return np.where(np.asarray(kind) == "binary", held, n).astype(np.int64)
