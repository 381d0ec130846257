"""Covariate balance after weighting and matching; small levels blanked."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit.comparison import balance
from tests.comparison.samples import CLOSED_FORM_RTOL


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
