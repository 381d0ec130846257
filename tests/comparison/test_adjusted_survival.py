"""IPW-adjusted Kaplan–Meier curves and RMST difference (issue 17, competing exits under
weights): point estimates against lifelines and an independent weighted KM, the stacked
sandwich against a numerical derivative in each row's case weight."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.exceptions import StatisticalWarning
from numpy.testing import assert_allclose

from evalkit._stats.logistic import fit_logistic
from evalkit.comparison import (
    adjusted_kaplan_meier,
    adjusted_restricted_mean_time,
    propensity_score,
    propensity_weights,
)
from evalkit.comparison.adjusted_survival import _arm_curve, _arms, _weighted_km
from evalkit.survival import kaplan_meier, restricted_mean_time, time_to_event
from tests.comparison.samples import CLOSED_FORM_RTOL
from tests.published import assert_safely_published

#: A central difference in a case weight (step 1e-5) against the analytic influence.
NUMERICAL_DERIVATIVE_ATOL = 1e-7


@pytest.fixture(scope="module")
def tte(sample):
    return time_to_event(sample, unit="months").data


@pytest.fixture(scope="module")
def small():
    """300 people, monthly ties, confounding by x, censoring and two exits."""
    rng = np.random.default_rng(17)
    n = 300
    x = rng.normal(size=n)
    treated = rng.random(n) < 1 / (1 + np.exp(-0.8 * x))
    t = np.ceil(rng.exponential(8 * np.exp(0.3 * x - 0.4 * treated)))
    c = rng.integers(3, 25, n)
    exit_ = np.where(rng.random(n) < 0.7, "job", "training")
    df = pd.DataFrame({"x": x, "g": np.where(treated, "T", "C"), "time": np.minimum(t, c),
                       "event": np.where(t <= c, exit_, "censored")})
    return df, propensity_score(df, "g ~ x", treated="T")


def _weighted_km_by_hand(time, event, w, at):
    """Product-limit estimator with weighted counts, written out (the test's oracle)."""
    s = 1.0
    for u in np.unique(time[time <= at]):
        at_risk = w[time >= u].sum()
        s *= 1 - w[(time == u) & event].sum() / at_risk
    return s


def test_adjusted_km_equals_lifelines_and_a_weighted_km_by_hand(tte, ps):
    """Point estimates: lifelines 0.30 KaplanMeierFitter(weights=) (R survfit(weights=),
    adjustedCurves' iptw_km) and the product limit written out."""
    km = adjusted_kaplan_meier(tte, ps)
    w = propensity_weights(ps).weights
    event = (tte["event"] != "censored").to_numpy()
    for label, member in (("DUO for a JOB", ps.treated), ("comparison", ~ps.treated)):
        part = km.table[km.table["group"] == label]
        with pytest.warns(StatisticalWarning, match="weights are not integers"):
            fitter = KaplanMeierFitter().fit(tte["time"][member], event[member],
                                             weights=w[member])
        lifelines = fitter.survival_function_.iloc[1:, 0].to_numpy()  # drops t = 0
        # The last person of the treated arm leaves by a job: S drops to 0 (d = n at risk).
        # lifelines keeps the previous value there (its weighted d/n is 1 - 1e-16, whose
        # log it drops), so the steps where S reaches 0 are compared with the hand oracle.
        positive = part["estimate"].to_numpy() > 0
        assert_allclose(part["estimate"].to_numpy()[positive], lifelines[positive],
                        rtol=CLOSED_FORM_RTOL)
        for horizon in (3.0, 12.0):
            by_hand = _weighted_km_by_hand(tte["time"][member].to_numpy(), event[member],
                                           w[member], horizon)
            at = km.at(horizon)
            assert_allclose(at.loc[at["group"] == label, "estimate"], by_hand, rtol=1e-12)
        assert part["n_risk"].iloc[0] == member.sum()


def test_adjusted_km_estimates_are_survivals_weighted_curves(small):
    df, ps = small
    frame = df.assign(w=propensity_weights(ps, estimand="ATO").weights,
                      arm=np.where(ps.treated, "T", "comparison"))
    for cause in (None, "job"):
        ours = adjusted_kaplan_meier(df, ps, cause=cause, estimand="ATO").table
        theirs = kaplan_meier(frame, group="arm", weights="w", cause=cause).table
        assert_allclose(ours["estimate"], theirs["estimate"], rtol=1e-12)
        assert_allclose(ours["weighted_n_risk"], theirs["n_risk"], rtol=1e-12)


def _perturbed_curve(df, ps, row, h, estimand, label):
    """S of an arm with row's case weight 1 + h, the propensity model refitted with it."""
    counts = np.ones(len(df))
    counts[row] += h
    e = fit_logistic(ps.design, ps.treated.astype(float), weights=counts)[2]
    w = np.where(ps.treated, 1 / e, 1 / (1 - e)) if estimand == "ATE" else \
        np.where(ps.treated, 1 - e, e)
    member = ps.treated if label == "T" else ~ps.treated
    time = df["time"].to_numpy()[member]
    event = (df["event"] != "censored").to_numpy()[member]
    return np.array([_weighted_km_by_hand(time, event, (counts * w)[member], u)
                     for u in (2.0, 6.0, 12.0)])


@pytest.mark.parametrize("estimand", ["ATE", "ATO"])
def test_influence_functions_are_derivatives_in_the_case_weights(small, estimand):
    """The stacked sandwich's influence of row i is dS/dc_i, with the propensity model
    refitted (the M-estimation identity; Stefanski & Boos 2002)."""
    df, ps = small
    arms = _arms(df, ps, "time", "event", None, "censored", estimand, None, None)
    km = _weighted_km(arms)
    rows = [0, 1, int(np.flatnonzero(ps.treated)[5]), int(np.flatnonzero(~ps.treated)[5])]
    for label in ("T", "comparison"):
        curve, influence = _arm_curve(arms, km[km["group"] == label], label)
        steps = np.searchsorted(curve["time"].to_numpy(), [2.0, 6.0, 12.0], side="right") - 1
        for row in rows:
            h = 1e-5
            plus = _perturbed_curve(df, ps, row, h, estimand, "T" if label == "T" else "C")
            minus = _perturbed_curve(df, ps, row, -h, estimand, "T" if label == "T" else "C")
            assert_allclose(influence[row, steps], (plus - minus) / (2 * h),
                            atol=NUMERICAL_DERIVATIVE_ATOL)


def test_rmst_estimates_are_survivals_restricted_means(tte, ps):
    r = adjusted_restricted_mean_time(tte, ps, horizon=12).table
    frame = tte.assign(w=propensity_weights(ps).weights,
                       arm=np.where(ps.treated, "DUO for a JOB", "comparison"))
    theirs = restricted_mean_time(frame, horizon=12, group="arm", weights="w").table
    assert_allclose(r["estimate"][:2], theirs["estimate"], rtol=1e-12)
    assert_allclose(r["estimate"][2], r["estimate"][0] - r["estimate"][1], rtol=1e-12)
    assert r["group"].tolist() == ["DUO for a JOB", "comparison", "difference"]
    low, high = r.loc[2, ["ci_low", "ci_high"]]
    assert low < r["estimate"][2] < high


def test_one_person_clusters_give_the_row_level_variance(small):
    df, ps = small
    one = adjusted_restricted_mean_time(df.assign(id=np.arange(len(df))), ps, horizon=10,
                                        cluster="id")
    rows = adjusted_restricted_mean_time(df, ps, horizon=10)
    assert_allclose(one.table["std_error"], rows.table["std_error"], rtol=1e-12)


def test_adjusted_km_is_published_and_drawn(tte, ps):
    km = adjusted_kaplan_meier(tte, ps)
    out = assert_safely_published(km)
    assert out["time"].max() < km.table["time"].max()  # the tails are cut
    _, ax = plt.subplots()
    assert km.plot(ax=ax, ticks=[0, 6, 12, 18]) is ax
    texts = [t.get_text() for t in ax.texts]
    assert "DUO for a JOB (weighted)" in texts and "comparison (weighted)" in texts
    plt.close("all")
    rmst = adjusted_restricted_mean_time(tte, ps, horizon=12)
    assert_safely_published(rmst)


def test_adjusted_survival_arguments_are_checked(small):
    df, ps = small
    with pytest.raises(ValueError, match=r"horizon 99 is beyond the last follow-up time 19 of"):
        adjusted_restricted_mean_time(df, ps, horizon=99)
    with pytest.raises(ValueError, match=r"cause must be one of \['job', 'training'\], but"):
        adjusted_kaplan_meier(df, ps, cause="work")
    with pytest.raises(ValueError, match="conf_type must be one of"):
        adjusted_kaplan_meier(df, ps, conf_type="log")
    with pytest.raises(ValueError, match="estimand must be one of"):
        adjusted_kaplan_meier(df, ps, estimand="ATU")
    with pytest.raises(ValueError, match="horizons must be positive numbers"):
        adjusted_kaplan_meier(df, ps).at(0)
    with pytest.raises(ValueError, match="rows"):
        adjusted_kaplan_meier(df.iloc[:10], ps)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(20, 60),
       estimand=st.sampled_from(["ATE", "ATT", "ATO"]))
def test_constant_weights_give_greenwood(seed, n, estimand):
    """An intercept-only propensity model weighs each arm by a constant: the adjusted
    curves are the unweighted Kaplan–Meier curves and the stacked sandwich is Greenwood's
    variance (the infinitesimal jackknife of the product limit, the score term vanishing)."""
    rng = np.random.default_rng(seed)
    g = np.where(np.arange(n) < n // 3, "T", "C")
    df = pd.DataFrame({"g": g, "time": rng.integers(1, 8, n).astype(float),
                       "event": np.where(rng.random(n) < 0.7, "job", "censored")})
    ps = propensity_score(df, "g ~ 1", treated="T")
    ours = adjusted_kaplan_meier(df, ps, estimand=estimand).table
    plain = kaplan_meier(df.assign(arm=np.where(g == "T", "T", "comparison")), group="arm").table
    assert_allclose(ours["estimate"], plain["estimate"], rtol=1e-12)
    assert_allclose(ours["std_error"], plain["std_error"], rtol=1e-9, atol=1e-12)


def test_adjusted_km_plot_in_the_language(tte, ps):
    _, ax = plt.subplots()
    adjusted_kaplan_meier(tte, ps).plot(ax=ax, ticks=[0, 6, 12, 18], language="fr")
    texts = [t.get_text() for t in ax.texts]
    assert "DUO for a JOB (pondéré)" in texts and "à risque" in texts
    assert ax.get_ylabel().startswith("toujours en recherche (pondération ")
    plt.close("all")
