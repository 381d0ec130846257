"""Permutation importance on held-out folds: what the models rely on (not what causes jobs)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

_IMPORTANCE_COLUMNS = ["model", "predictor", "importance_mean", "importance_sd", "n_evaluations"]


def _permutation_draws(
    model,
    x_test: pd.DataFrame,
    y_test: np.ndarray,
    name: str,
    predictors: Sequence[str],
    n_permutations: int,
    random_state: int,
) -> list[dict]:
    """Drops in held-out AUC when each predictor is shuffled (scikit-learn's
    ``permutation_importance``), one row per predictor and shuffle."""
    from sklearn.inspection import permutation_importance

    imp = permutation_importance(
        model,
        x_test,
        y_test,
        scoring="roc_auc",
        n_repeats=n_permutations,
        random_state=random_state,
    )
    return [
        {"model": name, "predictor": column, "value": float(v)}
        for column, values in zip(predictors, imp.importances, strict=True)
        for v in values
    ]


def _importance_table(draws: list[dict], names: list[str]) -> pd.DataFrame:
    """Mean, SD and count of the draws of each model and predictor, models in ``names``
    order, most important predictor first."""
    if not draws:
        return pd.DataFrame(columns=_IMPORTANCE_COLUMNS)
    importance = (
        pd.DataFrame(draws)
        .groupby(["model", "predictor"], sort=False)["value"]
        .agg(importance_mean="mean", importance_sd="std", n_evaluations="size")
        .reset_index()
    )
    importance["_m"] = importance["model"].map(names.index)
    return (
        importance.sort_values(["_m", "importance_mean"], ascending=[True, False])
        .drop(columns="_m")
        .reset_index(drop=True)
    )
