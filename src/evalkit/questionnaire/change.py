"""Change from pre to post: paired change (t-test, effect sizes, reliable change) and ANCOVA.

Validation (tests/questionnaire/test_change.py): paired change on MASS::anorexia and
datasets::sleep agrees with pingouin ``ttest(paired=True)`` T and p to 1e-15, scipy
``ttest_rel`` interval to 1e-14, pingouin ``compute_effsize`` d_z / d_av / g_av to 1e-14,
scipy ``wilcoxon`` exactly. The d_z and d_av intervals cover 94-96% in simulation
(pingouin's ``compute_esci`` is a cruder large-sample interval; differences up to 0.13
and 0.29). ANCOVA agrees with statsmodels OLS/WLS (HC3, nonrobust, cluster) to 1e-10;
F = t^2 of pingouin ``ancova``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.arrays import indicator_counts
from evalkit._stats.intervals import normal_quantile
from evalkit._validation import (
    check_cluster,
    check_columns,
    check_conf_level,
    check_data,
    check_one_of,
    check_two_groups,
    check_unit_interval,
    check_weights,
)
from evalkit._warning_texts import warning_text
from evalkit.errors import EvalkitWarning
from evalkit.questionnaire._columns import coded_covariates, score_values
from evalkit.reporting.catalogue import text
from evalkit.reporting.disclosure import DEFAULT_THRESHOLD, PublicationSpec, publish
from evalkit.reporting.format import format_level

_TESTS = ("estimate", "std_error", "ci_low", "ci_high", "statistic", "p_value")
_TEST_DECIMALS = {**dict.fromkeys(_TESTS[:4], 3), "statistic": 2, "p_value": 4}

__all__ = ["AncovaResult", "PairedChangeResult", "ancova", "paired_change"]


# --------------------------------------------------------------------------------------
# Paired change
# --------------------------------------------------------------------------------------

_CHANGE_CATEGORIES = ("improved", "unchanged", "deteriorated")


@dataclass(frozen=True)
class PairedChangeResult(TableResult):
    """Pre/post change on complete pairs: mean difference, effect sizes, tests, RCI.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per ``term``: ``mean_pre``, ``mean_post``, ``mean_difference``
        (post − pre, paired t-test), ``d_z``, ``d_av``, ``g_av`` (effect sizes) and
        ``wilcoxon`` (signed-rank test; ``estimate`` is the median difference), with
        ``estimate``, ``std_error``, ``ci_low``, ``ci_high``, ``statistic``, ``df``,
        ``p_value``, ``n`` and ``ci_method``.
    reliable_change : pandas.DataFrame
        Jacobson–Truax classification: ``category`` (improved / unchanged /
        deteriorated), ``n``, ``share``; empty when no ``reliability`` was given.
    conf_level : float
        Confidence level of the intervals (and of the RCI threshold).
    n : int
        Complete pairs analysed.
    n_dropped : int
        Rows left out for a missing pre or post value.
    reliability : float or None
        Reliability used for the reliable change index.
    rci_threshold : float
        Smallest change (in score units) that counts as reliable (NaN without
        reliability).
    """

    table: pd.DataFrame
    reliable_change: pd.DataFrame
    conf_level: float
    n: int
    n_dropped: int
    reliability: float | None
    rci_threshold: float

    #: How the tables are published: the change of fewer than the threshold pairs is
    #: blanked (``df`` gives ``n`` back, so it goes too); the reliable change categories
    #: below the threshold are suppressed with a partner (they add up to ``n``), their
    #: shares with them; all rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n",), derived=(*_TESTS, "df"), decimals=_TEST_DECIMALS,
        ),
        "reliable_change": PublicationSpec(
            counts=("n",),
            derived=("share",),
            margins=((),),
            decimals={"share": 3},
            dimensions=("category",),
        ),
    }

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD, language: str = "en"):
        """Effect sizes d_z, d_av and g_av with their intervals; return the Axes.

        Nothing is drawn for fewer than ``threshold`` pairs. The axis label is in
        ``language`` (the report catalogue's). Raises ``ValueError`` if ``threshold`` is
        below 5 or ``language`` is unknown; warns (``DisclosureWarning``) below 10.
        """
        shown = publish(self, "table", threshold=threshold).table["n"].notna()
        ax = axes(ax, (5, 2.2))
        t = self.table[self.table["term"].isin(["d_z", "d_av", "g_av"]) & shown]
        y = np.arange(len(t))
        ax.errorbar(
            t["estimate"],
            y,
            xerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
            fmt="o",
            color="C0",
            capsize=3,
        )
        ax.axvline(0, color="grey", linewidth=1)
        ax.set_yticks(y, t["term"])
        ax.invert_yaxis()
        ax.set_xlabel(text("figure.standardized_change_ci", language,
                           level=format_level(self.conf_level, language)))
        return ax


class _PairedT(NamedTuple):
    """The paired t-test of the differences and its interval's t quantile."""

    n: int
    df: int
    mean: float
    sd: float
    std_error: float
    statistic: float
    p_value: float
    quantile: float


def paired_change(
    data: pd.DataFrame,
    pre: str,
    post: str,
    *,
    conf_level: float = 0.95,
    reliability: float | None = None,
) -> PairedChangeResult:
    """Change from pre to post on complete pairs, with effect sizes and reliable change.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (wide), e.g. :attr:`PrePostResult.data`.
    pre, post : str
        Score columns before and after. Rows missing either are left out (counted in
        ``n_dropped``); see :func:`attrition_analysis` for what that can do.
    conf_level : float, default=0.95
        Confidence level.
    reliability : float, optional
        Reliability of the score (e.g. :func:`cronbach_alpha` of the pre
        questionnaires) for the Jacobson–Truax reliable change index.

    Returns
    -------
    PairedChangeResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing or not numeric, ``conf_level`` is not in (0, 1),
        ``reliability`` is not in (0, 1), or fewer than 3 rows have both scores.

    Warns
    -----
    EvalkitWarning
        If every pair has the same change (the differences have no variance, up to
        rounding): d_z, the tests and every interval of the change are undefined and
        reported as NaN, never as a huge number; the means, the mean change and d_av /
        g_av (standardised by the scores' SDs) are still given.

    Notes
    -----
    With differences :math:`D = \\text{post} - \\text{pre}`, mean :math:`\\bar D`, SD
    :math:`s_D` and :math:`n` pairs:

    - ``mean_difference``: paired t-test, :math:`t = \\bar D / (s_D/\\sqrt n)`, CI
      :math:`\\bar D \\pm t_{n-1} s_D/\\sqrt n`; p-value from ``t.sf``.
    - ``d_z`` :math:`= \\bar D / s_D` (standardized by the SD of the change; answers
      "how consistent is the change"). CI: exact under normality, by inverting the
      noncentral t distribution of :math:`t = d_z\\sqrt n` (Steiger & Fouladi 1997).
    - ``d_av`` :math:`= \\bar D / \\sqrt{(s_{pre}^2 + s_{post}^2)/2}` (standardized by
      the average SD of the scores; comparable with between-group d). CI: the
      noncentral-t limits of :math:`t` times :math:`s_D / (\\sqrt n\\, s_{av})`, i.e.
      the ratio of SDs treated as known (the Algina & Keselman 2003 / Cumming 2012
      approximation). Its large-sample variance, :math:`2(1-r)/n + d_{av}^2/(2n)`, is at
      least the delta-method one, :math:`2(1-r)/n + d_{av}^2(1+r^2)/(4n)`, so it errs
      on the wide side. In simulations (bivariate normal, n = 20 and 100, r = 0.2, 0.5,
      0.8, true d_av = 0.5, 1,000 replicates each) the 95% intervals of d_z and d_av
      covered 94.1-96.3%.
    - ``g_av`` :math:`= d_{av}(1 - 3/(8n - 9))`, Hedges' small-sample correction as in
      Lakens (2013) with :math:`n_1 = n_2 = n`; its CI is the d_av CI times the same factor.
    - ``wilcoxon``: scipy's signed-rank test on :math:`D` with its defaults (zero
      differences dropped; exact for small n without ties, else the normal
      approximation with tie correction and no continuity correction; pingouin's
      ``wilcoxon`` and R's ``wilcox.test`` add a continuity correction, p differs by ~1%).
    - Reliable change (Jacobson & Truax 1991):
      :math:`RCI = D / (s_{pre}\\sqrt{2(1 - r_{xx})})`; improved if
      :math:`RCI > z_{1-\\gamma/2}` (1.96 at 95%), deteriorated if below
      :math:`-z_{1-\\gamma/2}`.

    How to read: ``d_av`` near 0.2 is small, 0.5 medium, 0.8 large (Cohen's rough
    anchors); ``d_z`` is usually larger because the SD of change is smaller than the
    SD of scores when pre and post correlate.

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
    science. *Frontiers in Psychology*, 4, 863. Algina, J., & Keselman, H. J. (2003).
    Approximate confidence intervals for effect sizes. *Educational and Psychological
    Measurement*, 63(4), 537-553. Jacobson, N. S., & Truax, P. (1991). Clinical
    significance. *Journal of Consulting and Clinical Psychology*, 59(1), 12-19.
    Agrees with ``pingouin.ttest(paired=True)`` (T and p to 1e-15, CI to its 2-decimal
    rounding; scipy ``ttest_rel(...).confidence_interval`` to 1e-14), ``compute_effsize``
    (d_z, d_av, g_av to 1e-14) and ``scipy.stats.wilcoxon`` (exactly) on MASS::anorexia
    and datasets::sleep. pingouin's ``compute_esci`` gives a different, large-sample
    interval, :math:`d \\pm t_{n-1}\\sqrt{1/n + d^2/(2n)}`, which ignores the pre-post
    correlation for d_av; it differs from the intervals here by up to 0.13 (d_z) and
    0.29 (d_av) on those data sets (n = 10 to 72).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> pre = rng.normal(2.8, 0.6, 200)
    >>> df = pd.DataFrame({"pre": pre, "post": pre + rng.normal(0.3, 0.4, 200)})
    >>> r = paired_change(df, "pre", "post", reliability=0.9)
    >>> round(float(r.table.set_index("term").loc["mean_difference", "estimate"]), 2)
    0.31
    """
    check_data(data)
    check_columns(data, [pre, post])
    conf_level = check_conf_level(conf_level)
    if reliability is not None:
        reliability = check_unit_interval(
            reliability, name="reliability", fix="pass e.g. Cronbach's alpha of the scale."
        )
    x0, x1 = _complete_pairs(data, pre, post)
    d = x1 - x0
    s0, s1 = float(x0.std(ddof=1)), float(x1.std(ddof=1))
    if _same_change(d, x0, x1):
        warnings.warn(
            warning_text("warning.change.no_variance", pre=repr(pre), post=repr(post)),
            EvalkitWarning,
            stacklevel=2,
        )
        t = _paired_t(d, conf_level, degenerate=True)
        rows = [*_wave_mean_rows(x0, x1, s0, s1, t), *_same_change_rows(t, s0, s1)]
    else:
        t = _paired_t(d, conf_level)
        rows = [
            *_wave_mean_rows(x0, x1, s0, s1, t),
            _change_row("mean_difference", t.mean, t.std_error,
                        t.mean - t.quantile * t.std_error, t.mean + t.quantile * t.std_error,
                        t.statistic, t.df, t.p_value, t.n, "t"),
            *_effect_size_rows(t, s0, s1, conf_level),
            _wilcoxon_row(d),
        ]
    threshold, reliable = _reliable_change(d, s0, reliability, conf_level)
    return PairedChangeResult(
        table=pd.DataFrame(rows),
        reliable_change=reliable,
        conf_level=conf_level,
        n=t.n,
        n_dropped=int(len(data) - t.n),
        reliability=reliability,
        rci_threshold=threshold,
    )


def _complete_pairs(data: pd.DataFrame, pre: str, post: str) -> tuple[np.ndarray, np.ndarray]:
    """Pre and post scores of the rows with both (at least 3 such rows)."""
    x0, x1 = score_values(data, pre), score_values(data, post)
    ok = ~np.isnan(x0) & ~np.isnan(x1)
    n = int(ok.sum())
    if n < 3:
        raise ValueError(
            f"need at least 3 rows with both {pre!r} and {post!r}, but got {n}; "
            "check that the post scores were merged onto the pre scores."
        )
    return x0[ok], x1[ok]


def _same_change(d: np.ndarray, x0: np.ndarray, x1: np.ndarray) -> bool:
    """Whether the differences have no variance beyond rounding (post = pre + c)."""
    scale = max(float(np.abs(x0).max()), float(np.abs(x1).max()))
    return float(d.std(ddof=1)) <= 64 * np.finfo(float).eps * scale


def _paired_t(d: np.ndarray, conf_level: float, *, degenerate: bool = False) -> _PairedT:
    """Paired t-test of the differences ``d``; all NaN but the mean when ``degenerate``."""
    n = d.size
    df = n - 1
    mean_d, sd_d = float(d.mean()), float(d.std(ddof=1))
    q = stats.t.isf((1.0 - conf_level) / 2.0, df)
    if degenerate:
        return _PairedT(n, df, mean_d, np.nan, np.nan, np.nan, np.nan, q)
    se = sd_d / np.sqrt(n)
    t_obs = mean_d / se
    p_t = float(2.0 * stats.t.sf(abs(t_obs), df))
    return _PairedT(n, df, mean_d, sd_d, se, t_obs, p_t, q)


def _same_change_rows(t: _PairedT, s0: float, s1: float) -> list[dict]:
    """Rows of a change without variance: the mean change and d_av, g_av (defined when the
    scores vary); d_z, every interval and test NaN."""
    nan = np.nan
    s_av = np.sqrt((s0**2 + s1**2) / 2.0)
    d_av = t.mean / s_av if s_av > 0 else nan
    j = 1.0 - 3.0 / (4.0 * (2 * t.n) - 9.0)
    rows = [
        ("mean_difference", t.mean, "t"), ("d_z", nan, "noncentral_t"),
        ("d_av", d_av, "algina_keselman"), ("g_av", j * d_av, "algina_keselman"),
        ("wilcoxon", t.mean, "none"),
    ]
    return [_change_row(term, est, nan, nan, nan, nan, t.df if m != "none" else nan, nan, t.n, m)
            for term, est, m in rows]


def _change_row(
    term: str,
    estimate: float,
    std_error: float,
    low: float,
    high: float,
    statistic: float,
    df: float,
    p_value: float,
    n: int,
    method: str,
) -> dict:
    """One row of the paired-change table."""
    return {
        "term": term,
        "estimate": float(estimate),
        "std_error": float(std_error),
        "ci_low": float(low),
        "ci_high": float(high),
        "statistic": float(statistic),
        "df": float(df),
        "p_value": float(p_value),
        "n": n,
        "ci_method": method,
    }


def _wave_mean_rows(
    x0: np.ndarray, x1: np.ndarray, s0: float, s1: float, t: _PairedT
) -> list[dict]:
    """The mean pre and mean post score with their t intervals."""
    sqn, q, nan = np.sqrt(t.n), t.quantile, np.nan
    rows = []
    for term, x, s in (("mean_pre", x0, s0), ("mean_post", x1, s1)):
        m, se = x.mean(), s / sqn
        rows.append(_change_row(term, m, se, m - q * se, m + q * se, nan, t.df, nan, t.n, "t"))
    return rows


def _effect_size_rows(t: _PairedT, s0: float, s1: float, conf_level: float) -> list[dict]:
    """d_z (noncentral-t interval), d_av and g_av (Algina–Keselman intervals)."""
    ncp_lo, ncp_hi = _nct_ncp_interval(t.statistic, t.df, conf_level)
    s_av = np.sqrt((s0**2 + s1**2) / 2.0)
    d_av = t.mean / s_av
    j = 1.0 - 3.0 / (4.0 * (2 * t.n) - 9.0)
    av_scale = t.std_error / s_av
    sqn = np.sqrt(t.n)
    test = (t.statistic, t.df, t.p_value, t.n)
    return [
        _change_row("d_z", t.mean / t.sd, np.nan, ncp_lo / sqn, ncp_hi / sqn, *test,
                    "noncentral_t"),
        _change_row("d_av", d_av, np.nan, ncp_lo * av_scale, ncp_hi * av_scale, *test,
                    "algina_keselman"),
        _change_row("g_av", j * d_av, np.nan, j * ncp_lo * av_scale, j * ncp_hi * av_scale,
                    *test, "algina_keselman"),
    ]


def _wilcoxon_row(d: np.ndarray) -> dict:
    """scipy's signed-rank test of the differences; the estimate is their median."""
    w = stats.wilcoxon(d)
    nan = np.nan
    return _change_row(
        "wilcoxon", np.median(d), nan, nan, nan, w.statistic, nan, w.pvalue, d.size, "none"
    )


def _nct_cdf_gap(ncp: float, t_obs: float, df: float, p: float) -> float:
    """``P(T <= t_obs) - p`` for noncentral t with noncentrality ``ncp``.

    scipy's nct.cdf returns NaN far in the tails (|ncp - t| of about 8 or more); the
    limits there are 0 (ncp far above t) and 1 (far below). The roots sought have
    cdf = gamma/2 or 1 - gamma/2, away from those tails.
    """
    v = float(stats.nct.cdf(t_obs, df, ncp))
    if not np.isfinite(v):
        v = 0.0 if ncp > t_obs else 1.0
    return v - p


def _ncp_limit(t_obs: float, df: float, p: float, step: float) -> float:
    """The noncentrality at which ``t_obs`` is the ``p`` quantile: bracket, then Brent."""
    from scipy.optimize import brentq

    args = (t_obs, df, p)
    lo, hi = t_obs - step, t_obs + step
    while _nct_cdf_gap(lo, *args) < 0:
        lo -= step
    while _nct_cdf_gap(hi, *args) > 0:
        hi += step
    return brentq(_nct_cdf_gap, lo, hi, args=args, xtol=1e-14, rtol=1e-14, maxiter=500)


def _nct_ncp_interval(t_obs: float, df: float, conf_level: float) -> tuple[float, float]:
    """Confidence limits of the noncentrality parameter given an observed t (inversion)."""
    g = 1.0 - conf_level
    # Large-sample SE of t as an estimator of the noncentrality: sets the bracket's step.
    step = float(np.sqrt(1.0 + t_obs**2 / (2.0 * df)))
    return _ncp_limit(t_obs, df, 1.0 - g / 2.0, step), _ncp_limit(t_obs, df, g / 2.0, step)


def _reliable_change(
    d: np.ndarray, s0: float, reliability: float | None, conf_level: float
) -> tuple[float, pd.DataFrame]:
    """Jacobson–Truax threshold and counts improved / unchanged / deteriorated."""
    if reliability is None:
        empty = pd.DataFrame({"category": [], "n": [], "share": []})
        return np.nan, empty.astype({"n": "int64", "share": "float64"})
    se_diff = s0 * np.sqrt(2.0 * (1.0 - reliability))
    z = normal_quantile(conf_level)
    rci = d / se_diff
    counts = [int((rci > z).sum()), int((np.abs(rci) <= z).sum()), int((rci < -z).sum())]
    table = pd.DataFrame(
        {"category": list(_CHANGE_CATEGORIES), "n": counts, "share": np.array(counts) / d.size}
    )
    return float(z * se_diff), table


# --------------------------------------------------------------------------------------
# ANCOVA
# --------------------------------------------------------------------------------------

COV_TYPES = ("HC3", "HC1", "nonrobust")


@dataclass(frozen=True)
class AncovaResult(TableResult):
    """ANCOVA of the post score on the pre score and group (and covariates).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per coefficient: ``term``, ``n_with`` and ``n_without`` (people with
        and without a 0/1 term's level; all and 0 for other terms:
        :func:`evalkit._stats.arrays.indicator_counts`), ``estimate``, ``std_error``,
        ``ci_low``, ``ci_high``, ``statistic``, ``p_value``, ``n``. The group term is
        named ``"<group>[<other>]"``: the adjusted difference other − reference.
    difference : float
        Adjusted mean difference of the post score, other − reference group.
    reference, other : object
        The two group labels.
    cov_type : str
        ``"HC3"``, ``"HC1"``, ``"nonrobust"`` or ``"cluster"``.
    conf_level : float
        Confidence level.
    n : int
        Rows used (complete on every model column).
    n_clusters : int or None
        Number of clusters for cluster-robust standard errors.
    """

    table: pd.DataFrame
    difference: float
    reference: object
    other: object
    cov_type: str
    conf_level: float
    n: int
    n_clusters: int | None

    #: How the table is published: a term that fewer than the threshold people have (or
    #: lack), e.g. a gender level of 5 people, is blanked with its counts (they add up
    #: to ``n``: both go), as :func:`evalkit.reporting.disclosure.rare_indicators`;
    #: rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n_with", "n_without"),
            derived=(*_TESTS, "n"),
            margins=(("term",),),
            decimals=_TEST_DECIMALS,
            dimensions=("term",),
        ),
    }


def ancova(
    data: pd.DataFrame,
    post: str,
    pre: str,
    group: str,
    *,
    covariates: Sequence[str] = (),
    weights: str | None = None,
    cluster: str | None = None,
    reference: object | None = None,
    cov_type: str = "HC3",
    conf_level: float = 0.95,
) -> AncovaResult:
    """Group difference in the post score adjusted for the pre score (ANCOVA by OLS).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    post, pre : str
        Post and pre score columns.
    group : str
        Column with exactly two groups (e.g. ``"programme"``).
    covariates : sequence of str, default=()
        Further baseline covariates (numeric, boolean, or categorical → dummies).
    weights : str, optional
        Column of case weights (WLS), e.g. inverse-probability-of-response weights or
        the comparison module's balancing weights. The standard errors treat the
        weights as fixed (see Notes).
    cluster : str, optional
        Cluster column (e.g. ``"mentor_id"``): cluster-robust standard errors.
    reference : object, optional
        Reference group (default: first category or first in sort order).
    cov_type : {"HC3", "HC1", "nonrobust"}, default="HC3"
        Standard errors when ``cluster`` is not given.
    conf_level : float, default=0.95
        Confidence level.

    Returns
    -------
    AncovaResult

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing, ``conf_level`` is not in (0, 1), ``cov_type`` is
        unknown, ``group`` does not have exactly two values on the complete rows (or
        ``reference`` is not one of them), too few rows are complete, a term does not
        vary (a constant covariate), the cluster column has a single value, or a weight
        is negative or infinite (or all weights are zero).

    Notes
    -----
    Fits :math:`\\text{post} = b_0 + b_1\\,\\text{pre} + \\delta\\,[\\text{group} =
    \\text{other}] + \\gamma' z + e` with statsmodels ``OLS`` (``WLS`` with weights) on
    complete rows; :math:`\\delta` is the adjusted difference. Standard errors are HC3
    (MacKinnon & White 1985) by default, or cluster-robust (statsmodels'
    ``cov_type="cluster"`` with its small-sample correction) when ``cluster`` is given.
    Intervals and p-values use the normal distribution for robust standard errors and
    the t distribution for ``"nonrobust"`` (statsmodels' defaults). Adjusting for the
    pre score is more precise than comparing change scores and unbiased when groups
    are randomised; with self-selected groups it still relies on no unmeasured
    confounding. With estimated weights (propensity or response), the robust
    standard errors ignore the estimation of the weights; for inverse-probability
    weights this usually makes them somewhat conservative (Lunceford & Davidian 2004).

    References
    ----------
    Vickers, A. J., & Altman, D. G. (2001). Analysing controlled trials with baseline
    and follow up measurements. *BMJ*, 323, 1123-1124. Lunceford, J. K., & Davidian, M.
    (2004). Stratification and weighting via the propensity score. *Statistics in
    Medicine*, 23(19), 2937-2960. Agrees with statsmodels ``OLS``
    to 1e-10 and, for ``cov_type="nonrobust"``, its F = t^2 with ``pingouin.ancova``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> pre = rng.normal(size=400)
    >>> g = np.repeat(["a", "b"], 200)
    >>> post = pre + 0.5 * (g == "b") + rng.normal(size=400)
    >>> df = pd.DataFrame({"pre": pre, "g": g, "post": post})
    >>> round(ancova(df, "post", "pre", "g").difference, 1)
    0.5
    """
    check_data(data)
    covariates = list(covariates)
    check_columns(data, [post, pre, group, *covariates, weights, cluster])
    conf_level = check_conf_level(conf_level)
    check_one_of(cov_type, COV_TYPES, name="cov_type")
    used = [post, pre, group, *covariates] + [c for c in (weights, cluster) if c is not None]
    frame = _complete_rows(data, used, minimum=3 + len(covariates))
    check_cluster(frame, cluster)
    reference, other = check_two_groups(frame[group], reference, column=group)
    x = _ancova_design(frame, pre, group, other, covariates)
    _check_varying(x)
    fit, used_cov, n_clusters = _fit_ols(
        frame[post].astype("float64"),
        x,
        check_weights(frame, weights),
        None if cluster is None else frame[cluster],
        cov_type,
    )
    return AncovaResult(
        table=_coefficient_table(fit, x.columns, conf_level, len(frame)),
        difference=float(fit.params[f"{group}[{other}]"]),
        reference=reference,
        other=other,
        cov_type=used_cov,
        conf_level=conf_level,
        n=len(frame),
        n_clusters=n_clusters,
    )


def _check_varying(x: pd.DataFrame) -> None:
    """Raise naming the design columns (but the intercept) that do not vary."""
    constant = [c for c in x.columns[1:] if not (x[c] != x[c].iloc[0]).any()]
    if constant:
        raise ValueError(
            f"ANCOVA terms {constant} do not vary among the complete rows, so their "
            "coefficients (and the intercept) cannot be estimated; drop those covariates, or "
            "check the rows selected."
        )


def _complete_rows(data: pd.DataFrame, used: list[str], *, minimum: int) -> pd.DataFrame:
    """The rows complete on the ``used`` columns; at least ``minimum`` of them."""
    frame = data[used].dropna()
    if len(frame) < minimum:
        raise ValueError(
            f"only {len(frame)} rows are complete on {used}; ANCOVA needs more complete rows."
        )
    return frame


def _ancova_design(
    frame: pd.DataFrame, pre: str, group: str, other: object, covariates: Sequence[str]
) -> pd.DataFrame:
    """Design of the ANCOVA: intercept, pre score, ``group[other]`` dummy, covariates."""
    return pd.concat(
        [
            pd.Series(1.0, index=frame.index, name="Intercept"),
            frame[pre].astype("float64").rename(pre),
            (frame[group] == other).astype("float64").rename(f"{group}[{other}]"),
            coded_covariates(frame, covariates),
        ],
        axis=1,
    )


def _fit_ols(
    y: pd.Series,
    x: pd.DataFrame,
    weights: np.ndarray | None,
    cluster: pd.Series | None,
    cov_type: str,
):
    """statsmodels OLS (WLS with weights): the fit, its covariance type and cluster count."""
    import statsmodels.api as sm

    model = sm.OLS(y, x) if weights is None else sm.WLS(y, x, weights=weights)
    if cluster is None:
        return model.fit(cov_type=cov_type), cov_type, None
    codes = pd.factorize(cluster)[0]
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": codes})
    return fit, "cluster", int(codes.max() + 1)


def _coefficient_table(fit, terms: pd.Index, conf_level: float, n: int) -> pd.DataFrame:
    """One row per coefficient with its standard error, interval, test and ``n``."""
    ci = np.asarray(fit.conf_int(alpha=1.0 - conf_level))
    n_with, n_without = indicator_counts(np.asarray(fit.model.exog))
    return pd.DataFrame(
        {
            "term": list(terms),
            "n_with": n_with,
            "n_without": n_without,
            "estimate": np.asarray(fit.params),
            "std_error": np.asarray(fit.bse),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
            "statistic": np.asarray(fit.tvalues),
            "p_value": np.asarray(fit.pvalues),
            "n": n,
        }
    )
