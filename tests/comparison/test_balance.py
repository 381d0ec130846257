"""Covariate balance after weighting and matching; small levels blanked."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from evalkit.comparison import balance
from evalkit.errors import EvalkitWarning
from tests.comparison.samples import CLOSED_FORM_RTOL
from tests.comparison.test_publication import _propensity


def test_balance_blanks_levels_held_by_few_people(sample, ps):
    full = balance(sample, ["gender", "age"], ps).table.set_index(["variable", "level"])
    shown = balance(sample, ["gender", "age"], ps, min_count=10).table
    counts = pd.crosstab(sample["programme"], sample["gender"])
    rare = [lvl for lvl in counts.columns if counts[lvl].min() < 10]
    assert rare  # the shipped generator has a handful of people of gender "x"
    for row in shown.itertuples():
        if row.level in rare:
            assert row.suppressed and np.isnan(row.smd_before) and np.isnan(row.smd_after)
            assert row.balanced is None
        else:
            assert not row.suppressed
            key = (row.variable, row.level)
            assert_allclose(row.smd_after, full.loc[key, "smd_after"], rtol=0)
    with pytest.raises(ValueError, match="min_count must be an integer"):
        balance(sample, ["gender"], ps, min_count=0.5)


def test_balance_after_matching_and_trim_profile(sample, ps):
    from evalkit.comparison import match, trim

    covariates = ["age", "education", "months_unemployed"]
    m = match(sample, ps, caliper=0.2, rng=4)
    b = balance(sample, covariates, ps, weights=m)
    # After matching without replacement the "after" SMD is the SMD of the matched sample
    # standardised by the treated group's SD in the full sample (cobalt's s.d.denom="treated").
    rows = np.concatenate([m.pairs.treated_row, m.pairs.control_row])
    matched = sample.iloc[rows]
    t_matched = ps.treated[rows]
    sd_treated = sample.loc[ps.treated, "age"].std()
    expected = (matched.age[t_matched].mean() - matched.age[~t_matched].mean()) / sd_treated
    age = b.table.set_index("variable").loc["age"]
    assert_allclose(age["smd_after"], expected, rtol=CLOSED_FORM_RTOL)
    assert abs(age["smd_after"]) < abs(age["smd_before"]) or abs(age["smd_before"]) < 0.1
    kept = trim(sample, ps, bounds=(0.1, 0.9), describe=["age", "single_parent"])
    out = (ps.scores < 0.1) | (ps.scores > 0.9)
    prof = kept.excluded.set_index("variable")
    assert_allclose(prof.loc["age", "mean_excluded"], sample.age[out].mean(), rtol=1e-12)
    assert_allclose(prof.loc["age", "mean_kept"], sample.age[~out].mean(), rtol=1e-12)
    with pytest.raises(TypeError, match="weights must be a WeightsResult"):
        balance(sample, covariates, ps, weights=np.ones(len(sample)))


def test_balance_threshold_must_be_positive_and_the_plot_takes_axes(sample, ps):
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match="threshold must be a positive number, but was 0"):
        balance(sample, ["age"], ps, threshold=0)
    _, ax = plt.subplots()
    assert balance(sample, ["age"], ps).plot(ax=ax) is ax
    plt.close("all")


def test_balance_of_a_constant_covariate_is_undefined_with_one_warning(sample, ps):
    from evalkit.errors import EvalkitWarning

    with pytest.warns(EvalkitWarning, match=r"\['constant'\] do not vary") as caught:
        b = balance(sample.assign(constant=0.1), ["age", "constant"], ps)
    assert len(caught) == 1
    row = b.table.set_index("variable").loc["constant"]
    assert np.isnan(row["smd_before"]) and np.isnan(row["smd_after"]) and row["balanced"] is None
    assert b.all_balanced == bool(b.table.set_index("variable").loc["age", "balanced"])


PRINTED_4 = 5e-5 + 1e-12  # values printed to 4 decimals
LALONDE_COVARIATES = ["age", "educ", "race", "re74", "re75"]

# R cobalt 4.2.4, vignette "Covariate Balance Tables and Plots: A Guide to the cobalt
# Package" (github.com/ngreifer/cobalt, docs/articles/cobalt.html at commit ee554e2,
# 2020-11-05): ATT weights treat + (1 - treat) p / (1 - p), p from glm(treat ~ age + educ +
# race + re74 + re75) on lalonde; bal.tab(..., disp = c("means", "sds"), un = TRUE, stats =
# c("mean.diffs", "variance.ratios")): M.0.Un, M.1.Un, Diff.Un, V.Ratio.Un, M.0.Adj,
# M.1.Adj, Diff.Adj, V.Ratio.Adj (NaN: printed "."). Binary rows: raw differences.
COBALT_ATT_WEIGHTS = {
    ("age", None): (28.0303, 25.8162, -0.3094, 0.4400, 25.0205, 25.8162, 0.1112, 0.5086),
    ("educ", None): (10.2354, 10.3459, 0.0550, 0.4959, 10.4748, 10.3459, -0.0641, 0.6018),
    ("race", "black"): (0.2028, 0.8432, 0.6404, np.nan, 0.8476, 0.8432, -0.0044, np.nan),
    ("race", "hispan"): (0.1422, 0.0595, -0.0827, np.nan, 0.0578, 0.0595, 0.0016, np.nan),
    ("race", "white"): (0.6550, 0.0973, -0.5577, np.nan, 0.0945, 0.0973, 0.0028, np.nan),
    ("re74", None): (5619.2365, 2095.5737, -0.7211, 0.5181, 2114.5263, 2095.5737, -0.0039,
                     1.4821),
    ("re75", None): (2466.4844, 1532.0553, -0.2903, 0.9563, 1669.9618, 1532.0553, -0.0428,
                     1.1712),
}
COBALT_COLUMNS = ("mean_comparison_before", "mean_treated_before", "diff_before",
                  "variance_ratio_before", "mean_comparison_after", "mean_treated_after",
                  "diff_after", "variance_ratio_after")
# Same vignette: addl = ~ nodegree + married (0/1 numbers: "Binary", raw Diff.Adj);
# binary = "std" (race Diff.Adj standardised by the treated group's sqrt(p (1 - p)));
# Effective sample sizes, Adjusted Control 108.2.
COBALT_ADDL_DIFF = {"nodegree": 0.1151, "married": -0.0938}
COBALT_BINARY_STD = {"black": -0.0120, "hispan": 0.0068, "white": 0.0093}
COBALT_ESS_CONTROL = 108.2


def test_balance_reproduces_cobalt_bal_tab_with_att_weights_on_lalonde():
    from evalkit.comparison import propensity_score, propensity_weights
    from tests.comparison.test_matching import _lalonde

    data = _lalonde()
    ps = propensity_score(data, "treat ~ age + educ + C(race) + re74 + re75", treated=1)
    b = balance(data, [*LALONDE_COVARIATES, "nodegree", "married"], ps,
                weights=propensity_weights(ps, estimand="ATT"))
    table = b.table.set_index(["variable", "level"])
    for key, printed in COBALT_ATT_WEIGHTS.items():
        row = table.loc[[key]].iloc[0]
        assert row["type"] == ("binary" if key[0] == "race" else "contin.")
        got = row[list(COBALT_COLUMNS)].to_numpy(dtype=float)
        assert_allclose(got, printed, rtol=0, atol=PRINTED_4, err_msg=str(key))
    for variable, printed in COBALT_ADDL_DIFF.items():
        row = table.loc[[(variable, None)]].iloc[0]
        assert row["type"] == "binary" and np.isnan(row["variance_ratio_after"])
        assert_allclose(row["diff_after"], printed, rtol=0, atol=PRINTED_4)
    for level, printed in COBALT_BINARY_STD.items():  # the SMD columns are binary = "std"
        assert_allclose(table.loc[("race", level), "smd_after"], printed, atol=PRINTED_4)
    assert_allclose(b.effective_n["comparison"], COBALT_ESS_CONTROL, rtol=0, atol=0.05 + 1e-12)


# R MatchIt 4.7.2, vignette "MatchIt: Getting Started": summary(m.out0) (all data) and
# summary(m.out1, un = FALSE) (1:1 nearest on the score, largest first, without
# replacement; the matching test_matching reproduces): Means Treated, Means Control,
# Std. Mean Diff., Var. Ratio, eCDF Mean, eCDF Max, printed to 4 decimals. The SMDs of
# married and nodegree (0/1 numbers) are left out: MatchIt standardises them by
# sqrt(p (1 - p)), evalkit's smd columns by their sample SD (the diff columns are raw).
MATCHIT_SUMMARY = Path(__file__).parent / "results" / "matchit_lalonde_summary.txt"


def test_balance_reproduces_matchit_summary_before_and_after_matching_on_lalonde():
    from evalkit.comparison import match, propensity_score
    from tests.comparison.test_matching import _lalonde

    data = _lalonde()
    ps = propensity_score(
        data, "treat ~ age + educ + C(race) + married + nodegree + re74 + re75", treated=1
    )
    m = match(data, ps, caliper=None, m_order="largest", distance="ps")
    covariates = ["distance", "age", "educ", "race", "married", "nodegree", "re74", "re75"]
    b = balance(data.assign(distance=ps.scores), covariates, ps, weights=m)
    table = b.table.assign(name=b.table["level"].fillna(b.table["variable"])).set_index("name")
    printed = pd.read_csv(MATCHIT_SUMMARY, sep=r"\s+", na_values=".", comment="#")
    for row in printed.itertuples(index=False):
        when = row.when
        columns = [f"mean_treated_{when}", f"mean_comparison_{when}", f"smd_{when}",
                   f"variance_ratio_{when}", f"ecdf_mean_{when}", f"ecdf_max_{when}"]
        got = table.loc[row.name, columns].to_numpy(dtype=float)
        expected = np.array(row[2:], dtype=float)
        known = ~np.isnan(expected)
        assert_allclose(got[known], expected[known], rtol=0, atol=PRINTED_4,
                        err_msg=f"{row.name} {when}")
        assert np.isnan(got[3]) == np.isnan(expected[3])  # no variance ratio of binaries
    assert (table["type"] == "binary").sum() == 5


@settings(max_examples=30, deadline=None)
@given(
    x=st.lists(st.integers(0, 6), min_size=8, max_size=30),
    seed=st.integers(0, 2**16),
)
def test_ecdf_statistics_are_the_ks_statistic_and_integer_weights_are_copies(x, seed):
    """Unweighted: ecdf_max is scipy's two-sample KS statistic; integer weights give the
    statistics of the data with each row copied that many times."""
    from scipy import stats

    from evalkit.comparison import MatchResult

    rng = np.random.default_rng(seed)
    values = np.array(x, dtype=float)
    treated = np.arange(len(values)) % 2 == 0
    copies = rng.integers(1, 4, len(values))
    data = pd.DataFrame({"x": values + rng.normal(0, 0.1) * (values > 2)})
    if data["x"].nunique() <= 2:
        return
    ps = _propensity(np.full(len(values), 0.5), treated)
    weighted = MatchResult(table=pd.DataFrame(), pairs=pd.DataFrame(),
                           weights=copies.astype(float), replace=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvalkitWarning)  # a constant group: SMD undefined
        row = balance(data, ["x"], ps, weights=weighted).table.iloc[0]
        rows = np.repeat(np.arange(len(values)), copies)
        copied = balance(data.iloc[rows].reset_index(drop=True), ["x"],
                         _propensity(np.full(len(rows), 0.5), treated[rows])).table.iloc[0]
    d = data["x"].to_numpy()
    ks = stats.ks_2samp(d[treated], d[~treated], method="asymp").statistic
    assert_allclose(row["ecdf_max_before"], ks, rtol=CLOSED_FORM_RTOL)
    for stat in ("mean_treated", "mean_comparison", "ecdf_mean", "ecdf_max"):
        assert_allclose(row[f"{stat}_after"], copied[f"{stat}_before"], rtol=CLOSED_FORM_RTOL,
                        atol=1e-12, err_msg=stat)


def test_a_two_valued_number_is_binary_as_cobalt_binarizes_it(sample, ps):
    """cobalt's binarize: the lower value (or 0) is 0; raw differences, no variance ratio."""
    coded = sample.assign(parent=np.where(sample["single_parent"], 2.0, 1.0))
    table = balance(coded, ["parent", "single_parent"], ps).table.set_index("variable")
    parent, single = table.loc["parent"], table.loc["single_parent"]
    assert parent["type"] == single["type"] == "binary"
    for column in ("mean_treated_after", "diff_before", "diff_after", "ecdf_max_after"):
        assert_allclose(parent[column], single[column], rtol=CLOSED_FORM_RTOL, err_msg=column)
    assert_allclose(parent["ecdf_mean_before"], abs(parent["diff_before"]), rtol=0)
    assert np.isnan(parent["variance_ratio_before"])
    shown = balance(sample, ["gender"], ps, min_count=10).table
    hidden = shown.loc[shown["suppressed"], ["mean_treated_before", "diff_after", "ecdf_max_after"]]
    assert len(hidden) and hidden.isna().all(axis=None)


def test_balance_after_a_matching_without_pairs_is_refused(sample, ps):
    from evalkit.comparison import MatchResult

    none = MatchResult(table=pd.DataFrame(), pairs=pd.DataFrame(),
                       weights=np.where(ps.treated, 1.0, 0.0), replace=False)
    with pytest.raises(ValueError, match="gives the comparison group a total weight of 0 "
                       r"\(e.g. a matching without pairs\)"):
        balance(sample, ["age"], ps, weights=none)
