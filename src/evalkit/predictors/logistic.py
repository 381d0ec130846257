"""Which characteristics go with finding work? Odds ratios and average marginal effects.

:func:`odds_ratios` fits a logistic regression and reports odds ratios, average marginal
effects (percentage points) and joint tests of each term, with model-based or
cluster-robust confidence intervals. These are associations, not effects.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.arrays import indicator_counts
from evalkit._stats.intervals import normal_p_value, normal_quantile
from evalkit._validation import (
    check_cluster,
    check_columns,
    check_conf_level,
    check_data,
    check_one_of,
)
from evalkit._warning_texts import warning_text
from evalkit.errors import DisclosureWarning, EvalkitWarning
from evalkit.predictors.intake import predictor_timing
from evalkit.predictors.marginal_effects import _average_marginal_effects
from evalkit.predictors.model_frame import (
    _check_separation_cells,
    _design_matrix,
    _formula_variables,
    _model_frame,
    _split_formula,
    _term_labels,
    _wrapped_in_c,
)
from evalkit.reporting.catalogue import column_label, text, value_label
from evalkit.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    PublicationSpec,
    check_threshold,
    publish,
    rare_indicators,
)
from evalkit.reporting.format import format_level

__all__ = ["MIN_CLUSTERS", "MIN_EVENTS_PER_VARIABLE", "OddsRatioResult", "odds_ratios"]

#: Fewer events (or non-events) per estimated coefficient than this: over-fitting risk.
MIN_EVENTS_PER_VARIABLE = 10
#: Fewer clusters than this: cluster-robust standard errors are unreliable.
MIN_CLUSTERS = 20
#: Fitted probabilities this close to 0 or 1 signal (quasi-)complete separation.
_SEPARATION_EPS = 1e-8
_OR_ESTIMATES = ("estimate", "ci_low", "ci_high", "log_odds_ratio", "std_error", "p_value",
                 "p_value_holm")
_AME_ESTIMATES = ("estimate", "std_error", "ci_low", "ci_high", "p_value")
_LEVEL_COUNTS = ("n_with", "n_without")
_FIT_STATISTICS = ("loglik", "loglik_null", "pseudo_r2", "aic", "events_per_variable")


def _published_estimates(columns: tuple[str, ...]) -> PublicationSpec:
    """A model table whose rows are blanked where few people have (or lack) the level."""
    return PublicationSpec(
        counts=_LEVEL_COUNTS,
        derived=columns,
        margins=(("variable", "level"),),
        decimals={**dict.fromkeys(columns, 3), **{p: 4 for p in columns if p.startswith("p_")}},
        dimensions=("variable", "level"),
    )


@dataclass(frozen=True)
class OddsRatioResult(TableResult):
    """A logistic regression reported as odds ratios and average marginal effects.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per coefficient (intercept excluded): ``term`` (design column),
        ``variable``, ``level`` and ``reference`` (for categorical terms: the level
        compared and the reference level; missing for numeric terms), ``n_with`` and
        ``n_without`` (people with and without a 0/1 term's level; all people and 0
        for other terms: :func:`evalkit._stats.arrays.indicator_counts`), ``estimate``
        (odds ratio), ``ci_low``, ``ci_high`` (of the odds ratio), ``log_odds_ratio``
        and its ``std_error``, ``p_value`` and ``p_value_holm`` (Holm-adjusted over the
        rows of the table).
    marginal_effects : pandas.DataFrame
        Average marginal effects in percentage points, one row per numeric variable and
        per non-reference level of each categorical variable: ``variable``, ``level``,
        ``reference``, ``kind`` (``"contrast"``: everyone at ``level`` vs everyone at
        ``reference``; ``"derivative"``: per unit of a numeric variable), ``n_with``,
        ``n_without`` (as in ``table``, of the level's design column), ``estimate``,
        ``std_error``, ``ci_low``, ``ci_high``, ``p_value``.
    terms : pandas.DataFrame
        Joint Wald test of each model term (all levels of a categorical at once):
        ``term``, ``df``, ``statistic`` (chi-squared), ``p_value``, ``p_value_holm``.
        ``df`` is the rank of the term's covariance block, which is below the number
        of levels when a cluster-robust covariance rests on too few clusters.
    formula : str
        The model formula.
    n : int
        Observations used.
    n_events : int
        Observations with outcome 1.
    n_parameters : int
        Coefficients estimated, intercept excluded.
    events_per_variable : float
        ``min(events, non-events) / n_parameters``.
    n_clusters : int or None
        Number of clusters of the robust standard errors.
    conf_level : float
        Confidence level.
    cov_type : str
        ``"nonrobust"`` (inverse information) or ``"cluster"``.
    loglik : float
        Log-likelihood of the model.
    loglik_null : float
        Log-likelihood of the intercept-only model,
        ``n [ȳ log ȳ + (1 − ȳ) log(1 − ȳ)]`` (as statsmodels' ``llnull``, also for a
        formula without intercept).
    pseudo_r2 : float
        McFadden's pseudo-R², ``1 − loglik / loglik_null``.
    aic : float
        ``−2 loglik + 2 k`` with ``k`` the coefficients, intercept included.
    intercept : bool
        Whether ``table`` has the intercept row (first).
    """

    table: pd.DataFrame
    marginal_effects: pd.DataFrame
    terms: pd.DataFrame
    formula: str
    n: int
    n_events: int
    n_parameters: int
    events_per_variable: float
    n_clusters: int | None
    conf_level: float
    cov_type: str
    loglik: float = float("nan")
    loglik_null: float = float("nan")
    pseudo_r2: float = float("nan")
    aic: float = float("nan")
    intercept: bool = False

    #: How the tables are published: the estimates of a level that fewer than the
    #: threshold people have (or lack) are blanked with its counts (the two add up to
    #: ``n``: both go), as :func:`evalkit.reporting.disclosure.rare_indicators`; rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": _published_estimates(_OR_ESTIMATES),
        "marginal_effects": _published_estimates(_AME_ESTIMATES),
        "summary": PublicationSpec(
            counts=("n", "n_events"), derived=_FIT_STATISTICS,
            decimals={"loglik": 2, "loglik_null": 2, "pseudo_r2": 3, "aic": 1},
            complements=(("n", "n_events"),),
        ),
    }

    @property
    def summary(self) -> pd.DataFrame:
        """One row: ``n``, ``n_events``, ``n_parameters``, ``loglik``, ``loglik_null``,
        ``pseudo_r2`` (McFadden), ``aic``, ``events_per_variable``."""
        return pd.DataFrame({
            "n": [self.n], "n_events": [self.n_events], "n_parameters": [self.n_parameters],
            "loglik": [self.loglik], "loglik_null": [self.loglik_null],
            "pseudo_r2": [self.pseudo_r2], "aic": [self.aic],
            "events_per_variable": [self.events_per_variable],
        })

    def plot(
        self, ax=None, *, scale: str = "odds_ratio", threshold: int = DEFAULT_THRESHOLD,
        language: str = "en",
    ):
        """Forest plot; returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        scale : {"odds_ratio", "marginal_effect"}, default="odds_ratio"
            Odds ratios on a log axis (reference line at 1), or average marginal
            effects in percentage points (reference line at 0).
        threshold : int, default=10
            Levels that fewer people have (or lack) are listed without an estimate.
        language : str, default="en"
            Language of the axis label and of the predictors and their levels (the
            report catalogue's).

        Raises
        ------
        ValueError
            For another ``scale``, ``threshold`` below 5, or an unknown ``language``.

        Warns
        -----
        DisclosureWarning
            If ``threshold`` is below 10.
        """
        check_one_of(scale, ["odds_ratio", "marginal_effect"], name="scale")
        part = "table" if scale == "odds_ratio" else "marginal_effects"
        shown = publish(self, part, threshold=threshold).table["estimate"].notna()
        rows = getattr(self, part)
        rows = rows.assign(**{c: rows[c].where(shown) for c in ("estimate", "ci_low", "ci_high")})
        rows = rows[rows["term"] != "Intercept"] if part == "table" else rows
        labels = [
            text("figure.level_versus", language, variable=column_label(v, language),
                 level=value_label(lv, language), reference=value_label(rf, language))
            if isinstance(lv, str) and isinstance(rf, str)
            else text("figure.per_unit", language, variable=column_label(v, language))
            for v, lv, rf in zip(rows["variable"], rows["level"], rows["reference"], strict=True)
        ]
        if scale == "odds_ratio" and (rows["term"] != rows["variable"]).any():
            labels = [
                lab if t.startswith(v) else t
                for lab, t, v in zip(labels, rows["term"], rows["variable"], strict=True)
            ]
        ax = axes(ax, (6.5, 0.28 * len(rows) + 1.2))
        y = np.arange(len(rows))
        est = rows["estimate"].to_numpy()
        ax.errorbar(
            est,
            y,
            xerr=[est - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - est],
            fmt="o",
            color="C0",
            capsize=3,
        )
        if scale == "odds_ratio":
            from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

            ax.axvline(1.0, color="grey", linewidth=1)
            ax.set_xscale("log")
            low, high = rows["ci_low"].min(), rows["ci_high"].max()
            ticks = [t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10) if low / 1.5 <= t <= high * 1.5]
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel(text("figure.odds_ratio_ci", language,
                               level=format_level(self.conf_level, language)))
        else:
            ax.axvline(0.0, color="grey", linewidth=1)
            ax.set_xlabel(text("figure.marginal_effect_ci", language,
                               level=format_level(self.conf_level, language)))
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        return ax


def odds_ratios(
    data: pd.DataFrame,
    formula: str,
    *,
    reference: Mapping[str, object] | None = None,
    cluster: str | None = None,
    conf_level: float = 0.95,
    intercept: bool = False,
    intake_columns: Sequence[str] | None = None,
    min_count: int | None = None,
) -> OddsRatioResult:
    """Logistic regression reported as odds ratios and average marginal effects.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person. Rows with missing values in the model's columns are an
        error (drop them explicitly and report how many).
    formula : str
        ``"outcome ~ terms"`` with a 0/1 (or boolean) outcome, e.g.
        ``"job_within_12m ~ age + education + language_level + single_parent"``.
        Text, boolean and categorical columns are dummy-coded against a reference level;
        ``C(x)`` makes a numeric column categorical; interactions (``age:gender``) and
        transformations (``I(age ** 2)``) are allowed.
    reference : mapping, optional
        Reference level per categorical variable, e.g. ``{"education": "upper
        secondary"}``. Variables not named use their first category (the data
        dictionary's order for loaded data; sorted order for text; ``False`` for
        booleans). Every reference used is shown in the ``reference`` columns.
    cluster : str, optional
        Column of clusters (``"mentor_id"``) for cluster-robust standard errors;
        otherwise model-based standard errors (inverse information).
    conf_level : float, default=0.95
        Confidence level.
    intercept : bool, default=False
        Add the intercept as the first row of ``table`` (``term`` ``"Intercept"``:
        its ``estimate`` is the odds of the outcome at the reference levels and 0 for
        the numeric terms; left out of ``p_value_holm`` (NaN), of the marginal effects
        and of the plot).
    intake_columns : sequence of str, optional
        Deprecated, without effect: any column of ``data`` but identifiers may be a
        predictor of this association model. (The leakage guard belongs to
        prediction: :func:`cross_validate_models` still takes ``intake_columns``.)
    min_count : int, optional
        Disclosure control for published tables: the odds ratio and marginal effect
        of a level that fewer than ``min_count`` people have (or lack) are blanked and
        flagged ``suppressed`` (:func:`evalkit.reporting.disclosure.rare_indicators`); the model
        itself is unchanged. E.g. the report's threshold, 10 (5 at the least). The
        published tables (``publish(result, "table")``) blank the same levels at the
        publication threshold from ``n_with`` and ``n_without``.

    Returns
    -------
    OddsRatioResult
        ``table`` (odds ratios), ``marginal_effects`` (percentage points), ``terms``
        (joint tests), events per variable and the design; ``suppressed`` marks
        blanked rows.

    Raises
    ------
    TypeError
        When ``data`` is not a DataFrame.
    ValueError
        For identifier columns as predictors, unknown columns, missing values (in the model's
        columns or the cluster column; a column missing in every row is named as
        such), a non-binary outcome, an unknown reference level, collinear terms,
        ``conf_level`` outside (0, 1), (quasi-)complete separation, i.e. a level or
        combination that predicts the outcome perfectly (the message names it), or
        ``min_count`` below 5.

    Warns
    -----
    EvalkitWarning
        When there are fewer than 10 events (or non-events) per coefficient (odds ratios
        are then biased away from 1 and CIs too narrow), when cluster-robust
        standard errors rest on fewer than 20 clusters, and when a predictor is only
        known after intake by the data dictionary (completion, exit, an outcome such
        as ``job_within_6m``): the other odds ratios are then conditional on
        something that happened during the programme.
    DisclosureWarning
        If ``min_count`` is below 10.
    DeprecationWarning
        If ``intake_columns`` is given.

    Notes
    -----
    Maximum likelihood by Newton-Raphson (statsmodels ``Logit``) on the design matrix
    built by formulaic. The odds ratio of a term is :math:`e^{\\hat\\beta}` with CI
    :math:`e^{\\hat\\beta \\pm z\\,se}`. Cluster-robust covariance is the sandwich
    :math:`c\\,H^{-1}(\\sum_g s_g s_g^\\top)H^{-1}` with score sums :math:`s_g` per
    cluster and :math:`c = \\frac{G}{G-1}\\frac{n-1}{n-k}` (statsmodels' default, as
    Stata). ``p_value_holm`` controls the family-wise error over the table's rows
    (Holm 1979); ``terms`` gives one joint Wald test per variable, which is the test to
    read for a categorical with several levels. With many terms, read unadjusted
    p-values as exploratory.

    Average marginal effects (AME) are in percentage points. For a categorical
    variable, level *L* vs the reference *R*:
    :math:`\\frac{1}{n}\\sum_i [p_i(x_i \\text{ with } L) - p_i(x_i \\text{ with } R)]`,
    everyone's other characteristics as observed (Stata ``margins, dydx(i.x)``; R
    ``marginaleffects::avg_comparisons``). For 0/1 numeric columns the same with 1 vs
    0, and for other numeric variables the mean derivative
    :math:`\\frac{1}{n}\\sum_i \\partial p_i / \\partial x`, through all terms that
    contain the variable. Standard errors by the delta method with the (robust)
    covariance of :math:`\\hat\\beta`. For models with a single categorical dummy per
    variable these equal statsmodels' ``get_margeff(at="overall", dummy=True)``
    (tested to 1e-8); for variables with three or more levels statsmodels' dummy
    effects switch one dummy on with the others as observed, which is not a
    level-vs-reference comparison, and differ.

    An odds ratio is an association conditional on the other terms, not the effect of
    changing the characteristic. Fit statistics: ``loglik``, ``loglik_null`` (the
    intercept-only model), McFadden's pseudo-R² ``1 − ℓ/ℓ₀`` and AIC ``−2ℓ + 2k``
    (statsmodels ``Logit``'s ``llf``, ``llnull``, ``prsquared``, ``aic``; R's
    ``logLik`` and ``AIC`` of ``glm``), in ``summary``.

    Any column may be a predictor, as in statsmodels or R: unlike a prediction model,
    an association model is not made useless by a column recorded after intake, but
    its meaning changes (the odds ratio of age given completion is not that of age),
    hence the warning; identifiers are refused (one dummy per person, and their
    values would become row labels).

    References
    ----------
    Peduzzi, P. et al. (1996). A simulation study of the number of events per variable
    in logistic regression analysis. *J Clin Epidemiol* 49(12), 1373–1379.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. *J Human Resources* 50(2), 317–372.
    McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior.
    In P. Zarembka (ed.), *Frontiers in Econometrics*, 105–142. Academic Press.
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scand J Statist* 6, 65–70.
    Agrees with statsmodels ``Logit``/``GLM(Binomial)`` (estimates and SEs, plain and
    cluster-robust) to 1e-8.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"age": rng.integers(18, 60, 500).astype(float)})
    >>> df["job"] = (rng.random(500) < 1 / (1 + np.exp(-0.05 * (df.age - 40)))).astype(int)
    >>> r = odds_ratios(df, "job ~ age")
    >>> r.table[["term", "estimate"]].round(3).to_dict("records")
    [{'term': 'age', 'estimate': 1.055}]
    >>> round(float(r.marginal_effects.loc[0, "estimate"]), 1)  # percentage points per year
    1.2
    """
    check_data(data)
    conf_level = check_conf_level(conf_level)
    if min_count is not None:
        min_count = check_threshold(min_count, name="min_count")
    outcome, rhs = _split_formula(formula)
    check_columns(data, [outcome])
    check_cluster(data, cluster)
    variables = _formula_variables(rhs, data)
    _screen_predictors(variables, outcome, intake_columns)
    frame = _model_frame(
        data,
        outcome,
        variables,
        dict(reference or {}),
        [cluster] if cluster else [],
        _wrapped_in_c(rhs, variables),
    )
    y = frame[outcome].to_numpy(dtype=float)
    _check_separation_cells(frame, outcome, variables)
    spec, names, x = _design_matrix(rhs, frame)
    clusters = None if cluster is None else _cluster_codes(frame[cluster], cluster)
    beta, cov, loglik = _fit_logit(y, x, names, clusters)
    z = normal_quantile(conf_level)
    n_parameters = len(names) - ("Intercept" in names)
    epv = _events_per_variable(y, n_parameters)
    table = _odds_ratio_table(_term_labels(spec, frame), names, beta, cov, z, intercept)
    terms = _term_tests(spec, names, beta, cov)
    marginal = _average_marginal_effects(spec, frame, variables, x, names, beta, cov, z)
    table, marginal = _with_level_counts(table, marginal, x, names)
    rare = []
    if min_count is not None:
        with warnings.catch_warnings():  # checked (and warned about) above
            warnings.simplefilter("ignore", DisclosureWarning)
            rare = rare_indicators(x, names, min_count)
    table, marginal = _blank_rare_levels(table, marginal, rare)
    return OddsRatioResult(
        table=table,
        marginal_effects=marginal,
        terms=terms,
        formula=formula,
        n=len(y),
        n_events=int(y.sum()),
        n_parameters=n_parameters,
        events_per_variable=float(epv),
        n_clusters=None if clusters is None else int(clusters.max() + 1),
        conf_level=conf_level,
        cov_type="cluster" if cluster else "nonrobust",
        intercept=intercept,
        **_fit_statistics(y, loglik, len(names)),
    )


def _fit_statistics(y: np.ndarray, loglik: float, k: int) -> dict[str, float]:
    """Log-likelihoods, McFadden's pseudo-R² and AIC of a model with ``k`` coefficients."""
    p = y.mean()
    null = float(len(y) * (p * np.log(p) + (1 - p) * np.log1p(-p)))
    return {"loglik": loglik, "loglik_null": null, "pseudo_r2": 1.0 - loglik / null,
            "aic": -2.0 * loglik + 2.0 * k}


def _screen_predictors(
    variables: list[str], outcome: str, intake_columns: Sequence[str] | None
) -> None:
    """Refuse identifiers and the outcome as predictors; warn about post-intake columns."""
    if intake_columns is not None:
        warnings.warn(
            "odds_ratios(intake_columns=...) has no effect any more: any column of the "
            "data but identifiers may be a predictor of an association model (the leakage "
            "guard applies to cross_validate_models). Drop the argument.",
            DeprecationWarning,
            stacklevel=3,
        )
    kinds = predictor_timing(variables, outcome=outcome)
    if kinds["id"] or outcome in variables:
        bad = kinds["id"] + ([outcome] if outcome in variables else [])
        raise ValueError(
            f"predictors {bad} are not allowed: identifiers and the outcome itself cannot "
            "predict the outcome (an identifier gives one term per person); remove them "
            "from the formula."
        )
    later = kinds["after"] + kinds["outcome"]
    if later:
        warnings.warn(
            warning_text("warning.logistic.post_intake", predictors=later),
            EvalkitWarning,
            stacklevel=3,
        )


def _cluster_codes(clusters: pd.Series, cluster: str) -> np.ndarray:
    """Integer codes of the clusters; warns when there are too few for robust SEs."""
    codes = pd.factorize(clusters)[0]
    n_clusters = int(codes.max() + 1)
    if n_clusters < MIN_CLUSTERS:
        warnings.warn(
            warning_text("warning.logistic.few_clusters", n=n_clusters, cluster=repr(cluster),
                         minimum=MIN_CLUSTERS),
            EvalkitWarning,
            stacklevel=3,
        )
    return codes


def _fit_logit(
    y: np.ndarray, x: np.ndarray, names: list[str], clusters: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Coefficients, their (cluster-robust) covariance and the log-likelihood by
    statsmodels' Newton ``Logit``; refuses a fit that diverges (separation)."""
    import statsmodels.api as sm

    fit_kw: dict = {}
    if clusters is not None:
        fit_kw = {"cov_type": "cluster", "cov_kwds": {"groups": clusters}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.Logit(y, pd.DataFrame(x, columns=names)).fit(
            method="newton", maxiter=100, disp=0, **fit_kw
        )
        p_hat = fit.predict()
        finite = bool(np.all(np.isfinite(fit.bse)))
    extreme = int(np.sum((p_hat < _SEPARATION_EPS) | (p_hat > 1 - _SEPARATION_EPS)))
    converged = fit.mle_retvals["converged"]
    if not converged or extreme or not finite:
        worst = fit.bse.drop("Intercept", errors="ignore").sort_values(ascending=False)
        raise ValueError(
            "(quasi-)complete separation: the outcome is perfectly predicted for "
            f"{extreme} people and the estimates diverge (Newton-Raphson "
            f"{'did not converge' if not converged else 'converged'}; "
            f"{len(caught)} numerical warnings). Terms with the largest standard errors: "
            f"{list(worst.index[:3])}. Merge rare levels, drop the term, or use fewer terms."
        )
    return fit.params.to_numpy(), np.asarray(fit.cov_params()), float(fit.llf)


def _events_per_variable(y: np.ndarray, k: int) -> float:
    """``min(events, non-events) / k``; warns when below :data:`MIN_EVENTS_PER_VARIABLE`."""
    n, n_events = len(y), int(y.sum())
    epv = min(n_events, n - n_events) / max(k, 1)
    if epv < MIN_EVENTS_PER_VARIABLE:
        warnings.warn(
            warning_text("warning.logistic.events_per_variable", epv=f"{epv:.1f}",
                         events=min(n_events, n - n_events), k=k,
                         minimum=MIN_EVENTS_PER_VARIABLE),
            EvalkitWarning,
            stacklevel=3,
        )
    return epv


def _odds_ratio_table(
    labels: list[dict], names: list[str], beta: np.ndarray, cov: np.ndarray, z: float,
    intercept: bool = False,
) -> pd.DataFrame:
    """Odds ratios of the non-intercept coefficients with z intervals and (Holm) p-values;
    with ``intercept``, the intercept first (outside the Holm family)."""
    keep = [i for i, name in enumerate(names) if name != "Intercept"]
    first = intercept and "Intercept" in names
    if first:
        labels = [{"term": "Intercept", "variable": "Intercept", "level": None,
                   "reference": None}, *labels]
        keep = [names.index("Intercept"), *keep]
    se = np.sqrt(np.diag(cov))
    b, s = beta[keep], se[keep]
    p_values = normal_p_value(b / s)
    holm = _holm(p_values[1:]) if first else _holm(p_values)
    return pd.DataFrame(labels).assign(
        estimate=np.exp(b),
        ci_low=np.exp(b - z * s),
        ci_high=np.exp(b + z * s),
        log_odds_ratio=b,
        std_error=s,
        p_value=p_values,
        p_value_holm=np.r_[np.nan, holm] if first else holm,
    )


def _term_tests(spec, names: list[str], beta: np.ndarray, cov: np.ndarray) -> pd.DataFrame:
    """Joint Wald chi-squared test of each model term (all its design columns at once)."""
    rows = []
    for structure in spec.structure:
        if str(structure.term) == "1":
            continue
        idx = [names.index(c) for c in structure.columns]
        bb = beta[idx]
        block = cov[np.ix_(idx, idx)]
        # With few clusters the robust covariance has rank < G: test what it can identify.
        df = int(np.linalg.matrix_rank(block, hermitian=True))
        stat = float(bb @ np.linalg.pinv(block, hermitian=True) @ bb)
        rows.append(
            {
                "term": str(structure.term),
                "df": df,
                "statistic": stat,
                "p_value": float(stats.chi2.sf(stat, df)),
            }
        )
    terms = pd.DataFrame(rows)
    terms["p_value_holm"] = _holm(terms["p_value"].to_numpy())
    return terms


def _with_level_counts(
    table: pd.DataFrame, marginal: pd.DataFrame, x: np.ndarray, names: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_with`` and ``n_without`` of each row's design column (after ``reference``, and
    after ``kind`` in the marginal effects).

    A marginal effect takes the counts of its level's column (of the variable's own
    column for a 0/1 numeric variable); a derivative those of a numeric term, all rows.
    """
    n_with, n_without = indicator_counts(x)
    counts = dict(zip(names, zip(n_with.tolist(), n_without.tolist(), strict=True), strict=True))
    rows = [counts[term] for term in table["term"]]
    by_level = {
        (v, str(lvl)): c for v, lvl, c in zip(table["variable"], table["level"], rows, strict=True)
    }
    everyone = (len(x), 0)
    effects = [
        by_level.get((v, str(lvl)), by_level.get((v, "None"), everyone))
        for v, lvl in zip(marginal["variable"], marginal["level"], strict=True)
    ]
    for out, values, after in ((table, rows, "reference"), (marginal, effects, "kind")):
        position = out.columns.get_loc(after) + 1
        for j, name in enumerate(_LEVEL_COUNTS):
            out.insert(position + j, name, [c[j] for c in values])
    return table, marginal


def _blank_rare_levels(
    table: pd.DataFrame, marginal: pd.DataFrame, rare: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flag the ``rare`` design columns ``suppressed`` and blank their estimates, in the odds
    ratio table and in the marginal effects of the same levels."""
    table["suppressed"] = table["term"].isin(rare)
    estimates = ["estimate", "ci_low", "ci_high", "log_odds_ratio", "std_error"]
    table.loc[table["suppressed"], [*estimates, "p_value", "p_value_holm"]] = np.nan
    blanked = table.loc[table["suppressed"]]
    rare_levels = set(zip(blanked["variable"], blanked["level"], strict=True))
    marginal["suppressed"] = [
        (v, lvl) in rare_levels
        for v, lvl in zip(marginal["variable"], marginal["level"], strict=True)
    ]
    marginal.loc[
        marginal["suppressed"], ["estimate", "std_error", "ci_low", "ci_high", "p_value"]
    ] = np.nan
    return table, marginal


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (as statsmodels ``multipletests(method="holm")``)."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted
