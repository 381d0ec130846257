"""Clustering by mentor or site: the intraclass correlation and the design effect."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._results import TableResult
from evalkit._validation import (
    check_cluster,
    check_columns,
    check_conf_level,
    check_data,
    check_numeric,
    check_positive,
)
from evalkit._warning_texts import warning_text
from evalkit.errors import EvalkitWarning
from evalkit.reporting.disclosure import PublicationSpec

__all__ = ["DesignEffectResult", "ICCResult", "design_effect", "intraclass_correlation"]

_ICC_STATISTICS = ("icc", "ci_low", "ci_high", "f_value", "p_value")


@dataclass(frozen=True)
class DesignEffectResult(TableResult):
    """The design effect ``1 + (m - 1) ICC`` of clusters of mean size ``m``.

    Attributes
    ----------
    table : pandas.DataFrame
        One row: ``cluster_size``, ``icc``, ``design_effect``,
        ``effective_fraction`` (``1 / design_effect``: the share of the sample's
        information left by the clustering).
    value : float
        The design effect.
    """

    table: pd.DataFrame
    value: float


def design_effect(cluster_size: float, icc: float) -> DesignEffectResult:
    """The variance inflation of a mean (or a proportion) from clustering.

    Parameters
    ----------
    cluster_size : float
        Mean number of people per cluster (mentees per mentor), at least 1.
    icc : float or ICCResult
        Intraclass correlation in [0, 1) (a result of :func:`intraclass_correlation`
        gives its estimate).

    Returns
    -------
    DesignEffectResult
        ``value`` multiplies a sample size planned for independent people.

    Raises
    ------
    ValueError
        If ``cluster_size`` is below 1, or ``icc`` is not in [0, 1) (a negative
        estimate from the data: use 0, or the upper confidence limit, to plan).

    Notes
    -----
    ``DE = 1 + (m - 1) rho`` (Kish 1965, section 5.4; Donner & Klar 2000, eq. 1.1)
    for clusters of equal size ``m``; with unequal sizes of coefficient of variation
    ``cv``, ``1 + ((cv^2 + 1) m - 1) rho`` (Eldridge, Ashby & Kerry 2006) is larger:
    pass that ``m``. Stata ``loneway`` and R ``ICC::ICCest`` give the ICC.

    Examples
    --------
    >>> design_effect(5, 0.05).value
    1.2
    """
    m = check_positive(getattr(cluster_size, "value", cluster_size), name="cluster_size",
                       fix="the mean number of people per cluster, e.g. 5.")
    rho = getattr(icc, "value", icc)
    if m < 1:
        raise ValueError(f"cluster_size must be at least 1 person, but was {cluster_size!r}.")
    if not isinstance(rho, (int, float, np.integer, np.floating)) or not 0 <= rho < 1:
        raise ValueError(
            f"icc must be a number in [0, 1), but was {rho!r}; a negative estimate means no "
            "detectable clustering: plan with icc=0 or with its upper confidence limit."
        )
    value = 1 + (m - 1) * float(rho)
    table = pd.DataFrame({"cluster_size": [m], "icc": [float(rho)], "design_effect": [value],
                          "effective_fraction": [1 / value]})
    return DesignEffectResult(table=table, value=value)


@dataclass(frozen=True)
class ICCResult(TableResult):
    """One-way random-effects intraclass correlation, ICC(1), with its F-based CI.

    Attributes
    ----------
    table : pandas.DataFrame
        One row: ``icc``, ``ci_low``, ``ci_high``, ``f_value`` (between over within
        mean squares), ``df_between``, ``df_within``, ``p_value`` (H0: ICC = 0),
        ``n`` (people), ``n_clusters``, ``mean_cluster_size`` (``k0``), and the mean
        squares ``ms_between`` and ``ms_within``.
    value : float
        The ICC estimate (may be negative).
    conf_level : float
    outcome, cluster : str
    """

    table: pd.DataFrame
    value: float
    conf_level: float
    outcome: str
    cluster: str

    #: Published: the number of people; the ICC from fewer than the threshold blank.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n",), derived=_ICC_STATISTICS,
            decimals={**dict.fromkeys(_ICC_STATISTICS, 3), "p_value": 4},
        ),
    }


def _mean_squares(y: np.ndarray, codes: np.ndarray, g: int):
    """Between and within mean squares of a one-way layout, and ``k0``."""
    sizes = np.bincount(codes, minlength=g).astype(float)
    means = np.bincount(codes, weights=y, minlength=g) / sizes
    n = len(y)
    ss_between = float(np.sum(sizes * (means - y.mean()) ** 2))
    ss_within = float(np.sum((y - means[codes]) ** 2))
    k0 = (n - np.sum(sizes**2) / n) / (g - 1)
    return np.float64(ss_between / (g - 1)), np.float64(ss_within / (n - g)), k0


def intraclass_correlation(
    data: pd.DataFrame, outcome: str, cluster: str, *, conf_level: float = 0.95
) -> ICCResult:
    """ICC(1): the share of an outcome's variance between clusters (mentors, sites).

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
        Numeric outcome column (a 0/1 job indicator, a score).
    cluster : str
        Cluster column (e.g. ``"mentor_id"``).
    conf_level : float, default=0.95

    Returns
    -------
    ICCResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing, the outcome is not numeric or has missing values,
        the cluster column has missing values or one value, or no cluster has two
        people.

    Warns
    -----
    EvalkitWarning
        When the outcome does not vary at all (the ICC is 0/0: NaN).

    Notes
    -----
    One-way random-effects ANOVA (Shrout & Fleiss 1979, ICC(1); Searle 1971 for
    unequal sizes): ``ICC = (MSB - MSW) / (MSB + (k0 - 1) MSW)`` with
    ``k0 = (N - sum n_i^2 / N) / (g - 1)``. CI from ``F = MSB / MSW``:
    ``F_L = F / F_(1-alpha/2; g-1, N-g)``, ``F_U = F F_(1-alpha/2; N-g, g-1)``,
    limits ``(F_L - 1) / (F_L + k0 - 1)`` and ``(F_U - 1) / (F_U + k0 - 1)``. The
    estimate is not truncated at 0 (a negative value reads as "no clustering").
    Agrees with R ``ICC::ICCest`` (same formulas), pingouin 0.7 ``intraclass_corr``
    ``ICC(1,1)`` (balanced data; 1e-7) and Stata ``loneway``.

    References
    ----------
    Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
    rater reliability. *Psychological Bulletin*, 86, 420-428. Searle, S. R. (1971).
    *Linear Models*, Wiley, section 9.7. Donner, A. & Klar, N. (2000). *Design and
    Analysis of Cluster Randomization Trials*, Arnold.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> df = pd.DataFrame({"mentor": np.repeat(np.arange(40), 5)})
    >>> df["y"] = rng.normal(size=40)[df.mentor] * 0.5 + rng.normal(size=200)
    >>> round(intraclass_correlation(df, "y", "mentor").value, 3)
    0.224
    """
    check_data(data)
    check_columns(data, [outcome, cluster])
    conf_level = check_conf_level(conf_level)
    check_numeric(data, [outcome], boolean=True, what="outcome",
                  fix="pass a score or a 0/1 indicator.")
    _check_complete_outcome(data, outcome)
    check_cluster(data, cluster)
    y = data[outcome].to_numpy(dtype=float)
    codes, uniques = pd.factorize(data[cluster])
    g, n = len(uniques), len(y)
    if n <= g:
        raise ValueError(
            f"every cluster of {cluster!r} has one person ({g} clusters, {n} people): the "
            "within-cluster variance is not estimable; an ICC needs clusters of 2 or more."
        )
    msb, msw, k0 = _mean_squares(y, codes, g)
    df1, df2 = g - 1, n - g
    alpha = 1 - conf_level
    with np.errstate(divide="ignore", invalid="ignore"):
        icc = (msb - msw) / (msb + (k0 - 1) * msw)
        f = msb / msw
        f_low = f / stats.f.isf(alpha / 2, df1, df2)
        f_high = f * stats.f.isf(alpha / 2, df2, df1)
        low, high = (f_low - 1) / (f_low + k0 - 1), (f_high - 1) / (f_high + k0 - 1)
    if not np.isfinite(icc):
        warnings.warn(warning_text("warning.planning.icc_undefined", outcome=repr(outcome),
                                   cluster=repr(cluster)), EvalkitWarning, stacklevel=2)
        icc = low = high = f = np.nan
    table = pd.DataFrame([{
        "icc": icc, "ci_low": low, "ci_high": high, "f_value": f, "df_between": df1,
        "df_within": df2, "p_value": stats.f.sf(f, df1, df2) if f == f else np.nan, "n": n,
        "n_clusters": g, "mean_cluster_size": k0, "ms_between": msb, "ms_within": msw,
    }])
    return ICCResult(table=table, value=float(icc), conf_level=conf_level, outcome=outcome,
                     cluster=cluster)


def _check_complete_outcome(data: pd.DataFrame, outcome: str) -> None:
    """Raise ``ValueError`` when the outcome has missing values (counted, never shown)."""
    missing = int(data[outcome].isna().sum())
    if missing:
        raise ValueError(f"outcome {outcome!r} has missing values in {missing} rows; drop "
                         "them first (an ICC needs every person's outcome).")
