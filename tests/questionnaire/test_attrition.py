"""Attrition: complete cases, IPW with its sandwich, multiple imputation; by group."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

from evalkit.questionnaire import (
    attrition_analysis,
)
from tests.questionnaire._shared import (
    ATTRITION_METHODS_ORDER,
    mar_data,
    mar_data_by_group,
)


def test_ipw_is_the_weighted_mean_with_a_stacked_sandwich():
    from statsmodels.tools.numdiff import approx_fprime

    df = mar_data()
    r = attrition_analysis(df, "pre", "post", response_predictors=["job"], rng=1)
    ipw = r.table.set_index("method").loc["ipw"]
    z = np.column_stack([np.ones(len(df)), df["pre"], df["job"].astype(float)])
    resp = df["post"].notna().to_numpy(float)
    glm = sm.GLM(resp, z, family=sm.families.Binomial()).fit()
    assert_allclose(r.response_model["estimate"], glm.params, rtol=1e-7)
    pi = glm.predict(z)
    change = (df["post"] - df["pre"]).to_numpy()
    wls = sm.WLS(change[resp == 1], np.ones(int(resp.sum())), weights=1 / pi[resp == 1]).fit()
    assert_allclose(ipw["estimate"], wls.params[0], rtol=1e-9)

    # Independent sandwich: numerical derivative of the stacked estimating equations.
    def psi(theta):
        beta, mu = theta[:3], theta[3]
        p = 1 / (1 + np.exp(-(z @ beta)))
        dd = np.where(resp == 1, change, mu)
        return np.column_stack([z * (resp - p)[:, None], resp / p * (dd - mu)])

    theta = np.r_[glm.params, ipw["estimate"]]
    bread = approx_fprime(theta, lambda t: psi(t).mean(axis=0), centered=True)
    meat = psi(theta).T @ psi(theta) / len(df)
    inv = np.linalg.inv(bread)
    se = np.sqrt((inv @ meat @ inv.T)[3, 3] / len(df))
    assert_allclose(ipw["std_error"], se, rtol=1e-6)


def test_attrition_table_smd_and_reproducibility():
    df = mar_data()
    r = attrition_analysis(df, "pre", "post", response_predictors=["job"], baseline=["job"], rng=3)
    again = attrition_analysis(
        df, "pre", "post", response_predictors=["job"], baseline=["job"], rng=3
    )
    pd.testing.assert_frame_equal(r.table, again.table)
    assert r.table["method"].tolist() == ["complete_case", "ipw", "multiple_imputation"]
    assert r.table["n"].tolist() == [int(df["post"].notna().sum()), len(df), len(df)]
    smd = r.smd.set_index("variable")["smd"]
    assert smd["pre"] > 0.2 and smd["job"] > 0.2  # completers: higher pre, more jobs
    cc = r.table.set_index("method").loc["complete_case"]
    assert_allclose(cc["estimate"], (df["post"] - df["pre"]).mean(), rtol=1e-12)
    assert 0 < r.response_rate < 1 and r.max_weight > 1


def test_attrition_rejects_bad_arguments():
    df = mar_data(100)
    with pytest.raises(ValueError, match="n_imputations must be an integer of at least 2"):
        attrition_analysis(df, "pre", "post", n_imputations=1)
    with pytest.raises(ValueError, match="have missing values"):
        attrition_analysis(df.assign(job=np.nan), "pre", "post", response_predictors=["job"])
    with pytest.raises(ValueError, match="at least 3 completers and 1 non-completer"):
        attrition_analysis(df.assign(post=df["full"]), "pre", "post")


def test_attrition_by_group_matches_welch_weighted_means_and_a_stacked_sandwich():
    from statsmodels.tools.numdiff import approx_fprime

    df = mar_data_by_group()
    r = attrition_analysis(df, "pre", "post", group="programme", response_predictors=["job"],
                           baseline=["job"], rng=2)
    assert r.table[["group", "method"]].values.tolist() == [
        [g, m] for m in ATTRITION_METHODS_ORDER for g in ("A", "B")
    ]
    diff = r.difference.set_index("method")
    assert list(diff.index) == list(ATTRITION_METHODS_ORDER)
    assert (diff["contrast"] == "B − A").all()
    answered = df["post"].notna()
    change = df["post"] - df["pre"]
    is_b = (df["programme"] == "B").to_numpy()
    counts = r.table.set_index(["method", "group"])
    assert counts.loc[("ipw", "B"), "n"] == is_b.sum()
    assert counts.loc[("complete_case", "B"), "n"] == (answered & is_b).sum()
    assert counts.loc[("ipw", "A"), "n_responded"] == (answered & ~is_b).sum()

    # complete cases: Welch's t interval of the difference (scipy)
    welch = stats.ttest_ind(change[answered & is_b], change[answered & ~is_b], equal_var=False)
    ci = welch.confidence_interval(0.95)
    cc = diff.loc["complete_case"]
    assert_allclose([cc["ci_low"], cc["ci_high"], cc["df"]], [ci.low, ci.high, welch.df],
                    rtol=1e-10)

    # IPW: weighted means of responders by group, weights from one logistic model
    z = np.column_stack([np.ones(len(df)), df["pre"], is_b, df["job"]]).astype(float)
    resp = answered.to_numpy(float)
    glm = sm.GLM(resp, z, family=sm.families.Binomial()).fit()
    assert_allclose(r.response_model["estimate"], glm.params, rtol=1e-7)
    assert r.response_model["term"].tolist()[2] == "programme[B]"
    pi = glm.predict(z)
    d = change.to_numpy()
    mu = [np.average(d[(resp == 1) & (is_b == k)], weights=1 / pi[(resp == 1) & (is_b == k)])
          for k in (False, True)]
    assert_allclose(counts.xs("ipw")["estimate"], mu, rtol=1e-10)
    assert_allclose(diff.loc["ipw", "estimate"], mu[1] - mu[0], rtol=1e-10)

    # independent sandwich of the difference: numerical derivative of the stacked equations
    member = np.column_stack([~is_b, is_b]).astype(float)

    def psi(theta):
        beta, m = theta[:4], theta[4:]
        p = 1 / (1 + np.exp(-(z @ beta)))
        dd = np.where(resp == 1, d, 0.0)[:, None]
        return np.column_stack([z * (resp - p)[:, None], (resp / p)[:, None] * member * (dd - m)])

    theta = np.r_[glm.params, mu]
    bread = approx_fprime(theta, lambda t: psi(t).mean(axis=0), centered=True)
    inv = np.linalg.inv(bread)
    cov = inv @ (psi(theta).T @ psi(theta) / len(df)) @ inv.T / len(df)
    se_diff = np.sqrt(cov[4, 4] + cov[5, 5] - 2 * cov[4, 5])
    assert_allclose(diff.loc["ipw", "std_error"], se_diff, rtol=1e-6)
    assert_allclose(counts.xs("ipw")["std_error"], np.sqrt(np.diag(cov)[4:]), rtol=1e-6)

    # MI: a difference of pooled group means, pooled within each imputation
    mi = counts.xs("multiple_imputation")["estimate"]
    assert_allclose(diff.loc["multiple_imputation", "estimate"], mi["B"] - mi["A"], rtol=1e-10)
    assert set(r.smd["group"]) == {"A", "B"} and "programme" not in set(r.smd["variable"])
    r.plot()


def test_attrition_by_group_rejects_bad_groups():
    df = mar_data_by_group(200)
    with pytest.raises(ValueError, match="exactly 2 distinct values"):
        attrition_analysis(df.assign(programme=np.arange(200) % 3), "pre", "post",
                           group="programme")
    with pytest.raises(ValueError, match="or group 'programme' have missing values in 1 row"):
        attrition_analysis(df.assign(programme=df["programme"].where(df.index != 4)), "pre",
                           "post", group="programme")
    all_answer_b = df.assign(post=np.where(df["programme"] == "B", df["full"], df["post"]))
    with pytest.raises(ValueError, match="rows of programme 'B' with a pre score, but got"):
        attrition_analysis(all_answer_b, "pre", "post", group="programme")

