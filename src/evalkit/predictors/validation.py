"""Can we predict who will need more support? Grouped, repeated cross-validation.

:func:`cross_validate_models` compares a logistic baseline and gradient boosting:
discrimination (AUC with DeLong or clustered CIs), calibration (slope, intercept,
curve), Brier score, permutation importance on held-out folds, partial dependence (with
grouped-jackknife intervals) and performance by subgroup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from evalkit._plotting import axes
from evalkit._results import TableResult
from evalkit._stats.intervals import normal_quantile
from evalkit._validation import (
    check_binary_outcome,
    check_cluster,
    check_columns,
    check_conf_level,
    check_data,
    check_fold_group,
    check_integer,
    check_observed,
    check_one_of,
    check_rng,
)
from evalkit.predictors.calibration import _calibration_table, _recalibration
from evalkit.predictors.discrimination import _auc_ci, _delong_auc
from evalkit.predictors.folds import _Design, _out_of_fold
from evalkit.predictors.importance import _importance_table
from evalkit.predictors.intake import check_predictors
from evalkit.predictors.learners import _pipelines, _predictor_frame
from evalkit.predictors.partial_dependence import _top_partial_dependence
from evalkit.predictors.subgroups import _check_subgroups, _subgroup_table
from evalkit.reporting.catalogue import column_label, text, value_label
from evalkit.reporting.disclosure import (
    ACROSS_COUNTS,
    DEFAULT_THRESHOLD,
    PublicationSpec,
    check_threshold,
    publish,
)

__all__ = ["CrossValidationResult", "cross_validate_models"]

#: Order of the metrics of a model in the table (the AUC difference last).
_METRIC_ORDER = {"auc": 0, "calibration_slope": 1, "calibration_intercept": 2, "brier": 3}
_METRIC_STATISTICS = ("estimate", "std_error", "ci_low", "ci_high", "sd_repeats")
_CALIBRATION_STATISTICS = ("n_effective", "predicted", "observed", "observed_ci_low",
                           "observed_ci_high")
_SUBGROUP_STATISTICS = ("observed", "predicted", "observed_minus_predicted", "auc",
                        "auc_ci_low", "auc_ci_high", "brier")


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
        ``n_events``, ``n_non_events``, ``observed``, ``predicted``,
        ``observed_minus_predicted``,
        ``auc``, ``auc_ci_low``, ``auc_ci_high``, ``brier``, ``suppression``. Subgroups
        smaller than ``min_subgroup_size`` are suppressed (with secondary suppression,
        :func:`evalkit.reporting.disclosure.suppress_small_counts`).
    models : tuple of str
        The model names, baseline first.
    predictors : tuple of str
        Predictors used.
    fold_group : str
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
    fold_group: str
    cluster: str | None
    n_splits: int
    n_repeats: int
    conf_level: float
    seed: int
    oof: pd.DataFrame = field(repr=False)

    #: How the tables are published. ``subgroups``: the events and non-events of a
    #: subgroup below the threshold are suppressed, with a partner among the levels of
    #: the same variable (their totals are the sample's events and non-events); the
    #: subgroup's size and statistics go with them. ``calibration``: tenths of fewer
    #: than the threshold people blanked. All rounded.
    publication: ClassVar[dict[str, PublicationSpec]] = {
        "table": PublicationSpec(
            counts=("n",), derived=_METRIC_STATISTICS,
            decimals=dict.fromkeys(_METRIC_STATISTICS, 3),
        ),
        "calibration": PublicationSpec(
            counts=("n",), derived=_CALIBRATION_STATISTICS,
            decimals={"n_effective": 1, **dict.fromkeys(_CALIBRATION_STATISTICS[1:], 3)},
        ),
        "subgroups": PublicationSpec(
            counts=("n_events", "n_non_events"),
            derived=("n", *_SUBGROUP_STATISTICS),
            margins=(("model", "variable", ACROSS_COUNTS),),
            decimals=dict.fromkeys(_SUBGROUP_STATISTICS, 3),
            dimensions=("variable", "level"),
        ),
        "folds": PublicationSpec(
            counts=("n", "n_events"), complements=(("n", "n_events"),), derived=("auc", "brier"),
            decimals={"auc": 3, "brier": 3},
        ),
    }

    def plot(self, ax=None, *, threshold: int = DEFAULT_THRESHOLD, language: str = "en"):
        """Calibration curves (out of fold, with the observed proportions' intervals) and the
        diagonal; returns the Axes.

        Tenths of predicted risk with fewer than ``threshold`` people are not drawn.
        Axis labels and models are in ``language`` (the report catalogue's). Raises
        ``ValueError`` if ``threshold`` is below 5 or ``language`` is unknown; warns
        (``DisclosureWarning``) below 10.
        """
        shown = publish(self, "calibration", threshold=threshold).table["n"].notna()
        calibration = self.calibration[shown]
        ax = axes(ax, (4.5, 4.5))
        for i, (model, curve) in enumerate(calibration.groupby("model", sort=False)):
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
                label=value_label(model, language),
            )
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel(text("figure.predicted_probability", language))
        ax.set_ylabel(text("figure.observed_proportion", language))
        ax.legend(frameon=False)
        return ax

    def plot_importance(self, ax=None, *, language: str = "en"):
        """Permutation importance (mean ± SD) of each predictor by model; returns the Axes.

        Predictors, models and the axis label are in ``language`` (the report
        catalogue's); ``ValueError`` if it is unknown.
        """
        order = (
            self.importance.groupby("predictor")["importance_mean"]
            .max()
            .sort_values(ascending=False)
            .index.tolist()
        )
        ax = axes(ax, (6, 0.35 * len(order) + 1))
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
                label=value_label(model, language),
                capsize=2,
            )
        ax.axvline(0, color="grey", linewidth=1)
        ax.set_yticks(y + height * (len(self.models) - 1) / 2,
                      [column_label(p, language) for p in order])
        ax.invert_yaxis()
        ax.set_xlabel(text("figure.importance", language))
        ax.legend(frameon=False)
        return ax

    def plot_partial_dependence(self, ax=None, *, language: str = "en"):
        """Partial dependence of each top predictor with its interval; the Axes array.

        One panel per predictor: a confidence band for numeric predictors, interval bars
        (the models side by side) for categorical ones.

        Parameters
        ----------
        ax : matplotlib Axes or array of Axes, optional
            One Axes per predictor (a single Axes for a single predictor); by default a
            new figure with one panel per predictor, side by side with a shared y axis.
        language : str, default="en"
            Language of the predictors, models and axis label (the report catalogue's).

        Raises
        ------
        ValueError
            When ``ax`` does not hold one Axes per predictor, or ``language`` is
            unknown.
        """
        predictors = list(dict.fromkeys(self.partial_dependence["predictor"]))
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(
                1, len(predictors), figsize=(3.2 * len(predictors), 3), sharey=True, squeeze=False
            )
        panels = np.ravel(ax)
        check_one_of(len(panels), [len(predictors)], name="the number of Axes in ax")
        for panel, predictor in zip(panels, predictors, strict=True):
            rows = self.partial_dependence[self.partial_dependence["predictor"] == predictor]
            _partial_dependence_panel(panel, rows, self.models, language)
            panel.set_xlabel(column_label(predictor, language))
        panels[0].set_ylabel(text("figure.average_prediction", language))
        panels[0].legend(frameon=False)
        return panels


def _partial_dependence_panel(ax, rows: pd.DataFrame, models: tuple[str, ...],
                              language: str) -> None:
    """One predictor's partial dependence by model: a band (numeric) or interval bars."""
    for i, model in enumerate(models):
        r = rows[rows["model"] == model]
        numeric = pd.api.types.is_number(r["value"].iloc[0]) and not isinstance(
            r["value"].iloc[0], bool
        )
        estimate, low, high = (
            r[c].to_numpy(dtype=float) for c in ("average_prediction", "ci_low", "ci_high")
        )
        if numeric:
            x = r["value"].to_numpy(dtype=float)
            ax.plot(x, estimate, "-", color=f"C{i}", label=value_label(model, language))
            ax.fill_between(x, low, high, color=f"C{i}", alpha=0.2, linewidth=0)
            continue
        # side by side, so that the models' bars do not overlap
        x = np.arange(len(r)) + 0.15 * (i - (len(models) - 1) / 2)
        ax.errorbar(
            x,
            estimate,
            yerr=[estimate - low, high - estimate],
            fmt="o",
            color=f"C{i}",
            capsize=2,
            label=value_label(model, language),
        )
        ax.set_xticks(np.arange(len(r)), [value_label(v, language) for v in r["value"]],
                      rotation=45, ha="right")


def cross_validate_models(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    fold_group: str,
    n_splits: int = 5,
    n_repeats: int = 3,
    cluster: str | None = None,
    subgroups: Sequence[str] = (),
    subgroup_bins: Mapping[str, Sequence[float]] | None = None,
    min_subgroup_size: int = DEFAULT_THRESHOLD,
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
    fold_group : str
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
        Smaller subgroups are suppressed in the subgroup table (5 at the least); the
        published table (``publish(result, "subgroups")``) also suppresses small
        numbers of events or non-events.
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
    TypeError
        When ``data`` is not a DataFrame or ``rng`` is neither a seed nor a Generator.
    ValueError
        For post-intake or no predictors, unknown columns, a predictor missing in every
        row (named before any fitting), a non-binary outcome, missing values in
        ``fold_group`` or ``cluster``, fewer groups than folds, ``n_splits`` below
        2, ``n_repeats`` below 1, a negative ``n_permutations`` or
        ``n_partial_dependence``, ``conf_level`` outside (0, 1), a date predictor, a
        numeric subgroup column with many values and no bands, a fold without both
        outcomes, or ``min_subgroup_size`` below 5.

    Warns
    -----
    DisclosureWarning
        If ``min_subgroup_size`` is below 10.

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
    ...                            fold_group="mentor_id", n_splits=3, n_repeats=1,
    ...                            n_permutations=0, n_partial_dependence=0)
    >>> cv.table.query("metric == 'auc'")["model"].tolist()
    ['logistic', 'gradient_boosting']
    """
    check_data(data)
    predictors = list(predictors)
    check_columns(data, [outcome, *predictors, *subgroups])
    check_predictors(predictors, outcome=outcome, intake_columns=intake_columns)
    check_observed(data, predictors, what="predictor", fix="drop them from predictors, or "
                   "check the merge or the column mapping that should fill them.")
    conf_level = check_conf_level(conf_level)
    n_splits = check_integer(n_splits, name="n_splits", minimum=2)
    n_repeats = check_integer(n_repeats, name="n_repeats", minimum=1)
    check_integer(n_permutations, name="n_permutations", minimum=0, fix="0 for none.")
    check_integer(n_partial_dependence, name="n_partial_dependence", minimum=0, fix="0 for none.")
    min_subgroup_size = check_threshold(min_subgroup_size, name="min_subgroup_size")
    check_binary_outcome(data, outcome)
    check_fold_group(data, fold_group, n_splits=n_splits)
    check_cluster(data, cluster)
    bins = dict(subgroup_bins or {})
    _check_subgroups(data, subgroups, bins)
    seed = int(check_rng(rng).integers(2**31 - 1))
    design = _Design(tuple(predictors), fold_group, cluster, n_splits, n_repeats, conf_level, seed)
    y = data[outcome].to_numpy(dtype=float)
    x, numeric, categorical = _predictor_frame(data, predictors)
    # Integer codes: GroupKFold's np.isin on object ids (e.g. "M0042") is O(n x groups).
    groups = pd.factorize(data[fold_group])[0]
    clusters = None if cluster is None else data[cluster].to_numpy()
    from sklearn import config_context
    from threadpoolctl import threadpool_limits

    # scikit-learn's check of every call's arguments (types and ranges of its functions'
    # parameters, not the data) is 15% of the run; every argument is evalkit's own.
    with threadpool_limits(limits=n_threads), config_context(skip_parameter_validation=True):
        return _cross_validate(
            data,
            x,
            y,
            groups,
            clusters,
            (numeric, categorical),
            design,
            subgroups=subgroups,
            bins=bins,
            min_subgroup_size=min_subgroup_size,
            n_permutations=n_permutations,
            n_partial_dependence=n_partial_dependence,
        )


def _cross_validate(
    data: pd.DataFrame,
    x: pd.DataFrame,
    y: np.ndarray,
    groups: np.ndarray,
    clusters: np.ndarray | None,
    kinds: tuple[list[str], list[str]],
    design: _Design,
    *,
    subgroups: Sequence[str],
    bins: Mapping[str, Sequence[float]],
    min_subgroup_size: int,
    n_permutations: int,
    n_partial_dependence: int,
) -> CrossValidationResult:
    """The cross-validation of :func:`cross_validate_models` on checked arguments.

    ``x`` is the predictor frame (its numeric and categorical columns in ``kinds``),
    ``y`` the 0/1 outcome as floats, ``groups`` the integer codes of the fold groups and
    ``clusters`` the cluster of each person (or ``None``). The steps: out-of-fold
    predictions, then the metrics, importance, calibration curves, partial dependence
    and subgroup table computed from them.
    """
    numeric, categorical = kinds
    models = _pipelines(numeric, categorical, design.seed)
    names = list(models)
    folds = _out_of_fold(
        models,
        x,
        y,
        groups,
        design,
        n_permutations=n_permutations,
        keep_fits=bool(n_partial_dependence and n_permutations),
    )
    z = normal_quantile(design.conf_level)
    importance = _importance_table(folds.importances, names)
    return CrossValidationResult(
        table=_metric_table(y, folds.oof, names, clusters, z),
        folds=pd.DataFrame(folds.folds),
        calibration=_calibration_table(folds.oof, y, names, clusters, z),
        importance=importance,
        partial_dependence=_top_partial_dependence(
            models, folds.fits, importance, n_partial_dependence, x, y, categorical, z
        ),
        subgroups=_subgroup_table(
            data, y, folds.oof, names, subgroups, bins, clusters, z, min_subgroup_size
        ),
        models=tuple(names),
        oof=pd.DataFrame({name: folds.oof[i, 0] for i, name in enumerate(names)}),
        **design._asdict(),
    )


def _metric_table(
    y: np.ndarray, oof: np.ndarray, names: list[str], clusters: np.ndarray | None, z: float
) -> pd.DataFrame:
    """AUC, calibration slope and intercept and Brier score of each model, and the AUC
    difference, averaged over repetitions with the mean sampling variance's interval."""
    per_repeat = _metrics_by_repeat(y, oof, names, clusters)
    rows = [
        _pooled_metric(model, metric, values, z, len(y))
        for (model, metric), values in per_repeat.items()
    ]
    table = pd.DataFrame(rows)
    order = sorted(
        range(len(table)),
        key=lambda j: (
            table["metric"][j] == "auc_difference",
            names.index(table["model"][j]) if table["model"][j] in names else 9,
            _METRIC_ORDER.get(table["metric"][j], 9),
        ),
    )
    return table.iloc[order].reset_index(drop=True)


def _metrics_by_repeat(
    y: np.ndarray, oof: np.ndarray, names: list[str], clusters: np.ndarray | None
) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(estimate, variance) of each model's metrics in each repetition, from its pooled
    out-of-fold predictions; the AUC difference (second model minus first) is paired."""
    per_repeat: dict[tuple[str, str], list[tuple[float, float]]] = {}
    events = y.astype(bool)
    for repeat in range(oof.shape[1]):
        aucs, cov = _delong_auc(events, oof[:, repeat, :], clusters)
        for i, name in enumerate(names):
            per_repeat.setdefault((name, "auc"), []).append((aucs[i], cov[i, i]))
            for metric, value in _recalibration(y, oof[i, repeat], clusters).items():
                per_repeat.setdefault((name, metric), []).append(value)
        per_repeat.setdefault((f"{names[1]} - {names[0]}", "auc_difference"), []).append(
            (aucs[1] - aucs[0], cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
        )
    return per_repeat


def _pooled_metric(
    model: str, metric: str, values: list[tuple[float, float]], z: float, n: int
) -> dict:
    """Mean over repetitions, the root mean variance as SE, its interval (the AUC's on the
    logit scale) and the spread over repetitions."""
    est = np.array([v[0] for v in values])
    mean = est.mean()
    se = float(np.sqrt(np.mean([v[1] for v in values])))
    low, high = _auc_ci(mean, se, z) if metric == "auc" else (mean - z * se, mean + z * se)
    return {
        "model": model,
        "metric": metric,
        "estimate": float(mean),
        "std_error": se,
        "ci_low": float(low),
        "ci_high": float(high),
        "sd_repeats": float(est.std(ddof=1)) if len(values) > 1 else np.nan,
        "n": n,
    }
