"""Events for a hazard ratio (Schoenfeld, Freedman) and RMST sample sizes."""

import math

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import sample_size_necessary_under_cph
from numpy.testing import assert_allclose
from scipy import stats

from evalkit.planning import (
    detectable_hazard_ratio,
    detectable_rmst_difference,
    events_needed,
    rmst_variance,
    sample_size_rmst,
)
from evalkit.survival import restricted_mean_time

CLOSED_FORM = 1e-7
SE = 1e-4
Z_A, Z_B = stats.norm.isf(0.025), stats.norm.ppf(0.8)


@pytest.mark.parametrize(("hr", "published"), [(1.25, 1264), (1.50, 384), (1.75, 204),
                                               (2.00, 132)])
def test_schoenfeld_reproduces_a_published_table(hr, published):
    # Trials 2015;16:213, Table 1 ("initial N", Schoenfeld's formula, 5% two-sided, 80%
    # power, equal allocation, censoring proportion 0.5), rounded up to a multiple of 4.
    plan = events_needed(hr, event_probability=0.5)
    assert math.ceil(plan.value / 0.5 / 4) * 4 == published
    assert_allclose(plan.value, 4 * (Z_A + Z_B) ** 2 / math.log(hr) ** 2, rtol=CLOSED_FORM)


def test_freedman_matches_lifelines_and_its_documented_example():
    # lifelines 0.30 sample_size_necessary_under_cph (Freedman 1982; R powerSurvEpi
    # ssizeCT.default): its docstring example gives (421, 421).
    assert sample_size_necessary_under_cph(0.8, 1.0, 0.25, 0.35, 0.7) == (421, 421)
    plan = events_needed(0.7, method="freedman", event_probability=(0.25, 0.35))
    share = 0.5 * 0.25 + 0.5 * 0.35
    assert math.ceil(plan.value / share * 0.5) == 421
    # unequal allocation: 2 treated per comparison participant
    n_exp, n_con = sample_size_necessary_under_cph(0.9, 2.0, 0.4, 0.5, 1.4)
    plan = events_needed(1.4, power=0.9, method="freedman", allocation=2 / 3,
                         event_probability=(0.4, 0.5))
    m = 0.5 * ((2 * 1.4 + 1) / 0.4) ** 2 * (Z_A + stats.norm.ppf(0.9)) ** 2
    assert_allclose(plan.value, m, rtol=CLOSED_FORM)
    total = plan.value / (2 / 3 * 0.4 + 1 / 3 * 0.5)
    assert (math.ceil(total * 2 / 3), math.ceil(total / 3)) == (n_exp, n_con)


def test_censoring_and_design_effect_raise_the_participants():
    plan = events_needed(1.25, event_probability=0.5, censoring=0.2, design_effect=1.2)
    assert plan.table["n_total"].iloc[0] == math.ceil(plan.value * 1.2 / (0.5 * 0.8))
    assert plan.table["required"].iloc[0] == math.ceil(plan.value * 1.2)
    assert np.isnan(events_needed(1.25).table["n_total"].iloc[0])


@pytest.mark.parametrize("method", ["schoenfeld", "freedman"])
def test_detectable_hazard_ratio_inverts_events_needed(method):
    mde = detectable_hazard_ratio(400, method=method, allocation=0.3)
    back = events_needed(mde.value, method=method, allocation=0.3)
    assert_allclose(back.value, 400, rtol=1e-9)
    assert mde.value > 1


def test_hazard_ratio_of_one_has_no_events():
    with pytest.raises(ValueError, match="hazard_ratio is 1: there is no effect to detect"):
        events_needed(1.0)
    with pytest.raises(ValueError, match="pair"):
        events_needed(1.3, event_probability=(0.2, 0.3, 0.4))


def _empirical_curve(t):
    times, counts = np.unique(t, return_counts=True)
    return times, 1 - np.cumsum(counts) / len(t)


def test_rmst_variance_without_censoring_is_the_variance_of_the_truncated_time():
    # Closed form: with no censoring the Greenwood-type variance (Klein & Moeschberger
    # 2003, eq. 4.5.2) of the Kaplan-Meier RMST is Var(min(T, tau)) / n.
    rng = np.random.default_rng(7)
    t = np.round(rng.exponential(10, 300), 1) + 0.1
    rmst, var = rmst_variance(_empirical_curve(t), tau=12.0)
    truncated = np.minimum(t, 12.0)
    assert_allclose(rmst, truncated.mean(), rtol=CLOSED_FORM)
    assert_allclose(var, truncated.var(), rtol=CLOSED_FORM)
    # ... and equals evalkit.survival's delta-method SE of the same KM (n at risk)
    data = pd.DataFrame({"time": t, "event": 1, "group": "a"})
    fit = restricted_mean_time(data, "time", "event", horizon=12.0)
    assert_allclose(fit.table["std_error"].iloc[0] ** 2 * len(t), var, rtol=SE)


def test_rmst_variance_of_a_fine_exponential_grid_approaches_the_closed_form():
    lam, tau = 0.1, 12.0
    grid = np.linspace(1e-4, tau, 40_000)
    _, var = rmst_variance((grid, np.exp(-lam * grid)), tau=tau)
    mean = (1 - np.exp(-lam * tau)) / lam
    second = 2 * (1 - np.exp(-lam * tau) * (1 + lam * tau)) / lam**2
    assert_allclose(var, second - mean**2, rtol=1e-3)


def test_rmst_sample_size_formula_and_censoring():
    t = np.arange(1.0, 13.0)
    c1, c2 = (t, np.exp(-0.08 * t)), (t, np.exp(-0.06 * t))
    plan = sample_size_rmst(c1, c2, tau=12, ratio=2)
    m1, v1 = rmst_variance(c1, tau=12)
    m2, v2 = rmst_variance(c2, tau=12)
    assert_allclose(plan.value, (Z_A + Z_B) ** 2 * (v1 + v2 / 2) / (m1 - m2) ** 2,
                    rtol=CLOSED_FORM)
    lost = sample_size_rmst(c1, c2, tau=12, censoring=(t, 0.98**t))
    assert lost.value > sample_size_rmst(c1, c2, tau=12).value
    mde = detectable_rmst_difference(plan.value, v1, v2, ratio=2)
    assert_allclose(mde.value, abs(m1 - m2), rtol=1e-9)


def test_rmst_of_identical_curves_and_bad_curves_are_refused():
    t = np.arange(1.0, 5.0)
    with pytest.raises(ValueError, match="same RMST"):
        sample_size_rmst((t, 0.9**t), (t, 0.9**t), tau=4)
    with pytest.raises(ValueError, match="non-increasing values"):
        rmst_variance((t, [0.5, 0.6, 0.4, 0.3]), tau=4)


def test_power_curve_draws_on_the_axes_given():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    plan = events_needed(1.3)
    assert plan.plot(ax=ax, sizes=np.arange(10.0, 800.0, 10.0)) is ax
    assert_allclose(ax.lines[0].get_ydata()[-1], float(plan.power_at(790.0)))
    plt.close(fig)
