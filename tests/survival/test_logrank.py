"""Log-rank tests (evalkit.survival.tests.logrank_test).

References: statsmodels' survdiff (weight types and strata) and lifelines'
multivariate_logrank_test, on the Rossi and UnempDur data (see conftest.py).
"""

from __future__ import annotations

import pandas as pd
import pytest
from lifelines.statistics import multivariate_logrank_test
from numpy.testing import assert_allclose
from statsmodels.duration.survfunc import survdiff

from evalkit.survival import logrank_test, risk_table, risk_table_from_counts

CLOSED_FORM = 1e-10  # same formula, same data: floating point only


@pytest.mark.parametrize(
    ("weights", "sm_kind", "extra"),
    [("logrank", None, {}), ("wilcoxon", "gb", {}), ("tarone-ware", "tw", {}),
     ("fleming-harrington", "fh", {"fh_p": 0.5})],
)
def test_logrank_matches_statsmodels(rossi, weights, sm_kind, extra):
    ours = logrank_test(rossi, "week", "arrest", group="fin", weights=weights, p=0.5)
    ref, p = survdiff(rossi.week, rossi.arrest, rossi.fin, weight_type=sm_kind, **extra)
    assert_allclose(ours.table.statistic[0], ref, rtol=CLOSED_FORM)
    assert_allclose(ours.table.p_value[0], p, rtol=1e-8)
    assert (ours.statistic, ours.p_value) == (ours.table.statistic[0], ours.table.p_value[0])
    assert_allclose(ours.group_table["observed_minus_expected"].sum(), 0, atol=1e-9)
    assert ours.groups == (0, 1)

def test_stratified_logrank_matches_statsmodels(rossi):
    ours = logrank_test(rossi, "week", "arrest", group="fin", strata="race")
    ref, _ = survdiff(rossi.week, rossi.arrest, rossi.fin, strata=rossi.race)
    assert_allclose(ours.table.statistic[0], ref, rtol=CLOSED_FORM)


def test_multigroup_logrank_matches_lifelines(rossi):
    df = rossi.assign(p3=rossi.prio.clip(0, 3))
    ours = logrank_test(df, "week", "arrest", group="p3", weights="fleming-harrington", p=1, q=1)
    ref = multivariate_logrank_test(df.week, df.p3, df.arrest, weightings="fleming-harrington",
                                    p=1, q=1)
    assert_allclose(ours.table.statistic[0], ref.test_statistic, rtol=CLOSED_FORM)
    assert ours.table.df[0] == 3


def test_logrank_swap_groups_same_statistic(rossi):
    a = logrank_test(rossi, "week", "arrest", group="fin").table.statistic[0]
    b = logrank_test(rossi.assign(fin=1 - rossi.fin), "week", "arrest", group="fin")
    assert_allclose(a, b.table.statistic[0], rtol=CLOSED_FORM)


def test_cause_specific_logrank_equals_collapsed_event(unempdur):
    a = logrank_test(unempdur, "spell", "exit", group="ui", cause="full_time")
    b = logrank_test(unempdur.assign(e=(unempdur.exit == "full_time").astype(int)), "spell", "e",
                     group="ui")
    assert_allclose(a.table.statistic[0], b.table.statistic[0], rtol=CLOSED_FORM)


def _counts_by_stratum(rows, time, event, group, strata):
    """One risk table per stratum from aggregated counts, as a register would release them."""
    counts = (
        rows.assign(cause=rows[event].map({0: "censored", 1: "arrest"}))
        .groupby([strata, group, time, "cause"]).size().rename("n_events").reset_index()
    )
    return [
        risk_table_from_counts(part, time, "cause", "n_events", group=group)
        for _, part in counts.groupby(strata)
    ]


def test_stratified_logrank_from_released_counts_equals_rows(rossi):
    tables = _counts_by_stratum(rossi, "week", "arrest", "fin", "race")
    from_counts = logrank_test(tables)
    from_rows = logrank_test(rossi, "week", "arrest", group="fin", strata="race")
    assert_allclose(from_counts.table.statistic[0], from_rows.table.statistic[0], rtol=1e-12)
    pd.testing.assert_frame_equal(from_counts.group_table, from_rows.group_table)
    assert from_counts.groups == from_rows.groups == (0, 1)
    with pytest.raises(ValueError, match="strata names a column of row-level data"):
        logrank_test(tables, strata="race")


def test_logrank_errors(rossi):
    with pytest.raises(ValueError, match="group is required"):
        logrank_test(rossi, "week", "arrest")
    with pytest.raises(ValueError, match="does not take case weights"):
        logrank_test(risk_table(rossi.assign(w=2.0), "week", "arrest", group="fin",
                                weights="w"))
    with pytest.raises(ValueError, match="the log-rank test needs at least 2 groups"):
        logrank_test(rossi.assign(one="x"), "week", "arrest", group="one")
    with pytest.raises(ValueError, match="weights must be one of"):
        logrank_test(rossi, "week", "arrest", group="fin", weights="gehan")
