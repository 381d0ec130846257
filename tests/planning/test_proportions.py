"""Two proportions: sample size, power curve and detectable difference against statsmodels."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    power_proportions_2indep,
    proportion_effectsize,
    samplesize_proportions_2indep_onetail,
)

from evalkit.planning import (
    design_effect,
    detectable_difference_proportions,
    sample_size_proportions,
)

CLOSED_FORM = 1e-7
SOLVER = 1e-7  # both sides solve the same power equation to ~1e-12


@pytest.mark.parametrize(("p1", "p2", "ratio"), [(0.51, 0.45, 1.0), (0.35, 0.30, 2.5),
                                                 (0.2, 0.4, 0.5)])
def test_arcsine_sample_size_matches_statsmodels_normal_ind_power(p1, p2, ratio):
    # statsmodels 0.15: NormalIndPower with Cohen's h (R pwr::pwr.2p2n.test alike)
    expected = NormalIndPower().solve_power(
        proportion_effectsize(p1, p2), power=0.8, alpha=0.05, ratio=ratio)
    plan = sample_size_proportions(p1, p2, ratio=ratio)
    assert_allclose(plan.value, expected, rtol=SOLVER)
    assert plan.table["required"].iloc[0] == math.ceil(expected)
    assert plan.table["n2_required"].iloc[0] == math.ceil(ratio * expected)


@pytest.mark.parametrize(("p1", "p2", "ratio"), [(0.51, 0.45, 1.0), (0.35, 0.30, 2.5)])
def test_pooled_sample_size_and_power_match_statsmodels(p1, p2, ratio):
    # statsmodels 0.15: pooled variance under H0, unpooled under H1 (Fleiss et al. 2003)
    expected = samplesize_proportions_2indep_onetail(p1 - p2, p2, 0.9, ratio=ratio, alpha=0.05)
    plan = sample_size_proportions(p1, p2, power=0.9, ratio=ratio, method="pooled")
    assert_allclose(plan.value, expected, rtol=CLOSED_FORM)
    for n in (50.0, 300.0, 2000.0):
        sm = power_proportions_2indep(p1 - p2, p2, n, ratio=ratio, alpha=0.05).power
        assert_allclose(plan.power_at(n), sm, rtol=CLOSED_FORM)


def test_pooled_closed_form_by_hand():
    # Fleiss, Levin & Paik (2003) eq. 4.14 with equal groups, written out
    p1, p2, z_a, z_b = 0.6, 0.4, 1.959963984540054, 0.8416212335729143
    pbar = 0.5
    n = (z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) \
        ** 2 / (p1 - p2) ** 2
    assert_allclose(sample_size_proportions(p1, p2, method="pooled").value, n, rtol=CLOSED_FORM)


def test_power_curve_passes_through_the_plan():
    plan = sample_size_proportions(0.51, 0.45)
    assert_allclose(plan.power_at(plan.value), 0.8, rtol=1e-9)
    ax = plan.plot()
    assert ax.get_xlabel() == "participants in group 1" and len(ax.lines) >= 2
    plt.close(ax.figure)


def test_detectable_difference_has_the_planned_power_in_statsmodels():
    mde = detectable_difference_proportions(400, 0.45, ratio=0.5)
    p1 = mde.table["p1"].iloc[0]
    power = NormalIndPower().power(proportion_effectsize(p1, 0.45), 400, 0.05, ratio=0.5)
    assert_allclose(power, 0.8, rtol=SOLVER)
    assert_allclose(mde.value, p1 - 0.45)
    pooled = detectable_difference_proportions(400, 0.45, method="pooled")
    sm = power_proportions_2indep(pooled.value, 0.45, 400).power
    assert_allclose(sm, 0.8, rtol=SOLVER)


def test_sizes_round_up_after_the_design_effect():
    deff = design_effect(5, 0.05)
    plan = sample_size_proportions(0.51, 0.45, design_effect=deff)
    assert plan.table["required"].iloc[0] == math.ceil(plan.value * 1.2)
    assert plan.table["design_effect"].iloc[0] == 1.2


def test_equal_proportions_have_no_sample_size():
    with pytest.raises(ValueError, match=r"p1 and p2 are equal.*no difference to detect"):
        sample_size_proportions(0.4, 0.4)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"p1": 1.2}, r"p1 must be a number in \(0, 1\), but was 1.2"),
    ({"power": 0.01}, "power must exceed alpha / 2"),
    ({"method": "exact"}, "method"),
    ({"ratio": 0}, "ratio must be a positive number"),
    ({"design_effect": 0.5}, "design_effect must be at least 1"),
])
def test_bad_arguments_say_what_is_allowed(kwargs, message):
    args = {"p1": 0.5, "p2": 0.4, **kwargs}
    with pytest.raises(ValueError, match=message):
        sample_size_proportions(args.pop("p1"), args.pop("p2"), **args)


def test_an_unreachable_power_is_refused():
    with pytest.raises(ValueError, match="no proportion above"):
        detectable_difference_proportions(3, 0.9, power=0.99)


def test_swapping_the_groups_keeps_the_size_with_equal_groups():
    a = sample_size_proportions(0.3, 0.5).value
    b = sample_size_proportions(0.5, 0.3).value
    assert_allclose(a, b, rtol=1e-12)
    assert np.isfinite(a)
