"""Fixtures of the comparison tests: one simulated sample and its propensity model."""

import pytest

from evalkit.comparison import propensity_score
from tests.comparison.samples import PS_FORMULA, overlap_sample


@pytest.fixture(scope="package")
def sample():
    return overlap_sample(6000, 5)


@pytest.fixture(scope="package")
def ps(sample):
    return propensity_score(sample, PS_FORMULA, treated="DUO for a JOB")
