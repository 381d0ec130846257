"""Paired pre/post change (d_z): sample size and detectable effect against statsmodels."""

import math

import pytest
from numpy.testing import assert_allclose
from statsmodels.stats.power import TTestPower

from evalkit.planning import detectable_d_z, sample_size_paired

ITERATIVE = 1e-6  # statsmodels' own root finder stops at about this precision


@pytest.mark.parametrize("d_z", [0.2, 0.3, -0.5, 1.2])
def test_paired_sample_size_matches_statsmodels_ttest_power(d_z):
    # statsmodels 0.15 TTestPower (one-sample / paired t-test, both tails; as R
    # pwr::pwr.t.test(type = "paired"))
    expected = TTestPower().solve_power(abs(d_z), power=0.8, alpha=0.05)
    plan = sample_size_paired(d_z)
    assert_allclose(plan.value, expected, rtol=ITERATIVE)
    assert plan.table["required"].iloc[0] == math.ceil(plan.value)
    assert_allclose(TTestPower().power(abs(d_z), plan.value, 0.05), 0.8, rtol=1e-9)


@pytest.mark.parametrize("n", [5, 90, 5000])
def test_detectable_d_z_has_the_planned_power_in_statsmodels(n):
    mde = detectable_d_z(n, power=0.9, alpha=0.01)
    assert_allclose(TTestPower().power(mde.value, n, 0.01), 0.9, rtol=1e-9)
    assert_allclose(mde.power_at(n), 0.9, rtol=1e-9)


def test_no_change_and_too_few_pairs_are_refused():
    with pytest.raises(ValueError, match="d_z is 0: there is no change to detect"):
        sample_size_paired(0.0)
    with pytest.raises(ValueError, match="n must exceed 1"):
        detectable_d_z(1)
    with pytest.raises(ValueError, match="d_z must be a finite number"):
        sample_size_paired(float("nan"))
