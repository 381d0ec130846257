"""Shared test configuration."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _numpy_floating_point_errors_as_at_start():
    """numpy's floating-point error handling restored after each test: lifelines'
    ``KaplanMeierFitter`` (a reference in some tests) sets it to ignore for the whole
    process, which hid numpy's warnings from the tests that ran after it."""
    before = np.geterr()
    yield
    np.seterr(**before)
