"""Restricted mean time up to a horizon: months still searching, or months lost to an exit.

The restricted mean needs no proportional hazards, so it stays valid when the curves
cross; its difference between programmes reads in months.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.arrays import reverse_cumsum
from evalkit._stats.intervals import normal_p_value, normal_quantile
from evalkit._validation import check_conf_level, check_horizons, check_one_of
from evalkit.reporting.disclosure import PUBLICATION_DECIMALS, PublicationSpec
from evalkit.survival.nonparametric import aalen_johansen
from evalkit.survival.risktable import CENSORED, RiskTable, as_risk_table
from evalkit.survival.robust import ClusterRows, cluster_rows, summary_influence

__all__ = ["RestrictedMeanResult", "restricted_mean_time"]

#: Statistics of a restricted mean (and of a contrast), published from the numbers at risk.
_STATISTICS = ("estimate", "std_error", "ci_low", "ci_high", "p_value")


@dataclass(frozen=True)
class RestrictedMeanResult(TableResult):
    """Restricted mean time (to any exit, or lost to one exit) up to a horizon.

    Attributes
    ----------
    table : pandas.DataFrame
        By group: ``group``, ``measure``, ``horizon``, ``estimate``, ``std_error``,
        ``ci_low``, ``ci_high``, ``n_risk`` (at risk at the horizon).
    contrasts : pandas.DataFrame
        Versus the reference group: ``contrast``, ``type`` ("difference" or "ratio"),
        ``estimate``, ``std_error`` (of the difference; of the log ratio), ``ci_low``,
        ``ci_high``, ``p_value``, ``n_risk`` and ``n_risk_reference`` (at risk at the
        horizon in the group and in the reference group).
    horizon : float
    conf_level : float
    cluster : str or None
        Column whose clusters the SEs sum over (None: delta method, independent groups).
    """

    table: pd.DataFrame
    contrasts: pd.DataFrame
    horizon: float
    conf_level: float
    cluster: str | None = None

    #: Published: blank where fewer than the threshold remain at risk at the horizon
    #: (in either group, for a contrast): the curve's last steps are a few people's.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_risk",), derived=_STATISTICS[:4],
            decimals=dict.fromkeys(_STATISTICS[:4], PUBLICATION_DECIMALS["ratio"]),
        ),
        "contrasts": PublicationSpec(
            counts=("n_risk", "n_risk_reference"), derived=_STATISTICS,
            decimals={**dict.fromkeys(_STATISTICS[:4], PUBLICATION_DECIMALS["ratio"]),
                      "p_value": 3},
        ),
    }


def _restricted_mean(t, d, y, m, tau, cause_index):
    """∫₀^τ S (cause_index None) or ∫₀^τ F_k, and the delta-method variance."""
    keep = t <= tau
    t, d, y, m = t[keep], d[keep], y[keep], m[keep]
    f, _, s = aalen_johansen(d, y, m)
    edges = np.r_[t, tau]
    width = np.diff(edges)  # step j holds on [t_j, t_{j+1})
    with np.errstate(divide="ignore", invalid="ignore"):
        hk = np.where(y[:, None] > 0, d / y[:, None], 0.0)
        h = hk.sum(axis=1)
        s_prev = np.r_[1.0, s[:-1]]
        inv = np.where(m > 0, 1.0 / m, 0.0)
    if cause_index is None:
        first = t[0] if t.size else tau
        area = reverse_cumsum(s * width)  # ∫_{t_j}^τ S
        est = first + area[0] if t.size else tau
        if t.size and t[0] == 0:
            est = area[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(h < 1, area / (1 - h), 0.0)
        var = np.sum(b**2 * h * (1 - h) * inv)
        return float(est), float(var)
    fk = f[:, cause_index]
    hkk = hk[:, cause_index]
    area = reverse_cumsum(fk * width)  # ∫_{t_j}^τ F_k
    est = area[0] if t.size else 0.0
    a = s_prev * (tau - t)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(h < 1, (area - fk * (tau - t)) / (1 - h), 0.0)
    var = np.sum((a**2 * hkk * (1 - hkk) - 2 * a * b * hkk * (1 - h) + b**2 * h * (1 - h)) * inv)
    return float(est), float(var)


def _area_influence(rows: ClusterRows, rt: RiskTable, g: int, tau: float,
                    ci_index: int | None, exits: np.ndarray):
    """The rows of group ``g`` and their influence on its restricted mean up to ``tau``
    (``Σ_j (t_{j+1} − t_j) IF(curve(t_j))`` over the steps before ``tau``)."""
    t, d, y, _ = rt.subset(g)
    width = np.where(t <= tau, np.diff(np.r_[np.minimum(t, tau), tau]), 0.0)
    return summary_influence(rows, g, t, d, y, exits, width[:, None], ci_index)


def _by_group(rt: RiskTable, tau: float, ci_index: int | None, measure: str,
              z: float, robust: dict | None = None) -> pd.DataFrame:
    """The restricted mean time of each group with its Wald CI (``robust``: each
    group's influences, for cluster-robust SEs)."""
    rows = []
    for g, label in enumerate(rt.groups):
        last = rt.last_time(g)
        if tau > last:
            raise ValueError(
                f"horizon {tau:g} is beyond the last follow-up time {last:g} of group "
                f"{label!r}; the curve is unknown there. Use a horizon <= {last:g}."
            )
        t, d, y, m = rt.subset(g)
        est, var = _restricted_mean(t, d, y, m, tau, ci_index)
        if robust is not None:
            members, phi = robust["influence"][label]
            var = float(robust["rows"].variance(phi, members)[0])
        se = float(np.sqrt(var))
        at = np.searchsorted(t, tau, side="left")
        rows.append({"group": label, "measure": measure, "horizon": tau, "estimate": est,
                     "std_error": se, "ci_low": est - z * se, "ci_high": est + z * se,
                     "n_risk": float(y[at]) if at < t.size else 0.0})
    return pd.DataFrame(rows)


def _contrast_se(robust: dict, a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """Cluster-robust SEs of the difference and of the log ratio of two groups."""
    rows, inf = robust["rows"], robust["influence"]
    (ma, pa), (mb, pb) = inf[a["group"]], inf[b["group"]]
    total = np.zeros((rows.time.size, 2))
    total[ma] += np.column_stack([pa[:, 0], pa[:, 0] / a["estimate"]])
    total[mb] -= np.column_stack([pb[:, 0], pb[:, 0] / b["estimate"]])
    se, se_log = np.sqrt(rows.variance(total))
    return float(se), float(se_log)


def _contrasts(table: pd.DataFrame, ref: object, z: float,
               robust: dict | None = None) -> pd.DataFrame:
    """Each group versus the reference: difference (Wald) and ratio (on the log scale)."""
    contrasts = []
    b = table[table["group"] == ref].iloc[0]
    for _, a in table.iterrows():
        if a["group"] == ref:
            continue
        diff = a["estimate"] - b["estimate"]
        se = float(np.hypot(a["std_error"], b["std_error"]))
        if robust is not None:
            se, se_robust_log = _contrast_se(robust, a, b)
        n_risk = {"n_risk": a["n_risk"], "n_risk_reference": b["n_risk"]}
        contrasts.append({"contrast": f"{a['group']} − {ref}", "type": "difference",
                          "estimate": diff, "std_error": se, "ci_low": diff - z * se,
                          "ci_high": diff + z * se,
                          "p_value": float(normal_p_value(diff / se)) if se > 0 else np.nan,
                          **n_risk})
        with np.errstate(divide="ignore", invalid="ignore"):
            lr = np.log(a["estimate"] / b["estimate"])
            se_l = float(np.hypot(a["std_error"] / a["estimate"], b["std_error"] / b["estimate"]))
        if robust is not None:
            se_l = se_robust_log
        contrasts.append({"contrast": f"{a['group']} / {ref}", "type": "ratio",
                          "estimate": float(np.exp(lr)), "std_error": se_l,
                          "ci_low": float(np.exp(lr - z * se_l)),
                          "ci_high": float(np.exp(lr + z * se_l)),
                          "p_value": float(normal_p_value(lr / se_l)) if se_l > 0 else np.nan,
                          **n_risk})
    return pd.DataFrame(contrasts, columns=[
        "contrast", "type", *_STATISTICS, "n_risk", "n_risk_reference"
    ])


def restricted_mean_time(
    data: pd.DataFrame | RiskTable,
    time: str = "time",
    event: str = "event",
    *,
    horizon: float,
    group: str | None = None,
    cause: str | None = None,
    reference: object = None,
    entry: str | None = None,
    weights: str | None = None,
    censored: object = CENSORED,
    conf_level: float = 0.95,
    cluster: str | None = None,
) -> RestrictedMeanResult:
    """Restricted mean time up to a horizon, by group, with difference and ratio.

    Parameters
    ----------
    data : pandas.DataFrame or RiskTable
    time, event : str
    horizon : float
        The horizon τ (time unit of ``time``); must not exceed any group's follow-up.
    group : str, optional
    cause : str, optional
        ``None``: restricted mean time to any exit, ``∫₀^τ S(t) dt`` (mean months
        still searching within τ). An exit: restricted mean time lost to that exit,
        ``∫₀^τ F_k(t) dt`` (Andersen 2013), e.g. mean months in the first job within τ.
    reference : object, optional
        Group compared against (default the first).
    entry, weights, censored, conf_level
        As in :func:`cumulative_incidence`.
    cluster : str, optional
        Column of clusters (e.g. ``"mentor_id"``): cluster-robust (grouped
        infinitesimal-jackknife) SEs of the restricted means and of their difference
        and log ratio, as :func:`kaplan_meier`. Needs row-level ``data``.

    Returns
    -------
    RestrictedMeanResult

    Raises
    ------
    TypeError
        If ``data`` is neither a DataFrame nor a :class:`RiskTable`.
    ValueError
        If the horizon is not a positive number or is beyond the last follow-up time
        of a group (the curve is unknown there); on an unknown ``cause`` or
        ``reference``, a ``conf_level`` outside (0, 1), a ``cluster`` that is not a
        column, has missing values or a single value, or is given with a risk table,
        and on the data errors of :func:`~evalkit.survival.risk_table`.

    Notes
    -----
    Delta-method variance over the hazard increments; for ``∫S`` it is
    ``Σ_j A_j² d_j / (n_j (n_j − d_j))`` with ``A_j = ∫_{t_j}^τ S`` (Klein &
    Moeschberger 2003, R ``survival``'s ``rmean`` and survRM2). Difference: Wald,
    independent groups; ratio: on the log scale. With ``cluster`` each row's
    influence ``Σ_j (t_{j+1} − t_j) IF_i(curve(t_j))`` is summed within clusters
    (for a contrast, the influences on it: a cluster may hold people of both
    groups). The RMST needs no proportional
    hazards, so it stays valid when the curves cross.

    References
    ----------
    Royston P., Parmar M.K.B. (2013). BMC Med Res Methodol 13:152. Andersen P.K.
    (2013). Decomposition of number of life years lost according to causes of death.
    Stat Med 32:5278–5285. The estimate agrees with lifelines
    ``restricted_mean_survival_time`` to 1e-10; the variance with the double sum
    over the Greenwood covariance of the curve.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 3, 4], "event": [1, 1, 1, 0]})
    >>> restricted_mean_time(df, horizon=3).table["estimate"].tolist()
    [2.25]
    """
    conf_level = check_conf_level(conf_level)
    (tau,) = check_horizons([horizon])
    rt = as_risk_table(data, time, event, group, entry, weights, censored)
    if cause is None:
        rt = rt.collapse(None)
        ci_index, measure = None, "rmst"
    else:
        rt.collapse(cause)  # validates
        ci_index, measure = rt.causes.index(cause), f"rmtl_{cause}"
    robust = None
    if cluster is not None:
        rows = cluster_rows(data, time, event, group, entry, weights, censored, cluster, rt)
        exits = rows.exit_index([list(rows.causes)] if cause is None else
                                [[c] for c in rt.causes])
        robust = {"rows": rows, "influence": {
            label: _area_influence(rows, rt, g, tau, ci_index, exits)
            for g, label in enumerate(rt.groups) if tau <= rt.last_time(g)}}
    z = normal_quantile(conf_level)
    table = _by_group(rt, tau, ci_index, measure, z, robust)
    groups = list(rt.groups)
    ref = groups[0] if reference is None else reference
    check_one_of(ref, groups, name="reference")
    return RestrictedMeanResult(table=table, contrasts=_contrasts(table, ref, z, robust),
                                horizon=tau, conf_level=conf_level, cluster=cluster)
