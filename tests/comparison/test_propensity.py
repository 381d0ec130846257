"""The propensity model (statsmodels Logit), its overlap diagnostics and trimming."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from evalkit import EvalkitWarning
from evalkit._stats.logistic import fit_logistic
from evalkit.comparison import propensity_score, trim
from evalkit.comparison._design import formula_design
from evalkit.data.synthetic import simulate_participants
from tests.comparison.samples import ITERATIVE_RTOL, PS_FORMULA, SE_RTOL


def test_propensity_model_is_statsmodels_logit(sample, ps):
    _, x, _ = formula_design(sample, PS_FORMULA)
    t = (sample.programme == "DUO for a JOB").astype(float)
    logit = sm.Logit(t, x).fit(disp=0)
    assert_allclose(ps.table["estimate"], logit.params, rtol=ITERATIVE_RTOL)
    assert_allclose(ps.table["std_error"], logit.bse, rtol=SE_RTOL)
    assert_allclose(ps.scores, logit.predict(x), rtol=ITERATIVE_RTOL)
    low, high = ps.support
    assert ps.overlap["n_outside"].sum() == (~ps.inside_support).sum()
    assert low <= high


def test_positivity_violation_warns():
    df = simulate_participants(1500, rng=2)
    # four of the five sites enrol in one programme only: also (quasi-)separation
    with (
        pytest.warns(EvalkitWarning, match="positivity violation"),
        pytest.warns(EvalkitWarning, match=r"separated: the coefficient\(s\) of .*C\(site\)"),
    ):
        propensity_score(
            df, "programme ~ age + C(migration_background) + C(site)", treated="DUO for a JOB"
        )


def test_missing_programme_is_an_error(sample):
    broken = sample.head(300).copy()
    broken.loc[[5, 9], "programme"] = None
    with pytest.raises(ValueError, match=r"'programme' is missing in rows \[5, 9\]"):
        propensity_score(broken, PS_FORMULA, treated="DUO for a JOB")


def test_trim_keeps_the_common_support_and_counts_exclusions(sample, ps):
    kept = trim(sample, ps)
    assert kept.table["n_after"].sum() == len(kept.data) == ps.inside_support.sum()
    assert (kept.table["n_before"] == kept.table["n_excluded"] + kept.table["n_after"]).all()
    crump = trim(sample, ps, bounds=(0.1, 0.9))
    assert crump.table["n_excluded"].sum() == ((ps.scores < 0.1) | (ps.scores > 0.9)).sum()
    with pytest.raises(ValueError, match="bounds must satisfy"):
        trim(sample, ps, bounds=(0.9, 0.1))


def test_errors_name_the_problem(sample, ps):
    with pytest.raises(ValueError, match=r"treated must be one of .*, but was 'DUO'"):
        propensity_score(sample, PS_FORMULA, treated="DUO")
    with pytest.raises(ValueError, match="formula must be 'group ~ covariates'"):
        propensity_score(sample, "programme", treated="DUO for a JOB")
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 0"):
        trim(sample, ps, threshold=0)



def test_plot_draws_on_the_axes_given(ps):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert ps.plot(ax=ax) is ax
    plt.close("all")


def test_logistic_frequency_weights_equal_repeated_rows(sample, ps):
    x, t = ps.design, ps.treated.astype(float)
    counts = np.random.default_rng(4).integers(0, 4, len(t)).astype(float)
    weighted = fit_logistic(x, t, weights=counts)
    reps = counts.astype(int)
    repeated = fit_logistic(np.repeat(x, reps, axis=0), np.repeat(t, reps))
    assert_allclose(weighted[0], repeated[0], rtol=1e-9)
    assert_allclose(weighted[1], repeated[1], rtol=1e-9)


def test_separated_groups_give_nan_coefficients_and_a_warning():
    from evalkit import EvalkitWarning

    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=300)})
    df["g"] = np.where(df["x"] > 0, "a", "b")  # x separates the programmes: beta was 8340
    with pytest.warns(EvalkitWarning) as caught:
        ps = propensity_score(df, "g ~ x", treated="a")
    assert any("coefficient(s) of ['Intercept', 'x'] are infinite" in str(w.message)
               for w in caught)
    assert ps.table[["estimate", "std_error", "ci_low", "ci_high"]].isna().all().all()


def test_dutch_propensity_balance_and_effect_figures_draw_dutch_words(sample, ps):
    """Issue 16: histogram, love plot and forest plot in the report's language."""
    import matplotlib.pyplot as plt

    from evalkit.comparison import balance, programme_effect

    ax = ps.plot(language="nl")
    assert ax.get_xlabel() == "propensityscore: P(DUO for a JOB | covariaten)"
    assert ax.get_ylabel() == "deelnemers per 1/30 van de score\n(vergelijkingsgroep onderaan)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["DUO for a JOB",
                                                                    "vergelijkingsgroep"]
    ax = balance(sample, ["age"], ps).plot(language="nl")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["vóór correctie",
                                                                    "na correctie"]
    assert ax.get_xlabel().startswith("|gestandaardiseerd")
    ax = programme_effect(sample, "job_within_12m", ps).plot(language="nl")
    assert ax.get_xlabel() == "risicoverschil (95%-BI)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "niet gecorrigeerd" and labels[1] == "gewogen (IPW) (ATE)"
    plt.close("all")
