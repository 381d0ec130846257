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
    ``permutation_importance``), one row per predictor and shuffle.

    The same shuffles and the same scores as scikit-learn's, computed on the held-out
    rows transformed once (:func:`_transformed_importances`); scikit-learn's own
    loop when that shortcut does not apply."""
    importances = _transformed_importances(model, x_test, y_test, n_permutations, random_state)
    if importances is None:
        from sklearn.inspection import permutation_importance

        importances = permutation_importance(
            model,
            x_test,
            y_test,
            scoring="roc_auc",
            n_repeats=n_permutations,
            random_state=random_state,
        ).importances
    return [
        {"model": name, "predictor": column, "value": float(v)}
        for column, values in zip(predictors, importances, strict=True)
        for v in values
    ]


def _transformed_importances(
    model, x_test: pd.DataFrame, y_test: np.ndarray, n_permutations: int, random_state: int
) -> np.ndarray | None:
    """scikit-learn's ``permutation_importance`` (``scoring="roc_auc"``) of a pipeline,
    without transforming the held-out rows again for every shuffle.

    Every preprocessing step of evalkit's learners works column by column (imputation,
    scaling, one-hot and ordinal encoding), so shuffling a predictor's rows before the
    transformation gives the transformed matrix with the rows of that predictor's
    output columns shuffled. Those columns are the ones that change when the
    predictor's rows are rotated by one (an output column a rotation leaves unchanged
    is constant on these rows, so no shuffle changes it); the first shuffle of each
    predictor is transformed in full and checked against the shortcut. The shuffles
    (the same seeds, applied one after the other) and the scores (the final step's
    ``decision_function`` on the same matrix, then ``roc_auc_score``) are
    scikit-learn's, so the importances are identical. Returns ``None`` (use
    scikit-learn's loop) when the model is not a pipeline with a ``decision_function``,
    or a check fails.
    """
    from sklearn.pipeline import Pipeline
    from sklearn.utils import check_random_state

    if not isinstance(model, Pipeline) or not hasattr(model[-1], "decision_function"):
        return None
    steps, final = model[:-1], model[-1]
    n, k = x_test.shape
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    first = check_random_state(seed).permutation(n)  # the first shuffle of every predictor
    probes = []
    for j in range(k):
        for order in (np.roll(np.arange(n), 1), first):
            probe = x_test.copy()
            probe[probe.columns[j]] = probe.iloc[order, j].set_axis(probe.index)
            probes.append(probe)
    transformed = np.asarray(steps.transform(pd.concat([x_test, *probes])), dtype=float)
    base, probed = transformed[:n], transformed[n:].reshape(k, 2, n, -1)
    roc_auc_score = _binary_roc_auc()
    baseline = roc_auc_score(y_test, final.decision_function(base))
    importances = np.empty((k, n_permutations))
    for j in range(k):
        block = ~_same(probed[j, 0], base).all(axis=0)
        shuffled = base.copy()
        shuffled[:, block] = base[first][:, block]
        if not _same(shuffled, probed[j, 1]).all():
            return None
        rng, order = check_random_state(seed), np.arange(n)
        shuffled = base.copy()
        for r in range(n_permutations):
            rng.shuffle(order)
            shuffled[:, block] = shuffled[order][:, block]
            importances[j, r] = baseline - roc_auc_score(y_test, final.decision_function(shuffled))
    return importances


def _binary_roc_auc():
    """scikit-learn's ``roc_auc_score`` for a 0/1 outcome with both values present.

    The function ``roc_auc_score`` ends in for such an outcome (the same ROC curve and
    trapezoids, so the same number), without its checks of the labels, which take 60% of
    its time on a held-out fold; ``roc_auc_score`` itself if scikit-learn moved it.
    """
    try:
        from sklearn.metrics._ranking import _binary_roc_auc_score
    except ImportError:  # pragma: no cover
        from sklearn.metrics import roc_auc_score

        return roc_auc_score
    return _binary_roc_auc_score


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise equality, missing values equal to each other."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


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
