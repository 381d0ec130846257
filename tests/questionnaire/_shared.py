"""Paths, tolerances, reference data and simulated data shared by the questionnaire tests."""

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
RSE_YAML = ROOT / "params" / "scales" / "rse.yaml"
QUESTIONNAIRE_CSV = ROOT / "evaldata" / "questionnaire.csv"

CLOSED_FORM_RTOL = 1e-7
REFERENCE_RTOL = 1e-10  # same formula in the reference library
CLOSED_FORM_ATOL = 1e-10
ITERATIVE_ATOL = 1e-5
PINGOUIN_ROUNDED_ATOL = 5e-4 + 1e-12  # pingouin rounds alpha's interval to 3 decimals
OMEGA_ATOL = 1e-6  # two ML fits (sklearn EM vs statsmodels), measured agreement 6e-8

ATTRITION_METHODS_ORDER = ("complete_case", "ipw", "multiple_imputation")


#: psych::bfi's five scales with psych's keys ("-": reverse-keyed on the 1-6 answers).
BFI_KEYS = {
    "agreeableness": ["-A1", "A2", "A3", "A4", "A5"],
    "conscientiousness": ["C1", "C2", "C3", "-C4", "-C5"],
    "extraversion": ["-E1", "-E2", "E3", "E4", "E5"],
    "neuroticism": ["N1", "N2", "N3", "N4", "N5"],
    "openness": ["O1", "-O2", "O3", "O4", "-O5"],
}


def bfi_scale(bfi, scale):
    """Keyed item columns of one psych::bfi scale (reverse-keyed items as 7 - answer)."""
    cols = {}
    for key in BFI_KEYS[scale]:
        item = key.lstrip("-")
        x = bfi[item].astype("float64")
        cols[item] = 7 - x if key.startswith("-") else x
    return pd.DataFrame(cols)


def row(result, term):
    """The row of ``term`` in a paired-change table."""
    return result.table.set_index("term").loc[term]


def mar_data(n=800, seed=5):
    """MAR attrition: answering depends on the pre score and a job; ``full`` is the post score."""
    rng = np.random.default_rng(seed)
    pre = rng.normal(2.8, 0.6, n)
    job = rng.random(n) < 0.35
    post = pre + 0.2 + 0.3 * job + rng.normal(0, 0.4, n)
    p = 1 / (1 + np.exp(-(-0.3 + 1.5 * job + 0.8 * (pre - 2.8))))
    answered = rng.random(n) < p
    return pd.DataFrame(
        {"pre": pre, "post": np.where(answered, post, np.nan), "job": job, "full": post}
    )


def mar_data_by_group(n=1_000, seed=11):
    """Two programmes; B changes 0.15 more and answers less often; answering depends on a job."""
    rng = np.random.default_rng(seed)
    b = rng.random(n) < 0.5
    pre = rng.normal(2.8, 0.6, n)
    job = rng.random(n) < 0.35
    post = pre + 0.2 + 0.15 * b + 0.3 * job + rng.normal(0, 0.4, n)
    p = 1 / (1 + np.exp(-(0.2 - 0.6 * b + 1.5 * job + 0.8 * (pre - 2.8))))
    answered = rng.random(n) < p
    return pd.DataFrame(
        {"pre": pre, "post": np.where(answered, post, np.nan), "job": job,
         "programme": np.where(b, "B", "A"), "full": post}
    )
