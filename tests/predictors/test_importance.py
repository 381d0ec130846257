"""Permutation importance on transformed held-out rows = scikit-learn's, exactly (issue 18)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression

from evalkit.predictors.importance import _permutation_draws, _transformed_importances
from evalkit.predictors.learners import _pipelines, _predictor_frame
from tests.predictors.shared import PREDICTORS


@pytest.fixture(scope="module")
def frame(data):
    data = data.head(500).copy()
    data.loc[data.index[::7], "months_unemployed"] = np.nan  # a missingness indicator column
    x, numeric, categorical = _predictor_frame(data, PREDICTORS)
    return x, data["job_within_12m"].to_numpy(dtype=float), numeric, categorical


@pytest.mark.parametrize("learner", ["logistic", "gradient_boosting"])
def test_the_shortcut_gives_scikit_learns_importances_bit_for_bit(frame, learner):
    x, y, numeric, categorical = frame
    test = np.arange(len(y)) % 4 == 0
    model = clone(_pipelines(numeric, categorical, 3)[learner]).fit(x[~test], y[~test])
    expected = permutation_importance(model, x[test], y[test], scoring="roc_auc", n_repeats=3,
                                      random_state=11).importances
    assert np.array_equal(_transformed_importances(model, x[test], y[test], 3, 11), expected)


def test_a_model_that_is_not_a_pipeline_takes_scikit_learns_loop(frame):
    x, y, numeric, _ = frame
    columns = [c for c in numeric if c != "months_unemployed"]
    model = LogisticRegression().fit(x[columns], y)
    assert _transformed_importances(model, x[columns], y, 2, 0) is None
    draws = _permutation_draws(model, x[columns], y, "m", columns, 2, random_state=0)
    expected = permutation_importance(model, x[columns], y, scoring="roc_auc", n_repeats=2,
                                      random_state=0).importances
    assert [d["value"] for d in draws] == expected.ravel().tolist()


def test_the_binary_auc_is_roc_auc_score_bit_for_bit():
    from sklearn.metrics import roc_auc_score

    from evalkit.predictors.importance import _binary_roc_auc

    rng = np.random.default_rng(5)
    for n in (7, 60, 400):
        y = (rng.random(n) < 0.4).astype(float)
        y[:2] = [0.0, 1.0]
        scores = np.round(rng.normal(size=n) + y, 1)  # ties
        assert _binary_roc_auc()(y, scores) == roc_auc_score(y, scores)
