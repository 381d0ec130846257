"""Restricted mean time and time lost to an exit (evalkit.survival.rmst).

References: lifelines' restricted_mean_survival_time (estimate) and the double sum over
Greenwood's covariance (variance), on the Rossi and UnempDur data (see conftest.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time
from numpy.testing import assert_allclose

from evalkit.survival import (
    cumulative_incidence,
    kaplan_meier,
    restricted_mean_time,
    survival_difference,
)

CLOSED_FORM = 1e-10  # same formula, same data: floating point only


def test_restricted_mean_matches_lifelines_and_greenwood_double_sum(rossi):
    res = restricted_mean_time(rossi, "week", "arrest", horizon=40, group="fin")
    km = kaplan_meier(rossi, "week", "arrest", group="fin")
    for g in (0, 1):
        sub = rossi[rossi.fin == g]
        ll = KaplanMeierFitter().fit(sub.week, sub.arrest)
        got = res.table[res.table.group == g].iloc[0]
        assert_allclose(got.estimate, restricted_mean_survival_time(ll, t=40), rtol=CLOSED_FORM)
        # variance: ∫∫ Cov(S(u), S(v)) du dv with Greenwood's covariance
        tab = km.table[(km.table.group == g) & (km.table.time <= 40)]
        t, s = tab.time.to_numpy(), tab.estimate.to_numpy()
        gw = np.cumsum(tab.n_events / (tab.n_risk * (tab.n_risk - tab.n_events))).to_numpy()
        width = np.diff(np.r_[t, 40.0])
        cov = np.outer(s, s) * gw[np.minimum.outer(np.arange(t.size), np.arange(t.size))]
        assert_allclose(got.std_error**2, width @ cov @ width, rtol=1e-9)
    ratio = res.contrasts[res.contrasts.type == "ratio"].iloc[0]
    a, b = res.table.estimate
    assert_allclose(ratio.estimate, b / a)


def test_restricted_mean_time_lost_adds_up(unempdur):
    # ∫S + Σ_k ∫F_k = τ
    tau = 20.0
    rmst = restricted_mean_time(unempdur, "spell", "exit", horizon=tau).table.estimate[0]
    lost = sum(
        restricted_mean_time(unempdur, "spell", "exit", horizon=tau, cause=c).table.estimate[0]
        for c in ("full_time", "part_time", "unknown_job")
    )
    assert_allclose(rmst + lost, tau, rtol=CLOSED_FORM)


def test_restricted_mean_time_lost_variance_by_numerical_delta_method(unempdur):
    """The O(T) variance equals the delta method with a numerical gradient."""
    from evalkit.survival.nonparametric import aalen_johansen
    from evalkit.survival.risktable import risk_table as rtab

    tau = 15.0
    rt = rtab(unempdur, "spell", "exit")
    t, d, y, _ = rt.subset(0)
    keep = t <= tau
    t, d, y = t[keep], d[keep], y[keep]
    h = d / y[:, None]

    def rmtl(hz):
        hh = hz.sum(axis=1)
        s_prev = np.r_[1.0, np.cumprod(1 - hh)[:-1]]
        f = np.cumsum(s_prev * hz[:, 0])
        return float(f @ np.diff(np.r_[t, tau]))

    grad = np.zeros_like(h)
    for j in range(h.shape[0]):
        for k in range(h.shape[1]):
            up, down = h.copy(), h.copy()
            up[j, k] += 1e-7
            down[j, k] -= 1e-7
            grad[j, k] = (rmtl(up) - rmtl(down)) / 2e-7
    var = sum(grad[j] @ ((np.diag(h[j]) - np.outer(h[j], h[j])) / y[j]) @ grad[j]
              for j in range(h.shape[0]))
    got = restricted_mean_time(unempdur, "spell", "exit", horizon=tau, cause="full_time")
    assert_allclose(got.table.std_error[0] ** 2, var, rtol=1e-6)
    assert aalen_johansen is not None


def test_restricted_mean_beyond_follow_up_raises(rossi):
    with pytest.raises(ValueError, match="beyond the last follow-up time 52"):
        restricted_mean_time(rossi, "week", "arrest", horizon=60)


def test_restricted_mean_horizon_must_be_positive(rossi):
    with pytest.raises(ValueError, match="horizons must be positive"):
        restricted_mean_time(rossi, "week", "arrest", horizon=-1)


def test_weights_that_are_zero_in_all_or_in_a_group_are_refused():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"time": rng.integers(1, 12, 80).astype(float),
                       "event": rng.choice(["job", "censored"], 80),
                       "programme": rng.choice(["A", "B"], 80)})
    with pytest.raises(ValueError, match="weights column 'w' is zero for all 80 rows"):
        restricted_mean_time(df.assign(w=0.0), horizon=6, weights="w")
    in_a = df.assign(w=np.where(df["programme"] == "A", 0.0, 1.0))
    match = r"weights column 'w' is zero for everyone in group\(s\) \['A'\] of 'programme'"
    with pytest.raises(ValueError, match=match):
        restricted_mean_time(in_a, horizon=6, weights="w", group="programme")
    with pytest.raises(ValueError, match=match):
        kaplan_meier(in_a, weights="w", group="programme")
    with pytest.raises(ValueError, match=match):
        cumulative_incidence(in_a, weights="w", group="programme")
    with pytest.raises(ValueError, match=match):
        survival_difference(in_a, group="programme", cause="job", horizons=[3], weights="w")
