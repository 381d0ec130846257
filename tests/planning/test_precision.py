"""One rate to a given precision: participants for a 95% CI of ±5 or ±10 points."""

import math

import matplotlib.pyplot as plt
import pytest
from numpy.testing import assert_allclose
from statsmodels.stats.proportion import proportion_confint, samplesize_confint_proportion

from evalkit.planning import (
    compare_plans,
    design_effect,
    sample_size_precision,
    sample_size_proportions,
)
from evalkit.reporting.findings import plan_finding

CLOSED_FORM = 1e-7
SOLVER = 1e-7


@pytest.mark.parametrize(("p", "half_width"), [(0.45, 0.05), (0.45, 0.10), (0.12, 0.05),
                                               (0.9, 0.03)])
def test_wald_size_is_the_closed_form_and_statsmodels(p, half_width):
    # n = z^2 p (1 - p) / w^2; statsmodels 0.15 samplesize_confint_proportion (normal)
    plan = sample_size_precision(p, half_width, method="wald")
    z = 1.959963984540054
    assert_allclose(plan.value, z**2 * p * (1 - p) / half_width**2, rtol=CLOSED_FORM)
    assert_allclose(plan.value, samplesize_confint_proportion(p, half_width, alpha=0.05),
                    rtol=CLOSED_FORM)
    assert plan.table["required"].iloc[0] == math.ceil(plan.value)


@pytest.mark.parametrize(("p", "half_width", "alpha"), [(0.45, 0.05, 0.05), (0.45, 0.10, 0.05),
                                                        (0.12, 0.05, 0.05), (0.3, 0.04, 0.1)])
def test_wilson_size_gives_the_half_width_of_statsmodels_wilson_interval(p, half_width, alpha):
    # statsmodels 0.15 proportion_confint(method="wilson") at the size found, count p * n
    plan = sample_size_precision(p, half_width, alpha=alpha)
    n = plan.value
    low, high = proportion_confint(p * n, n, alpha=alpha, method="wilson")
    assert_allclose((high - low) / 2, half_width, rtol=SOLVER)
    low, high = proportion_confint(p * (n - 1), n - 1, alpha=alpha, method="wilson")
    assert (high - low) / 2 > half_width  # one fewer is not enough
    wald = samplesize_confint_proportion(p, half_width, alpha=alpha)
    assert abs(plan.value / wald - 1) < 0.05  # near the Wald size for these rates


def test_the_design_effect_and_the_plan_table():
    deff = design_effect(5, 0.05)
    plan = sample_size_precision(0.45, 0.05, design_effect=deff)
    assert plan.table["required"].iloc[0] == math.ceil(plan.value * 1.2)
    table = compare_plans({"±5 points": plan, "±10 points": sample_size_precision(0.45, 0.1)}
                          ).table
    assert table["n_total"].tolist() == [math.ceil(plan.value * 1.2),
                                         math.ceil(sample_size_precision(0.45, 0.1).value)]
    ax = plan.plot()
    assert ax.get_ylabel() == "half-width of the 95% CI (percentage points)"
    plt.close(ax.figure)
    ax = plan.plot(language="fr")
    assert ax.get_ylabel() == "demi-largeur de l'IC à 95\u00a0% (points de pourcentage)"
    plt.close(ax.figure)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"p": 1.0, "half_width": 0.05}, r"p must be"),
    ({"p": 0.4, "half_width": 0}, r"half_width must be .*half_width=0.05 for ±5 percentage"),
    ({"p": 0.4, "half_width": 0.05, "method": "exact"}, r"method must be one of"),
    ({"p": 0.4, "half_width": 0.05, "design_effect": 0.5}, r"design_effect must be at least 1"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample_size_precision(**kwargs)


def test_the_plan_sentence_takes_the_power_of_a_tested_question():
    """A precision plan has no power: the sentence states the comparison's (not "nan%")."""
    table = compare_plans({"±5 points": sample_size_precision(0.45, 0.05),
                           "comparison_group": sample_size_proportions(0.45, 0.35)}).table
    sentence = str(plan_finding(table))
    assert sentence.startswith("For 80% power at the 5% level") and "nan" not in sentence
