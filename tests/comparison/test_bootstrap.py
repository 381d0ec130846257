"""Bootstrap intervals of the adjusted effects: seeded, refitting every model."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evalkit import EvalkitWarning
from evalkit.comparison import bootstrap_effect, programme_effect, propensity_score
from tests.comparison.samples import PS_FORMULA

#: Replicate estimates of the implementation before bootstrap_effect took a fitted
#: PropensityResult (evalkit.comparison.bootstrap_effect(data, outcome, formula,
#: treated=...) at commit 6a8133d), printed with repr on _reference_data():
#: (data, "y", "g ~ x + C(c)", treated="a", estimand="ATT", truncate=0.95, n_boot=4,
#: cluster="site", rng=7), columns ipw_risk_difference, ipw_risk_ratio,
#: aipw_risk_difference, aipw_risk_ratio ...
REFERENCE_BINARY = [
    [0.12383232963884183, 1.2467958945776092, 0.11844935178520821, 1.2335620062568555],
    [0.12910614944514776, 1.2474779424682843, 0.1854995243799526, 1.3986715366680191],
    [0.083693811505122, 1.1608671669352137, 0.07382655694241802, 1.139260223546839],
    [0.04150328477741183, 1.0712739826493995, 0.045464924573087706, 1.0786121710708687],
]
#: ... and (data, "z", "g ~ x + C(c)", treated="a", estimand="ATO",
#: outcome_formula="x", n_boot=3, rng=5), columns ipw_mean_difference,
#: aipw_mean_difference.
REFERENCE_CONTINUOUS = [
    [1.2118054333156658, 1.215916041016488],
    [1.024940446066477, 1.0228644760290153],
    [1.2624057923287482, 1.260400905156704],
]


def _reference_data(seed=20):
    """400 people, a confounder x, a three-level covariate c, 30 sites, two outcomes."""
    rng = np.random.default_rng(seed)
    n = 400
    df = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "c": rng.choice(["p", "q", "r"], n),
            "site": rng.integers(0, 30, n),
        }
    )
    lp = 0.8 * df.x + 0.5 * (df.c == "q")
    df["g"] = np.where(rng.random(n) < 1 / (1 + np.exp(-lp)), "a", "b")
    df["y"] = (rng.random(n) < 1 / (1 + np.exp(-(0.5 * df.x + 0.4 * (df.g == "a"))))).astype(float)
    df["z"] = df.x + (df.g == "a") + rng.normal(size=n)
    return df


def test_replicates_equal_those_of_the_formula_interface():
    """Passing the fitted model gives the draws of the old (formula, treated=) form exactly."""
    data = _reference_data()
    ps = propensity_score(data, "g ~ x + C(c)", treated="a")
    binary = bootstrap_effect(
        data, "y", ps, estimand="ATT", truncate=0.95, n_boot=4, cluster="site", rng=7
    )
    assert list(binary.draws.columns) == [
        "ipw_risk_difference", "ipw_risk_ratio", "aipw_risk_difference", "aipw_risk_ratio"
    ]
    assert_allclose(binary.draws.to_numpy(), REFERENCE_BINARY, rtol=1e-12)
    continuous = bootstrap_effect(
        data, "z", ps, estimand="ATO", outcome_formula="x", n_boot=3, rng=5
    )
    assert list(continuous.draws.columns) == ["ipw_mean_difference", "aipw_mean_difference"]
    assert_allclose(continuous.draws.to_numpy(), REFERENCE_CONTINUOUS, rtol=1e-12)


def test_cluster_bootstrap_is_seeded(sample):
    small = sample.head(2000)
    ps = propensity_score(small, PS_FORMULA, treated="DUO for a JOB")
    a = bootstrap_effect(small, "job_within_12m", ps, n_boot=20, cluster="mentor_id", rng=3)
    b = bootstrap_effect(small, "job_within_12m", ps, n_boot=20, cluster="mentor_id", rng=3)
    pd.testing.assert_frame_equal(a.table, b.table)
    table = a.table
    assert (table["ci_low"] < table["estimate"]).all()
    assert (table["estimate"] < table["ci_high"]).all()
    assert a.n_clusters == small["mentor_id"].nunique()
    assert set(table["measure"]) == {"risk_difference", "risk_ratio"}


@pytest.mark.parametrize("cluster", [None, "mentor_id"])
def test_bootstrap_replicate_equals_a_refit_on_the_resampled_rows(sample, cluster):
    """A replicate (frequency weights) = every model refitted on the drawn rows."""
    from evalkit._stats.resample import bootstrap_counts, resampling_units

    small = sample.head(1500)
    options = {"estimand": "ATE", "truncate": 0.95}
    small_ps = propensity_score(small, PS_FORMULA, treated="DUO for a JOB")
    boot = bootstrap_effect(
        small, "job_within_12m", small_ps, n_boot=2, cluster=cluster, rng=8, **options
    )
    codes, n_units = resampling_units(small, cluster)
    counts = bootstrap_counts(codes, n_units, np.random.default_rng(8)).astype(int)
    drawn = small.iloc[np.repeat(np.arange(len(small)), counts)].reset_index(drop=True)
    with warnings.catch_warnings():  # a replicate may lack a level in one group, or
        warnings.simplefilter("ignore", EvalkitWarning)  # hold near-separated people
        ps = propensity_score(drawn, PS_FORMULA, treated="DUO for a JOB")
        refit = programme_effect(
            drawn, "job_within_12m", ps, estimand="ATE", truncate=options["truncate"]
        ).table.set_index(["method", "measure"])
    for method in ("ipw", "aipw"):
        for measure in ("risk_difference", "risk_ratio"):
            assert_allclose(
                boot.draws[f"{method}_{measure}"].iloc[0],
                refit.loc[(method, measure), "estimate"],
                rtol=1e-8,
            )


def test_bootstrap_arguments_are_checked():
    data = _reference_data()
    ps = propensity_score(data, "g ~ x + C(c)", treated="a")
    with pytest.raises(ValueError, match="n_boot must be an integer of at least 2, but was 1"):
        bootstrap_effect(data, "y", ps, n_boot=1)
    with pytest.raises(ValueError, match="data has 100 rows but the propensity model"):
        bootstrap_effect(data.head(100), "y", ps, n_boot=5)
    with pytest.raises(ValueError, match=r"truncate must be a quantile in \(0.5, 1\)"):
        bootstrap_effect(data, "y", ps, truncate=0.3, n_boot=5)
    gaps = data.assign(site=data["site"].astype(float).where(data.index != 7))
    with pytest.raises(ValueError, match="cluster column 'site' has missing values in 1 rows"):
        bootstrap_effect(gaps, "y", ps, cluster="site", n_boot=5)


def test_replicate_whose_warm_started_fit_stalls_is_refitted_from_zero():
    """Issue 17 (whole-pipeline study): a replicate that drew a rare level's comparison
    person four times sent the warm-started propensity refit (full-data information) to
    fitted probabilities of 0 or 1, where the iterations stalled: that person's weight
    was 10^12 and a bootstrap SE of the AIPW risk difference 765,333. The replicate's
    scores are now the maximum likelihood fit on the drawn rows (as from zero)."""
    from evalkit._stats.logistic import fit_logistic
    from evalkit.comparison.bootstrap import _replicate_scores

    rng = np.random.default_rng(3)
    n = 120
    df = pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(["p", "q"], n)})
    df["g"] = np.where(rng.random(n) < 1 / (1 + np.exp(-df.x)), "a", "b")
    df.loc[0:2, "c"], df.loc[0:2, "g"] = "r", ["a", "a", "b"]  # two rare levels
    df.loc[3:5, "c"], df.loc[3:5, "g"] = "s", ["b", "a", "a"]
    ps = propensity_score(df, "g ~ x + C(c)", treated="a")
    counts = rng.poisson(1.0, n).astype(float)
    counts[:6] = [1, 2, 4, 0, 1, 0]
    rows = np.flatnonzero(counts)
    x, t, c = ps.design[rows], ps.treated[rows].astype(float), counts[rows]
    stalled = fit_logistic(x, t, weights=c, start=ps.coefficients, hessian=ps.information,
                           exact=False)[2]
    assert np.where(t == 1, stalled, 1 - stalled).min() < 1e-12  # the failure mode
    e = _replicate_scores(ps, x, t, c)
    assert_allclose(e, fit_logistic(x, t, weights=c)[2], rtol=1e-8)
    assert np.where(t == 1, e, 1 - e).min() > 0.01
