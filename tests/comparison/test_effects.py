"""Programme effects: naive, IPW and AIPW against independent computations."""

import causaldata
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from evalkit import EvalkitWarning
from evalkit.comparison import e_value, programme_effect, propensity_score, propensity_weights
from evalkit.comparison._design import formula_design
from evalkit.comparison.weights import _tilting
from tests.comparison.samples import (
    CLOSED_FORM_RTOL,
    ITERATIVE_RTOL,
    PS_FORMULA,
    SE_RTOL,
    hard_sample,
    hard_truth,
)


def test_ipw_point_estimates_equal_weighted_glm(sample, ps):
    for estimand in ("ATE", "ATT", "ATO"):
        w = propensity_weights(ps, estimand=estimand).weights
        glm = sm.GLM(
            sample["job_within_12m"],
            sm.add_constant(ps.treated.astype(float)),
            family=sm.families.Gaussian(),
            var_weights=w,
        ).fit()
        fit = programme_effect(sample, "job_within_12m", ps, estimand=estimand).table
        ipw = fit[(fit.method == "ipw") & (fit.measure == "risk_difference")].iloc[0]
        assert_allclose(ipw["estimate"], glm.params.iloc[1], rtol=CLOSED_FORM_RTOL)


def test_ipw_sandwich_equals_a_numerical_sandwich(sample, ps):
    """Stacked estimating equations differentiated numerically (independent of the code)."""
    _, x, _ = formula_design(sample, PS_FORMULA)
    t = ps.treated.astype(float)
    y = sample["job_within_12m"].to_numpy(float)
    k = x.shape[1]
    fit = programme_effect(sample, "job_within_12m", ps, estimand="ATE").table
    ipw = fit[(fit.method == "ipw") & (fit.measure == "risk_difference")].iloc[0]
    beta = ps.table["estimate"].to_numpy()
    theta = np.concatenate([beta, [ipw["mean_treated"], ipw["mean_comparison"]]])

    def psi(th):
        e = 1 / (1 + np.exp(-x @ th[:k]))
        w1, w0 = _tilting(e, "ATE")
        return np.column_stack(
            [x * (t - e)[:, None], w1 * t * (y - th[k]), w0 * (1 - t) * (y - th[k + 1])]
        )

    h = 1e-6
    jac = np.column_stack(
        [
            (psi(theta + h * np.eye(k + 2)[j]).sum(0) - psi(theta - h * np.eye(k + 2)[j]).sum(0))
            / (2 * h)
            for j in range(k + 2)
        ]
    )
    bread_inv = np.linalg.inv(-jac)
    cov = bread_inv @ (psi(theta).T @ psi(theta)) @ bread_inv.T
    se = np.sqrt(cov[k, k] + cov[k + 1, k + 1] - 2 * cov[k, k + 1])
    assert_allclose(ipw["std_error"], se, rtol=SE_RTOL)


def test_aipw_equals_an_independent_computation(sample, ps):
    from sklearn.linear_model import LogisticRegression

    _, x, _ = formula_design(sample, PS_FORMULA)
    t = ps.treated
    y = sample["job_within_12m"].to_numpy(float)
    e = (
        LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10)
        .fit(x[:, 1:], t)
        .predict_proba(x[:, 1:])[:, 1]
    )
    m = [
        LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10)
        .fit(x[t == arm, 1:], y[t == arm])
        .predict_proba(x[:, 1:])[:, 1]
        for arm in (True, False)
    ]
    phi = m[0] - m[1] + t * (y - m[0]) / e - (~t) * (y - m[1]) / (1 - e)
    fit = programme_effect(sample, "job_within_12m", ps, estimand="ATE").table
    aipw = fit[(fit.method == "aipw") & (fit.measure == "risk_difference")].iloc[0]
    assert_allclose(aipw["estimate"], phi.mean(), rtol=1e-4)
    assert_allclose(aipw["std_error"], phi.std() / np.sqrt(len(y)), rtol=1e-3)


def test_naive_matches_the_two_sample_formula(sample, ps):
    fit = programme_effect(sample, "job_within_12m", ps).table
    naive = fit[(fit.method == "naive") & (fit.measure == "risk_difference")].iloc[0]
    y, t = sample["job_within_12m"], ps.treated
    p1, p0 = y[t].mean(), y[~t].mean()
    assert_allclose(naive["estimate"], p1 - p0, rtol=CLOSED_FORM_RTOL)
    se = np.sqrt(y[t].var() / t.sum() + y[~t].var() / (~t).sum())
    assert_allclose(naive["std_error"], se, rtol=CLOSED_FORM_RTOL)


def test_naive_se_pooled_or_welch_as_ols_ttest_and_dehejia_wahba():
    """NSW experiment (causaldata 0.1.5 ``nsw_mixtape``: 185 treated, 260 controls).

    Dehejia & Wahba (1999, JASA, Table 3, "NSW" row) report the experimental estimate
    1,794 with SE 633: the pooled-variance (OLS, Stata ``ttest``) SE; R ``t.test``'s
    Welch SE would be 671.
    """
    from scipy import stats

    nsw = causaldata.nsw_mixtape.load_pandas().data
    nsw = nsw.astype({"treat": "float64", "age": "float64", "educ": "float64",
                      "re78": "float64"})  # int8 / float32 in the package
    ps = propensity_score(nsw, "treat ~ age + educ", treated=1.0)
    y1, y0 = nsw.re78[nsw.treat == 1], nsw.re78[nsw.treat == 0]
    ols = sm.OLS(nsw.re78, sm.add_constant(nsw.treat)).fit()
    for naive_se, equal_var in (("welch", False), ("pooled", True)):
        row = programme_effect(nsw, "re78", ps, methods=["naive"], naive_se=naive_se).table
        t = stats.ttest_ind(y1, y0, equal_var=equal_var)
        assert_allclose(row["std_error"].iloc[0], (y1.mean() - y0.mean()) / t.statistic,
                        rtol=CLOSED_FORM_RTOL)
    assert_allclose(row["estimate"].iloc[0], ols.params["treat"], rtol=CLOSED_FORM_RTOL)
    assert_allclose(row["std_error"].iloc[0], ols.bse["treat"], rtol=CLOSED_FORM_RTOL)
    assert round(row["estimate"].iloc[0]) == 1794 and round(row["std_error"].iloc[0]) == 633
    with pytest.raises(ValueError, match=r"naive_se must be one of \['welch', 'pooled'\]"):
        programme_effect(nsw, "re78", ps, naive_se="student")


def test_nsw_adjustment_moves_toward_the_experimental_benchmark():
    """Lalonde's NSW treated vs CPS controls (Dehejia-Wahba sample, causaldata)."""
    nsw = causaldata.nsw_mixtape.load_pandas().data
    cps = causaldata.cps_mixtape.load_pandas().data
    numeric = ["age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75", "re78"]
    nsw[numeric] = nsw[numeric].astype("float64")  # int8/float32 in the package
    cps[numeric] = cps[numeric].astype("float64")
    treated = nsw[nsw.treat == 1]
    experimental = treated.re78.mean() - nsw[nsw.treat == 0].re78.mean()
    data = pd.concat([treated, cps], ignore_index=True).assign(
        group=lambda d: np.where(d.treat == 1, "NSW", "CPS"),
        u74=lambda d: (d.re74 == 0).astype(float),
        u75=lambda d: (d.re75 == 0).astype(float),
    )
    formula = (
        "group ~ age + I(age**2) + educ + I(educ**2) + black + hisp + marr + nodegree"
        " + re74 + re75 + u74 + u75"
    )
    with pytest.warns(EvalkitWarning, match="positivity"):
        ps = propensity_score(data, formula, treated="NSW")
    fit = programme_effect(data, "re78", ps, estimand="ATT").table.set_index("method")
    naive, ipw, aipw = (fit.loc[m, "estimate"] for m in ("naive", "ipw", "aipw"))
    assert naive < -8000 and 1600 < experimental < 1900
    for adjusted in (ipw, aipw):
        assert abs(adjusted - experimental) < 0.2 * abs(naive - experimental)


def test_aipw_is_doubly_robust_to_a_wrong_outcome_model():
    """Propensity model right, outcome model wrong (x3 left out): AIPW stays unbiased."""
    truth = hard_truth()["ATE"]
    data, _, _ = hard_sample(200_000, np.random.default_rng(5))
    ps = propensity_score(data, "g ~ x1 + x2 + x3", treated="T")
    fit = programme_effect(data, "y", ps, outcome_formula="x1 + x2").table
    aipw = fit[(fit.method == "aipw") & (fit.measure == "risk_difference")].iloc[0]
    assert abs(aipw["estimate"] - truth) < 3 * aipw["std_error"]


def test_outcome_models_are_statsmodels_binomial_glms(sample, ps):
    """AIPW's per-programme outcome models are ordinary logistic GLMs (statsmodels)."""
    from evalkit.comparison.effects import _outcome_predictions

    x = ps.design
    t = ps.treated.astype(float)
    y = sample["job_within_12m"].to_numpy(float)
    m1, m0 = _outcome_predictions(y, t, x, True)
    for arm, pred in ((1, m1), (0, m0)):
        glm = sm.GLM(y[t == arm], x[t == arm], family=sm.families.Binomial()).fit()
        assert_allclose(pred, glm.predict(x), rtol=ITERATIVE_RTOL)


def test_aipw_att_equals_an_independent_computation(sample, ps):
    t = ps.treated
    y = sample["job_within_12m"].to_numpy(float)
    x = ps.design
    e = sm.Logit(t.astype(float), x).fit(disp=0).predict(x)
    m0 = sm.GLM(y[~t], x[~t], family=sm.families.Binomial()).fit().predict(x)
    # Moodie et al. (2018) / Tsiatis: DR estimator of the ATT and its influence function.
    p = t.mean()
    mu1 = y[t].mean()
    mu0 = (np.sum(t * m0) + np.sum((~t) * e / (1 - e) * (y - m0))) / t.sum()
    phi = (t * (y - m0) - (~t) * e / (1 - e) * (y - m0) - t * (mu1 - mu0)) / p
    fit = programme_effect(sample, "job_within_12m", ps, estimand="ATT").table
    aipw = fit[(fit.method == "aipw") & (fit.measure == "risk_difference")].iloc[0]
    assert_allclose(aipw["estimate"], mu1 - mu0, rtol=ITERATIVE_RTOL)
    assert_allclose(aipw["std_error"], np.sqrt(np.mean(phi**2) / len(y)), rtol=SE_RTOL)


def test_cluster_robust_ses_equal_statsmodels_for_the_naive_difference(sample, ps):
    """With unit weights the IPW sandwich minus the PS part is OLS with cluster SEs."""
    from evalkit._stats.mestimation import cluster_sum

    y = sample["job_within_12m"].to_numpy(float)
    t = ps.treated.astype(float)
    clusters = sample["mentor_id"].to_numpy()
    ols = sm.OLS(y, sm.add_constant(t)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(clusters)[0], "use_correction": False}
    )
    resid = y - ols.fittedvalues
    x = sm.add_constant(t)
    meat = cluster_sum(x * resid[:, None], clusters)
    bread = np.linalg.inv(x.T @ x)
    cov = bread @ meat.T @ meat @ bread
    assert_allclose(np.sqrt(cov[1, 1]), ols.bse[1], rtol=SE_RTOL)


def test_combine_effects_and_e_values(sample, ps):
    from evalkit.comparison import combine_effects, match, matched_effect

    weighted = programme_effect(sample, "job_within_12m", ps, estimand="ATT")
    matched = matched_effect(sample, "job_within_12m", match(sample, ps, rng=1))
    both = combine_effects([weighted, matched])
    assert both.estimand == "ATT"
    assert both.table.groupby("method").size().to_dict() == {
        "aipw": 2, "ipw": 2, "matching": 2, "naive": 2
    }
    ev = both.e_values().table.set_index("method")
    rr = both.table.query("measure == 'risk_ratio'").set_index("method")["estimate"]
    for method, value in rr.items():
        expected = e_value(value).table["e_value"].iloc[0]
        assert_allclose(ev.loc[method, "e_value"], expected, rtol=CLOSED_FORM_RTOL)
    import matplotlib

    matplotlib.use("Agg")
    assert both.plot().get_xlabel().startswith("risk difference")


def test_augmented_overlap_equals_an_independent_computation(sample, ps):
    """AIPW for the overlap population (Mao, Li & Greene 2019) from statsmodels fits."""
    _, x, _ = formula_design(sample, PS_FORMULA)
    t = ps.treated
    y = sample["job_within_12m"].to_numpy(float)
    e = sm.Logit(t.astype(float), x).fit(disp=0).predict(x)
    m1, m0 = (
        sm.GLM(y[t == arm], x[t == arm], family=sm.families.Binomial()).fit().predict(x)
        for arm in (True, False)
    )
    h = e * (1 - e)
    mu1 = np.sum(h * m1) / h.sum() + np.sum(t * (1 - e) * (y - m1)) / np.sum(t * (1 - e))
    mu0 = np.sum(h * m0) / h.sum() + np.sum(~t * e * (y - m0)) / np.sum(~t * e)
    fit = programme_effect(sample, "job_within_12m", ps, estimand="ATO").table
    aipw = fit[(fit.method == "aipw") & (fit.measure == "risk_difference")].iloc[0]
    assert aipw["estimand"] == "ATO"
    means = [aipw["mean_treated"], aipw["mean_comparison"]]
    assert_allclose(means, [mu1, mu0], rtol=ITERATIVE_RTOL)


def test_augmented_overlap_sandwich_equals_a_numerical_sandwich(sample, ps):
    """Stacked equations (propensity score, and A + B per arm) differentiated numerically."""
    from evalkit.comparison.effects import _outcome_predictions

    x = ps.design
    t = ps.treated.astype(float)
    y = sample["job_within_12m"].to_numpy(float)
    k = x.shape[1]
    m1, m0 = _outcome_predictions(y, t, x, True)
    fit = programme_effect(sample, "job_within_12m", ps, estimand="ATO").table
    aipw = fit[(fit.method == "aipw") & (fit.measure == "risk_difference")].iloc[0]

    def psi(th):
        e = 1 / (1 + np.exp(-x @ th[:k]))
        h = e * (1 - e)
        a1, b1, a0, b0 = th[k:]
        return np.column_stack(
            [
                x * (t - e)[:, None],
                h * (m1 - a1),
                t * (1 - e) * (y - m1 - b1),
                h * (m0 - a0),
                (1 - t) * e * (y - m0 - b0),
            ]
        )

    beta = ps.table["estimate"].to_numpy()
    e = ps.scores
    h = e * (1 - e)
    parts = [
        np.sum(h * m1) / h.sum(),
        np.sum(t * (1 - e) * (y - m1)) / np.sum(t * (1 - e)),
        np.sum(h * m0) / h.sum(),
        np.sum((1 - t) * e * (y - m0)) / np.sum((1 - t) * e),
    ]
    theta = np.concatenate([beta, parts])
    assert_allclose(psi(theta).sum(0), 0, atol=1e-6)  # the estimating equations hold
    step = 1e-6
    eye = np.eye(k + 4)
    jac = np.column_stack(
        [
            (psi(theta + step * eye[j]).sum(0) - psi(theta - step * eye[j]).sum(0)) / (2 * step)
            for j in range(k + 4)
        ]
    )
    bread_inv = np.linalg.inv(-jac)
    cov = bread_inv @ (psi(theta).T @ psi(theta)) @ bread_inv.T
    contrast = np.zeros(k + 4)
    contrast[k : k + 2], contrast[k + 2 :] = 1, -1
    assert_allclose(aipw["std_error"], np.sqrt(contrast @ cov @ contrast), rtol=SE_RTOL)


def test_programme_effect_computes_only_the_methods_asked_for(sample, ps):
    full = programme_effect(sample, "job_within_12m", ps).table
    ipw = programme_effect(sample, "job_within_12m", ps, methods=["ipw"]).table
    assert set(ipw["method"]) == {"ipw"}
    pd.testing.assert_frame_equal(ipw, full[full.method == "ipw"].reset_index(drop=True))
    with pytest.raises(ValueError, match=r"methods must be a non-empty list"):
        programme_effect(sample, "job_within_12m", ps, methods="ipw")
    with pytest.raises(ValueError, match=r"methods must be a non-empty list"):
        programme_effect(sample, "job_within_12m", ps, methods=["ipw", "tmle"])


@pytest.mark.parametrize("clusters", [None, np.arange(3000) % 70])
def test_stacked_influence_functions_equal_the_full_sandwich(clusters):
    """The estimators' block of the stacked sandwich, from their influence functions."""
    from evalkit._stats.mestimation import sandwich
    from evalkit.comparison.effects import _stacked_covariance

    rng = np.random.default_rng(9)
    n, k, m = 3000, 4, 3
    x = rng.normal(size=(n, k))
    residual = rng.normal(size=n)
    psi = rng.normal(size=(n, m))
    information = x.T @ x
    derivative = rng.normal(size=(m, k)) * 100
    slopes = rng.uniform(500, 1500, m)
    bread = np.zeros((k + m, k + m))
    bread[:k, :k] = information
    bread[k:, :k] = derivative
    bread[k:, k:] = np.diag(slopes)
    full = sandwich(np.column_stack([x * residual[:, None], psi]), bread, clusters)
    ours = _stacked_covariance(
        np.asfortranarray(psi), derivative, slopes, x, residual, information, clusters
    )
    assert_allclose(ours, full[k:, k:], rtol=1e-10)


def test_errors_name_the_problem(sample, ps):
    with pytest.raises(ValueError, match="estimand must be one of"):
        programme_effect(sample, "job_within_12m", ps, estimand="ATU")
    with pytest.raises(ValueError, match="data has 10 rows but the propensity model"):
        programme_effect(sample.head(10), "job_within_12m", ps)
    gaps = sample.assign(mentor_id=sample["mentor_id"].where(sample.index != 3))
    with pytest.raises(ValueError, match="cluster column 'mentor_id' has missing values in 1"):
        programme_effect(gaps, "job_within_12m", ps, cluster="mentor_id")


def test_forest_plot_draws_on_the_axes_given(sample, ps):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    fit = programme_effect(sample, "job_within_12m", ps, methods=["naive", "ipw"])
    assert fit.plot(ax=ax, measure="risk_ratio") is ax
    assert ax.get_xscale() == "log"
    plt.close("all")


def test_an_arm_without_events_gives_a_nan_risk_ratio_and_a_warning():
    from evalkit.comparison import bootstrap_effect, match, matched_effect

    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=300)})
    df["g"] = np.where(rng.random(300) < 1 / (1 + np.exp(-df.x)), "a", "b")
    df["y"] = np.where(df.g == "a", 0.0, (rng.random(300) < 0.3) * 1.0)  # none in "a"
    ps = propensity_score(df, "g ~ x", treated="a")
    for estimand in ("ATE", "ATT", "ATO"):  # AIPW's ratio CI was (1e-27, 4e25)
        with pytest.warns(EvalkitWarning, match="outcome 'y' has no events in the 'a' group"):
            fit = programme_effect(df, "y", ps, estimand=estimand)
        ratio = fit.table[fit.table["measure"] == "risk_ratio"]
        assert ratio[["estimate", "std_error", "ci_low", "ci_high", "p_value"]].isna().all().all()
        diff = fit.table[fit.table["measure"] == "risk_difference"].set_index("method")
        assert np.isfinite(diff[["estimate", "ci_low", "ci_high"]]).all().all()
        assert (diff["mean_treated"] == 0).all()  # exactly: the arm's model predicts 0
    with pytest.raises(ValueError, match="the risk ratio is undefined"):
        fit.e_values()
    with pytest.warns(EvalkitWarning, match="no events in the 'a' group"):
        boot = bootstrap_effect(df, "y", ps, n_boot=20, rng=1)
    assert boot.table.loc[boot.table["measure"] == "risk_ratio", "ci_low"].isna().all()
    with pytest.warns(EvalkitWarning, match="no events in the 'treated' group"):
        matched = matched_effect(df, "y", match(df, ps, rng=1))
    assert matched.table["estimate"].isna().tolist() == [False, True]
