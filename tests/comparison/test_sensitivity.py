"""Sensitivity to unmeasured confounding: E-values and Rosenbaum bounds."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from evalkit.comparison import e_value
from tests.comparison.samples import CLOSED_FORM_RTOL


def test_e_value_published_example():
    # VanderWeele & Ding (2017): RR 3.9, CI 1.8-8.7 -> E-values 7.26 and 3.00.
    row = e_value(3.9, 1.8, 8.7).table.iloc[0]
    assert_allclose([row["e_value"], row["e_value_ci"]], [7.26, 3.00], atol=0.005)
    # closed form, and the protective direction through 1/RR
    assert_allclose(row["e_value"], 3.9 + np.sqrt(3.9 * 2.9), rtol=CLOSED_FORM_RTOL)
    assert_allclose(
        e_value(0.5).table["e_value"].iloc[0], 2 + np.sqrt(2), rtol=CLOSED_FORM_RTOL
    )
    assert e_value(0.5, 0.3, 1.2).table["e_value_ci"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="positive finite risk ratio"):
        e_value(-0.2)


def test_rosenbaum_bounds_reduce_to_mcnemar_at_gamma_one(sample, ps):
    from scipy import stats

    from evalkit.comparison import match, rosenbaum_bounds

    m = match(sample, ps, rng=2)
    bounds = rosenbaum_bounds(sample, "job_within_12m", m).table
    first = bounds.iloc[0]
    exact = stats.binomtest(
        int(first["n_treated_better"]), int(first["n_discordant"]), 0.5, alternative="greater"
    ).pvalue
    assert_allclose(first["p_upper"], exact, rtol=CLOSED_FORM_RTOL)
    assert bounds["p_upper"].is_monotonic_increasing
    with pytest.raises(ValueError, match="match with replace=False"):
        rosenbaum_bounds(sample, "job_within_12m", match(sample, ps, replace=True))


def test_rosenbaum_gammas_are_checked_and_the_plot_takes_axes(sample, ps):
    import matplotlib.pyplot as plt

    from evalkit.comparison import match, rosenbaum_bounds

    m = match(sample, ps, rng=2)
    with pytest.raises(ValueError, match=r"gammas must be numbers of at least 1, but were \[0.5\]"):
        rosenbaum_bounds(sample, "job_within_12m", m, gammas=[0.5])
    _, ax = plt.subplots()
    assert rosenbaum_bounds(sample, "job_within_12m", m).plot(ax=ax) is ax
    plt.close("all")
    with pytest.raises(ValueError, match="pass both ci_low and ci_high, or neither"):
        e_value(1.5, 1.1)


# R EValue 4.1 (Mathur, Ding, Smith & VanderWeele), documented outputs, printed to 7 digits.
EVALUE_PRINTED = 5e-7


def test_e_values_of_odds_hazard_ratios_and_mean_differences_as_r_evalue():
    # evalues.HR(0.56, 0.46, 0.69, rare = FALSE): RR 0.670084 (0.585935, 0.7735267),
    # E-values 2.349531 and 1.9080039 (the upper limit, closer to 1).
    hr = e_value(0.56, 0.46, 0.69, measure="hazard_ratio", rare=False).table.iloc[0]
    assert_allclose(hr[["risk_ratio", "risk_ratio_low", "risk_ratio_high"]].astype(float),
                    [0.670084, 0.585935, 0.7735267], atol=EVALUE_PRINTED)
    assert_allclose([hr["e_value"], hr["e_value_ci"]], [2.349531, 1.9080039],
                    atol=EVALUE_PRINTED)
    # A rare outcome's hazard ratio is taken as a risk ratio.
    rare = e_value(0.56, 0.46, 0.69, measure="hazard_ratio", rare=True).table.iloc[0]
    assert_allclose(rare["e_value"], 1 / 0.56 + np.sqrt(1 / 0.56 * (1 / 0.56 - 1)),
                    rtol=CLOSED_FORM_RTOL)
    # evalues.MD(0.5, 0.25): RR 1.576173 (1.010050, 2.459603), E 2.529142 and 1.110803;
    # EValue uses exp(0.91 d -+ 1.78 SE), so the limits are d -+ 1.78 / 0.91 SE.
    half = 1.78 / 0.91 * 0.25
    md = e_value(0.5, 0.5 - half, 0.5 + half, measure="mean_difference").table.iloc[0]
    assert_allclose(md[["risk_ratio", "risk_ratio_low", "risk_ratio_high"]].astype(float),
                    [1.576173, 1.010050, 2.459603], atol=EVALUE_PRINTED)
    assert_allclose([md["e_value"], md["e_value_ci"]], [2.529142, 1.110803],
                    atol=EVALUE_PRINTED)
    raw = e_value(5.0, 0.1, 9.9, measure="mean_difference", sd=10).table.iloc[0]
    scaled = e_value(0.5, 0.01, 0.99, measure="mean_difference").table.iloc[0]
    assert_allclose(raw["e_value_ci"], scaled["e_value_ci"], rtol=CLOSED_FORM_RTOL)
    # Vignette: evalues.OR(3.9, 1.8, 8.7, rare = TRUE) gives 7.263034 and 3; the
    # conversion help: toRR(OR(3, rare = FALSE)) = 1.732051; evalues.RR(0.80, 0.71,
    # 0.91) (leukemia) gives 1.809017 and 1.428571.
    odds = e_value(3.9, 1.8, 8.7, measure="odds_ratio", rare=True).table.iloc[0]
    assert_allclose([odds["e_value"], odds["e_value_ci"]], [7.263034, 3.0], atol=EVALUE_PRINTED)
    common = e_value(3.0, measure="odds_ratio", rare=False).table.iloc[0]
    assert_allclose(common["risk_ratio"], 1.732051, atol=EVALUE_PRINTED)
    leukemia = e_value(0.80, 0.71, 0.91).table.iloc[0]
    assert_allclose([leukemia["e_value"], leukemia["e_value_ci"]], [1.809017, 1.428571],
                    atol=EVALUE_PRINTED)


def test_e_value_arguments_are_checked():
    with pytest.raises(ValueError, match="rare must be True or False for a hazard ratio"):
        e_value(0.5, measure="hazard_ratio")
    with pytest.raises(ValueError, match="rare must be True or False for an odds ratio"):
        e_value(0.5, measure="odds_ratio", rare="yes")
    with pytest.raises(ValueError, match=r"measure must be one of \['risk_ratio'"):
        e_value(0.5, measure="risk_difference")
    with pytest.raises(ValueError, match="the estimate must lie within its confidence interval"):
        e_value(2.0, 0.5, 1.5)
    with pytest.raises(ValueError, match="estimate must be a finite number, but was nan"):
        e_value(np.nan, measure="mean_difference")
    with pytest.raises(ValueError, match="sd must be a positive number, but was 0"):
        e_value(0.5, measure="mean_difference", sd=0)


def test_e_value_of_a_risk_difference_reproduces_evalues_rd():
    from evalkit.comparison import e_value_risk_difference
    from evalkit.errors import EvalkitWarning

    # R EValue: evalues.RD(397, 78557, 51, 108778) (Hammond & Horn's smokers):
    # est.Evalue 20.94733, lower.Evalue 15.95703 (grid 1e-4).
    row = e_value_risk_difference(397, 78557, 51, 108778).table.iloc[0]
    assert_allclose([row["e_value"], row["e_value_ci"]], [20.94733, 15.95703], atol=5e-6)
    p1, p0 = 397 / (397 + 78557), 51 / (51 + 108778)
    assert_allclose(row["estimate"], p1 - p0, rtol=CLOSED_FORM_RTOL)
    # The estimate's E-value is that of the risk ratio p1 / p0.
    assert_allclose(row["e_value"], e_value(p1 / p0).table["e_value"].iloc[0],
                    rtol=CLOSED_FORM_RTOL)
    assert e_value_risk_difference(12, 88, 10, 90).table["e_value_ci"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="the risk difference must be positive"):
        e_value_risk_difference(10, 90, 12, 88)
    with pytest.raises(ValueError, match="n01 must be an integer of at least 0, but was -1"):
        e_value_risk_difference(10, 90, -1, 88)
    with pytest.warns(EvalkitWarning, match="nobody in the comparison group has the outcome"):
        none = e_value_risk_difference(10, 90, 0, 100).table.iloc[0]
    assert np.isnan(none["e_value"]) and np.isnan(none["e_value_ci"])


# Lead in the blood of 33 children of battery-plant workers and their matched controls
# (Morton et al. 1982), as printed in R rbounds::psens's help (Rosenbaum 2002, ch. 4).
LEAD_EXPOSED = [38, 23, 41, 18, 37, 36, 23, 62, 31, 34, 24, 14, 21, 17, 16, 20, 15, 10, 45,
                39, 22, 35, 49, 48, 44, 35, 43, 39, 34, 13, 73, 25, 27]
LEAD_CONTROL = [16, 18, 18, 24, 19, 11, 10, 15, 16, 18, 18, 13, 19, 10, 16, 16, 24, 13, 9, 14,
                21, 19, 7, 18, 19, 12, 11, 22, 25, 16, 13, 11, 13]


def _pairs(treated, control):
    """The outcomes of matched pairs as data and a hand-made 1:1 matching."""
    import pandas as pd

    from evalkit.comparison import MatchResult

    n = len(treated)
    data = pd.DataFrame({"y": np.asarray(treated + control, dtype=float)})
    pairs = pd.DataFrame({"treated_row": range(n), "control_row": range(n, 2 * n),
                          "pair": range(n)})
    return data, MatchResult(table=pd.DataFrame(), pairs=pairs, weights=np.ones(2 * n),
                             replace=False)


def test_rosenbaum_bounds_for_a_continuous_outcome_reproduce_rosenbaum_lead_example():
    """Wilcoxon signed rank bounds (Rosenbaum 2002, section 4.3.3, the lead example).

    T+ = 527; upper bounds on the one-sided p-value 0.0018, 0.0136, 0.0388, 0.0740 at
    gamma 2, 3, 4, 5 (Rosenbaum's Table 4.3, which R DOS2::senWilcox's help says it
    reproduces; the values as recalled, matched here to their 4 decimals). At gamma 1:
    scipy's signed rank test with Pratt's zero handling (one pair has equal outcomes).
    """
    from scipy import stats

    from evalkit.comparison import rosenbaum_bounds

    data, matched = _pairs(LEAD_EXPOSED, LEAD_CONTROL)
    result = rosenbaum_bounds(data, "y", matched, gammas=[1, 2, 3, 4, 5])
    table = result.table
    assert result.test == "wilcoxon" and (table["statistic"] == 527).all()
    assert (table["n_discordant"] == 32).all() and (table["n_treated_better"] == 28).all()
    d = np.subtract(LEAD_EXPOSED, LEAD_CONTROL)
    scipy_p = stats.wilcoxon(d, zero_method="pratt", method="approx", correction=False,
                             alternative="greater").pvalue
    assert_allclose(table[["p_upper", "p_lower"]].iloc[0], [scipy_p, scipy_p],
                    rtol=CLOSED_FORM_RTOL)
    assert_allclose(table["p_upper"].iloc[1:], [0.0018, 0.0136, 0.0388, 0.0740], atol=5e-5)
    assert table["p_upper"].is_monotonic_increasing
    assert table["p_lower"].is_monotonic_decreasing
    assert result.gamma_critical == 5.0


def test_rosenbaum_bounds_lower_bound_and_degenerate_pairs():
    from scipy import stats

    from evalkit.comparison import MatchResult, rosenbaum_bounds
    from evalkit.errors import EvalkitWarning

    data, matched = _pairs([1, 1, 1, 0, 1, 0], [0, 0, 1, 1, 0, 0])
    table = rosenbaum_bounds(data, "y", matched, gammas=[1, 2]).table
    # rbounds::binarysens: upper tails of Binomial(D, 1/(1+G)) and Binomial(D, G/(1+G)).
    assert_allclose(table["p_lower"], [stats.binom.sf(2, 4, 0.5), stats.binom.sf(2, 4, 1 / 3)],
                    rtol=CLOSED_FORM_RTOL)
    assert (table["statistic"] == table["n_treated_better"]).all()
    same, matched = _pairs([2.5, 3.0], [2.5, 3.0])
    with pytest.warns(EvalkitWarning, match="every matched pair has equal outcomes"):
        tied = rosenbaum_bounds(same, "y", matched).table
    assert tied[["p_upper", "p_lower"]].isna().all(axis=None)
    triples = matched.pairs.assign(treated_row=[0, 0])
    k_to_one = MatchResult(table=matched.table, pairs=triples, weights=matched.weights,
                           replace=False)
    with pytest.raises(ValueError, match="several controls: match with ratio=1"):
        rosenbaum_bounds(same, "y", k_to_one)


def test_rosenbaum_plot_in_the_language(sample, ps):
    import matplotlib.pyplot as plt

    from evalkit.comparison import match, rosenbaum_bounds

    ax = rosenbaum_bounds(sample, "job_within_12m", match(sample, ps, rng=2)).plot(
        language="fr")
    assert ax.get_ylabel() == "borne supérieure de la valeur p"
    assert ax.get_xlabel().startswith("gamma : ")
    plt.close("all")
