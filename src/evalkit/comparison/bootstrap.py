"""Bootstrap intervals of the adjusted effects, refitting every model in each replicate.

A replicate is the data with frequency weights (how often each row, or each cluster's
rows, was drawn) from :func:`evalkit._stats.resample.bootstrap_replicates`; rows not
drawn are left out, and every model starts from its full-data solution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evalkit._results import TableResult
from evalkit._stats.arrays import take_rows
from evalkit._stats.intervals import percentile_interval
from evalkit._stats.logistic import fit_logistic
from evalkit._stats.resample import bootstrap_replicates, resampling_units
from evalkit._validation import (
    check_columns,
    check_conf_level,
    check_data,
    check_integer,
    check_one_of,
    check_rng,
    check_truncate,
)
from evalkit.comparison._design import ESTIMANDS, outcome_values
from evalkit.comparison.effects import _aipw_fit, _ipw_means, _outcome_design, programme_effect
from evalkit.comparison.propensity import PropensityResult, _check_same_rows
from evalkit.comparison.weights import _weight_arrays

__all__ = ["BootstrapResult", "bootstrap_effect"]


@dataclass(frozen=True)
class BootstrapResult(TableResult):
    """Bootstrap confidence intervals of adjusted effects.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per method and measure: ``method``, ``estimand``, ``measure``,
        ``estimate`` (on the original data), ``std_error`` (SD of the replicates;
        of their logarithm for ratios, as in :class:`EffectResult`),
        ``ci_low``, ``ci_high`` (percentile interval), ``n_boot`` (replicates used)
        and ``n_failed`` (replicates whose model fit failed, left out).
    conf_level : float
        Confidence level.
    cluster : str or None
        The resampling unit (a column), or ``None`` for people.
    n_clusters : int
        Number of resampled units.
    draws : pandas.DataFrame
        The replicate estimates (one column per method and measure; not shown in reprs).
    """

    table: pd.DataFrame
    conf_level: float
    cluster: str | None
    n_clusters: int
    draws: pd.DataFrame = field(repr=False)


def bootstrap_effect(
    data: pd.DataFrame,
    outcome: str,
    ps: PropensityResult,
    *,
    estimand: str = "ATE",
    outcome_formula: str | None = None,
    truncate: float | None = None,
    n_boot: int = 1000,
    cluster: str | None = None,
    conf_level: float = 0.95,
    rng: int | np.random.Generator | None = 0,
) -> BootstrapResult:
    """Percentile bootstrap CIs of the IPW and AIPW effects, refitting every model.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    outcome : str
        Outcome column (0/1 or numeric).
    ps : PropensityResult
        Fitted propensity model (from :func:`propensity_score`); every replicate
        refits it on the rows drawn, starting from this fit.
    estimand, outcome_formula, truncate
        As in :func:`programme_effect`.
    n_boot : int, default=1000
        Number of replicates.
    cluster : str, optional
        Resample whole clusters (e.g. ``"mentor_id"`` or ``"site"``) instead of
        people, so that the interval reflects the dependence within clusters.
    conf_level : float, default=0.95
        Confidence level.
    rng : int or numpy.random.Generator, default=0
        Seed or generator: the same seed gives the same intervals.

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ValueError
        If ``n_boot`` is not an integer of at least 2; ``estimand``, ``truncate`` or
        ``conf_level`` is not one allowed; ``outcome`` or ``cluster`` is not a column,
        or has missing values; ``ps`` was fitted on another number of rows than
        ``data`` has, or ``data`` is empty.
    TypeError
        If ``rng`` is neither a seed nor a Generator, or ``data`` not a DataFrame.

    Notes
    -----
    Each replicate draws units with replacement and refits the propensity model and
    (for AIPW) the outcome models, so the interval includes their estimation. The
    design matrix is built once and replicate fits start from the full-data
    solution, so a replicate costs a few Newton steps (linear in n). Percentile
    intervals (Efron & Tibshirani 1993, ch. 13); the ratio is bootstrapped on its own
    scale. Bootstrap intervals are not given for matching (the bootstrap is invalid for
    nearest-neighbour matching with replacement; Abadie & Imbens 2008).

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman &
    Hall. Field, C. A. & Welsh, A. H. (2007). Bootstrapping clustered data. *JRSS B*,
    69, 369-390.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evalkit.comparison import propensity_score
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=500)})
    >>> df["g"] = np.where(rng.random(500) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(500) < 0.4 + 0.1 * (df.g == "a")).astype(float)
    >>> ps = propensity_score(df, "g ~ x", treated="a")
    >>> b = bootstrap_effect(df, "y", ps, n_boot=50, rng=3)
    >>> b.table[["method", "measure"]].iloc[0].tolist(), int(b.table["n_boot"].iloc[0])
    (['ipw', 'risk_difference'], 50)
    """
    rng = check_rng(rng)
    conf_level = check_conf_level(conf_level)
    check_one_of(estimand, ESTIMANDS, name="estimand")
    check_data(data)
    check_columns(data, [outcome, cluster])
    check_truncate(truncate)
    n_boot = check_integer(n_boot, name="n_boot", minimum=2, fix="e.g. n_boot=1000.")
    _check_same_rows(data, ps)
    codes, n_units = resampling_units(data, cluster)
    full = programme_effect(
        data, outcome, ps, estimand=estimand, outcome_formula=outcome_formula,
        truncate=truncate, methods=("ipw", "aipw"),
    ).table
    columns = list(zip(full["method"], full["measure"], strict=True))
    y, binary = outcome_values(data, outcome)
    statistic = _replicate_effects(
        ps, y, binary, _outcome_design(data, ps, outcome_formula), estimand, truncate, columns
    )
    draws = bootstrap_replicates(
        statistic, codes, n_units, n_boot=n_boot, size=len(columns), rng=rng
    )
    return BootstrapResult(
        table=_bootstrap_table(full, draws, conf_level),
        conf_level=conf_level,
        cluster=cluster,
        n_clusters=n_units,
        draws=pd.DataFrame(draws, columns=[f"{m}_{k}" for m, k in columns]),
    )


def _replicate_scores(
    ps: PropensityResult, x: np.ndarray, t: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Propensity scores of a replicate's rows (design ``x``, treated ``t``, ``counts``).

    The model is refitted with frequency weights from the full-data solution and
    information; scores are kept 1e-12 away from 0 and 1. Where that start fails (the
    score equations do not hold at its end: a rare level drawn several times can send a
    step with the full data's information far past the solution, to fitted
    probabilities of 0 or 1 where the information vanishes and the iterations stall,
    giving a comparison person a weight of 10^12), the model is refitted from zero, as
    :func:`propensity_score` fits it.
    """
    e = fit_logistic(
        x, t, weights=counts, start=np.nan_to_num(ps.coefficients), hessian=ps.information,
        exact=False
    )[2]
    if not _solves_score(x, t, counts, e):
        e = fit_logistic(x, t, weights=counts, exact=False)[2]
    return np.clip(e, 1e-12, 1 - 1e-12)


def _solves_score(x: np.ndarray, t: np.ndarray, counts: np.ndarray, e: np.ndarray) -> bool:
    """Whether the logistic score equations hold at the fitted ``e``: every column's
    score ``sum c (t - e) x`` within 1e-6 x the people drawn x the column's largest
    absolute value (a solution's is about 1e-12 of that; a stalled fit's, a person)."""
    score = (counts * (t - e)) @ x
    size = np.abs(x).max(axis=0)
    return bool(np.all(np.abs(score) <= 1e-6 * counts.sum() * np.maximum(size, 1e-300)))


def _drawn(counts: np.ndarray, t: np.ndarray):
    """Rows drawn into a replicate, their counts and treated indicators (``None``: one group)."""
    rows = np.flatnonzero(counts)
    c, tb = counts[rows], t[rows]
    if tb.min() == tb.max():
        return None  # one group only: no estimate
    return rows, c, tb


def _outcome_starts(x_out: np.ndarray, t: np.ndarray, y: np.ndarray) -> dict:
    """Full-data coefficients and information of each arm's logistic outcome model."""
    return {
        arm: fit_logistic(take_rows(x_out, np.flatnonzero(t == arm)), y[t == arm])[:2]
        for arm in (0, 1)
    }


def _replicate_effects(ps, y, binary, x_out, estimand, truncate, columns):
    """The statistic of a replicate: its IPW and AIPW effects (``columns``), refitted."""
    x, t = ps.design, ps.treated.astype(float)
    # Full-data solutions as starting values: a replicate then needs 2-3 Newton steps.
    starts = _outcome_starts(x_out, t, y) if binary else None

    def statistic(counts: np.ndarray) -> list[float] | None:
        drawn = _drawn(counts, t)
        if drawn is None:
            return None
        rows, c, tb = drawn
        yb, xb = y[rows], take_rows(x, rows)
        e = _replicate_scores(ps, xb, tb, c)
        w, _, _ = _weight_arrays(e, tb.astype(bool), estimand, truncate, counts=c)
        means = {
            "ipw": _ipw_means(yb, tb, w * c),
            "aipw": _aipw_fit(
                yb, tb, xb if x_out is x else take_rows(x_out, rows), e, estimand,
                binary, starts=starts, weights=c, with_cov=False, warn=False,
            )[:2],
        }
        with np.errstate(divide="ignore", invalid="ignore"):  # a ratio 0 / 0 fails
            return [
                means[m][0] - means[m][1] if measure != "risk_ratio"
                else np.float64(means[m][0]) / means[m][1]
                for m, measure in columns
            ]

    return statistic


def _usable(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The replicates without a failed (NaN) estimate, and which rows they are."""
    ok = ~np.isnan(draws).any(axis=1)
    return draws[ok], ok


def _bootstrap_table(full: pd.DataFrame, draws: np.ndarray, conf_level: float) -> pd.DataFrame:
    """Full-data estimates with the replicates' SD (of the log for ratios) and percentiles."""
    good, ok = _usable(draws)
    is_ratio = (full["measure"] == "risk_ratio").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):  # ratios of 0 or inf: SE NaN
        spread = np.where(is_ratio, np.log(np.where(is_ratio, good, 1.0)), good)
        std_error = spread.std(axis=0, ddof=1)
    low, high = percentile_interval(good, conf_level)
    undefined = full["estimate"].isna().to_numpy()  # e.g. the ratio of an arm without events
    std_error, low, high = (np.where(undefined | ~np.isfinite(v), np.nan, v)
                            for v in (std_error, low, high))
    return full[["method", "estimand", "measure", "estimate"]].assign(
        std_error=std_error,
        ci_low=low,
        ci_high=high,
        n_boot=int(ok.sum()),
        n_failed=int((~ok).sum()),
    )
