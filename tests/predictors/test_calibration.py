"""Calibration and Brier score: cluster-robust variances against statsmodels' cluster
sandwich, Wilson intervals on the clustered effective size.
"""

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.testing import assert_allclose

from evalkit.predictors import cross_validate_models
from tests.predictors.shared import METRICS_ONLY, PREDICTORS


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
    from evalkit.predictors.calibration import _calibration_curve, _wilson

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
