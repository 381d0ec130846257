"""The competing-exit comparison in one call: weights, balance, and every exit's curves.

:func:`compare_exits` fits the propensity model, weights the two programmes
(:func:`~evalkit.comparison.weights.propensity_weights`), checks the balance
(:func:`~evalkit.comparison.balance.balance`), draws the weighted cumulative incidence
of every exit through :func:`evalkit.survival.cumulative_incidence`, and compares the
programmes at each horizon with bootstrap intervals that refit the propensity model,
one bootstrap for all exits (as :func:`adjusted_cumulative_incidence` does for one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import at_risk_rows, axes
from evalkit._results import TableResult
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
from evalkit.comparison.adjusted import (
    _ARM,
    _contrast_table,
    _people_at_risk,
    _replicate_contrasts,
    _weighted_frame,
    cause_contrasts,
)
from evalkit.comparison.balance import BalanceResult, balance
from evalkit.comparison.propensity import PropensityResult, propensity_score
from evalkit.comparison.weights import WeightsResult, propensity_weights
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    PublicationSpec,
    check_threshold,
    stop_curves,
)
from evalkit.survival import CumulativeIncidenceResult, cumulative_incidence
from evalkit.survival.risktable import CENSORED, event_codes

__all__ = ["ExitComparisonResult", "compare_exits"]

_CURVE = ("estimate", "std_error", "ci_low", "ci_high")
_CONTRAST = ("estimate", "mean_treated", "mean_comparison", "std_error", "ci_low", "ci_high")


@dataclass(frozen=True)
class ExitComparisonResult(TableResult):
    """Weighted comparison of two programmes on every competing exit.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per exit and measure: ``exit``, ``measure`` (``cif_difference`` at each
        horizon, ``rmtl_difference`` up to the last), ``horizon``, ``estimate``
        (treated minus comparison), ``mean_treated``, ``mean_comparison``,
        ``std_error`` (bootstrap SD), ``ci_low``, ``ci_high`` (percentile), ``n_boot``,
        ``n_risk_treated`` and ``n_risk_comparison`` (people at risk at the horizon).
    balance : BalanceResult
        Covariate balance before and after weighting.
    weights : WeightsResult
        The propensity weights and their effective sample sizes.
    propensity : PropensityResult
        The fitted propensity model.
    curves : CumulativeIncidenceResult
        The weighted Aalen–Johansen curves of every exit by group (pointwise intervals
        that treat the weights as known; use ``table`` for inference).
    at_risk : pandas.DataFrame
        People (unweighted) at risk just before each time: ``group``, ``time``,
        ``n_risk``.
    estimand : str
    conf_level : float
    cluster : str or None
    """

    table: pd.DataFrame
    balance: BalanceResult = field(repr=False)
    weights: WeightsResult = field(repr=False)
    propensity: PropensityResult = field(repr=False)
    curves: CumulativeIncidenceResult = field(repr=False)
    at_risk: pd.DataFrame = field(repr=False)
    estimand: str
    conf_level: float
    cluster: str | None

    #: Published: differences blank where fewer than the threshold people of either
    #: programme remain at risk at the horizon; the curves cut where fewer remain.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_risk_treated", "n_risk_comparison"),
            derived=_CONTRAST,
            decimals=dict.fromkeys(_CONTRAST, 3),
        ),
        "curve_table": PublicationSpec(
            counts=("n_risk",),
            derived=_CURVE,
            curve=("n_risk", ("group", "cause")),
            decimals=dict.fromkeys(_CURVE, 3),
        ),
    }

    @property
    def curve_table(self) -> pd.DataFrame:
        """The weighted curves of every exit with the people (unweighted) at risk.

        ``group``, ``cause``, ``time``, ``n_risk``, ``estimate``, ``std_error``,
        ``ci_low``, ``ci_high``.
        """
        curves = self.curves.table[["group", "cause", "time", *_CURVE]]
        return curves.merge(self.at_risk, on=["group", "time"], how="left")[
            ["group", "cause", "time", "n_risk", *_CURVE]
        ]

    def plot(self, ax=None, *, ticks=None, threshold: int = DEFAULT_THRESHOLD):
        """Weighted cumulative incidence of every exit (colour) by programme (line
        style), cut where fewer than ``threshold`` people remain at risk, with the
        people at risk under the axis (``<10`` below the threshold); the Axes.

        Raises ``ValueError`` if ``threshold`` is below 5; warns
        (``DisclosureWarning``) below 10.
        """
        threshold = check_threshold(threshold)
        ax = axes(ax, (7, 4.5))
        full = self.curve_table
        shown = full[stop_curves(full, "n_risk", ["group", "cause"], threshold)]
        groups = list(dict.fromkeys(full["group"]))
        for ci, cause in enumerate(dict.fromkeys(full["cause"])):
            for gi, group in enumerate(groups):
                part = shown[(shown["group"] == group) & (shown["cause"] == cause)]
                ax.step(np.r_[0.0, part["time"]], np.r_[0.0, part["estimate"]], where="post",
                        color=f"C{ci}", linestyle=("-", "--")[gi], label=f"{cause}: {group}")
        for h in self.table["horizon"].unique():
            ax.axvline(h, color="grey", linewidth=0.5, linestyle=":")
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        ax.set_xlabel("time since intake")
        ax.set_ylabel(f"cumulative incidence ({self.estimand}-weighted)")
        ax.legend(frameon=False, fontsize=8)
        if ticks is None:
            ticks = [t for t in ax.get_xticks() if 0 <= t <= full["time"].max()]
        rows = []
        for group in groups:
            part = self.at_risk[self.at_risk["group"] == group]
            i = np.searchsorted(part["time"].to_numpy(), np.asarray(ticks, dtype=float))
            rows.append((str(group), np.r_[part["n_risk"].to_numpy(), 0.0][i]))
        at_risk_rows(ax, rows, ticks, threshold)
        return ax


def _all_exits(frame, time, event, treated_label, causes, horizons):
    """The weighted curves and, exit after exit, the (treated, comparison) contrasts."""
    curves = cumulative_incidence(frame, time, event, group=_ARM, weights="_w")
    values = []
    for cause in causes:
        values += cause_contrasts(curves, frame, time, event, treated_label, cause, horizons)
    return curves, values


def _exit_table(point, draws, causes, horizons, conf_level, at_risk, treated_label):
    """The contrast table of each exit, with the people at risk at each horizon."""
    size = len(horizons) + 1
    frames = []
    for k, cause in enumerate(causes):
        part = slice(k * size, (k + 1) * size)
        frames.append(_contrast_table(point[part], draws[:, part], horizons, conf_level)
                      .assign(exit=cause))
    table = pd.concat(frames, ignore_index=True)
    for column, label in (("n_risk_treated", treated_label), ("n_risk_comparison", "comparison")):
        arm = at_risk[at_risk["group"] == label]
        i = np.searchsorted(arm["time"].to_numpy(), table["horizon"].to_numpy(), side="left")
        table[column] = np.r_[arm["n_risk"].to_numpy(), 0.0][i]
    return table[["exit", *table.columns[:-3], "n_risk_treated", "n_risk_comparison"]]


def compare_exits(
    data: pd.DataFrame,
    time: str,
    event: str,
    group: str,
    covariates: Sequence[str],
    *,
    treated: object,
    horizons: float | Sequence[float] = (6, 12),
    formula: str | None = None,
    estimand: str = "ATE",
    n_boot: int = 200,
    cluster: str | None = None,
    censored: object = CENSORED,
    conf_level: float = 0.95,
    rng: int | np.random.Generator | None = 0,
) -> ExitComparisonResult:
    """Weights → balance → weighted cumulative incidence of every exit → differences.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person with ``time`` and ``event`` (e.g. from
        :func:`evalkit.survival.time_to_event`), the group and the covariates.
    time, event : str
        Columns of time since intake and exit type (``censored`` for none).
    group : str
        Column of the two programmes compared.
    covariates : sequence of str
        Columns the propensity model adjusts for and whose balance is shown.
    treated : object
        The programme whose probability the propensity model gives.
    horizons : float or sequence of float, default=(6, 12)
        Report horizons (unit of ``time``); the restricted mean time lost to each exit
        runs to the last one.
    formula : str, optional
        The propensity model's formula (default ``"group ~ cov1 + cov2 + ..."``).
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
    n_boot : int, default=200
        Bootstrap replicates, refitting the propensity model, for all exits at once.
    cluster : str, optional
        Resample whole clusters (e.g. ``"mentor_id"``).
    censored : object, default="censored"
        Censoring label of ``event``.
    conf_level : float, default=0.95
    rng : int or numpy.random.Generator, default=0

    Returns
    -------
    ExitComparisonResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame, or ``rng`` neither a seed nor a Generator.
    ValueError
        If a column is missing; ``covariates`` is empty; ``horizons``, ``n_boot``,
        ``estimand`` or ``conf_level`` is not one allowed; ``event`` has no exit
        besides censoring; on the errors of :func:`propensity_score` (``treated`` not
        a group…), :func:`balance` and :func:`adjusted_cumulative_incidence`
        (follow-up ending before the last horizon…).

    Warns
    -----
    EvalkitWarning
        As :func:`propensity_score` (scores near 0 or 1, separation).

    Notes
    -----
    For each exit ``k`` the contrasts are those of :func:`adjusted_cumulative_incidence`
    with ``cause=k``: ``F_k^w(h)`` of the treated minus the comparison group at each
    horizon ``h`` (weighted Aalen–Johansen), and the restricted mean time lost
    ``∫₀^τ F_k^w``. One bootstrap serves all exits, so the intervals of the exits are
    drawn from the same replicates; with the same seed an exit's row equals
    :func:`adjusted_cumulative_incidence` for that exit (tested to 1e-12). The
    differences of all exits and of "still searching" sum to zero at each horizon.

    References
    ----------
    Neumann A., Billionnet C. (2016). Covariate adjustment of cumulative incidence
    functions for competing risks data using inverse probability of treatment
    weighting. Comput Methods Programs Biomed 129:63–70.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["g"] = np.where(rng.random(400) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["time"] = np.ceil(rng.exponential(10, 400))
    >>> df["event"] = np.where(df.time > 15, "censored",
    ...                        np.where(rng.random(400) < 0.7, "job", "training"))
    >>> r = compare_exits(df, "time", "event", "g", ["x"], treated="a", horizons=[6, 12],
    ...                   n_boot=10, rng=1)
    >>> r.table[["exit", "measure"]].drop_duplicates()["exit"].unique().tolist()
    ['job', 'training']
    """
    check_data(data)
    check_columns(data, [time, event, group, *covariates, cluster])
    if not len(covariates):
        raise ValueError("covariates must name at least one column to adjust for, but got "
                         "none; e.g. covariates=['age', 'education'].")
    check_one_of(estimand, ESTIMANDS, name="estimand")
    conf_level = check_conf_level(conf_level)
    horizons = check_horizons(horizons)
    n_boot = check_integer(n_boot, name="n_boot", minimum=2, fix="e.g. n_boot=200.")
    rng = check_rng(rng)
    _, causes = event_codes(data[event], censored)
    ps = propensity_score(data, formula or f"{group} ~ {' + '.join(covariates)}",
                          treated=treated)
    weights = propensity_weights(ps, estimand=estimand)
    codes, n_units = resampling_units(data, cluster)
    contrasts = partial(_all_exits, time=time, event=event,
                        treated_label=str(ps.treated_label), causes=causes, horizons=horizons)
    frame = _weighted_frame(data, ps, time, event, estimand)
    curves, point = contrasts(frame)
    statistic = _replicate_contrasts(ps, frame, estimand, contrasts)
    draws = bootstrap_replicates(statistic, codes, n_units, n_boot=n_boot, size=len(point),
                                 rng=rng)
    at_risk = _people_at_risk(frame, time, event)
    return ExitComparisonResult(
        table=_exit_table(point, draws, causes, horizons, conf_level, at_risk,
                          str(ps.treated_label)),
        balance=balance(data, list(covariates), ps, weights=weights, estimand=estimand),
        weights=weights, propensity=ps, curves=curves, at_risk=at_risk, estimand=estimand,
        conf_level=conf_level, cluster=cluster,
    )
