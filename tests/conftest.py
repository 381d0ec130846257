"""Shared test configuration."""

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# The property tests (hypothesis) draw the same examples on every run, so that a red CI
# means that a change broke something; ``pytest --hypothesis-profile=explore`` draws new
# ones (a failure found that way is kept as a test of its own).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")


@pytest.fixture(autouse=True)
def _numpy_floating_point_errors_as_at_start():
    """numpy's floating-point error handling restored after each test: lifelines'
    ``KaplanMeierFitter`` (a reference in some tests) sets it to ignore for the whole
    process, which hid numpy's warnings from the tests that ran after it."""
    before = np.geterr()
    yield
    np.seterr(**before)
