"""Small-cell suppression: primary, secondary, derived statistics."""

import numpy as np
import pandas as pd
import pytest

from evalkit.reporting.disclosure import suppress_small_counts


def test_primary_suppression_hides_counts_below_threshold_but_not_zeros():
    t = pd.DataFrame({"cell": list("abcd"), "n": [0, 1, 9, 10]})
    r = suppress_small_counts(t, "n", threshold=10)
    assert r.table["suppression"].tolist() == ["", "primary", "primary", ""]
    assert np.isnan(r.table["n"].iloc[1]) and np.isnan(r.table["n"].iloc[2])
    assert r.table["n"].iloc[0] == 0 and r.table["n"].iloc[3] == 10
    assert (r.n_primary, r.n_secondary) == (2, 0)


def test_zeros_can_be_suppressed():
    t = pd.DataFrame({"n": [0, 50, 60]})
    r = suppress_small_counts(t, "n", suppress_zeros=True, margins=[[]])
    assert r.table["suppression"].tolist() == ["primary", "secondary", ""]


def test_secondary_suppression_protects_a_single_cell_in_each_margin():
    # Levels of one variable within two programmes; programme totals are published.
    t = pd.DataFrame(
        {
            "programme": ["A"] * 3 + ["B"] * 3,
            "level": ["x", "y", "z"] * 2,
            "n": [4, 30, 20, 12, 15, 40],
        }
    )
    r = suppress_small_counts(t, "n", margins=[["programme"]], derived=[])
    # A: the 4 is primary, the smallest other cell (20) is secondary; B untouched.
    assert r.table["suppression"].tolist() == ["primary", "", "secondary", "", "", ""]


def test_secondary_suppression_runs_until_every_margin_is_safe():
    # A 2x2 table with row and column totals published: one small cell forces a
    # rectangle of four suppressed cells.
    t = pd.DataFrame({"r": [1, 1, 2, 2], "c": [1, 2, 1, 2], "n": [3, 50, 40, 60]})
    r = suppress_small_counts(t, "n", margins=[["r"], ["c"]])
    assert r.table["suppression"].tolist() == ["primary", "secondary", "secondary", "secondary"]
    for margin in ("r", "c"):
        hidden = r.table.groupby(margin)["suppression"].apply(lambda s: (s != "").sum())
        assert set(hidden) <= {0, 2}


def test_derived_statistics_are_blanked_with_their_count():
    t = pd.DataFrame({"n": [5, 50], "percent": [9.1, 90.9], "mean": [30.0, 31.0]})
    r = suppress_small_counts(t, "n", derived=["percent", "mean"])
    assert r.table[["n", "percent", "mean"]].iloc[0].isna().all()
    assert r.table["percent"].iloc[1] == 90.9


def test_bad_counts_and_threshold_raise_clear_errors():
    with pytest.raises(ValueError, match=r"column 'n' must hold non-negative counts.*rows \[1\]"):
        suppress_small_counts(pd.DataFrame({"n": [3, -1]}), "n")
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 0"):
        suppress_small_counts(pd.DataFrame({"n": [3]}), "n", threshold=0)
    with pytest.raises(ValueError, match=r"no column\(s\) \['count'\]"):
        suppress_small_counts(pd.DataFrame({"n": [3]}), "count")
