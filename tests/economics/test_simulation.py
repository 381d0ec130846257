"""Coverage of Fieller's interval under its model (slow: a simulation study)."""

import numpy as np
import pytest

from evalkit.economics import fieller_interval

pytestmark = pytest.mark.slow


def test_fieller_interval_covers_the_true_icer_at_its_level():
    # (dC, dE) bivariate normal around (150, 0.15) with known covariance; the true ratio
    # is 1,000. 2,000 replicates: the coverage's Monte Carlo SE is about 0.005.
    rng = np.random.default_rng(20241)
    cov = np.array([[40.0**2, 0.3 * 40 * 0.05], [0.3 * 40 * 0.05, 0.05**2]])
    draws = rng.multivariate_normal([150.0, 0.15], cov, size=2000)
    covered = bounded = 0
    for dc, de in draws:
        f = fieller_interval(dc, de, cov[0, 0], cov[1, 1], cov[0, 1])
        if f.kind == "bounded":
            bounded += 1
            low, high = f.table[["ci_low", "ci_high"]].iloc[0]
            covered += low <= 1000.0 <= high
        elif f.kind == "exclusive":
            low, high = f.outer
            covered += 1000.0 <= low or 1000.0 >= high
        else:
            covered += 1
    assert 0.935 <= covered / len(draws) <= 0.965
    # bounded when |dE| / se > 1.96: P = Phi(3 - 1.96) + Phi(-3 - 1.96) = 0.851
    assert 0.82 <= bounded / len(draws) <= 0.88
