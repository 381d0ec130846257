"""The probability of an exit by fixed horizons (a job by 3, 6, 12 months), by group,
and the differences between groups.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.intervals import normal_p_value, normal_quantile
from evalkit._validation import check_conf_level, check_horizons, check_one_of
from evalkit._warning_texts import warning_text
from evalkit.errors import EvalkitWarning
from evalkit.reporting.catalogue import text, value_label
from evalkit.reporting.disclosure import DEFAULT_THRESHOLD, PublicationSpec, check_threshold
from evalkit.survival.nonparametric import aalen_johansen, probability_ci, step_at
from evalkit.survival.risktable import CENSORED, RiskTable, as_risk_table, require_group
from evalkit.survival.robust import (
    ClusterRows,
    cluster_rows,
    contrast_variance,
    horizon_steps,
    summary_influence,
)

__all__ = ["SurvivalDifferenceResult", "survival_difference"]

#: Statistics at a horizon (and of a difference), published from the numbers at risk.
HORIZON_STATISTICS = ("estimate", "std_error", "ci_low", "ci_high", "p_value")


@dataclass(frozen=True)
class SurvivalDifferenceResult(TableResult):
    """Cumulative incidence of an exit at fixed horizons, by group, and differences.

    Attributes
    ----------
    table : pandas.DataFrame
        ``group``, ``horizon``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``,
        ``n_risk`` (at the horizon), ``note`` (why an estimate is missing).
    differences : pandas.DataFrame
        ``contrast`` ("B − A"), ``horizon``, ``estimate``, ``std_error``, ``ci_low``,
        ``ci_high``, ``p_value``, ``note``, ``n_risk`` and ``n_risk_reference`` (at
        the horizon, in the group and in the reference group).
    cause : str
    conf_level : float
    cluster : str or None
        Column whose clusters the SEs sum over (None: delta method, independent groups).
    """

    table: pd.DataFrame
    differences: pd.DataFrame
    cause: str
    conf_level: float
    cluster: str | None = None

    #: Published: an estimate blank where fewer than the threshold remain at risk at
    #: its horizon (in either group, for a difference); probabilities to 3 decimals.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_risk",), derived=HORIZON_STATISTICS[:4],
            decimals=dict.fromkeys(HORIZON_STATISTICS[:4], 3),
        ),
        "differences": PublicationSpec(
            counts=("n_risk", "n_risk_reference"), derived=HORIZON_STATISTICS,
            decimals=dict.fromkeys(HORIZON_STATISTICS, 3),
        ),
    }

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD, language: str = "en"):
        """Estimates with CIs by horizon and group (on ``ax`` when given); the Axes.

        Axis labels and the exit are in ``language`` (the report catalogue's).

        No estimate is drawn at a horizon where ``1 <= n_risk < threshold``. Raises
        ``ValueError`` on a ``threshold`` below 5; warns (``DisclosureWarning``) below 10.
        """
        threshold = check_threshold(threshold)
        ax = axes(ax, (6, 4))
        groups = list(dict.fromkeys(self.table["group"]))
        width = 0.8 / max(len(groups), 1)
        horizons = list(dict.fromkeys(self.table["horizon"]))
        for i, g in enumerate(groups):
            part = self.table[self.table["group"] == g]
            xs = np.arange(len(horizons)) + (i - (len(groups) - 1) / 2) * width
            few = ((part["n_risk"] >= 1) & (part["n_risk"] < threshold)).to_numpy()
            est, low, high = (
                part[c].to_numpy(dtype=float, copy=True) for c in ("estimate", "ci_low", "ci_high")
            )
            for values in (est, low, high):
                values[few] = np.nan
            ax.errorbar(xs, est, yerr=[est - low, high - est], fmt="o", color=f"C{i}",
                        label=str(g), capsize=3)
        ax.set_xticks(np.arange(len(horizons)), [f"{h:g}" for h in horizons])
        ax.set_xlabel(text("figure.horizon", language))
        ax.set_ylabel(text("figure.cumulative_incidence_of", language,
                           cause=value_label(self.cause, language)))
        ax.set_ylim(0, 1)
        ax.legend(frameon=False)
        return ax


def _merge_causes(rt: RiskTable, cause: str | Sequence[str] | None) -> tuple[RiskTable, str]:
    """The risk table with the selected exits merged into one, the first cause; its name.

    The other exits stay competing causes; ``None`` merges all (any exit).
    """
    if cause is None:
        return rt.collapse(None), "any exit"
    selected = [cause] if isinstance(cause, str) else list(cause)
    rt.collapse(selected)  # validates the names
    others = [c for c in rt.causes if c not in selected]
    name = "+".join(selected)
    keep = np.isin(np.array(rt.causes, dtype=object), np.array(selected, dtype=object))
    events = np.concatenate(
        [rt.events[:, :, keep].sum(axis=2, keepdims=True), rt.events[:, :, ~keep]], axis=2
    )
    merged = RiskTable(rt.times, events, rt.censored, rt.n_risk, rt.n_effective, rt.groups,
                       (name, *others), rt.group_name, rt.weighted)
    return merged, name


def _beyond_follow_up(label: object, h: float, last: float) -> dict:
    """The row of a horizon beyond a group's follow-up: NaN with the reason, and a warning."""
    warnings.warn(
        warning_text("warning.survival.beyond_follow_up", horizon=f"{h:g}",
                     last=f"{last:g}", group=repr(label)),
        EvalkitWarning,
        stacklevel=4,
    )
    return {"estimate": np.nan, "std_error": np.nan, "ci_low": np.nan, "ci_high": np.nan,
            "n_risk": 0.0, "note": f"horizon beyond the last follow-up time ({last:g})"}


def _at_horizons(rt: RiskTable, hs: list[float], z: float, robust: dict | None) -> pd.DataFrame:
    """Cumulative incidence of the first cause at each horizon, by group (``robust``:
    each group's influences at the horizons, for cluster-robust SEs)."""
    rows = []
    for g, label in enumerate(rt.groups):
        t, d, y, m = rt.subset(g)
        f, var, _ = aalen_johansen(d, y, m)
        last = rt.last_time(g)
        for i_h, h in enumerate(hs):
            row = {"group": label, "horizon": h}
            if h > last:
                row.update(_beyond_follow_up(label, h, last))
            else:
                est = float(step_at(t, f[:, 0], h))
                se = float(np.sqrt(step_at(t, var[:, 0], h) if robust is None
                                   else robust["variance"][label][i_h]))
                lo, hi = probability_ci(np.array([est]), np.array([se]), z, "log-log")
                if est == 0:
                    lo, hi = np.array([0.0]), np.array([0.0])
                i = np.searchsorted(t, h, side="right")
                n_risk = float(y[i]) if i < t.size else 0.0
                row.update(estimate=est, std_error=se, ci_low=float(lo[0]), ci_high=float(hi[0]),
                           n_risk=n_risk, note="")
            rows.append(row)
    return pd.DataFrame(rows)


def _differences(
    table: pd.DataFrame, groups: list, ref: object, hs: list[float], z: float,
    robust: dict | None = None,
) -> pd.DataFrame:
    """Each group minus the reference at each horizon: Wald CI and p-value (``robust``:
    the SE from the cluster sums of the difference's influences)."""
    diffs = []
    for label in groups:
        if label == ref:
            continue
        if robust is not None:
            inf = robust["influence"]
            var = contrast_variance(robust["rows"], inf[label], inf[ref])
        for i_h, h in enumerate(hs):
            a = table[(table["group"] == label) & (table["horizon"] == h)].iloc[0]
            b = table[(table["group"] == ref) & (table["horizon"] == h)].iloc[0]
            est = a["estimate"] - b["estimate"]
            se = float(np.hypot(a["std_error"], b["std_error"]) if robust is None
                       else np.sqrt(var[i_h]))
            ok = np.isfinite(est) and se > 0
            diffs.append(
                {
                    "contrast": f"{label} − {ref}",
                    "horizon": h,
                    "estimate": est,
                    "std_error": se,
                    "ci_low": est - z * se,
                    "ci_high": est + z * se,
                    "p_value": float(normal_p_value(est / se)) if ok else np.nan,
                    "note": a["note"] or b["note"],
                    "n_risk": a["n_risk"],
                    "n_risk_reference": b["n_risk"],
                }
            )
    return pd.DataFrame(diffs, columns=[
        "contrast", "horizon", *HORIZON_STATISTICS[:4], "p_value", "note", "n_risk",
        "n_risk_reference",
    ])


def _robust(rows: ClusterRows, rt: RiskTable, merged: list, hs: list[float]) -> dict:
    """Each group's influences on the first cause's incidence at the horizons, and
    their cluster-robust variances."""
    exits = rows.exit_index(merged)
    influence, variance = {}, {}
    for g, label in enumerate(rt.groups):
        t, d, y, _ = rt.subset(g)
        members, phi = summary_influence(rows, g, t, d, y, exits, horizon_steps(t, hs), 0)
        influence[label] = (members, phi)
        variance[label] = rows.variance(phi, members)
    return {"rows": rows, "influence": influence, "variance": variance}


def survival_difference(
    data: pd.DataFrame | RiskTable,
    time: str = "time",
    event: str = "event",
    *,
    group: str | None = None,
    horizons: float | Sequence[float] = (3, 6, 12),
    cause: str | Sequence[str] | None = None,
    reference: object = None,
    entry: str | None = None,
    weights: str | None = None,
    censored: object = CENSORED,
    conf_level: float = 0.95,
    cluster: str | None = None,
) -> SurvivalDifferenceResult:
    """Probability of an exit by fixed horizons (e.g. a job by 3, 6, 12 months) and differences.

    Parameters
    ----------
    data : pandas.DataFrame or RiskTable
    time, event : str
    group : str
        Column of the groups (e.g. ``"programme"``).
    horizons : float or list of float, default=(3, 6, 12)
        Horizons in the time unit.
    cause : str or list of str, optional
        The exit(s) whose cumulative incidence is reported (other exits compete).
        ``None``: any exit (= 1 − Kaplan–Meier).
    reference : object, optional
        Group subtracted in the differences (default: the first group).
    entry, weights, censored, conf_level
        As in :func:`cumulative_incidence`.
    cluster : str, optional
        Column of clusters (e.g. ``"mentor_id"``): cluster-robust (grouped
        infinitesimal-jackknife) SEs of the estimates and of the differences, as R
        ``survfit(..., cluster=)``; a cluster may hold people of several groups.
        Needs row-level ``data``.

    Returns
    -------
    SurvivalDifferenceResult

    Raises
    ------
    TypeError
        If ``data`` is neither a DataFrame nor a :class:`RiskTable`.
    ValueError
        Without a group (row-level data), on horizons that are not positive numbers,
        an unknown ``cause`` or ``reference``, a ``conf_level`` outside (0, 1), a
        ``cluster`` that is not a column, has missing values or a single value, or is
        given with a risk table, and on the data errors of
        :func:`~evalkit.survival.risk_table`.

    Warns
    -----
    EvalkitWarning
        For a horizon beyond a group's last follow-up time (its estimate is NaN).

    Notes
    -----
    The estimate at a horizon is the Aalen–Johansen cumulative incidence with its
    delta-method SE and log-log CI. Differences between groups (independent
    samples) use ``SE = √(SE_1² + SE_0²)`` and a Wald interval and p-value. With
    ``cluster`` every SE sums the rows' infinitesimal-jackknife influences within
    clusters (for a difference, the influences on it, so people of both groups with
    one mentor covary); see :func:`kaplan_meier`. A horizon
    beyond the last follow-up time of a group gives NaN with a ``note`` and an
    :class:`~evalkit.errors.EvalkitWarning`, never an extrapolated number.

    References
    ----------
    Klein J.P., Logan B., Harhoff M., Andersen P.K. (2007). Analyzing survival curves
    at a fixed point in time. Stat Med 26:4505–4519. Estimates agree with
    scikit-survival's Aalen–Johansen (see :func:`cumulative_incidence`).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 3, 4, 5, 6, 7, 8],
    ...                    "event": ["job", "training", "job", "censored"] * 2,
    ...                    "arm": ["a"] * 4 + ["b"] * 4})
    >>> survival_difference(df, group="arm", horizons=[3], cause="job").table["estimate"].tolist()
    [0.5, 0.0]
    """
    conf_level = check_conf_level(conf_level)
    hs = check_horizons(horizons)
    if not isinstance(data, RiskTable):
        require_group(group)
    rt = as_risk_table(data, time, event, group, entry, weights, censored)
    full = rt
    rt, name = _merge_causes(rt, cause)
    robust = None
    if cluster is not None:
        rows = cluster_rows(data, time, event, group, entry, weights, censored, cluster, rt)
        selected = list(full.causes) if cause is None else (
            [cause] if isinstance(cause, str) else list(cause))
        others = [[c] for c in full.causes if c not in selected]
        robust = _robust(rows, rt, [selected, *others], hs)
    z = normal_quantile(conf_level)
    table = _at_horizons(rt, hs, z, robust)
    groups = list(rt.groups)
    ref = groups[0] if reference is None else reference
    check_one_of(ref, groups, name="reference")
    return SurvivalDifferenceResult(
        table=table, differences=_differences(table, groups, ref, hs, z, robust), cause=name,
        conf_level=conf_level, cluster=cluster,
    )
