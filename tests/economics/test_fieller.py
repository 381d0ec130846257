"""Fieller's interval against the closed form of Fieller (1954) and its definition."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from evalkit.economics import fieller_interval

CLOSED_FORM = 1e-7
Z = stats.norm.isf(0.025)


def _g_form(a, b, va, vb, cov, z=Z):
    """Fieller (1954) in his g-parameterisation (as Willan & O'Brien 1996, eq. 6)."""
    theta, g = a / b, z * z * vb / b**2
    root = math.sqrt(va - 2 * theta * cov + theta**2 * vb - g * (va - cov**2 / vb))
    ends = [(theta - g * cov / vb + s * z / abs(b) * root) / (1 - g) for s in (-1, 1)]
    return sorted(ends)


@pytest.mark.parametrize(("dc", "de", "vc", "ve", "cov"), [
    (100.0, 0.1, 400.0, 0.0004, 0.0),
    (162.07, 0.1947, 46.66**2, 0.0608**2, 0.4 * 46.66 * 0.0608),
    (-80.0, 0.25, 900.0, 0.003, -0.8),
    (500.0, -0.3, 2500.0, 0.004, 0.5),
])
def test_fieller_matches_the_g_form(dc, de, vc, ve, cov):
    f = fieller_interval(dc, de, vc, ve, cov)
    assert f.kind == "bounded"
    assert_allclose(f.table[["ci_low", "ci_high"]].iloc[0], _g_form(dc, de, vc, ve, cov),
                    rtol=CLOSED_FORM)


def test_fieller_limits_are_where_the_ratio_test_is_just_significant():
    dc, de, vc, ve, cov = 162.07, 0.1947, 2177.0, 0.0037, 1.1
    f = fieller_interval(dc, de, vc, ve, cov, conf_level=0.9)
    for r in f.table[["ci_low", "ci_high"]].iloc[0]:
        t = (dc - r * de) / math.sqrt(vc - 2 * r * cov + r * r * ve)
        assert_allclose(abs(t), stats.norm.isf(0.05), rtol=1e-9)


def test_an_effect_not_different_from_zero_gives_an_unbounded_set_never_a_number():
    exclusive = fieller_interval(100.0, 0.05, 400.0, 0.0009)  # dE/se = 1.67, dC/se = 5
    assert exclusive.kind == "exclusive" and np.isnan(exclusive.table["ci_low"].iloc[0])
    low, high = exclusive.outer
    assert low < 0 < high < 2000
    everything = fieller_interval(10.0, 0.05, 400.0, 0.0009)
    assert everything.kind == "unbounded"
    assert everything.table[["ci_low", "ci_high"]].isna().all(axis=None)


def test_an_impossible_covariance_is_refused():
    with pytest.raises(ValueError, match="not a covariance matrix"):
        fieller_interval(1.0, 1.0, 1.0, 1.0, 2.0)


@settings(max_examples=60, deadline=None)
@given(st.floats(-500, 500), st.floats(0.01, 0.5), st.floats(10, 5e4), st.floats(1e-5, 1e-2),
       st.floats(-0.9, 0.9))
def test_a_bounded_fieller_interval_contains_the_ratio(dc, de, vc, ve, rho):
    f = fieller_interval(dc, de, vc, ve, rho * math.sqrt(vc * ve))
    if f.kind == "bounded":
        low, high = f.table[["ci_low", "ci_high"]].iloc[0]
        assert low <= f.value <= high
    else:  # the effect is not significant: no interval is given
        assert de**2 <= Z**2 * ve * (1 + 1e-9)


# External reference: the icerui R package (T. Snowsill, MIT), README.md at commit
# 96404c2dc6adfe3d1ea68e1dccdd65cc13bb992c (github.com/tristansnowsill/icerui), prints
# `confint(ex_smoking, method = "fieller")` for BCEA's Smoking example (Baio 2012; 500
# simulations, reference "Group counselling" vs each other intervention). Its inputs
# are the means, variances and covariance (R `var`, n - 1) of delta.c and delta.e,
# computed here once from data/Smoking.RData of BCEA 2.3-1.1 (github.com/cran/BCEA,
# commit 3ea6a1b92981a4283c81e6e8223148082b7024c4), the version current in June 2020;
# they reproduce every printed limit. icerui prints an exclusive set (the effect's CI
# includes 0) as (upper, lower): "74.72212 -263.56608" is (-inf, -263.57] U [74.72, inf).
# No published paper with both the inputs and Fieller's limits could be read offline.
ICERUI_PRINTED = 5e-6  # printed to 5 decimals: half a unit in the last place
SMOKING = [  # comparator, dC, dE, var dC, var dE, cov, printed limits, kind
    ("No treatment", 143.30075545759846, 0.7225198125416591, 147.965015725114,
     0.12512412198304068, -0.022721518822252706, (98.26914, 4910.70352), "bounded"),
    ("Self-help", 97.56759487567938, 0.43428023674863775, 162.8564068163477,
     0.16665421354664087, -0.07000155741447253, (-263.56608, 74.72212), "exclusive"),
    ("Individual counselling", 48.381720015177706, 0.23766212991485303, 205.80954811318108,
     0.14382010637759496, 0.08056734987335877, (-82.84373, 37.72638), "exclusive"),
]


@pytest.mark.parametrize(("comparator", "dc", "de", "vc", "ve", "cov", "limits", "kind"),
                         SMOKING)
def test_fieller_reproduces_icerui_on_bcea_smoking(comparator, dc, de, vc, ve, cov, limits,
                                                   kind):
    f = fieller_interval(dc, de, vc, ve, cov)
    assert f.kind == kind, comparator
    ends = f.table[["ci_low", "ci_high"]].iloc[0] if kind == "bounded" else f.outer
    assert_allclose(ends, limits, rtol=0, atol=ICERUI_PRINTED)
