"""A fair comparison of two programmes that enrol different people.

Propensity scores with overlap diagnostics and trimming to common support, weights for
the ATE, ATT and overlap population (ATO) with effective sample sizes, nearest-neighbour
matching on the logit score, covariate balance before and after adjustment, and effect
estimates for a binary (or continuous) outcome: the naive difference, inverse
probability weighting (IPW), the doubly robust augmented IPW (AIPW) and matching, with
sandwich / influence-function / paired standard errors, a seeded (cluster) bootstrap,
and sensitivity to unmeasured confounding (E-values, Rosenbaum bounds).

Typical use::

    outcome = job_within(participants, 12)                 # evalkit.data.outcomes
    ps = propensity_score(outcome.data, "programme ~ C(education) + months_unemployed",
                          treated="DUO for a JOB")
    balance(outcome.data, covariates, ps, estimand="ATE").plot()
    fit = programme_effect(outcome.data, outcome.column, ps, estimand="ATE")
    fit.table            # naive, IPW and AIPW side by side
    fit.e_values().table
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._results import TableResult
from evalkit._stats.arrays import take_rows
from evalkit._stats.formula import model_matrix
from evalkit._stats.logistic import expit, fit_logistic
from evalkit._stats.mestimation import cluster_sum
from evalkit._stats.resample import bootstrap_counts, resampling_units
from evalkit._validation import (
    check_columns,
    check_conf_level,
    check_data,
    check_integer,
    check_one_of,
    check_rng,
)
from evalkit.descriptives import standardized_mean_difference
from evalkit.errors import EvalkitWarning

__all__ = [
    "AdjustedCurvesResult",
    "BalanceResult",
    "BootstrapResult",
    "EValueResult",
    "EffectResult",
    "MatchResult",
    "PropensityResult",
    "RosenbaumResult",
    "TrimResult",
    "WeightsResult",
    "adjusted_cumulative_incidence",
    "balance",
    "bootstrap_effect",
    "combine_effects",
    "e_value",
    "effective_sample_size",
    "match",
    "matched_effect",
    "programme_effect",
    "propensity_score",
    "propensity_weights",
    "rosenbaum_bounds",
    "trim",
]

ESTIMANDS = ("ATE", "ATT", "ATO")


def _design(data: pd.DataFrame, formula: str):
    """Response indicator and design matrix of a ``group ~ covariates`` formula."""
    if not isinstance(formula, str) or not formula.partition("~")[2].strip():
        raise ValueError(
            f"formula must be 'group ~ covariates', but was {formula!r}; e.g. "
            "'programme ~ age + C(education)'."
        )
    lhs, _, rhs = formula.partition("~")
    x, names = model_matrix(data, rhs)
    # Levels of a categorical that nobody in the data has (pandas keeps unused
    # categories) give all-zero columns that carry no information: leave them out.
    used = _nonzero_columns(x)
    if used.all():
        return lhs.strip(), x, names
    return lhs.strip(), x[:, used], [t for t, u in zip(names, used, strict=True) if u]


def _nonzero_columns(x: np.ndarray) -> np.ndarray:
    """Whether each column of ``x`` has an entry other than 0.

    Only the columns whose first entry is 0 (dummies, say) are scanned.
    """
    used = x[0] != 0 if len(x) else np.zeros(x.shape[1], dtype=bool)
    for j in np.flatnonzero(~used):
        used[j] = np.any(x[:, j] != 0)
    return used


def _linear(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None):
    """(Weighted) least squares coefficients, for the outcome models of a continuous outcome."""
    if weights is not None:
        root = np.sqrt(weights)
        x, y = x * root[:, None], y * root
    return np.linalg.lstsq(x, y, rcond=None)[0]


@dataclass(frozen=True)
class PropensityResult(TableResult):
    """A fitted propensity-score model with overlap diagnostics.

    Attributes
    ----------
    table : pandas.DataFrame
        Logistic coefficients: ``term``, ``estimate`` (log odds of the treated group),
        ``std_error``, ``ci_low``, ``ci_high``, ``p_value``.
    overlap : pandas.DataFrame
        By group: ``n``, propensity ``min``, ``max``, and ``n_outside`` the common
        support (the range where both groups have scores).
    support : tuple of float
        The common-support interval ``(low, high)``.
    treated_label : object
        The group modelled as "treated" (score = its probability).
    group : str
        The group column.
    formula : str
        The model formula.
    conf_level : float
        Confidence level of the coefficient CIs.
    scores : numpy.ndarray
        Propensity score of each row of the data (row-level: not shown in reprs).
    treated : numpy.ndarray
        Boolean treated indicator of each row.
    design : numpy.ndarray
        Design matrix of the model (for the variance of weighted estimators).
    information : numpy.ndarray
        Fisher information ``X'diag(e(1-e))X`` of the model at its estimate.
    """

    table: pd.DataFrame
    overlap: pd.DataFrame
    support: tuple[float, float]
    treated_label: object
    group: str
    formula: str
    conf_level: float
    scores: np.ndarray = field(repr=False)
    treated: np.ndarray = field(repr=False)
    design: np.ndarray = field(repr=False)
    information: np.ndarray = field(repr=False)

    @property
    def inside_support(self) -> np.ndarray:
        """Boolean mask of the rows whose score lies in the common support."""
        low, high = self.support
        return (self.scores >= low) & (self.scores <= high)

    def plot(self, ax=None, *, bins: int = 30):
        """Mirrored histograms of the scores by group, with the common support; the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        edges = np.linspace(0, 1, bins + 1)
        top, _ = np.histogram(self.scores[self.treated], edges)
        bottom, _ = np.histogram(self.scores[~self.treated], edges)
        width = np.diff(edges)
        ax.bar(edges[:-1], top, width, align="edge", color="C0", label=str(self.treated_label))
        ax.bar(edges[:-1], -bottom, width, align="edge", color="C1", label="comparison group")
        for bound in self.support:
            ax.axvline(bound, color="grey", linestyle="--", linewidth=1)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set_xlabel(f"propensity score: P({self.treated_label} | covariates)")
        ax.set_ylabel("participants (comparison group below)")
        ax.legend(frameon=False)
        return ax


def propensity_score(
    data: pd.DataFrame,
    formula: str,
    *,
    treated: object,
    conf_level: float = 0.95,
) -> PropensityResult:
    """Fit a logistic propensity-score model and describe the overlap of the groups.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person; no missing values in the model's columns.
    formula : str
        ``"group ~ covariates"`` in formulaic/patsy syntax, e.g.
        ``"programme ~ age + C(education) + months_unemployed"``.
    treated : object
        The value of the group column whose probability is modelled.
    conf_level : float, default=0.95
        Confidence level of the coefficient intervals.

    Returns
    -------
    PropensityResult

    Notes
    -----
    Maximum likelihood logistic regression by Newton-Raphson; coefficients and
    model-based standard errors agree with ``statsmodels.Logit`` (tested to 1e-5). The
    common support is ``[max(min_treated, min_control), min(max_treated, max_control)]``
    of the scores; people outside it have no comparable counterpart in the other group. Scores of
    exactly 0 or 1 (complete separation, e.g. people over 33 exist only in one
    programme) are a positivity violation: restrict the data to the population both
    programmes serve before estimating effects.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["g"] = np.where(rng.random(400) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> ps = propensity_score(df, "g ~ x", treated="a")
    >>> round(float(ps.table.loc[1, "estimate"]), 1)
    1.0
    """
    check_data(data)
    conf_level = check_conf_level(conf_level)
    group, x, terms = _design(data, formula)
    check_columns(data, [group])
    codes, uniques = pd.factorize(data[group])
    if (codes < 0).any():
        rows = data.index[codes < 0][:5].tolist()
        raise ValueError(
            f"group column {group!r} is missing in rows {rows}; every person needs a programme."
        )
    labels = uniques.tolist()
    if treated not in labels:
        raise ValueError(f"treated must be one of {labels}, but was {treated!r}.")
    if len(labels) != 2:
        raise ValueError(
            f"group column {group!r} must have exactly 2 values, but has {labels}; filter the "
            "data to the two programmes to compare."
        )
    t = codes == labels.index(treated)
    beta, information, scores = fit_logistic(x, t.astype(float))
    cov = np.linalg.pinv(information)
    se = np.sqrt(np.diag(cov))
    z = stats.norm.isf((1 - conf_level) / 2)
    table = pd.DataFrame(
        {
            "term": terms,
            "estimate": beta,
            "std_error": se,
            "ci_low": beta - z * se,
            "ci_high": beta + z * se,
            "p_value": 2 * stats.norm.sf(np.abs(beta / se)),
        }
    )
    groups = ((treated, t), ("comparison", ~t))
    ranges = [
        (np.min(own, initial=1.0), np.max(own, initial=0.0))
        for own in (np.compress(member, scores) for _, member in groups)
    ]
    low, high = max(r[0] for r in ranges), min(r[1] for r in ranges)
    outside = (scores < low) | (scores > high)
    overlap = pd.DataFrame(
        [
            {
                "group": label,
                "n": int(np.count_nonzero(member)),
                "min": smallest,
                "max": largest,
                "n_outside": int(np.count_nonzero(outside & member)),
            }
            for (label, member), (smallest, largest) in zip(groups, ranges, strict=True)
        ]
    )
    extreme = (scores < 1e-6) | (scores > 1 - 1e-6)
    if extreme.any():
        import warnings

        warnings.warn(
            f"{int(extreme.sum())} propensity scores are within 1e-6 of 0 or 1: the groups do not "
            "overlap there (positivity violation). Restrict the data to people both programmes "
            "could enrol, or trim to the common support.",
            EvalkitWarning,
            stacklevel=2,
        )
    return PropensityResult(
        table=table,
        overlap=overlap,
        support=(float(low), float(high)),
        treated_label=treated,
        group=group,
        formula=formula,
        conf_level=conf_level,
        scores=scores,
        treated=t,
        design=x,
        information=information,
    )


def _tilting(e: np.ndarray, estimand: str) -> tuple[np.ndarray, np.ndarray]:
    """Weights of treated and control rows as functions of the score."""
    if estimand == "ATE":
        return 1.0 / e, 1.0 / (1.0 - e)
    if estimand == "ATT":
        return np.ones_like(e), e / (1.0 - e)
    return 1.0 - e, e  # ATO: overlap weights


def _tilting_derivative(e: np.ndarray, estimand: str) -> tuple[np.ndarray, np.ndarray]:
    """d weight / d linear predictor for treated and control rows."""
    if estimand == "ATE":
        return -(1.0 - e) / e, e / (1.0 - e)
    if estimand == "ATT":
        return np.zeros_like(e), e / (1.0 - e)
    return -e * (1.0 - e), e * (1.0 - e)


def _check_truncate(truncate: float | None) -> None:
    if truncate is not None and not (isinstance(truncate, float) and 0.5 < truncate < 1):
        raise ValueError(
            f"truncate must be a quantile in (0.5, 1) such as 0.99, or None, but was "
            f"{truncate!r}; weights above that quantile of all weights are capped at it."
        )


def _expanded_quantile(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """``np.quantile`` (linear) of ``values`` with each repeated ``counts`` times."""
    order = np.argsort(values, kind="stable")
    ends = np.cumsum(counts[order])
    position = q * (ends[-1] - 1)
    below = int(np.floor(position))
    low, high = values[order[np.searchsorted(ends, [below + 1, below + 2])
                             .clip(max=len(ends) - 1)]]
    return float(low + (position - below) * (high - low))


def _weight_arrays(e, t, estimand, truncate, counts=None):
    """Tilting weights of each row, their derivative in the linear predictor, and the cap.

    Rows whose weight is capped get derivative 0 (the cap is treated as fixed). With
    ``counts`` (a bootstrap replicate's frequency weights) the cap is the quantile of
    the replicate's weights, as if its rows were repeated.
    """
    w1, w0 = _tilting(e, estimand)
    d1, d0 = _tilting_derivative(e, estimand)
    w = np.where(t, w1, w0)
    d = np.where(t, d1, d0)
    cap = None
    if truncate is not None:
        cap = float(
            np.quantile(w, truncate) if counts is None else _expanded_quantile(w, counts, truncate)
        )
        capped = w > cap
        w = np.where(capped, cap, w)
        d = np.where(capped, 0.0, d)
    return w, d, cap


@dataclass(frozen=True)
class WeightsResult(TableResult):
    """Propensity-score weights for an estimand, with their effective sample size.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group (treated label, then ``comparison``): ``n``, ``sum_weights``,
        ``min``, ``max``, ``mean`` of the weights, ``effective_n`` (Kish) and
        ``n_truncated`` (weights capped).
    estimand : str
        ATE, ATT or ATO.
    stabilized : bool
        Whether the weights were stabilised.
    truncate : float or None
        The quantile at which weights were capped.
    cap : float or None
        The cap: that quantile of the unstabilised weights.
    weights : numpy.ndarray
        One weight per row of the data (row-level: not shown in reprs).
    treated : numpy.ndarray
        Boolean treated indicator of each row.
    """

    table: pd.DataFrame
    estimand: str
    stabilized: bool
    truncate: float | None
    cap: float | None
    weights: np.ndarray = field(repr=False)
    treated: np.ndarray = field(repr=False)

    def plot(self, ax=None, *, bins: int = 30):
        """Histogram of the weights by group (log scale); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        positive = self.weights[self.weights > 0]
        edges = np.geomspace(positive.min(), positive.max() * 1.0001, bins + 1)
        groups = ((self.table["group"].iloc[0], self.treated), ("comparison", ~self.treated))
        for (label, member), color in zip(groups, ("C0", "C1"), strict=True):
            ax.hist(self.weights[member], edges, alpha=0.6, color=color, label=str(label))
        ax.set_xscale("log")
        if self.cap is not None:
            ax.axvline(self.cap, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel(f"{self.estimand} weight")
        ax.set_ylabel("participants")
        ax.legend(frameon=False)
        return ax


def propensity_weights(
    ps: PropensityResult,
    *,
    estimand: str = "ATE",
    stabilize: bool = False,
    truncate: float | None = None,
) -> WeightsResult:
    """Weights that make the two groups comparable for an estimand.

    Parameters
    ----------
    ps : PropensityResult
        The fitted propensity model.
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        ATE: inverse probability weights ``1/e`` and ``1/(1-e)``; ATT: 1 for the
        treated and ``e/(1-e)`` for the comparison group; ATO: overlap weights
        ``1-e`` and ``e`` (Li, Morgan & Zaslavsky 2018), which target the people
        who could plausibly be in either programme and are bounded by 1.
    stabilize : bool, default=False
        Multiply by marginal proportions so the weights average about 1 in each
        group: ATE ``p/e`` and ``(1-p)/(1-e)``; ATT ``(1-p)/p`` on the comparison
        weights (``p`` the treated share). Weighted means (and so every effect
        estimate of this module) are unchanged; only the scale of the weights moves.
        Overlap weights are bounded and have no stabilised form: ``stabilize=True``
        with ``estimand="ATO"`` raises.
    truncate : float, optional
        Cap weights at this quantile of all (unstabilised) weights, e.g. 0.99.
        Truncation trades bias for variance and changes the estimand slightly; report
        it. The same option of :func:`programme_effect` caps the same people.

    Returns
    -------
    WeightsResult
        ``weights`` (one per row) and a ``table`` per group with the Kish effective
        sample size :math:`(\\sum w)^2 / \\sum w^2`.

    Notes
    -----
    The effective sample size says how many unweighted people the weighted group is
    worth; a large drop signals extreme weights (poor overlap). Weights are the
    "tilting functions" of Li, Morgan & Zaslavsky (2018): ``h(e)/e`` and ``h(e)/(1-e)``
    with ``h = 1`` (ATE), ``e`` (ATT) and ``e(1-e)`` (ATO).

    References
    ----------
    Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018). Balancing covariates via
    propensity score weighting. *JASA*, 113, 390-400. Cole, S. R. & Hernán, M. A.
    (2008). Constructing inverse probability weights for marginal structural models.
    *Am. J. Epidemiol.*, 168, 656-664. The ATE/ATT/ATO weights equal R ``WeightIt``'s
    ``method = "glm"`` weights (tested against the closed forms).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["g"] = np.where(rng.random(400) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> w = propensity_weights(propensity_score(df, "g ~ x", treated="a"), estimand="ATO")
    >>> bool(w.weights.max() < 1)
    True
    """
    check_one_of(estimand, ESTIMANDS, name="estimand")
    _check_truncate(truncate)
    if stabilize and estimand == "ATO":
        raise ValueError(
            "stabilize=True applies to ATE and ATT weights; overlap (ATO) weights are "
            "bounded by 1 and have no stabilised form. Pass stabilize=False."
        )
    t = ps.treated
    raw = np.where(t, *_tilting(ps.scores, estimand))
    w, _, cap = _weight_arrays(ps.scores, t, estimand, truncate)
    n_capped = w < raw
    if stabilize:
        p = t.mean()
        w = w * (np.where(t, p, 1 - p) if estimand == "ATE" else np.where(t, 1.0, (1 - p) / p))
    table = pd.DataFrame(
        [
            {
                "group": label,
                "n": int(member.sum()),
                "sum_weights": float(w[member].sum()),
                "min": float(w[member].min()),
                "max": float(w[member].max()),
                "mean": float(w[member].mean()),
                "effective_n": effective_sample_size(w[member]),
                "n_truncated": int(n_capped[member].sum()),
            }
            for label, member in ((ps.treated_label, t), ("comparison", ~t))
        ]
    )
    return WeightsResult(
        table=table,
        estimand=estimand,
        stabilized=stabilize,
        truncate=truncate,
        cap=cap,
        weights=w,
        treated=t,
    )


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of a set of weights.

    Examples
    --------
    >>> effective_sample_size(np.array([1.0, 1.0, 2.0]))
    2.6666666666666665
    """
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.dot(w, w))


@dataclass(frozen=True)
class BalanceResult(TableResult):
    """Covariate balance before and after weighting.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variable (level): ``smd_before``, ``smd_after``,
        ``variance_ratio_before``, ``variance_ratio_after``, ``balanced``
        (``|smd_after| < threshold``) and ``suppressed`` (SMDs blanked for
        disclosure, see ``min_count``).
    threshold : float
        The |SMD| threshold.
    effective_n : dict
        Kish effective sample size of each group after weighting.
    """

    table: pd.DataFrame
    threshold: float
    effective_n: dict

    @property
    def all_balanced(self) -> bool:
        """Whether every covariate shown (not suppressed) meets the threshold after weighting."""
        return bool(self.table.loc[~self.table["suppressed"], "balanced"].all())

    def plot(self, ax=None):
        """Love plot: |SMD| before and after weighting; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 0.28 * len(self.table) + 1.2))
        labels = [
            v if lvl is None or (isinstance(lvl, float) and np.isnan(lvl)) else f"{v}: {lvl}"
            for v, lvl in zip(self.table["variable"], self.table["level"], strict=True)
        ]
        y = np.arange(len(labels))
        ax.scatter(
            self.table["smd_before"].abs(),
            y,
            marker="o",
            facecolors="none",
            edgecolors="C1",
            label="before",
        )
        ax.scatter(self.table["smd_after"].abs(), y, marker="o", color="C0", label="after")
        ax.axvline(self.threshold, color="grey", linestyle="--", linewidth=1)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel("|standardized mean difference|")
        ax.legend(frameon=False, loc="lower right")
        return ax


def balance(
    data: pd.DataFrame,
    covariates: Sequence[str],
    ps: PropensityResult,
    *,
    weights: WeightsResult | MatchResult | None = None,
    estimand: str = "ATE",
    threshold: float = 0.1,
    min_count: int | None = None,
) -> BalanceResult:
    """Standardized mean differences and variance ratios before and after adjustment.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    covariates : sequence of str
        Covariates to check (categorical ones give one row per level). Include
        covariates *not* in the propensity model too: balance on them is not forced.
    ps : PropensityResult
        The fitted model (defines the groups).
    weights : WeightsResult or MatchResult, optional
        The adjustment to check: weights from :func:`propensity_weights` (e.g.
        truncated) or a matching from :func:`match`. Default: untruncated
        :func:`propensity_weights` for ``estimand``.
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        Which weights to use when ``weights`` is not given; with ``"ATT"`` (and for a
        matching) the SMD is standardised by the treated group's SD.
    threshold : float, default=0.1
        Balance is declared when |SMD| after adjustment is below it.
    min_count : int, optional
        Disclosure control for published tables: a binary row (a level of a
        categorical) where fewer than ``min_count`` people of either group have, or
        lack, the level gets its SMDs and ``balanced`` blanked and ``suppressed``
        set, since with the group sizes its SMD would reveal those few people (e.g.
        pass the report's disclosure threshold, 10).

    Returns
    -------
    BalanceResult
        ``table`` with ``smd_before``, ``smd_after``, the variance ratios,
        ``balanced`` and ``suppressed``; ``all_balanced`` (over the rows shown);
        ``plot()`` draws the love plot.

    Notes
    -----
    SMDs come from :func:`evalkit.descriptives.standardized_mean_difference` with the
    *unweighted* SD in the denominator before and after, so the two columns are on the
    same scale (R ``cobalt``'s convention): the pooled SD for ATE and ATO, the treated
    group's for ATT and matching. Variance ratios (treated / comparison, continuous
    covariates) should lie within about 0.5-2 (Rubin 2001). Overlap weights balance
    the means of every term of a logistic propensity model exactly.

    References
    ----------
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of
    baseline covariates between treatment groups in propensity-score matched samples.
    *Statistics in Medicine*, 28, 3083-3107. Greifer, N. ``cobalt``: covariate balance
    tables and plots (R package; ``bal.tab`` with ``s.d.denom``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=500)})
    >>> df["g"] = np.where(rng.random(500) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> b = balance(df, ["x"], propensity_score(df, "g ~ x", treated="a"), estimand="ATO")
    >>> b.all_balanced
    True
    """
    check_data(data)
    check_columns(data, list(covariates))
    check_one_of(estimand, ESTIMANDS, name="estimand")
    _check_same_rows(data, ps)
    if not 0 < threshold:
        raise ValueError(f"threshold must be a positive |SMD| such as 0.1, but was {threshold!r}.")
    if weights is None:
        weights = propensity_weights(ps, estimand=estimand)
    if isinstance(weights, WeightsResult):
        w, att = weights.weights, weights.estimand == "ATT"
    elif isinstance(weights, MatchResult):
        w, att = weights.weights, True
    else:
        raise TypeError(
            "weights must be a WeightsResult (propensity_weights) or a MatchResult (match), "
            f"but got {type(weights).__name__}."
        )
    if len(w) != len(data):
        raise ValueError(
            f"weights has {len(w)} entries but data has {len(data)} rows; compute the "
            "weights or the matching on the same data."
        )
    denominator = "other" if att else "pooled"
    frame = data[list(covariates)].assign(_group=ps.treated, _w=w)
    before = standardized_mean_difference(
        frame, covariates, "_group", reference=False, denominator=denominator
    ).table
    after = standardized_mean_difference(
        frame, covariates, "_group", reference=False, weights="_w", denominator=denominator
    ).table
    table = pd.DataFrame(
        {
            "variable": before["variable"],
            "level": before["level"],
            "smd_before": before["smd"],
            "smd_after": after["smd"],
            "variance_ratio_before": before["variance_ratio"],
            "variance_ratio_after": after["variance_ratio"],
        }
    )
    table["balanced"] = table["smd_after"].abs() < threshold
    table["suppressed"] = False
    if min_count is not None:
        check_integer(min_count, name="min_count", minimum=1)
        held = np.stack([before["mean_reference"] * before["n_reference"],
                         before["mean_other"] * before["n_other"]], axis=1).round()
        sizes = before[["n_reference", "n_other"]].to_numpy()
        small = (np.minimum(held, sizes - held) < min_count).any(axis=1)
        small &= (before["kind"] == "binary").to_numpy()
        table["suppressed"] = small
        table.loc[small, ["smd_before", "smd_after"]] = np.nan
        table["balanced"] = table["balanced"].astype(object).where(~small, None)
    return BalanceResult(
        table=table,
        threshold=threshold,
        effective_n={
            str(ps.treated_label): effective_sample_size(w[ps.treated]),
            "comparison": effective_sample_size(w[~ps.treated]),
        },
    )


def _check_same_rows(data: pd.DataFrame, ps: PropensityResult) -> None:
    if len(data) != len(ps.scores):
        raise ValueError(
            f"data has {len(data)} rows but the propensity model was fitted on "
            f"{len(ps.scores)}; pass the same data (after trimming, refit the model on "
            "the trimmed data)."
        )


@dataclass(frozen=True)
class EffectResult(TableResult):
    """Programme effect estimates (naive and adjusted), side by side.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per method and measure: ``method`` (``naive``, ``ipw``, ``aipw``,
        ``matching``), ``estimand`` (ATE, ATT, ATO; ``ATT`` for matching: the matched
        treated), ``measure`` (``risk_difference``, ``risk_ratio``; ``mean_difference``
        for a continuous outcome), ``estimate``, ``std_error`` (of the estimate, or of
        its log for ratios), ``ci_low``, ``ci_high``, ``p_value`` (H0: no effect), the
        potential-outcome means ``mean_treated`` and ``mean_comparison``, and ``n``.
    estimand : str
        The estimand of the adjusted rows (``"mixed"`` after :func:`combine_effects`
        of different estimands).
    outcome : str
        The outcome column.
    n : int
        Number of people used.
    conf_level : float
        Confidence level.
    clustered : bool
        Whether standard errors are cluster-robust.
    """

    table: pd.DataFrame
    estimand: str
    outcome: str
    n: int
    conf_level: float
    clustered: bool

    def e_values(self) -> EValueResult:
        """E-values of every method's risk ratio and its confidence limit (binary outcome)."""
        rows = self.table[self.table["measure"] == "risk_ratio"]
        if rows.empty:
            raise ValueError(
                "E-values need a risk ratio; this result has none (continuous outcome). "
                "Use a 0/1 outcome, or call e_value with a risk ratio directly."
            )
        return _e_value_table(
            rows["estimate"].to_numpy(),
            rows["ci_low"].to_numpy(),
            rows["ci_high"].to_numpy(),
            methods=rows["method"].tolist(),
            conf_level=self.conf_level,
        )

    def plot(self, ax=None, *, measure: str | None = None):
        """Forest plot of one measure across methods (with estimands); returns the Axes."""
        import matplotlib.pyplot as plt

        measure = measure or self.table["measure"].iloc[0]
        rows = self.table[self.table["measure"] == measure]
        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 0.45 * len(rows) + 1))
        y = np.arange(len(rows))
        ax.errorbar(
            rows["estimate"],
            y,
            xerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
            fmt="o",
            color="C0",
            capsize=3,
        )
        ax.axvline(1.0 if measure == "risk_ratio" else 0.0, color="grey", linewidth=1)
        labels = [
            m if e == "unadjusted" else f"{m} ({e})"
            for m, e in zip(rows["method"], rows["estimand"], strict=True)
        ]
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        if measure == "risk_ratio":
            ax.set_xscale("log")
        ax.set_xlabel(f"{measure.replace('_', ' ')} ({self.conf_level:.0%} CI)")
        return ax


def combine_effects(effects: Sequence[EffectResult]) -> EffectResult:
    """Stack effect results (e.g. weighting and matching) into one table and forest plot.

    Parameters
    ----------
    effects : sequence of EffectResult
        Results for the same outcome and confidence level. Duplicate ``naive`` rows
        are kept once.

    Returns
    -------
    EffectResult
        All rows; ``estimand`` is the common estimand or ``"mixed"``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600)})
    >>> df["g"] = np.where(rng.random(600) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(600) < 0.3 + 0.1 * (df.g == "a") + 0.1 * (df.x > 0)).astype(float)
    >>> ps = propensity_score(df, "g ~ x", treated="a")
    >>> both = combine_effects([programme_effect(df, "y", ps, estimand="ATT"),
    ...                         matched_effect(df, "y", match(df, ps))])
    >>> both.table["method"].unique().tolist()
    ['naive', 'ipw', 'aipw', 'matching']
    """
    effects = list(effects)
    if not effects or not all(isinstance(e, EffectResult) for e in effects):
        raise TypeError("effects must be a non-empty sequence of EffectResult objects.")
    if len({(e.outcome, e.conf_level) for e in effects}) != 1:
        raise ValueError(
            "effects must share the outcome and the confidence level, but got "
            f"{sorted({(e.outcome, e.conf_level) for e in effects})}; recompute them alike."
        )
    table = pd.concat([e.table for e in effects], ignore_index=True)
    naive = table["method"] == "naive"
    table = table[~naive | ~table.duplicated(["method", "measure"])].reset_index(drop=True)
    estimands = {e.estimand for e in effects}
    first = effects[0]
    return EffectResult(
        table=table,
        estimand=estimands.pop() if len(estimands) == 1 else "mixed",
        outcome=first.outcome,
        n=max(e.n for e in effects),
        conf_level=first.conf_level,
        clustered=all(e.clustered for e in effects),
    )


def _ipw_means(y, t, w):
    """Hajek (normalised) weighted means of the outcome in each group."""
    w1, w0 = t * w, (1 - t) * w
    return np.dot(w1, y) / w1.sum(), np.dot(w0, y) / w0.sum()


def _stacked_covariance(psi, derivative, slopes, x_ps, residual, information, clusters):
    """Sandwich covariance of estimators stacked with the propensity model's score.

    ``psi`` (``n x m``, column-major; overwritten) holds the estimating functions of the
    ``m`` estimators, ``derivative`` (``D``, ``m x k``) minus the derivatives of their
    sums in the propensity coefficients and ``slopes`` (the diagonal of ``E``) minus
    those in the estimators, each equation involving its own estimator only;
    ``x_ps``, ``residual`` (treated indicator minus score) and ``information`` (``I``)
    are the propensity model's design, residuals and Fisher information. The
    estimators' block of the sandwich ``A^-1 B A^-T`` of all ``k + m`` equations
    (``A = [[I, 0], [D, E]]``) is the (cluster-summed) cross-product of their
    influence functions ``E^-1 (psi - D I^-1 x_ps' residual)``, which takes one pass
    over the design rather than the ``(k + m)^2`` cross-products of the stacked
    functions.
    """
    shift = x_ps @ np.linalg.solve(information, derivative.T)
    for j, slope in enumerate(slopes):
        phi = psi[:, j]
        phi -= shift[:, j] * residual
        phi /= slope
    meat = cluster_sum(psi, clusters)
    return meat.T @ meat


def _ipw_fit(y, t, x, e, information, estimand, clusters, truncate=None):
    """Hajek IPW means with a stacked M-estimation variance (propensity model included).

    ``x``, ``e`` and ``information`` are the propensity model's design, scores and
    Fisher information.
    """
    w, d, _ = _weight_arrays(e, t.astype(bool), estimand, truncate)
    mu1, mu0 = _ipw_means(y, t, w)
    r1 = t * (y - mu1)
    r0 = (1 - t) * (y - mu0)
    psi = np.empty((len(y), 2), order="F")
    np.multiply(w, r1, out=psi[:, 0])
    np.multiply(w, r0, out=psi[:, 1])
    derivative = -np.array([(d * r1) @ x, (d * r0) @ x])
    slopes = [np.sum(t * w), np.sum((1 - t) * w)]
    cov = _stacked_covariance(psi, derivative, slopes, x, t - e, information, clusters)
    return mu1, mu0, cov


def _outcome_predictions(y, t, x, binary, starts=None, *, weights=None, warn=True):
    """Predicted outcome of everyone under each arm, from a model fitted in each arm.

    ``weights`` are positive frequency weights (a bootstrap replicate's counts of the
    rows it drew).
    """
    import warnings

    preds = []
    members = [np.flatnonzero(t == arm) for arm in (1, 0)]
    # One arm's rows after the other's, in the same memory.
    space = np.empty((max(map(len, members)), x.shape[1]), order="F")
    for arm, member in zip((1, 0), members, strict=True):
        xm, ym = take_rows(x, member, out=space[: len(member)]), y[member]
        wm = None if weights is None else weights[member]
        # A dummy that is all zero within a group (a level nobody in that group has)
        # cannot be estimated there; the group's model leaves it out.
        keep = _nonzero_columns(xm)
        xk = x
        if not keep.all():
            if warn:
                warnings.warn(
                    f"{int((~keep).sum())} design column(s) are all zero in one group; that "
                    "group's outcome model leaves them out (a covariate level is absent there).",
                    EvalkitWarning,
                    stacklevel=4,
                )
            xm, xk = xm[:, keep], x[:, keep]
        if binary:
            start, hessian = starts[arm] if starts is not None and keep.all() else (None, None)
            beta = fit_logistic(
                xm, ym, weights=wm, start=start, hessian=hessian, exact=False, fitted=False
            )[0]
            preds.append(expit(xk @ beta))
        else:
            preds.append(xk @ _linear(xm, ym, wm))
    return preds


def _aipw_fit(
    y, t, x_outcome, e, estimand, binary, clusters=None, starts=None, *,
    x_ps=None, information=None, weights=None, with_cov=True, warn=True,
):
    """Augmented (doubly robust) means of each arm, and their covariance.

    ATE and ATT: the efficient influence functions (the covariance is their empirical
    variance). ATO: the augmented overlap-weighting estimator of Mao, Li & Greene
    (2019), whose covariance is the sandwich of its estimating equations stacked with
    the propensity model's score (design ``x_ps`` and Fisher ``information``; the
    overlap population depends on the scores, so their estimation counts).
    ``weights`` are frequency weights for the means of a bootstrap replicate, which
    asks for no covariance (``with_cov=False``).
    """
    m1, m0 = _outcome_predictions(y, t, x_outcome, binary, starts, weights=weights, warn=warn)
    c = np.ones(len(y)) if weights is None else weights
    if estimand == "ATE":
        psi = np.empty((len(y), 2), order="F")
        for phi, m, member, prob in ((psi[:, 0], m1, t, e), (psi[:, 1], m0, 1 - t, 1 - e)):
            # m + member (y - m) / prob, in place
            np.subtract(y, m, out=phi)
            phi *= member
            phi /= prob
            phi += m
        mu1, mu0 = np.dot(c, psi[:, 0]) / c.sum(), np.dot(c, psi[:, 1]) / c.sum()
        psi -= [mu1, mu0]
    elif estimand == "ATT":  # treated mean observed; comparison mean doubly robust
        n1 = np.dot(c, t)
        mu1 = np.dot(c * t, y) / n1
        phi0 = t * m0 + (1 - t) * e / (1 - e) * (y - m0)
        mu0 = np.dot(c, phi0) / n1
        p = n1 / c.sum()
        psi = np.column_stack([t * (y - mu1) / p, (phi0 - t * mu0) / p]) if with_cov else None
    else:
        return _augmented_overlap(y, t, m1, m0, e, x_ps, information, c, clusters, with_cov)
    if not with_cov:
        return mu1, mu0, None
    meat = cluster_sum(psi, clusters)
    return mu1, mu0, meat.T @ meat / len(y) ** 2


def _augmented_overlap(y, t, m1, m0, e, x_ps, information, c, clusters, with_cov):
    """Augmented overlap-weighting means (Mao, Li & Greene 2019) and their sandwich.

    Each arm's mean is ``A + B``: the overlap-population mean of the outcome model,
    ``A = sum h m / sum h`` with ``h = e(1-e)``, plus the overlap-weighted mean residual
    of the arm, ``B``. The four estimating equations of ``A`` and ``B`` (two arms) are
    stacked with the logistic score of the propensity model. The outcome models'
    estimation adds nothing to first order when the propensity model is right: the
    mean's derivative in them, ``E[h dm]/E[h] - E[t(1-e) dm]/E[t(1-e)]``, is then 0.
    """
    h = e * (1 - e)
    w = np.where(t == 1, 1 - e, e)  # overlap weights
    arms = [(m1, t), (m0, 1 - t)]
    means = []
    for m, member in arms:
        a = np.dot(c * h, m) / np.dot(c, h)
        b = np.dot(c * member * w, y - m) / np.dot(c * member, w)
        means.append((a, b))
    mu1, mu0 = (a + b for a, b in means)
    if not with_cov:
        return mu1, mu0, None
    psi = np.empty((len(y), 4), order="F")
    derivative = np.empty((4, x_ps.shape[1]))
    slopes = np.empty(4)
    # d w / d(linear predictor): -h for the treated (w = 1-e), +h for the comparison (w = e)
    dw = np.where(t == 1, -h, h)
    for j, ((m, member), (a, b)) in enumerate(zip(arms, means, strict=True)):
        ia, ib = 2 * j, 2 * j + 1
        resid = member * (y - m - b)
        psi[:, ia] = h * (m - a)
        psi[:, ib] = w * resid
        derivative[ia] = -(h * (1 - 2 * e) * (m - a)) @ x_ps
        derivative[ib] = -(dw * resid) @ x_ps
        slopes[ia] = h.sum()
        slopes[ib] = np.dot(member, w)
    cov = _stacked_covariance(psi, derivative, slopes, x_ps, t - e, information, clusters)
    combine = np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    return mu1, mu0, combine @ cov @ combine.T


def _rows(method, estimand, mu1, mu0, cov, binary, z, n):
    """Tidy rows (difference, and ratio for a binary outcome) from two means."""
    diff = mu1 - mu0
    se = float(np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]))
    common = {"mean_treated": mu1, "mean_comparison": mu0, "n": n}
    rows = [
        {
            "method": method,
            "estimand": estimand,
            "measure": "risk_difference" if binary else "mean_difference",
            "estimate": diff,
            "std_error": se,
            "ci_low": diff - z * se,
            "ci_high": diff + z * se,
            "p_value": 2 * stats.norm.sf(abs(diff) / se),
            **common,
        }
    ]
    if binary:
        grad = np.array([1 / mu1, -1 / mu0])
        se_log = float(np.sqrt(grad @ cov @ grad))
        log_rr = np.log(mu1 / mu0)
        rows.append(
            {
                "method": method,
                "estimand": estimand,
                "measure": "risk_ratio",
                "estimate": mu1 / mu0,
                "std_error": se_log,
                "ci_low": np.exp(log_rr - z * se_log),
                "ci_high": np.exp(log_rr + z * se_log),
                "p_value": 2 * stats.norm.sf(abs(log_rr) / se_log),
                **common,
            }
        )
    return rows


def _outcome_values(data: pd.DataFrame, outcome: str) -> tuple[np.ndarray, bool]:
    """The outcome as floats, and whether it is binary (0/1); raises on missing values."""
    values = data[outcome]
    if values.isna().any():
        rows = data.index[values.isna()][:5].tolist()
        raise ValueError(
            f"outcome {outcome!r} is missing in rows {rows}; define the outcome for everyone "
            "(evalkit.data.outcomes.job_within drops people followed for less than the horizon, "
            "and reports how many)."
        )
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        raise ValueError(
            f"outcome {outcome!r} must be numeric or boolean (0/1 for a risk), but has dtype "
            f"{values.dtype}; convert it, e.g. (data[{outcome!r}] == 'yes').astype(float)."
        )
    y = values.to_numpy(dtype=float)
    return y, bool(np.isin(y, (0.0, 1.0)).all())


def programme_effect(
    data: pd.DataFrame,
    outcome: str,
    ps: PropensityResult,
    *,
    estimand: str = "ATE",
    outcome_formula: str | None = None,
    truncate: float | None = None,
    cluster: str | None = None,
    conf_level: float = 0.95,
    methods: Sequence[str] = ("naive", "ipw", "aipw"),
) -> EffectResult:
    """Effect of the treated programme on an outcome: naive, IPW and AIPW estimates.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    outcome : str
        Outcome column: 0/1 (or boolean) for risks, otherwise numeric.
    ps : PropensityResult
        Fitted propensity model.
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        Target population: everyone, the treated, or the overlap population.
    outcome_formula : str, optional
        Right-hand side of the outcome models of AIPW (fitted in each group); default:
        the propensity model's covariates.
    truncate : float, optional
        Cap the IPW weights at this quantile (as :func:`propensity_weights`); AIPW is
        not truncated.
    cluster : str, optional
        Column of clusters (e.g. ``"mentor_id"``) for cluster-robust standard errors.
    conf_level : float, default=0.95
        Confidence level.
    methods : sequence of {"naive", "ipw", "aipw"}, default: all three
        The estimators to compute (at register scale AIPW's two outcome models cost
        about as much as the rest together).

    Returns
    -------
    EffectResult
        ``table`` with one row per method and measure; ``plot()`` draws a forest plot;
        ``e_values()`` gives the E-values of the risk ratios.

    Notes
    -----
    *Naive*: difference (and ratio) of the group means, with the usual unpaired
    (Welch) standard errors. *IPW*: Hajek (normalised) weighted means with the weights
    of :func:`propensity_weights`; the standard error is the sandwich of the stacked
    estimating equations of the logistic propensity model and the two weighted means,
    so it accounts for the estimation of the scores (Lunceford & Davidian 2004).
    *AIPW*: the augmented IPW estimator with outcome models (logistic for a binary
    outcome, linear otherwise) fitted in each group; doubly robust: consistent if
    either the propensity or the outcome model is right. ATE:
    :math:`\\hat\\mu_a = n^{-1}\\sum_i [\\hat m_a(X_i) + 1\\{A_i=a\\}(Y_i-\\hat m_a(X_i))/
    \\hat P(A_i=a|X_i)]`; ATT: the comparison mean
    :math:`\\sum_i [A_i \\hat m_0 + (1-A_i)\\hat e/(1-\\hat e)(Y_i-\\hat m_0)] / \\sum_i A_i`.
    Its standard error is the empirical variance of the efficient influence function
    (Tsiatis 2006, ch. 13; computed in one pass, linear in n), valid without a
    correction for the estimated nuisance models because the score is orthogonal to
    them. ATO: the augmented overlap-weighting estimator (Mao, Li & Greene 2019),
    :math:`\\hat\\mu_a = \\sum_i h_i \\hat m_a(X_i) / \\sum_i h_i +` the overlap-weighted
    mean residual of arm *a*, with :math:`h = \\hat e(1-\\hat e)`; the overlap population
    is defined by the scores, so its sandwich standard error stacks the propensity
    model's score with the estimator's equations. Ratios use the delta method on the
    log scale. With ``cluster``, estimating functions are summed within clusters before
    forming the variance (no small-sample factor). Point estimates and SEs of a binary
    outcome are on the risk scale: a risk difference of 0.05 is 5 percentage points.

    References
    ----------
    Lunceford, J. K. & Davidian, M. (2004). Stratification and weighting via the
    propensity score in estimation of causal treatment effects. *Statistics in
    Medicine*, 23, 2937-2960. Tsiatis, A. A. (2006). *Semiparametric Theory and
    Missing Data*. Springer. Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018).
    Balancing covariates via propensity score weighting. *JASA*, 113, 390-400.
    Mao, H., Li, L. & Greene, T. (2019). Propensity score weighting analysis and
    treatment effect discovery. *Stat. Methods Med. Res.*, 28, 2439-2454.
    IPW point estimates agree with statsmodels ``GLM(var_weights=w)`` (1e-7), the
    IPW SE with a numerically differentiated stacked sandwich (1e-4), the per-arm
    outcome models with statsmodels ``GLM(Binomial)`` (1e-5), AIPW with an
    independent scikit-learn computation (1e-5).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> df["g"] = np.where(rng.random(2000) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(2000) < 1 / (1 + np.exp(-(df.x + 0.5 * (df.g == "a"))))) * 1.0
    >>> fit = programme_effect(df, "y", propensity_score(df, "g ~ x", treated="a"))
    >>> fit.table.query("measure == 'risk_difference'")["method"].tolist()
    ['naive', 'ipw', 'aipw']
    """
    check_data(data)
    check_columns(data, [outcome, cluster])
    check_one_of(estimand, ESTIMANDS, name="estimand")
    conf_level = check_conf_level(conf_level)
    _check_truncate(truncate)
    _check_same_rows(data, ps)
    if isinstance(methods, str) or not methods or not set(methods) <= {"naive", "ipw", "aipw"}:
        raise ValueError(
            f"methods must be a non-empty list from ['naive', 'ipw', 'aipw'], but was {methods!r}."
        )
    y, binary = _outcome_values(data, outcome)
    t = ps.treated.astype(float)
    e = ps.scores
    clusters = data[cluster].to_numpy() if cluster else None
    if clusters is not None and pd.isna(clusters).any():
        raise ValueError(
            f"cluster column {cluster!r} has missing values; every person needs a cluster "
            "(give people without a mentor their own id, or drop them)."
        )
    z = stats.norm.isf((1 - conf_level) / 2)
    n = len(y)

    rows = []
    if "naive" in methods:
        y1, y0 = np.compress(ps.treated, y), np.compress(~ps.treated, y)
        mu1, mu0 = y1.mean(), y0.mean()
        naive_cov = np.diag([y1.var(ddof=1) / len(y1), y0.var(ddof=1) / len(y0)])
        rows += _rows("naive", "unadjusted", mu1, mu0, naive_cov, binary, z, n)
    if "ipw" in methods:
        ipw = _ipw_fit(y, t, ps.design, e, ps.information, estimand, clusters, truncate)
        rows += _rows("ipw", estimand, *ipw, binary, z, n)
    if "aipw" in methods:
        if outcome_formula is None:
            x_outcome = ps.design
        else:
            _, x_outcome, _ = _design(data, "y ~ " + outcome_formula)
        aipw = _aipw_fit(
            y, t, x_outcome, e, estimand, binary, clusters, x_ps=ps.design,
            information=ps.information,
        )
        rows += _rows("aipw", estimand, *aipw, binary, z, n)
    return EffectResult(
        table=pd.DataFrame(rows),
        estimand=estimand,
        outcome=outcome,
        n=n,
        conf_level=conf_level,
        clustered=cluster is not None,
    )


@dataclass(frozen=True)
class EValueResult(TableResult):
    """E-values: how strong unmeasured confounding would have to be to explain a result.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per estimate: ``method``, ``estimate`` (risk ratio), ``ci_low``,
        ``ci_high``, ``e_value`` (for the estimate) and ``e_value_ci`` (for the
        confidence limit closest to 1; 1 when the interval includes 1; NaN without a
        CI).
    conf_level : float or None
        Confidence level of the intervals.
    """

    table: pd.DataFrame
    conf_level: float | None


def _e_single(rr: float) -> float:
    rr = rr if rr >= 1 else 1 / rr
    return float(rr + np.sqrt(rr * (rr - 1)))


def _e_value_table(estimates, lows, highs, *, methods, conf_level) -> EValueResult:
    rows = []
    for method, rr, lo, hi in zip(methods, estimates, lows, highs, strict=True):
        for name, value in (("estimate", rr), ("ci_low", lo), ("ci_high", hi)):
            if value is not None and not (np.isfinite(value) and value > 0):
                raise ValueError(
                    f"{name} must be a positive finite risk ratio, but was {value!r}; pass "
                    "ratios (not differences or log ratios)."
                )
        if lo is None or hi is None:
            limit = np.nan
        elif lo <= 1 <= hi:
            limit = 1.0
        else:
            limit = _e_single(lo if rr >= 1 else hi)
        rows.append(
            {
                "method": method,
                "estimate": float(rr),
                "ci_low": np.nan if lo is None else float(lo),
                "ci_high": np.nan if hi is None else float(hi),
                "e_value": _e_single(rr),
                "e_value_ci": limit,
            }
        )
    return EValueResult(table=pd.DataFrame(rows), conf_level=conf_level)


def e_value(
    estimate: float,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    conf_level: float | None = None,
) -> EValueResult:
    """E-values for a risk ratio and for the confidence limit closest to 1.

    Parameters
    ----------
    estimate : float
        Risk ratio (values below 1 are handled through :math:`1/RR`).
    ci_low, ci_high : float, optional
        Confidence limits of the risk ratio.
    conf_level : float, optional
        Their confidence level (recorded in the result).

    Returns
    -------
    EValueResult
        ``e_value`` is the minimum strength of association, on the risk-ratio scale,
        that an unmeasured confounder would need with *both* the programme and the
        outcome, beyond the measured covariates, to explain the estimate away;
        ``e_value_ci`` the same for moving the confidence interval to include 1.

    Notes
    -----
    :math:`E = RR + \\sqrt{RR(RR-1)}` for :math:`RR \\ge 1` (VanderWeele & Ding 2017);
    for :math:`RR < 1` apply it to :math:`1/RR`. For a risk difference, use the ratio
    of the same two adjusted risks (:meth:`EffectResult.e_values` does). The E-value
    makes no assumption about the confounder's prevalence; it is a bound, not an
    estimate.

    References
    ----------
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational
    research: introducing the E-value. *Annals of Internal Medicine*, 167, 268-274.
    Agrees with R ``EValue::evalues.RR`` (the paper's example: 7.26 and 3.00).

    Examples
    --------
    >>> r = e_value(3.9, 1.8, 8.7)
    >>> r.table[["e_value", "e_value_ci"]].round(2).to_numpy().tolist()
    [[7.26, 3.0]]
    """
    if conf_level is not None:
        conf_level = check_conf_level(conf_level)
    if (ci_low is None) != (ci_high is None):
        raise ValueError("pass both ci_low and ci_high, or neither.")
    return _e_value_table([estimate], [ci_low], [ci_high], methods=[None], conf_level=conf_level)


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
    formula: str,
    *,
    treated: object,
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
        One row per person.
    outcome : str
        Outcome column (0/1 or numeric).
    formula : str
        Propensity model formula, as in :func:`propensity_score`.
    treated : object
        The treated group's label.
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
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=500)})
    >>> df["g"] = np.where(rng.random(500) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(500) < 0.4 + 0.1 * (df.g == "a")).astype(float)
    >>> b = bootstrap_effect(df, "y", "g ~ x", treated="a", n_boot=50, rng=3)
    >>> b.table[["method", "measure"]].iloc[0].tolist(), int(b.table["n_boot"].iloc[0])
    (['ipw', 'risk_difference'], 50)
    """
    rng = check_rng(rng)
    conf_level = check_conf_level(conf_level)
    check_one_of(estimand, ESTIMANDS, name="estimand")
    check_data(data)
    check_columns(data, [outcome, cluster])
    _check_truncate(truncate)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise ValueError(f"n_boot must be an integer >= 2 (e.g. 1000), but was {n_boot!r}.")
    codes, n_units = resampling_units(data, cluster)
    ps = propensity_score(data, formula, treated=treated)
    full = programme_effect(
        data, outcome, ps, estimand=estimand, outcome_formula=outcome_formula, truncate=truncate
    ).table
    full = full[full["method"] != "naive"].reset_index(drop=True)
    x, t = ps.design, ps.treated.astype(float)
    x_out = x if outcome_formula is None else _design(data, "y ~ " + outcome_formula)[1]
    y, binary = _outcome_values(data, outcome)
    # Full-data solutions as starting values: a replicate then needs 2-3 Newton steps.
    ps_start = ps.table["estimate"].to_numpy()
    outcome_starts = (
        {
            arm: fit_logistic(take_rows(x_out, np.flatnonzero(t == arm)), y[t == arm])[:2]
            for arm in (0, 1)
        }
        if binary
        else None
    )
    columns = list(zip(full["method"], full["measure"], strict=True))
    draws = np.full((n_boot, len(columns)), np.nan)
    for b in range(n_boot):
        # A replicate is the data with frequency weights (how often each row was drawn);
        # rows not drawn are left out.
        counts = bootstrap_counts(codes, n_units, rng)
        rows = np.flatnonzero(counts)
        c, tb, yb = counts[rows], t[rows], y[rows]
        if tb.min() == tb.max():
            continue  # one group only: no estimate
        try:
            xb = take_rows(x, rows)
            e = fit_logistic(
                xb, tb, weights=c, start=ps_start, hessian=ps.information, exact=False
            )[2]
            e = np.clip(e, 1e-12, 1 - 1e-12)
            w, _, _ = _weight_arrays(e, tb.astype(bool), estimand, truncate, counts=c)
            fits = {
                "ipw": _ipw_means(yb, tb, w * c),
                "aipw": _aipw_fit(
                    yb, tb, xb if x_out is x else take_rows(x_out, rows), e, estimand,
                    binary, starts=outcome_starts, weights=c, with_cov=False, warn=False,
                )[:2],
            }
        except (ValueError, np.linalg.LinAlgError):
            continue  # counted in n_failed
        draws[b] = [
            fits[m][0] - fits[m][1] if measure != "risk_ratio" else fits[m][0] / fits[m][1]
            for m, measure in columns
        ]
    ok = ~np.isnan(draws).any(axis=1)
    alpha = 1 - conf_level
    good = draws[ok]
    is_ratio = (full["measure"] == "risk_ratio").to_numpy()
    spread = np.where(is_ratio, np.log(np.where(is_ratio, good, 1.0)), good)
    table = full[["method", "estimand", "measure", "estimate"]].assign(
        std_error=spread.std(axis=0, ddof=1),
        ci_low=np.quantile(good, alpha / 2, axis=0),
        ci_high=np.quantile(good, 1 - alpha / 2, axis=0),
        n_boot=int(ok.sum()),
        n_failed=int((~ok).sum()),
    )
    return BootstrapResult(
        table=table,
        conf_level=conf_level,
        cluster=cluster,
        n_clusters=n_units,
        draws=pd.DataFrame(draws, columns=[f"{m}_{k}" for m, k in columns]),
    )


@dataclass(frozen=True)
class MatchResult(TableResult):
    """Nearest-neighbour matching on the logit of the propensity score.

    Attributes
    ----------
    table : pandas.DataFrame
        Counts: ``n_treated``, ``n_matched`` (treated with a match), ``n_unmatched``
        (no control within the caliper or the exact stratum), ``n_controls_used``
        (distinct controls) and ``caliper`` (on the logit scale).
    pairs : pandas.DataFrame
        One row per matched pair: ``treated_row``, ``control_row`` (positions in the
        data) and ``pair`` (row-level: not shown in reprs).
    weights : numpy.ndarray
        Matching weights for every row: 1 for matched treated, the number of times a
        control is used, 0 otherwise (use with :func:`balance`).
    replace : bool
        Whether controls could be reused.
    """

    table: pd.DataFrame
    pairs: pd.DataFrame = field(repr=False)
    weights: np.ndarray = field(repr=False)
    replace: bool


def _greedy_nearest(sorted_values: np.ndarray, queries: np.ndarray, width: float) -> list[int]:
    """Greedy nearest-neighbour matching without replacement on a sorted scale.

    Each query in turn takes the nearest still-free value (ties: the lowest index)
    if it lies within ``width``; returns the index taken, or -1. Free neighbours are
    found through two union-find structures ("next free to the right / left") with
    path compression, so n queries cost about O(n log n) instead of O(n m).
    """
    values = sorted_values.tolist()
    m = len(values)
    right = list(range(m + 1))  # right[i]: smallest free index >= i (m: none)
    left = list(range(m + 1))  # left[i]: 1 + largest free index < i (0: none)

    def find(parent: list[int], i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    taken = []
    remaining = m
    for x in queries.tolist():
        if remaining == 0:
            taken.append(-1)
            continue
        pos = bisect.bisect_left(values, x)
        r = find(right, pos)
        lo = find(left, pos) - 1
        if lo >= 0:  # the first free index among values equal to values[lo]
            lo = find(right, bisect.bisect_left(values, values[lo]))
        if r == m or (lo >= 0 and x - values[lo] <= values[r] - x):
            best = lo
        else:
            best = r
        if abs(values[best] - x) <= width:
            right[best], left[best + 1] = best + 1, best
            remaining -= 1
            taken.append(best)
        else:
            taken.append(-1)
    return taken


def match(
    data: pd.DataFrame,
    ps: PropensityResult,
    *,
    caliper: float | None = 0.2,
    exact: Sequence[str] = (),
    replace: bool = False,
    rng: int | np.random.Generator | None = 0,
) -> MatchResult:
    """1:1 nearest-neighbour matching of treated to comparison people on the logit PS.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    ps : PropensityResult
        Fitted propensity model.
    caliper : float or None, default=0.2
        Maximum distance in standard deviations of the logit of the score (Austin
        2011 recommends 0.2); ``None`` for no caliper.
    exact : sequence of str, default=()
        Columns that must be equal within a pair (e.g. ``["site"]``).
    replace : bool, default=False
        Whether a comparison person may be matched to several treated people.
    rng : int or numpy.random.Generator, default=0
        Seed of the random order in which treated people pick (greedy matching
        without replacement).

    Returns
    -------
    MatchResult

    Notes
    -----
    Greedy matching: treated people, in random order, take the nearest available
    comparison person within the caliper and exact stratum. Estimates from matched
    data target the effect on the treated who could be matched (ATT on the matched);
    report how many could not.

    References
    ----------
    Austin, P. C. (2011). Optimal caliper widths for propensity-score matching.
    *Pharmaceutical Statistics*, 10, 150-161. Greedy nearest-neighbour matching as
    R ``MatchIt::matchit(method = "nearest", distance = "glm", link = "linear.logit")``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600)})
    >>> df["g"] = np.where(rng.random(600) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> m = match(df, propensity_score(df, "g ~ x", treated="a"), caliper=0.2, rng=1)
    >>> counts = m.table.iloc[0]
    >>> bool(counts["n_matched"] + counts["n_unmatched"] == (df.g == "a").sum())
    True
    """
    check_data(data)
    check_columns(data, list(exact))
    rng = check_rng(rng)
    _check_same_rows(data, ps)
    if caliper is not None and not (isinstance(caliper, (int, float)) and caliper > 0):
        raise ValueError(
            f"caliper must be a positive number of SDs of the logit score (0.2 is usual) or "
            f"None for no caliper, but was {caliper!r}."
        )
    e = np.clip(ps.scores, 1e-12, 1 - 1e-12)
    logit = np.log(e / (1 - e))
    width = np.inf if caliper is None else caliper * logit.std(ddof=1)
    strata = (
        data[list(exact)].astype(str).agg("|".join, axis=1).to_numpy()
        if exact
        else np.zeros(len(data), dtype=int)
    )
    treated_rows, control_rows = [], []
    for stratum in np.unique(strata):
        t_rows = np.flatnonzero(ps.treated & (strata == stratum))
        c_rows = np.flatnonzero(~ps.treated & (strata == stratum))
        if len(c_rows) == 0:
            continue
        order = np.argsort(logit[c_rows], kind="stable")
        c_sorted, c_logit = c_rows[order], logit[c_rows][order]
        if replace:
            pos = np.searchsorted(c_logit, logit[t_rows])
            left = np.clip(pos - 1, 0, len(c_logit) - 1)
            right = np.clip(pos, 0, len(c_logit) - 1)
            pick = np.where(
                np.abs(c_logit[left] - logit[t_rows]) <= np.abs(c_logit[right] - logit[t_rows]),
                left,
                right,
            )
            ok = np.abs(c_logit[pick] - logit[t_rows]) <= width
            treated_rows.extend(t_rows[ok])
            control_rows.extend(c_sorted[pick[ok]])
            continue
        order = rng.permutation(t_rows)
        for row, best in zip(order, _greedy_nearest(c_logit, logit[order], width), strict=True):
            if best >= 0:
                treated_rows.append(row)
                control_rows.append(c_sorted[best])
    pairs = (
        pd.DataFrame(
            {
                "treated_row": np.asarray(treated_rows, dtype=int),
                "control_row": np.asarray(control_rows, dtype=int),
            }
        )
        .sort_values("treated_row", kind="stable")
        .reset_index(drop=True)
    )
    pairs["pair"] = np.arange(len(pairs))
    weights = np.zeros(len(data))
    weights[pairs["treated_row"].to_numpy()] = 1.0
    np.add.at(weights, pairs["control_row"].to_numpy(), 1.0)
    n_treated = int(ps.treated.sum())
    table = pd.DataFrame(
        [
            {
                "n_treated": n_treated,
                "n_matched": len(pairs),
                "n_unmatched": n_treated - len(pairs),
                "n_controls_used": int(pairs["control_row"].nunique()),
                "caliper": float(width),
            }
        ]
    )
    return MatchResult(table=table, pairs=pairs, weights=weights, replace=replace)


def matched_effect(
    data: pd.DataFrame, outcome: str, matched: MatchResult, *, conf_level: float = 0.95
) -> EffectResult:
    """Effect on the matched treated: mean difference within matched pairs.

    Parameters
    ----------
    data : pandas.DataFrame
        The data that was matched.
    outcome : str
        Outcome column (0/1 or numeric).
    matched : MatchResult
        The matching.
    conf_level : float, default=0.95
        Confidence level.

    Returns
    -------
    EffectResult
        One ``matching`` row (``risk_difference`` or ``mean_difference``; for a binary
        outcome also ``risk_ratio``), estimand ``ATT`` (the matched treated).

    Notes
    -----
    Without replacement the pairs are independent and the standard error is that of
    the mean of the :math:`n_1` pair differences :math:`d_i` (paired analysis; Austin
    2011), identical to a paired t-test's. With replacement a control used
    :math:`K_j` times enters several pairs; the variance is Abadie & Imbens' (2006)
    form for one match,
    :math:`[\\sum_i (d_i - \\hat\\tau)^2 + \\sum_j K_j(K_j-1)\\hat\\sigma_0^2] / n_1^2`,
    with :math:`\\hat\\sigma_0^2` the outcome variance of the used controls
    (homoscedastic), which does not account for the estimated score (conservative for
    the ATT; Abadie & Imbens 2016). The risk ratio uses the delta method on the log
    scale with the same covariance.

    References
    ----------
    Abadie, A. & Imbens, G. W. (2006). Large sample properties of matching estimators
    for average treatment effects. *Econometrica*, 74, 235-267. Austin, P. C. (2011).
    An introduction to propensity score methods for reducing the effects of
    confounding in observational studies. *Multivariate Behav. Res.*, 46, 399-424.
    Without replacement the SE equals ``scipy.stats.ttest_rel``'s (1e-7).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600)})
    >>> df["g"] = np.where(rng.random(600) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(600) < 0.4 + 0.1 * (df.g == "a")).astype(float)
    >>> m = match(df, propensity_score(df, "g ~ x", treated="a"), rng=1)
    >>> matched_effect(df, "y", m).table["measure"].tolist()
    ['risk_difference', 'risk_ratio']
    """
    conf_level = check_conf_level(conf_level)
    check_data(data)
    check_columns(data, [outcome])
    if len(matched.weights) != len(data):
        raise ValueError(
            f"the matching was done on {len(matched.weights)} rows but data has {len(data)}; "
            "pass the data that was matched."
        )
    if len(matched.pairs) < 2:
        raise ValueError(
            f"only {len(matched.pairs)} matched pair(s): widen the caliper or drop exact "
            "matching variables."
        )
    y, binary = _outcome_values(data, outcome)
    y1 = y[matched.pairs["treated_row"].to_numpy()]
    y0 = y[matched.pairs["control_row"].to_numpy()]
    n1 = len(y1)
    mu1, mu0 = y1.mean(), y0.mean()
    if matched.replace:
        uses = matched.pairs["control_row"].value_counts().to_numpy(dtype=float)
        d = y1 - y0
        var_diff = np.sum((d - d.mean()) ** 2) + np.sum(uses * (uses - 1)) * y0.var(ddof=1)
        var_diff /= n1**2
        var1 = y1.var(ddof=1) / n1
        cov01 = (var1 + (y0.var(ddof=1) * np.sum(uses**2) / n1**2) - var_diff) / 2
        cov = np.array([[var1, cov01], [cov01, y0.var(ddof=1) * np.sum(uses**2) / n1**2]])
    else:
        cov = np.cov(y1, y0, ddof=1) / n1
    z = stats.norm.isf((1 - conf_level) / 2)
    return EffectResult(
        table=pd.DataFrame(_rows("matching", "ATT", mu1, mu0, cov, binary, z, 2 * n1)),
        estimand="ATT",
        outcome=outcome,
        n=len(np.unique(matched.pairs[["treated_row", "control_row"]].to_numpy())),
        conf_level=conf_level,
        clustered=False,
    )


@dataclass(frozen=True)
class RosenbaumResult(TableResult):
    """Rosenbaum bounds for matched pairs with a binary outcome.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per ``gamma``: ``p_upper`` (upper bound of the one-sided p-value of no
        effect), ``n_discordant``, ``n_treated_better``.
    gamma_critical : float
        The smallest examined ``gamma`` at which ``p_upper`` exceeds ``alpha`` (NaN if
        none does): the hidden bias the result withstands is below it.
    alpha : float
        The significance level used for ``gamma_critical``.
    """

    table: pd.DataFrame
    gamma_critical: float
    alpha: float

    def plot(self, ax=None):
        """Upper p-value bound against gamma, with ``alpha``; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3))
        ax.plot(self.table["gamma"], self.table["p_upper"], marker="o")
        ax.axhline(self.alpha, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("gamma: odds of hidden bias within a pair")
        ax.set_ylabel("upper bound of the p-value")
        return ax


def rosenbaum_bounds(
    data: pd.DataFrame,
    outcome: str,
    matched: MatchResult,
    *,
    gammas: Sequence[float] = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0),
    alpha: float = 0.05,
) -> RosenbaumResult:
    """Rosenbaum sensitivity bounds for a binary outcome in matched pairs (McNemar).

    Parameters
    ----------
    data : pandas.DataFrame
        The matched data.
    outcome : str
        Binary (0/1) outcome column.
    matched : MatchResult
        Matching without replacement.
    gammas : sequence of float
        Odds ratios of hidden bias to examine (each >= 1).
    alpha : float, default=0.05
        Level for ``gamma_critical``.

    Returns
    -------
    RosenbaumResult

    Notes
    -----
    Among pairs with different outcomes, under no effect and hidden bias at most
    :math:`\\Gamma` (two matched people's odds of being treated differ by at most
    that factor), the number of pairs in which the treated person has the better
    outcome is stochastically below Binomial(:math:`D`, :math:`\\Gamma/(1+\\Gamma)`);
    ``p_upper`` is its upper tail (Rosenbaum 2002, section 4.3). At
    :math:`\\Gamma = 1` it is the exact one-sided McNemar test. It bounds the test
    of a positive effect: read it when the treated do better.

    References
    ----------
    Rosenbaum, P. R. (2002). *Observational Studies*, 2nd ed., Springer. Agrees with
    R ``rbounds::binarysens`` and, at gamma 1, with ``scipy.stats.binomtest`` (1e-7).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600)})
    >>> df["g"] = np.where(rng.random(600) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> df["y"] = (rng.random(600) < 0.3 + 0.3 * (df.g == "a")).astype(float)
    >>> m = match(df, propensity_score(df, "g ~ x", treated="a"), rng=1)
    >>> r = rosenbaum_bounds(df, "y", m, gammas=[1, 2, 3, 4])
    >>> r.table["p_upper"].round(3).tolist(), r.gamma_critical
    ([0.0, 0.0, 0.011, 0.141], 4.0)
    """
    check_data(data)
    check_columns(data, [outcome])
    if matched.replace:
        raise ValueError("Rosenbaum bounds need independent pairs: match with replace=False.")
    gammas = [float(g) for g in gammas]
    if not gammas or min(gammas) < 1:
        raise ValueError(f"gammas must be values >= 1 (1 = no hidden bias), but were {gammas}.")
    y, binary = _outcome_values(data, outcome)
    if not binary:
        raise ValueError(
            f"outcome {outcome!r} must be 0/1 for McNemar-type bounds; for a continuous "
            "outcome use the E-value of the adjusted estimate."
        )
    y1 = y[matched.pairs["treated_row"].to_numpy()]
    y0 = y[matched.pairs["control_row"].to_numpy()]
    better = int(np.sum((y1 == 1) & (y0 == 0)))
    discordant = int(np.sum(y1 != y0))
    rows = [
        {
            "gamma": gamma,
            "p_upper": float(stats.binom.sf(better - 1, discordant, gamma / (1 + gamma))),
            "n_discordant": discordant,
            "n_treated_better": better,
        }
        for gamma in gammas
    ]
    table = pd.DataFrame(rows)
    over = table.loc[table["p_upper"] > alpha, "gamma"]
    return RosenbaumResult(
        table=table, gamma_critical=float(over.min()) if len(over) else np.nan, alpha=alpha
    )


@dataclass(frozen=True)
class TrimResult(TableResult):
    """The data restricted to a propensity-score range, with who was excluded.

    Attributes
    ----------
    table : pandas.DataFrame
        By group: ``n_before``, ``n_excluded``, ``n_after``.
    excluded : pandas.DataFrame or None
        Who was excluded, compared with who was kept, on the ``describe`` columns: one
        row per variable (level) with ``mean_kept``, ``mean_excluded`` (proportions for
        levels) and ``smd`` (excluded minus kept). Small cells are blank: all means
        when fewer than ``threshold`` people were excluded, and a proportion when it
        stands for 1 to ``threshold - 1`` people (or all but that many of the
        excluded). ``None`` without ``describe``.
    data : pandas.DataFrame
        The kept rows, re-indexed 0..n-1 (row-level: not shown in reprs).
    bounds : tuple of float
        The propensity-score range kept.
    """

    table: pd.DataFrame
    excluded: pd.DataFrame | None
    data: pd.DataFrame = field(repr=False)
    bounds: tuple[float, float]


def trim(
    data: pd.DataFrame,
    ps: PropensityResult,
    *,
    bounds: tuple[float, float] | None = None,
    describe: Sequence[str] = (),
    threshold: int = 10,
) -> TrimResult:
    """Keep people whose propensity score lies in a range (default: the common support).

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on.
    ps : PropensityResult
        Fitted propensity model.
    bounds : (float, float), optional
        Scores to keep, e.g. ``(0.1, 0.9)`` (Crump et al. 2009); default: the common
        support of the two groups.
    describe : sequence of str, default=()
        Columns on which to compare the excluded with the kept people.
    threshold : int, default=10
        Small-cell threshold: the profile of fewer excluded people is not shown.

    Returns
    -------
    TrimResult
        Refit the propensity model on ``result.data`` before estimating effects: the
        estimates then hold for the people kept, not for the excluded.

    Notes
    -----
    Trimming changes the target population; it is the honest response to a lack of
    overlap (nobody comparable in the other group), not a statistical nuisance.
    Crump et al. (2009) show that keeping scores within [0.1, 0.9] is close to optimal
    for the variance of the ATE in many settings.

    References
    ----------
    Crump, R. K., Hotz, V. J., Imbens, G. W. & Mitnik, O. A. (2009). Dealing with
    limited overlap in estimation of average treatment effects. *Biometrika*, 96,
    187-199.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=500) * 2})
    >>> df["g"] = np.where(rng.random(500) < 1 / (1 + np.exp(-df.x)), "a", "b")
    >>> kept = trim(df, propensity_score(df, "g ~ x", treated="a"), bounds=(0.1, 0.9))
    >>> bool(kept.table["n_excluded"].sum() == 500 - len(kept.data))
    True
    """
    check_data(data)
    check_columns(data, list(describe))
    _check_same_rows(data, ps)
    low, high = ps.support if bounds is None else bounds
    if not 0 <= low < high <= 1:
        raise ValueError(
            f"bounds must satisfy 0 <= low < high <= 1, but were {(low, high)}; e.g. "
            "bounds=(0.1, 0.9)."
        )
    keep = (ps.scores >= low) & (ps.scores <= high)
    table = pd.DataFrame(
        [
            {
                "group": label,
                "n_before": int(member.sum()),
                "n_excluded": int((member & ~keep).sum()),
                "n_after": int((member & keep).sum()),
            }
            for label, member in ((ps.treated_label, ps.treated), ("comparison", ~ps.treated))
        ]
    )
    excluded = None
    if describe and (~keep).any() and keep.any():
        smd = standardized_mean_difference(
            data[list(describe)].assign(_kept=keep), list(describe), "_kept", reference=True
        ).table
        excluded = pd.DataFrame(
            {
                "variable": smd["variable"],
                "level": smd["level"],
                "mean_kept": smd["mean_reference"],
                "mean_excluded": smd["mean_other"],
                "smd": smd["smd"],
            }
        )
        # Small cells: a proportion of few people (or of all but few) reveals a count.
        n_out, n_in = int((~keep).sum()), int(keep.sum())
        binary = (smd["kind"] == "binary").to_numpy()
        counts_out = np.where(binary, smd["mean_other"] * n_out, threshold)
        counts_in = np.where(binary, smd["mean_reference"] * n_in, threshold)
        small_out = ((counts_out > 0.5) & (counts_out < threshold - 0.5)) | (
            (n_out - counts_out > 0.5) & (n_out - counts_out < threshold - 0.5) & binary
        )
        small_in = (counts_in > 0.5) & (counts_in < threshold - 0.5)
        if n_out < threshold:
            small_out[:] = True
        excluded.loc[small_out, ["mean_excluded", "smd"]] = np.nan
        excluded.loc[small_in, ["mean_kept", "smd"]] = np.nan
    return TrimResult(
        table=table,
        excluded=excluded,
        data=data.loc[keep].reset_index(drop=True),
        bounds=(float(low), float(high)),
    )


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
    """

    table: pd.DataFrame
    curves: object = field(repr=False)
    estimand: str
    cause: str
    conf_level: float
    cluster: str | None

    def plot(self, ax=None):
        """Adjusted cumulative incidence of ``cause`` in each group; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        curves = self.curves.table
        part = curves[curves["cause"] == self.cause]
        for i, (group, rows) in enumerate(part.groupby("group", sort=False)):
            t = np.r_[0.0, rows["time"].to_numpy()]
            ax.step(t, np.r_[0.0, rows["estimate"]], where="post", color=f"C{i}", label=group)
        for h in self.table["horizon"].unique():
            ax.axvline(h, color="grey", linewidth=0.5, linestyle=":")
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        ax.set_xlabel("time since intake")
        ax.set_ylabel(f"cumulative incidence of {self.cause} ({self.estimand}-weighted)")
        ax.legend(frameon=False)
        return ax


def _weighted_cif_contrasts(frame, time, event, group, treated_label, cause, horizons):
    """CIF differences at horizons and the RMTL difference up to the last horizon."""
    from evalkit.survival import cumulative_incidence, restricted_mean_time

    curves = cumulative_incidence(frame, time, event, group=group, weights="_w")
    at = [curves.at(h) for h in horizons]
    values = []
    for table in at:
        rows = table[table["cause"] == cause].set_index("group")["estimate"]
        values.append((float(rows[treated_label]), float(rows.drop(treated_label).iloc[0])))
    rm = restricted_mean_time(
        frame, time, event, horizon=max(horizons), group=group, cause=cause, weights="_w"
    ).table.set_index("group")["estimate"]
    values.append((float(rm[treated_label]), float(rm.drop(treated_label).iloc[0])))
    return curves, values


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
    horizons : sequence of float, default=(6, 12)
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
    import warnings

    check_data(data)
    check_columns(data, [time, event, cluster])
    check_one_of(estimand, ESTIMANDS, name="estimand")
    conf_level = check_conf_level(conf_level)
    rng = check_rng(rng)
    _check_same_rows(data, ps)
    horizons = [float(h) for h in horizons]
    if not horizons or min(horizons) <= 0:
        raise ValueError(f"horizons must be positive times, but were {horizons}.")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise ValueError(f"n_boot must be an integer >= 2 (e.g. 200), but was {n_boot!r}.")
    causes = set(data[event].astype(str))
    if cause not in causes:
        raise ValueError(
            f"cause must be one of the exits in {event!r} ({sorted(causes)}), but was {cause!r}."
        )
    group_name = "_arm"
    labels = np.where(ps.treated, str(ps.treated_label), "comparison")
    frame = pd.DataFrame(
        {time: data[time].to_numpy(), event: data[event].to_numpy(), group_name: labels}
    )
    treated_label = str(ps.treated_label)
    frame["_w"] = propensity_weights(ps, estimand=estimand).weights
    curves, point = _weighted_cif_contrasts(
        frame, time, event, group_name, treated_label, cause, horizons
    )
    x, t = ps.design, ps.treated.astype(float)
    start = ps.table["estimate"].to_numpy()
    codes, n_units = resampling_units(data, cluster)
    draws = np.full((n_boot, len(point)), np.nan)
    for b in range(n_boot):
        counts = bootstrap_counts(codes, n_units, rng)
        rows = np.flatnonzero(counts)
        c, tb = counts[rows], t[rows]
        if tb.min() == tb.max():
            continue
        try:
            e = fit_logistic(
                take_rows(x, rows), tb, weights=c, start=start, hessian=ps.information,
                exact=False,
            )[2]
            e = np.clip(e, 1e-12, 1 - 1e-12)
            fb = frame.iloc[rows].reset_index(drop=True)
            fb["_w"] = c * np.where(tb == 1, *_tilting(e, estimand))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EvalkitWarning)
                _, values = _weighted_cif_contrasts(
                    fb, time, event, group_name, treated_label, cause, horizons
                )
        except ValueError:
            continue  # a replicate whose follow-up ends before the horizon: counted out
        draws[b] = [a - c for a, c in values]
    ok = ~np.isnan(draws).any(axis=1)
    alpha = 1 - conf_level
    good = draws[ok]
    table = pd.DataFrame(
        {
            "measure": ["cif_difference"] * len(horizons) + ["rmtl_difference"],
            "horizon": [*horizons, max(horizons)],
            "estimate": [a - c for a, c in point],
            "mean_treated": [a for a, _ in point],
            "mean_comparison": [c for _, c in point],
            "std_error": good.std(axis=0, ddof=1),
            "ci_low": np.quantile(good, alpha / 2, axis=0),
            "ci_high": np.quantile(good, 1 - alpha / 2, axis=0),
            "n_boot": int(ok.sum()),
        }
    )
    return AdjustedCurvesResult(
        table=table,
        curves=curves,
        estimand=estimand,
        cause=cause,
        conf_level=conf_level,
        cluster=cluster,
    )
