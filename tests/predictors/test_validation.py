"""Grouped, repeated cross-validation: reproducibility, metrics against scikit-learn and
statsmodels, completeness of the result, grouped folds, missing values, argument errors.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from sklearn.metrics import brier_score_loss, roc_auc_score

from evalkit.predictors import cross_validate_models
from tests.predictors.shared import CV_OPTIONS, METRICS_ONLY, PREDICTORS


def test_cross_validation_is_reproducible(data, cv):
    again = cross_validate_models(data, "job_within_12m", PREDICTORS, **CV_OPTIONS)
    for name in ("table", "folds", "importance", "subgroups", "calibration", "partial_dependence"):
        pd.testing.assert_frame_equal(getattr(cv, name), getattr(again, name))
    other = cross_validate_models(
        data,
        "job_within_12m",
        PREDICTORS,
        fold_group="mentor_id",
        n_splits=3,
        n_repeats=1,
        n_permutations=0,
        n_partial_dependence=0,
        rng=8,
    )
    assert not np.array_equal(other.oof.to_numpy(), cv.oof.to_numpy())


# One repetition, no permutations or partial dependence: the metrics alone, quickly.


def test_cross_validation_metrics_agree_with_sklearn_and_statsmodels(data):
    y = data["job_within_12m"].to_numpy()
    r = cross_validate_models(data, "job_within_12m", PREDICTORS, **METRICS_ONLY)
    t = r.table.set_index(["model", "metric"])
    for model in r.models:
        p = r.oof[model].to_numpy()
        assert_allclose(t.loc[(model, "auc"), "estimate"], roc_auc_score(y, p), rtol=1e-12)
        assert_allclose(t.loc[(model, "brier"), "estimate"], brier_score_loss(y, p), rtol=1e-12)
        logit = np.log(p / (1 - p))
        slope = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial()).fit()
        assert_allclose(
            t.loc[(model, "calibration_slope"), "estimate"], slope.params[1], rtol=1e-10
        )
        assert_allclose(t.loc[(model, "calibration_slope"), "std_error"], slope.bse[1], rtol=1e-10)
    diff = t.loc[("gradient_boosting - logistic", "auc_difference"), "estimate"]
    assert_allclose(
        diff,
        t.loc[("gradient_boosting", "auc"), "estimate"] - t.loc[("logistic", "auc"), "estimate"],
        rtol=1e-12,
    )
    assert np.isnan(t["sd_repeats"]).all()  # one repetition: no split-to-split spread
    from statsmodels.stats.proportion import proportion_confint

    curve = r.calibration
    events = np.round(curve["observed"] * curve["n"]).to_numpy()
    low, high = proportion_confint(events, curve["n"].to_numpy(), method="wilson")
    assert_allclose(curve["observed_ci_low"], low, rtol=1e-10)
    assert_allclose(curve["observed_ci_high"], high, rtol=1e-10)


def test_cross_validation_result_is_complete(cv):
    assert list(cv.table["metric"]) == [
        "auc",
        "calibration_slope",
        "calibration_intercept",
        "brier",
    ] * 2 + ["auc_difference"]
    auc = cv.table.query("model == 'logistic' and metric == 'auc'").iloc[0]
    assert 0.55 < auc["estimate"] < 0.85 and auc["ci_low"] < auc["estimate"] < auc["ci_high"]
    assert (cv.table["sd_repeats"].dropna() >= 0).all()
    assert (
        len(cv.folds) == 2 * 3 * 2
        and cv.folds["n"]
        .groupby([cv.folds["model"], cv.folds["repeat"]])
        .sum()
        .eq(len(cv.oof))
        .all()
    )
    assert set(cv.importance["predictor"]) == set(PREDICTORS)
    assert (cv.importance["n_evaluations"] == 3 * 2 * 2).all()
    assert cv.partial_dependence["predictor"].nunique() == 2
    assert set(cv.subgroups["variable"]) == {"programme", "gender", "age"}
    assert set(cv.subgroups.query("variable == 'age'")["level"]) <= {
        "[16, 26)",
        "[26, 34)",
        "[34, 46)",
        "[46, 71)",
    }
    assert len(cv.calibration) == 20
    for ax in (cv.plot(), cv.plot_importance(), *cv.plot_partial_dependence()):
        plt.close(ax.figure)
    assert "P0" not in repr(cv) and "M0" not in repr(cv)


def test_grouped_folds_do_not_leak_group_information():
    """The outcome depends only on the group, and a predictor encodes the group: ungrouped
    CV would score it well; grouped CV must find nothing (AUC near 0.5)."""
    rng = np.random.default_rng(5)
    n_groups, size = 150, 10
    g = np.repeat(np.arange(n_groups), size)
    effect = rng.normal(0, 2.0, n_groups)
    frame = pd.DataFrame(
        {
            "mentor_id": [f"M{i:04d}" for i in g],
            "group_code": rng.permutation(n_groups)[g].astype(float),
            "noise": rng.normal(size=n_groups * size),
        }
    )
    frame["y"] = (rng.random(len(g)) < 1 / (1 + np.exp(-effect[g]))).astype(int)
    r = cross_validate_models(
        frame,
        "y",
        ["group_code", "noise"],
        fold_group="mentor_id",
        n_splits=5,
        n_repeats=2,
        n_permutations=0,
        n_partial_dependence=0,
        intake_columns=["group_code", "noise"],
        cluster="mentor_id",
        rng=3,
    )
    auc = r.table.query("metric == 'auc'")
    assert (auc["ci_low"] < 0.5).all() and (auc["estimate"] < 0.58).all()


def test_cross_validation_handles_missing_predictor_values(data):
    holes = data.assign(
        age=data["age"].astype(float).mask(data.index % 7 == 0),
        education=data["education"].mask(data.index % 5 == 0),
    )
    r = cross_validate_models(
        holes,
        "job_within_12m",
        PREDICTORS,
        fold_group="mentor_id",
        n_splits=3,
        n_repeats=1,
        n_permutations=0,
        n_partial_dependence=0,
        rng=3,
    )
    assert r.oof.notna().all().all()
    assert (r.table.query("metric == 'auc'")["estimate"] > 0.55).all()


def test_a_predictor_missing_in_every_row_is_named_before_fitting(data):
    # a numeric one raised numpy's "window shape cannot be larger than input array shape";
    # a categorical one passed silently as a single "missing" level
    empty = data.assign(age=np.nan, education=data["education"].where(data["age"] < 0))
    with pytest.raises(ValueError, match=r"predictor\(s\) \['age', 'education'\] are missing"):
        cross_validate_models(empty, "job_within_12m", PREDICTORS, fold_group="mentor_id")


def test_cross_validation_argument_errors(data):
    with pytest.raises(ValueError, match="has 5 distinct values but n_splits=6"):
        cross_validate_models(data, "job_within_12m", PREDICTORS, fold_group="site", n_splits=6)
    with pytest.raises(ValueError, match="outcome 'age' must be 0/1"):
        cross_validate_models(data, "age", ["programme"], fold_group="mentor_id")
    with pytest.raises(ValueError, match="predictor 'intake_date' is a date"):
        cross_validate_models(data, "job_within_12m", ["intake_date"], fold_group="mentor_id")
    with pytest.raises(ValueError, match=r"give band edges, e.g. subgroup_bins=\{'age'"):
        cross_validate_models(
            data,
            "job_within_12m",
            PREDICTORS,
            fold_group="mentor_id",
            subgroups=["age"],
            n_permutations=0,
        )
    with pytest.raises(ValueError, match="n_repeats must be an integer of at least 1"):
        cross_validate_models(
            data, "job_within_12m", PREDICTORS, fold_group="mentor_id", n_repeats=0
        )


def test_fold_group_and_cluster_are_checked(data):
    holes = data.assign(site=data["site"].mask(data.index < 4))
    with pytest.raises(ValueError, match="fold_group column 'site' has missing values in 4 rows"):
        cross_validate_models(holes, "job_within_12m", ["age"], fold_group="site")
    with pytest.raises(ValueError, match="cluster column 'site' has missing values in 4 rows"):
        cross_validate_models(
            holes, "job_within_12m", ["age"], fold_group="mentor_id", cluster="site"
        )
    with pytest.raises(ValueError, match="n_splits must be an integer of at least 2, but was 1"):
        cross_validate_models(data, "job_within_12m", ["age"], fold_group="mentor_id", n_splits=1)
    with pytest.raises(ValueError, match="n_permutations must be an integer of at least 0"):
        cross_validate_models(
            data, "job_within_12m", ["age"], fold_group="mentor_id", n_permutations=-1
        )
    # a text outcome: its values (which could be identifiers) are not echoed
    text = data.assign(job=np.where(data["job_within_12m"] == 1, "P0001", "P0002"))
    with pytest.raises(ValueError, match=r"'job' must be 0/1 or boolean .* but has dtype") as error:
        cross_validate_models(text, "job", ["age"], fold_group="mentor_id")
    assert "P000" not in str(error.value)


def test_plots_draw_on_the_axes_given(cv):
    fig, axs = plt.subplots(1, 4)
    assert cv.plot(ax=axs[0]) is axs[0]
    assert cv.plot_importance(ax=axs[1]) is axs[1]
    panels = cv.plot_partial_dependence(ax=axs[2:])
    assert list(panels) == list(axs[2:])
    assert cv.fold_group == "mentor_id"
    with pytest.raises(ValueError, match=r"the number of Axes in ax must be one of \[2\]"):
        cv.plot_partial_dependence(ax=axs[0])
    plt.close(fig)
