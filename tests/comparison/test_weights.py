"""Propensity weights: effective sample sizes, stabilising and truncation."""

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from evalkit.comparison import balance, effective_sample_size, programme_effect, propensity_weights
from tests.comparison.samples import CLOSED_FORM_RTOL


def test_weights_balance_the_covariates_and_report_ess(sample, ps):
    covariates = ["age", "education", "language_level", "months_unemployed", "single_parent"]
    result = balance(sample, covariates, ps, estimand="ATO")
    before = result.table["smd_before"].abs().max()
    assert before > 0.1  # the programmes enrol different people
    # Overlap weights balance the means of the PS model's covariates exactly.
    assert result.table["smd_after"].abs().max() < 1e-8
    assert result.all_balanced
    weights = propensity_weights(ps, estimand="ATE")
    w = weights.weights
    assert effective_sample_size(w) < len(w)
    for row, member in zip(weights.table.itertuples(), (ps.treated, ~ps.treated), strict=True):
        assert_allclose(row.effective_n, w[member].sum() ** 2 / (w[member] ** 2).sum())
        assert row.n == member.sum()
    stabilized = propensity_weights(ps, estimand="ATE", stabilize=True).weights
    assert_allclose(stabilized.mean(), 1.0, atol=0.05)
    truncated = propensity_weights(ps, truncate=0.99)
    assert_allclose(truncated.weights.max(), np.quantile(w, 0.99), rtol=CLOSED_FORM_RTOL)
    assert truncated.table["n_truncated"].sum() == (w > np.quantile(w, 0.99)).sum()


def test_truncated_ipw_uses_the_capped_weights(sample, ps):
    w = propensity_weights(ps, estimand="ATE", truncate=0.95).weights
    glm = sm.GLM(
        sample["job_within_12m"],
        sm.add_constant(ps.treated.astype(float)),
        family=sm.families.Gaussian(),
        var_weights=w,
    ).fit()
    fit = programme_effect(sample, "job_within_12m", ps, truncate=0.95).table
    ipw = fit[(fit.method == "ipw") & (fit.measure == "risk_difference")].iloc[0]
    assert_allclose(ipw["estimate"], glm.params.iloc[1], rtol=CLOSED_FORM_RTOL)
    # Stabilising does not change any weighted mean.
    stab = propensity_weights(ps, estimand="ATT", stabilize=True).weights
    plain = propensity_weights(ps, estimand="ATT").weights
    y = sample["job_within_12m"].to_numpy(float)
    c = ~ps.treated
    assert_allclose(
        np.average(y[c], weights=stab[c]), np.average(y[c], weights=plain[c]), rtol=1e-12
    )
    with pytest.raises(ValueError, match=r"overlap \(ATO\) weights are bounded"):
        propensity_weights(ps, estimand="ATO", stabilize=True)
    with pytest.raises(ValueError, match=r"truncate must be a quantile in \(0.5, 1\)"):
        propensity_weights(ps, truncate=99)


def test_weights_plot_draws_on_the_axes_given(ps):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert propensity_weights(ps, truncate=0.99).plot(ax=ax) is ax
    plt.close("all")


def test_weights_plot_in_the_language(ps):
    import matplotlib.pyplot as plt

    ax = propensity_weights(ps, truncate=0.99).plot(language="nl")
    assert ax.get_xlabel().endswith("-gewicht")
    assert ax.get_ylabel().startswith("deelnemers per 1/30")
    assert "vergelijkingsgroep" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close("all")
