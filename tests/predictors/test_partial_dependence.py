"""Partial dependence against scikit-learn's ``partial_dependence``, and its grouped
delete-d jackknife standard errors recomputed fold by fold.
"""

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose
from scipy import stats

from evalkit.predictors import cross_validate_models
from tests.predictors.shared import PREDICTORS, predictor_frame


def test_partial_dependence_equals_sklearn_on_the_full_data_models(data, cv):
    from sklearn.inspection import partial_dependence
    from threadpoolctl import threadpool_limits

    from evalkit.predictors.learners import _pipelines

    x, numeric, categorical = predictor_frame(data)
    y = data["job_within_12m"].to_numpy(dtype=float)
    with threadpool_limits(limits=1):  # as cross_validate_models fits (n_threads=1)
        for name, model in _pipelines(numeric, categorical, cv.seed).items():
            model.fit(x, y)
            shown = cv.partial_dependence[cv.partial_dependence["model"] == name]
            for predictor, rows in shown.groupby("predictor", sort=False):
                ref = partial_dependence(
                    model,
                    x,
                    [predictor],
                    kind="average",
                    grid_resolution=20,
                    categorical_features=categorical,
                )
                assert list(rows["value"]) == list(ref["grid_values"][0])
                assert_allclose(rows["average_prediction"], ref["average"][0], rtol=1e-12)


def test_stacked_partial_dependence_keeps_dtypes_across_chunks(data, monkeypatch):
    """Categorical dtypes survive stacking, and chunks that split a grid value's rows
    give the same averages as scikit-learn's one-call-per-value loop."""
    from sklearn.inspection import partial_dependence

    import evalkit.predictors.partial_dependence as module
    from evalkit.predictors.learners import _pipelines

    x, numeric, categorical = predictor_frame(data, "category")
    y = data["job_within_12m"].to_numpy(dtype=float)
    rows = np.arange(0, len(x), 3)
    # fewer than the 500 rows: a value spans chunks, and chunks straddle values
    monkeypatch.setattr(module, "_PD_MAX_STACK", 301)
    for model in _pipelines(numeric, categorical, 0).values():
        model.fit(x, y)
        for predictor in ("language_level", "age"):
            grid = module._pd_grid(x, y, predictor, categorical)
            ref = partial_dependence(
                model,
                x.iloc[rows],
                [predictor],
                kind="average",
                categorical_features=categorical,
                custom_values={predictor: grid},
            )
            ours = module._partial_dependence_curve(model, x, predictor, grid, rows)
            assert_allclose(ours, ref["average"][0], rtol=1e-12)
    assert isinstance(x["language_level"].dtype, pd.CategoricalDtype)


def test_partial_dependence_intervals(cv):
    t = cv.partial_dependence
    assert list(t.columns) == [
        "model",
        "predictor",
        "value",
        "average_prediction",
        "std_error",
        "ci_low",
        "ci_high",
    ]
    assert (t["std_error"] > 0).all()
    assert (t["ci_low"] <= t["average_prediction"]).all()
    assert (t["average_prediction"] <= t["ci_high"]).all()
    assert ((t["ci_low"] >= 0) & (t["ci_high"] <= 1)).all()
    inside = (t["ci_low"] > 0) & (t["ci_high"] < 1)  # unclipped: symmetric, z SE wide
    z = stats.norm.isf(0.025)
    assert_allclose(
        (t["ci_high"] - t["ci_low"])[inside], 2 * z * t["std_error"][inside], rtol=1e-12
    )


def test_partial_dependence_standard_error_is_the_grouped_jackknife(data):
    """One repetition of two folds: the SE from the two fold models, recomputed with
    scikit-learn's partial_dependence on each training set (r_s = groups in / out)."""
    from sklearn.inspection import partial_dependence
    from sklearn.model_selection import GroupKFold
    from threadpoolctl import threadpool_limits

    from evalkit.predictors.learners import _pipelines

    options = dict(
        fold_group="mentor_id", n_splits=2, n_repeats=1, n_permutations=1, n_partial_dependence=2
    )
    r = cross_validate_models(data, "job_within_12m", PREDICTORS, rng=5, **options)
    again = cross_validate_models(data, "job_within_12m", PREDICTORS, rng=5, **options)
    pd.testing.assert_frame_equal(r.partial_dependence, again.partial_dependence)
    x, numeric, categorical = predictor_frame(data)
    y = data["job_within_12m"].to_numpy(dtype=float)
    groups = pd.factorize(data["mentor_id"])[0]
    folds = GroupKFold(n_splits=2, shuffle=True, random_state=r.seed)
    for name in r.models:
        for predictor, rows in r.partial_dependence.query("model == @name").groupby(
            "predictor", sort=False
        ):
            grid = rows["value"].to_numpy(dtype=object if predictor in categorical else float)
            theta, ratio = [], []
            for train, test in folds.split(x, y, groups):
                with threadpool_limits(limits=1):
                    model = _pipelines(numeric, categorical, r.seed)[name].fit(
                        x.iloc[train], y[train]
                    )
                res = partial_dependence(
                    model,
                    x.iloc[train],
                    [predictor],
                    kind="average",
                    categorical_features=categorical,
                    custom_values={predictor: grid},
                )
                theta.append(res["average"][0])
                ratio.append(len(np.unique(groups[train])) / len(np.unique(groups[test])))
            theta = np.array(theta)
            var = np.mean(np.array(ratio)[:, None] * (theta - theta.mean(axis=0)) ** 2, axis=0)
            assert_allclose(rows["std_error"], np.sqrt(var), rtol=1e-10)
            assert (rows["std_error"] > 0).all()
    none = cross_validate_models(
        data, "job_within_12m", PREDICTORS, rng=5, **(options | {"n_permutations": 0})
    )
    assert none.partial_dependence.empty
    assert list(none.partial_dependence.columns) == list(r.partial_dependence.columns)


def test_the_once_transformed_stack_gives_the_stacked_curve_bit_for_bit(data, monkeypatch):
    """The shortcut (rows transformed once) equals transforming the stack (issue 18),
    for both learners, a numeric predictor with missing values, and a categorical one."""
    import evalkit.predictors.partial_dependence as module
    from evalkit.predictors.learners import _pipelines

    data = data.copy()
    data.loc[data.index[::5], "months_unemployed"] = np.nan  # a missingness indicator
    x, numeric, categorical = predictor_frame(data)
    y = data["job_within_12m"].to_numpy(dtype=float)
    rows = np.arange(1, len(x), 4)
    for model in _pipelines(numeric, categorical, 0).values():
        model.fit(x, y)
        for predictor in ("months_unemployed", "language_level"):
            grid = module._pd_grid(x, y, predictor, categorical)
            assert module._transformed_stack(model, x, predictor, grid, rows) is not None
            ours = module._partial_dependence_curve(model, x, predictor, grid, rows)
            with monkeypatch.context() as patched:
                patched.setattr(module, "_transformed_stack", lambda *args: None)
                stacked = module._partial_dependence_curve(model, x, predictor, grid, rows)
            assert np.array_equal(ours, stacked)
