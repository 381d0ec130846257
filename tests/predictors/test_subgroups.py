"""Performance by subgroup: small subgroups suppressed (primary and secondary)."""

import numpy as np

from evalkit.predictors import cross_validate_models
from tests.predictors.shared import PREDICTORS


def test_small_subgroups_are_suppressed(data):
    tiny = data.assign(flag=np.where(np.arange(len(data)) < 6, "rare", "common"))
    r = cross_validate_models(
        tiny,
        "job_within_12m",
        PREDICTORS,
        fold_group="mentor_id",
        n_splits=3,
        n_repeats=1,
        n_permutations=0,
        n_partial_dependence=0,
        subgroups=["flag"],
        rng=2,
    )
    rare = r.subgroups.query("level == 'rare'")
    assert (rare["suppression"] == "primary").all()
    assert rare[["n", "auc", "observed", "predicted"]].isna().all().all()
    assert (r.subgroups.query("level == 'common'")["suppression"] == "secondary").all()
