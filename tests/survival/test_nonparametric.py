"""Kaplan–Meier and Aalen–Johansen curves (evalkit.survival.nonparametric).

References: lifelines' KaplanMeierFitter and AalenJohansenFitter, statsmodels'
SurvfuncRight, scikit-survival's cumulative_incidence_competing_risks, on the Rossi,
UnempDur (see conftest.py) and Waltons (lifelines.datasets.load_waltons: two groups,
medians reached) data.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_waltons
from lifelines.utils import qth_survival_times
from numpy.testing import assert_allclose
from statsmodels.duration.survfunc import SurvfuncRight

from evalkit.survival import cumulative_incidence, kaplan_meier

CLOSED_FORM = 1e-10  # same formula, same data: floating point only


def test_unit_weights_equal_unweighted(unempdur):
    a = cumulative_incidence(unempdur, "spell", "exit").table
    b = cumulative_incidence(unempdur.assign(w=1.0), "spell", "exit", weights="w").table
    assert_allclose(a[["estimate", "std_error"]], b[["estimate", "std_error"]], rtol=CLOSED_FORM)
    k1 = kaplan_meier(unempdur, "spell", "exit").table
    k2 = kaplan_meier(unempdur.assign(w=1.0), "spell", "exit", weights="w").table
    assert_allclose(k1[["estimate", "std_error"]], k2[["estimate", "std_error"]], rtol=CLOSED_FORM)


def test_integer_weights_give_replicated_estimates(rossi):
    w = (np.arange(len(rossi)) % 3 + 1).astype(float)
    weighted = kaplan_meier(rossi.assign(w=w), "week", "arrest", weights="w").table
    replicated = kaplan_meier(rossi.loc[rossi.index.repeat(w.astype(int))], "week", "arrest")
    assert_allclose(weighted["estimate"], replicated.table["estimate"], rtol=CLOSED_FORM)


def test_kaplan_meier_matches_lifelines_and_statsmodels(rossi):
    km = kaplan_meier(rossi, "week", "arrest", group="fin")
    for g in (0, 1):
        sub = rossi[rossi.fin == g]
        tab = km.table[km.table.group == g]
        ll = KaplanMeierFitter().fit(sub.week, sub.arrest)
        assert_allclose(tab.estimate, ll.survival_function_.loc[tab.time].iloc[:, 0],
                        rtol=CLOSED_FORM)
        ci = ll.confidence_interval_.loc[tab.time].to_numpy()
        assert_allclose(tab.ci_low, ci[:, 0], rtol=CLOSED_FORM)
        assert_allclose(tab.ci_high, ci[:, 1], rtol=CLOSED_FORM)
        sm = SurvfuncRight(sub.week, sub.arrest)
        with_events = tab[tab.n_events > 0]
        assert_allclose(with_events.time, sm.surv_times)
        assert_allclose(with_events.std_error, sm.surv_prob_se, rtol=CLOSED_FORM)


def test_kaplan_meier_median_and_ci_match_lifelines():
    w = load_waltons()
    km = kaplan_meier(w, "T", "E", group="group")
    for g, sub in w.groupby("group"):
        ll = KaplanMeierFitter().fit(sub["T"], sub["E"])
        q = km.quantiles[(km.quantiles.group == g) & (km.quantiles["quantile"] == 0.5)].iloc[0]
        assert q.estimate == ll.median_survival_time_
        with warnings.catch_warnings():  # lifelines notes it reads its own step function
            warnings.simplefilter("ignore")
            lims = qth_survival_times(0.5, ll.confidence_interval_).to_numpy()[0]
        assert_allclose([q.ci_low, q.ci_high], lims)


def test_one_minus_km_is_cumulative_incidence_of_any_exit(unempdur):
    km = kaplan_meier(unempdur, "spell", "exit")
    any_exit = unempdur.assign(e=(unempdur.exit != "censored").astype(int))
    cif = cumulative_incidence(any_exit, "spell", "e")
    assert_allclose(cif.table.estimate, km.failure_table.estimate, atol=1e-14)
    # the delta-method variance reduces to Greenwood's with one exit
    assert_allclose(cif.table.std_error, km.table.std_error, rtol=1e-9, atol=1e-15)


def test_kaplan_meier_zero_events_in_a_group():
    df = pd.DataFrame({"time": [1, 2, 3, 4], "event": [0, 0, 1, 1], "g": ["a", "a", "b", "b"]})
    km = kaplan_meier(df, group="g")
    assert (km.table[km.table.group == "a"].estimate == 1).all()
    assert km.quantiles[km.quantiles.group == "a"].estimate.isna().all()


def test_cumulative_incidence_matches_scikit_survival(unempdur):
    from sksurv.nonparametric import cumulative_incidence_competing_risks

    codes = unempdur.exit.map({"censored": 0, "full_time": 1, "part_time": 2, "unknown_job": 3})
    times, est, ci = cumulative_incidence_competing_risks(
        codes.to_numpy(), unempdur.spell.to_numpy(), conf_type="log-log", var_type="Dinse_Approx"
    )
    res = cumulative_incidence(unempdur, "spell", "exit")
    for k, cause in enumerate(["full_time", "part_time", "unknown_job"], start=1):
        tab = res.table[res.table.cause == cause]
        assert_allclose(tab.time, times)
        assert_allclose(tab.estimate, est[k], rtol=CLOSED_FORM)
        assert_allclose(tab.ci_low, ci[k, 0], rtol=CLOSED_FORM)
        assert_allclose(tab.ci_high, ci[k, 1], rtol=CLOSED_FORM)


def test_cumulative_incidence_variance_matches_dinse_larson(unempdur):
    import sksurv.nonparametric as skn

    codes = unempdur.exit.map({"censored": 0, "full_time": 1, "part_time": 2, "unknown_job": 3})
    t = unempdur.spell.to_numpy()
    _, est = skn.cumulative_incidence_competing_risks(codes.to_numpy(), t)
    _, n_ev, n_risk, _ = skn._compute_counts(codes.to_numpy(), t)
    s_prev = np.r_[1.0, 1 - est[0, :-1]]
    var = skn._var_dinse_approx(n_ev, s_prev, n_risk, est)
    res = cumulative_incidence(unempdur, "spell", "exit")
    for k, cause in enumerate(["full_time", "part_time", "unknown_job"]):
        se = res.table[res.table.cause == cause].std_error
        assert_allclose(se**2, var[k], rtol=1e-9)


def test_cumulative_incidence_sums_to_one_minus_km(unempdur):
    res = cumulative_incidence(unempdur, "spell", "exit", group="ui")
    km = kaplan_meier(unempdur, "spell", "exit", group="ui")
    total = res.table.groupby(["group", "time"], sort=False).estimate.sum().to_numpy()
    assert_allclose(total, 1 - km.table.estimate.to_numpy(), atol=1e-14)


def test_cumulative_incidence_differs_from_lifelines_only_by_jitter(unempdur):
    from lifelines import AalenJohansenFitter

    untied = unempdur.assign(spell=unempdur.spell + np.arange(len(unempdur)) * 1e-6)
    code = (untied.exit == "full_time").astype(int) + 2 * (untied.exit == "part_time") + 3 * (
        untied.exit == "unknown_job"
    )
    ours = cumulative_incidence(untied, "spell", "exit").table.query("cause == 'full_time'")
    ll = AalenJohansenFitter(calculate_variance=False).fit(untied.spell, code, 1)
    ref = ll.cumulative_density_.loc[ours.time].iloc[:, 0]
    assert_allclose(ours.estimate, ref, rtol=CLOSED_FORM)


# ---------------------------------------------------------------- estimates at given times

AT_COLUMNS = ["group", "time", "n_risk", "estimate", "std_error", "ci_low", "ci_high"]


def _assert_last_steps(got: pd.DataFrame, part: pd.DataFrame, times, start: float) -> None:
    """Each row of ``got`` holds the curve ``part`` at its last step at or before the time;
    before the first step, ``start`` with SE 0."""
    for t, (_, row) in zip(times, got.iterrows(), strict=True):
        before = part[part["time"] <= t]
        expected = (
            pd.Series({"estimate": start, "std_error": 0.0, "ci_low": start, "ci_high": start})
            if before.empty
            else before.iloc[-1]
        )
        for c in ("estimate", "std_error", "ci_low", "ci_high"):
            assert row[c] == expected[c]


def test_kaplan_meier_at_matches_the_table_and_lifelines(rossi):
    km = kaplan_meier(rossi, "week", "arrest", group="fin")
    times = [0.25, 0.5, 1.0, 10.0, 10.5, 52.0, 60.0]
    at = km.at(times)
    assert list(at.columns) == AT_COLUMNS
    assert at["group"].tolist() == [0] * 7 + [1] * 7
    assert at["time"].tolist() == times * 2
    for g in (0, 1):
        sub = rossi[rossi.fin == g]
        got = at[at.group == g]
        ll = KaplanMeierFitter().fit(sub.week, sub.arrest)
        assert_allclose(got.estimate, ll.survival_function_at_times(times), rtol=CLOSED_FORM)
        assert_allclose(got.estimate, ll.predict(times), rtol=CLOSED_FORM)
        # at risk at t: everyone whose time is t or later (no late entry here)
        assert got.n_risk.tolist() == [float((sub.week >= t).sum()) for t in times]
        _assert_last_steps(got, km.table[km.table.group == g], times, start=1.0)


def test_kaplan_meier_at_one_number_and_an_event_time(rossi):
    km = kaplan_meier(rossi, "week", "arrest")
    one = km.at(20)
    assert one.shape == (1, 7)
    pd.testing.assert_frame_equal(one, km.at([20.0]))
    row = km.table[km.table.time == 20].iloc[0]
    assert one.estimate[0] == row.estimate
    assert one.n_risk[0] == row.n_risk  # at an event time: the number at risk just before it


def test_cumulative_incidence_at_matches_the_table(unempdur):
    cif = cumulative_incidence(unempdur, "spell", "exit", group="ui")
    times = [0.5, 1.0, 3.0, 3.5, 28.0, 100.0]
    at = cif.at(times)
    columns = ["group", "cause", "time", "n_risk", "estimate", "std_error", "ci_low", "ci_high"]
    assert list(at.columns) == columns
    assert len(at) == 2 * 3 * len(times)
    for (g, c), got in at.groupby(["group", "cause"], sort=False):
        part = cif.table[(cif.table.group == g) & (cif.table.cause == c)]
        sub = unempdur[unempdur.ui == g]
        assert got.time.tolist() == times
        assert got.n_risk.tolist() == [float((sub.spell >= t).sum()) for t in times]
        _assert_last_steps(got, part, times, start=0.0)
    one = cif.at(6)
    assert list(one.columns) == columns and len(one) == 6
    pd.testing.assert_frame_equal(one, cif.at([6.0]))


def test_at_errors(rossi):
    km = kaplan_meier(rossi, "week", "arrest")
    with pytest.raises(ValueError, match="horizons must be positive"):
        km.at(-1)
    with pytest.raises(ValueError, match="horizons must be positive"):
        km.at(0)
    with pytest.raises(ValueError, match="horizons must be positive"):
        cumulative_incidence(rossi, "week", "arrest").at([3, np.nan])


# ---------------------------------------------------------------- errors and plots


def test_kaplan_meier_errors(rossi):
    with pytest.raises(ValueError, match="conf_level must be a float in the range"):
        kaplan_meier(rossi, "week", "arrest", conf_level=95)
    with pytest.raises(ValueError, match="cause must be one or several of the event types"):
        kaplan_meier(rossi, "week", "arrest", cause="job")
    with pytest.raises(ValueError, match="conf_type must be one of"):
        cumulative_incidence(rossi, "week", "arrest", conf_type="log")


def test_plots_return_axes(unempdur):
    import matplotlib.pyplot as plt

    ax = kaplan_meier(unempdur, "spell", "exit", group="ui").plot()
    assert ax.get_ylabel()
    ax = cumulative_incidence(unempdur, "spell", "exit", group="ui").plot(kind="stacked")
    assert ax.get_title() == "no"
    _, given = plt.subplots()
    assert kaplan_meier(unempdur, "spell", "exit").plot(ax=given, kind="failure") is given
    assert cumulative_incidence(unempdur, "spell", "exit").plot(ax=given) is given
    plt.close("all")


def test_a_dutch_cumulative_incidence_figure_draws_dutch_words():
    """Issue 16: exits, axis labels and the at-risk row in the report's language."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(3)
    data = pd.DataFrame({"time": rng.integers(1, 24, 200).astype(float),
                         "event": rng.choice(["job", "training", "censored"], 200),
                         "group": np.repeat(["A", "B"], 100)})
    cif = cumulative_incidence(data, group="group")
    ax = cif.plot(language="nl")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("tijd", "cumulatieve incidentie")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["werk: A", "opleiding of studie: A", "werk: B", "opleiding of studie: B"]
    assert "aantal at risk" in [t.get_text() for t in ax.texts]
    ax = cif.plot(kind="stacked", group="B", language="nl")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["werk", "opleiding of studie"]
    plt.close("all")
