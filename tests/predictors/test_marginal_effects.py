"""Average marginal effects: statsmodels ``get_margeff``, counterfactual predictions and a
numerical Jacobian for the delta-method standard errors.
"""

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from numpy.testing import assert_allclose

from evalkit.predictors import odds_ratios
from tests.predictors.shared import FORMULA, MROZ_X, NUMERIC_SE_RTOL, SAME_FIT_RTOL


def test_marginal_effects_equal_statsmodels_margeff_for_numeric_and_binary_terms(mroz):
    formula = "inlf ~ " + " + ".join(MROZ_X)
    r = odds_ratios(mroz, formula)
    fit = smf.logit(formula, mroz).fit(disp=0, tol=1e-12)
    me = fit.get_margeff(at="overall")
    assert_allclose(r.marginal_effects["estimate"], 100 * me.margeff, rtol=SAME_FIT_RTOL)
    assert_allclose(r.marginal_effects["std_error"], 100 * me.margeff_se, rtol=1e-6)


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
