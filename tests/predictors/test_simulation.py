"""Simulation studies of evalkit.predictors (seeded; slow, run in CI).

Coverage of the odds-ratio and marginal-effect CIs with known coefficients, and of
cluster-robust CIs when outcomes are correlated within mentors; the grouped jackknife
SE of the partial dependence against a mentor-cluster bootstrap.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evalkit.predictors import cross_validate_models, odds_ratios
from tests.predictors.shared import PREDICTORS, predictor_frame

pytestmark = pytest.mark.slow

#: With R replications, a 95% CI's empirical coverage has SD sqrt(.95*.05/R) (~0.007 at
#: R=1000): accept 3 SD either side.
REPS = 1000
BAND = (0.95 - 3 * np.sqrt(0.95 * 0.05 / REPS), 0.95 + 3 * np.sqrt(0.95 * 0.05 / REPS))


def _expit(x):
    return 1 / (1 + np.exp(-x))


def test_odds_ratio_and_marginal_effect_cis_cover_the_truth():
    """Known coefficients: continuous age, a 3-level categorical, a binary term."""
    rng = np.random.default_rng(11)
    n = 1000
    beta = {"Intercept": -0.3, "age": -0.03, "B": 0.5, "C": -0.4, "sp": -0.6}
    hits_or = np.zeros(4)
    hits_me = np.zeros(4)
    for _ in range(REPS):
        age = rng.integers(18, 60, n).astype(float)
        level = rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2])
        sp = rng.random(n) < 0.3

        def eta(age=age, level=level, sp=sp):
            return (
                beta["Intercept"]
                + beta["age"] * (age - 40)
                + beta["B"] * (level == "B")
                + beta["C"] * (level == "C")
                + beta["sp"] * sp
            )

        y = (rng.random(n) < _expit(eta())).astype(int)
        frame = pd.DataFrame({"y": y, "age": age - 40, "education": level, "single_parent": sp})
        r = odds_ratios(frame, "y ~ age + education + single_parent")
        truth = np.exp([beta["age"], beta["B"], beta["C"], beta["sp"]])
        t = r.table
        hits_or += ((t["ci_low"] <= truth) & (truth <= t["ci_high"])).to_numpy()
        # AMEs conditional on the sample's covariates (what the delta-method SE targets)
        p = _expit(eta())
        true_me = 100 * np.array(
            [
                np.mean(beta["age"] * p * (1 - p)),
                np.mean(_expit(eta(level=np.full(n, "B"))) - _expit(eta(level=np.full(n, "A")))),
                np.mean(_expit(eta(level=np.full(n, "C"))) - _expit(eta(level=np.full(n, "A")))),
                np.mean(_expit(eta(sp=np.ones(n, bool))) - _expit(eta(sp=np.zeros(n, bool)))),
            ]
        )
        me = r.marginal_effects
        hits_me += ((me["ci_low"] <= true_me) & (true_me <= me["ci_high"])).to_numpy()
    coverage_or, coverage_me = hits_or / REPS, hits_me / REPS
    assert ((coverage_or >= BAND[0]) & (coverage_or <= BAND[1])).all(), coverage_or
    assert ((coverage_me >= BAND[0]) & (coverage_me <= BAND[1])).all(), coverage_me


def test_cluster_robust_cis_cover_when_outcomes_correlate_within_mentors():
    """Marginally logistic outcomes, correlated within 80 mentors (Gaussian copula,
    latent correlation 0.3) and a mentor-level predictor: model-based CIs under-cover,
    cluster-robust CIs cover."""
    rng = np.random.default_rng(12)
    n_mentors, size, rho = 80, 6, 0.3
    mentor = np.repeat(np.arange(n_mentors), size)
    hits = {"nonrobust": 0, "cluster": 0}
    for _ in range(REPS):
        x = rng.normal(size=n_mentors)[mentor]  # mentor-level characteristic
        p = _expit(-0.2 + 0.5 * x)
        latent = np.sqrt(rho) * rng.normal(size=n_mentors)[mentor] + np.sqrt(1 - rho) * (
            rng.normal(size=len(mentor))
        )
        y = (stats.norm.cdf(latent) < p).astype(int)
        frame = pd.DataFrame({"y": y, "mentor_age": x, "mentor_id": mentor})
        for cov_type, cluster in (("nonrobust", None), ("cluster", "mentor_id")):
            t = odds_ratios(frame, "y ~ mentor_age", cluster=cluster).table
            hits[cov_type] += int(t.loc[0, "ci_low"] <= np.exp(0.5) <= t.loc[0, "ci_high"])
    assert BAND[0] <= hits["cluster"] / REPS <= BAND[1], hits
    assert hits["nonrobust"] / REPS < BAND[0], hits


#: Bootstrap replicates: the bootstrap SE itself is then within about 7% (1/sqrt(2B)).
BOOTSTRAP_REPS = 100
#: Jackknife over bootstrap SE, averaged over a curve's grid points. The jackknife has
#: about N - 1 = 14 degrees of freedom (SD of an SE about 19%); seen: 0.84-0.98.
SE_RATIO_BAND = (0.6, 1.6)


def test_partial_dependence_jackknife_se_agrees_with_a_mentor_bootstrap(data):
    """The grouped jackknife SE of the partial dependence (notebook design: 5 folds, 3
    repetitions) against refitting the full-data pipelines on mentor-cluster bootstrap
    samples, each curve averaged over its sample's rows (slow: ~30 s)."""
    from threadpoolctl import threadpool_limits

    from evalkit.predictors.learners import _pipelines
    from evalkit.predictors.partial_dependence import _partial_dependence_curve

    cv = cross_validate_models(
        data,
        "job_within_12m",
        PREDICTORS,
        fold_group="mentor_id",
        n_splits=5,
        n_repeats=3,
        n_permutations=1,
        n_partial_dependence=3,
        rng=0,
    )
    x, numeric, categorical = predictor_frame(data)
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
