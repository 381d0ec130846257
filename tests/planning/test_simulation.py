"""Empirical power at the planned sizes (slow: simulation studies)."""

import numpy as np
import pytest
from scipy import stats

from evalkit.planning import sample_size_paired, sample_size_proportions

pytestmark = pytest.mark.slow


def test_two_proportion_z_test_reaches_the_planned_power():
    # 4,000 simulated studies at the planned size: power 0.80, Monte Carlo SE 0.006
    p1, p2 = 0.51, 0.45
    n = int(sample_size_proportions(p1, p2, method="pooled").table["required"].iloc[0])
    rng = np.random.default_rng(20241)
    x1, x2 = rng.binomial(n, p1, 4000), rng.binomial(n, p2, 4000)
    pooled = (x1 + x2) / (2 * n)
    z = (x1 / n - x2 / n) / np.sqrt(pooled * (1 - pooled) * 2 / n)
    power = np.mean(np.abs(z) > stats.norm.isf(0.025))
    assert 0.78 <= power <= 0.82


def test_paired_t_test_reaches_the_planned_power():
    n = int(sample_size_paired(0.3).table["required"].iloc[0])
    rng = np.random.default_rng(7)
    changes = rng.normal(0.3, 1.0, size=(4000, n))
    p = stats.ttest_1samp(changes, 0.0, axis=1).pvalue
    assert 0.78 <= np.mean(p < 0.05) <= 0.83
