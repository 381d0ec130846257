"""Data and tolerances shared by the comparison tests (not a test module)."""

import numpy as np
import pandas as pd

from evalkit.data.outcomes import job_within
from evalkit.data.schema import EDUCATION_LEVELS, LANGUAGE_LEVELS
from evalkit.data.synthetic import simulate_participants

CLOSED_FORM_RTOL = 1e-7
ITERATIVE_RTOL = 1e-5
SE_RTOL = 1e-4
PS_FORMULA = (
    "programme ~ C(education) + C(language_level) + months_unemployed + C(gender)"
    " + single_parent + age"
)


# The generator's true propensity model: logistic in the ordinal codes of education and
# language level, months unemployed, female and single parent.
TRUE_PS_FORMULA = "programme ~ edu + lang + months_unemployed + female + single_parent"


def overlap_sample(n, rng):
    """People both programmes could enrol (Brussels, 18-33, non-EU) with a 12-month outcome."""
    df = simulate_participants(n, rng=rng)
    both = (df.site == "Brussels") & (df.age <= 33) & (df.migration_background == "non-EU")
    data = job_within(df[both].reset_index(drop=True), 12).data
    return data.assign(
        edu=pd.Categorical(data.education, categories=EDUCATION_LEVELS).codes,
        lang=pd.Categorical(data.language_level, categories=LANGUAGE_LEVELS).codes,
        female=(data.gender == "female").astype(float),
    )


# --- A harder design: strong confounding and limited overlap (1st-99th percentile of the
# true score 0.011-0.949), binary confounder, heterogeneous effect on the risk scale.
HARD_PS = (-0.4, 1.3, -1.0, 0.8)
HARD_Y = (-0.3, 1.0, 0.5, -0.7, 0.6)


def hard_sample(n, rng):
    x1, x3 = rng.normal(size=n), rng.normal(size=n)
    x2 = (rng.random(n) < 0.4).astype(float)
    a = HARD_PS
    e = 1 / (1 + np.exp(-(a[0] + a[1] * x1 + a[2] * x2 + a[3] * x3)))
    t = rng.random(n) < e
    b = HARD_Y
    lp = b[0] + b[1] * x1 + b[2] * x2 + b[3] * x3
    y = (rng.random(n) < 1 / (1 + np.exp(-(lp + b[4] * t)))).astype(float)
    data = pd.DataFrame({"x1": x1, "x2": x2, "x3": x3, "g": np.where(t, "T", "C"), "y": y})
    return data, e, lp


def hard_truth():
    """True ATE, ATT and ATO risk differences by Monte Carlo on 2 million draws (MC SE < 3e-4)."""
    data, e, lp = hard_sample(2_000_000, np.random.default_rng(0))
    tau = 1 / (1 + np.exp(-(lp + HARD_Y[4]))) - 1 / (1 + np.exp(-lp))
    h = e * (1 - e)
    return {
        "ATE": tau.mean(),
        "ATT": tau[data.g.to_numpy() == "T"].mean(),
        "ATO": np.sum(h * tau) / h.sum(),
    }
