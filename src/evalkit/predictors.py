"""Predictors of success: interpretable regression and validated prediction.

Two questions, kept apart:

- *Which characteristics go with finding work?* :func:`odds_ratios` fits a logistic
  regression and reports odds ratios and average marginal effects (percentage points)
  with (cluster-robust) confidence intervals. These are associations, not effects.
- *Can we predict who will need more support?* :func:`cross_validate_models` compares
  a logistic baseline and gradient boosting with grouped, repeated cross-validation:
  discrimination (AUC with DeLong or clustered CIs), calibration (slope, intercept,
  curve), Brier score, permutation importance on held-out folds, partial dependence
  (with grouped-jackknife intervals) and performance by subgroup.

Only columns known at intake may be predictors (:func:`check_predictors`, using the
data dictionary's ``known_at_intake``): a model that peeks at what happened after
intake looks excellent and is useless.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from evalkit._results import TableResult
from evalkit._stats.mestimation import cluster_sum
from evalkit._validation import check_columns, check_conf_level, check_data, check_rng
from evalkit.data.schema import PARTICIPANTS
from evalkit.errors import EvalkitWarning
from evalkit.reporting.disclosure import rare_indicators

__all__ = [
    "MIN_CLUSTERS",
    "MIN_EVENTS_PER_VARIABLE",
    "CrossValidationResult",
    "OddsRatioResult",
    "check_predictors",
    "cross_validate_models",
    "delong_auc",
    "odds_ratios",
]

#: Identifiers are never predictors, whatever the dictionary says of their timing.
_IDENTIFIERS = frozenset(c.name for c in PARTICIPANTS.columns if c.kind == "id")
#: Columns the loader derives from intake information (see :mod:`evalkit.data`).
_DERIVED_AT_INTAKE = {"cohort": "intake year, from intake_date"}
#: Names that :func:`evalkit.data.outcomes.job_within` gives to outcomes (job_within_12m...).
_OUTCOME_NAME = re.compile(r"^(job|training|dropout)_within_")
#: Fewer events (or non-events) per estimated coefficient than this: over-fitting risk.
MIN_EVENTS_PER_VARIABLE = 10
#: Fewer clusters than this: cluster-robust standard errors are unreliable.
MIN_CLUSTERS = 20
#: Fitted probabilities this close to 0 or 1 signal (quasi-)complete separation.
_SEPARATION_EPS = 1e-8


def check_predictors(
    predictors: Sequence[str],
    *,
    outcome: str | None = None,
    intake_columns: Sequence[str] = (),
) -> None:
    """Refuse predictors that are not known at intake (outcome leakage).

    A predictor is accepted when the data dictionary (:data:`evalkit.data.schema.PARTICIPANTS`)
    marks it ``known_at_intake``, when the loader derives it from intake data
    (``cohort``), or when the caller declares it in ``intake_columns``. Everything else
    is refused: post-intake columns (exit, dates after intake, programme completion),
    outcomes (``job_within_12m``...), identifiers, and undeclared columns (whose timing
    cannot be checked).

    Parameters
    ----------
    predictors : sequence of str
        Column names to be used as predictors.
    outcome : str, optional
        The outcome column; it may not be a predictor.
    intake_columns : sequence of str, default=()
        Columns outside the data dictionary that the caller asserts are known at intake
        (e.g. a questionnaire score taken at the intake interview).

    Raises
    ------
    ValueError
        Naming the columns, why they are refused, and what is allowed.

    Examples
    --------
    >>> check_predictors(["age", "education", "cohort"])
    >>> try:
    ...     check_predictors(["age", "duo_completed"])
    ... except ValueError as error:
    ...     print(str(error)[:63])
    predictors ['duo_completed'] are not allowed: ['duo_completed']
    """
    declared = set(intake_columns)
    after, outcomes, ids, unknown = [], [], [], []
    for p in predictors:
        if p in _IDENTIFIERS:
            ids.append(p)
        elif p == outcome or _OUTCOME_NAME.match(p):
            outcomes.append(p)
        elif p in PARTICIPANTS.names:
            if not PARTICIPANTS[p].known_at_intake:
                after.append(p)
        elif p not in _DERIVED_AT_INTAKE and p not in declared:
            unknown.append(p)
    if after or outcomes or ids or unknown:
        allowed = [
            c.name for c in PARTICIPANTS.columns if c.known_at_intake and c.name not in _IDENTIFIERS
        ] + list(_DERIVED_AT_INTAKE)
        reasons = []
        if after:
            reasons.append(f"{after} are only known after intake (outcome leakage)")
        if outcomes:
            reasons.append(f"{outcomes} are outcomes")
        if ids:
            reasons.append(f"{ids} are identifiers")
        if unknown:
            reasons.append(
                f"{unknown} are not in the data dictionary, so their timing is unknown (declare "
                "them with intake_columns=[...] only if they are recorded at intake)"
            )
        raise ValueError(
            f"predictors {after + outcomes + ids + unknown} are not allowed: "
            + "; ".join(reasons)
            + f"; use columns known at intake: {allowed}."
        )


# ---------------------------------------------------------------------------
# Explanation: logistic regression
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OddsRatioResult(TableResult):
    """A logistic regression reported as odds ratios and average marginal effects.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per coefficient (intercept excluded): ``term`` (design column),
        ``variable``, ``level`` and ``reference`` (for categorical terms: the level
        compared and the reference level; missing for numeric terms), ``estimate``
        (odds ratio), ``ci_low``, ``ci_high`` (of the odds ratio), ``log_odds_ratio``
        and its ``std_error``, ``p_value`` and ``p_value_holm`` (Holm-adjusted over the
        rows of the table).
    marginal_effects : pandas.DataFrame
        Average marginal effects in percentage points, one row per numeric variable and
        per non-reference level of each categorical variable: ``variable``, ``level``,
        ``reference``, ``kind`` (``"contrast"``: everyone at ``level`` vs everyone at
        ``reference``; ``"derivative"``: per unit of a numeric variable), ``estimate``,
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

    def plot(self, ax=None, *, scale: str = "odds_ratio"):
        """Forest plot; returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        scale : {"odds_ratio", "marginal_effect"}, default="odds_ratio"
            Odds ratios on a log axis (reference line at 1), or average marginal
            effects in percentage points (reference line at 0).
        """
        import matplotlib.pyplot as plt

        if scale not in ("odds_ratio", "marginal_effect"):
            raise ValueError(
                f"scale must be one of ['odds_ratio', 'marginal_effect'], but was {scale!r}."
            )
        rows = self.table if scale == "odds_ratio" else self.marginal_effects
        labels = [
            f"{v}: {lv} vs {rf}"
            if isinstance(lv, str) and isinstance(rf, str)
            else f"{v} (per unit)"
            for v, lv, rf in zip(rows["variable"], rows["level"], rows["reference"], strict=True)
        ]
        if scale == "odds_ratio" and (rows["term"] != rows["variable"]).any():
            labels = [
                lab if t.startswith(v) else t
                for lab, t, v in zip(labels, rows["term"], rows["variable"], strict=True)
            ]
        if ax is None:
            _, ax = plt.subplots(figsize=(6.5, 0.28 * len(rows) + 1.2))
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
            ax.set_xlabel(f"odds ratio ({self.conf_level:.0%} CI, log scale)")
        else:
            ax.axvline(0.0, color="grey", linewidth=1)
            ax.set_xlabel(f"average marginal effect, percentage points ({self.conf_level:.0%} CI)")
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        return ax


def _split_formula(formula: str) -> tuple[str, str]:
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise ValueError(
            f"formula must be 'outcome ~ terms', but was {formula!r}; e.g. "
            "'job_within_12m ~ age + education + programme'."
        )
    lhs, rhs = (part.strip() for part in formula.split("~"))
    if not lhs or not rhs:
        raise ValueError(f"formula must have an outcome and terms, but was {formula!r}.")
    return lhs, rhs


def _formula_variables(rhs: str, data: pd.DataFrame) -> list[str]:
    """Data columns used on the right-hand side, in order of appearance."""
    from formulaic import Formula

    try:
        required = {str(v) for v in Formula(rhs).required_variables}
    except Exception as exc:  # formulaic raises several parser error types
        raise ValueError(f"cannot parse the formula terms {rhs!r}: {exc}") from exc
    missing = sorted(v for v in required if v not in data.columns)
    if missing:
        raise ValueError(
            f"formula uses {missing}, which are not columns of data; available columns are "
            f"{list(data.columns)}."
        )
    return sorted(required, key=lambda v: m.start() if (m := re.search(rf"\b{v}\b", rhs)) else 0)


def _as_categorical(s: pd.Series) -> pd.Series:
    """Text, boolean and categorical columns as a Categorical with only used levels."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.remove_unused_categories()
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(pd.Categorical(s, categories=[False, True]), index=s.index).pipe(
            lambda c: c.cat.remove_unused_categories()
        )
    return pd.Series(pd.Categorical(s), index=s.index)


def _model_frame(
    data: pd.DataFrame,
    outcome: str,
    variables: list[str],
    reference: Mapping[str, object],
    extra: list[str],
    categorical: set[str],
) -> pd.DataFrame:
    """The columns of the model, checked, with categorical levels in reference order.

    Numeric columns become float, except those in ``categorical`` (used as ``C(x)``) or
    given a reference level, which become Categorical like text and boolean columns.
    """
    frame = data[list(dict.fromkeys([outcome, *variables, *extra]))].copy()
    nas = frame.isna().sum()
    if nas.any():
        bad = {k: int(v) for k, v in nas.items() if v}
        raise ValueError(
            f"missing values in the model's columns {bad}; logistic regression needs complete "
            "rows. Drop them explicitly (data.dropna(subset=[...])) and report how many, or "
            "impute them first."
        )
    y = frame[outcome]
    if pd.api.types.is_bool_dtype(y.dtype):
        frame[outcome] = y.astype(float)
    elif not (pd.api.types.is_numeric_dtype(y.dtype) and y.isin([0, 1]).all()):
        values = sorted(map(str, y.unique()[:5]))
        raise ValueError(
            f"outcome {outcome!r} must be 0/1 or boolean, but has values {values}; build it "
            "with evalkit.data.outcomes.job_within or (data[col] == value).astype(int)."
        )
    unknown = sorted(set(reference) - set(variables))
    if unknown:
        raise ValueError(
            f"reference names {unknown}, which are not variables of the formula {variables}."
        )
    for v in variables:
        s = frame[v]
        numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
        if numeric and v not in reference and v not in categorical:
            frame[v] = s.astype(float)
            continue
        cat = _as_categorical(s)
        levels = list(cat.cat.categories)
        if v in reference:
            level = reference[v]
            if level not in levels:
                raise ValueError(
                    f"reference level {level!r} of {v!r} is not among its levels {levels} "
                    "(levels nobody in the data has are left out)."
                )
            cat = cat.cat.reorder_categories([level] + [x for x in levels if x != level])
        frame[v] = cat
    return frame


def _term_labels(spec, frame: pd.DataFrame) -> list[dict]:
    """``term``, ``variable``, ``level``, ``reference`` of each non-intercept column."""
    rows = []
    for structure in spec.structure:
        term = str(structure.term)
        if term == "1":
            continue
        factors = [str(f) for f in structure.term.factors]
        for column in structure.columns:
            level = reference = None
            variable = term
            match = re.search(r"\[T\.(.*)\]$", column)
            if len(factors) == 1 and match:
                level = match.group(1)
                name = factors[0]
                inner = re.fullmatch(r"C\((\w+)\)", name)
                base = inner.group(1) if inner else name
                if base in frame.columns:
                    variable = base
                    s = frame[base]
                    levels = (
                        list(s.cat.categories)
                        if isinstance(s.dtype, pd.CategoricalDtype)
                        else sorted(s.unique())
                    )
                    reference = str(levels[0])
            rows.append(
                {"term": column, "variable": variable, "level": level, "reference": reference}
            )
    return rows


def _check_separation_cells(frame: pd.DataFrame, outcome: str, variables: list[str]) -> None:
    """Raise if a level of a categorical has only events or only non-events."""
    y = frame[outcome]
    problems = []
    for v in variables:
        if not isinstance(frame[v].dtype, pd.CategoricalDtype):
            continue
        counts = y.groupby(frame[v], observed=True).agg(["size", "sum"])
        for level, row in counts.iterrows():
            if row["sum"] in (0, row["size"]):
                problems.append(
                    f"{v} = {level!r}: {int(row['size'])} people, all with outcome "
                    f"{int(row['sum'] > 0)}"
                )
    if problems:
        raise ValueError(
            "(quasi-)complete separation: " + "; ".join(problems) + ". Its odds ratio would be 0 "
            "or infinite. Merge the level with a neighbouring one, or drop the term."
        )


def _check_rank(x: np.ndarray, names: list[str]) -> None:
    norms = np.sqrt((x**2).sum(axis=0))
    if (norms == 0).any():
        zero = [n for n, z in zip(names, norms == 0, strict=True) if z]
        raise ValueError(f"design columns {zero} are all zero; drop these terms.")
    xs = x / norms
    gram = xs.T @ xs
    k = len(names)
    rank = np.linalg.matrix_rank(gram, hermitian=True)
    if rank < k:
        culprits = [
            names[j]
            for j in range(k)
            if np.linalg.matrix_rank(np.delete(np.delete(gram, j, 0), j, 1), hermitian=True) == rank
        ]
        raise ValueError(
            f"the design matrix has rank {rank} but {k} columns: {culprits} are collinear "
            "(one is a combination of the others, e.g. a level present only together with "
            "another term's level). Drop or merge terms."
        )


def _average_marginal_effects(
    spec,
    frame: pd.DataFrame,
    variables: list[str],
    x: np.ndarray,
    names: list[str],
    beta: np.ndarray,
    cov: np.ndarray,
    z: float,
) -> pd.DataFrame:
    """AMEs (percentage points) by counterfactual contrasts or derivatives; delta-method SEs.

    A variable that enters only as its own main effect is handled on the design matrix
    directly; one that enters other terms (interactions, transformations) through
    formulaic rebuilding the design for the modified data.
    """
    n = len(frame)
    eta = x @ beta
    terms_of = {
        v: [
            st
            for st in spec.structure
            if str(st.term) != "1"
            and any(re.search(rf"\b{re.escape(v)}\b", str(f)) for f in st.term.factors)
        ]
        for v in variables
    }

    def design(f: pd.DataFrame) -> np.ndarray:
        return np.asarray(spec.get_model_matrix(f), dtype=float)

    def expit(e: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-e))

    rows = []
    for v in variables:
        s = frame[v]
        categorical = isinstance(s.dtype, pd.CategoricalDtype)
        binary = not categorical and set(np.unique(s)) <= {0.0, 1.0}
        own = terms_of[v]
        simple = len(own) == 1 and str(own[0].term) == v
        if categorical or binary:
            levels = list(s.cat.categories) if categorical else [0.0, 1.0]
            labels = [_label(level, binary) for level in levels]
            if simple:
                key = [v] if binary else [f"{v}[T.{level}]" for level in levels[1:]]
                simple = list(own[0].columns) == key
            if simple:
                cols = [names.index(c) for c in own[0].columns]
                base = x.copy()
                base[:, cols] = 0.0
                eta_base = eta - x[:, cols] @ beta[cols]

                def at(i, cols=cols, base=base, eta_base=eta_base):
                    # level i of the variable for everyone: its dummy 1, the others 0
                    j = cols[i - 1] if i > 0 else None
                    p = expit(eta_base + (beta[j] if j is not None else 0.0))
                    w = p * (1 - p)
                    g = w @ base / n
                    if j is not None:
                        g[j] = w.mean()
                    return p, g
            else:

                def at(i, s=s, levels=levels, v=v, categorical=categorical):
                    if categorical:
                        codes = np.full(n, i, dtype=np.int32)
                        value = pd.Categorical.from_codes(codes, categories=s.cat.categories)
                    else:
                        value = np.full(n, levels[i])
                    xx = design(frame.assign(**{v: value}))
                    p = expit(xx @ beta)
                    return p, (p * (1 - p)) @ xx / n

            p0, g0 = at(0)
            for i in range(1, len(levels)):
                p1, g1 = at(i)
                rows.append((v, labels[i], labels[0], "contrast", p1.mean() - p0.mean(), g1 - g0))
        else:
            p = expit(eta)
            w = p * (1 - p)
            if simple:
                j = names.index(own[0].columns[0])
                slope = np.full(n, beta[j])
                dx_mean = np.zeros(len(beta))
                dx_mean[j] = w.mean()
                grad = (w * (1 - 2 * p) * slope) @ x / n + dx_mean
            else:
                h = 1e-5 * (1.0 + float(np.std(s)))
                dx = (design(frame.assign(**{v: s + h})) - design(frame.assign(**{v: s - h}))) / (
                    2 * h
                )
                slope = dx @ beta
                grad = ((w * (1 - 2 * p) * slope) @ x + w @ dx) / n
            rows.append((v, None, None, "derivative", float(np.mean(w * slope)), grad))
    est = np.array([r[4] for r in rows])
    se = np.array([np.sqrt(r[5] @ cov @ r[5]) for r in rows])
    return pd.DataFrame(
        {
            "variable": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "reference": [r[2] for r in rows],
            "kind": [r[3] for r in rows],
            "estimate": 100 * est,
            "std_error": 100 * se,
            "ci_low": 100 * (est - z * se),
            "ci_high": 100 * (est + z * se),
            "p_value": 2 * stats.norm.sf(np.abs(est / se)),
        }
    )


def _label(level: object, binary: bool) -> str:
    return f"{level:g}" if binary else str(level)


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (as statsmodels ``multipletests(method="holm")``)."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted


def odds_ratios(
    data: pd.DataFrame,
    formula: str,
    *,
    reference: Mapping[str, object] | None = None,
    cluster: str | None = None,
    conf_level: float = 0.95,
    intake_columns: Sequence[str] = (),
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
    intake_columns : sequence of str, default=()
        Predictors outside the data dictionary that are known at intake
        (see :func:`check_predictors`).
    min_count : int, optional
        Disclosure control for published tables: the odds ratio and marginal effect
        of a level that fewer than ``min_count`` people have (or lack) are blanked and
        flagged ``suppressed`` (:func:`evalkit.reporting.disclosure.rare_indicators`); the model
        itself is unchanged. E.g. the report's threshold, 10.

    Returns
    -------
    OddsRatioResult
        ``table`` (odds ratios), ``marginal_effects`` (percentage points), ``terms``
        (joint tests), events per variable and the design; ``suppressed`` marks
        blanked rows.

    Raises
    ------
    ValueError
        For post-intake predictors, missing values, a non-binary outcome, an unknown
        reference level, collinear terms, or (quasi-)complete separation, i.e. a level
        or combination that predicts the outcome perfectly (the message names it).

    Warns
    -----
    EvalkitWarning
        When there are fewer than 10 events (or non-events) per coefficient (odds ratios
        are then biased away from 1 and CIs too narrow), and when cluster-robust
        standard errors rest on fewer than 20 clusters.

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
    changing the characteristic.

    References
    ----------
    Peduzzi, P. et al. (1996). A simulation study of the number of events per variable
    in logistic regression analysis. *J Clin Epidemiol* 49(12), 1373–1379.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. *J Human Resources* 50(2), 317–372.
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
    import statsmodels.api as sm
    from formulaic import model_matrix

    check_data(data)
    conf_level = check_conf_level(conf_level)
    outcome, rhs = _split_formula(formula)
    check_columns(data, [outcome, cluster])
    variables = _formula_variables(rhs, data)
    check_predictors(variables, outcome=outcome, intake_columns=intake_columns)
    in_c = {v for v in variables if re.search(rf"\bC\(\s*{re.escape(v)}\s*[,)]", rhs)}
    frame = _model_frame(
        data, outcome, variables, dict(reference or {}), [cluster] if cluster else [], in_c
    )
    y = frame[outcome].to_numpy(dtype=float)
    _check_separation_cells(frame, outcome, variables)
    matrix = model_matrix(rhs, frame)
    spec = matrix.model_spec
    names = list(matrix.columns)
    x = np.asarray(matrix, dtype=float)
    _check_rank(x, names)

    fit_kw: dict = {}
    n_clusters = None
    if cluster is not None:
        groups = pd.factorize(frame[cluster])[0]
        n_clusters = int(groups.max() + 1)
        fit_kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
        if n_clusters < MIN_CLUSTERS:
            warnings.warn(
                f"cluster-robust standard errors with only {n_clusters} clusters of {cluster!r} "
                f"(fewer than {MIN_CLUSTERS}) are unreliable (too small); cluster by a finer "
                "unit (e.g. mentor_id) or report model-based standard errors.",
                EvalkitWarning,
                stacklevel=2,
            )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.Logit(y, pd.DataFrame(x, columns=names)).fit(
            method="newton", maxiter=100, disp=0, **fit_kw
        )
        p_hat = fit.predict()
        finite = bool(np.all(np.isfinite(fit.bse)))
    extreme = int(np.sum((p_hat < _SEPARATION_EPS) | (p_hat > 1 - _SEPARATION_EPS)))
    if not fit.mle_retvals["converged"] or extreme or not finite:
        worst = fit.bse.drop("Intercept", errors="ignore").sort_values(ascending=False)
        raise ValueError(
            "(quasi-)complete separation: the outcome is perfectly predicted for "
            f"{extreme} people and the estimates diverge (Newton-Raphson "
            f"{'did not converge' if not fit.mle_retvals['converged'] else 'converged'}; "
            f"{len(caught)} numerical warnings). Terms with the largest standard errors: "
            f"{list(worst.index[:3])}. Merge rare levels, drop the term, or use fewer terms."
        )
    beta = fit.params.to_numpy()
    cov = np.asarray(fit.cov_params())
    se = np.sqrt(np.diag(cov))
    z = float(stats.norm.isf((1 - conf_level) / 2))
    keep = [i for i, name in enumerate(names) if name != "Intercept"]
    n, n_events = len(y), int(y.sum())
    k = len(keep)
    epv = min(n_events, n - n_events) / max(k, 1)
    if epv < MIN_EVENTS_PER_VARIABLE:
        warnings.warn(
            f"only {epv:.1f} events per coefficient (min(events, non-events) = "
            f"{min(n_events, n - n_events)} for {k} coefficients; fewer than "
            f"{MIN_EVENTS_PER_VARIABLE}): the model is over-parameterised, its odds ratios "
            "are biased away from 1 and its CIs too narrow; drop or merge terms.",
            EvalkitWarning,
            stacklevel=2,
        )
    b, s = beta[keep], se[keep]
    p_values = 2 * stats.norm.sf(np.abs(b / s))
    labels = pd.DataFrame(_term_labels(spec, frame))
    table = labels.assign(
        estimate=np.exp(b),
        ci_low=np.exp(b - z * s),
        ci_high=np.exp(b + z * s),
        log_odds_ratio=b,
        std_error=s,
        p_value=p_values,
        p_value_holm=_holm(p_values),
    )
    term_rows = []
    for structure in spec.structure:
        if str(structure.term) == "1":
            continue
        idx = [names.index(c) for c in structure.columns]
        bb = beta[idx]
        block = cov[np.ix_(idx, idx)]
        # With few clusters the robust covariance has rank < G: test what it can identify.
        df = int(np.linalg.matrix_rank(block, hermitian=True))
        stat = float(bb @ np.linalg.pinv(block, hermitian=True) @ bb)
        term_rows.append(
            {
                "term": str(structure.term),
                "df": df,
                "statistic": stat,
                "p_value": float(stats.chi2.sf(stat, df)),
            }
        )
    terms = pd.DataFrame(term_rows)
    terms["p_value_holm"] = _holm(terms["p_value"].to_numpy())
    marginal = _average_marginal_effects(spec, frame, variables, x, names, beta, cov, z)
    rare = [] if min_count is None else rare_indicators(x, names, min_count)
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
    return OddsRatioResult(
        table=table,
        marginal_effects=marginal,
        terms=terms,
        formula=formula,
        n=n,
        n_events=n_events,
        n_parameters=k,
        events_per_variable=float(epv),
        n_clusters=n_clusters,
        conf_level=conf_level,
        cov_type="cluster" if cluster else "nonrobust",
    )


# ---------------------------------------------------------------------------
# Prediction: grouped, repeated cross-validation
# ---------------------------------------------------------------------------


def delong_auc(
    y: np.ndarray, scores: np.ndarray, *, clusters: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """AUCs of several score vectors and their covariance matrix (DeLong; clustered).

    Parameters
    ----------
    y : array of 0/1
        Outcomes.
    scores : array, shape (n_models, n)
        Predicted scores of each model for the same people.
    clusters : array, optional
        Cluster of each person (e.g. mentor). When given, the covariance allows for
        correlation within clusters (Obuchowski 1997); otherwise people are independent
        (DeLong et al. 1988).

    Returns
    -------
    auc : numpy.ndarray, shape (n_models,)
    cov : numpy.ndarray, shape (n_models, n_models)

    Notes
    -----
    Structural components (placement values) :math:`V_{10}` of the positives and
    :math:`V_{01}` of the negatives, computed with midranks (Sun & Xu 2014); ties count
    one half. Unclustered: :math:`S_{10}/m + S_{01}/n` with the sample covariances of
    the components. Clustered, with :math:`I` clusters, component sums
    :math:`V_{10,i}, V_{01,i}` and counts :math:`m_i, n_i` per cluster:
    :math:`\\frac{I}{I-1}[\\sum_i (V_{10,i}-m_i A)^2/M^2 + \\sum_i (V_{01,i}-n_i A)^2/N^2
    + 2 \\sum_i (V_{10,i}-m_i A)(V_{01,i}-n_i A)/(MN)]`. The AUC equals scikit-learn's
    ``roc_auc_score``; the unclustered variance equals the brute-force DeLong
    variance and R ``pROC::var(method="delong")`` (tested to 1e-10).

    References
    ----------
    DeLong, E. R., DeLong, D. M. & Clarke-Pearson, D. L. (1988). Comparing the areas
    under two or more correlated ROC curves. *Biometrics* 44, 837–845.
    Obuchowski, N. A. (1997). Nonparametric analysis of clustered ROC curve data.
    *Biometrics* 53, 567–578.
    Sun, X. & Xu, W. (2014). Fast implementation of DeLong's algorithm. *IEEE Signal
    Processing Letters* 21(11), 1389–1393.

    Examples
    --------
    >>> auc, cov = delong_auc([0, 0, 1, 1], [[0.1, 0.4, 0.35, 0.8]])
    >>> float(auc[0])
    0.75
    """
    y = np.asarray(y).astype(bool)
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    if scores.shape[1] != len(y):
        raise ValueError(
            f"scores must have one column per person ({len(y)}), but has shape {scores.shape}."
        )
    pos, neg = scores[:, y], scores[:, ~y]
    m, n = pos.shape[1], neg.shape[1]
    if m == 0 or n == 0:
        raise ValueError("the AUC needs both outcomes (0 and 1) among the people scored.")
    aucs, v10, v01 = [], [], []
    for p, q in zip(pos, neg, strict=True):
        all_ranks = stats.rankdata(np.concatenate([p, q]))
        rank_p = stats.rankdata(p)
        rank_q = stats.rankdata(q)
        aucs.append((all_ranks[:m].sum() - m * (m + 1) / 2) / (m * n))
        v10.append((all_ranks[:m] - rank_p) / n)
        v01.append(1.0 - (all_ranks[m:] - rank_q) / m)
    aucs, v10, v01 = np.array(aucs), np.array(v10), np.array(v01)
    if clusters is None:
        cov = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n
        return aucs, cov
    codes, uniques = pd.factorize(np.asarray(clusters))
    n_clusters = len(uniques)
    if n_clusters < 2:
        raise ValueError("a clustered AUC variance needs at least 2 clusters.")
    cp, cn = codes[y], codes[~y]
    m_i = np.bincount(cp, minlength=n_clusters)
    n_i = np.bincount(cn, minlength=n_clusters)
    s10 = np.array([np.bincount(cp, w, minlength=n_clusters) for w in v10])
    s01 = np.array([np.bincount(cn, w, minlength=n_clusters) for w in v01])
    d = (s10 - m_i * aucs[:, None]) / m + (s01 - n_i * aucs[:, None]) / n
    cov = n_clusters / (n_clusters - 1) * (d @ d.T)
    return aucs, cov


@dataclass(frozen=True)
class CrossValidationResult(TableResult):
    """Grouped, repeated cross-validation of a logistic baseline and gradient boosting.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model and metric (``auc``, ``calibration_slope``,
        ``calibration_intercept``, ``brier``), plus ``auc_difference`` (second model
        minus first): ``model``, ``metric``, ``estimate`` (mean over repetitions of the
        metric of the pooled out-of-fold predictions), ``std_error``, ``ci_low``,
        ``ci_high`` (from the mean sampling variance over repetitions), ``sd_repeats``
        (spread due to the random split alone), ``n``.
    folds : pandas.DataFrame
        ``model``, ``repeat``, ``fold``, ``n``, ``n_events``, ``auc``, ``brier`` of each
        held-out fold.
    calibration : pandas.DataFrame
        Calibration curve pooled over repetitions: ``model``, ``bin`` (tenth of
        predicted risk), ``n`` (people per repetition), ``predicted`` (mean),
        ``observed`` (proportion) with its Wilson interval ``observed_ci_low``,
        ``observed_ci_high`` on ``n_effective`` people (``n``; with ``cluster``, the
        effective number given the clustering, at most ``n``).
    importance : pandas.DataFrame
        Permutation importance on held-out folds: ``model``, ``predictor``,
        ``importance_mean`` (drop in AUC when the column is shuffled), ``importance_sd``
        (over folds, repetitions and shuffles), ``n_evaluations``.
    partial_dependence : pandas.DataFrame
        Average predicted probability when everyone is given ``value`` of ``predictor``
        (the others as observed), for the most important predictors of the flexible
        model, models fitted on all rows: ``model``, ``predictor``, ``value``,
        ``average_prediction``, its grouped-jackknife ``std_error`` over the
        cross-validation training sets and the interval ``ci_low``, ``ci_high``
        (estimate ± z SE, within 0 and 1; see :func:`cross_validate_models`).
    subgroups : pandas.DataFrame
        Performance by subgroup: ``model``, ``variable``, ``level``, ``n``,
        ``n_events``, ``observed``, ``predicted``, ``observed_minus_predicted``,
        ``auc``, ``auc_ci_low``, ``auc_ci_high``, ``brier``, ``suppression``. Subgroups
        smaller than ``min_subgroup_size`` are suppressed (with secondary suppression,
        :func:`evalkit.reporting.disclosure.suppress_small_counts`).
    models : tuple of str
        The model names, baseline first.
    predictors : tuple of str
        Predictors used.
    group : str
        Column whose values never straddle a training and a test fold.
    cluster : str or None
        Column of clusters of the AUC variance.
    n_splits, n_repeats : int
        Cross-validation design.
    conf_level : float
        Confidence level.
    seed : int
        Seed of the folds, the boosting and the permutations.
    oof : pandas.DataFrame
        Out-of-fold predicted probabilities of the first repetition, one column per
        model (row-level: not shown in reprs).
    """

    table: pd.DataFrame
    folds: pd.DataFrame
    calibration: pd.DataFrame
    importance: pd.DataFrame
    partial_dependence: pd.DataFrame
    subgroups: pd.DataFrame
    models: tuple[str, ...]
    predictors: tuple[str, ...]
    group: str
    cluster: str | None
    n_splits: int
    n_repeats: int
    conf_level: float
    seed: int
    oof: pd.DataFrame = field(repr=False)

    def plot(self, ax=None):
        """Calibration curves (out of fold, with the observed proportions' intervals) and the
        diagonal; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4.5, 4.5))
        for i, (model, curve) in enumerate(self.calibration.groupby("model", sort=False)):
            ax.errorbar(
                curve["predicted"],
                curve["observed"],
                yerr=[
                    curve["observed"] - curve["observed_ci_low"],
                    curve["observed_ci_high"] - curve["observed"],
                ],
                fmt="o-",
                color=f"C{i}",
                capsize=2,
                label=model,
            )
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("predicted probability (out of fold, tenths)")
        ax.set_ylabel("observed proportion")
        ax.legend(frameon=False)
        return ax

    def plot_importance(self, ax=None):
        """Permutation importance (mean ± SD) of each predictor by model; returns the Axes."""
        import matplotlib.pyplot as plt

        order = (
            self.importance.groupby("predictor")["importance_mean"]
            .max()
            .sort_values(ascending=False)
            .index.tolist()
        )
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.35 * len(order) + 1))
        y = np.arange(len(order))
        height = 0.8 / max(len(self.models), 1)
        for i, model in enumerate(self.models):
            rows = self.importance[self.importance["model"] == model].set_index("predictor")
            rows = rows.reindex(order)
            ax.barh(
                y + i * height,
                rows["importance_mean"],
                height,
                xerr=rows["importance_sd"],
                color=f"C{i}",
                label=model,
                capsize=2,
            )
        ax.axvline(0, color="grey", linewidth=1)
        ax.set_yticks(y + height * (len(self.models) - 1) / 2, order)
        ax.invert_yaxis()
        ax.set_xlabel("drop in held-out AUC when shuffled")
        ax.legend(frameon=False)
        return ax

    def plot_partial_dependence(self, axes=None):
        """Partial dependence of each top predictor with its interval; the Axes array.

        One panel per predictor: a confidence band for numeric predictors, interval bars
        (the models side by side) for categorical ones.
        """
        import matplotlib.pyplot as plt

        predictors = list(dict.fromkeys(self.partial_dependence["predictor"]))
        if axes is None:
            _, axes = plt.subplots(
                1, len(predictors), figsize=(3.2 * len(predictors), 3), sharey=True, squeeze=False
            )
        axes = np.ravel(axes)
        for ax, predictor in zip(axes, predictors, strict=True):
            rows = self.partial_dependence[self.partial_dependence["predictor"] == predictor]
            for i, model in enumerate(self.models):
                r = rows[rows["model"] == model]
                numeric = pd.api.types.is_number(r["value"].iloc[0]) and not isinstance(
                    r["value"].iloc[0], bool
                )
                estimate, low, high = (
                    r[c].to_numpy(dtype=float) for c in ("average_prediction", "ci_low", "ci_high")
                )
                if numeric:
                    x = r["value"].to_numpy(dtype=float)
                    ax.plot(x, estimate, "-", color=f"C{i}", label=model)
                    ax.fill_between(x, low, high, color=f"C{i}", alpha=0.2, linewidth=0)
                else:
                    # side by side, so that the models' bars do not overlap
                    x = np.arange(len(r)) + 0.15 * (i - (len(self.models) - 1) / 2)
                    ax.errorbar(
                        x,
                        estimate,
                        yerr=[estimate - low, high - estimate],
                        fmt="o",
                        color=f"C{i}",
                        capsize=2,
                        label=model,
                    )
                    ticks = np.arange(len(r))
                    ax.set_xticks(ticks, r["value"].astype(str), rotation=45, ha="right")
            ax.set_xlabel(predictor)
        axes[0].set_ylabel("average predicted probability")
        axes[0].legend(frameon=False)
        return axes


def _auc_ci(auc: float, se: float, z: float) -> tuple[float, float]:
    """CI of an AUC on the logit scale (stays inside (0, 1)); delta-method SE."""
    if not 0.0 < auc < 1.0:
        return float("nan"), float("nan")
    centre = np.log(auc / (1 - auc))
    half = z * se / (auc * (1 - auc))
    return float(1 / (1 + np.exp(-(centre - half)))), float(1 / (1 + np.exp(-(centre + half))))


def _kinds(x: pd.DataFrame) -> tuple[list[str], list[str]]:
    numeric = [
        c
        for c in x.columns
        if (pd.api.types.is_numeric_dtype(x[c].dtype) or pd.api.types.is_bool_dtype(x[c].dtype))
        and not isinstance(x[c].dtype, pd.CategoricalDtype)
    ]
    for c in x.columns:
        if pd.api.types.is_datetime64_any_dtype(x[c].dtype):
            raise ValueError(
                f"predictor {c!r} is a date; use a number derived from it (e.g. 'cohort', the "
                "intake year) instead."
            )
    return numeric, [c for c in x.columns if c not in numeric]


def _pipelines(numeric: list[str], categorical: list[str], seed: int) -> dict:
    """The two learners: penalised logistic regression and histogram gradient boosting."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    linear = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                ),
                numeric,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ],
        sparse_threshold=0.0,
    )
    trees = ColumnTransformer(
        [
            ("num", "passthrough", numeric),
            (
                "cat",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=np.nan,
                    encoded_missing_value=np.nan,
                ),
                categorical,
            ),
        ]
    )
    is_cat = [False] * len(numeric) + [True] * len(categorical)
    return {
        "logistic": make_pipeline(linear, LogisticRegression(C=1.0, max_iter=1000)),
        "gradient_boosting": make_pipeline(
            trees,
            HistGradientBoostingClassifier(
                learning_rate=0.05,
                max_iter=100,
                max_leaf_nodes=8,
                min_samples_leaf=30,
                l2_regularization=1.0,
                categorical_features=is_cat if any(is_cat) else None,
                early_stopping=False,
                random_state=seed,
            ),
        ),
    }


def _recalibration(
    y: np.ndarray, p: np.ndarray, clusters: np.ndarray | None = None
) -> dict[str, tuple[float, float]]:
    """Calibration slope and intercept (estimate, variance) and the Brier score.

    With ``clusters``, cluster-robust variances (statsmodels' cluster sandwich, and the
    between-cluster variance of the Brier score's mean), as for the AUC.
    """
    import statsmodels.api as sm

    p = np.clip(p, 1e-10, 1 - 1e-10)
    logit = np.log(p / (1 - p))
    binomial = sm.families.Binomial()
    robust = {} if clusters is None else {
        "cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(clusters)[0]}
    }
    slope = sm.GLM(y, np.column_stack([np.ones_like(logit), logit]), family=binomial).fit(
        **robust
    )
    large = sm.GLM(y, np.ones((len(y), 1)), family=binomial, offset=logit).fit(**robust)
    brier = (p - y) ** 2
    if clusters is None:
        brier_var = float(brier.var(ddof=1)) / len(y)
    else:
        brier_var = _clustered_variance_of_mean(brier - brier.mean(), clusters)
    return {
        "calibration_slope": (float(slope.params[1]), float(slope.bse[1]) ** 2),
        "calibration_intercept": (float(large.params[0]), float(large.bse[0]) ** 2),
        "brier": (float(brier.mean()), brier_var),
    }


def _clustered_variance_of_mean(deviations: np.ndarray, clusters: np.ndarray) -> float:
    """Cluster-robust variance of a mean from its terms' deviations: G/(G-1) Σ_c T_c² / n².

    Infinite with a single cluster (no information on the between-cluster variance).
    """
    totals = cluster_sum(deviations[:, None], clusters)[:, 0]
    g = len(totals)
    if g < 2:
        return float("inf")
    return float(g / (g - 1) * np.sum(totals**2) / len(deviations) ** 2)


def _calibration_curve(
    oof: np.ndarray, y: np.ndarray, clusters: np.ndarray | None, z: float
) -> pd.DataFrame:
    """Calibration curve of out-of-fold predictions ``oof`` (repetitions × people).

    Tenths of predicted risk pooled over repetitions; the observed proportion of each
    tenth has a Wilson interval on its number of people or, with ``clusters``, on its
    effective number ``p(1-p)/var`` with the cluster-robust variance of the proportion
    (Korn & Graubard 1998; never more than the number of people).
    """
    n_repeats = oof.shape[0]
    p = oof.ravel()
    yy = np.tile(y, n_repeats)
    bins = pd.qcut(p, 10, labels=False, duplicates="drop")
    curve = pd.DataFrame({"bin": bins, "p": p, "y": yy}).groupby("bin")
    people = curve.size().to_numpy() / n_repeats
    observed = curve["y"].mean().to_numpy()
    effective = people
    if clusters is not None:
        repeated = np.tile(clusters, n_repeats)
        variance = np.array(
            [
                _clustered_variance_of_mean(yy[bins == b] - o, repeated[bins == b])
                for b, o in zip(curve.size().index, observed, strict=True)
            ]
        )
        with np.errstate(invalid="ignore"):  # p = 0 or 1: no variance, n people
            effective = np.fmin(people, observed * (1 - observed) / variance)
    with np.errstate(divide="ignore", invalid="ignore"):  # one cluster: no interval
        low, high = _wilson(observed, effective, z)
    return pd.DataFrame(
        {
            "bin": curve.size().index.to_numpy() + 1,
            "n": people,
            "n_effective": effective,
            "predicted": curve["p"].mean().to_numpy(),
            "observed": observed,
            "observed_ci_low": low,
            "observed_ci_high": high,
        }
    )


def _wilson(p: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of proportions ``p`` of ``n`` people (n may be an average)."""
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return centre - half, centre + half


def _subgroup_levels(
    data: pd.DataFrame, variable: str, bins: Mapping[str, Sequence[float]]
) -> pd.Series:
    s = data[variable]
    if variable in bins:
        edges = list(bins[variable])
        return pd.cut(s, edges, right=False).astype(str).where(s.notna())
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if numeric and s.nunique() > 12:
        raise ValueError(
            f"subgroup variable {variable!r} is numeric with {s.nunique()} values; give band "
            f"edges, e.g. subgroup_bins={{{variable!r}: [16, 26, 34, 46, 71]}}."
        )
    return s.astype(object)


#: Partial dependence: points of a numeric predictor's grid (5th to 95th percentile).
_PD_GRID_RESOLUTION = 20
#: Each cross-validation model's partial dependence is averaged over the training rows
#: among one seeded subsample of at most this many rows.
_PD_MAX_ROWS = 5_000
#: Rows of the stacked frame (rows x grid values) per predict_proba call, at most.
_PD_MAX_STACK = 1_000_000
_PD_COLUMNS = (
    "model",
    "predictor",
    "value",
    "average_prediction",
    "std_error",
    "ci_low",
    "ci_high",
)


class _FoldFit(NamedTuple):
    """What the partial-dependence jackknife needs of one cross-validation fold."""

    models: dict  # model name -> pipeline fitted on the fold's training rows
    rows: np.ndarray  # training rows to average the partial dependence over
    ratio: float  # groups in the training set / groups held out


def _pd_grid(
    x: pd.DataFrame, y: np.ndarray, predictor: str, categorical: list[str]
) -> np.ndarray:
    """scikit-learn's partial-dependence grid of ``predictor`` (its categories, its unique
    values if fewer than the resolution, else equally spaced from the 5th to the 95th
    percentile).

    The grid depends on the predictor's column alone: a prior-only ``DummyClassifier``
    obtains it from ``partial_dependence`` without predicting with a real model.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.inspection import partial_dependence

    column = x[[predictor]]
    return partial_dependence(
        DummyClassifier(strategy="prior").fit(column, y),
        column,
        [predictor],
        kind="average",
        grid_resolution=_PD_GRID_RESOLUTION,
        categorical_features=[predictor] if predictor in categorical else None,
    )["grid_values"][0]


def _partial_dependence_curve(
    model, x: pd.DataFrame, predictor: str, grid: np.ndarray, rows: np.ndarray | None = None
) -> np.ndarray:
    """Mean predicted probability over ``rows`` of ``x`` with ``predictor`` set to each
    ``grid`` value (scikit-learn's brute-force partial dependence).

    The rows are stacked once per grid value and predicted together, in calls of at most
    ``_PD_MAX_STACK`` rows; the column keeps its dtype (e.g. categorical).
    """
    rows = np.arange(len(x)) if rows is None else np.asarray(rows)
    m = len(rows)
    sums = np.zeros(len(grid))
    dtype = x[predictor].dtype
    for start in range(0, m * len(grid), _PD_MAX_STACK):
        position = np.arange(start, min(start + _PD_MAX_STACK, m * len(grid)))
        point = position // m
        stacked = x.take(rows[position % m])
        stacked[predictor] = pd.Series(grid[point], index=stacked.index, dtype=dtype)
        p = model.predict_proba(stacked)[:, 1]
        sums += np.bincount(point, weights=p, minlength=len(grid))
    return sums / m


def _partial_dependence_table(
    models: dict,
    fold_fits: list[_FoldFit],
    x: pd.DataFrame,
    y: np.ndarray,
    top: list[str],
    categorical: list[str],
    z: float,
) -> pd.DataFrame:
    """Partial dependence of the ``top`` predictors, from the models refitted on all rows,
    with grouped delete-d jackknife standard errors over the cross-validation folds (see
    :func:`cross_validate_models`)."""
    from sklearn.base import clone

    ratios = np.array([f.ratio for f in fold_fits])
    grids = {predictor: _pd_grid(x, y, predictor, categorical) for predictor in top}
    rows = []
    for name, template in models.items():
        full = clone(template).fit(x, y)
        for predictor, grid in grids.items():
            estimate = _partial_dependence_curve(full, x, predictor, grid)
            replicates = np.array(
                [
                    _partial_dependence_curve(f.models[name], x, predictor, grid, f.rows)
                    for f in fold_fits
                ]
            )
            se = np.sqrt(ratios @ (replicates - replicates.mean(axis=0)) ** 2 / len(ratios))
            low = np.clip(estimate - z * se, 0.0, 1.0)
            high = np.clip(estimate + z * se, 0.0, 1.0)
            rows.extend(
                zip(
                    [name] * len(grid),
                    [predictor] * len(grid),
                    [v.item() if hasattr(v, "item") else v for v in grid],
                    estimate,
                    se,
                    low,
                    high,
                    strict=True,
                )
            )
    return pd.DataFrame(rows, columns=list(_PD_COLUMNS))


def cross_validate_models(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    group: str,
    n_splits: int = 5,
    n_repeats: int = 3,
    cluster: str | None = None,
    subgroups: Sequence[str] = (),
    subgroup_bins: Mapping[str, Sequence[float]] | None = None,
    min_subgroup_size: int = 10,
    n_permutations: int = 5,
    n_partial_dependence: int = 3,
    conf_level: float = 0.95,
    intake_columns: Sequence[str] = (),
    n_threads: int | None = 1,
    rng: int | np.random.Generator | None = 0,
) -> CrossValidationResult:
    """Compare a logistic baseline and gradient boosting by grouped, repeated CV.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        0/1 (or boolean) outcome column, e.g. from :func:`evalkit.data.outcomes.job_within`.
    predictors : sequence of str
        Predictor columns; only columns known at intake are accepted
        (:func:`check_predictors`). Missing values are allowed: numeric columns are
        median-imputed with a missingness indicator (logistic) or handled natively
        (boosting); for categoricals "missing" is a level of its own.
    group : str
        Column whose values never straddle a training and a test fold. ``"mentor_id"``
        answers "how well for participants of mentors the model has not seen";
        ``"cohort"`` (intake year) "for a future intake year" (few groups: few, uneven
        folds); ``"site"`` "for a new site" (5 sites of very different size: unstable).
    n_splits : int, default=5
        Folds per repetition (at most the number of groups).
    n_repeats : int, default=3
        Repetitions with different random group-to-fold assignments.
    cluster : str, optional
        Column of clusters for the variances of the AUC (Obuchowski) and of the
        calibration and Brier estimates, e.g. ``"mentor_id"``: participants of the same
        mentor are not independent. Default: independent.
    subgroups : sequence of str, default=()
        Columns to report performance by (e.g. ``["programme", "gender", "age"]``).
    subgroup_bins : mapping, optional
        Band edges (left-closed) for numeric subgroup columns, e.g.
        ``{"age": [16, 26, 34, 46, 71]}``.
    min_subgroup_size : int, default=10
        Smaller subgroups are suppressed in the subgroup table.
    n_permutations : int, default=5
        Shuffles per predictor and held-out fold for permutation importance (0: none).
    n_partial_dependence : int, default=3
        Number of top predictors (by the boosting model's importance) with partial
        dependence curves and their confidence intervals (0: none; needs
        ``n_permutations`` > 0 for the ranking).
    conf_level : float, default=0.95
        Confidence level.
    intake_columns : sequence of str, default=()
        Predictors outside the data dictionary that are known at intake.
    n_threads : int or None, default=1
        Threads of the numerical libraries (OpenMP, BLAS) during fitting; ``None``
        leaves their default (all cores). One thread is fastest for a few thousand rows
        (thread start-up dominates); use ``None`` for hundreds of thousands.
    rng : int or numpy.random.Generator, default=0
        Seed of the fold assignment, the boosting and the permutations: the same seed
        gives the same folds and the same scores.

    Returns
    -------
    CrossValidationResult

    Raises
    ------
    ValueError
        For post-intake predictors, a non-binary outcome, fewer groups than folds, or a
        fold without both outcomes.

    Notes
    -----
    Each repetition assigns whole groups at random to ``n_splits`` folds
    (scikit-learn ``GroupKFold(shuffle=True)``); each model is trained on the other
    folds and predicts the held-out one, so every person gets one out-of-fold
    prediction per repetition. Metrics are computed on the pooled out-of-fold
    predictions of a repetition and averaged over repetitions; the standard error is
    the square root of the mean sampling variance, so it describes the uncertainty
    from the finite sample, while ``sd_repeats`` shows how much the random split alone
    moves the estimate.

    - AUC and the AUC difference: DeLong (or clustered, Obuchowski) variance
      (:func:`delong_auc`); the difference is paired on the same people. AUC intervals
      are computed on the logit scale (so they stay within 0 and 1; Pepe 2003, 4.3),
      the difference's on the plain scale.
    - Calibration slope: :math:`b` in :math:`\\mathrm{logit}\\,P(y)=a+b\\,\\mathrm{logit}\\,p`
      (ideal 1; below 1: predictions too extreme). Calibration intercept
      (calibration-in-the-large): :math:`a` with the slope fixed at 1 (offset; ideal 0;
      above 0: risks under-predicted). GLM standard errors, cluster-robust with
      ``cluster`` (statsmodels' cluster sandwich with its small-sample factor).
    - Brier score: mean of :math:`(p-y)^2`, SE of a mean (with ``cluster``: from the
      cluster totals, G/(G-1)).

    The logistic baseline is L2-penalised (C=1) on standardised numeric and one-hot
    categorical columns; gradient boosting (scikit-learn ``HistGradientBoosting``:
    100 trees of at most 8 leaves of at least 30 people, learning rate 0.05, native
    categorical splits) is the flexible learner. Preprocessing is fitted inside each
    training fold (pipelines), so nothing about the held-out people leaks into training.

    Permutation importance (Breiman 2001; scikit-learn ``permutation_importance``)
    shuffles one predictor in a held-out fold and records the drop in AUC; it says
    what the model relies on, not what causes finding a job. Partial dependence
    (Friedman 2001) is computed on the models refitted to all rows: at each grid value
    :math:`v` (scikit-learn's grid: the categories, or 20 equally spaced points from the
    5th to the 95th percentile), :math:`\\theta(v)` is the mean over all rows of the
    predicted probability with the predictor set to :math:`v` (scikit-learn's
    ``partial_dependence``, brute method, evaluated on one stacked frame per model and
    predictor).

    Its standard error is a grouped delete-d jackknife over the cross-validation
    training sets (Shao and Wu 1989): each of the :math:`N` = ``n_splits`` x
    ``n_repeats`` fold models, fitted on the training rows of fold :math:`s`, gives
    :math:`\\theta_s(v)`, the mean over that training set of its predicted probability
    at :math:`v`, so both the model and the distribution averaged over are re-estimated
    without the held-out groups, as :math:`\\theta(v)` is estimated from all of them.
    Then :math:`\\widehat{\\mathrm{var}}(v)=N^{-1}\\sum_s r_s\\,(\\theta_s(v)-\\bar\\theta(v))^2`,
    :math:`\\bar\\theta` the mean of the :math:`\\theta_s` and :math:`r_s` the number of
    groups in training set :math:`s` over the number held out (about ``n_splits`` - 1).
    Deleting whole groups makes the variance account for the dependence within a
    group; deleting a fixed fraction of them (d/n bounded away from 0) keeps the
    delete-d jackknife consistent also for non-smooth statistics such as tree
    ensembles. The interval is estimate ± z SE, clipped to [0, 1]. It is approximate:
    the variance rests on about :math:`N-1` degrees of freedom (with few folds and
    repetitions a t quantile would give a wider interval), and for boosting, a
    non-smooth and partly unstable fit, the jackknife is rougher than for the logistic
    model (in the tests it agrees on average with a mentor-cluster bootstrap for both,
    pointwise less closely for boosting). With more than 5,000 rows, the fold models
    are averaged over the training rows among one random subsample of 5,000 rows
    (drawn with the seed, the same for all folds), which adds that subsample's
    sampling error to the variance (conservative); the estimate itself uses all rows.

    References
    ----------
    Steyerberg, E. W. (2019). *Clinical Prediction Models*, 2nd ed., ch. 15 (calibration
    slope and intercept). Springer.
    Van Calster, B. et al. (2019). Calibration: the Achilles heel of predictive
    analytics. *BMC Medicine* 17, 230.
    Pepe, M. S. (2003). *The Statistical Evaluation of Medical Tests for Classification
    and Prediction*. Oxford University Press.
    Roberts, D. R. et al. (2017). Cross-validation strategies for data with temporal,
    spatial, hierarchical, or phylogenetic structure. *Ecography* 40, 913–929.
    Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine.
    *Annals of Statistics* 29, 1189–1232.
    Shao, J. and Wu, C. F. J. (1989). A general theory for jackknife variance
    estimation. *Annals of Statistics* 17, 1176–1197.
    Agrees with scikit-learn ``roc_auc_score``, ``brier_score_loss`` and statsmodels
    ``GLM`` for the recalibration fits.

    Examples
    --------
    >>> from evalkit.data.synthetic import simulate_participants
    >>> from evalkit.data.outcomes import job_within
    >>> data = job_within(simulate_participants(600, rng=1), 12).data
    >>> cv = cross_validate_models(data, "job_within_12m", ["age", "language_level"],
    ...                            group="mentor_id", n_splits=3, n_repeats=1,
    ...                            n_permutations=0, n_partial_dependence=0)
    >>> cv.table.query("metric == 'auc'")["model"].tolist()
    ['logistic', 'gradient_boosting']
    """
    check_data(data)
    predictors = list(predictors)
    if not predictors:
        raise ValueError("predictors is empty; pass at least one column known at intake.")
    check_columns(data, [outcome, group, cluster, *predictors, *subgroups])
    check_predictors(predictors, outcome=outcome, intake_columns=intake_columns)
    conf_level = check_conf_level(conf_level)
    seed = int(check_rng(rng).integers(2**31 - 1))
    bins = dict(subgroup_bins or {})
    for name, value in (("n_splits", n_splits), ("n_repeats", n_repeats)):
        if not isinstance(value, (int, np.integer)) or value < (2 if name == "n_splits" else 1):
            raise ValueError(
                f"{name} must be an integer >= {2 if name == 'n_splits' else 1}, but was {value!r}."
            )
    y_raw = data[outcome]
    if y_raw.isna().any() or not y_raw.astype(float).isin([0.0, 1.0]).all():
        raise ValueError(
            f"outcome {outcome!r} must be 0/1 or boolean without missing values; build it with "
            "evalkit.data.outcomes.job_within, which sets aside people with too short follow-up."
        )
    y = y_raw.to_numpy(dtype=float)
    if data[group].isna().any():
        raise ValueError(f"group column {group!r} has missing values; every row needs a group.")
    n_groups = data[group].nunique()
    if n_groups < n_splits:
        raise ValueError(
            f"group column {group!r} has {n_groups} distinct values but n_splits={n_splits}; "
            "use at most as many folds as groups, or a finer grouping (e.g. mentor_id)."
        )
    x = data[predictors]
    numeric, categorical = _kinds(x)
    x = x.astype({c: float for c in numeric} | {c: object for c in categorical})
    x = x.reset_index(drop=True)
    # Integer codes: GroupKFold's np.isin on object ids (e.g. "M0042") is O(n x groups).
    groups = pd.factorize(data[group])[0]
    clusters = None if cluster is None else data[cluster].to_numpy()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n_threads):
        return _cross_validate(
            data,
            x,
            y,
            groups,
            clusters,
            numeric,
            categorical,
            predictors,
            seed,
            group=group,
            cluster=cluster,
            n_splits=n_splits,
            n_repeats=n_repeats,
            subgroups=subgroups,
            bins=bins,
            min_subgroup_size=min_subgroup_size,
            n_permutations=n_permutations,
            n_partial_dependence=n_partial_dependence,
            conf_level=conf_level,
        )


def _cross_validate(
    data,
    x,
    y,
    groups,
    clusters,
    numeric,
    categorical,
    predictors,
    seed,
    *,
    group,
    cluster,
    n_splits,
    n_repeats,
    subgroups,
    bins,
    min_subgroup_size,
    n_permutations,
    n_partial_dependence,
    conf_level,
) -> CrossValidationResult:
    from sklearn.base import clone
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import GroupKFold

    models = _pipelines(numeric, categorical, seed)
    names = list(models)
    n = len(y)
    oof = np.full((len(names), n_repeats, n), np.nan)
    fold_rows, importances = [], []
    # Partial dependence (needs the importance ranking) keeps each fold's models for its
    # jackknife, with the rows of one seeded subsample of at most _PD_MAX_ROWS to average on.
    fold_fits: list[_FoldFit] | None = None
    if n_partial_dependence and n_permutations:
        fold_fits = []
        averaging = np.arange(n)
        if n > _PD_MAX_ROWS:
            averaging = np.sort(np.random.default_rng(seed).choice(n, _PD_MAX_ROWS, replace=False))
    for repeat in range(n_repeats):
        folds = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed + repeat)
        for fold, (train, test) in enumerate(folds.split(x, y, groups)):
            if len(np.unique(y[test])) < 2 or len(np.unique(y[train])) < 2:
                raise ValueError(
                    f"fold {fold} of repetition {repeat} has only one outcome value; use fewer "
                    "folds or a grouping with more groups."
                )
            fitted = {}
            for i, name in enumerate(names):
                model = fitted[name] = clone(models[name]).fit(x.iloc[train], y[train])
                p = model.predict_proba(x.iloc[test])[:, 1]
                oof[i, repeat, test] = p
                fold_rows.append(
                    {
                        "model": name,
                        "repeat": repeat,
                        "fold": fold,
                        "n": len(test),
                        "n_events": int(y[test].sum()),
                        "auc": delong_auc(y[test], p[None, :])[0][0],
                        "brier": float(np.mean((p - y[test]) ** 2)),
                    }
                )
                if n_permutations:
                    imp = permutation_importance(
                        model,
                        x.iloc[test],
                        y[test],
                        scoring="roc_auc",
                        n_repeats=n_permutations,
                        random_state=seed + 1000 * repeat + fold,
                    )
                    for column, values in zip(predictors, imp.importances, strict=True):
                        importances.extend(
                            {"model": name, "predictor": column, "value": float(v)} for v in values
                        )
            if fold_fits is not None:
                in_train = np.zeros(n, dtype=bool)
                in_train[train] = True
                fold_fits.append(
                    _FoldFit(
                        fitted,
                        averaging[in_train[averaging]],
                        len(np.unique(groups[train])) / len(np.unique(groups[test])),
                    )
                )

    z = float(stats.norm.isf((1 - conf_level) / 2))
    per_repeat: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for repeat in range(n_repeats):
        aucs, cov = delong_auc(y, oof[:, repeat, :], clusters=clusters)
        for i, name in enumerate(names):
            per_repeat.setdefault((name, "auc"), []).append((aucs[i], cov[i, i]))
            for metric, value in _recalibration(y, oof[i, repeat], clusters).items():
                per_repeat.setdefault((name, metric), []).append(value)
        per_repeat.setdefault((f"{names[1]} - {names[0]}", "auc_difference"), []).append(
            (aucs[1] - aucs[0], cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
        )
    rows = []
    for (model, metric), values in per_repeat.items():
        est = np.array([v[0] for v in values])
        se = float(np.sqrt(np.mean([v[1] for v in values])))
        low, high = (
            _auc_ci(est.mean(), se, z)
            if metric == "auc"
            else (est.mean() - z * se, est.mean() + z * se)
        )
        rows.append(
            {
                "model": model,
                "metric": metric,
                "estimate": float(est.mean()),
                "std_error": se,
                "ci_low": float(low),
                "ci_high": float(high),
                "sd_repeats": float(est.std(ddof=1)) if n_repeats > 1 else np.nan,
                "n": n,
            }
        )
    order = {"auc": 0, "calibration_slope": 1, "calibration_intercept": 2, "brier": 3}
    table = pd.DataFrame(rows)
    table = table.iloc[
        sorted(
            range(len(table)),
            key=lambda j: (
                table["metric"][j] == "auc_difference",
                names.index(table["model"][j]) if table["model"][j] in names else 9,
                order.get(table["metric"][j], 9),
            ),
        )
    ].reset_index(drop=True)

    if importances:
        importance = (
            pd.DataFrame(importances)
            .groupby(["model", "predictor"], sort=False)["value"]
            .agg(importance_mean="mean", importance_sd="std", n_evaluations="size")
            .reset_index()
        )
        importance["_m"] = importance["model"].map(names.index)
        importance = (
            importance.sort_values(["_m", "importance_mean"], ascending=[True, False])
            .drop(columns="_m")
            .reset_index(drop=True)
        )
    else:
        importance = pd.DataFrame(
            columns=["model", "predictor", "importance_mean", "importance_sd", "n_evaluations"]
        )

    calibration = []
    for i, name in enumerate(names):
        curve = _calibration_curve(oof[i], y, clusters, z)
        curve.insert(0, "model", name)
        calibration.append(curve)

    partial = pd.DataFrame(columns=list(_PD_COLUMNS))
    if fold_fits is not None and len(importance):
        top = (
            importance[importance["model"] == names[-1]]
            .head(n_partial_dependence)["predictor"]
            .tolist()
        )
        partial = _partial_dependence_table(models, fold_fits, x, y, top, categorical, z)

    subgroups_table = _subgroup_table(
        data, y, oof, names, subgroups, bins, clusters, z, min_subgroup_size
    )
    return CrossValidationResult(
        table=table,
        folds=pd.DataFrame(fold_rows),
        calibration=pd.concat(calibration, ignore_index=True),
        importance=importance,
        partial_dependence=partial,
        subgroups=subgroups_table,
        models=tuple(names),
        predictors=tuple(predictors),
        group=group,
        cluster=cluster,
        n_splits=int(n_splits),
        n_repeats=int(n_repeats),
        conf_level=conf_level,
        seed=seed,
        oof=pd.DataFrame({name: oof[i, 0] for i, name in enumerate(names)}),
    )


def _subgroup_table(data, y, oof, names, subgroups, bins, clusters, z, min_size) -> pd.DataFrame:
    from evalkit.reporting.disclosure import suppress_small_counts

    columns = [
        "model",
        "variable",
        "level",
        "n",
        "n_events",
        "observed",
        "predicted",
        "observed_minus_predicted",
        "auc",
        "auc_ci_low",
        "auc_ci_high",
        "brier",
    ]
    rows = []
    n_repeats = oof.shape[1]
    for variable in subgroups:
        levels = _subgroup_levels(data, variable, bins).to_numpy()
        for level in pd.unique(levels[pd.notna(levels)]):
            idx = np.flatnonzero(levels == level)
            yy = y[idx]
            for i, name in enumerate(names):
                pp = oof[i][:, idx]
                predicted = float(pp.mean())
                auc = low = high = np.nan
                if 0 < yy.sum() < len(yy):
                    stats_ = [
                        delong_auc(
                            yy, pp[r][None, :], clusters=None if clusters is None else clusters[idx]
                        )
                        if clusters is None or len(np.unique(clusters[idx])) > 1
                        else delong_auc(yy, pp[r][None, :])
                        for r in range(n_repeats)
                    ]
                    auc = float(np.mean([a[0] for a, _ in stats_]))
                    se = float(np.sqrt(np.mean([c[0, 0] for _, c in stats_])))
                    low, high = _auc_ci(auc, se, z)
                rows.append(
                    {
                        "model": name,
                        "variable": variable,
                        "level": str(level),
                        "n": len(idx),
                        "n_events": int(yy.sum()),
                        "observed": float(yy.mean()),
                        "predicted": predicted,
                        "observed_minus_predicted": float(yy.mean()) - predicted,
                        "auc": auc,
                        "auc_ci_low": low,
                        "auc_ci_high": high,
                        "brier": float(np.mean((pp - yy) ** 2)),
                    }
                )
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table.assign(suppression=pd.Series(dtype=object))
    return suppress_small_counts(
        table,
        "n",
        threshold=min_size,
        margins=[["model", "variable"]],
        derived=list(columns[4:]),
    ).table.astype({"n": "Int64", "n_events": "Int64"})
