"""Seeded data for the economics tests: two programmes, selection on x, a job outcome."""

import numpy as np
import pandas as pd
import pytest

from evalkit.comparison import propensity_score


def make_sample(n=600, effect=0.15, seed=5):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.normal(size=n)})
    df["programme"] = np.where(rng.random(n) < 1 / (1 + np.exp(-0.6 * df.x)), "A", "B")
    df["duo_formed"] = rng.random(n) < 0.8
    df["duo_completed"] = df["duo_formed"] & (rng.random(n) < 0.85)
    risk = 1 / (1 + np.exp(-(-0.6 + 0.5 * df.x))) + effect * (df.programme == "A")
    df["job"] = (rng.random(n) < risk.clip(0, 1)).astype(int)
    return df


@pytest.fixture(scope="module")
def sample():
    return make_sample()


@pytest.fixture(scope="module")
def ps(sample):
    return propensity_score(sample, "programme ~ x", treated="A")
