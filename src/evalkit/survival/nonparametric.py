"""Nonparametric curves: Kaplan–Meier survival and Aalen–Johansen cumulative incidence.

Both work on a :class:`~evalkit.survival.risktable.RiskTable`, so they run equally
from participants' rows or from counts released by a register. The shared pieces are
here too: the pointwise confidence interval of a probability (log-log or plain) and
the value of a step curve at given times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import at_risk_rows, axes
from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile, probability_ci
from evalkit._validation import check_conf_level, check_horizons, check_one_of
from evalkit.reporting.catalogue import text, value_label
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    PUBLICATION_DECIMALS,
    PublicationSpec,
    check_threshold,
    stop_curves,
)
from evalkit.survival.risktable import CENSORED, RiskTable, as_risk_table
from evalkit.survival.robust import cluster_rows, curve_influence

__all__ = [
    "CumulativeIncidenceResult",
    "KaplanMeierResult",
    "cumulative_incidence",
    "kaplan_meier",
]

#: Pointwise interval types of a probability curve.
CONF_TYPES = ("log-log", "plain")
#: Quantiles of the time to event reported with a Kaplan–Meier curve.
QUANTILES = (0.25, 0.5, 0.75)
#: A curve's estimate and interval, published from the number at risk at each step.
CURVE_STATISTICS = ("estimate", "std_error", "ci_low", "ci_high")
_CURVE_DECIMALS = dict.fromkeys(CURVE_STATISTICS, PUBLICATION_DECIMALS["proportion"])


def curve_spec(counts: tuple[str, ...], by: tuple[str, ...]) -> PublicationSpec:
    """How a table of step curves is published: each curve stops before its first step
    with fewer than the threshold at risk; the other counts of a step (events,
    censorings) are suppressed on their own, the estimates kept (they come from the
    number at risk, at least the threshold on every step left). Curves name no
    dimensions for a report's ledger: their counts depend on the exit and weights
    chosen, so the same step is a different cell in another curve."""
    return PublicationSpec(
        counts=counts,
        derived=dict.fromkeys(CURVE_STATISTICS, ("n_risk",)),
        decimals=_CURVE_DECIMALS,
        curve=("n_risk", by),
    )


def step_at(times: np.ndarray, values: np.ndarray, at: float, before: float = 0.0):
    """Value of a right-continuous step function (``before`` ahead of the first time)."""
    i = np.searchsorted(times, at, side="right") - 1
    return before if i < 0 else values[i]


def curve_at(table: pd.DataFrame, by: list[str], times: list[float], start: float) -> pd.DataFrame:
    """Rows of a table of step curves (one per value of ``by``) at the given times.

    The estimate, SE and CI are those of the last step at or before each time
    (``start`` with SE 0 before the first step); ``n_risk`` is the number at risk at
    the time, that of the first step at or after it (0 after the last one), as R's
    ``summary.survfit(times=)``. Each curve's rows are contiguous and sorted by time.
    """
    block = table.groupby(by, sort=False).ngroup().to_numpy()
    first = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    end = np.r_[first[1:], block.size]
    at = np.asarray(times, dtype=float)
    curve_times = table["time"].to_numpy()
    last_step = np.empty((first.size, at.size), dtype=np.int64)
    next_step = np.empty((first.size, at.size), dtype=np.int64)
    for b, (a, e) in enumerate(zip(first, end, strict=True)):
        last_step[b] = a + np.searchsorted(curve_times[a:e], at, side="right") - 1
        next_step[b] = a + np.searchsorted(curve_times[a:e], at, side="left")
    last_step, next_step = last_step.ravel(), next_step.ravel()
    before = last_step < np.repeat(first, at.size)
    after = next_step >= np.repeat(end, at.size)
    rows = np.repeat(first, at.size)
    out = {c: table[c].to_numpy()[rows] for c in by}
    out["time"] = np.tile(at, first.size)
    n_risk = table["n_risk"].to_numpy()
    out["n_risk"] = np.where(after, 0.0, n_risk[np.where(after, 0, next_step)])
    start_values = {"estimate": start, "std_error": 0.0, "ci_low": start, "ci_high": start}
    for c, value in start_values.items():
        out[c] = np.where(before, value, table[c].to_numpy()[np.maximum(last_step, 0)])
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------
# Kaplan–Meier


def _km(d: np.ndarray, y: np.ndarray, m: np.ndarray):
    """Survival, variance of log S (Greenwood; Xie–Liu effective n with weights)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(y > 0, d / y, 0.0)
        s = np.cumprod(1.0 - h)
        term = np.where(d > 0, d / (m * (y - d)), 0.0)
    return s, np.cumsum(term)


@dataclass(frozen=True)
class KaplanMeierResult(TableResult):
    """Kaplan–Meier curves by group.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group and time at which something happens: ``group``, ``time``,
        ``n_risk``, ``n_events``, ``n_censored``, ``estimate`` (survival S(t)),
        ``std_error`` (Greenwood; cluster-robust with ``cluster``), ``ci_low``, ``ci_high``.
    quantiles : pandas.DataFrame
        ``group``, ``quantile`` (0.25, 0.5, 0.75 of the time to event), ``estimate``,
        ``ci_low``, ``ci_high`` (NaN: not reached), ``n_risk`` and ``n_risk_ci_high``
        (the number at risk at the step where the curve, or its upper limit, reaches
        the quantile; 0 if it never does).
    conf_level : float
    conf_type : str
    cause : str
        What counts as the event (other exits are censored).
    risk_table : RiskTable
        The counts the curves were computed from.
    cluster : str or None
        Column whose clusters the SE sums over (None: Greenwood).

    Methods ``at(times)`` (the curves at given times), ``plot(ax=None)`` and the
    property ``failure_table`` (1 − S).
    """

    table: pd.DataFrame
    quantiles: pd.DataFrame
    conf_level: float
    conf_type: str
    cause: str
    risk_table: RiskTable = field(repr=False)
    cluster: str | None = None

    #: Published: curves cut where fewer than the threshold remain at risk; quantiles
    #: (times) blank where the curve reaches them with fewer than the threshold at risk.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": curve_spec(("n_risk", "n_events", "n_censored"), ("group",)),
        "quantiles": PublicationSpec(
            counts=("n_risk", "n_risk_ci_high"),
            derived={"estimate": ("n_risk",), "ci_low": ("n_risk",),
                     "ci_high": ("n_risk_ci_high",)},
            decimals=dict.fromkeys(("estimate", "ci_low", "ci_high"), 1),
        ),
    }

    def at(self, times: float | Sequence[float]) -> pd.DataFrame:
        """Survival and its CI at given times, by group.

        Parameters
        ----------
        times : float or sequence of float
            Times (unit of the time column), positive.

        Returns
        -------
        pandas.DataFrame
            One row per group and time: ``group``, ``time``, ``n_risk`` (number at
            risk at the time, as R's ``summary.survfit(times=)``), ``estimate``,
            ``std_error``, ``ci_low``, ``ci_high`` of the last step at or before the
            time (1 with SE 0 before the first event).

        Raises
        ------
        ValueError
            If a time is not a positive number.
        """
        ts = check_horizons(times)
        return curve_at(self.table, ["group"], ts, 1.0)

    @property
    def failure_table(self) -> pd.DataFrame:
        """The same table for 1 − S(t) (CI limits swapped)."""
        t = self.table.copy()
        t["estimate"] = 1 - t["estimate"]
        t["ci_low"], t["ci_high"] = 1 - self.table["ci_high"], 1 - self.table["ci_low"]
        return t

    def plot(
        self,
        ax=None,
        *,
        kind: str = "survival",
        risk_counts: bool = True,
        ticks=None,
        threshold: int = DEFAULT_THRESHOLD,
        language: str = "en",
    ):
        """Step curves with CI bands and the numbers at risk under the axis; the Axes.

        ``kind="failure"`` draws 1 − S(t); ``ticks`` are the times of the numbers at
        risk (default: the x ticks). Each curve and its band stop at the last step
        with at least ``threshold`` people at risk, and a number at risk below it
        reads ``<10``. Draws on ``ax`` when given. Axis labels, the exit and the
        at-risk row are in ``language`` (the report catalogue's). Raises ``ValueError``
        on an unknown ``kind`` or ``language`` or a ``threshold`` below 5; warns
        (``DisclosureWarning``) below 10.
        """
        check_one_of(kind, ["survival", "failure"], name="kind")
        threshold = check_threshold(threshold)
        ax = axes(ax, (7, 4.5))
        table = self.table if kind == "survival" else self.failure_table
        table = table[stop_curves(table, "n_risk", ["group"], threshold)]
        start = 1.0 if kind == "survival" else 0.0
        for i, g in enumerate(self.risk_table.groups):
            part = table[table["group"] == g]
            step_curve(ax, part, start, color=f"C{i}", label=str(g), alpha=0.2)
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        label = (text("figure.still_searching", language) if kind == "survival" else
                 text("figure.failure", language, cause=value_label(self.cause, language)))
        ax.set_ylabel(label)
        ax.set_xlabel(text("figure.time", language))
        ax.legend(frameon=False)
        if risk_counts:
            risk_counts_under(ax, self.risk_table, ticks, threshold, coloured=True,
                              language=language)
        return ax


def step_curve(ax, part: pd.DataFrame, start: float, *, alpha: float, **style) -> None:
    """One step curve from time 0 (value ``start``) with its CI band, to its last row."""
    t = np.r_[0.0, part["time"].to_numpy()]
    ax.step(t, np.r_[start, part["estimate"].to_numpy()], where="post", **style)
    lo = np.r_[start, part["ci_low"].to_numpy()]
    hi = np.r_[start, part["ci_high"].to_numpy()]
    ax.fill_between(t, lo, hi, step="post", color=style["color"], alpha=alpha, linewidth=0)


def risk_counts_under(
    ax, rt: RiskTable, ticks, threshold: int, *, coloured: bool, groups=None,
    language: str = "en",
) -> None:
    """Numbers at risk at ``ticks`` (default: the x ticks), one row per group, under the
    axis; fewer than ``threshold`` read ``<10``."""
    if ticks is None:
        ticks = [t for t in ax.get_xticks() if 0 <= t <= rt.times[-1]]
    rows, colors = [], []
    for g, label in enumerate(rt.groups):
        if groups is not None and label not in groups:
            continue
        i = np.searchsorted(rt.times, np.asarray(ticks, dtype=float), side="left")
        inside = i < rt.times.size
        rows.append((label, np.where(inside, rt.n_risk[g, np.minimum(i, rt.times.size - 1)], 0)))
        colors.append(f"C{g}" if coloured else None)
    at_risk_rows(ax, rows, ticks, threshold, colors, language=language)


def _quantile_rows(label, times, s, low, high, y, probs):
    """Quantiles of the time to event and their CI (first times the curves reach 1 − p),
    and the numbers at risk where the curve and its upper limit reach them."""
    rows = []
    for p in probs:
        target = 1 - p

        def first(curve, target=target):
            hit = np.flatnonzero(curve <= target + 1e-12)
            return (float(times[hit[0]]), float(y[hit[0]])) if hit.size else (np.nan, 0.0)

        estimate, n_risk = first(s)
        ci_high, n_risk_ci_high = first(np.nan_to_num(high, nan=0.0))
        rows.append(
            {
                "group": label,
                "quantile": p,
                "estimate": estimate,
                "ci_low": first(np.nan_to_num(low, nan=0.0))[0],
                "ci_high": ci_high,
                "n_risk": n_risk,
                "n_risk_ci_high": n_risk_ci_high,
            }
        )
    return rows


def kaplan_meier(
    data: pd.DataFrame | RiskTable,
    time: str = "time",
    event: str = "event",
    *,
    group: str | None = None,
    cause: str | Sequence[str] | None = None,
    entry: str | None = None,
    weights: str | None = None,
    censored: object = CENSORED,
    conf_level: float = 0.95,
    conf_type: str = "log-log",
    cluster: str | None = None,
) -> KaplanMeierResult:
    """Kaplan–Meier estimate of the probability of no event by time t, by group.

    Parameters
    ----------
    data : pandas.DataFrame or RiskTable
        One row per participant, or a risk table (then the column names are ignored).
    time, event : str
        Columns of time and event type (see :func:`evalkit.survival.risk_table`).
    group : str, optional
        Column of groups (one curve each).
    cause : str or list of str, optional
        Event type(s) that count as the event; other exits are treated as censoring
        (a cause-specific "net" curve). ``None``: any exit. With competing exits,
        ``1 − S`` for one cause is **not** the probability of that exit: use
        :func:`cumulative_incidence`.
    entry : str, optional
        Late-entry times (left truncation).
    weights : str, optional
        Case or inverse-probability weights (for adjusted curves).
    censored : object, default="censored"
        Censoring label of ``event``.
    conf_level : float, default=0.95
    conf_type : {"log-log", "plain"}, default="log-log"
        Pointwise interval: on the log(−log S) scale (R's ``conf.type="log-log"``,
        lifelines) or S ± z·SE.
    cluster : str, optional
        Column of clusters (e.g. ``"mentor_id"``): the SE is the cluster-robust
        (grouped infinitesimal-jackknife) one of R ``survfit(..., cluster=)``, for
        people whose exits are correlated within clusters. Needs row-level ``data``.

    Returns
    -------
    KaplanMeierResult

    Raises
    ------
    TypeError
        If ``data`` is neither a DataFrame nor a :class:`RiskTable`.
    ValueError
        On a ``conf_level`` outside (0, 1), an unknown ``conf_type`` or ``cause``, a risk
        table grouped by another column than ``group``, a ``cluster`` that is not a
        column, has missing values or a single value, or is given with a risk table,
        and on the data errors of :func:`~evalkit.survival.risk_table`.

    See Also
    --------
    evalkit.comparison.adjusted_kaplan_meier : propensity-weighted curves whose
        intervals include the estimation of the weights (the variance here treats
        weights as known).

    Notes
    -----
    ``S(t) = Π_{t_j ≤ t} (1 − d_j / n_j)`` over distinct times ``t_j`` with ``d_j``
    events among ``n_j`` at risk (ties handled exactly). Greenwood's variance
    ``Var log S(t) = Σ d_j / (n_j (n_j − d_j))``; the log-log interval is
    ``S^{exp(± z σ / log S)}``. With weights, ``d_j`` and ``n_j`` are sums of weights
    and the first ``n_j`` in Greenwood's term is replaced by the effective number at
    risk ``(Σw)²/Σw²`` (Xie & Liu 2005), which equals Greenwood with unit weights.
    Quantiles are the first time with ``S(t) ≤ 1 − p`` and their interval the times
    where the CI limits cross ``1 − p`` (Brookmeyer–Crowley as in R and lifelines).

    With ``cluster``, ``Var S(t) = Σ_c (Σ_{i∈c} IF_i(t))²`` where ``IF_i`` is the
    derivative of ``S(t)`` in row i's case weight times the weight (the infinitesimal
    jackknife; R ``survfit(..., cluster=, robust=TRUE)``), on the same interval scale.
    With one person per cluster, unit weights and no late entry this equals Greenwood
    exactly; with weights or late entry it differs a little (module
    :mod:`evalkit.survival.robust`). Correlated exits within clusters (a mentor's
    people) make Greenwood too small; the robust SE is not (it needs many clusters,
    20 or more). Memory grows with a group's rows × its distinct times.

    References
    ----------
    Kaplan E.L., Meier P. (1958). JASA 53:457–481. Xie J., Liu C. (2005). Adjusted
    Kaplan–Meier estimator and log-rank test with inverse probability of treatment
    weighting. Stat Med 24:3089–3110. Agrees with lifelines ``KaplanMeierFitter``
    (estimate, CI, median CI) and statsmodels ``SurvfuncRight`` (SE) to 1e-10.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 2, 3, 4], "event": [1, 1, 0, 1, 0]})
    >>> kaplan_meier(df).table["estimate"].round(3).tolist()
    [0.8, 0.6, 0.3, 0.3]
    """
    conf_level = check_conf_level(conf_level)
    check_one_of(conf_type, CONF_TYPES, name="conf_type")
    full = as_risk_table(data, time, event, group, entry, weights, censored)
    rt = full.collapse(cause)
    rows = None if cluster is None else cluster_rows(
        data, time, event, group, entry, weights, censored, cluster, rt)
    z = normal_quantile(conf_level)
    frames, qrows = [], []
    if rows is not None:
        exits = rows.exit_index([list(full.causes) if cause is None else
                                 [cause] if isinstance(cause, str) else list(cause)])
    for g, label in enumerate(rt.groups):
        t, d, y, m = rt.subset(g)
        if rows is not None:
            members, log_s, _ = curve_influence(rows, g, t, d, y, exits, incidence=False)
            varlog = rows.variance(log_s, members)
        d = d[:, 0]
        s, greenwood = _km(d, y, m)
        varlog = greenwood if rows is None else varlog
        with np.errstate(invalid="ignore"):
            se = np.where(s > 0, s * np.sqrt(varlog), 0.0)
        low, high = probability_ci(s, se, z, conf_type)
        active = (rt.events[g].sum(axis=1) + rt.censored[g]) > 0
        frames.append(
            pd.DataFrame(
                {
                    "group": label,
                    "time": t,
                    "n_risk": y,
                    "n_events": d,
                    "n_censored": rt.censored[g, active],
                    "estimate": s,
                    "std_error": se,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
        qrows += _quantile_rows(label, t, s, low, high, y, QUANTILES)
    return KaplanMeierResult(
        table=pd.concat(frames, ignore_index=True),
        quantiles=pd.DataFrame(qrows),
        conf_level=conf_level,
        conf_type=conf_type,
        cause=rt.causes[0] if cause is not None else "any exit",
        risk_table=rt,
        cluster=cluster,
    )


# --------------------------------------------------------------------------------------
# Aalen–Johansen cumulative incidence


def aalen_johansen(d: np.ndarray, y: np.ndarray, m: np.ndarray):
    """Cumulative incidence ``(T, K)`` and its delta-method variance ``(T, K)``.

    The variance treats the hazard increments at each time as multinomial with
    covariance ``(diag h − h hᵀ) / n_eff`` (Dinse & Larson 1986, eq. 6), evaluated
    for all t in O(T K) through cumulative sums.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        hk = np.where(y[:, None] > 0, d / y[:, None], 0.0)
        h = hk.sum(axis=1)
        s = np.cumprod(1.0 - h)
        s_prev = np.r_[1.0, s[:-1]]
        f = np.cumsum(s_prev[:, None] * hk, axis=0)
        inv = np.where(m > 0, 1.0 / m, 0.0)[:, None]
        q = np.where(h < 1, h / (1.0 - h), 0.0)[:, None] * inv
    sp = s_prev[:, None]
    c0 = np.cumsum(sp**2 * hk * (1 - hk) * inv, axis=0)
    c1 = np.cumsum(sp * hk * inv, axis=0)
    c2 = np.cumsum(sp * hk * f * inv, axis=0)
    e0 = np.cumsum(q, axis=0)
    e1 = np.cumsum(f * q, axis=0)
    e2 = np.cumsum(f * f * q, axis=0)
    var = c0 - 2 * (f * c1 - c2) + f * f * e0 - 2 * f * e1 + e2
    return f, np.maximum(var, 0.0), s


@dataclass(frozen=True)
class CumulativeIncidenceResult(TableResult):
    """Aalen–Johansen cumulative incidence of each exit, by group.

    Attributes
    ----------
    table : pandas.DataFrame
        ``group``, ``cause``, ``time``, ``n_risk``, ``n_events`` (of that cause),
        ``estimate`` (probability of having left by this exit by ``time``),
        ``std_error`` (delta method; cluster-robust with ``cluster``), ``ci_low``,
        ``ci_high``.
    conf_level : float
    conf_type : str
    risk_table : RiskTable
        The counts the curves were computed from.
    cluster : str or None
        Column whose clusters the SE sums over (None: delta method).

    Methods ``at(times)`` (the curves at given times) and ``plot(ax=None)``.
    """

    table: pd.DataFrame
    conf_level: float
    conf_type: str
    risk_table: RiskTable = field(repr=False)
    cluster: str | None = None

    #: Published: each group's curves cut where fewer than the threshold remain at risk.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": curve_spec(("n_risk", "n_events"), ("group", "cause")),
    }

    def at(self, times: float | Sequence[float]) -> pd.DataFrame:
        """Cumulative incidence of each exit and its CI at given times, by group.

        Parameters
        ----------
        times : float or sequence of float
            Times (e.g. horizons of 6 and 12 months), positive.

        Returns
        -------
        pandas.DataFrame
            One row per group, cause and time: ``group``, ``cause``, ``time``,
            ``n_risk`` (number at risk at the time, as R's ``summary.survfit``),
            ``estimate``, ``std_error``, ``ci_low``, ``ci_high`` of the last step at
            or before the time (0 with SE 0 before the first exit).

        Raises
        ------
        ValueError
            If a time is not a positive number.
        """
        ts = check_horizons(times)
        return curve_at(self.table, ["group", "cause"], ts, 0.0)

    def plot(
        self,
        ax=None,
        *,
        kind: str = "per_cause",
        group: object = None,
        risk_counts: bool = True,
        ticks=None,
        threshold: int = DEFAULT_THRESHOLD,
        language: str = "en",
    ):
        """Per-cause curves with CI bands (colour: cause, line style: group), or stacked,
        with the numbers at risk under the axis.

        ``kind="stacked"`` stacks the exits of one ``group`` (default the first); the
        white space above is the probability of still searching. ``ticks`` are the
        times of the numbers at risk (default: the x ticks). Curves stop at the last
        step with at least ``threshold`` people at risk, and a number at risk below it
        reads ``<10``. Draws on ``ax`` when given; returns the Axes. Axis labels,
        exits and the at-risk row are in ``language`` (the report catalogue's). Raises
        ``ValueError`` on an unknown ``kind``, ``group`` or ``language`` or a
        ``threshold`` below 5; warns (``DisclosureWarning``) below 10.
        """
        check_one_of(kind, ["per_cause", "stacked"], name="kind")
        threshold = check_threshold(threshold)
        ax = axes(ax, (7, 4.5))
        table = self.table[stop_curves(self.table, "n_risk", ["group", "cause"], threshold)]
        if kind == "stacked":
            shown = self._plot_stacked(ax, table, group, language)
        else:
            shown = self._plot_per_cause(ax, table, language)
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        ax.set_xlabel(text("figure.time", language))
        ax.set_ylabel(text("figure.cumulative_incidence", language))
        ax.legend(frameon=False, fontsize=8)
        if risk_counts:
            risk_counts_under(ax, self.risk_table, ticks, threshold, coloured=False,
                              groups=shown, language=language)
        return ax

    def _plot_stacked(self, ax, table: pd.DataFrame, group: object, language: str) -> list:
        """The exits of one group stacked (default the first group); that group."""
        causes = list(self.risk_table.causes)
        groups = list(self.risk_table.groups)
        g = groups[0] if group is None else group
        check_one_of(g, groups, name="group")
        part = table[table["group"] == g]
        t = np.r_[0.0, np.unique(part["time"])]
        curves = []
        for c in causes:
            pc = part[part["cause"] == c]
            idx = np.searchsorted(pc["time"].to_numpy(), t, side="right")
            curves.append(np.r_[0.0, pc["estimate"].to_numpy()][idx])  # 0 before the first
        ax.stackplot(t, *curves, labels=[value_label(c, language) for c in causes],
                     step="post", alpha=0.8)
        ax.set_title(str(g))
        return [g]

    def _plot_per_cause(self, ax, table: pd.DataFrame, language: str) -> list:
        """One step curve with its CI band per group and cause; the groups."""
        causes = list(self.risk_table.causes)
        groups = list(self.risk_table.groups)
        styles = ["-", "--", ":", "-."]
        for gi, g in enumerate(groups):
            for ci, c in enumerate(causes):
                part = table[(table["group"] == g) & (table["cause"] == c)]
                cause = value_label(c, language)
                label = cause if len(groups) == 1 else text("figure.cause_group", language,
                                                            cause=cause, group=g)
                step_curve(ax, part, 0.0, color=f"C{ci}", linestyle=styles[gi % 4],
                           label=label, alpha=0.12)
        return groups


def cumulative_incidence(
    data: pd.DataFrame | RiskTable,
    time: str = "time",
    event: str = "event",
    *,
    group: str | None = None,
    entry: str | None = None,
    weights: str | None = None,
    censored: object = CENSORED,
    conf_level: float = 0.95,
    conf_type: str = "log-log",
    cluster: str | None = None,
) -> CumulativeIncidenceResult:
    """Aalen–Johansen cumulative incidence of each competing exit, by group.

    Parameters
    ----------
    data : pandas.DataFrame or RiskTable
        One row per participant, or a risk table.
    time, event : str
        Columns of time and event type; every event type is a competing exit.
    group : str, optional
        Column of groups.
    entry, weights : str, optional
        Late-entry times; case or inverse-probability weights.
    censored : object, default="censored"
    conf_level : float, default=0.95
    conf_type : {"log-log", "plain"}, default="log-log"
        Interval on the log(−log F) scale (as scikit-survival) or F ± z·SE.
    cluster : str, optional
        Column of clusters (e.g. ``"mentor_id"``): cluster-robust (grouped
        infinitesimal-jackknife) SEs as R ``survfit(..., cluster=)``, as in
        :func:`kaplan_meier`. Needs row-level ``data``.

    Returns
    -------
    CumulativeIncidenceResult

    Raises
    ------
    TypeError
        If ``data`` is neither a DataFrame nor a :class:`RiskTable`.
    ValueError
        On a ``conf_level`` outside (0, 1) or an unknown ``conf_type``, a risk
        table grouped by another column than ``group``, a ``cluster`` that is not a
        column, has missing values or a single value, or is given with a risk table,
        and on the data errors of :func:`~evalkit.survival.risk_table`.

    See Also
    --------
    gray_test : Gray's test of equal cumulative incidence between the groups.

    Notes
    -----
    ``F_k(t) = Σ_{t_j ≤ t} S(t_{j−1}) d_kj / n_j``, with ``S`` the Kaplan–Meier
    curve of any exit: exact on tied times (no jittering). The variance is the delta
    method treating the exits at each time as multinomial (Dinse & Larson 1986,
    eq. 6; Marubini & Valsecchi 1995), which reduces to Greenwood's formula with one
    exit. With weights, ``n_j`` in the variance is the effective number at risk
    ``(Σw)²/Σw²``. With ``cluster`` the variance sums each cluster's
    infinitesimal-jackknife influences and squares them (with one person per
    cluster, unit weights and no late entry it equals the delta method exactly).
    Read ``F_job(12)`` as "the share who have found a job (as first
    exit) within 12 months"; the curves of all exits plus the share still searching
    add up to 1.

    References
    ----------
    Aalen O.O., Johansen S. (1978). Scand J Stat 5:141–150. Dinse G.E., Larson M.G.
    (1986). Biometrika 73:379–386. Agrees with scikit-survival
    ``cumulative_incidence_competing_risks(var_type="Dinse_Approx",
    conf_type="log-log")`` to 1e-10 and with lifelines ``AalenJohansenFitter`` on
    untied data (lifelines jitters ties).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": [1, 2, 2, 3], "event": ["job", "job", "training", "job"]})
    >>> cumulative_incidence(df).table.groupby("cause")["estimate"].max().to_dict()
    {'job': 0.75, 'training': 0.25}
    """
    conf_level = check_conf_level(conf_level)
    check_one_of(conf_type, CONF_TYPES, name="conf_type")
    rt = as_risk_table(data, time, event, group, entry, weights, censored)
    rows = None if cluster is None else cluster_rows(
        data, time, event, group, entry, weights, censored, cluster, rt)
    exits = None if rows is None else rows.exit_index([[c] for c in rt.causes])
    z = normal_quantile(conf_level)
    frames = []
    k = len(rt.causes)
    for g, label in enumerate(rt.groups):
        t, d, y, m = rt.subset(g)
        f, var, _ = aalen_johansen(d, y, m)
        if rows is not None:
            members, _, inc = curve_influence(rows, g, t, d, y, exits)
            var = rows.variance(inc.reshape(members.size, -1), members).reshape(t.size, k)
        se = np.sqrt(var)
        low, high = probability_ci(f, se, z, conf_type)
        low = np.where(f == 0, 0.0, low)
        high = np.where(f == 0, 0.0, high)
        n_t = t.size
        frames.append(
            pd.DataFrame(
                {
                    "group": np.repeat(np.array([label], dtype=object), n_t * k),
                    "cause": np.repeat(np.array(rt.causes, dtype=object), n_t),
                    "time": np.tile(t, k),
                    "n_risk": np.tile(y, k),
                    "n_events": d.T.ravel(),
                    "estimate": f.T.ravel(),
                    "std_error": se.T.ravel(),
                    "ci_low": low.T.ravel(),
                    "ci_high": high.T.ravel(),
                }
            )
        )
    return CumulativeIncidenceResult(
        table=pd.concat(frames, ignore_index=True),
        conf_level=conf_level,
        conf_type=conf_type,
        risk_table=rt,
        cluster=cluster,
    )


