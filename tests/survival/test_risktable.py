"""The risk table (evalkit.survival.risktable): from rows, from released counts, binning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from evalkit.survival import (
    cumulative_incidence,
    kaplan_meier,
    logrank_test,
    risk_table,
    risk_table_from_counts,
)
from evalkit.survival.risktable import _count_cells, _nonnegative_max, whole_number_codes

CLOSED_FORM = 1e-10  # same formula, same data: floating point only


def test_risk_table_from_rows_equals_from_counts(unempdur):
    rows = risk_table(unempdur, "spell", "exit")
    counts = rows.table.rename(columns={"n_events": "n"})
    again = risk_table_from_counts(counts, "time", "cause", "n")
    assert_allclose(again.n_risk, rows.n_risk)
    assert_allclose(again.events, rows.events)
    a = cumulative_incidence(unempdur, "spell", "exit").table
    b = cumulative_incidence(again).table
    assert_allclose(a["estimate"], b["estimate"], rtol=CLOSED_FORM)
    assert_allclose(a["std_error"], b["std_error"], rtol=CLOSED_FORM)


def test_risk_table_non_integer_times_and_late_entry():
    df = pd.DataFrame({"t": [0.5, 1.5, 1.5, 2.25], "e": [1, 0, 1, 1], "entry": [0, 0, 1.0, 1.6]})
    rt = risk_table(df, "t", "e", entry="entry")
    assert_allclose(rt.times, [0.5, 1.5, 2.25])
    # at 0.5: rows 0,1 (row 2 enters at 1.0, row 3 at 1.6); at 1.5: rows 1,2; at 2.25: row 3
    assert_allclose(rt.n_risk[0], [2, 2, 1])


def test_nonnegative_max_detects_negative_and_missing_values_in_one_pass():
    assert _nonnegative_max(np.array([0.0, 3.5, 2.0])) == 3.5
    assert _nonnegative_max(np.array([0.0, np.inf])) == np.inf
    for bad in ([1.0, -2.0], [1.0, np.nan], [1.0, -np.inf], [-0.0, 1.0]):
        assert _nonnegative_max(np.array(bad)) is None  # -0.0: the caller checks the min
    assert _nonnegative_max(np.array([0, 7, 3])) == 7
    assert _nonnegative_max(np.array([0, -1, 3])) is None
    assert _nonnegative_max(np.array([2, 5], dtype=np.int32)) == 5
    assert _nonnegative_max(np.array([2.0, np.nan], dtype=np.float32)) is None


def test_risk_table_time_and_code_edge_cases(rossi):
    # -0.0 is a valid time; integer group codes with an offset or negative codes keep
    # their labels; rows are counted the same whatever the layout
    rt = risk_table(pd.DataFrame({"t": [-0.0, 1.0, 1.0], "e": [1, 0, 1]}), "t", "e")
    assert_allclose(rt.n_risk, [[3, 2]])
    base = risk_table(rossi, "week", "arrest", group="fin")
    for shift in (5, -1):
        shifted = risk_table(rossi.assign(fin=rossi.fin + shift), "week", "arrest", group="fin")
        assert shifted.groups == (shift, 1 + shift)
        assert_allclose(shifted.n_risk, base.n_risk)
        assert_allclose(shifted.events, base.events)
    with pytest.raises(ValueError, match="negative codes"):
        risk_table(rossi.assign(arrest=-rossi.arrest), "week", "arrest")
    with pytest.raises(ValueError, match="1 missing value"):
        risk_table(rossi.assign(week=rossi.week.where(rossi.index != 3)), "week", "arrest")


def _plain_whole_number_codes(t: np.ndarray) -> np.ndarray | None:
    """The obviously correct conversion: whole numbers in [0, 2**52) to int64, else None."""
    whole = (t >= 0) & (t < 2.0**52) & (np.trunc(t) == t)
    return t.astype(np.int64) if whole.all() else None


def _assert_same_as_plain(t: np.ndarray) -> None:
    expected = _plain_whole_number_codes(t)
    got = whole_number_codes(t)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.dtype == np.int64
        assert_array_equal(got, expected)
    again = whole_number_codes(t, out=np.empty(t.size))  # into a buffer, as the binning does
    assert (again is None) == (expected is None)


@pytest.mark.parametrize(
    "values",
    [
        [0.0, 1.0, 2.0, 730.0, 12345.0],  # whole
        [2.0**52 - 1, 2.0**51, 2.0**51 + 1, 2.0**40 + 3],  # whole, near the top of the range
        [-0.0, 0.0, 5.0],  # negative zero is zero
        [],  # nothing to convert
        [3.0, 3.0 + 2.0**-30],  # near-whole: must not be rounded to 3
        [1.0, 1 - 2.0**-53],  # the double just below 1
        [2.0**51 + 0.5, 1.0],  # a half near the top of the range
        [5e-324, 1.0],  # subnormal
        [2.2250738585072014e-308, 1.0],  # smallest normal
        [2.0**52],  # huge: t + 2**52 is exact but leaves the binade
        [2.0**52 + 2],
        [2.0**53, 1.0],
        [1e300],
        [np.inf],
        [-np.inf],
        [np.nan, 1.0],
        [-1.0, 2.0],  # negative whole: t + 2**52 is exact but below the binade
        [-(2.0**52)],
        [-1e300],
    ],
)
def test_whole_number_codes_equals_the_plain_conversion(values):
    _assert_same_as_plain(np.array(values, dtype=float))


def test_whole_number_codes_on_random_times():
    rng = np.random.default_rng(7)
    n = 100_000
    whole = rng.integers(0, 2**52, n).astype(float)
    days = np.ceil(rng.exponential(300, n))
    _assert_same_as_plain(whole)
    _assert_same_as_plain(days)
    for t in (whole, days):
        for i, bump in ((17, 0.5), (n - 1, 2.0**-20), (0, 5e-324)):
            off = t.copy()
            off[i] += bump
            _assert_same_as_plain(off)


@pytest.mark.parametrize("bump", [1e-12, 0.5, 2.0**-30, 5e-324])
def test_direct_binning_matches_sorting_and_sends_near_whole_times_to_sorting(bump):
    # Whole times are binned directly (whole_number_codes); a time a hair off a whole
    # number must not be rounded into its neighbour's bin
    rng = np.random.default_rng(3)
    t = rng.integers(0, 40, 5_000).astype(float)
    codes, groups = rng.integers(0, 3, t.size), rng.integers(0, 2, t.size)
    args = (0.0, t.max(), codes, groups, 2, 3, None)
    direct, _, grid, _, _ = _count_cells(t, *args)
    sorted_, _, grid_s, _, _ = _count_cells(t, *args, direct=False)
    assert_array_equal(grid, grid_s)
    assert_array_equal(direct, sorted_)
    t[[7, 4_321]] += bump
    rt = risk_table(pd.DataFrame({"t": t, "e": codes, "g": groups}), "t", "e", group="g")
    assert_array_equal(rt.times, np.unique(t))
    assert rt.n_risk[:, 0].sum() == t.size
    assert rt.events.sum() + rt.censored.sum() == t.size


def test_risk_table_errors(rossi):
    with pytest.raises(ValueError, match="has no column"):
        kaplan_meier(rossi, "weeks", "arrest")
    with pytest.raises(ValueError, match="negative values"):
        kaplan_meier(rossi.assign(week=-rossi.week), "week", "arrest")
    with pytest.raises(ValueError, match="entry times must be before exit times"):
        kaplan_meier(rossi.assign(e=rossi.week), "week", "arrest", entry="e")
    with pytest.raises(ValueError, match=r"weights column 'w' must be finite and non-negative"):
        risk_table(rossi.assign(w=np.where(rossi.index == 3, -1.0, 1.0)), "week", "arrest",
                   weights="w")
    with pytest.raises(ValueError, match=r"weights column 'w' must be finite and non-negative"):
        risk_table(rossi.assign(w=np.where(rossi.index == 3, np.inf, 1.0)), "week", "arrest",
                   weights="w")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        risk_table(rossi.to_numpy(), "week", "arrest")


def test_released_counts_worked_example_of_the_docs():
    """docs/register-scale.md: a register's release of jobs and censorings by month."""
    release = pd.DataFrame({
        "programme": ["coaching"] * 6 + ["usual"] * 6,
        "month": [3, 3, 6, 6, 12, 12] * 2,
        "cause": ["job", "censored"] * 6,
        "n_events": [120, 40, 95, 35, 80, 230, 90, 45, 70, 40, 75, 280],
    })
    rt = risk_table_from_counts(release, "month", "cause", "n_events", group="programme")
    at = cumulative_incidence(rt).at([3, 6, 12])
    assert_allclose(at["n_risk"], [600, 440, 310, 600, 465, 355])
    # closed form: 120/600; 0.2 + 0.8 * 95/440; ... as printed in the docs (4 decimals)
    assert_allclose(at["estimate"], [0.2, 0.2 + 0.8 * 95 / 440, 0.534604, 0.15,
                                     0.15 + 0.85 * 70 / 465, 0.430501], atol=5e-7)
    assert_allclose(logrank_test(rt, group="programme").table["statistic"], 13.193931,
                    atol=5e-7)
