"""Cost per extra job: adjusted estimates, paired bootstrap, Fieller, statuses, plots."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose

from evalkit.comparison import programme_effect
from evalkit.economics import cost_effectiveness, costs_from_totals
from evalkit.errors import EvalkitWarning
from evalkit.reporting.disclosure import publish
from evalkit.reporting.format import format_table
from tests.economics.conftest import make_sample
from tests.published import assert_safely_published

CLOSED_FORM = 1e-7
COSTS = costs_from_totals({"A": 10_000.0, "B": 6_000.0}, {"A": 20, "B": 20})


def test_estimates_are_the_comparison_family_adjusted_differences(sample, ps):
    ce = cost_effectiveness(sample, "job", ps, COSTS, n_boot=0, estimand="ATT")
    effect = programme_effect(sample, "job", ps, estimand="ATT", methods=("aipw",)).table
    assert_allclose(ce.estimate("incremental_effect"), effect["estimate"].iloc[0],
                    rtol=CLOSED_FORM)
    cost = sample.assign(c=np.where(sample.programme == "A", 500.0, 300.0) * sample.duo_formed)
    d_cost = programme_effect(cost, "c", ps, estimand="ATT", methods=("aipw",)).table
    assert_allclose(ce.estimate("incremental_cost"), d_cost["estimate"].iloc[0],
                    rtol=CLOSED_FORM)
    assert_allclose(ce.estimate("icer"), ce.estimate("incremental_cost")
                    / ce.estimate("incremental_effect"), rtol=CLOSED_FORM)
    assert ce.draws.empty and ce.table["ci_low"].isna().all()
    with pytest.raises(ValueError, match="no bootstrap replicates"):
        ce.acceptability()


def test_known_answer_cost_proportional_to_jobs_gives_a_constant_icer(sample, ps):
    # Constructed case: a duo is formed exactly when a job is found and a duo costs
    # 1,000 euro in both programmes, so each person's cost is 1,000 x job and, with the
    # (linear) IPW means, dC = 1,000 dE in the sample and in every paired replicate:
    # the ICER is 1,000 and both intervals collapse on it.
    data = sample.assign(duo_formed=sample.job.astype(bool))
    costs = costs_from_totals({"A": 20_000.0, "B": 20_000.0}, {"A": 20, "B": 20})
    ce = cost_effectiveness(data, "job", ps, costs, method="ipw", n_boot=60, rng=4)
    assert_allclose(ce.estimate("icer"), 1000.0, rtol=CLOSED_FORM)
    assert_allclose(ce.draws["incremental_cost"], 1000.0 * ce.draws["incremental_effect"],
                    rtol=CLOSED_FORM)
    icer = ce.table[ce.table.quantity == "icer"]
    assert_allclose(icer[["ci_low", "ci_high"]].to_numpy(), 1000.0, rtol=1e-6)


def test_bootstrap_and_fieller_intervals_of_a_clear_effect(ps, sample):
    ce = cost_effectiveness(sample, "job", ps, COSTS, n_boot=120, rng=1)
    assert ce.status == "icer" and len(ce.draws) == 120
    icer = ce.table[ce.table.quantity == "icer"].set_index("interval")
    for interval in ("bootstrap", "fieller"):
        low, high = icer.loc[interval, ["ci_low", "ci_high"]]
        assert low < ce.estimate("icer") < high and icer.loc[interval, "bounded"]
    cost = ce.table[ce.table.quantity == "incremental_cost"].iloc[0]
    assert_allclose(cost["std_error"], ce.draws["incremental_cost"].std(ddof=1))
    ceac = ce.acceptability().table
    assert ceac["probability"].is_monotonic_increasing
    ax = ce.plot(wtp=2000)
    assert ax.get_xlabel().startswith("extra jobs")
    plt.close(ax.figure)
    plt.close(ce.acceptability().plot().figure)


def test_an_effect_whose_ci_includes_zero_gives_no_ci_and_says_so():
    data = make_sample(n=300, effect=0.06, seed=10)  # AIPW effect 0.075 (-0.034, 0.184)
    from evalkit.comparison import propensity_score
    ps = propensity_score(data, "programme ~ x", treated="A")
    with pytest.warns(EvalkitWarning, match="interval is unbounded and is not reported"):
        ce = cost_effectiveness(data, "job", ps, COSTS, n_boot=60, rng=2)
    icer = ce.table[ce.table.quantity == "icer"]
    assert icer[["ci_low", "ci_high"]].isna().all(axis=None)
    assert not icer["bounded"].any()
    assert np.abs(icer["estimate"]).lt(1e6).all() or icer["estimate"].isna().all()


def test_dominance_and_fewer_jobs_are_named_not_divided(sample, ps):
    cheaper = costs_from_totals({"A": 2_000.0, "B": 6_000.0}, {"A": 20, "B": 20})
    with pytest.warns(EvalkitWarning, match=r"costs no more and finds more jobs \(dominant\)"):
        ce = cost_effectiveness(sample, "job", ps, cheaper, n_boot=0)
    assert ce.status == "dominant" and np.isnan(ce.estimate("icer"))
    flipped = sample.assign(job=1 - sample.job)
    with pytest.warns(EvalkitWarning, match="dominated"):
        ce = cost_effectiveness(flipped, "job", ps, COSTS, n_boot=0)
    assert ce.status == "dominated" and np.isnan(ce.estimate("icer"))
    with pytest.warns(EvalkitWarning, match="saving per job lost"):
        ce = cost_effectiveness(flipped, "job", ps, cheaper, n_boot=0)
    assert ce.status == "cheaper_fewer_jobs"


def test_costs_of_both_programmes_are_required(sample, ps):
    only_a = costs_from_totals({"A": 1000.0}, {"A": 2})
    with pytest.raises(ValueError, match="the costs have no programme 'B'"):
        cost_effectiveness(sample, "job", ps, only_a, n_boot=0)
    with pytest.raises(ValueError, match="n_boot must be 0"):
        cost_effectiveness(sample, "job", ps, COSTS, n_boot=1)


def test_published_table_is_rounded(sample, ps):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvalkitWarning)
        ce = cost_effectiveness(sample, "job", ps, COSTS, n_boot=20, rng=0)
    out = assert_safely_published(ce)
    assert out["n"].iloc[0] == len(sample)


def test_cluster_bootstrap_resamples_mentors(sample, ps):
    data = sample.assign(mentor=np.arange(len(sample)) // 5)
    ce = cost_effectiveness(data, "job", ps, COSTS, cluster="mentor", n_boot=30, rng=3)
    people = cost_effectiveness(data, "job", ps, COSTS, n_boot=30, rng=3)
    assert_allclose(ce.estimate("icer"), people.estimate("icer"), rtol=CLOSED_FORM)
    assert not np.allclose(ce.draws, people.draws)


def test_published_rows_have_the_decimals_of_their_unit(sample, ps):
    ce = cost_effectiveness(sample, "job", ps, COSTS, n_boot=20, rng=0)
    out = assert_safely_published(ce).set_index(["quantity", "interval"])
    for quantity, places in (("incremental_cost", 0), ("icer", 0), ("incremental_effect", 3)):
        shown = out.loc[quantity, ["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)
        np.testing.assert_array_equal(shown, np.round(ce.table.set_index("quantity").loc[
            [quantity], ["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float), places))
    printed = format_table(publish(ce)).table
    assert printed["Estimate"].iloc[[0, 2]].str.fullmatch(r"[\d,]+").all()  # whole euros
    assert printed["Estimate"].iloc[1].count(".") == 1 and len(
        printed["Estimate"].iloc[1].split(".")[1]) == 3


def test_the_plane_is_labelled_in_the_report_language(sample, ps):
    ce = cost_effectiveness(sample, "job", ps, COSTS, n_boot=20, rng=0)
    ax = ce.plot(wtp=2000, language="fr")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["réplications bootstrap", "estimation",
                      "2\u202f000\u00a0€ par emploi supplémentaire"]
    assert ax.get_xlabel().startswith("emplois supplémentaires par participant")
    assert ax.get_ylabel() == "coût supplémentaire par participant (€)"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="language"):
        ce.plot(language="de")
    plt.close("all")
