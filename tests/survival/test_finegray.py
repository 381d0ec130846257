"""The Fine–Gray model (evalkit.survival.finegray); its coverage is checked by
simulation in test_simulation.py."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from evalkit.survival import cox_model, fine_gray_model

ITERATIVE = 1e-8  # Newton fits against another Newton fit
ITERATIVE_SE = 1e-6


def test_fine_gray_without_competing_events_is_cox(rossi):
    df = rossi.assign(e=rossi.arrest.map({1: "arrest", 0: "censored"}))
    fg = fine_gray_model(df, "week", "e", "fin + age", cause="arrest")
    cox = cox_model(rossi, "week", "arrest", "fin + age", ties="breslow", robust=True)
    assert_allclose(fg.table.log_hr, cox.table.log_hr, rtol=ITERATIVE)
    assert_allclose(fg.table.std_error, cox.table.std_error, rtol=ITERATIVE_SE)


def test_fine_gray_errors(rossi):
    df = rossi.assign(e=rossi.arrest.map({1: "arrest", 0: "censored"}))
    with pytest.raises(ValueError, match="cause must be one or several of the event types"):
        fine_gray_model(df, "week", "e", "fin", cause="job")
    with pytest.raises(TypeError):
        fine_gray_model(df, "week", "e", "fin")  # cause is required
    with pytest.raises(ValueError, match="cluster column 'site' has missing values"):
        fine_gray_model(df.assign(site=np.where(df.index == 0, None, "a")), "week", "e", "fin",
                        cause="arrest", cluster="site")


def test_weighted_fine_gray_equals_replicated_rows_clustered_by_row(unempdur):
    """Integer case weights = each row repeated w times, the copies one cluster (the
    weighted censoring curve, risk sets and events, and R's weighted dfbeta sandwich)."""
    d = unempdur.iloc[::3].reset_index(drop=True)
    w = (np.arange(len(d)) % 3 + 1).astype(float)
    weighted = fine_gray_model(d.assign(w=w), "spell", "exit", "age + ui", cause="full_time",
                               weights="w")
    copies = d.assign(row=np.arange(len(d))).loc[d.index.repeat(w.astype(int))]
    replicated = fine_gray_model(copies, "spell", "exit", "age + ui", cause="full_time",
                                 cluster="row")
    assert_allclose(weighted.table.log_hr, replicated.table.log_hr, rtol=ITERATIVE)
    assert_allclose(weighted.table.std_error, replicated.table.std_error, rtol=ITERATIVE_SE)
    assert_allclose(weighted.loglik, replicated.loglik, rtol=1e-10)
    unit = fine_gray_model(d.assign(w=1.0), "spell", "exit", "age + ui", cause="full_time",
                           weights="w")
    plain = fine_gray_model(d, "spell", "exit", "age + ui", cause="full_time")
    assert_allclose(unit.table.log_hr, plain.table.log_hr, rtol=1e-12)
    assert_allclose(unit.table.std_error, plain.table.std_error, rtol=1e-12)
    assert np.isnan(plain.concordance)
    assert list(plain.global_tests.test) == ["likelihood_ratio", "wald", "score"]


def test_weighted_fine_gray_leaves_out_zero_weights_and_refuses_bad_ones(unempdur):
    d = unempdur.iloc[::3].reset_index(drop=True)
    w = np.where(d.index % 4 == 0, 0.0, 1.0)
    fit = fine_gray_model(d.assign(w=w), "spell", "exit", "age", cause="full_time", weights="w")
    alone = fine_gray_model(d[w > 0], "spell", "exit", "age", cause="full_time")
    assert_allclose(fit.table.log_hr, alone.table.log_hr, rtol=1e-12)
    assert fit.n == alone.n
    with pytest.raises(ValueError, match="weights column 'w' must be finite and non-negative"):
        fine_gray_model(d.assign(w=-1.0), "spell", "exit", "age", cause="full_time", weights="w")
    with pytest.raises(ValueError, match="weights column 'w' is zero for all"):
        fine_gray_model(d.assign(w=0.0), "spell", "exit", "age", cause="full_time", weights="w")
