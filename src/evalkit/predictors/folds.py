"""Grouped, repeated cross-validation folds: every person's out-of-fold predictions.

Each repetition assigns whole groups at random to the folds; each model is trained on
the other folds and predicts the held-out one. Along the way the loop records each
fold's AUC and Brier score, the permutation importance on the held-out fold, and (for
the partial-dependence jackknife) the fold's fitted models.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from evalkit.predictors.discrimination import _delong_auc
from evalkit.predictors.importance import _permutation_draws
from evalkit.predictors.partial_dependence import _averaging_rows, _fold_fit, _FoldFit


class _Design(NamedTuple):
    """The checked design of a cross-validation, as its result records it."""

    predictors: tuple[str, ...]
    fold_group: str  # column whose values never straddle a training and a test fold
    cluster: str | None  # column of clusters of the variances
    n_splits: int
    n_repeats: int
    conf_level: float
    seed: int  # of the folds, the boosting, the permutations and the subsample


class _OutOfFold(NamedTuple):
    """What the fold loop gives the summaries."""

    oof: np.ndarray  # out-of-fold predictions, models x repetitions x people
    folds: list[dict]  # AUC and Brier score of each model on each held-out fold
    importances: list[dict]  # permutation importance draws
    fits: list[_FoldFit] | None  # the fold models, for the partial-dependence jackknife


def _out_of_fold(
    models: dict,
    x: pd.DataFrame,
    y: np.ndarray,
    groups: np.ndarray,
    design: _Design,
    *,
    n_permutations: int,
    keep_fits: bool,
) -> _OutOfFold:
    """Fit each model on the training folds of each repetition and predict the held-out
    fold (scikit-learn ``GroupKFold(shuffle=True)``, seeded per repetition); ``groups``
    are the integer codes of the fold groups."""
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold

    names = list(models)
    seed, n_repeats = design.seed, design.n_repeats
    oof = np.full((len(names), n_repeats, len(y)), np.nan)
    fold_rows, importances = [], []
    # Partial dependence keeps each fold's models for its jackknife, with the rows of one
    # seeded subsample to average on.
    fits = [] if keep_fits else None
    averaging = _averaging_rows(len(y), seed) if keep_fits else None
    for repeat in range(n_repeats):
        splitter = GroupKFold(n_splits=design.n_splits, shuffle=True, random_state=seed + repeat)
        for fold, (train, test) in enumerate(splitter.split(x, y, groups)):
            _check_both_outcomes(y, train, test, fold, repeat)
            fitted = {}
            for i, name in enumerate(names):
                model = fitted[name] = clone(models[name]).fit(x.iloc[train], y[train])
                p = model.predict_proba(x.iloc[test])[:, 1]
                oof[i, repeat, test] = p
                fold_rows.append(_fold_row(name, repeat, fold, y[test], p))
                if n_permutations:
                    importances += _permutation_draws(
                        model,
                        x.iloc[test],
                        y[test],
                        name,
                        design.predictors,
                        n_permutations,
                        random_state=seed + 1000 * repeat + fold,
                    )
            if fits is not None:
                fits.append(_fold_fit(fitted, train, test, groups, averaging))
    return _OutOfFold(oof, fold_rows, importances, fits)


def _check_both_outcomes(
    y: np.ndarray, train: np.ndarray, test: np.ndarray, fold: int, repeat: int
) -> None:
    """Raise if the training or the held-out rows of a fold have only one outcome value."""
    if len(np.unique(y[test])) < 2 or len(np.unique(y[train])) < 2:
        raise ValueError(
            f"fold {fold} of repetition {repeat} has only one outcome value; use fewer "
            "folds or a grouping with more groups."
        )


def _fold_row(name: str, repeat: int, fold: int, y_test: np.ndarray, p: np.ndarray) -> dict:
    """Size, events, AUC and Brier score of one model on one held-out fold."""
    return {
        "model": name,
        "repeat": repeat,
        "fold": fold,
        "n": len(y_test),
        "n_events": int(y_test.sum()),
        "auc": _delong_auc(y_test.astype(bool), p[None, :])[0][0],
        "brier": float(np.mean((p - y_test) ** 2)),
    }
