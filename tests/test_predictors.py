"""Odds ratios and marginal effects; validated prediction; leakage guard."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from numpy.testing import assert_allclose
from sklearn.metrics import roc_auc_score

from evalkit import EvalkitWarning
from evalkit.outcomes import job_within
from evalkit.predictors import (
    check_predictors,
    cross_validate_models,
    delong_auc,
    odds_ratios,
)
from evalkit.synthetic import simulate_participants

ITERATIVE_RTOL = 1e-8  # the same statsmodels fit: identical up to rounding
FORMULA = (
    "job_within_12m ~ age + education + language_level + months_unemployed"
    " + single_parent + programme"
)
PREDICTORS = [
    "age",
    "education",
    "language_level",
    "months_unemployed",
    "single_parent",
    "programme",
    "gender",
]


@pytest.fixture(scope="module")
def data():
    return job_within(simulate_participants(1500, rng=4), 12).data


def test_odds_ratios_equal_statsmodels_logit_with_cluster_se(data):
    result = odds_ratios(data, FORMULA, cluster="mentor_id")
    groups = pd.factorize(data["mentor_id"])[0]
    fit = smf.logit(FORMULA, data).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    terms = [t for t in fit.params.index if t != "Intercept"]
    assert result.table["term"].tolist() == terms
    assert_allclose(result.table["log_odds"], fit.params[terms], rtol=ITERATIVE_RTOL)
    assert_allclose(result.table["std_error"], fit.bse[terms], rtol=ITERATIVE_RTOL)
    assert_allclose(result.table["odds_ratio"], np.exp(fit.params[terms]), rtol=ITERATIVE_RTOL)
    margeff = fit.get_margeff(at="overall", dummy=True)
    assert_allclose(result.marginal_effects["ame"], 100 * margeff.margeff, rtol=ITERATIVE_RTOL)
    assert_allclose(
        result.marginal_effects["std_error"], 100 * margeff.margeff_se, rtol=ITERATIVE_RTOL
    )
    assert result.cov_type == "cluster"
    assert (result.table["p_value_holm"] >= result.table["p_value"]).all()


def test_reference_levels_are_explicit(data):
    result = odds_ratios(
        data, FORMULA, reference={"education": "tertiary", "programme": "Team4Job"}
    )
    terms = result.table["term"].tolist()
    assert "programme[T.DUO for a JOB]" in terms
    assert not any("tertiary" in t for t in terms)
    assert any("primary" in t for t in terms)
    with pytest.raises(ValueError, match="reference level 'PhD' of 'education' is not among"):
        odds_ratios(data, FORMULA, reference={"education": "PhD"})


def test_few_events_per_variable_warn_and_separation_raises(data):
    small = data.head(150)
    with pytest.warns(EvalkitWarning, match="events per coefficient"):
        odds_ratios(small, FORMULA)
    separated = data.assign(perfect=data["job_within_12m"].astype(bool))
    with pytest.raises(ValueError, match="separation"):
        odds_ratios(separated, "job_within_12m ~ age + perfect")


def test_leakage_guard_refuses_post_intake_columns_and_ids(data):
    for column in ("exit_type", "duo_completed", "first_meeting_dropout", "follow_up_end"):
        with pytest.raises(ValueError, match=rf"\['{column}'\] are only known after intake"):
            check_predictors(["age", column])
    with pytest.raises(ValueError, match="are identifiers"):
        check_predictors(["mentor_id"])
    with pytest.raises(ValueError, match="are outcomes"):
        check_predictors(["job_within_6m"])
    with pytest.raises(ValueError, match="only known after intake"):
        cross_validate_models(data, "job_within_12m", ["age", "duo_completed"], group="site")


def test_delong_auc_matches_sklearn_and_a_brute_force_variance():
    rng = np.random.default_rng(3)
    y = rng.random(300) < 0.4
    a = y + rng.normal(0, 1.0, 300)
    b = np.round(y * 0.5 + rng.normal(0, 1.0, 300), 1)  # with ties
    auc, cov = delong_auc(y, np.vstack([a, b]))
    assert_allclose(auc, [roc_auc_score(y, a), roc_auc_score(y, b)], rtol=1e-12)

    def components(s):
        pos, neg = s[y], s[~y]
        psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
        return psi.mean(axis=1), psi.mean(axis=0)

    (v10a, v01a), (v10b, v01b) = components(a), components(b)
    expected = (
        np.cov(np.vstack([v10a, v10b])) / y.sum() + np.cov(np.vstack([v01a, v01b])) / (~y).sum()
    )
    assert_allclose(cov, expected, rtol=1e-10)


def test_cross_validation_is_reproducible_and_complete(data):
    kwargs = dict(
        group="mentor_id", n_splits=3, n_repeats=1, n_permutations=1, subgroups=["programme"], rng=7
    )
    small = data.head(800)
    a = cross_validate_models(small, "job_within_12m", PREDICTORS, **kwargs)
    b = cross_validate_models(small, "job_within_12m", PREDICTORS, **kwargs)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.importance, b.importance)
    metrics = set(a.table["metric"])
    assert {
        "auc",
        "brier",
        "calibration_slope",
        "calibration_intercept",
        "auc_difference",
    } <= metrics
    auc = a.table.query("model == 'logistic' and metric == 'auc'").iloc[0]
    assert_allclose(auc["estimate"], roc_auc_score(small["job_within_12m"], a.oof["logistic"]))
    assert 0.55 < auc["estimate"] < 0.85 and auc["ci_low"] < auc["estimate"] < auc["ci_high"]
    assert set(a.importance["predictor"]) == set(PREDICTORS)
    assert set(a.subgroups["level"]) == {"DUO for a JOB", "Team4Job"}
    with pytest.raises(ValueError, match="has 5 distinct values but n_splits=6"):
        cross_validate_models(data, "job_within_12m", PREDICTORS, group="site", n_splits=6)


def test_grouped_folds_keep_each_mentor_on_one_side(data):
    from sklearn.model_selection import GroupKFold

    folds = GroupKFold(n_splits=5, shuffle=True, random_state=1)
    for train, test in folds.split(data, groups=data["mentor_id"]):
        assert not set(data["mentor_id"].iloc[train]) & set(data["mentor_id"].iloc[test])


@pytest.mark.slow
def test_simulation_odds_ratio_cis_cover_the_true_coefficients():
    rng = np.random.default_rng(11)
    beta = np.array([-0.3, 0.7, -0.5])
    reps, covered = 500, np.zeros(2)
    for _ in range(reps):
        x1, x2 = rng.normal(size=400), rng.random(400) < 0.4
        eta = beta[0] + beta[1] * x1 + beta[2] * x2
        df = pd.DataFrame(
            {
                "x1": x1,
                "x2": x2.astype(float),
                "y": (rng.random(400) < 1 / (1 + np.exp(-eta))).astype(int),
            }
        )
        table = odds_ratios(df, "y ~ x1 + x2").table
        truth = np.exp(beta[1:])
        covered += ((table["ci_low"] <= truth) & (truth <= table["ci_high"])).to_numpy()
    coverage = covered / reps
    assert ((coverage >= 0.93) & (coverage <= 0.97)).all(), coverage
