"""Bootstrap resampling as frequency weights, shared by the bootstrap intervals.

A replicate is the data with one count per row (how often the row was drawn), so a
weighted fit of the replicate equals the fit on the repeated rows without copying
them; resampling whole clusters (mentors, sites) gives every row its cluster's count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["bootstrap_counts", "bootstrap_draws", "resampling_units"]


def resampling_units(data: pd.DataFrame, cluster: str | None) -> tuple[np.ndarray, int]:
    """Code of each row's resampling unit (its cluster, or the row itself) and their count."""
    if cluster is None:
        return np.arange(len(data)), len(data)
    if data[cluster].isna().any():
        raise ValueError(f"cluster column {cluster!r} has missing values; fill or drop them.")
    codes, uniques = pd.factorize(data[cluster])
    return codes, len(uniques)


def bootstrap_draws(n_units: int, rng: np.random.Generator) -> np.ndarray:
    """The units of one replicate: ``n_units`` of ``0..n_units-1`` drawn with replacement."""
    return rng.integers(0, n_units, n_units)


def bootstrap_counts(codes: np.ndarray, n_units: int, rng: np.random.Generator) -> np.ndarray:
    """How often each row is drawn when ``n_units`` units are drawn with replacement."""
    return np.bincount(bootstrap_draws(n_units, rng), minlength=n_units)[codes].astype(float)
