"""Partial dependence of the top predictors, with grouped delete-d jackknife intervals.

The curves come from the models refitted on all rows; their standard errors from the
cross-validation fold models, each averaged over its own training rows (see
:func:`evalkit.predictors.cross_validate_models`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

#: Partial dependence: points of a numeric predictor's grid (5th to 95th percentile).
_PD_GRID_RESOLUTION = 20
#: Each cross-validation model's partial dependence is averaged over the training rows
#: among one seeded subsample of at most this many rows.
_PD_MAX_ROWS = 5_000
#: Rows of the stacked frame (rows x grid values) per predict_proba call, at most.
_PD_MAX_STACK = 1_000_000
_PD_COLUMNS = (
    "model",
    "predictor",
    "value",
    "average_prediction",
    "std_error",
    "ci_low",
    "ci_high",
)


class _FoldFit(NamedTuple):
    """What the partial-dependence jackknife needs of one cross-validation fold."""

    models: dict  # model name -> pipeline fitted on the fold's training rows
    rows: np.ndarray  # training rows to average the partial dependence over
    ratio: float  # groups in the training set / groups held out


def _pd_grid(x: pd.DataFrame, y: np.ndarray, predictor: str, categorical: list[str]) -> np.ndarray:
    """scikit-learn's partial-dependence grid of ``predictor`` (its categories, its unique
    values if fewer than the resolution, else equally spaced from the 5th to the 95th
    percentile).

    The grid depends on the predictor's column alone: a prior-only ``DummyClassifier``
    obtains it from ``partial_dependence`` without predicting with a real model.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.inspection import partial_dependence

    column = x[[predictor]]
    return partial_dependence(
        DummyClassifier(strategy="prior").fit(column, y),
        column,
        [predictor],
        kind="average",
        grid_resolution=_PD_GRID_RESOLUTION,
        categorical_features=[predictor] if predictor in categorical else None,
    )["grid_values"][0]


def _partial_dependence_curve(
    model, x: pd.DataFrame, predictor: str, grid: np.ndarray, rows: np.ndarray | None = None
) -> np.ndarray:
    """Mean predicted probability over ``rows`` of ``x`` with ``predictor`` set to each
    ``grid`` value (scikit-learn's brute-force partial dependence).

    The rows are stacked once per grid value and predicted together, in calls of at most
    ``_PD_MAX_STACK`` rows; the column keeps its dtype (e.g. categorical).
    """
    rows = np.arange(len(x)) if rows is None else np.asarray(rows)
    m = len(rows)
    sums = np.zeros(len(grid))
    dtype = x[predictor].dtype
    stacked_rows = _transformed_stack(model, x, predictor, grid, rows)
    if stacked_rows is not None:  # the same matrices, transformed once
        final = model[-1]
        for start in range(0, m * len(grid), _PD_MAX_STACK):
            position = np.arange(start, min(start + _PD_MAX_STACK, m * len(grid)))
            point = position // m
            p = final.predict_proba(stacked_rows(position))[:, 1]
            sums += np.bincount(point, weights=p, minlength=len(grid))
        return sums / m
    for start in range(0, m * len(grid), _PD_MAX_STACK):
        position = np.arange(start, min(start + _PD_MAX_STACK, m * len(grid)))
        point = position // m
        stacked = x.take(rows[position % m])
        stacked[predictor] = pd.Series(grid[point], index=stacked.index, dtype=dtype)
        p = model.predict_proba(stacked)[:, 1]
        sums += np.bincount(point, weights=p, minlength=len(grid))
    return sums / m


def _transformed_stack(model, x: pd.DataFrame, predictor: str, grid: np.ndarray,
                       rows: np.ndarray):
    """The transformed stacked rows of :func:`_partial_dependence_curve`, without
    transforming the stack (a function of the stack's positions), or ``None``.

    Every preprocessing step of evalkit's learners works column by column (see
    :func:`evalkit.predictors.importance._transformed_importances`): with the predictor
    set to a grid value, its output columns hold that value's transform in every row and
    the other columns are the rows' own. So the stack is the rows transformed once, with
    the predictor's output columns (those that change when it is set to the first grid
    value, or that differ between grid values) filled from one row transformed per grid
    value; the rows with the first grid value are transformed in full and checked. The
    final step then predicts from the same matrix, so the curve is identical. ``None``
    (transform the stack) when the model is not a pipeline, the transform is not a float
    array, or the check fails.
    """
    from sklearn.pipeline import Pipeline

    from evalkit.predictors.importance import _same

    if not isinstance(model, Pipeline) or len(model) < 2:
        return None
    m, dtype = len(rows), x[predictor].dtype
    base = x.take(rows)
    first = base.copy()
    first[predictor] = pd.Series(grid[np.zeros(m, dtype=int)], index=first.index, dtype=dtype)
    probe = x.take(np.repeat(rows[:1], len(grid)))
    probe[predictor] = pd.Series(grid, index=probe.index, dtype=dtype)
    transformed = model[:-1].transform(pd.concat([base, first, probe]))
    if not isinstance(transformed, np.ndarray) or transformed.dtype != np.float64:
        return None
    own, at_first, values = transformed[:m], transformed[m:2 * m], transformed[2 * m:]
    block = ~_same(own, at_first).all(axis=0) | ~_same(values, values[:1]).all(axis=0)
    checked = own.copy()
    checked[:, block] = values[0, block]
    if not _same(checked, at_first).all():
        return None

    def stacked(position: np.ndarray) -> np.ndarray:
        out = own[position % m]
        out[:, block] = values[position // m][:, block]
        return out

    return stacked


def _partial_dependence_table(
    models: dict,
    fold_fits: list[_FoldFit],
    x: pd.DataFrame,
    y: np.ndarray,
    top: list[str],
    categorical: list[str],
    z: float,
) -> pd.DataFrame:
    """Partial dependence of the ``top`` predictors, from the models refitted on all rows,
    with grouped delete-d jackknife standard errors over the cross-validation folds (see
    :func:`cross_validate_models`)."""
    from sklearn.base import clone

    ratios = np.array([f.ratio for f in fold_fits])
    grids = {predictor: _pd_grid(x, y, predictor, categorical) for predictor in top}
    rows = []
    for name, template in models.items():
        full = clone(template).fit(x, y)
        for predictor, grid in grids.items():
            estimate = _partial_dependence_curve(full, x, predictor, grid)
            replicates = np.array(
                [
                    _partial_dependence_curve(f.models[name], x, predictor, grid, f.rows)
                    for f in fold_fits
                ]
            )
            se = np.sqrt(ratios @ (replicates - replicates.mean(axis=0)) ** 2 / len(ratios))
            low = np.clip(estimate - z * se, 0.0, 1.0)
            high = np.clip(estimate + z * se, 0.0, 1.0)
            rows.extend(
                zip(
                    [name] * len(grid),
                    [predictor] * len(grid),
                    [v.item() if hasattr(v, "item") else v for v in grid],
                    estimate,
                    se,
                    low,
                    high,
                    strict=True,
                )
            )
    return pd.DataFrame(rows, columns=list(_PD_COLUMNS))


def _averaging_rows(n: int, seed: int) -> np.ndarray:
    """All ``n`` rows, or one seeded subsample of ``_PD_MAX_ROWS`` of them (sorted): the rows
    the fold models' partial dependence is averaged over (those in each training set)."""
    if n > _PD_MAX_ROWS:
        return np.sort(np.random.default_rng(seed).choice(n, _PD_MAX_ROWS, replace=False))
    return np.arange(n)


def _fold_fit(
    fitted: dict, train: np.ndarray, test: np.ndarray, groups: np.ndarray, averaging: np.ndarray
) -> _FoldFit:
    """A fold's fitted models, its training rows among ``averaging`` and its group ratio."""
    in_train = np.zeros(len(groups), dtype=bool)
    in_train[train] = True
    return _FoldFit(
        fitted,
        averaging[in_train[averaging]],
        len(np.unique(groups[train])) / len(np.unique(groups[test])),
    )


def _top_partial_dependence(
    models: dict,
    fold_fits: list[_FoldFit] | None,
    importance: pd.DataFrame,
    n_top: int,
    x: pd.DataFrame,
    y: np.ndarray,
    categorical: list[str],
    z: float,
) -> pd.DataFrame:
    """Partial dependence of the ``n_top`` predictors the last (flexible) model relies on
    most; empty without fold fits or importances."""
    if fold_fits is None or not len(importance):
        return pd.DataFrame(columns=list(_PD_COLUMNS))
    flexible = list(models)[-1]
    top = importance[importance["model"] == flexible].head(n_top)["predictor"].tolist()
    return _partial_dependence_table(models, fold_fits, x, y, top, categorical, z)
