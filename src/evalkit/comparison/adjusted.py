"""Propensity-weighted cumulative incidence of an exit and restricted mean time lost.

The curves are survival's weighted Aalen–Johansen estimators
(:func:`evalkit.survival.cumulative_incidence`, :func:`evalkit.survival.restricted_mean_time`)
with the weights of :func:`~evalkit.comparison.weights.propensity_weights`; their
intervals come from a bootstrap that refits the propensity model.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import at_risk_rows, axes
from evalkit._results import TableResult
from evalkit._stats.arrays import take_rows
from evalkit._stats.intervals import percentile_interval
from evalkit._stats.resample import bootstrap_replicates, resampling_units
from evalkit._validation import (
    check_columns,
    check_conf_level,
    check_data,
    check_horizons,
    check_integer,
    check_one_of,
    check_rng,
)
from evalkit.comparison._design import ESTIMANDS
from evalkit.comparison.bootstrap import _drawn, _replicate_scores, _usable
from evalkit.comparison.propensity import PropensityResult, _check_same_rows
from evalkit.comparison.weights import _tilting, propensity_weights
from evalkit.errors import EvalkitWarning
from evalkit.reporting.catalogue import text, value_label
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    PublicationSpec,
    publish,
)
from evalkit.survival import cumulative_incidence, restricted_mean_time, risk_table

__all__ = ["AdjustedCurvesResult", "adjusted_cumulative_incidence"]

#: The group column of the weighted curves: the treated label, or "comparison".
_ARM = "_arm"
_CURVE_ESTIMATES = ("estimate", "std_error", "ci_low", "ci_high")


@dataclass(frozen=True)
class AdjustedCurvesResult(TableResult):
    """Propensity-weighted cumulative incidence of an exit, by group, with contrasts.

    Attributes
    ----------
    table : pandas.DataFrame
        Contrasts, treated minus comparison: ``measure`` (``cif_difference`` at each
        horizon; ``rmtl_difference``: difference in restricted mean time lost to the
        exit up to the last horizon, e.g. mean months in work), ``horizon``,
        ``estimate``, ``mean_treated``, ``mean_comparison``, ``std_error`` (bootstrap
        SD), ``ci_low``, ``ci_high`` (percentile), ``n_boot``.
    curves : CumulativeIncidenceResult
        The weighted Aalen–Johansen curves of every exit by group, from
        :func:`evalkit.survival.cumulative_incidence` (their pointwise CIs ignore the
        estimation of the weights; use ``table`` for inference).
    estimand : str
        ATE, ATT or ATO.
    cause : str
        The exit of interest.
    conf_level : float
        Confidence level.
    cluster : str or None
        Bootstrap resampling unit.
    at_risk : pandas.DataFrame or None
        People (unweighted) at risk just before each time, by group: ``group``,
        ``time``, ``n_risk``; the curves are published only while at least the
        threshold remain at risk (see ``curve_table``).
    """

    table: pd.DataFrame
    curves: object = field(repr=False)
    estimand: str
    cause: str
    conf_level: float
    cluster: str | None
    at_risk: pd.DataFrame | None = field(default=None, repr=False)

    #: How the curves are published: each group's curve stops before the first time
    #: with fewer than the threshold people (unweighted) at risk, as register-data
    #: platforms do (a step there is one or two people's exit); estimates rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "curve_table": PublicationSpec(
            counts=("n_risk",),
            derived=_CURVE_ESTIMATES,
            curve=("n_risk", ("group",)),
            decimals=dict.fromkeys(_CURVE_ESTIMATES, 3),
        ),
    }

    @property
    def curve_table(self) -> pd.DataFrame:
        """The weighted curves of ``cause`` with the people (unweighted) at risk.

        ``group``, ``time``, ``n_risk`` (people at risk just before ``time``),
        ``estimate``, ``std_error``, ``ci_low``, ``ci_high``.
        """
        if self.at_risk is None:
            raise ValueError(
                "this result has no numbers at risk (at_risk=None); estimate it with "
                "adjusted_cumulative_incidence."
            )
        curves = self.curves.table
        part = curves.loc[curves["cause"] == self.cause, ["group", "time", *_CURVE_ESTIMATES]]
        return part.merge(self.at_risk, on=["group", "time"], how="left")[
            ["group", "time", "n_risk", *_CURVE_ESTIMATES]
        ]

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD, risk_counts: bool = True,
             language: str = "en"):
        """Adjusted cumulative incidence of ``cause`` in each group; returns the Axes.

        Each curve stops where fewer than ``threshold`` people of its group remain at
        risk (the published ``curve_table``); with ``risk_counts`` the people at risk
        at the x ticks are printed under the axis, ``"<10"`` below the threshold.
        Axis labels, legend and the at-risk rows are in ``language`` (the report
        catalogue's). Raises ``ValueError`` if ``threshold`` is below 5 or ``language``
        is unknown; warns (``DisclosureWarning``) below 10.
        """
        full = self.curve_table
        shown = publish(self, "curve_table", threshold=threshold).table
        ax = axes(ax, (6, 4))
        groups = list(dict.fromkeys(full["group"]))
        for i, group in enumerate(groups):
            rows = shown[shown["group"] == group]
            cut = full.loc[(full["group"] == group) & (full["n_risk"] < threshold), "time"]
            t = np.r_[0.0, rows["time"].to_numpy()]
            estimate = np.r_[0.0, rows["estimate"].to_numpy()]
            if len(cut):  # the last published value holds until the risk set gets small
                t, estimate = np.r_[t, cut.min()], np.r_[estimate, estimate[-1]]
            ax.step(t, estimate, where="post", color=f"C{i}", label=value_label(group, language))
        for h in self.table["horizon"].unique():
            ax.axvline(h, color="grey", linewidth=0.5, linestyle=":")
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        ax.set_xlabel(text("figure.time_since_intake", language))
        ax.set_ylabel(text("figure.adjusted_cif", language, estimand=self.estimand,
                           cause=value_label(self.cause, language)))
        ax.legend(frameon=False)
        if risk_counts and self.at_risk is not None:
            _at_risk_rows(ax, self.at_risk, groups, threshold, language)
        return ax


def _at_risk_rows(ax, at_risk: pd.DataFrame, groups: list, threshold: int,
                  language: str) -> None:
    """People at risk at the x ticks under the axis, one line per group, ``<10`` if few."""
    last = at_risk["time"].max()
    ticks = [t for t in ax.get_xticks() if 0 <= t <= last]
    rows = []
    for group in groups:
        part = at_risk[at_risk["group"] == group].sort_values("time")
        times, n = part["time"].to_numpy(), part["n_risk"].to_numpy()
        i = np.searchsorted(times, ticks, side="left")
        rows.append((value_label(group, language), [n[k] if k < len(n) else 0.0 for k in i]))
    at_risk_rows(ax, rows, ticks, threshold, [f"C{r}" for r in range(len(groups))],
                 language=language)


def _weighted_cif_contrasts(frame, time, event, treated_label, cause, horizons):
    """The weighted curves, and (treated, comparison) CIFs at the horizons and RMTLs.

    Reads only the ``group``, ``cause`` and ``estimate`` columns of the curves at each
    horizon; the restricted mean time lost to ``cause`` runs to the last horizon.
    """
    curves = cumulative_incidence(frame, time, event, group=_ARM, weights="_w")
    return curves, cause_contrasts(curves, frame, time, event, treated_label, cause, horizons)


def cause_contrasts(curves, frame, time, event, treated_label, cause, horizons):
    """(treated, comparison) CIFs of ``cause`` at the horizons and RMTLs to the last one."""
    values = []
    for horizon in horizons:
        at = curves.at(horizon)
        rows = at[at["cause"] == cause].set_index("group")["estimate"]
        values.append((float(rows[treated_label]), float(rows.drop(treated_label).iloc[0])))
    rm = restricted_mean_time(
        frame, time, event, horizon=max(horizons), group=_ARM, cause=cause, weights="_w"
    ).table.set_index("group")["estimate"]
    values.append((float(rm[treated_label]), float(rm.drop(treated_label).iloc[0])))
    return values


def adjusted_cumulative_incidence(
    data: pd.DataFrame,
    ps: PropensityResult,
    *,
    time: str = "time",
    event: str = "event",
    cause: str = "job",
    horizons: Sequence[float] = (6, 12),
    estimand: str = "ATE",
    n_boot: int = 200,
    cluster: str | None = None,
    conf_level: float = 0.95,
    rng: int | np.random.Generator | None = 0,
) -> AdjustedCurvesResult:
    """Propensity-weighted cumulative incidence curves and their differences.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on, with ``time`` and ``event`` from
        :func:`evalkit.survival.time_to_event` (competing exits, censoring).
    ps : PropensityResult
        Fitted propensity model (its group column splits the curves).
    time, event : str
        Time since intake and exit type columns.
    cause : str, default="job"
        The exit of interest; the other exits compete.
    horizons : float or sequence of float, default=(6, 12)
        Times (unit of ``time``) at which to compare the curves; the restricted mean
        time lost to ``cause`` is compared up to the last one.
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        Weights of :func:`propensity_weights`.
    n_boot : int, default=200
        Bootstrap replicates (refitting the propensity model) for the CIs.
    cluster : str, optional
        Resample whole clusters (e.g. ``"mentor_id"``).
    conf_level : float, default=0.95
        Confidence level.
    rng : int or numpy.random.Generator, default=0
        Seed or generator.

    Returns
    -------
    AdjustedCurvesResult

    Raises
    ------
    ValueError
        If ``cause`` is not a value of ``event``; ``horizons`` are not positive finite
        numbers; ``n_boot`` is not an integer of at least 2; ``estimand`` or
        ``conf_level`` is not one allowed; ``time``, ``event`` or ``cluster`` is not a
        column, or the cluster column has missing values or a single value; ``data`` is empty or has
        another number of rows than the model was fitted on; the curves cannot be
        estimated (as :func:`evalkit.survival.cumulative_incidence`, e.g. follow-up
        ending before the last horizon).
    TypeError
        If ``data`` is not a DataFrame, or ``rng`` neither a seed nor a Generator.

    Notes
    -----
    The curves are the weighted Aalen–Johansen estimators of
    :func:`evalkit.survival.cumulative_incidence` (weights: :func:`propensity_weights`),
    and the restricted mean time lost to the exit,
    :math:`\\int_0^\\tau F_k(t)\\,dt`, comes from
    :func:`evalkit.survival.restricted_mean_time` (for a job: expected time in work
    within :math:`\\tau`). Unlike the binary "job within h" outcome, censored people
    are kept (independent censoring assumed). Confidence intervals are percentile
    bootstrap intervals that refit the propensity model in every replicate, as the
    analytic variances of weighted curves ignore the estimation of the weights.

    References
    ----------
    Cole, S. R. & Hernán, M. A. (2004). Adjusted survival curves with inverse
    probability weights. *Computer Methods and Programs in Biomedicine*, 75, 45-49.
    Neumann, A. & Billionnet, C. (2016). Covariate adjustment of cumulative incidence
    functions for competing risks data using inverse probability of treatment
    weighting. *Computer Methods and Programs in Biomedicine*, 129, 63-70. Without
    censoring before the horizon the adjusted CIF equals the Hajek IPW risk of
    :func:`programme_effect` (tested to 1e-10).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evalkit.comparison import propensity_score
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["g"] = np.where(rng.random(400) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["time"] = rng.exponential(10, 400).round(1) + 0.1
    >>> df["event"] = np.where(df.time > 15, "censored", np.where(df.x > 0, "job", "other"))
    >>> r = adjusted_cumulative_incidence(df, propensity_score(df, "g ~ x", treated="a"),
    ...                                   horizons=[5, 10], n_boot=20, rng=1)
    >>> r.table["measure"].tolist()
    ['cif_difference', 'cif_difference', 'rmtl_difference']
    """
    check_data(data)
    check_columns(data, [time, event, cluster])
    check_one_of(estimand, ESTIMANDS, name="estimand")
    conf_level = check_conf_level(conf_level)
    rng = check_rng(rng)
    _check_same_rows(data, ps)
    horizons = check_horizons(horizons)
    n_boot = check_integer(n_boot, name="n_boot", minimum=2, fix="e.g. n_boot=200.")
    check_one_of(cause, sorted(set(data[event].astype(str))), name="cause")
    codes, n_units = resampling_units(data, cluster)
    contrasts = partial(
        _weighted_cif_contrasts, time=time, event=event,
        treated_label=str(ps.treated_label), cause=cause, horizons=horizons,
    )
    frame = _weighted_frame(data, ps, time, event, estimand)
    curves, point = contrasts(frame)
    statistic = _replicate_contrasts(ps, frame, estimand, contrasts)
    draws = bootstrap_replicates(statistic, codes, n_units, n_boot=n_boot, size=len(point), rng=rng)
    return AdjustedCurvesResult(
        table=_contrast_table(point, draws, horizons, conf_level),
        curves=curves,
        estimand=estimand,
        cause=cause,
        conf_level=conf_level,
        cluster=cluster,
        at_risk=_people_at_risk(frame, time, event),
    )


def _people_at_risk(frame: pd.DataFrame, time: str, event: str) -> pd.DataFrame:
    """People (unweighted) at risk just before each time of the risk table, by arm."""
    rt = risk_table(frame, time, event, group=_ARM)
    return pd.DataFrame(
        {
            "group": np.repeat(np.array(rt.groups, dtype=object), rt.times.size),
            "time": np.tile(rt.times, len(rt.groups)),
            "n_risk": rt.n_risk.ravel(),
        }
    )


def _weighted_frame(data, ps, time, event, estimand) -> pd.DataFrame:
    """Time, exit, arm (treated label or "comparison") and propensity weight ``_w``."""
    labels = np.where(ps.treated, str(ps.treated_label), "comparison")
    frame = pd.DataFrame(
        {time: data[time].to_numpy(), event: data[event].to_numpy(), _ARM: labels}
    )
    frame["_w"] = propensity_weights(ps, estimand=estimand).weights
    return frame


def _replicate_contrasts(
    ps: PropensityResult, frame: pd.DataFrame, estimand: str, contrasts: Callable
) -> Callable[[np.ndarray], list[float] | None]:
    """The statistic of a replicate: its contrasts, with weights from a refitted model.

    A replicate whose follow-up ends before a horizon raises ``ValueError`` and is
    counted out; the warnings of its curves are not repeated for every replicate.
    """
    x, t = ps.design, ps.treated.astype(float)

    def statistic(counts: np.ndarray) -> list[float] | None:
        drawn = _drawn(counts, t)
        if drawn is None:
            return None
        rows, c, tb = drawn
        e = _replicate_scores(ps, take_rows(x, rows), tb, c)
        replicate = frame.iloc[rows].reset_index(drop=True)
        replicate["_w"] = c * np.where(tb == 1, *_tilting(e, estimand))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EvalkitWarning)
            _, values = contrasts(replicate)
        return [treated - comparison for treated, comparison in values]

    return statistic


def _contrast_table(point, draws, horizons, conf_level) -> pd.DataFrame:
    """CIF differences at the horizons and the RMTL difference, with bootstrap SDs and CIs."""
    good, ok = _usable(draws)
    low, high = percentile_interval(good, conf_level)
    return pd.DataFrame(
        {
            "measure": ["cif_difference"] * len(horizons) + ["rmtl_difference"],
            "horizon": [*horizons, max(horizons)],
            "estimate": [a - c for a, c in point],
            "mean_treated": [a for a, _ in point],
            "mean_comparison": [c for _, c in point],
            "std_error": good.std(axis=0, ddof=1),
            "ci_low": low,
            "ci_high": high,
            "n_boot": int(ok.sum()),
        }
    )
