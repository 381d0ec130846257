"""compare_exits: the competing-exit comparison in one call (issue 17)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose

from evalkit.comparison import (
    BalanceResult,
    adjusted_cumulative_incidence,
    adjusted_kaplan_meier,
    balance,
    compare_exits,
)
from evalkit.survival import time_to_event
from tests.comparison.samples import PS_FORMULA
from tests.published import assert_safely_published

COVARIATES = ["education", "language_level", "months_unemployed", "gender", "single_parent",
              "age"]
#: Same arithmetic on the same replicates: equal to rounding.
SAME_NUMBERS_RTOL = 1e-12


@pytest.fixture(scope="module")
def tte(sample):
    return time_to_event(sample, unit="months").data


@pytest.fixture(scope="module")
def exits(tte):
    return compare_exits(tte, "time", "event", "programme", COVARIATES, treated="DUO for a JOB",
                         formula=PS_FORMULA, horizons=[6, 12], n_boot=6, rng=4)


def test_each_exit_equals_the_one_exit_call(tte, exits):
    """Every exit's rows are adjusted_cumulative_incidence(cause=exit) with the same seed."""
    assert list(exits.table["exit"].unique()) == ["job", "training", "dropout"]
    for cause in ("job", "dropout"):
        one = adjusted_cumulative_incidence(tte, exits.propensity, cause=cause, horizons=[6, 12],
                                            n_boot=6, rng=4).table
        ours = exits.table[exits.table["exit"] == cause].reset_index(drop=True)
        assert ours["measure"].tolist() == one["measure"].tolist()
        for column in ("horizon", "estimate", "mean_treated", "mean_comparison", "std_error",
                       "ci_low", "ci_high", "n_boot"):
            assert_allclose(ours[column], one[column], rtol=SAME_NUMBERS_RTOL, err_msg=column)


def test_one_exit_data_equals_the_one_exit_call(tte, ps):
    """With a single exit (others recoded as censored) the table is the one-exit call's."""
    one_exit = tte.assign(event=np.where(tte["event"] == "job", "job", "censored"))
    ours = compare_exits(one_exit, "time", "event", "programme", COVARIATES,
                         treated="DUO for a JOB", formula=PS_FORMULA, horizons=9, n_boot=4,
                         rng=7).table
    one = adjusted_cumulative_incidence(one_exit, ps, horizons=9, n_boot=4, rng=7).table
    assert_allclose(ours[one.columns[2:]].to_numpy(float), one[one.columns[2:]].to_numpy(float),
                    rtol=SAME_NUMBERS_RTOL)


def test_exit_differences_and_still_searching_sum_to_zero(tte, exits):
    """Σ_k ΔF_k(h) + ΔS(h) = 0: the weighted Aalen–Johansen curves against the adjusted
    Kaplan–Meier curve of any exit (same weights)."""
    cif = exits.table[exits.table["measure"] == "cif_difference"]
    total = cif.groupby("horizon")["estimate"].sum()
    km = adjusted_kaplan_meier(tte, exits.propensity).at([6, 12]).set_index(["group", "time"])
    searching = (km.loc["DUO for a JOB", "estimate"] - km.loc["comparison", "estimate"])
    assert_allclose(total.to_numpy() + searching.to_numpy(), 0, atol=1e-12)


def test_balance_weights_and_publication(tte, exits):
    assert isinstance(exits.balance, BalanceResult)
    alone = balance(tte, COVARIATES, exits.propensity, weights=exits.weights)
    assert exits.balance.table.equals(alone.table)
    assert exits.table["n_risk_treated"].gt(0).all()
    assert_safely_published(exits)
    assert_safely_published(exits, "curve_table")
    _, ax = plt.subplots()
    assert exits.plot(ax=ax, ticks=[0, 6, 12]) is ax
    assert "job: DUO for a JOB" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close("all")


def test_compare_exits_arguments_are_checked(tte):
    with pytest.raises(ValueError, match="covariates must name at least one column"):
        compare_exits(tte, "time", "event", "programme", [], treated="DUO for a JOB")
    with pytest.raises(ValueError, match="n_boot must be an integer of at least 2"):
        compare_exits(tte, "time", "event", "programme", ["age"], treated="DUO for a JOB",
                      n_boot=1)
    with pytest.raises(ValueError, match="horizons must be positive numbers"):
        compare_exits(tte, "time", "event", "programme", ["age"], treated="DUO for a JOB",
                      horizons=[-1])
    with pytest.raises(ValueError, match="not_a_column"):
        compare_exits(tte, "time", "event", "programme", ["not_a_column"],
                      treated="DUO for a JOB")
