"""Properties of the nonparametric curves on any small data (hypothesis).

For random data with tied times, censoring, two competing exits, and optionally case
weights and late entry: the Kaplan–Meier curve is non-increasing and within [0, 1],
with confidence limits around it; the cumulative incidences of the exits sum to at
most 1 at every time and, without late entry, to 1 − KM of any exit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from evalkit.survival import cumulative_incidence, kaplan_meier

EXITS = ["job", "training", "censored"]
ROUNDING = 1e-12  # sums and products of at most 30 probabilities


@st.composite
def survival_data(draw) -> tuple[pd.DataFrame, str | None, str | None]:
    """Rows of (time, event[, w][, entry]); the names of the weights and entry columns."""
    n = draw(st.integers(1, 30))
    late = draw(st.booleans())
    weighted = draw(st.booleans())
    low = 1 if late else 0  # an entry must come before the exit
    time = draw(st.lists(st.integers(low, 8), min_size=n, max_size=n))
    event = draw(st.lists(st.sampled_from(EXITS), min_size=n, max_size=n))
    assume(any(e != "censored" for e in event))
    df = pd.DataFrame({"time": np.array(time, dtype=float), "event": event})
    if weighted:
        w = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5]), min_size=n, max_size=n))
        df["w"] = [1.0, *w[1:]]  # at least one row counts
    if late:
        share = draw(st.lists(st.floats(0, 0.99), min_size=n, max_size=n))
        df["entry"] = np.floor(df["time"] * np.array(share))
    return df, "w" if weighted else None, "entry" if late else None


@settings(max_examples=100, deadline=None)
@given(survival_data())
def test_kaplan_meier_is_a_non_increasing_probability_inside_its_limits(case):
    df, weights, entry = case
    t = kaplan_meier(df, weights=weights, entry=entry).table
    s = t["estimate"].to_numpy()
    assert ((s >= 0) & (s <= 1)).all()
    assert (np.diff(s) <= ROUNDING).all()
    low, high = t["ci_low"].to_numpy(), t["ci_high"].to_numpy()
    shown = ~np.isnan(low)  # no limits once the curve has reached 0
    assert (low[shown] <= s[shown] + ROUNDING).all() and (s[shown] <= high[shown] + ROUNDING).all()
    assert ((low[shown] >= 0) & (high[shown] <= 1)).all()


@settings(max_examples=100, deadline=None)
@given(survival_data())
def test_cumulative_incidences_sum_to_at_most_one_and_to_one_minus_km(case):
    df, weights, entry = case
    cif = cumulative_incidence(df, weights=weights, entry=entry).table
    total = cif.groupby("time")["estimate"].sum()
    assert (total <= 1 + ROUNDING).all()
    assert (cif["estimate"] >= 0).all()
    if entry is None:
        km = kaplan_meier(df, weights=weights).table.set_index("time")["estimate"]
        assert_allclose(total.to_numpy(), 1 - km.loc[total.index].to_numpy(), atol=ROUNDING)


def test_a_cumulative_incidence_of_one_but_for_rounding_has_the_interval_of_one():
    # found by the property above in CI: weights summing to 1 - 2e-16 left an SE of
    # 1.5e-8 (rounding), whose log-log interval overflowed; the estimate is 1, and so
    # is its interval, as at exactly 1
    df = pd.DataFrame({"time": [1.0, 2, 0, 0, 0, 0, 0, 0], "event": ["job"] * 8,
                       "w": [1, 1, 0, 0, 0, 0, 0.5, 1.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = cumulative_incidence(df, weights="w").table
    last = table.iloc[-1]
    assert last["estimate"] == pytest.approx(1, abs=1e-12)
    assert (last["ci_low"], last["ci_high"]) == (1.0, 1.0)
    assert (table["ci_low"] <= table["estimate"] + ROUNDING).all()
