"""Bootstrap resampling as frequency weights, shared by the bootstrap intervals.

A replicate is the data with one count per row (how often the row was drawn), so a
weighted fit of the replicate equals the fit on the repeated rows without copying
them; resampling whole clusters (mentors, sites) gives every row its cluster's count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from evalkit._validation import check_cluster

__all__ = ["bootstrap_counts", "bootstrap_draws", "bootstrap_replicates", "resampling_units"]


def resampling_units(data: pd.DataFrame, cluster: str | None) -> tuple[np.ndarray, int]:
    """Code of each row's resampling unit (its cluster, or the row itself) and their count."""
    if cluster is None:
        return np.arange(len(data)), len(data)
    check_cluster(data, cluster)
    codes, uniques = pd.factorize(data[cluster])
    return codes, len(uniques)


def bootstrap_draws(n_units: int, rng: np.random.Generator) -> np.ndarray:
    """The units of one replicate: ``n_units`` of ``0..n_units-1`` drawn with replacement."""
    return rng.integers(0, n_units, n_units)


def bootstrap_counts(codes: np.ndarray, n_units: int, rng: np.random.Generator) -> np.ndarray:
    """How often each row is drawn when ``n_units`` units are drawn with replacement."""
    return np.bincount(bootstrap_draws(n_units, rng), minlength=n_units)[codes].astype(float)


def bootstrap_replicates(
    statistic: Callable[[np.ndarray], Sequence[float] | None],
    codes: np.ndarray,
    n_units: int,
    *,
    n_boot: int,
    size: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The replicate estimates of a statistic of frequency-weighted data.

    Replicate ``b`` draws units with :func:`bootstrap_counts` and evaluates
    ``statistic(counts)`` (``size`` values). A replicate whose statistic returns
    ``None`` (no estimate, e.g. one group only) or raises ``ValueError`` (a model fit
    that fails; ``numpy.linalg.LinAlgError`` is one) keeps a row of NaN: the caller
    counts it as failed and leaves it out.

    Returns
    -------
    numpy.ndarray
        ``n_boot x size`` replicate estimates.

    Examples
    --------
    >>> y = np.array([1.0, 2.0, 3.0, 4.0])
    >>> draws = bootstrap_replicates(lambda c: [np.average(y, weights=c)], np.arange(4), 4,
    ...                              n_boot=3, size=1, rng=np.random.default_rng(0))
    >>> draws.shape
    (3, 1)
    """
    draws = np.full((n_boot, size), np.nan)
    for b in range(n_boot):
        counts = bootstrap_counts(codes, n_units, rng)
        try:
            values = statistic(counts)
        except ValueError:
            continue
        if values is not None:
            draws[b] = values
    return draws
