"""Performance by subgroup: observed vs predicted, AUC and Brier score, small groups suppressed.

A model can be well calibrated overall and still under-predict for one group, or rank
one group's members much worse.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evalkit.errors import DisclosureWarning
from evalkit.predictors.discrimination import _auc_ci, _delong_auc

_SUBGROUP_COLUMNS = [
    "model",
    "variable",
    "level",
    "n",
    "n_events",
    "n_non_events",
    "observed",
    "predicted",
    "observed_minus_predicted",
    "auc",
    "auc_ci_low",
    "auc_ci_high",
    "brier",
]


def _subgroup_levels(
    data: pd.DataFrame, variable: str, bins: Mapping[str, Sequence[float]]
) -> pd.Series:
    """Each person's subgroup of ``variable``: its band (``bins``) or its value."""
    s = data[variable]
    if variable in bins:
        edges = list(bins[variable])
        return pd.cut(s, edges, right=False).astype(str).where(s.notna())
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if numeric and s.nunique() > 12:
        raise ValueError(
            f"subgroup variable {variable!r} is numeric with {s.nunique()} values; give band "
            f"edges, e.g. subgroup_bins={{{variable!r}: [16, 26, 34, 46, 71]}}."
        )
    return s.astype(object)


def _check_subgroups(
    data: pd.DataFrame, subgroups: Sequence[str], bins: Mapping[str, Sequence[float]]
) -> None:
    """Raise before any fitting if a subgroup column is numeric with many values and no
    bands."""
    for variable in subgroups:
        _subgroup_levels(data, variable, bins)


def _subgroup_table(
    data: pd.DataFrame,
    y: np.ndarray,
    oof: np.ndarray,
    names: list[str],
    subgroups: Sequence[str],
    bins: Mapping[str, Sequence[float]],
    clusters: np.ndarray | None,
    z: float,
    min_size: int,
) -> pd.DataFrame:
    """Performance of each model in each subgroup of each ``subgroups`` variable, from the
    out-of-fold predictions ``oof`` (models × repetitions × people); subgroups smaller than
    ``min_size`` suppressed."""
    rows = []
    for variable in subgroups:
        levels = _subgroup_levels(data, variable, bins).to_numpy()
        for level in pd.unique(levels[pd.notna(levels)]):
            idx = np.flatnonzero(levels == level)
            for i, name in enumerate(names):
                row = _subgroup_row(y[idx], oof[i][:, idx], _clusters_of(clusters, idx), z)
                rows.append({"model": name, "variable": variable, "level": str(level), **row})
    return _suppress_small_subgroups(pd.DataFrame(rows, columns=_SUBGROUP_COLUMNS), min_size)


def _clusters_of(clusters: np.ndarray | None, idx: np.ndarray) -> np.ndarray | None:
    """The clusters of the people ``idx``; ``None`` (independent) if they share one."""
    if clusters is None or len(np.unique(clusters[idx])) <= 1:
        return None
    return clusters[idx]


def _subgroup_row(
    yy: np.ndarray, pp: np.ndarray, clusters: np.ndarray | None, z: float
) -> dict[str, float]:
    """Size, observed and predicted rates, AUC with its interval and Brier score of one
    subgroup (predictions ``pp``: repetitions × people)."""
    predicted = float(pp.mean())
    auc = low = high = np.nan
    if 0 < yy.sum() < len(yy):
        auc, low, high = _repeated_auc(yy, pp, clusters, z)
    return {
        "n": len(yy),
        "n_events": int(yy.sum()),
        "n_non_events": int(len(yy) - yy.sum()),
        "observed": float(yy.mean()),
        "predicted": predicted,
        "observed_minus_predicted": float(yy.mean()) - predicted,
        "auc": auc,
        "auc_ci_low": low,
        "auc_ci_high": high,
        "brier": float(np.mean((pp - yy) ** 2)),
    }


def _repeated_auc(
    yy: np.ndarray, pp: np.ndarray, clusters: np.ndarray | None, z: float
) -> tuple[float, float, float]:
    """AUC averaged over repetitions, with the interval of the mean (clustered) variance."""
    events = yy.astype(bool)
    fits = [_delong_auc(events, pp[r][None, :], clusters) for r in range(pp.shape[0])]
    auc = float(np.mean([a[0] for a, _ in fits]))
    se = float(np.sqrt(np.mean([c[0, 0] for _, c in fits])))
    low, high = _auc_ci(auc, se, z)
    return auc, low, high


def _suppress_small_subgroups(table: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """Primary and secondary suppression of subgroups of fewer than ``min_size`` people."""
    from evalkit.reporting.disclosure import suppress_small_counts

    if table.empty:
        return table.assign(suppression=pd.Series(dtype=object))
    with warnings.catch_warnings():  # min_size was checked (and warned about) already
        warnings.simplefilter("ignore", DisclosureWarning)
        suppressed = suppress_small_counts(
            table,
            "n",
            threshold=min_size,
            margins=[["model", "variable"]],
            derived=list(_SUBGROUP_COLUMNS[4:]),
        )
    return suppressed.table.astype({c: "Int64" for c in _SUBGROUP_COLUMNS[3:6]})
