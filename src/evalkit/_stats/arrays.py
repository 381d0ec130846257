"""Small array helpers used by several estimators."""

from __future__ import annotations

import numpy as np

__all__ = ["reverse_cumsum", "take_rows"]


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
