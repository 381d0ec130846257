"""Sensitivity to unmeasured confounding: E-values and Rosenbaum bounds."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from evalkit.comparison import e_value
from tests.comparison.samples import CLOSED_FORM_RTOL


def test_e_value_published_example():
    # VanderWeele & Ding (2017): RR 3.9, CI 1.8-8.7 -> E-values 7.26 and 3.00.
    row = e_value(3.9, 1.8, 8.7).table.iloc[0]
    assert_allclose([row["e_value"], row["e_value_ci"]], [7.26, 3.00], atol=0.005)
    # closed form, and the protective direction through 1/RR
    assert_allclose(row["e_value"], 3.9 + np.sqrt(3.9 * 2.9), rtol=CLOSED_FORM_RTOL)
    assert_allclose(
        e_value(0.5).table["e_value"].iloc[0], 2 + np.sqrt(2), rtol=CLOSED_FORM_RTOL
    )
    assert e_value(0.5, 0.3, 1.2).table["e_value_ci"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="positive finite risk ratio"):
        e_value(-0.2)


def test_rosenbaum_bounds_reduce_to_mcnemar_at_gamma_one(sample, ps):
    from scipy import stats

    from evalkit.comparison import match, rosenbaum_bounds

    m = match(sample, ps, rng=2)
    bounds = rosenbaum_bounds(sample, "job_within_12m", m).table
    first = bounds.iloc[0]
    exact = stats.binomtest(
        int(first["n_treated_better"]), int(first["n_discordant"]), 0.5, alternative="greater"
    ).pvalue
    assert_allclose(first["p_upper"], exact, rtol=CLOSED_FORM_RTOL)
    assert bounds["p_upper"].is_monotonic_increasing
    with pytest.raises(ValueError, match="match with replace=False"):
        rosenbaum_bounds(sample, "job_within_12m", match(sample, ps, replace=True))


def test_rosenbaum_gammas_are_checked_and_the_plot_takes_axes(sample, ps):
    import matplotlib.pyplot as plt

    from evalkit.comparison import match, rosenbaum_bounds

    m = match(sample, ps, rng=2)
    with pytest.raises(ValueError, match=r"gammas must be numbers of at least 1, but were \[0.5\]"):
        rosenbaum_bounds(sample, "job_within_12m", m, gammas=[0.5])
    _, ax = plt.subplots()
    assert rosenbaum_bounds(sample, "job_within_12m", m).plot(ax=ax) is ax
    plt.close("all")
    with pytest.raises(ValueError, match="pass both ci_low and ci_high, or neither"):
        e_value(1.5, 1.1)
