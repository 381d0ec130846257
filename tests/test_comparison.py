"""Propensity scores, weights, balance and programme effects (naive, IPW, AIPW)."""

import causaldata
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from evalkit import EvalkitWarning
from evalkit.comparison import (
    _design,
    _tilting,
    balance,
    bootstrap_effect,
    e_value,
    effective_sample_size,
    programme_effect,
    propensity_score,
    propensity_weights,
)
from evalkit.outcomes import job_within
from evalkit.schema import EDUCATION_LEVELS, LANGUAGE_LEVELS
from evalkit.synthetic import simulate_participants, true_effects

CLOSED_FORM_RTOL = 1e-7
ITERATIVE_RTOL = 1e-5
SE_RTOL = 1e-4
PS_FORMULA = (
    "programme ~ C(education) + C(language_level) + months_unemployed + C(gender)"
    " + single_parent + age"
)


# The generator's true propensity model: logistic in the ordinal codes of education and
# language level, months unemployed, female and single parent.
TRUE_PS_FORMULA = "programme ~ edu + lang + months_unemployed + female + single_parent"


def _overlap_sample(n, rng):
    """People both programmes could enrol (Brussels, 18-33, non-EU) with a 12-month outcome."""
    df = simulate_participants(n, rng=rng)
    both = (df.site == "Brussels") & (df.age <= 33) & (df.migration_background == "non-EU")
    data = job_within(df[both].reset_index(drop=True), 12).data
    return data.assign(
        edu=pd.Categorical(data.education, categories=EDUCATION_LEVELS).codes,
        lang=pd.Categorical(data.language_level, categories=LANGUAGE_LEVELS).codes,
        female=(data.gender == "female").astype(float),
    )


@pytest.fixture(scope="module")
def sample():
    return _overlap_sample(6000, 5)


@pytest.fixture(scope="module")
def ps(sample):
    return propensity_score(sample, PS_FORMULA, treated="DUO for a JOB")


def test_propensity_model_is_statsmodels_logit(sample, ps):
    _, x, _ = _design(sample, PS_FORMULA)
    t = (sample.programme == "DUO for a JOB").astype(float)
    logit = sm.Logit(t, x).fit(disp=0)
    assert_allclose(ps.table["estimate"], logit.params, rtol=ITERATIVE_RTOL)
    assert_allclose(ps.table["std_error"], logit.bse, rtol=SE_RTOL)
    assert_allclose(ps.scores, logit.predict(x), rtol=ITERATIVE_RTOL)
    low, high = ps.support
    assert ps.overlap["n_outside"].sum() == (~ps.inside_support).sum()
    assert low <= high


def test_ipw_point_estimates_equal_weighted_glm(sample, ps):
    for estimand in ("ATE", "ATT", "ATO"):
        w = propensity_weights(ps, estimand=estimand)
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
    _, x, _ = _design(sample, PS_FORMULA)
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

    _, x, _ = _design(sample, PS_FORMULA)
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


def test_weights_balance_the_covariates_and_report_ess(sample, ps):
    covariates = ["age", "education", "language_level", "months_unemployed", "single_parent"]
    result = balance(sample, covariates, ps, estimand="ATO")
    before = result.table["smd_before"].abs().max()
    assert before > 0.1  # the programmes enrol different people
    # Overlap weights balance the means of the PS model's covariates exactly.
    assert result.table["smd_after"].abs().max() < 1e-8
    assert result.all_balanced
    w = propensity_weights(ps, estimand="ATE")
    assert effective_sample_size(w) < len(w)
    stabilized = propensity_weights(ps, estimand="ATE", stabilize=True)
    assert_allclose(stabilized.mean(), 1.0, atol=0.05)
    assert propensity_weights(ps, truncate=0.99).max() <= np.quantile(w, 0.99) + 1e-12


def test_e_value_published_example():
    # VanderWeele & Ding (2017): RR 3.9, CI 1.8-8.7 -> E-values 7.26 and 3.00.
    table = e_value(3.9, 1.8, 8.7)
    assert_allclose(table["e_value"], [7.26, 3.00], atol=0.005)
    assert e_value(0.5, 0.3, 1.2)["e_value"].iloc[1] == 1.0


def test_errors_name_the_problem(sample, ps):
    with pytest.raises(ValueError, match=r"treated must be one of .*, but was 'DUO'"):
        propensity_score(sample, PS_FORMULA, treated="DUO")
    with pytest.raises(ValueError, match="estimand must be one of"):
        programme_effect(sample, "job_within_12m", ps, estimand="ATU")
    with pytest.raises(ValueError, match="data has 10 rows but the propensity model"):
        programme_effect(sample.head(10), "job_within_12m", ps)
    with pytest.raises(ValueError, match="formula must be 'group ~ covariates'"):
        propensity_score(sample, "programme", treated="DUO for a JOB")


def test_positivity_violation_warns():
    df = simulate_participants(1500, rng=2)
    with pytest.warns(EvalkitWarning, match="positivity violation"):
        propensity_score(
            df, "programme ~ age + C(migration_background) + C(site)", treated="DUO for a JOB"
        )


def test_cluster_bootstrap_is_seeded(sample):
    small = sample.head(2000)
    a = bootstrap_effect(
        small,
        "job_within_12m",
        PS_FORMULA,
        treated="DUO for a JOB",
        n_boot=20,
        cluster="mentor_id",
        rng=3,
    )
    b = bootstrap_effect(
        small,
        "job_within_12m",
        PS_FORMULA,
        treated="DUO for a JOB",
        n_boot=20,
        cluster="mentor_id",
        rng=3,
    )
    pd.testing.assert_frame_equal(a, b)
    assert (a["ci_low"] < a["estimate"]).all() and (a["estimate"] < a["ci_high"]).all()


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


@pytest.mark.slow
def test_simulation_ipw_and_aipw_cover_the_true_effect():
    truth = true_effects(n=400_000).table.set_index(["estimand", "horizon_months"])
    true_rd = truth.loc[("ATE_overlap_brussels", 12), "risk_difference"]
    rng = np.random.default_rng(2024)
    reps = 500
    rows = []
    for _ in range(reps):
        data = _overlap_sample(4000, rng)
        ps = propensity_score(data, TRUE_PS_FORMULA, treated="DUO for a JOB")
        fit = programme_effect(data, "job_within_12m", ps, cluster="mentor_id").table
        fit = fit[fit.measure == "risk_difference"].set_index("method")
        rows.append(
            {(m, c): fit.loc[m, c] for m in fit.index for c in ("estimate", "ci_low", "ci_high")}
        )
    sims = pd.DataFrame(rows)
    summary = {}
    for method in ("naive", "ipw", "aipw"):
        est = sims[(method, "estimate")]
        cover = (sims[(method, "ci_low")] <= true_rd) & (true_rd <= sims[(method, "ci_high")])
        summary[method] = (est.mean() - true_rd, cover.mean())
    print(summary)
    for method in ("ipw", "aipw"):
        bias, coverage = summary[method]
        assert abs(bias) < 0.006
        assert 0.93 <= coverage <= 0.97
    assert summary["naive"][0] < -0.05 and summary["naive"][1] < 0.5


def test_matching_without_replacement_respects_caliper_and_exact_strata(sample, ps):
    from evalkit.comparison import match

    m = match(sample, ps, caliper=0.2, exact=["gender"], rng=1)
    pairs = m.pairs
    assert pairs["control_row"].is_unique
    logit = np.log(ps.scores / (1 - ps.scores))
    width = 0.2 * logit.std(ddof=1)
    gap = np.abs(logit[pairs["treated_row"]] - logit[pairs["control_row"]])
    assert (gap <= width).all()
    g = sample["gender"].to_numpy()
    assert (g[pairs["treated_row"]] == g[pairs["control_row"]]).all()
    assert ps.treated[pairs["treated_row"]].all() and not ps.treated[pairs["control_row"]].any()
    counts = m.table.iloc[0]
    assert counts["n_matched"] + counts["n_unmatched"] == ps.treated.sum()
    assert m.weights.sum() == 2 * len(pairs)


def test_matching_with_replacement_takes_the_nearest_control(sample, ps):
    from evalkit.comparison import match

    m = match(sample, ps, caliper=None, replace=True)
    logit = np.log(ps.scores / (1 - ps.scores))
    controls = np.flatnonzero(~ps.treated)
    for t_row, c_row in m.pairs[["treated_row", "control_row"]].to_numpy()[:200]:
        best = np.min(np.abs(logit[controls] - logit[t_row]))
        assert_allclose(abs(logit[c_row] - logit[t_row]), best, rtol=0, atol=1e-12)
    assert len(m.pairs) == ps.treated.sum()


def test_matched_effect_is_the_paired_t_analysis(sample, ps):
    from scipy import stats

    from evalkit.comparison import match, matched_effect

    m = match(sample, ps, rng=2)
    fit = matched_effect(sample, "job_within_12m", m).table.iloc[0]
    y = sample["job_within_12m"].to_numpy(float)
    y1, y0 = y[m.pairs["treated_row"]], y[m.pairs["control_row"]]
    t = stats.ttest_rel(y1, y0)
    assert_allclose(fit["estimate"], (y1 - y0).mean(), rtol=CLOSED_FORM_RTOL)
    assert_allclose(fit["std_error"], (y1 - y0).mean() / t.statistic, rtol=CLOSED_FORM_RTOL)


def test_rosenbaum_bounds_reduce_to_mcnemar_at_gamma_one(sample, ps):
    from scipy import stats

    from evalkit.comparison import match, rosenbaum_bounds

    m = match(sample, ps, rng=2)
    bounds = rosenbaum_bounds(sample, "job_within_12m", m)
    first = bounds.iloc[0]
    exact = stats.binomtest(
        int(first["n_treated_better"]), int(first["n_discordant"]), 0.5, alternative="greater"
    ).pvalue
    assert_allclose(first["p_upper"], exact, rtol=CLOSED_FORM_RTOL)
    assert bounds["p_upper"].is_monotonic_increasing
    with pytest.raises(ValueError, match="match with replace=False"):
        rosenbaum_bounds(sample, "job_within_12m", match(sample, ps, replace=True))


def test_trim_keeps_the_common_support_and_counts_exclusions(sample, ps):
    from evalkit.comparison import trim

    kept = trim(sample, ps)
    assert kept.table["n_after"].sum() == len(kept.data) == ps.inside_support.sum()
    assert (kept.table["n_before"] == kept.table["n_excluded"] + kept.table["n_after"]).all()
    crump = trim(sample, ps, bounds=(0.1, 0.9))
    assert crump.table["n_excluded"].sum() == ((ps.scores < 0.1) | (ps.scores > 0.9)).sum()
    with pytest.raises(ValueError, match="bounds must satisfy"):
        trim(sample, ps, bounds=(0.9, 0.1))
