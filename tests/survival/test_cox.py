"""Cause-specific Cox models (evalkit.survival.cox and its engine evalkit.survival._coxph).

References: statsmodels' PHReg (Efron and Breslow ties, cluster-robust SE), lifelines'
CoxPHFitter (estimates, robust SE, proportional_hazard_test) and CoxTimeVaryingFitter
(late entry, weights), on the Rossi data (see conftest.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter
from lifelines.statistics import proportional_hazard_test
from numpy.testing import assert_allclose
from statsmodels.duration.hazard_regression import PHReg

from evalkit.errors import EvalkitWarning
from evalkit.survival import cox_model, fine_gray_model, time_to_event
from evalkit.survival.cox import cox_design

CLOSED_FORM = 1e-10  # same formula, same data: floating point only
ITERATIVE = 1e-8  # Newton fits against another Newton fit
ITERATIVE_SE = 1e-6
COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def test_cox_matches_statsmodels_and_lifelines(rossi):
    fit = cox_model(rossi, "week", "arrest", " + ".join(COVARIATES))
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
    fit = cox_model(df, "week", "arrest", " + ".join(COVARIATES),
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
    weighted = cox_model(rossi.assign(w=w), "week", "arrest", formula,
                         weights="w", ties="breslow", ph_transform=transform)
    replicated = cox_model(rossi.loc[rossi.index.repeat(w.astype(int))], "week", "arrest",
                           formula, ties="breslow", ph_transform=transform)
    assert_allclose(weighted.table.log_hr, replicated.table.log_hr, rtol=ITERATIVE)
    assert_allclose(weighted.ph_test.statistic, replicated.ph_test.statistic, rtol=ITERATIVE)
    unit = cox_model(rossi.assign(w=1.0), "week", "arrest", formula, weights="w",
                     ph_transform=transform)
    plain = cox_model(rossi, "week", "arrest", formula, ph_transform=transform)
    assert_allclose(unit.ph_test.statistic, plain.ph_test.statistic, rtol=CLOSED_FORM)


def test_cluster_robust_se_matches_statsmodels_breslow(rossi):
    clusters = np.arange(len(rossi)) % 40
    df = rossi.assign(mentor=clusters)
    fit = cox_model(df, "week", "arrest", " + ".join(COVARIATES), cluster="mentor",
                    ties="breslow")
    sm = PHReg(df.week, df[COVARIATES].to_numpy(float), status=df.arrest,
               ties="breslow").fit(groups=clusters)
    assert_allclose(fit.table.std_error, sm.bse, rtol=ITERATIVE_SE)
    assert fit.variance == "cluster-robust (mentor, 40 clusters)"


def test_robust_se_matches_lifelines_without_ties(rossi):
    # lifelines' robust variance ignores the Efron correction, so compare on untied times
    df = rossi.assign(week=rossi.week + np.arange(len(rossi)) * 1e-4)
    fit = cox_model(df, "week", "arrest", " + ".join(COVARIATES), robust=True)
    ll = CoxPHFitter().fit(df[[*COVARIATES, "week", "arrest"]], "week", "arrest", robust=True)
    assert_allclose(fit.table.std_error, ll.standard_errors_, rtol=1e-5)


def test_efron_score_residuals_sum_to_the_gradient(rossi):
    from evalkit.survival._coxph import _sums, fit_cox

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
    fit = cox_model(df, "week", "arrest", "fin + age + C(race_c)", weights="w",
                    entry="entry", robust=True)
    from lifelines import CoxTimeVaryingFitter

    long = df.assign(start=df.entry, stop=df.week, id=df.index, race_b=(df.race_c == "b") * 1.0)
    ctv = CoxTimeVaryingFitter().fit(long[["id", "start", "stop", "arrest", "fin", "age",
                                           "race_b", "w"]], id_col="id", event_col="arrest",
                                     start_col="start", stop_col="stop", weights_col="w")
    assert_allclose(fit.table.log_hr, ctv.params_, rtol=1e-6)
    assert list(fit.table.term) == ["fin", "age", "C(race_c)[T.b]"]


def test_rare_levels_are_blanked_in_cox_and_fine_gray_tables():
    from evalkit.data.synthetic import simulate_participants
    from evalkit.reporting import rare_indicators

    data = time_to_event(simulate_participants(1500, rng=4), unit="months").data
    formula = "programme + age + C(gender)"
    limit = int((data["gender"] == "x").sum()) + 1
    for fit in (cox_model, lambda *a, **k: fine_gray_model(*a, cause="job", **k)):
        full = fit(data, "time", "event", formula).table
        shown = fit(data, "time", "event", formula, min_count=limit).table
        rare = shown["suppressed"]
        assert shown.loc[rare, "term"].tolist() == ["C(gender)[T.x]"]
        assert shown.loc[rare, ["estimate", "std_error", "p_value"]].isna().all().all()
        pd.testing.assert_frame_equal(shown.loc[~rare], full.loc[~rare])
    x = np.column_stack([np.r_[np.ones(17), np.zeros(3)], np.r_[np.ones(10), np.zeros(10)]])
    assert rare_indicators(x, ["held_by_all_but_3", "half"], min_count=10) == ["held_by_all_but_3"]


def test_time_event_and_formula_come_first_and_are_required(rossi):
    by_position = cox_model(rossi, "week", "arrest", "fin + age")
    by_name = cox_model(rossi, formula="fin + age", event="arrest", time="week")
    pd.testing.assert_frame_equal(by_position.table, by_name.table)
    with pytest.raises(TypeError):
        cox_model(rossi, "fin + age")  # the old order: time and event now come first
    with pytest.raises(TypeError):
        cox_model(rossi, "week", "arrest", "fin", "age")  # options are keyword-only


def test_cox_design_drops_the_intercept_and_constant_columns(rossi):
    with pytest.warns(EvalkitWarning, match=r"covariate\(s\) \['one'\] take a single value"):
        x, names = cox_design(rossi.assign(one=1.0), "arrest ~ fin + one + C(race)")
    assert names == ["fin", "C(race)[T.1]"]
    assert x.shape == (len(rossi), 2) and x.flags.f_contiguous
    with pytest.raises(ValueError, match="formula must name covariates"):
        cox_design(rossi, "arrest ~ ")


def test_cox_errors(rossi):
    with pytest.raises(ValueError, match="there are no events"):
        cox_model(rossi.assign(arrest=0), "week", "arrest", "fin")
    with pytest.raises(ValueError, match="gives no covariate that varies"):
        cox_model(rossi.assign(one=1.0), "week", "arrest", "one")
    with pytest.raises(ValueError, match="cluster column 'mentor' has missing values in 1 rows"):
        cox_model(rossi.assign(mentor=np.where(rossi.index == 3, np.nan, 1.0)), "week",
                  "arrest", "fin", cluster="mentor")
    with pytest.raises(ValueError, match="weights column 'w' must be finite and non-negative"):
        cox_model(rossi.assign(w=-1.0), "week", "arrest", "fin", weights="w")
    with pytest.raises(ValueError, match="entry times must be before exit times"):
        cox_model(rossi.assign(e=rossi.week), "week", "arrest", "fin", entry="e")
    with pytest.raises(ValueError, match="ties must be one of"):
        cox_model(rossi, "week", "arrest", "fin", ties="exact")


def test_plot_returns_axes(unempdur):
    import matplotlib.pyplot as plt

    fit = cox_model(unempdur, "spell", "exit", "age + ui", cause="full_time")
    assert fit.plot().get_xlabel() == "hazard ratio"
    _, given = plt.subplots()
    assert fit.plot(ax=given) is given
    one_term = cox_model(unempdur, "spell", "exit", "age", cause="full_time")
    assert one_term.plot().get_yticklabels()[0].get_text() == "age"
    plt.close("all")


# ------------------------------------------- degenerate data: refuse or warn, never a huge HR


def _small_data(seed: int = 1, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "time": rng.exponential(5, n).round(1) + 0.1,
        "event": rng.choice(["job", "training", "censored"], n),
        "programme": rng.choice(["A", "B"], n),
        "age": rng.normal(30, 5, n),
    })


def test_cox_refuses_negative_durations_naming_rows():
    df = _small_data()
    df.loc[[3, 7], "time"] = -1.0
    match = r"time column 'time' has negative values in 2 row\(s\) \(first: \[3, 7\]\)"
    with pytest.raises(ValueError, match=match):
        cox_model(df, "time", "event", "programme")
    with pytest.raises(ValueError, match=match):
        fine_gray_model(df, "time", "event", "programme", cause="job")


def test_cox_allows_time_zero_and_names_rows_entering_at_or_after_exit():
    df = _small_data()
    df.loc[0, "time"] = 0.0  # an exit on the day follow-up starts (as R's Surv)
    assert np.isfinite(cox_model(df, "time", "event", "age").table["log_hr"]).all()
    late = df.assign(entry=np.where(df.index == 5, df["time"], 0.0))
    late.loc[0, "entry"] = 0.0  # entry 0 and exit 0: not at risk
    with pytest.raises(ValueError, match=r"but 2 row\(s\) \(first: \[0, 5\]\) have 'entry'"):
        cox_model(late, "time", "event", "age", entry="entry")


def test_cox_separation_gives_nan_and_a_warning_not_a_huge_hazard_ratio():
    df = _small_data()
    df["event"] = np.where(df["programme"] == "A", "censored", df["event"])  # no exits in A
    with pytest.warns(EvalkitWarning, match=r"coefficient\(s\) of \['programme\[T.B\]'\]"):
        fit = cox_model(df, "time", "event", "programme + age")
    row = fit.table.set_index("term").loc["programme[T.B]"]
    assert row[["estimate", "log_hr", "std_error", "ci_low", "ci_high", "p_value"]].isna().all()
    assert np.isfinite(fit.table.set_index("term").loc["age", "std_error"])
    assert fit.ph_test.set_index("term").loc[["programme[T.B]", "GLOBAL"], "p_value"].isna().all()
    with pytest.warns(EvalkitWarning, match=r"Fine-Gray log-likelihood converged before"):
        fg = fine_gray_model(df, "time", "event", "programme + age", cause="job")
    assert np.isnan(fg.table["estimate"].iloc[0]) and np.isfinite(fg.table["estimate"].iloc[1])


def test_cox_warns_when_a_covariate_has_one_level():
    df = _small_data().assign(programme="A")
    with pytest.warns(EvalkitWarning, match=r"covariate\(s\) \['programme'\] take a single"):
        fit = cox_model(df, "time", "event", "programme + age")
    assert fit.table["term"].tolist() == ["age"]


def test_cox_refuses_weights_that_are_all_zero():
    df = _small_data().assign(w=0.0)
    with pytest.raises(ValueError, match="weights column 'w' is zero for all 60 rows"):
        cox_model(df, "time", "event", "programme", weights="w")


def test_cox_monotone_in_a_continuous_covariate_warns_instead_of_nan_or_overflow():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"x": rng.normal(size=50), "level": rng.random(50) < 0.3})
    df["time"] = df["x"].rank()  # a larger x always exits later: beta_x is -infinity
    df["event"] = rng.random(50) < 0.7
    with pytest.warns(EvalkitWarning, match=r"fit stopped before the coefficient\(s\) of \['x'"):
        fit = cox_model(df, "time", "event", "x + level")
    assert np.isnan(fit.table.set_index("term").loc["x", "estimate"])


def test_cox_refuses_a_single_cluster():
    # the cluster-robust SE of one cluster was 5e-18: its score residuals sum to 0
    with pytest.raises(ValueError, match="cluster column 'mentor' has a single value"):
        cox_model(_small_data().assign(mentor="m1"), "time", "event", "age", cluster="mentor")


def test_cox_leaves_out_rows_of_weight_zero():
    df = _small_data()
    df["w"] = np.where(df["programme"] == "B", 0.0, 1.0)  # gave HR 1.0 with SE NaN
    with pytest.warns(EvalkitWarning, match=r"covariate\(s\) \['programme'\] take a single"):
        fit = cox_model(df, "time", "event", "programme + age", weights="w", robust=True)
    alone = cox_model(df[df["programme"] == "A"], "time", "event", "age", robust=True)
    assert_allclose(fit.table["log_hr"], alone.table["log_hr"], rtol=1e-12)
    assert fit.n == alone.n


# ------------------------------------------- global tests and concordance (issue 17)

#: R survival's summary(coxph) on Rossi (fin + age + race + wexp + mar + paro + prio),
#: as printed in Fox J., Weisberg S. (2018), "Cox proportional-hazards regression for
#: survival data in R", appendix to An R Companion to Applied Regression, 3rd ed.
R_ROSSI_TESTS = {"likelihood_ratio": (33.27, 2.362e-05), "wald": (32.11, 3.871e-05),
                 "score": (33.53, 2.11e-05)}
R_ROSSI_CONCORDANCE = (0.64, 0.027)
R_PRINTED = 0.005  # half a unit of the last printed digit


def test_global_tests_and_concordance_match_r_and_lifelines(rossi):
    from lifelines.utils import concordance_index

    fit = cox_model(rossi, "week", "arrest", " + ".join(COVARIATES))
    tests = fit.global_tests.set_index("test")
    for name, (statistic, p_value) in R_ROSSI_TESTS.items():
        assert_allclose(tests.loc[name, "statistic"], statistic, atol=R_PRINTED)
        assert_allclose(tests.loc[name, "p_value"], p_value, rtol=2e-3)
    assert (tests["df"] == 7).all()
    ll = CoxPHFitter().fit(rossi[[*COVARIATES, "week", "arrest"]], "week", "arrest")
    assert_allclose(tests.loc["likelihood_ratio", "statistic"],
                    ll.log_likelihood_ratio_test().test_statistic, rtol=CLOSED_FORM)
    sm = PHReg(rossi.week, rossi[COVARIATES].to_numpy(float), status=rossi.arrest,
               ties="efron").fit()
    wald = sm.params @ np.linalg.solve(sm.cov_params(), sm.params)
    assert_allclose(tests.loc["wald", "statistic"], wald, rtol=ITERATIVE_SE)
    assert_allclose(fit.concordance, R_ROSSI_CONCORDANCE[0], atol=R_PRINTED)
    assert_allclose(fit.concordance_se, R_ROSSI_CONCORDANCE[1], atol=R_PRINTED / 10)
    eta = rossi[COVARIATES].to_numpy(float) @ fit.table.log_hr.to_numpy()
    assert_allclose(fit.concordance, concordance_index(rossi.week, -eta, rossi.arrest),
                    rtol=CLOSED_FORM)
    assert fit.summary[["concordance", "concordance_se"]].notna().all(axis=None)


def test_score_test_is_the_logrank_test_without_ties(rossi):
    """Published identity (Therneau & Grambsch 2000, sec. 3.3): lifelines' log-rank."""
    from lifelines.statistics import logrank_test

    df = rossi.assign(week=rossi.week + np.arange(len(rossi)) * 1e-4)
    fit = cox_model(df, "week", "arrest", "fin")
    a, b = df[df.fin == 1], df[df.fin == 0]
    ref = logrank_test(a.week, b.week, a.arrest, b.arrest).test_statistic
    score = fit.global_tests.set_index("test").loc["score", "statistic"]
    assert_allclose(score, ref, rtol=1e-10)


def test_robust_wald_test_uses_the_cluster_robust_covariance(rossi):
    clusters = np.arange(len(rossi)) % 40
    df = rossi.assign(mentor=clusters)
    fit = cox_model(df, "week", "arrest", " + ".join(COVARIATES), cluster="mentor",
                    ties="breslow")
    sm = PHReg(df.week, df[COVARIATES].to_numpy(float), status=df.arrest,
               ties="breslow").fit(groups=clusters)
    wald = sm.params @ np.linalg.solve(sm.cov_params(), sm.params)
    tests = fit.global_tests.set_index("test")
    assert_allclose(tests.loc["wald", "statistic"], wald, rtol=ITERATIVE_SE)
    plain = cox_model(df, "week", "arrest", " + ".join(COVARIATES), ties="breslow")
    assert_allclose(tests.loc["likelihood_ratio", "statistic"],
                    plain.global_tests.statistic.iloc[0], rtol=CLOSED_FORM)
    assert fit.concordance == plain.concordance and fit.concordance_se != plain.concordance_se


def _pairwise_concordance(t, d, eta, entry, w):
    """Harrell's C by the definition, over all n² pairs (the O(n log n) code's oracle)."""
    comparable = d[:, None] & ((t[:, None] < t) | ((t[:, None] == t) & ~d)) & (entry < t[:, None])
    pair_w = w[:, None] * w
    score = (eta[:, None] > eta) + 0.5 * (eta[:, None] == eta)
    pairs = np.sum(pair_w * comparable)
    return np.sum(pair_w * comparable * score) / pairs if pairs > 0 else np.nan  # none: NaN


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_concordance_equals_the_pairwise_definition(seed, late_entry, weighted):
    from evalkit.survival._concordance import concordance

    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 40))
    t = rng.integers(1, 6, n).astype(float)
    d = rng.random(n) < 0.6
    d[0] = True
    eta = rng.integers(0, 4, n).astype(float)  # ties in the score too
    entry = np.minimum(np.floor(t * rng.random(n)), t - 1) if late_entry else np.zeros(n) - 1
    w = rng.integers(1, 4, n).astype(float) if weighted else np.ones(n)
    c, se = concordance(t, d, eta, entry=entry if late_entry else None,
                        weights=w if weighted else None)
    expected = _pairwise_concordance(t, d, eta, entry, w)
    assert_allclose(c, expected, rtol=CLOSED_FORM, equal_nan=True)
    # the score turned around gives 1 - C; the SE is the same
    c2, se2 = concordance(t, d, -eta, entry=entry if late_entry else None,
                          weights=w if weighted else None)
    assert_allclose(c2, 1 - c, rtol=CLOSED_FORM, equal_nan=True)
    assert_allclose(se2, se, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_concordance_without_comparable_pairs_warns_and_is_nan():
    df = pd.DataFrame({"time": [1.0, 2.0, 3.0, 3.0], "event": [0, 0, 1, 1],
                       "x": [0.1, 0.5, 0.2, 0.9]})
    with pytest.warns(EvalkitWarning, match="no pair of people is comparable"):
        fit = cox_model(df, "time", "event", "x")
    assert np.isnan(fit.concordance) and np.isnan(fit.concordance_se)
    # every event at one time: the proportional-hazards test is undefined, not 0 / 0
    assert fit.ph_test.set_index("term")["statistic"].isna().all()


def test_wald_test_is_nan_for_an_infinite_coefficient():
    df = _small_data()
    df["event"] = np.where(df["programme"] == "A", "censored", df["event"])
    with pytest.warns(EvalkitWarning, match="converged before"):
        fit = cox_model(df, "time", "event", "programme + age")
    tests = fit.global_tests.set_index("test")
    assert np.isnan(tests.loc["wald", "statistic"])
    assert np.isfinite(tests.loc[["likelihood_ratio", "score"], "statistic"]).all()


def test_plot_labels_its_axis_and_terms_in_the_language(unempdur):
    import matplotlib.pyplot as plt

    fit = cox_model(unempdur, "spell", "exit", "age", cause="full_time")
    ax = fit.plot(language="fr")
    assert ax.get_xlabel() == "rapport de risques"
    assert ax.get_yticklabels()[0].get_text() == "Âge"
    plt.close("all")
