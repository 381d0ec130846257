"""Cluster-robust (grouped infinitesimal-jackknife) variances of the nonparametric curves.

Each row's influence on the Kaplan–Meier and Aalen–Johansen curves is the derivative of
the estimate in the row's case weight, times that weight (the infinitesimal jackknife,
R ``survfit(..., robust=TRUE)``). Summed within clusters (mentors, sites) and squared,
these give the cluster-robust variance of R ``survfit(..., cluster=)``; with one person
per cluster it is the robust IJ variance, which with unit weights and no late entry
equals Greenwood's and the Dinse–Larson variance exactly (the hazard increments of
different times are uncorrelated then). With weights or late entry it differs from them
a little: Greenwood's weighted form uses the effective number at risk (Xie & Liu 2005),
the IJ the weights themselves, and with late entry the IJ keeps the covariance of the
hazard increments of people entering between two times. The influences are held as
rows × distinct times (× exits) arrays of one group at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit._stats import mestimation
from evalkit._validation import check_cluster
from evalkit.survival.risktable import RiskTable, event_codes, weights_column

__all__ = [
    "ClusterRows", "cluster_rows", "contrast_variance", "curve_influence", "horizon_steps",
    "summary_influence",
]


@dataclass(frozen=True)
class ClusterRows:
    """The row-level pieces of a curve's influence functions (one entry per row)."""

    group: np.ndarray  # index into the risk table's groups (-1: a group the table lacks)
    time: np.ndarray
    entry: np.ndarray | None
    weight: np.ndarray
    codes: np.ndarray  # 0 censored, 1..K: the data's causes
    causes: tuple
    clusters: np.ndarray

    def exit_index(self, merged: Sequence[Sequence[str]]) -> np.ndarray:
        """Per row, the index of the merged cause its exit belongs to (−1: censored or
        an exit in none of them). ``merged`` lists the data's causes of each."""
        lookup = np.full(len(self.causes) + 1, -1, dtype=np.int64)
        for k, members in enumerate(merged):
            for c in members:
                lookup[self.causes.index(c) + 1] = k
        return lookup[self.codes]

    def variance(self, influence: np.ndarray, members: np.ndarray | None = None) -> np.ndarray:
        """Column variances of an influence matrix of all rows (or of the rows
        ``members``): squared cluster sums, so rows of one cluster covary."""
        clusters = self.clusters if members is None else self.clusters[members]
        return mestimation.cluster_variance(influence, clusters)


def cluster_rows(data, time: str, event: str, group: str | None, entry: str | None,
                 weights: str | None, censored: object, cluster: str,
                 rt: RiskTable) -> ClusterRows:
    """Check ``cluster`` and gather the rows the risk table ``rt`` was built from.

    Raises ``ValueError`` if ``data`` is a risk table (counts have no rows to cluster),
    ``cluster`` is not a column, has missing values or a single value.
    """
    if isinstance(data, RiskTable):
        raise ValueError(
            f"cluster={cluster!r} needs one row per participant, but data is a risk table "
            "(counts, which have no rows to sum within clusters). Pass the participants' "
            "rows, or cluster=None."
        )
    check_cluster(data, cluster)
    codes, causes = event_codes(data[event], censored)
    labels = pd.Index(rt.groups)
    g = (np.zeros(len(data), dtype=np.int64) if group is None
         else labels.get_indexer(data[group]))
    w = (np.ones(len(data)) if weights is None
         else weights_column(data, weights, group).astype(float))
    return ClusterRows(
        group=g, time=data[time].to_numpy(dtype=float),
        entry=None if entry is None else data[entry].to_numpy(dtype=float),
        weight=w, codes=codes, causes=causes, clusters=data[cluster].to_numpy(),
    )


def curve_influence(rows: ClusterRows, g: int, t: np.ndarray, d: np.ndarray, y: np.ndarray,
                    exit_index: np.ndarray, *, incidence: bool = True):
    """Influence of the rows of group ``g`` on its curves at its steps ``t``.

    ``d`` (``T x K``) and ``y`` are the group's (weighted) events and numbers at risk
    of the risk table; ``exit_index`` the merged cause of each row's exit (all rows).
    Returns the rows (indices), their influence on log S (``n_g x T``) and, if
    ``incidence``, on each cause's cumulative incidence (``n_g x T x K``): the
    engine :func:`evalkit._stats.mestimation.curve_influence`.
    """
    members = np.flatnonzero(rows.group == g)
    entry = None if rows.entry is None else rows.entry[members]
    log_s, inc = mestimation.curve_influence(
        t, d, y, rows.time[members], entry, rows.weight[members], exit_index[members],
        incidence=incidence)
    return members, log_s, inc


def summary_influence(rows: ClusterRows, g: int, t: np.ndarray, d: np.ndarray, y: np.ndarray,
                      exits: np.ndarray, steps: np.ndarray, cause: int | None = None):
    """The rows of group ``g`` and their influence (``n_g x H``) on ``Σ_j steps[j, h] ·
    curve(t_j)``: the curve is S (``cause`` None) or ``F_cause``; ``steps`` (``T x H``)
    picks a step (a value at a horizon) or weighs the steps (an area)."""
    members, log_s, inc = curve_influence(rows, g, t, d, y, exits,
                                          incidence=cause is not None)
    if cause is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.cumprod(1.0 - np.where(y > 0, d.sum(axis=1) / y, 0.0))
        return members, (log_s * s[None, :]) @ steps
    return members, inc[:, :, cause] @ steps


def horizon_steps(t: np.ndarray, horizons: Sequence[float]) -> np.ndarray:
    """``T x H`` 0/1: the last step at or before each horizon (none before the first)."""
    last = np.searchsorted(t, np.asarray(horizons, dtype=float), side="right") - 1
    out = np.zeros((t.size, last.size))
    inside = last >= 0
    out[last[inside], np.flatnonzero(inside)] = 1.0
    return out


def contrast_variance(rows: ClusterRows, first, second) -> np.ndarray:
    """Variance of the difference of two summaries, each ``(members, n_g x H)``: the
    influences of all rows, cluster-summed (a cluster may hold rows of both)."""
    total = np.zeros((rows.time.size, first[1].shape[1]))
    total[first[0]] += first[1]
    total[second[0]] -= second[1]
    return rows.variance(total)
