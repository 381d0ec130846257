"""Predictors of success: interpretable regression and validated prediction.

Two questions, kept apart:

- *Which characteristics go with finding work?* :func:`odds_ratios` fits a logistic
  regression and reports odds ratios and average marginal effects (percentage points)
  with (cluster-robust) confidence intervals. These are associations, not effects.
- *Can we predict who will need more support?* :func:`cross_validate_models` compares
  a logistic baseline and gradient boosting with grouped, repeated cross-validation:
  discrimination (AUC with DeLong CIs), calibration (slope, intercept, curve), Brier
  score, permutation importance on held-out folds and performance by subgroup.

Only columns known at intake may be predictors (:func:`check_predictors`, using the
data dictionary's ``known_at_intake``): a model that peeks at what happened after
intake looks excellent and is useless.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._results import TableResult
from evalkit._validation import check_columns, check_conf_level, check_data, check_rng
from evalkit.errors import EvalkitWarning
from evalkit.schema import PARTICIPANTS

__all__ = [
    "CrossValidationResult",
    "OddsRatioResult",
    "check_predictors",
    "cross_validate_models",
    "delong_auc",
    "odds_ratios",
]

#: Identifiers are never predictors, whatever the dictionary says of their timing.
_NEVER_PREDICTORS = {"participant_id", "mentor_id"}
#: Fewer events (or non-events) per estimated coefficient than this: over-fitting risk.
MIN_EVENTS_PER_VARIABLE = 10


def check_predictors(predictors: Sequence[str]) -> None:
    """Refuse predictors that are not known at intake (leakage) or are identifiers.

    Raises
    ------
    ValueError
        Naming the columns, why they are refused, and what is allowed.
    """
    after = [
        p for p in predictors if p in PARTICIPANTS.names and not PARTICIPANTS[p].known_at_intake
    ]
    derived = [
        p for p in predictors if p.startswith(("job_within", "training_within", "dropout_within"))
    ]
    ids = [p for p in predictors if p in _NEVER_PREDICTORS]
    if after or derived or ids:
        allowed = [
            c.name
            for c in PARTICIPANTS.columns
            if c.known_at_intake and c.name not in _NEVER_PREDICTORS
        ]
        raise ValueError(
            f"predictors {after + derived + ids} are not allowed: "
            + (f"{after} are only known after intake (outcome leakage); " if after else "")
            + (f"{derived} are outcomes; " if derived else "")
            + (f"{ids} are identifiers; " if ids else "")
            + f"use columns known at intake, e.g. {allowed}."
        )


@dataclass(frozen=True)
class OddsRatioResult(TableResult):
    """A logistic regression reported as odds ratios and average marginal effects.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per coefficient (intercept excluded): ``term``, ``log_odds``,
        ``std_error``, ``odds_ratio``, ``ci_low``, ``ci_high`` (of the odds ratio),
        ``p_value`` and ``p_value_holm`` (Holm-adjusted over the terms).
    marginal_effects : pandas.DataFrame
        Average marginal effects in percentage points: ``term``, ``ame``,
        ``std_error``, ``ci_low``, ``ci_high``, ``p_value`` (discrete change for 0/1
        dummies, derivative for continuous terms).
    n : int
        Observations used.
    n_events : int
        Observations with outcome 1.
    events_per_variable : float
        ``min(events, non-events) / coefficients`` (excluding the intercept).
    conf_level : float
        Confidence level.
    cov_type : str
        ``"nonrobust"`` or ``"cluster"``.
    """

    table: pd.DataFrame
    marginal_effects: pd.DataFrame
    n: int
    n_events: int
    events_per_variable: float
    conf_level: float
    cov_type: str

    def plot(self, ax=None):
        """Forest plot of the odds ratios (log scale); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.3 * len(self.table) + 1))
        y = np.arange(len(self.table))
        est = self.table["odds_ratio"]
        ax.errorbar(
            est,
            y,
            xerr=[est - self.table["ci_low"], self.table["ci_high"] - est],
            fmt="o",
            color="C0",
            capsize=3,
        )
        ax.axvline(1.0, color="grey", linewidth=1)
        ax.set_xscale("log")
        ax.set_yticks(y, self.table["term"])
        ax.invert_yaxis()
        ax.set_xlabel(f"odds ratio ({self.conf_level:.0%} CI)")
        return ax


def _with_references(data: pd.DataFrame, reference: Mapping[str, object]) -> pd.DataFrame:
    """Copy of the data whose categorical columns list their reference level first."""
    out = data.copy()
    for column, level in reference.items():
        check_columns(out, [column])
        s = out[column]
        levels = (
            list(s.cat.categories)
            if isinstance(s.dtype, pd.CategoricalDtype)
            else sorted(s.dropna().unique().tolist())
        )
        if level not in levels:
            raise ValueError(
                f"reference level {level!r} of {column!r} is not among its levels {levels}."
            )
        levels = [level] + [v for v in levels if v != level and (s == v).any()]
        out[column] = pd.Categorical(s, categories=levels)
    return out


def odds_ratios(
    data: pd.DataFrame,
    formula: str,
    *,
    reference: Mapping[str, object] | None = None,
    cluster: str | None = None,
    conf_level: float = 0.95,
) -> OddsRatioResult:
    """Logistic regression with odds ratios and average marginal effects.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person; rows with missing values in the model are an error.
    formula : str
        ``"outcome ~ terms"`` with a 0/1 outcome, e.g.
        ``"job_within_12m ~ age + education + language_level + single_parent"``.
        Text and categorical columns are dummy-coded against their reference level.
    reference : mapping, optional
        Reference level per categorical column, e.g. ``{"education": "upper
        secondary"}``; default: the first category (or the first in sort order).
    cluster : str, optional
        Column of clusters (``"mentor_id"``, ``"site"``) for cluster-robust standard
        errors; otherwise the usual model-based standard errors are reported.
    conf_level : float, default=0.95
        Confidence level.

    Returns
    -------
    OddsRatioResult

    Warns
    -----
    EvalkitWarning
        When there are fewer than 10 events (or non-events) per coefficient: the
        model is over-parameterised and its odds ratios are biased away from 1.

    Raises
    ------
    ValueError
        On (quasi-)complete separation: a term that predicts the outcome perfectly
        gives an infinite odds ratio; the message names it and suggests merging levels.

    Notes
    -----
    Fitted by statsmodels ``Logit`` (maximum likelihood); estimates and standard
    errors are statsmodels' (tested to 1e-8). Average marginal effects are
    statsmodels' ``get_margeff(at="overall", dummy=True)`` with the delta method, using
    the same (possibly cluster-robust) covariance. Holm's adjustment controls the
    family-wise error over the reported terms; with many terms, read individual
    p-values as exploratory.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=500)})
    >>> df["y"] = (rng.random(500) < 1 / (1 + np.exp(-0.7 * df.x))).astype(int)
    >>> r = odds_ratios(df, "y ~ x")
    >>> round(float(r.table.loc[0, "odds_ratio"]), 1)
    2.0
    """
    import statsmodels.formula.api as smf
    from statsmodels.stats.multitest import multipletests

    check_data(data)
    conf_level = check_conf_level(conf_level)
    check_columns(data, [cluster])
    if reference:
        data = _with_references(data, reference)
    outcome = formula.split("~", 1)[0].strip()
    check_columns(data, [outcome])
    y = data[outcome]
    if not y.dropna().isin([0, 1]).all():
        raise ValueError(f"outcome {outcome!r} must be 0/1 for a logistic regression.")
    model = smf.logit(formula, data=data)
    n_events = int(model.endog.sum())
    n = len(model.endog)
    n_terms = model.exog.shape[1] - 1
    epv = min(n_events, n - n_events) / max(n_terms, 1)
    if epv < MIN_EVENTS_PER_VARIABLE:
        warnings.warn(
            f"only {epv:.1f} events per coefficient (fewer than {MIN_EVENTS_PER_VARIABLE}): the "
            "model is over-parameterised and its odds ratios are biased away from 1; drop or "
            "merge terms.",
            EvalkitWarning,
            stacklevel=2,
        )
    if cluster is None:
        fit_kw = {}
        cov_type = "nonrobust"
    else:
        groups = pd.factorize(data[cluster])[0]
        fit_kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
        cov_type = "cluster"
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            fit = model.fit(disp=0, maxiter=200, **fit_kw)
        except (ConvergenceWarning, PerfectSeparationWarning, np.linalg.LinAlgError) as exc:
            raise ValueError(
                f"the logistic model cannot be estimated ({type(exc).__name__}: {exc}); this "
                "usually means (quasi-)complete separation: some level has only events or only "
                "non-events. Merge rare levels or drop the term."
            ) from exc
    params, bse = fit.params, fit.bse
    huge = [t for t in params.index if t != "Intercept" and abs(params[t]) > 10]
    if huge:
        raise ValueError(
            f"terms {huge} have odds ratios beyond e^10: (quasi-)complete separation, some "
            "level has only events or only non-events. Merge rare levels or drop the term."
        )
    z = stats.norm.isf((1 - conf_level) / 2)
    terms = [t for t in params.index if t != "Intercept"]
    p_values = fit.pvalues[terms]
    table = pd.DataFrame(
        {
            "term": terms,
            "log_odds": params[terms].to_numpy(),
            "std_error": bse[terms].to_numpy(),
            "odds_ratio": np.exp(params[terms].to_numpy()),
            "ci_low": np.exp(params[terms].to_numpy() - z * bse[terms].to_numpy()),
            "ci_high": np.exp(params[terms].to_numpy() + z * bse[terms].to_numpy()),
            "p_value": p_values.to_numpy(),
            "p_value_holm": multipletests(p_values.to_numpy(), method="holm")[1],
        }
    )
    margeff = fit.get_margeff(at="overall", dummy=True)
    me = pd.DataFrame(
        {
            "term": terms,
            "ame": 100 * margeff.margeff,
            "std_error": 100 * margeff.margeff_se,
            "ci_low": 100 * (margeff.margeff - z * margeff.margeff_se),
            "ci_high": 100 * (margeff.margeff + z * margeff.margeff_se),
            "p_value": margeff.pvalues,
        }
    )
    return OddsRatioResult(
        table=table,
        marginal_effects=me,
        n=n,
        n_events=n_events,
        events_per_variable=float(epv),
        conf_level=conf_level,
        cov_type=cov_type,
    )


def delong_auc(y: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUCs of several score vectors and their DeLong covariance matrix.

    Parameters
    ----------
    y : array of 0/1
        Outcomes.
    scores : array, shape (n_models, n)
        Predicted scores of each model for the same people.

    Returns
    -------
    auc : numpy.ndarray, shape (n_models,)
    cov : numpy.ndarray, shape (n_models, n_models)

    Notes
    -----
    DeLong, DeLong & Clarke-Pearson (1988) structural components, computed with
    midranks (Sun & Xu 2014); agrees with scikit-learn's ``roc_auc_score`` for the
    AUC and with R ``pROC``'s DeLong variance.
    """
    y = np.asarray(y).astype(bool)
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    pos, neg = scores[:, y], scores[:, ~y]
    m, n = pos.shape[1], neg.shape[1]
    if m == 0 or n == 0:
        raise ValueError("the AUC needs both outcomes (0 and 1) among the people scored.")
    aucs, v10, v01 = [], [], []
    for p, q in zip(pos, neg, strict=True):
        all_ranks = stats.rankdata(np.concatenate([p, q]))
        rank_p = stats.rankdata(p)
        rank_q = stats.rankdata(q)
        auc = (all_ranks[:m].sum() - m * (m + 1) / 2) / (m * n)
        aucs.append(auc)
        v10.append((all_ranks[:m] - rank_p) / n)
        v01.append(1.0 - (all_ranks[m:] - rank_q) / m)
    v10, v01 = np.array(v10), np.array(v01)
    cov = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n
    return np.array(aucs), cov


@dataclass(frozen=True)
class CrossValidationResult(TableResult):
    """Grouped, repeated cross-validation of prediction models.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model and metric (``auc``, ``brier``, ``calibration_slope``,
        ``calibration_intercept``), plus ``auc_difference`` between the models, with
        ``estimate``, ``std_error``, ``ci_low``, ``ci_high``. Computed on the
        out-of-fold predictions of the first repetition; ``estimate_mean_repeats`` is
        the metric averaged over all repetitions.
    importance : pandas.DataFrame
        Permutation importance on held-out folds: ``model``, ``predictor``,
        ``importance_mean`` (drop in AUC when the column is shuffled) and
        ``importance_sd`` across folds and repetitions.
    subgroups : pandas.DataFrame
        ``model``, ``variable``, ``level``, ``n``, ``observed`` (event rate),
        ``predicted`` (mean prediction), ``auc``, ``brier``.
    calibration : pandas.DataFrame
        Calibration curve: ``model``, ``bin``, ``predicted``, ``observed``, ``n``.
    group : str
        Column defining the CV groups.
    n_splits, n_repeats : int
        Cross-validation design.
    conf_level : float
        Confidence level.
    """

    table: pd.DataFrame
    importance: pd.DataFrame
    subgroups: pd.DataFrame
    calibration: pd.DataFrame
    group: str
    n_splits: int
    n_repeats: int
    conf_level: float
    oof: pd.DataFrame = field(repr=False)

    def plot(self, ax=None):
        """Calibration curves of the models with the diagonal; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4.5, 4.5))
        for i, (model, curve) in enumerate(self.calibration.groupby("model", sort=False)):
            ax.plot(curve["predicted"], curve["observed"], "o-", color=f"C{i}", label=model)
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("predicted probability (out of fold)")
        ax.set_ylabel("observed proportion")
        ax.legend(frameon=False)
        return ax


def _pipelines(numeric: list[str], categorical: list[str], rng: int):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    def prep():
        return ColumnTransformer(
            [
                ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
                (
                    "cat",
                    make_pipeline(
                        SimpleImputer(strategy="most_frequent"),
                        OneHotEncoder(handle_unknown="ignore"),
                    ),
                    categorical,
                ),
            ],
            sparse_threshold=0.0,
        )

    return {
        "logistic": make_pipeline(prep(), LogisticRegression(max_iter=2000)),
        "gradient_boosting": make_pipeline(
            prep(),
            HistGradientBoostingClassifier(
                max_iter=200,
                learning_rate=0.05,
                max_leaf_nodes=15,
                l2_regularization=1.0,
                random_state=rng,
            ),
        ),
    }


def _calibration(y: np.ndarray, p: np.ndarray, z: float) -> list[dict]:
    import statsmodels.api as sm

    p = np.clip(p, 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p))
    slope_fit = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial()).fit()
    intercept_fit = sm.GLM(
        y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit
    ).fit()
    brier = (p - y) ** 2
    rows = []
    for metric, est, se in (
        ("calibration_slope", slope_fit.params[1], slope_fit.bse[1]),
        ("calibration_intercept", intercept_fit.params[0], intercept_fit.bse[0]),
        ("brier", brier.mean(), brier.std(ddof=1) / np.sqrt(len(y))),
    ):
        rows.append(
            {
                "metric": metric,
                "estimate": float(est),
                "std_error": float(se),
                "ci_low": float(est - z * se),
                "ci_high": float(est + z * se),
            }
        )
    return rows


def cross_validate_models(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    group: str,
    n_splits: int = 5,
    n_repeats: int = 3,
    subgroups: Sequence[str] = (),
    n_permutations: int = 3,
    min_subgroup: int = 10,
    conf_level: float = 0.95,
    rng: int = 0,
) -> CrossValidationResult:
    """Compare a logistic baseline and gradient boosting by grouped, repeated CV.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        0/1 outcome column.
    predictors : sequence of str
        Predictor columns; only columns known at intake are accepted
        (:func:`check_predictors`). Numeric columns are median-imputed and
        standardised, others one-hot encoded (missing -> most frequent).
    group : str
        Column whose values never straddle a training and a test fold (e.g.
        ``"mentor_id"``, ``"site"``, ``"cohort"``): the estimate then says how well the
        model does for new mentors / sites / cohorts.
    n_splits : int, default=5
        Folds per repetition (at most the number of groups).
    n_repeats : int, default=3
        Repetitions with different group-to-fold assignments.
    subgroups : sequence of str, default=()
        Columns to report performance by (e.g. ``["programme", "gender"]``).
    n_permutations : int, default=3
        Shuffles per column and fold for permutation importance (0: skip).
    min_subgroup : int, default=10
        Subgroups with fewer people are listed with their metrics blank (small cells).
    conf_level : float, default=0.95
        Confidence level.
    rng : int, default=0
        Seed of the fold assignment, the boosting and the permutations.

    Returns
    -------
    CrossValidationResult

    Notes
    -----
    AUC CIs and the AUC difference use DeLong's variance on the pooled out-of-fold
    predictions (:func:`delong_auc`); calibration slope and intercept come from
    logistic recalibration (slope: ``y ~ logit(p)``; intercept: ``y ~ 1`` with offset
    ``logit(p)``), ideal values 1 and 0; the Brier score's SE is that of a mean.
    Permutation importance is computed on each held-out fold with the model trained on
    the other folds (scikit-learn ``permutation_importance``, scoring ROC AUC).
    """
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    check_data(data)
    check_columns(data, [outcome, group, *predictors, *subgroups])
    check_predictors(list(predictors))
    conf_level = check_conf_level(conf_level)
    seed = int(check_rng(rng).integers(2**31 - 1))
    y = data[outcome].to_numpy()
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"outcome {outcome!r} must be 0/1 for classification.")
    n_groups = data[group].nunique()
    if n_groups < n_splits:
        raise ValueError(
            f"group column {group!r} has {n_groups} distinct values but n_splits={n_splits}; "
            "use fewer folds or a finer grouping (e.g. mentor_id)."
        )
    x = data[list(predictors)]
    numeric = [
        c
        for c in predictors
        if pd.api.types.is_numeric_dtype(x[c].dtype) and not pd.api.types.is_bool_dtype(x[c].dtype)
    ]
    categorical = [c for c in predictors if c not in numeric]
    x = x.astype({c: object for c in categorical})
    groups = data[group].to_numpy()
    models = _pipelines(numeric, categorical, seed)
    oof = {name: np.zeros((n_repeats, len(y))) for name in models}
    importances = []
    for repeat in range(n_repeats):
        folds = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed + repeat)
        for train, test in folds.split(x, y, groups):
            for name, model in models.items():
                model.fit(x.iloc[train], y[train])
                oof[name][repeat, test] = model.predict_proba(x.iloc[test])[:, 1]
                if n_permutations and len(np.unique(y[test])) == 2:
                    imp = permutation_importance(
                        model,
                        x.iloc[test],
                        y[test],
                        scoring="roc_auc",
                        n_repeats=n_permutations,
                        random_state=seed + repeat,
                    )
                    for column, values in zip(predictors, imp.importances, strict=True):
                        importances.extend(
                            {"model": name, "predictor": column, "value": v} for v in values
                        )
    z = stats.norm.isf((1 - conf_level) / 2)
    names = list(models)
    first = np.vstack([oof[name][0] for name in names])
    aucs, cov = delong_auc(y, first)
    rows = []
    for i, name in enumerate(names):
        se = float(np.sqrt(cov[i, i]))
        mean_repeats = np.mean([roc_auc_score(y, oof[name][r]) for r in range(n_repeats)])
        rows.append(
            {
                "model": name,
                "metric": "auc",
                "estimate": aucs[i],
                "std_error": se,
                "ci_low": aucs[i] - z * se,
                "ci_high": aucs[i] + z * se,
                "estimate_mean_repeats": mean_repeats,
            }
        )
        for row in _calibration(y, oof[name][0], z):
            row["estimate_mean_repeats"] = np.mean(
                [
                    next(
                        r for r in _calibration(y, oof[name][k], z) if r["metric"] == row["metric"]
                    )["estimate"]
                    for k in range(n_repeats)
                ]
            )
            rows.append({"model": name, **row})
    diff = aucs[1] - aucs[0]
    se = float(np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]))
    rows.append(
        {
            "model": f"{names[1]} - {names[0]}",
            "metric": "auc_difference",
            "estimate": diff,
            "std_error": se,
            "ci_low": diff - z * se,
            "ci_high": diff + z * se,
            "estimate_mean_repeats": np.nan,
        }
    )
    table = pd.DataFrame(rows)

    importance = (
        pd.DataFrame(importances)
        .groupby(["model", "predictor"], sort=False)["value"]
        .agg(importance_mean="mean", importance_sd="std")
        .reset_index()
        .sort_values(["model", "importance_mean"], ascending=[True, False])
        .reset_index(drop=True)
        if importances
        else pd.DataFrame(columns=["model", "predictor", "importance_mean", "importance_sd"])
    )
    calibration, sub_rows = [], []
    for name in names:
        p = oof[name][0]
        bins = pd.qcut(p, 10, labels=False, duplicates="drop")
        curve = pd.DataFrame({"bin": bins, "p": p, "y": y}).groupby("bin")
        calibration.append(
            pd.DataFrame(
                {
                    "model": name,
                    "bin": curve.size().index,
                    "predicted": curve["p"].mean().to_numpy(),
                    "observed": curve["y"].mean().to_numpy(),
                    "n": curve.size().to_numpy(),
                }
            )
        )
        for variable in subgroups:
            for level, idx in data.groupby(variable, observed=True).indices.items():
                if len(idx) < min_subgroup:
                    sub_rows.append({"model": name, "variable": variable, "level": level})
                    continue
                yy, pp = y[idx], p[idx]
                sub_rows.append(
                    {
                        "model": name,
                        "variable": variable,
                        "level": level,
                        "n": len(idx),
                        "observed": yy.mean(),
                        "predicted": pp.mean(),
                        "auc": roc_auc_score(yy, pp) if len(np.unique(yy)) == 2 else np.nan,
                        "brier": np.mean((pp - yy) ** 2),
                    }
                )
    return CrossValidationResult(
        table=table,
        importance=importance,
        subgroups=pd.DataFrame(sub_rows),
        calibration=pd.concat(calibration, ignore_index=True),
        group=group,
        n_splits=n_splits,
        n_repeats=n_repeats,
        conf_level=conf_level,
        oof=pd.DataFrame({name: oof[name][0] for name in names}),
    )
