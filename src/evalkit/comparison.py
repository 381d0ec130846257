"""A fair comparison of two programmes that enrol different people.

Propensity scores with overlap diagnostics, weights for the ATE, ATT and overlap
population (ATO), covariate balance before and after weighting, and effect estimates
for a binary (or continuous) outcome: the naive difference, inverse probability
weighting (IPW) and the doubly robust augmented IPW (AIPW), with influence-function
standard errors, E-values for unmeasured confounding, and a seeded (cluster) bootstrap.

Typical use::

    ps = propensity_score(df, "programme ~ C(education) + months_unemployed",
                          treated="DUO for a JOB")
    fit = programme_effect(df, "job_12m", ps, estimand="ATE")
    fit.table            # naive, IPW and AIPW side by side
    balance(df, covariates, ps, estimand="ATE").plot()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_conf_level, check_data, check_one_of, check_rng
from evalkit.descriptives import standardized_mean_difference
from evalkit.errors import EvalkitWarning

__all__ = [
    "BalanceResult",
    "EffectResult",
    "PropensityResult",
    "balance",
    "bootstrap_effect",
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
    from formulaic import model_matrix

    lhs, _, rhs = formula.partition("~")
    if not rhs.strip():
        raise ValueError(
            f"formula must be 'group ~ covariates', but was {formula!r}; e.g. "
            "'programme ~ age + C(education)'."
        )
    matrix = model_matrix("1 + " + rhs, data, na_action="raise")
    x = np.asarray(matrix, dtype=float)
    # Levels of a categorical that nobody in the data has (pandas keeps unused
    # categories) give all-zero columns that carry no information: leave them out.
    used = np.any(x != 0, axis=0)
    return lhs.strip(), x[:, used], [t for t, u in zip(matrix.columns, used, strict=True) if u]


def _logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    start: np.ndarray | None = None,
    with_cov: bool = True,
    tol: float = 1e-12,
    max_iter: int = 100,
):
    """Maximum likelihood logistic regression by Newton-Raphson (IRLS).

    Returns the coefficients, their model-based covariance (inverse information) and
    the fitted probabilities. One iteration costs one pass forming ``X'WX`` (n k^2),
    which is what makes the weighting estimators cheap at register scale. Converges
    on the relative change of the deviance, like R's ``glm`` and statsmodels, so that
    quasi-separated data end with fitted probabilities near 0 or 1 (which
    :func:`propensity_score` then reports) rather than an error. ``start`` (e.g. the
    full-data solution for a bootstrap replicate) saves most iterations.
    """
    beta = np.zeros(x.shape[1]) if start is None else np.array(start, dtype=float)
    eta = x @ beta
    deviance = np.inf
    for _ in range(max_iter):
        p = expit(eta)
        info = x.T @ (x * (p * (1.0 - p))[:, None])
        beta = beta + np.linalg.lstsq(info, x.T @ (y - p), rcond=None)[0]
        eta = x @ beta
        new = 2.0 * np.sum(np.logaddexp(0.0, eta) - y * eta)
        if abs(new - deviance) <= tol * (abs(new) + 0.1):
            break
        deviance = new
    else:
        raise ValueError(
            f"the logistic model did not converge in {max_iter} Newton steps; a covariate "
            "probably separates the groups: remove it or restrict the data."
        )
    p = expit(eta)
    if not with_cov:
        return beta, None, p
    info = x.T @ (x * (p * (1.0 - p))[:, None])
    return beta, np.linalg.pinv(info), p


def _linear(x: np.ndarray, y: np.ndarray):
    """Least squares coefficients (for the outcome models of a continuous outcome)."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return beta


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
    labels = data[group].dropna().unique().tolist()
    if treated not in labels:
        raise ValueError(f"treated must be one of {labels}, but was {treated!r}.")
    if len(labels) != 2:
        raise ValueError(
            f"group column {group!r} must have exactly 2 values, but has {labels}; filter the "
            "data to the two programmes to compare."
        )
    t = (data[group] == treated).to_numpy()
    beta, cov, scores = _logistic(x, t.astype(float))
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
    low = max(scores[t].min(), scores[~t].min())
    high = min(scores[t].max(), scores[~t].max())
    overlap = pd.DataFrame(
        [
            {
                "group": label,
                "n": int(member.sum()),
                "min": scores[member].min(),
                "max": scores[member].max(),
                "n_outside": int(((scores < low) | (scores > high))[member].sum()),
            }
            for label, member in ((treated, t), ("comparison", ~t))
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


def propensity_weights(
    ps: PropensityResult,
    *,
    estimand: str = "ATE",
    stabilize: bool = False,
    truncate: float | None = None,
) -> np.ndarray:
    """Weights that balance the groups for an estimand.

    Parameters
    ----------
    ps : PropensityResult
        The fitted propensity model.
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        ATE: inverse probability weights ``1/e`` and ``1/(1-e)``; ATT: 1 for the
        treated and ``e/(1-e)`` for the comparison group; ATO: overlap weights
        ``1-e`` and ``e`` (Li, Morgan & Zaslavsky 2018), which target the people
        who could plausibly be in either programme and are bounded.
    stabilize : bool, default=False
        Multiply the ATE weights by the marginal group proportions (the weighted
        estimates are unchanged; the weights average about 1).
    truncate : float, optional
        Cap weights at this quantile (e.g. 0.99); changes the estimand slightly.

    Returns
    -------
    numpy.ndarray
        One weight per row of the data the model was fitted on.
    """
    check_one_of(estimand, ESTIMANDS, name="estimand")
    w1, w0 = _tilting(ps.scores, estimand)
    w = np.where(ps.treated, w1, w0)
    if stabilize and estimand == "ATE":
        p = ps.treated.mean()
        w = w * np.where(ps.treated, p, 1 - p)
    if truncate is not None:
        if not 0.5 < truncate < 1:
            raise ValueError(f"truncate must be a quantile in (0.5, 1), but was {truncate!r}.")
        w = np.minimum(w, np.quantile(w, truncate))
    return w


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``."""
    return float(weights.sum() ** 2 / np.dot(weights, weights))


@dataclass(frozen=True)
class BalanceResult(TableResult):
    """Covariate balance before and after weighting.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variable (level): ``smd_before``, ``smd_after``,
        ``variance_ratio_before``, ``variance_ratio_after`` and ``balanced``
        (``|smd_after| < threshold``).
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
        """Whether every covariate meets the threshold after weighting."""
        return bool(self.table["balanced"].all())

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
    estimand: str = "ATE",
    weights: np.ndarray | None = None,
    threshold: float = 0.1,
) -> BalanceResult:
    """Standardized mean differences before and after propensity weighting.

    Parameters
    ----------
    data : pandas.DataFrame
        The data the propensity model was fitted on (same rows, same order).
    covariates : sequence of str
        Covariates to check (categorical ones give one row per level).
    ps : PropensityResult
        The fitted model (defines the groups and, unless ``weights`` is given, the
        weights).
    estimand : {"ATE", "ATT", "ATO"}, default="ATE"
        Which weights to use.
    weights : numpy.ndarray, optional
        Explicit weights (e.g. truncated); overrides ``estimand``.
    threshold : float, default=0.1
        Balance is declared when |SMD| after weighting is below it.

    Returns
    -------
    BalanceResult

    Notes
    -----
    SMDs use the unweighted pooled standard deviation in the denominator before and
    after weighting, so the two columns are on the same scale (cobalt's convention;
    :func:`evalkit.descriptives.standardized_mean_difference`).
    """
    check_data(data)
    if len(data) != len(ps.scores):
        raise ValueError(
            f"data has {len(data)} rows but the propensity model was fitted on "
            f"{len(ps.scores)}; pass the same data."
        )
    w = propensity_weights(ps, estimand=estimand) if weights is None else np.asarray(weights)
    frame = data[list(covariates)].assign(_group=ps.treated, _w=w)
    before = standardized_mean_difference(frame, covariates, "_group", reference=False).table
    after = standardized_mean_difference(
        frame, covariates, "_group", reference=False, weights="_w"
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
    return BalanceResult(
        table=table,
        threshold=threshold,
        effective_n={
            str(ps.treated_label): effective_sample_size(w[ps.treated]),
            "comparison": effective_sample_size(w[~ps.treated]),
        },
    )


@dataclass(frozen=True)
class EffectResult(TableResult):
    """Programme effect estimates: naive, IPW and doubly robust, side by side.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per method and measure: ``method`` (``naive``, ``ipw``, ``aipw``),
        ``measure`` (``risk_difference``, ``risk_ratio``; ``mean_difference`` for a
        continuous outcome), ``estimate``, ``std_error`` (of the estimate, or of its
        log for ratios), ``ci_low``, ``ci_high``, ``p_value`` (H0: no effect), and the
        potential-outcome means ``mean_treated`` and ``mean_comparison``.
    estimand : str
        ATE, ATT or ATO.
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

    def plot(self, ax=None, *, measure: str | None = None):
        """Forest plot of one measure across methods; returns the Axes."""
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
        ax.set_yticks(y, rows["method"])
        ax.invert_yaxis()
        ax.set_xlabel(f"{measure.replace('_', ' ')} ({self.estimand}, {self.conf_level:.0%} CI)")
        return ax


def _cluster_sum(psi: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """Sum estimating-function rows within clusters (identity without clusters)."""
    if clusters is None:
        return psi
    codes, _ = pd.factorize(clusters)
    out = np.zeros((codes.max() + 1, psi.shape[1]))
    np.add.at(out, codes, psi)
    return out


def _sandwich(psi: np.ndarray, bread: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """Variance ``A^-1 B A^-T`` of an M-estimator from its estimating functions."""
    meat = _cluster_sum(psi, clusters)
    b = meat.T @ meat
    a_inv = np.linalg.inv(bread)
    return a_inv @ b @ a_inv.T


def _ipw_means(y, t, e, estimand):
    """Hajek (normalised) weighted means of the outcome in each group."""
    w1, w0 = _tilting(e, estimand)
    mu1 = np.sum(t * w1 * y) / np.sum(t * w1)
    mu0 = np.sum((1 - t) * w0 * y) / np.sum((1 - t) * w0)
    return mu1, mu0


def _ipw_fit(y, t, x, e, estimand, clusters):
    """Hajek IPW means with a stacked M-estimation variance (propensity model included)."""
    k = x.shape[1]
    w1, w0 = _tilting(e, estimand)
    d1, d0 = _tilting_derivative(e, estimand)
    mu1, mu0 = _ipw_means(y, t, e, estimand)
    r1 = t * (y - mu1)
    r0 = (1 - t) * (y - mu0)
    psi = np.column_stack([x * (t - e)[:, None], w1 * r1, w0 * r0])
    bread = np.zeros((k + 2, k + 2))
    bread[:k, :k] = (x * (e * (1 - e))[:, None]).T @ x
    bread[k, :k] = -(d1 * r1) @ x
    bread[k + 1, :k] = -(d0 * r0) @ x
    bread[k, k] = np.sum(t * w1)
    bread[k + 1, k + 1] = np.sum((1 - t) * w0)
    cov = _sandwich(psi, bread, clusters)
    return mu1, mu0, cov[k:, k:]


def _outcome_predictions(y, t, x, binary, starts=None):
    """Predicted outcome of everyone under each arm, from a model fitted in each arm."""
    import warnings

    preds = []
    for arm in (1, 0):
        member = t == arm
        # A dummy that is all zero within a group (a level nobody in that group has)
        # cannot be estimated there; the group's model leaves it out.
        keep = np.any(x[member] != 0, axis=0)
        if not keep.all():
            warnings.warn(
                f"{int((~keep).sum())} design column(s) are all zero in one group; that "
                "group's outcome model leaves them out (a covariate level is absent there).",
                EvalkitWarning,
                stacklevel=4,
            )
        xk = x[:, keep]
        if binary:
            start = starts[arm] if starts is not None and keep.all() else None
            beta = _logistic(xk[member], y[member], start=start, with_cov=False)[0]
            preds.append(expit(xk @ beta))
        else:
            preds.append(xk @ _linear(xk[member], y[member]))
    return preds


def _aipw_fit(y, t, x_outcome, e, estimand, binary, clusters, starts=None):
    """AIPW means and their influence-function covariance."""
    m1, m0 = _outcome_predictions(y, t, x_outcome, binary, starts)
    n = len(y)
    if estimand == "ATE":
        phi1 = m1 + t * (y - m1) / e
        phi0 = m0 + (1 - t) * (y - m0) / (1 - e)
        mu1, mu0 = phi1.mean(), phi0.mean()
        psi = np.column_stack([phi1 - mu1, phi0 - mu0])
        scale = n
    else:  # ATT: treated mean observed; comparison mean doubly robust
        p = t.mean()
        mu1 = np.sum(t * y) / np.sum(t)
        phi0 = t * m0 + (1 - t) * e / (1 - e) * (y - m0)
        mu0 = np.sum(phi0) / np.sum(t)
        psi = np.column_stack([t * (y - mu1) / p, (phi0 - t * mu0) / p])
        scale = n
    meat = _cluster_sum(psi, clusters)
    cov = meat.T @ meat / scale**2
    return mu1, mu0, cov


def _rows(method, mu1, mu0, cov, binary, z, conf_level):
    """Tidy rows (difference, and ratio for a binary outcome) from two means."""
    diff = mu1 - mu0
    se = float(np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]))
    rows = [
        {
            "method": method,
            "measure": "risk_difference" if binary else "mean_difference",
            "estimate": diff,
            "std_error": se,
            "ci_low": diff - z * se,
            "ci_high": diff + z * se,
            "p_value": 2 * stats.norm.sf(abs(diff) / se),
            "mean_treated": mu1,
            "mean_comparison": mu0,
        }
    ]
    if binary:
        grad = np.array([1 / mu1, -1 / mu0])
        se_log = float(np.sqrt(grad @ cov @ grad))
        log_rr = np.log(mu1 / mu0)
        rows.append(
            {
                "method": method,
                "measure": "risk_ratio",
                "estimate": mu1 / mu0,
                "std_error": se_log,
                "ci_low": np.exp(log_rr - z * se_log),
                "ci_high": np.exp(log_rr + z * se_log),
                "p_value": 2 * stats.norm.sf(abs(log_rr) / se_log),
                "mean_treated": mu1,
                "mean_comparison": mu0,
            }
        )
    return rows


def programme_effect(
    data: pd.DataFrame,
    outcome: str,
    ps: PropensityResult,
    *,
    estimand: str = "ATE",
    outcome_formula: str | None = None,
    cluster: str | None = None,
    conf_level: float = 0.95,
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
        Target population: everyone, the treated, or the overlap population
        (AIPW is given for ATE and ATT).
    outcome_formula : str, optional
        Right-hand side of the outcome models of AIPW (fitted in each group); default:
        the propensity model's covariates.
    cluster : str, optional
        Column of clusters (e.g. ``"mentor_id"``) for cluster-robust standard errors.
    conf_level : float, default=0.95
        Confidence level.

    Returns
    -------
    EffectResult

    Notes
    -----
    *Naive*: difference (and ratio) of the group means, with the usual unpaired
    standard errors. *IPW*: Hajek (normalised) weighted means with the weights of
    :func:`propensity_weights`; the standard error is the sandwich of the stacked
    estimating equations of the logistic propensity model and the two weighted means,
    so it accounts for the estimation of the scores (Lunceford & Davidian 2004).
    *AIPW*: the augmented IPW estimator with outcome models (logistic for a binary
    outcome, linear otherwise) in each group, doubly robust: consistent if either the
    propensity or the outcome model is right; its standard error is the empirical
    variance of the efficient influence function (Tsiatis 2006, ch. 13). Ratios use the
    delta method on the log scale. With ``cluster``, estimating functions are summed
    within clusters before forming the variance.

    References
    ----------
    Lunceford, J. K. & Davidian, M. (2004). Stratification and weighting via the
    propensity score in estimation of causal treatment effects. *Statistics in
    Medicine*, 23, 2937-2960. Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018).
    Balancing covariates via propensity score weighting. *JASA*, 113, 390-400.
    The IPW point estimates agree with statsmodels ``GLM`` with ``var_weights``.
    """
    check_data(data)
    check_columns(data, [outcome, cluster])
    check_one_of(estimand, ESTIMANDS, name="estimand")
    conf_level = check_conf_level(conf_level)
    if len(data) != len(ps.scores):
        raise ValueError(
            f"data has {len(data)} rows but the propensity model was fitted on "
            f"{len(ps.scores)}; pass the same data."
        )
    values = data[outcome]
    if values.isna().any():
        rows = data.index[values.isna()][:5].tolist()
        raise ValueError(
            f"outcome {outcome!r} is missing in rows {rows}; define the outcome for everyone "
            "(e.g. drop people followed for less than the horizon, and report how many)."
        )
    y = values.to_numpy(dtype=float)
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    t = ps.treated.astype(float)
    e = ps.scores
    clusters = data[cluster].to_numpy() if cluster else None
    z = stats.norm.isf((1 - conf_level) / 2)

    n1, n0 = t.sum(), (1 - t).sum()
    mu1, mu0 = y[t == 1].mean(), y[t == 0].mean()
    naive_cov = np.diag([y[t == 1].var(ddof=1) / n1, y[t == 0].var(ddof=1) / n0])
    rows = _rows("naive", mu1, mu0, naive_cov, binary, z, conf_level)
    rows += _rows("ipw", *_ipw_fit(y, t, ps.design, e, estimand, clusters), binary, z, conf_level)
    if estimand != "ATO":
        if outcome_formula is None:
            x_outcome = ps.design
        else:
            _, x_outcome, _ = _design(data, "y ~ " + outcome_formula)
        rows += _rows(
            "aipw",
            *_aipw_fit(y, t, x_outcome, e, estimand, binary, clusters),
            binary,
            z,
            conf_level,
        )
    return EffectResult(
        table=pd.DataFrame(rows),
        estimand=estimand,
        outcome=outcome,
        n=len(y),
        conf_level=conf_level,
        clustered=cluster is not None,
    )


def e_value(estimate: float, ci_low: float | None = None, ci_high: float | None = None):
    """E-values for a risk ratio and for the confidence limit closest to 1.

    Parameters
    ----------
    estimate : float
        Risk ratio (use ``1/RR`` symmetry: values below 1 are handled).
    ci_low, ci_high : float, optional
        Confidence limits of the risk ratio.

    Returns
    -------
    pandas.DataFrame
        ``quantity`` (``estimate``, ``ci_limit``) and ``e_value``: the minimum strength
        of association (risk-ratio scale) that an unmeasured confounder would need with
        both the programme and the outcome to explain away the estimate (or to move the
        CI to include 1; 1 when it already does).

    Notes
    -----
    :math:`E = RR + \\sqrt{RR(RR-1)}` for :math:`RR \\ge 1` (VanderWeele & Ding 2017);
    for :math:`RR < 1` use :math:`1/RR`.

    References
    ----------
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational
    research: introducing the E-value. *Annals of Internal Medicine*, 167, 268-274.

    Examples
    --------
    >>> float(e_value(3.9).loc[0, "e_value"].round(2))
    7.26
    """

    def single(rr: float) -> float:
        if not rr > 0:
            raise ValueError(f"a risk ratio must be positive, but was {rr!r}.")
        rr = rr if rr >= 1 else 1 / rr
        return float(rr + np.sqrt(rr * (rr - 1)))

    rows = [{"quantity": "estimate", "e_value": single(estimate)}]
    if ci_low is not None and ci_high is not None:
        if ci_low <= 1 <= ci_high:
            limit = 1.0
        else:
            limit = single(ci_low if estimate >= 1 else ci_high)
        rows.append({"quantity": "ci_limit", "e_value": limit})
    return pd.DataFrame(rows)


def bootstrap_effect(
    data: pd.DataFrame,
    outcome: str,
    formula: str,
    *,
    treated: object,
    estimand: str = "ATE",
    n_boot: int = 200,
    cluster: str | None = None,
    conf_level: float = 0.95,
    rng: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Percentile bootstrap CIs of the IPW and AIPW differences.

    Resamples people (or whole clusters, e.g. mentors) with replacement and refits
    the propensity and outcome models in each replicate (the design matrix is built
    once; each replicate costs a few Newton steps).

    Returns
    -------
    pandas.DataFrame
        ``method``, ``estimate`` (on the original data), ``ci_low``, ``ci_high``,
        ``n_boot``.
    """
    import warnings

    rng = check_rng(rng)
    conf_level = check_conf_level(conf_level)
    check_one_of(estimand, ESTIMANDS, name="estimand")
    check_columns(data, [outcome, cluster])
    ps = propensity_score(data, formula, treated=treated)
    full = programme_effect(data, outcome, ps, estimand=estimand).table
    diff = full[full["measure"].isin(["risk_difference", "mean_difference"])].set_index("method")
    methods = [m for m in diff.index if m != "naive"]
    x, t = ps.design, ps.treated.astype(float)
    y = data[outcome].to_numpy(dtype=float)
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    # Full-data solutions as starting values: a replicate then needs 2-3 Newton steps.
    ps_start = ps.table["estimate"].to_numpy()
    outcome_starts = (
        {arm: _logistic(x[t == arm], y[t == arm])[0] for arm in (0, 1)} if binary else None
    )
    codes, uniques = pd.factorize(data[cluster] if cluster else pd.RangeIndex(len(data)))
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    sizes = np.diff(starts)
    draws = np.empty((n_boot, len(methods)))
    for b in range(n_boot):
        picked = rng.integers(0, len(uniques), len(uniques))
        lengths = sizes[picked]
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        index = order[np.repeat(starts[picked], lengths) + offsets]
        xb, tb, yb = x[index], t[index], y[index]
        with warnings.catch_warnings():
            # A replicate may lack a rare covariate level; its estimate is still what
            # the percentile interval needs.
            warnings.simplefilter("ignore", EvalkitWarning)
            e = np.clip(_logistic(xb, tb, start=ps_start, with_cov=False)[2], 1e-12, 1 - 1e-12)
            fits = {"ipw": _ipw_means(yb, tb, e, estimand)}
            if "aipw" in methods:
                fits["aipw"] = _aipw_fit(yb, tb, xb, e, estimand, binary, None, outcome_starts)
        draws[b] = [fits[m][0] - fits[m][1] for m in methods]
    alpha = 1 - conf_level
    return pd.DataFrame(
        {
            "method": methods,
            "estimate": [float(diff.loc[m, "estimate"]) for m in methods],
            "ci_low": np.quantile(draws, alpha / 2, axis=0),
            "ci_high": np.quantile(draws, 1 - alpha / 2, axis=0),
            "n_boot": n_boot,
        }
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
    *Pharmaceutical Statistics*, 10, 150-161.
    """
    check_data(data)
    check_columns(data, list(exact))
    rng = check_rng(rng)
    if len(data) != len(ps.scores):
        raise ValueError(
            f"data has {len(data)} rows but the propensity model was fitted on "
            f"{len(ps.scores)}; pass the same data."
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
        available = np.ones(len(c_sorted), dtype=bool)
        for row in rng.permutation(t_rows):
            free = np.flatnonzero(available)
            if free.size == 0:
                break
            distance = np.abs(c_logit[free] - logit[row])
            best = free[np.argmin(distance)]
            if abs(c_logit[best] - logit[row]) <= width:
                available[best] = False
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
        outcome also ``risk_ratio``), estimand ``ATT``.

    Notes
    -----
    Without replacement the pairs are independent and the standard error is that of
    the mean of the pair differences (paired analysis; Austin 2011). With
    replacement a control used :math:`K_j` times enters the variance
    :math:`(\\sum_i s_1^2 + \\sum_j K_j^2 s_0^2)/n_1^2`, with :math:`s_1^2, s_0^2` the
    outcome variances of the matched treated and controls (the homoscedastic form of
    Abadie & Imbens 2006, not accounting for the estimated score).
    """
    conf_level = check_conf_level(conf_level)
    check_columns(data, [outcome])
    if len(matched.pairs) < 2:
        raise ValueError(
            f"only {len(matched.pairs)} matched pair(s): widen the caliper or drop exact "
            "matching variables."
        )
    y = data[outcome].to_numpy(dtype=float)
    y1 = y[matched.pairs["treated_row"].to_numpy()]
    y0 = y[matched.pairs["control_row"].to_numpy()]
    n1 = len(y1)
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    mu1, mu0 = y1.mean(), y0.mean()
    if matched.replace:
        uses = matched.pairs["control_row"].value_counts().to_numpy(dtype=float)
        var_diff = (n1 * y1.var(ddof=1) + np.sum(uses**2) * y0.var(ddof=1)) / n1**2
        cov = np.array([[y1.var(ddof=1) / n1, 0.0], [0.0, var_diff - y1.var(ddof=1) / n1]])
    else:
        cov = np.cov(y1, y0, ddof=1) / n1
    z = stats.norm.isf((1 - conf_level) / 2)
    return EffectResult(
        table=pd.DataFrame(_rows("matching", mu1, mu0, cov, binary, z, conf_level)),
        estimand="ATT",
        outcome=outcome,
        n=2 * n1,
        conf_level=conf_level,
        clustered=False,
    )


def rosenbaum_bounds(
    data: pd.DataFrame,
    outcome: str,
    matched: MatchResult,
    *,
    gammas: Sequence[float] = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0),
) -> pd.DataFrame:
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
        Odds ratios of hidden bias to examine.

    Returns
    -------
    pandas.DataFrame
        ``gamma``, ``p_upper`` (one-sided upper bound of the p-value of "no effect"
        when an unmeasured confounder can change the odds of treatment within a pair
        by up to ``gamma``), ``n_discordant``, ``n_treated_better``.

    Notes
    -----
    Among pairs with different outcomes, under no effect and hidden bias at most
    :math:`\\Gamma`, the number of pairs in which the treated person has the better
    outcome is stochastically below Binomial(:math:`D`, :math:`\\Gamma/(1+\\Gamma)`);
    the bound is its upper tail (Rosenbaum 2002, section 4.3; R ``rbounds::binarysens``).
    Read: the smallest :math:`\\Gamma` at which ``p_upper`` exceeds 0.05 is how much
    hidden bias would make the result no longer significant.
    """
    if matched.replace:
        raise ValueError("Rosenbaum bounds need independent pairs: match with replace=False.")
    y = data[outcome].to_numpy(dtype=float)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"outcome {outcome!r} must be 0/1 for McNemar-type bounds.")
    y1 = y[matched.pairs["treated_row"].to_numpy()]
    y0 = y[matched.pairs["control_row"].to_numpy()]
    better = int(np.sum((y1 == 1) & (y0 == 0)))
    discordant = int(np.sum(y1 != y0))
    rows = []
    for gamma in gammas:
        p = gamma / (1 + gamma)
        rows.append(
            {
                "gamma": float(gamma),
                "p_upper": float(stats.binom.sf(better - 1, discordant, p)),
                "n_discordant": discordant,
                "n_treated_better": better,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class TrimResult(TableResult):
    """The data restricted to a propensity-score range, with who was excluded.

    Attributes
    ----------
    table : pandas.DataFrame
        By group: ``n_before``, ``n_excluded``, ``n_after``.
    data : pandas.DataFrame
        The kept rows, re-indexed 0..n-1 (row-level: not shown in reprs).
    bounds : tuple of float
        The propensity-score range kept.
    """

    table: pd.DataFrame
    data: pd.DataFrame = field(repr=False)
    bounds: tuple[float, float]


def trim(data: pd.DataFrame, ps: PropensityResult, *, bounds: tuple[float, float] | None = None):
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

    Returns
    -------
    TrimResult
        Refit the propensity model on ``result.data`` before estimating effects.
    """
    if len(data) != len(ps.scores):
        raise ValueError(
            f"data has {len(data)} rows but the propensity model was fitted on "
            f"{len(ps.scores)}; pass the same data."
        )
    low, high = ps.support if bounds is None else bounds
    if not 0 <= low < high <= 1:
        raise ValueError(f"bounds must satisfy 0 <= low < high <= 1, but were {(low, high)}.")
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
    return TrimResult(
        table=table, data=data.loc[keep].reset_index(drop=True), bounds=(float(low), float(high))
    )
