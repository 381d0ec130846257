"""Sandwich variances of M-estimators, shared by the weighting estimators."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cluster_sum", "sandwich"]


def cluster_sum(psi: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """Sum estimating-function rows within clusters (identity without clusters)."""
    if clusters is None:
        return psi
    codes, uniques = pd.factorize(clusters)
    return np.column_stack(
        [np.bincount(codes, weights=psi[:, j], minlength=len(uniques)) for j in range(psi.shape[1])]
    )


def sandwich(psi: np.ndarray, bread: np.ndarray, clusters: np.ndarray | None = None) -> np.ndarray:
    """Covariance ``A^-1 B A^-T`` of an M-estimator.

    ``psi`` holds one row of stacked estimating functions per observation, ``bread``
    is minus the derivative of their sum (its sign and any common scaling cancel),
    and ``B`` sums ``psi psi'`` over observations or, with ``clusters``, over cluster
    totals.
    """
    meat = cluster_sum(psi, clusters)
    a_inv = np.linalg.inv(bread)
    return a_inv @ (meat.T @ meat) @ a_inv.T
