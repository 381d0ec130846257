"""ICC(1) and the design effect against pingouin and an independent ANOVA."""

import numpy as np
import pandas as pd
import pingouin
import pytest
import statsmodels.formula.api as smf
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.anova import anova_lm

from evalkit.errors import EvalkitWarning
from evalkit.planning import design_effect, intraclass_correlation
from tests.published import assert_safely_published

CLOSED_FORM = 1e-7


def _clustered(n_clusters, size, sd_between, rng):
    rng = np.random.default_rng(rng)
    sizes = np.full(n_clusters, size) if np.isscalar(size) else np.asarray(size)
    cluster = np.repeat(np.arange(len(sizes)), sizes)
    y = rng.normal(size=len(sizes))[cluster] * sd_between + rng.normal(size=len(cluster))
    return pd.DataFrame({"mentor": cluster, "rater": np.concatenate(
        [np.arange(s) for s in sizes]), "y": y})


def test_icc1_matches_pingouin_on_balanced_data():
    # pingouin 0.7 intraclass_corr, ICC(1,1) (Shrout & Fleiss 1979); its CI is rounded to 2
    # decimals.
    data = _clustered(30, 4, 0.7, 1)
    ref = pingouin.intraclass_corr(data, targets="mentor", raters="rater", ratings="y")
    row = ref.set_index("Type").loc["ICC(1,1)"]
    fit = intraclass_correlation(data, "y", "mentor")
    assert_allclose(fit.value, row["ICC"], rtol=CLOSED_FORM)
    assert_allclose(fit.table["f_value"].iloc[0], row["F"], rtol=CLOSED_FORM)
    assert_allclose(fit.table["p_value"].iloc[0], row["pval"], rtol=1e-6)
    assert_allclose(fit.table[["ci_low", "ci_high"]].iloc[0], row["CI95"], atol=0.005)


def test_icc1_with_unequal_clusters_matches_an_independent_anova():
    # One-way ANOVA by statsmodels, then Searle's k0 and the F-based limits (R ICC::ICCest)
    data = _clustered(25, np.random.default_rng(2).integers(2, 9, 25), 0.5, 3)
    table = anova_lm(smf.ols("y ~ C(mentor)", data).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    n, sizes = len(data), data["mentor"].value_counts().to_numpy()
    g = len(sizes)
    k0 = (n - (sizes**2).sum() / n) / (g - 1)
    f = msb / msw
    fl, fu = f / stats.f.ppf(0.95, g - 1, n - g), f * stats.f.ppf(0.95, n - g, g - 1)
    fit = intraclass_correlation(data, "y", "mentor", conf_level=0.90)
    expected = [(msb - msw) / (msb + (k0 - 1) * msw), (fl - 1) / (fl + k0 - 1),
                (fu - 1) / (fu + k0 - 1)]
    assert_allclose(fit.table[["icc", "ci_low", "ci_high"]].iloc[0], expected, rtol=CLOSED_FORM)
    assert_allclose(fit.table["mean_cluster_size"].iloc[0], k0, rtol=CLOSED_FORM)


def test_icc_of_a_constant_outcome_warns_and_is_nan():
    data = _clustered(5, 3, 0.0, 1).assign(y=1.0)
    with pytest.warns(EvalkitWarning, match="does not vary.*NaN"):
        fit = intraclass_correlation(data, "y", "mentor")
    assert np.isnan(fit.value)


def test_icc_needs_clusters_of_two():
    data = pd.DataFrame({"mentor": [1, 2, 3], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="every cluster of 'mentor' has one person"):
        intraclass_correlation(data, "y", "mentor")
    with pytest.raises(ValueError, match="missing values in 1 rows"):
        intraclass_correlation(data.assign(y=[1.0, None, 2.0]), "y", "mentor")


def test_published_icc_hides_a_small_sample():
    fit = intraclass_correlation(_clustered(3, 3, 0.5, 1), "y", "mentor")
    out = assert_safely_published(fit)
    assert out["icc"].isna().all()


def test_design_effect_is_kish_formula():
    deff = design_effect(5.4, 0.08)
    assert_allclose(deff.value, 1 + 4.4 * 0.08, rtol=CLOSED_FORM)
    assert_allclose(deff.table["effective_fraction"].iloc[0], 1 / deff.value)
    assert design_effect(5, 0.0).value == 1.0


@pytest.mark.parametrize("icc", [-0.02, 1.0, 1.5])
def test_design_effect_refuses_an_icc_outside_zero_one(icc):
    with pytest.raises(ValueError, match=r"icc must be a number in \[0, 1\)"):
        design_effect(5, icc)
    with pytest.raises(ValueError, match="cluster_size must be at least 1"):
        design_effect(0.5, 0.1)
