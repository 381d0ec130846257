"""The logistic fit shared by the propensity and outcome models (evalkit._stats.logistic)."""

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

#: Iterative fits against statsmodels: coefficients, and standard errors.
ITERATIVE_RTOL = 1e-5
SE_RTOL = 1e-4


def _large_logistic_data(n, rng):
    """A design with an intercept, skewed and binary covariates, and a logistic response."""
    rng = np.random.default_rng(rng)
    x = np.column_stack(
        [np.ones(n), rng.normal(size=n), rng.exponential(size=n), rng.random(n) < 0.3]
    ).astype(float)
    t = (rng.random(n) < 1 / (1 + np.exp(-(x @ [-0.4, 0.8, -0.5, 1.0])))).astype(float)
    return np.asfortranarray(x), t


def test_large_logistic_fit_is_the_maximum_likelihood_solution():
    """Above 50,000 rows the fit starts from subsamples; it still solves the score equations."""
    from evalkit._stats.logistic import fit_logistic

    x, t = _large_logistic_data(160_000, 3)
    beta, information, p = fit_logistic(x, t)
    assert_allclose(p, 1 / (1 + np.exp(-x @ beta)), rtol=1e-14)
    assert_allclose(information, x.T @ (x * (p * (1 - p))[:, None]), rtol=1e-12)
    # Distance to the maximum found by exact Newton steps: the deviance still to gain
    # is below the stopping rule's 1e-16 per person.
    reference = beta.copy()
    for _ in range(3):
        q = 1 / (1 + np.exp(-x @ reference))
        exact = x.T @ (x * (q * (1 - q))[:, None])
        reference += np.linalg.solve(exact, x.T @ (t - q))
    assert (beta - reference) @ exact @ (beta - reference) < 1e-16 * len(t)
    # The score equations hold: overlap weights balance the covariates exactly.
    w = np.where(t == 1, 1 - p, p)
    treated = (w * t) @ x / (w * t).sum()
    comparison = (w * (1 - t)) @ x / (w * (1 - t)).sum()
    assert_allclose(treated, comparison, rtol=0, atol=1e-8)


def test_large_logistic_frequency_weights_equal_repeated_rows():
    from evalkit._stats.logistic import fit_logistic

    x, t = _large_logistic_data(70_000, 4)
    counts = np.random.default_rng(5).integers(0, 4, len(t)).astype(float)
    weighted = fit_logistic(x, t, weights=counts)
    reps = counts.astype(int)
    repeated = fit_logistic(np.repeat(x, reps, axis=0), np.repeat(t, reps))
    assert_allclose(weighted[0], repeated[0], rtol=1e-9)
    assert_allclose(weighted[1], repeated[1], rtol=1e-9)


def test_expit_and_weighted_gram_equal_their_definitions():
    from scipy.special import expit as scipy_expit

    from evalkit._stats.logistic import expit
    from evalkit._stats.mestimation import weighted_gram

    z = np.concatenate([np.linspace(-800, 800, 20_001), np.random.default_rng(6).normal(size=50)])
    reference = scipy_expit(z)
    assert_allclose(expit(z.copy()), reference, rtol=4e-16, atol=1e-300)
    x = np.asfortranarray(np.random.default_rng(7).normal(size=(40_000, 5)))
    v = np.random.default_rng(8).random(40_000)
    assert_allclose(weighted_gram(x, v), x.T @ (v[:, None] * x), rtol=1e-13)


@pytest.mark.parametrize(("n", "seed", "intercept"), [(80_000, 1, -7.6), (200_000, 2, -8.5)])
def test_large_logistic_fit_survives_a_separated_subsample(n, seed, intercept):
    """With about 60 events, the subsamples that give a large fit its start are separated."""
    from evalkit._stats.logistic import fit_logistic

    rng = np.random.default_rng(seed)
    x = np.column_stack(
        [np.ones(n), rng.normal(size=n), rng.random(n) < 0.05, rng.normal(size=(n, 4))]
    )
    x = np.asfortranarray(x.astype(float))
    eta = intercept + 0.5 * x[:, 1] + x[:, 2]
    t = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    assert t.sum() < 70
    logit = sm.Logit(t, x).fit(disp=0)
    beta, information, _ = fit_logistic(x, t)
    assert_allclose(beta, logit.params, rtol=ITERATIVE_RTOL)
    assert_allclose(np.sqrt(np.diag(np.linalg.inv(information))), logit.bse, rtol=SE_RTOL)


def test_separating_terms_flags_the_infinite_coefficients_only():
    from evalkit._stats.logistic import separating_terms

    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(300), rng.normal(size=300)])
    y = (rng.random(300) < 1 / (1 + np.exp(-x[:, 1]))).astype(float)
    assert not separating_terms(x, y).any()
    assert separating_terms(x, (x[:, 1] > 0).astype(float)).all()  # complete separation
    rare = (rng.random(300) < 0.05).astype(float)  # a level without events: quasi-complete
    flags = separating_terms(np.column_stack([x, rare]), np.where(rare == 1, 0.0, y))
    assert flags.tolist() == [False, False, True]
